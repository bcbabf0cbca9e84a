"""Words for people: the display names, plurals, ranges and dates that the Markdown, the HTML
document and the web page show instead of internal names (`win_loss`, `end_user`, `80–80`).
One place, so the three outputs say the same thing the same way."""

from __future__ import annotations

import datetime as dt
import re

from agent.ingest.normalize import industry_label

SOURCE_KINDS = {
    "transcript": ("interview transcript", "interview transcripts"),
    "notes": ("call note", "call notes"),
    "win_loss": ("win/loss note", "win/loss notes"),
    "survey": ("survey response", "survey responses"),
    "crm": ("CRM account", "CRM accounts"),
}
ROLES = {
    "economic_buyer": "Economic buyer",
    "champion": "Champion",
    "end_user": "End user",
    "technical_evaluator": "Technical evaluator",
    "blocker": "Blocker",
}
SCORE_BLOCKS = {
    "firmographic": "Firmographic fit",
    "technographic": "Technographic fit",
    "triggers": "Triggers",
    "buying_likelihood": "Buying likelihood",
}
CLAIM_KINDS = {
    "pain": "Pain",
    "job": "Job",
    "trigger": "Trigger",
    "outcome": "Outcome",
    "workaround": "Workaround",
    "objection": "Objection",
    "win_reason": "Why they buy",
    "loss_reason": "Why they lose",
    "churn_reason": "Why they churn",
}
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_COUNTED = re.compile(r"\b(\d[\d,]*) ((?:survey )?\w+?)\(s\)")  # "338 survey respondent(s)"
_ACRONYMS = {
    "crm",
    "erp",
    "it",
    "saas",
    "hr",
    "cpq",
    "nps",
    "pmf",
    "acv",
    "icp",
    "vp",
    "ceo",
    "cfo",
    "cto",
    "coo",
    "cio",
    "ciso",
    "cro",
    "cmo",
    "cpo",
    "svp",
    "evp",
    "avp",
    "gm",
    "qa",
    "hris",
    "evs",
}


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 account`, `2 accounts`, `0 accounts` (pass `many` for irregular words)."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def fix_plurals(text: str) -> str:
    """Generated sentences that say `1 account(s)` read `1 account` / `3 accounts`."""
    return _COUNTED.sub(lambda m: plural(int(m.group(1).replace(",", "")), m.group(2)), text)


def humanize(name: str) -> str:
    """`wholesale_distribution` → `Wholesale distribution`; `REPS` → `Reps`; acronyms stay."""
    words = re.split(r"[_\s]+", name.strip())
    shown = []
    for index, word in enumerate(w for w in words if w):
        if word.lower() in _ACRONYMS:
            shown.append(word.upper())
        elif word.isupper() and len(word) > 1:
            shown.append(word.capitalize() if index == 0 else word.lower())
        else:
            shown.append(word.capitalize() if index == 0 else word)
    return " ".join(shown)


def industry(code: str | None) -> str:
    label = industry_label(code)
    # a schema code ("software_saas") reads as words; a column's own label ("Private/IOU") as written
    return (
        humanize(label)
        if label == code and (code or "").islower() and " " not in (code or "")
        else label
    )


def source_kind(kind: str, count: int | None = None) -> str:
    """`Win/loss notes`, or with a count `1 win/loss note`, `19 CRM accounts`."""
    one, many = SOURCE_KINDS.get(kind, (humanize(kind).lower(), humanize(kind).lower()))
    if count is None:
        return many[0].upper() + many[1:]
    return f"{count:,} {one if count == 1 else many}"


def role(name: str) -> str:
    return ROLES.get(name, humanize(name))


def title(text: str) -> str:
    """A job title as named in research: `REPS` → `Reps`, `it` → `IT`."""
    return humanize(text) if text.isupper() or text.islower() else text


def score_block(name: str) -> str:
    return SCORE_BLOCKS.get(name, humanize(name))


def claim_kind(name: str) -> str:
    return CLAIM_KINDS.get(name, humanize(name))


def size_band(band: str) -> str:
    """`201-500` → `201–500 employees`; `5000+` → `5,000+ employees`."""
    text = band.strip().removesuffix("employees").strip()
    match = re.fullmatch(r"(\d[\d,]*)\s*[-–]\s*(\d[\d,]*)", text)
    if match:
        low, high = (int(g.replace(",", "")) for g in match.groups())
        return employees(low, high)
    match = re.fullmatch(r"(\d[\d,]*)\+", text)
    if match:
        return f"{int(match.group(1).replace(',', '')):,}+ employees"
    return band


def employees(low: int | None, high: int | None) -> str:
    """`80 employees` when both ends are equal, else `80–1,200 employees`."""
    if low is None and high is None:
        return "size not known"
    if low is None or high is None or low == high:
        return plural(low if low is not None else high or 0, "employee")
    return f"{low:,}–{high:,} employees"


def money(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1e6:
        return f"${value / 1e6:.1f}M"
    if value >= 1e3:
        return f"${value / 1e3:.0f}k"
    return f"${value:,.0f}"


def money_range(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "—"
    if low is None or high is None or money(low) == money(high):
        return money(low if low is not None else high)
    return f"{money(low)}–{money(high)}"


def percent(value: float | None, n: int | None = None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}%" + (f" (n={n})" if n is not None else "")


def engine(name: str, model: str | None = None) -> str:
    """How the evidence was read, in words."""
    if name == "offline":
        return "read on this computer by the built-in extractor (no language model)"
    shown = f"the language model {model}" if model else "a language model"
    return f"read by {shown} through an OpenAI-compatible endpoint"


def date(value: dt.date | dt.datetime | str | None) -> str:
    """`4 Dec 2026` or `4 Dec 2026, 17:27 UTC`: unambiguous in every locale (the web page
    rewrites `<time>` elements in the reader's own format)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            parsed: dt.date = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        value = parsed
    if isinstance(value, dt.datetime):
        zone = " UTC" if value.tzinfo is None or value.utcoffset() == dt.timedelta(0) else ""
        return f"{value.day} {value:%b %Y, %H:%M}{zone}"
    return f"{value.day} {value:%b %Y}"


def iso(value: dt.date | dt.datetime | str) -> str:
    """Machine form for `<time datetime>`."""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.isoformat() + "Z"
    return str(value.isoformat())


def without_emails(text: str) -> str:
    """Personal e-mail addresses never reach a citation."""
    return EMAIL.sub("[e-mail]", text)


class Citer:
    """Who a quote is from, without personal e-mail addresses: the account, else the speaker
    if it is a name, else `respondent N` numbered in order of first appearance."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def who(self, doc_id: str, account: str | None, speaker: str | None = None) -> str:
        if account and not EMAIL.search(account):
            return account
        if speaker and not EMAIL.search(speaker) and speaker.lower() not in ("customer", "a"):
            return speaker
        number = self._numbers.setdefault(doc_id, len(self._numbers) + 1)
        return f"respondent {number}"
