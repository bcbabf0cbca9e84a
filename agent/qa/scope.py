"""Who a question is about, read from its words: named accounts ("What did Keller Mechanical
see…"), a segment ("core-segment accounts", a segment's name), accounts described by what the
CRM says of them ("community foundations", "very small shippers": `agent.qa.described`), an
industry ("fintech", "clinic groups") or a group of documents by their titles
("usability-study participants").

Counting questions count inside this scope; open questions prefer it (a boost, not a filter),
because the words of a question are a weaker signal than an explicit `--segment`. A study's
people ("UX-study participants", reasons "study" and "titles") are the exception: what they said
is in the study's files or nowhere, so open questions search those files alone."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from agent.ingest.normalize import company_key
from agent.qa.described import (
    COMPOUND,
    MOST,
    compounds_of,
    described_accounts,
    head_accounts,
    in_a_compound,
    names_an_industry,
)
from agent.qa.followups import subject_of
from agent.qa.index import DocRow, document_index
from agent.qa.terms import content_stems, stem
from agent.qa.units import PARTICIPANT_WORDS, STUDY_PEOPLE
from agent.store import Workspace

# people named by their work ("technicians", "drivers", "dockhands", "nurses")
WORKERS = re.compile(r"\b[a-z]+(?:ians|ists|ers|ors|hands|nurses|aides|staff)\b", re.IGNORECASE)
# how research files are commonly named for the same thing
SAME_AS = {
    "usability": ["ux"],
    "ux": ["usability"],
    "interview": ["call"],
    "win": ["won"],
    "loss": ["lost"],
    "technician": ["tech"],
    "tech": ["technician"],
}
TIERS = {"core": "core", "adjacent": "adjacent", "selective": "selective", "defer": "defer"}
# what a tier word names when it stands before one of these (within three words): a group of
# customers, never "core features" or "the core problem"
GROUP_NOUNS = (
    r"(?:segments?|icps?|tiers?|accounts|customers|teams|companies|clients|firms|businesses|"
    r"organi[sz]ations|agencies|groups|labs|shops|operators|contractors|buyers|users|"
    r"respondents)"
)
TIER_LEAD = (  # the word before a tier word that names a group of customers
    r"(?:the|our|do|does|did|many|much|of|in|among|for|from|with|to|are|is|which|what|why|how|"
    r"at|by|and|or|all|these|those|its|their|your|other|interviewed|existing|current)"
)
GROUP_STEMS = {stem(w) for w in re.findall(r"[a-z]+", GROUP_NOUNS)}
UNIT_STEMS = {
    stem(w)
    for w in "segment segments accounts customers companies teams participants interviewees people users study".split()
}


@dataclass
class QuestionScope:
    """Documents the question is about (None: the whole research) and why."""

    doc_ids: set[str] | None = None
    label: str = ""
    reason: str = ""
    stems: set[str] = field(default_factory=set)  # words used up by the scope, not the topic

    @property
    def narrowed(self) -> bool:
        return self.doc_ids is not None


def segments_named(
    question: str, draft: Any, with_accounts: bool = False
) -> tuple[list[Any], str, set[str]]:
    """The draft's segments a question names: by tier ("core segment", "adjacent accounts"),
    else the segment sharing most words (at least two) with its name, else by the size of its
    companies ("very small companies"); their label and the question's words used up.
    `with_accounts`: only segments that have accounts."""
    numbered = _numbered(question, draft, with_accounts)
    if numbered[0]:
        return numbered
    lowered = question.lower()
    for word, tier in TIERS.items():
        # "core segment", "core accounts", "core legal teams", "mid-market (core) accounts";
        # never a noun's modifier ("university core facilities")
        if re.search(
            rf"(?:^|\(|['’]s |\b{TIER_LEAD} ){word}\)?(?:[- ][\w-]+){{0,3}}?[- ]{GROUP_NOUNS}\b",
            lowered,
        ):
            tiered = [
                s for s in draft.segments if s.tier == tier and (s.accounts or not with_accounts)
            ]
            if tiered:
                return tiered, f"{word} segment", {stem(word), stem("segment")}
    asked = content_stems(question) - UNIT_STEMS
    best: tuple[list[Any], str, set[str]] = ([], "", set())
    names, accounts = _name_words(draft)
    for segment in draft.segments:
        # the words only a segment's accounts say, quoted in its name ("saying ‘orthotics’"),
        # tell it apart by themselves, whatever other accounts are called
        said = content_stems(" ".join(re.findall(r"‘([^’]+)’", segment.name)))
        shared = {
            word
            for word in asked & names[id(segment)]
            if word in said or _distinguishes(word, id(segment), names, accounts)
        }
        if not segment.accounts:
            continue  # a group of participants: no accounts to narrow the question to
        if _other_size(question, segment):
            continue  # "mid-size home-care agencies" are not the segment of 1–10 employees
        if len(shared) >= 2 and len(shared) > len(best[2]):
            best = ([segment], segment.name, shared)
    if not best[0]:
        return _by_size(question, draft)
    return best


# "segment 2", "segments 1 and 3", "segment #2": the document's numbering (its headings read
# "Segment 2: …"); never a size band ("segment 1–10 employees", "segment 11-50")
NUMBERED = re.compile(
    r"\bsegments?\s+#?(\d{1,2})\b((?:\s*(?:,|and|or|&)\s*#?\d{1,2}\b)*)(?!\s*(?:[-–—]|to\b|\+|employees|staff|people))",
    re.I,
)


def _numbered(question: str, draft: Any, with_accounts: bool) -> tuple[list[Any], str, set[str]]:
    """The segments a question names by their number in the document ("in segment 1")."""
    match = NUMBERED.search(question)
    if not match:
        return [], "", set()
    numbers = [int(match.group(1))] + [int(n) for n in re.findall(r"\d+", match.group(2))]
    if not all(1 <= n <= len(draft.segments) for n in numbers):
        return [], "", set()
    chosen = [draft.segments[n - 1] for n in dict.fromkeys(numbers)]
    if with_accounts and not any(s.accounts for s in chosen):
        return [], "", set()
    label = " and ".join(
        f"Segment {n} ({draft.segments[n - 1].name})" for n in dict.fromkeys(numbers)
    )
    return chosen, label, {stem("segment")}


def segment_by_industry_word(question: str, draft: Any) -> tuple[list[Any], str, set[str]]:
    """The one segment named by one word of the industries its name starts with that no other
    segment's name has and whose accounts hold at least half of the accounts so named
    ("regional laundry accounts": "Linen Supply / Textile Rental / Industrial Laundry, 51–500
    employees"); a weaker reading than a segment's name, a CRM label or an industry, tried
    after them. Never a tool or size of the name."""
    asked = content_stems(question) - UNIT_STEMS
    names, accounts = _name_words(draft)
    found = []
    for segment in draft.segments:
        if not segment.accounts or _other_size(question, segment):
            continue
        words = {
            word
            for word in asked & _industry_words(segment.name)
            if _distinguishes(word, id(segment), names, accounts)
        }
        if len(words) == 1:
            found.append((segment, words))
    if len(found) != 1:
        return [], "", set()
    segment, words = found[0]
    return [segment], segment.name, words


def _name_words(draft: Any) -> tuple[dict[int, set[str]], list[tuple[int, set[str]]]]:
    """Each segment's name words (by the segment's id, without its size) and each account's
    name words with its segment's id."""
    names = {
        id(s): content_stems(re.sub(r"\d[\d,–-]*\s*employees", "", s.name)) - UNIT_STEMS
        for s in draft.segments
    }
    accounts = [(id(s), content_stems(a)) for s in draft.segments for a in s.accounts]
    return names, accounts


