"""What a survey column holds, read from its values as well as its header.

Headers in real exports are question text ("How would you feel if you could no longer use…")
or short machine names (`pmf_q`, `nps`, `co`, `q7_open`); the values say more: the Sean Ellis
answer set, 0–10 scores, yes/maybe/no, e-mail addresses, ids, dates, size bands, industries,
job titles or free text. Each test here looks at one column's non-empty values.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.ingest.normalize import industry_id, parse_employees

_EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(?:\.[\w-]+)+$")
_DATE = re.compile(
    r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|"
    r"(?:mon|tue|wed|thu|fri|sat|sun)\w*,? .*\d{4}|\d{1,2} \w{3,9} \d{4}|\w{3,9} \d{1,2}, \d{4})"
    r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[ap]m)?(?:\s*(?:z|utc|gmt|[a-z]{2,4}|[+-]\d{2}:?\d{2}))?)?$",
    re.IGNORECASE,
)
_SCORE = re.compile(r"^(10|[0-9])(?:\.0)?(?:\s*[-–:(].{0,40})?$")
_SIZE = re.compile(
    r"\d\s*(?:-|–|to)\s*\d|\d\s*\+|\b(?:employees?|people|staff|fte|headcount)\b|just me|self[- ]employed",
    re.IGNORECASE,
)
_ROLE_WORDS = re.compile(
    r"\b(?:head|vp|vice president|director|manager|lead|chief|c[etfo]o|cro|cmo|founder|co-?founder|"
    r"owner|engineer|developer|analyst|scientist|designer|researcher|consultant|student|professor|"
    r"teacher|lecturer|admin(?:istrator)?|specialist|coordinator|officer|president|partner|associate|"
    r"intern|architect|agent|estimator|controller|accountant|dispatcher|technician|representative|rep|"
    r"supervisor|executive|assistant|editor|writer|librarian)\b",
    re.IGNORECASE,
)
_COMPANY_SUFFIX = re.compile(
    r"\b(?:inc|llc|ltd|gmbh|corp|co|plc|sa|ag|bv|group|labs|technologies|systems|solutions|software|"
    r"partners|holdings|industries|health|clinics?)\.?$",
    re.IGNORECASE,
)
_ID = re.compile(r"^(?=.*\d)[\w.:#-]{1,40}$")

YES = re.compile(
    r"^(?:yes|y|yeah|yep|sure|definitely|absolutely|of course|probably yes|yes,? definitely)\b",
    re.I,
)
MAYBE = re.compile(
    r"^(?:maybe|perhaps|possibly|not sure|unsure|probably|it depends|depends|might)\b", re.I
)
NO = re.compile(r"^(?:no|n|nope|never|probably not|definitely not|not really|unlikely)\b", re.I)


def header_words(header: str) -> str:
    """'pmf_q' → 'pmf q', 'biggestGap' → 'biggest gap', 'Resp-ID' → 'resp id'."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", header)
    return re.sub(r"[\s_.\-/]+", " ", spaced).strip().lower()


def recommend_answer(value: str) -> str | None:
    """'Yes' / 'Maybe' / 'No' in any case or wording → yes / maybe / no (None when blank or other)."""
    text = value.strip()
    if not text or len(text) > 40:
        return None
    if NO.match(text):
        return "no"
    if MAYBE.match(text) and not re.match(r"(?i)probably not", text):
        return "maybe"
    if YES.match(text):
        return "yes"
    return None


def share(values: list[str], test: Callable[[str], object]) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def average_length(values: list[str]) -> float:
    return sum(len(v) for v in values) / len(values) if values else 0.0


def is_email(values: list[str]) -> bool:
    return share(values, lambda v: _EMAIL.match(v.strip())) >= 0.8


def is_dates(values: list[str]) -> bool:
    return share(values, lambda v: _DATE.match(v.strip())) >= 0.8


def is_scores(values: list[str]) -> bool:
    """0–10 answers (NPS style): numbers 0–10, some of them 7 or more (not a 1–5 scale)."""
    if share(values, lambda v: _SCORE.match(v.strip())) < 0.9:
        return False
    numbers = [int(m.group(1)) for v in values if (m := _SCORE.match(v.strip()))]
    return len(set(numbers)) >= 3 and max(numbers) >= 7


def is_recommend(values: list[str]) -> bool:
    """Yes / maybe / no answers (at least two of the three appear)."""
    answers = [recommend_answer(v) for v in values]
    return share(values, recommend_answer) >= 0.9 and len({a for a in answers if a}) >= 2


def is_pmf(values: list[str], pmf_answer: Callable[[str], str | None], named: bool) -> bool:
    """The Sean Ellis answer set; without a header that names it, the answers must say
    'disappointed' (so a yes/no column is never read as PMF)."""
    if share(values, lambda v: len(v) < 120 and pmf_answer(v)) < 0.8:
        return False
    return named or share(values, lambda v: "disappoint" in v.lower()) >= 0.5


def is_ids(values: list[str], rows: int) -> bool:
    distinct = {v.strip() for v in values}
    return (
        len(values) >= 0.9 * rows
        and len(distinct) == len(values)
        and share(values, lambda v: _ID.match(v.strip())) >= 0.95
    )


def is_sizes(values: list[str]) -> bool:
    """Headcount bands ('11-50', '201-500 employees', '1000+'), not durations ('5+ years')."""
    return (
        share(values, lambda v: _SIZE.search(v) and parse_employees(v)[1]) >= 0.7
        and share(values, lambda v: re.search(r"(?i)\b(year|month|week|day|hour|age)s?\b", v)) < 0.1
    )


def is_industries(values: list[str]) -> bool:
    return average_length(values) < 40 and share(values, industry_id) >= 0.6


def is_roles(values: list[str]) -> bool:
    return average_length(values) < 50 and share(values, _ROLE_WORDS.search) >= 0.6


def is_companies(values: list[str]) -> bool:
    """Short names, a good share with a company suffix (Inc, LLC, GmbH, Labs …)."""
    return (
        average_length(values) < 50
        and share(values, lambda v: not re.search(r"[.!?]\s", v) and len(v.split()) <= 6) >= 0.9
        and share(values, lambda v: _COMPANY_SUFFIX.search(v.strip())) >= 0.3
    )


def is_free_text(values: list[str]) -> bool:
    distinct = {v.lower() for v in values}
    return average_length(values) >= 20 and len(distinct) >= 0.5 * len(values)
