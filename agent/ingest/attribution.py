"""Which account a document is about: front matter, file name, CRM names and domains,
or what the customer says ("I run revenue ops at Brookfield Tooling")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from agent.extract.lexicon import load_lexicon
from agent.ingest.normalize import (
    ABBREVIATIONS,
    FREE_MAIL,
    company_key,
    domain_of,
    readable_name,
    tool_name,
)
from agent.ingest.notes import NAME_ADDITION
from agent.schema import SourceDocument, SpeakerRole

_COMMON_FIRST_WORDS = {
    "the",
    "north",
    "south",
    "east",
    "west",
    "first",
    "united",
    "american",
    "national",
    "global",
    "blue",
    "green",
    "red",
    "new",
    "great",
    "big",
    "general",
    "central",
    "pacific",
    "atlantic",
}
_DESCRIPTOR = re.compile(rf"\s+[-–—]\s+|{NAME_ADDITION}|\s*\(")
_NAME = r"(?P<name>[A-Z][\w&'’.\-]*(?:\s+(?:&\s+|and\s+|of\s+)?[A-Z0-9][\w&'’.\-]*){0,4})"
# Words between "I'm" and "at" that make it something else than a job ("I'm gonna answer for X").
_NOT_A_JOB = (
    r"(?!(?:gonna|going|trying|talking|speaking|answering|thinking|looking|waiting|asking|"
    r"calling|paying|not|never|also\s+doing|responsible|happy|glad|sorry|grateful|thankful|"
    r"ready|sure|excited|worried|afraid|known|here|there)\b)"
)
# The speaker's current employer, stated: "I'm a data scientist at X", "I work for X",
# "I run revenue ops at X", "here at X", "our company, X". Not "with X" (a tool, a partner, a
# data source) and not the past ("I was at X", "I worked for X": a former employer).
_EMPLOYER = [
    re.compile(p)
    for p in (
        rf"\bI(?:'m|’m| am)\s+(?:{_NOT_A_JOB}[\w'’/&.-]+,?\s+){{0,6}}?(?:at|for)\s+{_NAME}",
        rf"\bI(?:'m|’m| am)\s+(?:currently\s+|now\s+)?with\s+{_NAME}",
        rf"\bI\s+(?:currently\s+|now\s+|still\s+)?(?:work|consult)\s+(?:as\s+[^.,;!?\n]{{1,50}}?\s+|in\s+[^.,;!?\n]{{1,40}}?\s+)?(?:at|for)\s+{_NAME}",
        rf"\bI(?:'ve|’ve| have)\s+been\s+(?:working\s+)?(?:at|for|with)\s+{_NAME}",
        rf"\b(?:I|we)\s+(?:run|lead|head|manage|own|oversee)\s+[^.,;!?\n]{{1,40}}?\s+(?:at|for)\s+{_NAME}",
        rf"\b(?:[Hh]ere|[Ww]e|[Uu]s)\s+at\s+{_NAME}",
        rf"\bI\s+(?:just\s+|recently\s+)?joined\s+{_NAME}",
        rf"\b(?:[Mm]y|[Oo]ur)\s+(?:company|employer|firm|organi[sz]ation|business)(?:,|\s+is|\s+is\s+called|\s+called)?\s+{_NAME}",
    )
]
# The clause before a statement that puts it in the past or elsewhere ("when I was at X, …").
_FORMER = re.compile(
    r"\b(?:was|were|used\s+to|previously|formerly|before|prior|old|last|former|back\s+when|had\s+been|worked|left)\b",
    re.IGNORECASE,
)
# "Company X", "Copmany X", "Client 3", "University X": research anonymised the name.
_PLACEHOLDER = re.compile(
    r"^(?:\S+\s+(?:[A-Z]|\d{1,3})|[A-Z]|X+|XYZ|ABC|N/?A|\[.*\]|<.*>|\*+)$|"
    r"^(?:the\s+)?(?:company|client|customer|org|organi[sz]ation|firm|employer|business|startup|"
    r"university|school|college|city|country|bank|team|vendor|partner|agency|redacted|anonymi[sz]ed)$",
    re.IGNORECASE,
)
_SCHOOL = re.compile(
    r"\b(?:universit\w*|college|polytechnic\w*|politecnico|polytechnique|institute|school|academy|"
    r"hochschule|[ée]cole|campus)\b",
    re.IGNORECASE,
)
# Proper nouns that follow "at"/"for" without being anyone's employer here: languages,
# libraries, fields and data sources (tools come from knowledge/technologies.yaml).
_NOT_EMPLOYERS = {
    "python",
    "java",
    "javascript",
    "scala",
    "julia",
    "matlab",
    "pytorch",
    "tensorflow",
    "keras",
    "scikit-learn",
    "sklearn",
    "pandas",
    "numpy",
    "spark",
    "kaggle",
    "wikipedia",
    "nlp",
    "ml",
    "ai",
    "llm",
    "api",
    "erp",
    "crm",
    "saas",
}
_NOT_NAMES = {
    "I",
    "We",
    "It",
    "This",
    "That",
    "So",
    "And",
    "But",
    "Yeah",
    "Um",
    "Uh",
    "Well",
    "Okay",
    "OK",
    "The",
}


def _abbreviated(name: str) -> int:
    """How many words of a name are abbreviations ('Dist.', 'Svcs')."""
    return sum(1 for w in re.findall(r"[A-Za-z]+", name) if w.lower() in ABBREVIATIONS)


# "Town of Quillan Harbors", "City of Fairhaven Water": a public body is named by the place
# after its kind
_PLACE_KIND = re.compile(
    r"^(?:the )?(?:town|city|village|county|borough|township|municipality|port|district) of "
)


def _distinctive_first(key: str) -> str:
    """The word a short reference to a company starts with: its first, or a public body's
    place ("quillan" of "town of quillan harbors")."""
    match = _PLACE_KIND.match(key)
    rest = key[match.end() :] if match else key
    return rest.split(" ")[0]


class AccountDirectory:
    """Known accounts (from CRM rows, front matter and deal notes) and how to recognise them."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # company key -> display name
        self.domains: dict[str, str] = {}  # domain -> display name
        self.short: dict[str, str] = {}  # distinctive first word -> display name
        self.compact: dict[str, str] = {}  # key without spaces -> display name
        self.by_first_word: dict[str, set[str]] = {}  # first word of a key -> keys
        # CRM rows that share a name before their descriptor ("PrintHaus Express - Dover",
        # "PrintHaus Express - Salem"): name key -> {descriptor key: display name}
        self.branches: dict[str, dict[str, str]] = {}
        self._pattern: re.Pattern[str] | None = None
        self._pattern_for = -1

    def add(self, name: str | None, domain: str | None = None, record: bool = False) -> None:
        """`record`: a CRM row (each row of a CRM is an account of its own)."""
        if not name or not name.strip():
            return
        key = company_key(name)
        if not key:
            return
        # "City of Brantford Falls - Water & Sewer Utility", "Acme (EMEA)": the name before its
        # descriptor is the same account; a descriptor never splits one account in two. Two
        # CRM rows of one name and two descriptors are two accounts ("PrintHaus Express -
        # Dover" and "- Salem", two franchise stores), and the name alone is neither.
        base, *described = _DESCRIPTOR.split(name, maxsplit=1)
        base_key = company_key(base) if described and len(base.split()) >= 2 else ""
        branches = self.branches.get(base_key, {}) if base_key else {}
        place = company_key(described[0]) if described else ""
        branch = record and bool(branches) and place not in branches
        if key not in self.names and base_key in self.names and not branch:
            self.names[key] = self.names[base_key]
        display = self.names.setdefault(key, readable_name(name))
        if record and base_key and place:
            self.branches.setdefault(base_key, {}).setdefault(place, display)
        if branch:
            self.names.pop(base_key, None)  # "PrintHaus Express" alone: which store?
        elif base_key and len(self.branches.get(base_key, ())) < 2:
            self.names.setdefault(base_key, display)
        self.compact.setdefault(key.replace(" ", ""), display)
        self.by_first_word.setdefault(key.split(" ")[0], set()).add(key)
        clean_domain = domain_of(domain)
        # a domain two accounts share (a franchise's stores) names neither
        if (
            clean_domain
            and clean_domain not in FREE_MAIL
            and self.domains.setdefault(clean_domain, display) != display
        ):
            self.domains[clean_domain] = ""
        first = _distinctive_first(key)
        if " " in key and len(first) >= 5 and first not in _COMMON_FIRST_WORDS:
            self.short[first] = (
                display if first not in self.short or self.short[first] == display else ""
            )

    def add_documents(self, documents: Iterable[SourceDocument]) -> None:
        named: list[tuple[str, str | None]] = []
        documents_list = list(documents)
        for doc in documents_list:
            if doc.crm is not None:
                named.append((doc.crm.name, doc.crm.domain))
            elif doc.account and doc.account_attribution in ("front_matter", "crm"):
                named.append((doc.account, None))
        # of two spellings of one account, the one written out shows ("Harlow Valley Water
        # District", not "Harlow Valley Water Dist."): CRM rows and front matter first
        records = {doc.crm.name for doc in documents_list if doc.crm is not None}
        for name, domain in sorted(named, key=lambda n: (_abbreviated(n[0]), n[1] is None)):
            self.add(name, domain, record=name in records)

    def canonical(self, name: str | None) -> str | None:
        """The known spelling of a company name ('Brookfield Tooling Inc.' → 'Brookfield Tooling')."""
        if not name:
            return None
        key = company_key(name)
        if key in self.names:
            return self.names[key]
        compact = self.compact.get(key.replace(" ", ""))
        if compact:
            return compact
        # 'Gulfline' or 'Dutch Creek Machine Works' for 'Gulfline Industrial Supply' / 'Dutch Creek Machine'
        first = key.split(" ")[0]
        if len(key) >= 5 and first not in _COMMON_FIRST_WORDS:
            partial = {
                self.names[known_key]
                for known_key in self.by_first_word.get(first, ())
                if known_key.startswith(key + " ") or key.startswith(known_key + " ")
            }
            if len(partial) == 1:
                return partial.pop()
        branch = self.branches_named(key)
        return branch[0] if len(branch) == 1 else None

    def by_domain(self, value: str | None) -> str | None:
        domain = domain_of(value)
        if not domain or domain in FREE_MAIL:
            return None
        if domain in self.domains:
            return self.domains[domain] or None
        # mail.brookfieldtooling.com → brookfieldtooling.com
        parts = domain.split(".")
        for i in range(1, len(parts) - 1):
            parent = ".".join(parts[i:])
            if parent in self.domains:
                return self.domains[parent] or None
        return None

    def in_file_name(self, stem: str) -> str | None:
        folded = " " + re.sub(r"[^a-z0-9]+", " ", stem.lower()).strip() + " "
        compact = folded.replace(" ", "")
        best: tuple[int, str] | None = None
        for key, display in self.names.items():
            plain = re.sub(r"[^a-z0-9]+", " ", key).strip()
            if not plain:
                continue
            named = f" {plain} " in folded or (
                len(plain) >= 8 and plain.replace(" ", "") in compact
            )
            if named and (best is None or len(plain) > best[0]):
                best = (len(plain), display)
        if best is None:
            # '2026-08-20_lone-pine_zoom' for Lone Pine Home Care, 'lark-and-ladle' for Lark &
            # Ladle Catering: the first two words of a longer name, when only one known account
            # starts with them
            # ('tricounty-textile' for Tri-County Textile Rental: the file may join words the
            # name hyphenates or spaces, so names and file compare as runs of joined words)
            tokens = re.sub(r" and ", " ", folded).split()
            runs = {
                "".join(tokens[i:j])
                for i in range(len(tokens))
                for j in range(i + 1, min(i + 4, len(tokens)) + 1)
            }
            starts: dict[str, set[str]] = {}
            for key, display in self.names.items():
                words = re.sub(r"[^a-z0-9]+", " ", key).split()
                if len(words) >= 3 and words[0] not in _COMMON_FIRST_WORDS:
                    for size in range(2, len(words)):
                        starts.setdefault("".join(words[:size]), set()).add(display)
            found = sorted(
                (len(start), next(iter(names)))
                for start, names in starts.items()
                if len(names) == 1 and start in runs
            )
            if found and len({display for _, display in found}) == 1:
                return found[-1][1]
            # '2026-03-03_ardent_otter' for Ardent Engineering Partners: a distinctive first
            # word that only one known account starts with
            for token in folded.split():
                if self.short.get(token):
                    return self.short[token]
        return best[1] if best else None

    def _names_pattern(self) -> re.Pattern[str] | None:
        """One alternation of every known name (longest first), rebuilt when names change."""
        if self._pattern_for != len(self.names):
            keys = sorted(self.names, key=len, reverse=True)
            self._pattern = (
                re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?!\w)")
                if keys
                else None
            )
            self._pattern_for = len(self.names)
        return self._pattern

    def mentioned(self, text: str) -> Counter[str]:
        """Known accounts named in `text`, with counts (one pass over the text, whatever the
        number of accounts: names and text are compared in the same folded form)."""
        found: Counter[str] = Counter()
        pattern = self._names_pattern()
        if pattern is not None:
            for match in pattern.finditer(company_key(text)):
                found[self.names[match.group(0)]] += 1
        if not found:
            for first, display in self.short.items():
                if display and re.search(rf"\b{re.escape(first.capitalize())}\b", text):
                    found[display] += 1
        if not found:
            for display in self.branches_named(company_key(text)):
                found[display] += 1
        return found

    def branches_named(self, key: str) -> list[str]:
        """The CRM rows a text names by the name several rows share and the descriptor of
        exactly one of them: "I own the InkSpot store here in Millbrook", "PrintHaus Express
        #52 Salem" (`key`: the text's `company_key`)."""
        folded = f" {key} "
        found = []
        for base_key, places in self.branches.items():
            first = _distinctive_first(base_key)
            if len(places) < 2 or first in _COMMON_FIRST_WORDS or f" {first} " not in folded:
                continue
            said = [display for place, display in places.items() if f" {place} " in folded]
            if len(said) == 1:
                found.append(said[0])
        return found