def _industry_words(name: str) -> set[str]:
    """The words of the industries a segment's name starts with (before its first comma and
    any "saying …"), not its size, tools or outcome."""
    head = name.split(", ")[0].split(" saying ")[0]
    return content_stems(head) - UNIT_STEMS


def _distinguishes(
    word: str,
    segment: int,
    names: dict[int, set[str]],
    accounts: list[tuple[int, set[str]]],
) -> bool:
    """Whether a word of a segment's name (the segment by its id) tells it from the others: no
    other segment's name has it, and the segment holds at least half of the accounts whose
    names have it ("Home Care" names a segment of small agencies while most home-care
    agencies are in another). `accounts`: each account's segment and words."""
    if any(word in words for other, words in names.items() if other != segment):
        return False
    holders = [other == segment for other, words in accounts if word in words]
    return not holders or sum(holders) * 2 >= len(holders)


# companies by their size, as a question says it: the segment of the smallest (or largest)
# accounts, when the draft has one clearly that small (or large)
# the size of a company by its people or vehicles: "one- and two-person labs", "solo
# practices", "owner-operators"
TINY = (
    r"\b(?:one|two|single|[12])(?:-?\s*(?:and|or|to)\s+(?:one|two|three|[123]))?[- ]"
    r"(?:person|people|man|tech|technician|mechanic|truck|bus|van)s?\b|\bsolo\b|"
    r"\bowner[- ]operat\w*"
)
SMALL = re.compile(
    r"\b(?:very small|small(?:er)?|tiny|early[- ]stage|very early|seed(?:-stage)?|smb)\b"
    r"[\w -]{0,20}?\b(?:compan(?:y|ies)|businesses|firms|shops|teams|customers|accounts|"
    r"startups?|labs|clinics|practices|agencies|operators|contractors)\b|\bstartups?\b|" + TINY,
    re.IGNORECASE,
)
LARGE = re.compile(
    r"\b(?:large|larger|largest|big|bigger|biggest|enterprise)\b[\w -]{0,20}?"
    r"\b(?:compan(?:y|ies)|businesses|firms|customers|accounts|organi[sz]ations)\b|"
    r"\benterprises\b",
    re.IGNORECASE,
)
SMALL_MAX = 200  # employees: the largest account of a "small companies" segment
LARGE_MIN = 1000  # employees: the smallest account of a "large companies" segment


