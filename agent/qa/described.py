"""The accounts a question describes rather than names: "community foundations", "hospital
foundations", "very small volunteer-run nonprofits", "very small shippers". A description is
read against what the CRM says of each account — its industry, its own industry label, the
words of its name, its size — and every word of it that tells accounts apart must hold:

- an industry the description names narrows to that industry's accounts, unless most of the
  CRM is in it ("nonprofits" in a nonprofit product's CRM is everyone);
- a size word ("very small", "tiny", "enterprise") keeps the smallest (or largest) size band,
  and the next ones until at least `MIN_SIZED` accounts are in;
- any other word must be a word of the account's name or CRM label ("community" in "Lakeshore
  Community Foundation"), or of an industry the account is in ("hospital": healthcare); a word
  no account has ("shippers", "volunteer-run") describes everyone and narrows nothing.

Nothing is narrowed when no word tells accounts apart or when no account fits them all."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agent.ingest.normalize import SIZE_BANDS, _fold, grown_from, industry_matches
from agent.qa.index import DocRow
from agent.qa.terms import content_stems, stem

MIN_SIZED = 3  # accounts a size word keeps at least (the smallest band may hold one)
MOST = 0.6  # share of the CRM's accounts beyond which an industry or a word is everyone's
ONE_WORD_SHARE = 1 / 3  # of the CRM's accounts, beyond which a word said alone is everyone's
MIN_HAVING = 2  # accounts a describing word must fit: a kind of account is never one account
MIN_WORD = 4
MAX_GROWTH = 2  # letters of a word matched by its beginning ("wine" and "winery")
SMALL_WORDS = re.compile(
    r"\b(?:very small|small(?:er|est)?|tiny|micro|mom[- ]and[- ]pop|"
    # one of who does the work: "single-vet practices", "one-doctor clinics"
    r"(?:single|one)[- ](?:vet|doctor|dentist))\b",
    re.IGNORECASE,
)
_PLACES = (
    r"(?:location|site|branch|store|shop|office|clinic|practice|unit|facilit(?:y|ies)|"
    r"marina|home|restaurant|propert(?:y|ies)|campus|hospital|plant|warehouse)"
)
# how many places an account runs: "single-location homes", "multi-site garden centres"
SINGLE_PLACE = re.compile(rf"\b(?:single|one)[- ]{_PLACES}s?\b", re.IGNORECASE)
MULTI_PLACE = re.compile(rf"\bmulti[- ]?{_PLACES}s?\b", re.IGNORECASE)
LARGE_WORDS = re.compile(r"\b(?:large(?:r|st)?|big(?:ger|gest)?|enterprise)\b", re.IGNORECASE)
# words of a description that say how many or which, never what kind
FILLER_STEMS = {
    stem(w)
    for w in "the two three four five both those these our their very mid size sized "
    "midsize mid-size accounts customers companies organizations organisations teams "
    "clients prospects people users core adjacent selective segment "
    # a company's legal or generic suffix says no kind ("Copperline Restaurant Group")
    "group groups co company inc llc ltd partners holdings enterprises associates".split()
}
_BAND_ORDER = [band for band, _, _ in SIZE_BANDS]


@dataclass
class Described:
    accounts: set[str]  # CRM names
    stems: set[str]  # the question's words used to describe them
    label: str


def _words(text: str) -> set[str]:
    return content_stems(text.replace("-", " ").replace("&", " "))


def _has(word: str, words: set[str]) -> bool:
    """The word, or one grown from it by a letter or two ("wine", "wineries"; not "medical",
    "medicaid")."""
    return any(grown_from(word, w, MIN_WORD, MAX_GROWTH) for w in words)


def _placed(rows: Sequence[DocRow], single: bool) -> set[str] | None:
    """The accounts the CRM says run one place (or more than one), when it says how many
    places for most of its accounts; None when it does not."""
    counted = [r for r in rows if r.crm_name and r.locations is not None]
    if 2 * len(counted) < len([r for r in rows if r.crm_name]):
        return None
    return {r.crm_name for r in counted if (r.locations == 1) == single and r.crm_name}


def _sized(rows: Sequence[DocRow], small: bool) -> set[str]:
    banded = [r for r in rows if r.size_band in _BAND_ORDER]
    bands = {r.size_band for r in banded if r.size_band}
    order = sorted(bands, key=_BAND_ORDER.index, reverse=not small)
    kept: set[str] = set()
    for band in order:
        kept |= {r.crm_name for r in banded if r.size_band == band and r.crm_name}
        if len(kept) >= MIN_SIZED:
            break
    return kept


ACRONYM_PLURAL = re.compile(r"\b([A-Z0-9]{2,})s\b")


COMPOUND = re.compile(r"\w+(?:-\w+)+")  # "school-bus", "botanical-garden"


def compounds_of(text: str) -> list[str]:
    """The hyphenated compounds of a text, lower-cased ("school-bus")."""
    return COMPOUND.findall(text.lower())


def in_a_compound(said: str, compounds: list[str]) -> bool:
    """Whether an industry's word is only a part of a compound ("school" in "school-bus")."""
    said = said.lower()
    return any(said != c.replace("-", " ") and said in c.split("-") for c in compounds)


