"""Quantified impact in plain speech: 'about six hours a week', '$40k a year', 'three weeks', '2%'."""

from __future__ import annotations

import re

from agent.schema import Quantity

_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a hundred": 100,
    "a couple": 2,
    "a couple of": 2,
    "couple": 2,
    "a few": 3,
    "few": 3,
    "several": 3,
    "half a": 0.5,
    "half an": 0.5,
    "a dozen": 12,
    "dozen": 12,
    "a thousand": 1000,
}
_NUMBER_WORD = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
_COMPOUND = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](?:one|two|three|four|five|six|seven|eight|nine)"
_AMOUNT = rf"(?P<amount>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{_COMPOUND}|{_NUMBER_WORD})"
_RANGE = rf"(?:{_AMOUNT}(?:\s*(?:-|–|to|or)\s*(?P<high>\d+(?:\.\d+)?|{_NUMBER_WORD}))?)"
_SCALE = r"(?P<scale>k|K|grand|thousand|m|M|mm|million|billion|bn)?"
_UNITS = {
    "minute": "minutes",
    "min": "minutes",
    "hour": "hours",
    "hr": "hours",
    "day": "days",
    "business day": "days",
    "week": "weeks",
    "month": "months",
    "year": "years",
    "quarter": "quarters",
    "percent": "percent",
    "%": "percent",
    "point": "points",
    "person": "people",
    "people": "people",
    "employee": "people",
    "rep": "people",
    "agent": "people",
    "tech": "people",
    "technician": "people",
    "dispatcher": "people",
    "engineer": "people",
    "fte": "people",
    "headcount": "people",
    "staff": "people",
    "ticket": "tickets",
    "order": "orders",
    "quote": "quotes",
    "call": "calls",
    "job": "jobs",
    "invoice": "invoices",
    "truck": "trucks",
    "branch": "branches",
    "location": "locations",
    "customer": "customers",
    "deal": "deals",
    "complaint": "complaints",
    "escalation": "escalations",
    "seat": "seats",
    "license": "seats",
    "site": "sites",
}
_UNIT_WORDS = "|".join(sorted((re.escape(u) for u in _UNITS if u != "%"), key=len, reverse=True))
_PERIOD = (
    r"(?P<period>(?:a|an|per|every|each|a single|the)\s+(?:day|week|month|quarter|year|shift)"
    r"|daily|weekly|monthly|quarterly|yearly|annually|a\s+year|per\s+annum)"
)
_PERIODS = {
    "day": "day",
    "daily": "day",
    "shift": "day",
    "week": "week",
    "weekly": "week",
    "month": "month",
    "monthly": "month",
    "quarter": "quarter",
    "quarterly": "quarter",
    "year": "year",
    "yearly": "year",
    "annually": "year",
    "annum": "year",
}

MONEY = re.compile(
    rf"(?P<currency>\$|usd\s?|€|£)\s?{_RANGE}\s*{_SCALE}\b(?:\s*(?:dollars|bucks))?(?:[^.;!?]{{0,30}}?\b{_PERIOD})?",
    re.IGNORECASE,
)
MONEY_WORDS = re.compile(
    rf"\b{_RANGE}\s*{_SCALE}\s+(?:dollars|bucks|grand)\b(?:[^.;!?]{{0,30}}?\b{_PERIOD})?",
    re.IGNORECASE,
)
PERCENT = re.compile(
    rf"\b{_RANGE}\s*(?P<unit>%|percent|per cent|percentage points|points)", re.IGNORECASE
)
COUNT = re.compile(
    rf"\b(?:about|around|roughly|maybe|like|nearly|almost|over|under|at least|easily|probably|close to|upwards of)?\s*"
    rf"{_RANGE}\s*{_SCALE}\s+(?:(?:full|extra|whole|solid|business|working|new|more|of|our|the)\s+)*(?P<unit>{_UNIT_WORDS})(?:e?s)?\b"
    rf"(?:[^.;!?]{{0,40}}?\b{_PERIOD})?",
    re.IGNORECASE,
)


def _number(text: str) -> float | None:
    text = text.lower().strip()
    if text in _WORDS:
        return float(_WORDS[text])
    compound = re.fullmatch(
        r"(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](\w+)", text
    )
    if compound:
        return float(_WORDS[compound.group(1)] + _WORDS.get(compound.group(2), 0))
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _scaled(amount: float, scale: str | None) -> float:
    factor = {
        "k": 1e3,
        "grand": 1e3,
        "thousand": 1e3,
        "m": 1e6,
        "mm": 1e6,
        "million": 1e6,
        "billion": 1e9,
        "bn": 1e9,
    }
    return amount * factor.get((scale or "").lower(), 1.0)


def _period(match: re.Match[str]) -> str | None:
    period = match.groupdict().get("period")
    if not period:
        return None
    return _PERIODS.get(period.lower().split()[-1])


def _amount(match: re.Match[str]) -> float | None:
    low = _number(match.group("amount"))
    high = _number(match.group("high")) if match.groupdict().get("high") else None
    if low is None:
        return None
    return (low + high) / 2 if high is not None else low


def find_quantities(sentence: str) -> list[Quantity]:
    """Quantities stated in a sentence, money first, then percentages, then counts/durations."""
    found: list[tuple[int, int, Quantity]] = []

    def overlaps(a: int, b: int) -> bool:
        return any(a < e and s < b for s, e, _ in found)

    for pattern in (MONEY, MONEY_WORDS):
        for match in pattern.finditer(sentence):
            amount = _amount(match)
            if amount is None or overlaps(*match.span()):
                continue
            found.append(
                (
                    *match.span(),
                    Quantity(
                        amount=_scaled(amount, match.group("scale")),
                        unit="usd",
                        period=_period(match),
                        text=match.group(0).strip(),
                    ),
                )
            )
    for match in PERCENT.finditer(sentence):
        amount = _amount(match)
        if amount is None or overlaps(*match.span()):
            continue
        unit = "points" if "point" in match.group("unit").lower() else "percent"
        found.append(
            (
                *match.span(),
                Quantity(amount=amount, unit=unit, period=None, text=match.group(0).strip()),
            )
        )
    for match in COUNT.finditer(sentence):
        amount = _amount(match)
        if amount is None or overlaps(*match.span()):
            continue
        word = match.group("unit").lower()
        unit = _UNITS.get(word) or _UNITS.get(word.rstrip("s"), word)
        # 'one person' style noise: a bare 'a'/'an' is only a quantity with a period ('an hour a day')
        if (
            match.group("amount").lower() in {"a", "an"}
            and not _period(match)
            and unit not in {"hours", "days", "weeks", "months", "minutes"}
        ):
            continue
        found.append(
            (
                *match.span(),
                Quantity(
                    amount=_scaled(amount, match.group("scale")),
                    unit=unit,
                    period=_period(match),
                    text=match.group(0).strip(),
                ),
            )
        )
    found.sort(key=lambda item: item[0])
    return [q for _, _, q in found]


def impact(sentence: str) -> Quantity | None:
    """The quantity most likely to be the stated cost or result: money or time over a period first."""
    quantities = find_quantities(sentence)
    if not quantities:
        return None
    ranked = sorted(
        quantities,
        key=lambda q: (
            q.period is None,
            q.unit not in {"usd", "hours", "minutes", "days", "weeks", "months", "percent"},
            q.unit == "percent",
        ),
    )
    return ranked[0]