def _band(segment: Any) -> tuple[float, float] | None:
    """The employee range of the size band most of the segment's accounts are in."""
    bands = getattr(getattr(segment, "firmographics", None), "size_bands", None)
    if not bands:
        return None
    top = max(bands, key=lambda c: c.accounts).value
    numbers = [float(n) for n in re.findall(r"\d+", top.replace(",", ""))]
    if not numbers:
        return None
    return numbers[0], numbers[1] if len(numbers) > 1 else float("inf")


MID = re.compile(r"\b(?:mid-?(?:size[d]?|market)|medium(?:-sized)?)\b", re.IGNORECASE)
MID_RANGE = (51.0, 1000.0)  # employees a "mid-size" company has


def _other_size(question: str, segment: Any) -> bool:
    """Whether the question says a size ("mid-size", "very small", "enterprise") that the
    segment's companies are not."""
    band = _band(segment)
    if band is None:
        return False
    low, high = band
    if MID.search(question):
        return high < MID_RANGE[0] or low > MID_RANGE[1]
    if SMALL.search(question) and not LARGE.search(question):
        return low > SMALL_MAX
    if LARGE.search(question) and not SMALL.search(question):
        return high < LARGE_MIN
    return False


def _by_size(question: str, draft: Any) -> tuple[list[Any], str, set[str]]:
    """'very small companies', 'early startups', 'enterprises': the segment whose accounts are
    mostly in the smallest size band (up to SMALL_MAX employees) or the largest (from
    LARGE_MIN), and the question's words that said so."""
    sized = [(s, band) for s in draft.segments if s.accounts and (band := _band(s))]
    small, large = SMALL.search(question), LARGE.search(question)
    if small and not large and sized:
        pick, (_, upper) = min(sized, key=lambda p: p[1][1])
        if upper <= SMALL_MAX:
            return [pick], pick.name, content_stems(small.group(0))
    if large and not small and sized:
        pick, (lower, _) = max(sized, key=lambda p: p[1][0])
        if lower >= LARGE_MIN:
            return [pick], pick.name, content_stems(large.group(0))
    return [], "", set()