def names_an_industry(length: int, said: str) -> bool:
    """Whether an industry synonym found in a question names the industry: short ones ("it",
    "ai") are words of any question; "3PL", with its digit, is not."""
    return length >= 4 or any(c.isdigit() for c in said)


def _capitals(said: str, text: str) -> bool:
    """Whether a short synonym is written in capitals, as an acronym ("BPO"), three letters
    at least ("IT" and "AI" are words of too many questions)."""
    return len(said) >= 3 and re.search(rf"\b{re.escape(said.upper())}\b", text) is not None


def _kind(
    text: str,
    rows: Sequence[DocRow],
    used: set[str],
    said_of: dict[str, set[str]],
    raw_of: dict[str, set[str]],
    more_said: bool = False,
) -> set[str] | None:
    """The accounts one description of a kind fits ("hospital foundations"): every industry it
    names that not most accounts are in, and every other word of it that some accounts' names
    or labels have and most do not. None when nothing in it tells accounts apart.
    `more_said`: the description says more than its kind ("multi-unit restaurant groups"), so
    a word alone is a kind, as beside a second word."""
    everyone = {r.crm_name for r in rows if r.crm_name}
    fits = set(everyone)
    narrowed = False
    text = ACRONYM_PLURAL.sub(r"\1", text)  # "BPOs": the BPO industry
    compounds = compounds_of(text)
    folded = _fold(text.replace("-", " "))
    for length, industry, match in industry_matches(folded):
        said = match.group(0)
        if not names_an_industry(length, said) and not _capitals(said, text):
            continue  # "BPO" in capitals is the acronym
        if industry == "other" or said not in folded:
            continue
        if in_a_compound(said, compounds):
            continue  # "school-bus contractors" are no schools
        within = {r.crm_name for r in rows if r.industry == industry and r.crm_name}
        if within and len(within) <= MOST * len(rows):
            fits &= within
            used |= _words(said)
            narrowed = True
            folded = folded.replace(said, " ")
        elif " " in said:
            folded = folded.replace(said, " ")  # "human services" where all are nonprofits
        # an industry everyone is in, said in one word, may still be a word of some accounts'
        # names ("foundations": "Lakeshore Community Foundation")
    words = _words(folded) - FILLER_STEMS - used
    # a word most accounts have ("dental" in a dental-lab CRM) describes everyone: it is no
    # second word that lets the research's word for its customers narrow
    words = {
        word
        for word in words
        if sum(1 for said in said_of.values() if _has(word, said)) <= MOST * len(rows)
    }
    # alone, the research's word for its customers ("labs": 13 of 28 names) is no kind;
    # "agencies" (2 of 28) is
    most = MOST if len(words) > 1 or narrowed or more_said else ONE_WORD_SHARE
    # the words of a compound describe together ("school-bus contractors": a contractor whose
    # name or label says both, not any account with "school" in its name)
    for compound in compounds:
        parts = [w for w in compound.split("-") if w]
        words -= _words(compound)
        # a head noun no account's name or label says ("shop" of "sign-shop owners"): the
        # words before it describe (a describing word nobody says narrows to nobody)
        if len(parts) > 1 and not any(_part_said(parts[-1], raw_of[n], said_of[n]) for n in raw_of):
            parts = parts[:-1]
        having = {
            name
            for name, row_words in raw_of.items()
            if all(_part_said(p, row_words, said_of[name]) for p in parts)
        }
        if len(fits & having) >= MIN_HAVING and len(having) <= most * len(rows):
            fits &= having
            used |= _words(compound)
            narrowed = True
    for word in words:
        having = {name for name, words in said_of.items() if _has(word, words)}
        if len(having) > most * len(rows) or len(fits & having) < MIN_HAVING:
            # a word most accounts have describes everyone; one account's ("per-diem" in one
            # staffing agency's name), nobody
            continue
        fits &= having
        used.add(word)
        narrowed = True
    return fits if narrowed else None