def _clean_candidate(name: str) -> str | None:
    name = re.split(r"[.!?]\s", name)[0]  # 'Brookfield Tooling. Honestly' ends at the sentence
    words = name.split()
    while words and words[-1].rstrip(".,") in _NOT_NAMES | {"and", "&", "of"}:
        words.pop()
    if not words or words[0] in _NOT_NAMES:
        return None
    candidate = " ".join(words).rstrip(".,;:'’")
    return candidate if len(candidate) >= 2 else None


def employer_name(candidate: str) -> bool:
    """Whether a name stated as an employer can be an account: not a placeholder ('Company X'),
    a school, a tool or product, a language or a data source."""
    if _PLACEHOLDER.match(candidate) or _SCHOOL.search(candidate):
        return False
    if candidate.lower() in _NOT_EMPLOYERS or tool_name(candidate)[1] is not None:
        return False
    return not load_lexicon().tools_in(candidate.split()[0])


def stated_employers(text: str) -> Counter[str]:
    """Company names the speaker states as their current employer, with counts."""
    found: Counter[str] = Counter()
    for pattern in _EMPLOYER:
        for match in pattern.finditer(text):
            clause_start = max(
                text.rfind(".", 0, match.start()) + 1,
                text.rfind("\n", 0, match.start()) + 1,
                match.start() - 40,
            )
            if _FORMER.search(text, clause_start, match.start("name")):
                continue  # 'when I was at Google', 'my old job at …'
            candidate = _clean_candidate(match.group("name"))
            if candidate and employer_name(candidate):
                found[candidate] += 1
    return found