def _segment_accounts(question: str, draft: Any) -> tuple[set[str], str, set[str]] | None:
    segments, label, used = segments_named(question, draft, with_accounts=True)
    members = {a for s in segments for a in s.accounts}
    return (members, label, used) if members else None


def industry_accounts(question: str, crm: list[DocRow]) -> tuple[set[str], set[str]]:
    """The CRM accounts of the industries a question names ("3PL and e-commerce operators"),
    and the question's words those names use."""
    from agent.ingest.normalize import _fold, industry_matches

    def named(text: str) -> list[tuple[str, str]]:
        compounds = compounds_of(text)
        return [
            (industry, match.group(0))
            for length, industry, match in industry_matches(_fold(text))
            if names_an_industry(length, match.group(0))
            and industry != "other"
            and not in_a_compound(match.group(0), compounds)
        ]

    # the group the question is about, when it names an industry: "why do mid-size
    # manufacturers and distributors start looking for a freight audit tool" is not about
    # freight companies or auditors
    subject = subject_of(question)
    found = named(subject) if subject else []
    if not found:
        # the thing a "which X do the breweries …" question asks about is no group when the
        # question says its group as a subject ("which cleaning chemicals do the breweries
        # run": no chemical companies); without one ("which fintech companies do we lose
        # to"), any word of the question may name the group
        from agent.qa.support import FOCUS

        asked = FOCUS.match(question) if subject else None
        found = named(question[asked.end(1) :] if asked else question)
    # "finance teams at multi-entity companies": the companies are after "at", and the
    # people before it say their job, not an industry
    people = re.match(r"(.+?)\s+(?:at|in|of|from)\s+\S+\s+\S+", subject or "")
    if people:
        found = [(i, said) for i, said in found if said not in _fold(people.group(1))]
    industries = {industry for industry, _ in found}
    used: set[str] = set().union(*(content_stems(said) for _, said in found)) if found else set()
    accounts = {d.crm_name for d in crm if d.crm_name and d.industry in industries}
    if subject and not found:  # "the two wineries": a CRM's own label ("Winery", "Wine & Spirits")
        own = _own_label_accounts(subject, crm)
        accounts |= set(own)
        used |= set().union(*own.values()) if own else set()
    return accounts, used


def _own_label_accounts(subject: str, crm: list[DocRow]) -> dict[str, set[str]]:
    """CRM accounts whose industry is a label of the CRM's own (not in the schema) whose
    distinguishing word the subject says, in any form ("wineries": "Winery", "Wine & Spirits"),
    with the subject's words that name it."""
    from agent.ingest.normalize import distinguishing_words, grown_from, own_industry_label

    # the words of a compound are no label's words alone ("botanical-garden plant shops" are
    # no garden centres)
    loose = COMPOUND.sub(" ", subject)
    said = {w for w in content_stems(loose) if len(w) >= 4}
    found: dict[str, set[str]] = {}
    for row in crm:
        if not row.crm_name or not row.industry or not own_industry_label(row.industry):
            continue
        for word in distinguishing_words(row.industry):
            key = stem(word)
            if len(key) < 4:
                continue
            hits = {w for w in said if grown_from(w, key)}
            if hits:
                found.setdefault(row.crm_name, set()).update(hits)
    return found


# "churned customers", "lost deals", "accounts that didn't renew": a group by its deal outcome
OUTCOME_GROUPS = [
    (
        "churned",
        re.compile(
            r"\b(churn(ed)?|cancell?ed|did ?n[o']t renew|not renew(ing|ed)?)\b.{0,20}"
            r"\b(customers?|accounts?|clients?|companies|teams?)\b"
            r"|\b(customers?|accounts?|clients?|companies|teams?)\b.{0,25}"
            r"\b(churn(ed)?|cancell?ed|left|leave|did ?n[o']t renew)\b",
            re.I,
        ),
        ("churn",),
    ),
    (
        "lost",
        re.compile(r"\blost (deals?|accounts?|prospects?|opportunit\w+)\b", re.I),
        ("lost", "loss"),
    ),
    ("won", re.compile(r"\bwon (deals?|accounts?|customers?)\b", re.I), ("won", "win")),
]


