"""Which account a document is about: front matter, file name, CRM names and domains,
or what the customer says ("I run revenue ops at Brookfield Tooling")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from agent.ingest.normalize import FREE_MAIL, company_key, domain_of, tool_name
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
_SELF_INTRO = re.compile(
    r"\b(?:I|I'm|I am|we|we're|we are|our team|my team)\b[^.?!\n]{0,60}?\b(?:at|for|here at|over at|with)\s+"
    r"(?P<name>[A-Z][\w&'’.\-]*(?:\s+(?:&\s+|and\s+)?[A-Z][\w&'’.\-]*){0,4})"
)
_COMPANY_IS = re.compile(
    r"\b(?P<name>[A-Z][\w&'’.\-]*(?:\s+[A-Z][\w&'’.\-]*){0,4})\s+is\s+(?:a|an)\s+[^.?!\n]{0,50}?\b"
    r"(?:company|manufacturer|distributor|firm|contractor|shop|agency|startup|business|provider|group|clinic|lender)\b"
)
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


class AccountDirectory:
    """Known accounts (from CRM rows, front matter and deal notes) and how to recognise them."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # company key -> display name
        self.domains: dict[str, str] = {}  # domain -> display name
        self.short: dict[str, str] = {}  # distinctive first word -> display name
        self.compact: dict[str, str] = {}  # key without spaces -> display name
        self.by_first_word: dict[str, set[str]] = {}  # first word of a key -> keys
        self._pattern: re.Pattern[str] | None = None
        self._pattern_for = -1

    def add(self, name: str | None, domain: str | None = None) -> None:
        if not name or not name.strip():
            return
        key = company_key(name)
        if not key:
            return
        display = self.names.setdefault(key, name.strip())
        self.compact.setdefault(key.replace(" ", ""), display)
        self.by_first_word.setdefault(key.split(" ")[0], set()).add(key)
        clean_domain = domain_of(domain)
        if clean_domain and clean_domain not in FREE_MAIL:
            self.domains.setdefault(clean_domain, display)
        first = key.split(" ")[0]
        if " " in key and len(first) >= 5 and first not in _COMMON_FIRST_WORDS:
            self.short[first] = (
                display if first not in self.short or self.short[first] == display else ""
            )

    def add_documents(self, documents: Iterable[SourceDocument]) -> None:
        for doc in documents:
            if doc.crm is not None:
                self.add(doc.crm.name, doc.crm.domain)
            elif doc.account and doc.account_attribution in ("front_matter", "crm"):
                self.add(doc.account)

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
        return None

    def by_domain(self, value: str | None) -> str | None:
        domain = domain_of(value)
        if not domain or domain in FREE_MAIL:
            return None
        if domain in self.domains:
            return self.domains[domain]
        # mail.brookfieldtooling.com → brookfieldtooling.com
        parts = domain.split(".")
        for i in range(1, len(parts) - 1):
            parent = ".".join(parts[i:])
            if parent in self.domains:
                return self.domains[parent]
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
        return found


def _clean_candidate(name: str) -> str | None:
    name = re.split(r"[.!?]\s", name)[0]  # 'Brookfield Tooling. Honestly' ends at the sentence
    words = name.split()
    while words and words[-1].rstrip(".,") in _NOT_NAMES | {"and", "&"}:
        words.pop()
    if not words or words[0] in _NOT_NAMES:
        return None
    candidate = " ".join(words).rstrip(".,;:'’")
    if tool_name(candidate)[1] is not None:  # 'with Zendesk' names a tool, not the employer
        return None
    return candidate if len(candidate) >= 3 else None


def account_from_conversation(doc: SourceDocument, directory: AccountDirectory) -> str | None:
    """The account the customer talks about being at: known names first, then self-introductions."""
    customer_text = (
        "\n".join(doc.text[t.start : t.end] for t in doc.turns if t.role != SpeakerRole.interviewer)
        or doc.text
    )
    known = directory.mentioned(customer_text)
    if known:
        return known.most_common(1)[0][0]
    candidates: Counter[str] = Counter()
    for pattern in (_SELF_INTRO, _COMPANY_IS):
        for match in pattern.finditer(customer_text):
            candidate = _clean_candidate(match.group("name"))
            if candidate:
                candidates[directory.canonical(candidate) or candidate] += 1
    if candidates:
        return candidates.most_common(1)[0][0]
    return None


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