def account_from_conversation(doc: SourceDocument, directory: AccountDirectory) -> str | None:
    """The account the customer works at: a known account (CRM, front matter) they name, else
    a company they state as their current employer. Nothing else: a name in passing is no account."""
    customer_text = (
        "\n".join(doc.text[t.start : t.end] for t in doc.turns if t.role != SpeakerRole.interviewer)
        or doc.text
    )
    labelled = _label_affiliation(doc, directory)
    if labelled:
        return labelled
    known = directory.mentioned(customer_text)
    if known:
        return known.most_common(1)[0][0]
    candidates: Counter[str] = Counter()
    for candidate, count in stated_employers(customer_text).items():
        candidates[directory.canonical(candidate) or candidate] += count
    if candidates:
        return candidates.most_common(1)[0][0]
    return None


_AFFILIATION_PARTS = re.compile(r"\s*(?:[(),|;]|\s[-–—]\s|\s@\s|\bat\s)\s*")


def _label_affiliation(doc: SourceDocument, directory: AccountDirectory) -> str | None:
    """A known account the customer's speaker label names as their employer: "Gloria Pratt
    (Lab Supervisor, City of Fairhaven Water)", "Dana | Acme Corp". The label says who speaks
    for whom; a company named inside the conversation may be somebody else's."""
    found: Counter[str] = Counter()
    labels = set()
    for turn in doc.turns:
        if turn.speaker and turn.role != SpeakerRole.interviewer:
            # the label as written, before the turn's text: the parser keeps the name only
            line_start = doc.text.rfind("\n", 0, turn.start) + 1
            written = doc.text[line_start : turn.start].strip()
            labels.add(written if turn.speaker in written and len(written) < 160 else turn.speaker)
    for speaker in labels:
        for part in _AFFILIATION_PARTS.split(speaker.rstrip(": ")):
            part = part.strip()
            # a first name alone ("Morgan") is a person, unless it is an account's whole name
            whole = company_key(part) in directory.names
            known = directory.canonical(part) if len(part.split()) >= 2 or whole else None
            if known:
                found[known] += 1
    return found.most_common(1)[0][0] if len(found) == 1 else None


def attribute(doc: SourceDocument, directory: AccountDirectory, stem: str) -> None:
    """Fill `doc.account` and `doc.account_attribution` unless the loader already knew."""
    if doc.account:
        known = directory.canonical(doc.account)
        if known is None and doc.survey is not None:
            # 'Northfield Tech' is no known spelling, but the email domain may be
            known = directory.by_domain(doc.survey.respondent)
            if known:
                doc.account_attribution = "email_domain"
        doc.account = known or doc.account
        return
    if doc.survey is not None:
        by_domain = directory.by_domain(doc.survey.respondent)
        if by_domain:
            doc.account, doc.account_attribution = by_domain, "email_domain"
        return
    from_file = directory.in_file_name(stem)
    if from_file:
        doc.account, doc.account_attribution = from_file, "file_name"
        return
    spoken = account_from_conversation(doc, directory)
    if spoken:
        doc.account, doc.account_attribution = spoken, "conversation"