def _by_outcome(question: str, documents: list[DocRow]) -> tuple[set[str], str] | None:
    """Research documents of the accounts whose deal outcome the question names, and documents
    titled for it ("churn-call-notes")."""
    for outcome, pattern, words in OUTCOME_GROUPS:
        match = pattern.search(question)
        if not match:
            continue
        accounts = {company_key(d.account) for d in documents if d.account and d.outcome == outcome}
        ids = {
            d.doc_id
            for d in documents
            if d.kind != "crm"
            and (
                (d.account and company_key(d.account) in accounts)
                or any(w in d.source.rsplit("/", 1)[-1].lower() for w in words)
            )
        }
        if ids:
            return ids, match.group(0)
    return None


@lru_cache(maxsize=100_000)
def _name_stems(title: str | None, source: str) -> frozenset[str]:
    """The content stems of a document's title and file name (read once per document)."""
    name = f"{title or ''} {source.rsplit('/', 1)[-1]}".replace("-", " ").replace("_", " ")
    return frozenset(content_stems(name))


def _titled(subject: str, documents: list[DocRow]) -> set[str]:
    """Documents whose title or file name carries the subject's distinctive words."""
    wanted = content_stems(subject.replace("-", " ")) - UNIT_STEMS
    for word, also in SAME_AS.items():
        if stem(word) in wanted:
            wanted |= {stem(a) for a in also}
    if not wanted:
        return set()
    found = set()
    for doc in documents:
        if doc.kind == "crm":
            continue
        if wanted & _name_stems(doc.title, doc.source):
            found.add(doc.doc_id)
    return found


@dataclass
class AccountScope:
    """The accounts a question is about (by name, segment, description or industry)."""

    accounts: set[str]
    label: str
    reason: str
    stems: set[str]


def scope_accounts(question: str, workspace: Workspace, draft: Any = None) -> AccountScope | None:
    """The accounts the question names or describes, or None when it names none."""
    index = document_index(workspace)
    crm = [d for d in index.rows if d.kind == "crm"]
    named = set(index.directory().mentioned(question))
    accounts: set[str] | None = None
    label, reason, used = "", "", set()
    if named:
        accounts, label, reason = named, ", ".join(sorted(named)), "named"
        used = set().union(*(content_stems(n) for n in named))
    else:
        segment = _segment_accounts(question, draft) if draft is not None else None
        if segment:
            accounts, label, used = segment
            reason = "segment"
        elif (described := described_accounts(subject_of(question), crm)) is not None:
            accounts, label, reason, used = (
                described.accounts,
                described.label,
                "described",
                described.stems,
            )
            # the CRM files only some of a segment's laundries under "Laundry": when most it so
            # files (two thirds) sit in the one segment that word names, the question is
            # about the segment
            if draft is not None:
                one, name, words = segment_by_industry_word(question, draft)
                inside = described.accounts & set(one[0].accounts) if one else set()
                if one and words <= described.stems and 3 * len(inside) >= 2 * len(accounts):
                    accounts, label, reason, used = set(one[0].accounts), name, "segment", words
                elif (kind := _segment_of_kind(question, accounts, crm, draft)) is not None:
                    accounts, label, reason = set(kind.accounts), kind.name, "segment"
        else:
            industry, words = industry_accounts(question, crm)
            everyone = {d.crm_name for d in crm if d.crm_name}
            # an industry most accounts are in ("dental labs" in a dental-lab CRM) is everyone
            if industry and len(industry) <= MOST * len(everyone):
                accounts, label, reason, used = industry, " ".join(sorted(words)), "industry", words
            elif draft is not None:
                one, name, words = segment_by_industry_word(question, draft)
                if one:
                    accounts, label, reason, used = set(one[0].accounts), name, "segment", words
                elif (said := _said_only_by_a_segment(question, workspace, draft)) is not None:
                    accounts, label, reason, used = said
    return AccountScope(accounts, label, reason, used) if accounts is not None else None