def _part_said(part: str, raw: set[str], stems: set[str]) -> bool:
    """Whether a compound's part is a word of what the CRM says of an account: as written, a
    plural, or a form of the same word ("commercial-printer" for "Commercial Printing": a
    printer prints)."""
    if raw & {part, part + "s", part + "es"}:
        return True
    roots = {stem(part)}
    if part.endswith("er") and len(part) > 5:  # "printer", "grower", "builder"
        roots.add(stem(part[:-2]))
    return bool(roots & stems)


def head_accounts(subject: str, crm: Sequence[DocRow]) -> set[str]:
    """The CRM accounts whose name or labels say the head noun of a description, in any form
    of the word ("printers" of "commercial printers": "Printing", "Tamsin Printing Co.")."""
    words = [w for w in re.findall(r"[a-z]+", subject.lower()) if stem(w) not in FILLER_STEMS]
    if not words:
        return set()
    head = words[-1]
    head = head[:-1] if head.endswith("s") and not head.endswith("ss") and len(head) > 4 else head
    found = set()
    for row in crm:
        if row.crm_name:
            text = f"{row.crm_name} {row.industry_raw or ''} {row.industry or ''}"
            raw = set(re.findall(r"[a-z0-9]+", text.lower()))
            if _part_said(head, raw, _words(text)):
                found.add(row.crm_name)
    return found


def _cut(text: str, match: re.Match[str], parts: str) -> tuple[str, set[str]]:
    """The text without a describing phrase it matched, and the phrase's stems: its content
    words and each of its parts split at `parts`."""
    phrase = match.group(0)
    stems = _words(phrase) | {stem(w) for w in re.split(parts, phrase.lower()) if w}
    return text[: match.start()] + " " + text[match.end() :], stems


def described_accounts(subject: str | None, crm: Sequence[DocRow]) -> Described | None:
    """The CRM accounts `subject` (the group a question is about) describes, or None. Kinds
    listed ("manufacturers and distributors", "3PL and e-commerce operators") are each one
    description; the accounts of any of them count."""
    rows = [r for r in crm if r.crm_name]
    if not subject or not rows:
        return None
    text = subject
    used: set[str] = set()
    fits = {r.crm_name for r in rows if r.crm_name}
    narrowed = False
    placed_said = False
    for pattern, single in ((SINGLE_PLACE, True), (MULTI_PLACE, False)):
        match = pattern.search(text)
        if match:
            placed_said = True
            placed = _placed(rows, single)
            # without a count of places, one place is the smallest accounts' (as "small");
            # more than one says nothing of size
            if placed is not None or single:
                fits &= placed if placed is not None else _sized(rows, True)
                narrowed = True
            text, said_stems = _cut(text, match, r"[- ]")
            used |= said_stems
    for pattern, small in ((SMALL_WORDS, True), (LARGE_WORDS, False)):
        match = pattern.search(text)
        if match:
            fits &= _sized(rows, small)
            text, said_stems = _cut(text, match, r"\s+")
            used |= said_stems
            narrowed = True
    # "finance teams at multi-entity companies": the companies are described after "at"
    text = re.split(r"\b(?:at|in|of|from)\s+(?=\S+\s+\S+)", text, maxsplit=1)[-1]
    # what the CRM says of each account: its name and its industry labels, as content stems
    # and as the raw words a compound's parts are matched against
    said = {
        r.crm_name: f"{r.crm_name} {r.industry_raw or ''} {r.industry or ''}"
        for r in rows
        if r.crm_name
    }
    said_of = {name: _words(text) for name, text in said.items()}
    raw_of = {name: set(re.findall(r"[a-z0-9]+", text.lower())) for name, text in said.items()}
    kinds = [
        found
        for part in re.split(r"\s*(?:,|;|/|\band\b|\bor\b)\s*", text)
        if part.strip()
        and (found := _kind(part, rows, used, said_of, raw_of, placed_said)) is not None
    ]
    if kinds:
        fits &= set().union(*kinds)
        narrowed = True
    if not narrowed or not fits or len(fits) == len(rows):
        return None
    return Described(fits, used, subject)
