"""Quantified impact in plain speech: 'about six hours a week', '$40k a year', 'three weeks', '2%',
'three hundred hours', 'a week and a half', 'thirty patients a week'.

`find_quantities` reads every quantity of a sentence; `impact` picks the one most likely to be
the stated cost or result; `stated_cost` is stricter: the quantity a reader may be shown as the
cost of a problem, or None when the sentence does not state one unambiguously (a range, a change
'from 71 to 80', a date 'three weeks ago', a vague 'a few hours', a head count, a buying
threshold 'anything over $50k', a percentage that is a term or a state '40% off', '98% occupied')."""

from __future__ import annotations

import re
from collections.abc import Iterator

from text_to_num import text2num

from agent.schema import Quantity

_VAGUE = {
    "a": 1,
    "an": 1,
    "half a": 0.5,
    "half an": 0.5,
    "a couple": 2,  # 'a couple of days' is two days as people use it
    "a couple of": 2,
    "couple": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
    "several": 3,
    "a dozen": 12,
    "dozen": 12,
    "half a dozen": 6,
}
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_BELOW_100 = rf"(?:(?:{_TENS})(?:[- ](?:{_ONES}))?|{_TEENS}|{_ONES})"
# 'three hundred', 'a hundred and eighty', 'four hundred and fifty', 'twelve hundred', 'sixty-something'
_SPOKEN = (
    rf"(?:(?:{_BELOW_100}|a|one)\s+hundred(?:\s+(?:and\s+)?{_BELOW_100})?|{_BELOW_100})"
    r"(?:-(?:something|odd|ish))?"
)
_VAGUE_WORDS = "|".join(sorted((re.escape(w) for w in _VAGUE), key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_HALF = r"(?:\s+and\s+a\s+half)"
_AMOUNT = rf"(?P<amount>{_DIGITS}|{_SPOKEN}|{_VAGUE_WORDS})(?P<half>{_HALF})?"
_HIGH = rf"(?P<high>{_DIGITS}|{_SPOKEN})"
_RANGE = rf"(?:~\s*)?{_AMOUNT}(?:\s*(?:-|–|to|or)\s*(?:~\s*)?{_HIGH})?"
_SCALE = r"(?P<scale>k|K|grand|thousand|m|M|mm|million|billion|bn)?"
_UNITS = {
    "minute": "minutes",
    "min": "minutes",
    "hour": "hours",
    "hr": "hours",
    "day": "days",
    "business day": "days",
    "person-day": "days",
    "crew-day": "days",
    "man-day": "days",
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
# 'we lose a Sunday a month': a day of the week over a period is that many days
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNITS.update(dict.fromkeys(_WEEKDAYS, "days"))
DURATIONS = {"minutes", "hours", "days", "weeks", "months", "years", "quarters"}
COST_UNITS = DURATIONS | {"usd", "percent", "points"}
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

# What lies between an amount and its period: never a new clause ('two weeks' notice and we
# spent a quarter' is two weeks, then a quarter spent, not two weeks a quarter).
_NEW_CLAUSE = (
    r"\b(?:and|but|so|then|because|while|which|when)\s+(?:i|we|they|he|she|you|it|that|there)\b"
)


def _gap(most: int) -> str:
    return rf"(?:(?!{_NEW_CLAUSE})[^.;!?,]){{0,{most}}}?"


MONEY = re.compile(
    rf"(?P<currency>\$|usd\s?|€|£)\s?{_RANGE}\s*{_SCALE}\b(?:\s*(?:dollars|bucks))?(?:{_gap(30)}\b{_PERIOD})?",
    re.IGNORECASE,
)
# 'forty grand', 'five hundred dollars a month', 'two hundred bucks'
MONEY_WORDS = re.compile(
    rf"\b{_RANGE}\s*(?:(?P<scale>k|thousand|million)\s+)?(?P<currency>dollars|bucks|grand)\b(?:{_gap(30)}\b{_PERIOD})?",
    re.IGNORECASE,
)
# 'four thousand a month', 'a couple thousand a month': a sum of money over a period, unit unsaid
# ('40k a year' too: a sum in thousands over a period is money even without a currency)
MONEY_RATE = re.compile(
    rf"\b{_RANGE}\s*(?P<scale>thousand|grand|k)\b\s+(?:{_PERIOD})", re.IGNORECASE
)
# a word unit ends where its word does: 'at a percentage of the rate' says no 1 percent
PERCENT = re.compile(
    rf"\b{_RANGE}\s*(?P<unit>%|(?:percent|per cent|percentage points|points)\b)", re.IGNORECASE
)
COUNT = re.compile(
    rf"\b(?:about|around|roughly|maybe|like|nearly|almost|over|under|at least|easily|probably|close to|upwards of)?\s*"
    rf"{_RANGE}\s*{_SCALE}\s+(?:(?:full|extra|whole|solid|business|working|new|more|of|our|the)\s+)*(?P<unit>{_UNIT_WORDS})(?:e?s)?\b"
    rf"(?P<after>{_HALF})?(?:{_gap(40)}\b{_PERIOD})?",
    re.IGNORECASE,
)
# 'thirty patients a week', 'sixty no-heat calls a day': a count of anything over a period
RATE = re.compile(
    rf"\b{_RANGE}\s+(?P<noun>(?:[a-z-]+\s+){{0,2}}?[a-z-]+s)\s+(?:{_PERIOD})", re.IGNORECASE
)
_COUNTED_BEFORE = re.compile(
    rf"\b(?:times|once|twice|{_DIGITS}|{_SPOKEN}|couple|few|several|dozen)\b(?:\s+[\w-]+){{0,3}}\s*$",
    re.I,
)
# 'a year ago', 'a month later': when something happened, not how long it took
_WHEN_AFTER = re.compile(r"^\s+(?:ago|later|earlier|before|after|back|from now)\b", re.I)
_NOT_NOUNS = {
    "times",
    "hours",
    "days",
    "weeks",
    "months",
    "years",
    "minutes",
    "others",
    "ones",
    "of",
}


def _number(text: str) -> float | None:
    text = re.sub(r"\s+", " ", text.lower().strip()).lstrip("~ ")
    text = re.sub(r"-(?:something|odd|ish)$", "", text)
    if text in _VAGUE:
        return float(_VAGUE[text])
    try:
        return float(text.replace(",", ""))
    except ValueError:
        pass
    try:
        return float(text2num(re.sub(r"^an? ", "one ", text), "en"))
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
    groups = match.groupdict()
    high = _number(groups["high"]) if groups.get("high") else None
    if low is None:
        return None
    if groups.get("half") or groups.get("after"):
        low += 0.5
    return (low + high) / 2 if high is not None else low


def _is_range(match: re.Match[str]) -> bool:
    return bool(match.groupdict().get("high"))


def _is_vague(match: re.Match[str]) -> bool:
    amount = match.group("amount").lower()
    return re.sub(r"\s+", " ", amount) in {"a few", "few", "several", "half a", "half an"}


def _scan(pattern: re.Pattern[str], sentence: str) -> Iterator[re.Match[str]]:
    """Matches that may overlap: the next search starts after the unit, not after the period
    ('a ticket with IT, and that takes a week' holds 'a week')."""
    position = 0
    while match := pattern.search(sentence, position):
        yield match
        position = max(match.end("unit"), match.start() + 1)


_AT_SOME_POINT = re.compile(r"\bat\s*$", re.I)
_POINT_BEFORE = re.compile(rf"\b(?:{_DIGITS}|{_SPOKEN})\s+point\s*$", re.I)
_POINT_INSIDE = re.compile(rf"\bpoints?\s+(?:{_DIGITS}|{_SPOKEN})\b", re.I)


def _in_spoken_decimal(sentence: str, match: re.Match[str]) -> bool:
    """'one point two million', 'two point five days': a number said with 'point' in it."""
    amount_end = match.end("amount") if match.groupdict().get("amount") else match.end()
    return bool(
        _POINT_INSIDE.search(match.group(0))
        or _POINT_INSIDE.match(sentence[amount_end:].lstrip())
        or _POINT_BEFORE.search(sentence[: match.start()])
    )


def _quantities(sentence: str) -> list[tuple[re.Match[str], Quantity]]:
    """Every quantity with the match that stated it, in order of position."""
    found: list[tuple[re.Match[str], Quantity]] = []

    def overlaps(a: int, b: int) -> bool:
        return any(a < m.end() and m.start() < b for m, _ in found)

    def add(match: re.Match[str], amount: float, unit: str) -> None:
        if _in_spoken_decimal(sentence, match):
            return  # 'one point two million': no pattern reads a spoken decimal right
        found.append(
            (
                match,
                Quantity(
                    amount=amount, unit=unit, period=_period(match), text=match.group(0).strip()
                ),
            )
        )

    for pattern in (MONEY, MONEY_WORDS, MONEY_RATE):
        for match in pattern.finditer(sentence):
            amount = _amount(match)
            if amount is None or overlaps(*match.span()):
                continue
            scale = match.groupdict().get("scale")
            if pattern is MONEY_WORDS and match.group("currency").lower() == "grand":
                scale = "grand"
            add(match, _scaled(amount, scale), "usd")
    for match in PERCENT.finditer(sentence):
        amount = _amount(match)
        if amount is None or overlaps(*match.span()):
            continue
        add(match, amount, "points" if "point" in match.group("unit").lower() else "percent")
    for match in _scan(COUNT, sentence):
        amount = _amount(match)
        if amount is None or overlaps(*match.span()):
            continue
        word = match.group("unit").lower()
        unit = _UNITS.get(word) or _UNITS.get(word.rstrip("s"), word)
        bare = match.group("amount").lower() in {"a", "an"}
        # 'one person' style noise: a bare 'a'/'an' is a quantity of time only ('takes a week')
        if bare and unit not in DURATIONS:
            continue
        # 'a couple of times a week', 'eight bookings a week': the duration is the rate's period
        if bare and _COUNTED_BEFORE.search(sentence[: match.start()]):
            continue
        if bare and _WHEN_AFTER.match(sentence[match.end("unit") :]):
            continue
        if word in _WEEKDAYS and not _period(match):
            continue  # 'on a Sunday' is a day in the calendar; 'a Sunday a month' is an amount
        if unit == "points" and _AT_SOME_POINT.search(sentence[: match.start()]):
            continue  # 'at one point': a moment, not a number of points
        add(match, _scaled(amount, match.group("scale")), unit)
    for match in RATE.finditer(sentence):
        amount = _amount(match)
        noun = match.group("noun").lower().split()[-1]
        if amount is None or noun in _NOT_NOUNS or overlaps(*match.span()):
            continue
        if match.group("amount").lower() in {"a", "an"}:
            continue
        add(match, amount, _UNITS.get(noun.rstrip("s"), noun))
    found.sort(key=lambda item: item[0].start())
    return found


def find_quantities(sentence: str) -> list[Quantity]:
    """Quantities stated in a sentence, in order: money, percentages, counts and durations."""
    return [quantity for _, quantity in _quantities(sentence)]


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


# A change 'from seventy-one to eighty percent' or 'from eight business days to five': the
# difference is the result, and neither number alone is.
_CHANGE = re.compile(r"\bfrom\b[^.;!?]{0,60}?\bto\b|\bdown\s+to\b|\bup\s+to\b|\binstead of\b", re.I)
# A point or stretch in time, not an amount of effort: 'three weeks ago', 'in six months',
# 'for two years', 'every two weeks', 'two years old', 'last month'.
_WHEN_BEFORE = re.compile(
    r"\b(?:in|within|after|since|every|each|last|next|past|first|once|until|by|per|ago|for|over)"
    r"(?:\s+(?:the|a|about|around|maybe|like|roughly|almost|nearly|over|under|first|last|past|next))*\s*$",
    re.I,
)
_WHEN_AFTER = re.compile(
    r"^\s*(?:ago|old|later|from now|out|off|early|late|behind|ahead|before)\b", re.I
)
# Durations count as a cost only as effort or waiting: 'takes us three weeks', 'we lose six hours'.
_EFFORT = re.compile(
    r"\b(?:take|takes|took|taking|spend|spends|spent|spending|lose|loses|lost|losing|waste|wastes|"
    r"wasted|wasting|wait|waits|waited|waiting|burn|burns|burned|burning|cost|costs|costing|eat|eats|"
    r"ate|eating|sink|sank|sunk|chase|chasing|need|needs|needed|back|save|saves|saved|saving|"
    r"cut|cuts|down)\b",
    re.I,
)


# How long buying takes ('a formal RFP takes about ninety days', 'our security review took four
# and a half months') is a hurdle of the purchase, not what the customer's problem costs.
_BUYING = re.compile(
    r"\b(?:RFPs?|procurement|security review|legal review|vendor (?:review|assessment)|"
    r"contract|sign-?off|purchase order|budget cycle|approval process)\b",
    re.I,
)
# The speaker does not stand by the number ('three percent or whatever it is').
_UNSURE = re.compile(r"\b(?:or whatever|or something|who knows|no idea|not sure)\b", re.I)


# a count over a period is a cost only when what is counted went wrong
_GONE_WRONG = re.compile(
    r"\b(?:wrong|lost|lose|losing|miss(?:ed|ing|es)?|fail(?:ed|s|ing|ures?)?|late|errors?|"
    r"mistakes?|broke(?:n)?|break(?:s|ing)?|complain(?:ts?|ed|ing)?|dropped|no-shows?|"
    r"cancel(?:led|ed|lations?)|redo(?:ne)?|rework(?:ed)?|escalat(?:ed|ions?)|bounced?|"
    r"stuck|overdue|refunds?|chargebacks?|disputes?|returns?)\b",
    re.IGNORECASE,
)
# 'a job takes three days', 'each install takes a week': the length of one piece of work
_HOW_LONG_ONE_TAKES = re.compile(
    r"^\s*(?:a|an|each|every)\s+\w+(?:\s+\w+)?\s+(?:usually\s+|typically\s+|normally\s+)?"
    r"(?:takes?|took|lasts?)\s*$",
    re.I,
)


# 'every purchase over $2,500', 'most jobs are under two hundred bucks': a rule's threshold or
# the size of a piece of work, not what a problem costs ('overtime is over $40k' still is one)
_THRESHOLD = re.compile(
    r"(?:\b(?:anything|everything|purchases?|orders?|jobs?|invoices?|deals?|contracts?|discounts?|"
    r"items?|tickets?|quotes?|expenses?|requests?|bills?|cases?|claims?)|\bmost\s+[a-z-]+)"
    r"\s+(?:are\s+|is\s+)?(?:usually\s+|mostly\s+|all\s+)?"
    r"(?:over|under|above|below|more than|less than|up to)"
    r"(?:\s+(?:about|around|roughly|like|maybe))?\s*$",
    re.I,
)
# a percentage that is a term or a state, not a cost: 'thirty percent of the tow' on commission,
# 'ninety-eight percent occupied', 'fifty percent off', 'capped increases at five percent'
_TERMS = re.compile(
    r"\b(?:commissions?|discount(?:s|ed)?|mark-?ups?|cap(?:s|ped)?|occupied|occupancy|capacity)\b",
    re.I,
)
_STATE_AFTER = re.compile(
    r"^[^,;:.!?]{0,12}\b(?:occupied|full|capacity|off|discount|commission|mark-?up)\b", re.I
)


def _term_or_state(sentence: str, match: re.Match[str]) -> bool:
    """A percentage said as a commission, discount, markup, cap, occupancy or capacity (in its
    clause), or followed by one of them, 'off' or 'full'."""
    clause = re.split(r"[;:—–]|,\s*(?:and|but|so)\b", sentence[: match.start()])[-1]
    return bool(_TERMS.search(clause) or _STATE_AFTER.match(sentence[match.end() :]))


def stated_cost(sentence: str) -> Quantity | None:
    """The cost or result a reader may be shown for this sentence, exactly as stated; None when
    the sentence states none, or states it in a way a single number would misread."""
    if _CHANGE.search(sentence) or _BUYING.search(sentence) or _UNSURE.search(sentence):
        return None
    if sentence.lstrip().startswith(("(", "[")):
        return None  # an aside or stage direction, not the customer's words
    candidates: list[Quantity] = []
    for match, quantity in _quantities(sentence):
        if _is_range(match) or _is_vague(match):
            continue
        if quantity.unit == "usd" and _THRESHOLD.search(sentence[: match.start()]):
            continue  # a threshold or a size, not a cost
        if quantity.unit in {"percent", "points"} and _term_or_state(sentence, match):
            continue  # a commission, discount, cap or occupancy, not a cost
        if quantity.unit not in COST_UNITS and (
            quantity.period is None or not _GONE_WRONG.search(sentence)
        ):
            continue  # 'three branches', 'two hundred messages a day': a count or a volume of
            # work, not what it costs ('thirty patients a week at the wrong clinic' is one)
        if quantity.unit in DURATIONS and quantity.period is None:
            before, after = sentence[: match.start()], sentence[match.end() :]
            clause = re.split(r"[,;:—–]|\band\b|\bbut\b", before)[-1]
            effort = _EFFORT.search(clause)
            when = _WHEN_BEFORE.search(before)
            if _WHEN_AFTER.search(after) or not effort:
                continue
            if _HOW_LONG_ONE_TAKES.search(clause):
                continue  # 'a job takes three days': how long the work is, not what it costs
            if when and when.group(0).split()[0].lower() not in {"for", "over"}:
                continue  # 'takes a while in the first two weeks'
        candidates.append(quantity)
    if len({(q.amount, q.unit, q.period) for q in candidates}) != 1:
        return None  # none, or several different numbers: the quote stands alone
    return candidates[0]