def _segment_of_kind(question: str, described: set[str], crm: list[DocRow], draft: Any) -> Any:
    """ "Commercial printers" in a CRM that files only some printers under "Commercial
    Printing": the one segment that holds two thirds of the described accounts and two thirds
    of whose accounts the CRM calls by the description's head noun ("Printing", "Print
    Group") is the group asked about."""
    heads = head_accounts(subject_of(question) or "", crm)
    for segment in draft.segments:
        members = set(segment.accounts)
        if (
            len(members) > len(described)
            and 3 * len(described & members) >= 2 * len(described)
            and 3 * len(heads & members) >= 2 * len(members)
        ):
            return segment
    return None


FEW_SAY = 3  # accounts at most whose research says a word that names who a question is about


def _said_only_by_a_segment(
    question: str, workspace: Workspace, draft: Any
) -> tuple[set[str], str, str, set[str]] | None:
    """A group named by what only its accounts talk about ("mosquito and vector control
    districts", filed under government and environmental services): the words of the
    question's subject that the research of FEW_SAY accounts or fewer says, when together
    those accounts are exactly one segment."""
    # "what is different about … districts as customers?" has no subject the reader knows:
    # the question's own words then, which only a few accounts' research may say
    subject = subject_of(question) or question
    words = {
        w
        for w in re.findall(r"[a-z]{4,}", subject.lower())
        if stem(w) not in UNIT_STEMS and stem(w) not in GROUP_STEMS
    }
    saying: set[str] = set()
    used: set[str] = set()
    for word in sorted(words):
        accounts = workspace.catalog.term_accounts(word, FEW_SAY + 1)
        if 0 < len(accounts) <= FEW_SAY:
            saying |= accounts
            used.add(stem(word))
    if len(saying) < 2:
        return None
    keys = {company_key(a) for a in saying}
    for segment in draft.segments:
        if segment.accounts and {company_key(a) for a in segment.accounts} == keys:
            return set(segment.accounts), segment.name, "segment", used
    return None


def _study_documents(documents: list[DocRow]) -> set[str]:
    """The interviews and notes that name no company: a participants-only study's."""
    return {d.doc_id for d in documents if d.kind not in ("crm", "survey") and not d.account}


def question_scope(question: str, workspace: Workspace, draft: Any = None) -> QuestionScope:
    documents = document_index(workspace).rows
    scoped = scope_accounts(question, workspace, draft)
    if scoped is not None:
        keys = {company_key(a) for a in scoped.accounts}
        ids = {
            d.doc_id
            for d in documents
            if d.kind != "crm" and d.account and company_key(d.account) in keys
        }
        return QuestionScope(ids, scoped.label, scoped.reason, scoped.stems)
    by_outcome = _by_outcome(question, documents)
    if by_outcome is not None:
        outcome_ids, outcome_words = by_outcome
        return QuestionScope(outcome_ids, outcome_words, "outcome", content_stems(outcome_words))
    subject = subject_of(question)
    # "usability-study participants", "caregivers in the app study"
    if subject and (PARTICIPANT_WORDS.search(subject) or STUDY_PEOPLE.search(subject)):
        titled = _titled(subject, documents)
        research = [d for d in documents if d.kind != "crm"]
        # a study's people beside research about accounts: the interviews that name no
        # company ("technicians in the shop-floor study", whose files say "P1_tech-interview")
        unnamed = _study_documents(documents)
        if unnamed and any(d.account for d in research) and (not titled or titled < unnamed):
            return QuestionScope(unnamed, subject, "study", content_stems(subject) - UNIT_STEMS)
        if titled and len(titled) < len(research):
            return QuestionScope(titled, subject, "titles", content_stems(subject) - UNIT_STEMS)
    # "veterinary technicians", "removal drivers": people named by their work, when the files
    # of a study that names no company carry those words ("vet-tech-study_P3")
    workers = " ".join(w for w in WORKERS.findall(subject or "") if stem(w) not in UNIT_STEMS)
    if subject and workers:
        titled = _titled(workers, documents)
        if titled and titled <= _study_documents(documents):
            return QuestionScope(titled, subject, "study", content_stems(subject) - UNIT_STEMS)
    return QuestionScope()
