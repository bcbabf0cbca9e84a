"""Messy CRM and survey values → one schema: headcounts and bands, money, industries,
regions, deal stages, tool names and dates. Vocabularies live in `knowledge/`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from functools import cache, lru_cache

from agent.resources import knowledge

SIZE_BANDS: list[tuple[str, int, int | None]] = [
    ("1-10", 1, 10),
    ("11-50", 11, 50),
    ("51-200", 51, 200),
    ("201-500", 201, 500),
    ("501-1000", 501, 1000),
    ("1001-5000", 1001, 5000),
    ("5001+", 5001, None),
]
_MULTIPLIERS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}
_NUMBER = r"(\d+(?:[.,]\d+)*)\s*(k|thousand|mm|mn|m|million|bn|b|billion)?\b"
_DASHES = dict.fromkeys(map(ord, "–—−‒"), "-")


def _plain(value: str) -> str:
    return value.translate(_DASHES).replace("\u00a0", " ").strip()


def _to_number(digits: str, suffix: str | None) -> float:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        digits = digits.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits) and not suffix:
        digits = digits.replace(".", "")  # 1.200 as a European thousands separator
    else:
        digits = digits.replace(",", ".")
    number = float(digits)
    return number * _MULTIPLIERS.get((suffix or "").lower(), 1.0)


def parse_amount_range(value: object) -> tuple[float, float | None] | None:
    """'201–500 employees' → (201, 500); '~1.2k' → (1200, 1200); '10,000+' → (10000, None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value), float(value)
    text = _plain(str(value)).lower().replace("$", "").replace("usd", "")
    if not text or text in {"n/a", "na", "-", "unknown", "none", "?"}:
        return None
    if re.search(r"self[- ]employed|just me|solo|owner[- ]operator", text):
        return 1.0, 1.0
    numbers = [(_to_number(m.group(1), m.group(2)), m) for m in re.finditer(_NUMBER, text)]
    if not numbers:
        return None
    # '10-50M' puts the multiplier on the second number only: share it.
    if len(numbers) >= 2 and numbers[1][1].group(2) and not numbers[0][1].group(2):
        first = _to_number(numbers[0][1].group(1), numbers[1][1].group(2))
        numbers[0] = (first, numbers[0][1])
    low = numbers[0][0]
    if len(numbers) >= 2 and re.search(r"\d\s*(-|to|–)\s*\$?\d", text):
        return low, numbers[1][0]
    if re.search(r"\+|plus|or more|over|above|more than|>", text):
        return low, None
    if re.search(r"under|less than|fewer than|below|<", text):
        return max(1.0, low / 2), low
    return low, low


def parse_number(value: object) -> float | None:
    parsed = parse_amount_range(value)
    if parsed is None:
        return None
    low, high = parsed
    return low if high is None else (low + high) / 2


def size_band(employees: float | None) -> str | None:
    if employees is None or employees <= 0:
        return None
    for band, low, high in SIZE_BANDS:
        if (high is None or employees <= high) and (employees >= low or band == "1-10"):
            return band
    return SIZE_BANDS[-1][0]


def parse_employees(value: object) -> tuple[int | None, str | None]:
    """Headcount (midpoint of a range) and its standard band."""
    text = _plain(str(value)) if value is not None else ""
    for band, _low, _high in SIZE_BANDS:
        if re.sub(r"\s", "", text.lower()).removesuffix("employees") == band:
            parsed = parse_amount_range(band.replace("+", ""))
            break
    else:
        parsed = parse_amount_range(value)
    if parsed is None:
        return None, None
    low, high = parsed
    count = low if high is None else (low + high) / 2
    return round(count), size_band(count)


def parse_money(value: object) -> float | None:
    return parse_number(value)


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", _plain(folded).lower().replace("&", " and ")).strip()


@cache
def _industry_synonyms() -> list[tuple[int, str, str]]:
    """(synonym length, industry id, folded synonym), longest synonym first."""
    data = knowledge("industries")
    synonyms = []
    for industry_id, spec in data["industries"].items():
        for synonym in sorted(spec.get("synonyms", []), key=len, reverse=True):
            synonyms.append((len(synonym), industry_id, _fold(synonym)))
    synonyms.sort(key=lambda item: -item[0])
    return synonyms


@cache
def _synonym_pattern(folded: str) -> re.Pattern[str]:
    # a synonym of four letters or more in the plural too ("manufacturers", "lenders",
    # "agencies"); a short one only as written ("it" is no "its")
    if len(folded) >= 4 and folded.endswith("y") and folded[-2] not in "aeiou":
        # "agency" → "agencies", "winery" → "wineries"
        return re.compile(rf"(?<![a-z0-9]){re.escape(folded[:-1])}(?:y|ies)(?![a-z0-9])")
    plural = "(?:s|es)?" if len(folded) >= 4 and folded[-1].isalpha() else ""
    return re.compile(rf"(?<![a-z0-9]){re.escape(folded)}{plural}(?![a-z0-9])")


def industry_matches(folded: str) -> Iterator[tuple[int, str, re.Match[str]]]:
    """(synonym length, industry id, match) for each industry synonym in `folded` (text
    already folded), longest synonym first. A synonym's pattern is compiled only when the text
    contains it (a plain substring test first): the same matches as compiling all six hundred,
    which a one-question process cannot afford."""
    for length, industry, synonym in _industry_synonyms():
        if synonym in folded or (synonym.endswith("y") and f"{synonym[:-1]}ies" in folded):
            match = _synonym_pattern(synonym).search(folded)
            if match:
                yield length, industry, match


def industry_id(value: object, min_synonym: int = 0, keep_unmatched: bool = False) -> str | None:
    """Map a free-text industry label to the internal schema (longest synonym wins).
    `min_synonym` ignores short synonyms ('it', 'ai') when reading prose or company names.
    `keep_unmatched` (a CRM or survey column): a short label the schema does not know
    ("Contract Operations", "Special district") stays itself instead of becoming `other`, so
    two groups the research tells apart are never merged into one "Other"."""
    if value is None or not str(value).strip():
        return None
    folded = _fold(str(value))
    data = knowledge("industries")
    if folded in {_fold(a) for a in data.get("ambiguous", [])}:
        return "other"
    if folded in data["industries"]:
        return folded
    # "Self-Storage" and "Self Storage", "Health_Care" and "Health Care": one label
    for spelled in dict.fromkeys([folded, re.sub(r"(?<=\w)[-_]+(?=\w)", " ", folded)]):
        for length, industry, _match in industry_matches(spelled):
            if length >= min_synonym:
                return industry
    return _own_label(str(value)) if keep_unmatched else "other"


def _own_label(value: str) -> str:
    """A column's own industry label, as written and before a sub-category ("Contract
    Operations - Municipal" → "Contract Operations"), or `other` when it is no label (a
    sentence, a number)."""
    head = re.split(r"\s+[-–—]\s+|\s*[(;:]", _plain(value).strip(), maxsplit=1)[0].strip()
    words = head.split()
    if not words or len(words) > 4 or not re.fullmatch(r"[A-Za-z][A-Za-z&/'’.\s-]*", head):
        return "other"
    return head[:1].upper() + head[1:]


def own_industry_label(industry: str | None) -> bool:
    """Whether an account's industry is a label of its CRM or survey's own ("Cannabis
    Testing"), not a key of the schema ("healthcare", "other")."""
    return bool(industry) and industry not in knowledge("industries")["industries"]


_LABEL_ALTERNATIVES = re.compile(r"\s*(?:/|&|\+|,|\band\b|\bor\b)\s*", re.IGNORECASE)
# words of scope or size, said of any industry: never what tells one industry from another
_SCOPE_WORDS = frozenset(
    "other general misc miscellaneous various mixed specialty special public private national "
    "local regional global international independent small large non b2b b2c".split()
)
_LABEL_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’-][^\W_]+)*")


def _singular(word: str) -> str:
    """'Breweries' → 'brewery', 'Churches' → 'church', 'Labs' → 'lab' ('Business' stays)."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def grown_from(word: str, other: str, min_letters: int = 4, max_growth: int | None = None) -> bool:
    """Whether two words are one, or one grows from the other ("wine", "winery"): both of at
    least `min_letters`, and at most `max_growth` letters longer when that is given."""
    if word == other:
        return True
    if min(len(word), len(other)) < min_letters:
        return False
    if max_growth is not None and abs(len(word) - len(other)) > max_growth:
        return False
    return word.startswith(other) or other.startswith(word)


def distinguishing_words(label: str) -> set[str]:
    """What tells an own industry label apart: the first word of each of its alternatives
    ("Cannabis / Hemp Testing" → cannabis, hemp), in the singular, unless it only says scope
    ("Regional …", "Other …"). The words after it say what kind of business it is ("testing",
    "lab", "services"), which unrelated industries share."""
    words = set()
    for alternative in _LABEL_ALTERNATIVES.split(label):
        found = _LABEL_WORD.findall(alternative)
        if found and _singular(found[0]) not in _SCOPE_WORDS:
            words.add(_singular(found[0]))
    return words


def industry_label(industry: str | None) -> str:
    if not industry:
        return "Unknown"
    spec = knowledge("industries")["industries"].get(industry)
    return spec["label"] if spec else industry


@cache
def _region_index() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    data = knowledge("regions")
    subdivisions: dict[str, str] = {}
    subdivision_country: dict[str, str] = {}
    for sub in data["subdivisions"]:
        subdivision_country[sub["code"]] = sub["country"]
        for name in [sub["code"], sub["name"], *sub.get("aliases", [])]:
            subdivisions.setdefault(_fold(str(name)).rstrip("."), sub["code"])
    countries: dict[str, str] = {}
    for code, spec in data["countries"].items():
        for name in [code, spec["name"], *spec.get("aliases", [])]:
            countries.setdefault(_fold(str(name)).rstrip("."), code)
    return subdivisions, subdivision_country, countries


def region_code(value: object, country: str | None = None) -> tuple[str | None, str | None]:
    """'Texas' / 'TX' → ('US-TX', 'US'); 'Québec' → ('CA-QC', 'CA')."""
    if value is None or not str(value).strip():
        return None, country
    subdivisions, subdivision_country, _ = _region_index()
    key = _fold(str(value)).rstrip(".")
    code = subdivisions.get(key)
    if code is None and country:
        code = subdivisions.get(f"{country.lower()}-{key}")
    if code is None:
        return None, country
    if country and subdivision_country[code] != country:
        # 'CA' alone is California in the US and Canada as a country; trust the country column.
        alternative = subdivisions.get(f"{country.lower()}-{key}")
        if not alternative:
            return None, country
        code = alternative
    return code, subdivision_country[code]


def country_code(value: object) -> str | None:
    if value is None or not str(value).strip():
        return None
    return _region_index()[2].get(_fold(str(value)).rstrip("."))


_STAGES: list[tuple[str, re.Pattern[str]]] = [
    (
        "churned",
        re.compile(r"churn|cancel+ed|former customer|did not renew|non[- ]?renew|terminated"),
    ),
    ("expanded", re.compile(r"expan|upsell|upgrad|grew|cross[- ]?sell")),
    (
        "lost",
        re.compile(r"\blost\b|closed[- ]lost|no decision|disqualif|rejected|\bdead\b|went with"),
    ),
    ("won", re.compile(r"\bwon\b|closed[- ]won|customer|active|renewed|\blive\b|signed|onboard")),
    (
        "open",
        re.compile(
            r"open|negotiat|proposal|discovery|trial|pilot|evaluat|demo|qualif|prospect|pipeline|commit"
        ),
    ),
]


def outcome(value: object) -> str | None:
    """CRM stage vocabulary → won / lost / churned / expanded / open."""
    if value is None or not str(value).strip():
        return None
    text = _fold(str(value))
    for stage, pattern in _STAGES:
        if pattern.search(text):
            return stage
    return "open"


@cache
def _tool_index() -> tuple[dict[str, tuple[str, str]], list[tuple[str, str, str]]]:
    data = knowledge("technologies")
    folded: dict[str, tuple[str, str]] = {}
    exact: list[tuple[str, str, str]] = []
    for tool in data["tools"]:
        names = [tool["name"], *tool.get("aliases", [])]
        for name in names:
            if tool.get("case_sensitive"):
                exact.append((str(name), tool["name"], tool["category"]))
            folded.setdefault(_fold(str(name)), (tool["name"], tool["category"]))
    return folded, exact


def tool_name(value: str) -> tuple[str, str | None]:
    """Canonical tool name and category ('QBO' → ('QuickBooks', 'accounting'),
    'IBM Maximo 7.5 (hospital)' → ('Maximo', 'cmms'))."""
    folded, exact = _tool_index()
    plain = re.sub(r"\s*\([^)]*\)", "", value).strip()
    plain_no_version = re.sub(r"\s+v?\d+(?:\.\d+)*\s*$", "", plain)
    for candidate in (value, plain, plain_no_version):
        hit = folded.get(_fold(candidate))
        if hit:
            return hit
        for name, canonical, category in exact:
            if candidate.strip() == name:
                return canonical, category
    from agent.extract.lexicon import load_lexicon

    mentioned = load_lexicon().tools_in(plain)
    if len(mentioned) == 1:
        return mentioned[0]
    # a tool nobody listed keeps its name without the note beside it ("LabWare (legacy)",
    # "Airflow (Astronomer)"): one tool, however each row qualifies it
    return (plain or value.strip()), None


_PLANNED = re.compile(
    r"^(?:moving|migrating|switching|upgrading|planning|plans?|evaluating|considering|looking at)\b",
    re.IGNORECASE,
)


_LISTED_INSIDE = re.compile(r"[^;,|()]*\(([^()]*[/;,|][^()]*)\)")


def parse_stack(value: object) -> list[str]:
    """'Zendesk; Slack, HubSpot' or ['Zendesk', 'Slack'] → canonical tool names, in order."""
    if value is None:
        return []
    if not isinstance(value, list):
        # "Mixed (GP / QB / NetSuite)": the list is inside the parentheses
        value = _LISTED_INSIDE.sub(r"\1", str(value))
    items = value if isinstance(value, list) else re.split(r"[;,|\n]+|\s+[+/]\s+", str(value))
    # "Excel/Sheets" is two tools, "SAP S/4HANA" one: a slash splits what it does not name
    items = [
        part
        for item in items
        for part in (
            [item] if "/" not in str(item) or tool_name(str(item))[1] else str(item).split("/")
        )
    ]
    tools: list[str] = []
    for item in items:
        item = str(item).strip().strip(".")
        if not item or item.lower() in {"n/a", "none", "-", "unknown"}:
            continue
        if _PLANNED.match(item):  # "Sage 100; moving to Dynamics": what they run is Sage 100
            continue
        name, _category = tool_name(item)
        if name not in tools:
            tools.append(name)
    return tools


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%d.%m.%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y/%m/%d",
    "%Y-%m",
)


def parse_date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    candidate = text[:10] if re.match(r"\d{4}-\d{2}-\d{2}", text) else text
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    return None


# a public body's name filed inverted: "Brantford Falls, City of" is "City of Brantford Falls"
_INVERTED = re.compile(
    r"^(?P<name>.+?),\s*(?:the\s+)?(?P<kind>city|town|village|county|borough|township|parish|"
    r"port|state|commonwealth|district|municipality|university|college)\s+of\.?$"
)
# abbreviations a CRM row uses for a word the same name spells out elsewhere
ABBREVIATIONS = {
    "dist": "district",
    "auth": "authority",
    "util": "utility",
    "utils": "utilities",
    "svc": "services",
    "svcs": "services",
    "dept": "department",
    "intl": "international",
    "mfg": "manufacturing",
    "assn": "association",
    "assoc": "association",
    "natl": "national",
    "univ": "university",
    "hosp": "hospital",
    "ctr": "center",
    "mgmt": "management",
    "bros": "brothers",
    "twp": "township",
    "cty": "county",
}


def readable_name(name: str) -> str:
    """A name as people say it: 'Brantford Falls, City of' → 'City of Brantford Falls'."""
    stripped = name.strip()
    inverted = _INVERTED.match(stripped.lower())
    if not inverted:
        return stripped
    kind_start = inverted.start("kind")
    kind = stripped[kind_start : inverted.end("kind")]
    return f"{kind[:1].upper()}{kind[1:]} of {stripped[: inverted.end('name')]}"


@lru_cache(maxsize=65536)
def company_key(name: str) -> str:
    """Comparable form of a company name: 'Brookfield Tooling, Inc.' → 'brookfield tooling';
    'Brantford Falls, City of' → 'city of brantford falls'; 'Harlow Valley Water Dist.' →
    'harlow valley water district'. Remembered: Q&A compares every document's account with a
    question's, every question."""
    folded = _fold(name)
    inverted = _INVERTED.match(folded)
    if inverted:
        folded = f"{inverted.group('kind')} of {inverted.group('name')}"
    folded = re.sub(r"[.,'’\"()/&-]", " ", folded)
    folded = re.sub(r"\band\b", " ", folded)
    folded = re.sub(
        r"\b(inc|incorporated|llc|l l c|ltd|limited|co|corp|corporation|company|gmbh|plc|pty|s a|sa|ag|bv|group|holdings)\b",
        " ",
        folded,
    )
    words = [ABBREVIATIONS.get(w, w) for w in folded.split()]
    return " ".join(words)


def domain_of(value: object) -> str | None:
    """'https://www.brookfieldtooling.com/about' or 'dana@brookfieldtooling.com' → 'brookfieldtooling.com'."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = re.sub(r"^[a-z]+://", "", text).split("/")[0].split("?")[0]
    text = text.removeprefix("www.")
    return text if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", text) else None


FREE_MAIL = {
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "gmx.de",
    "mail.com",
    "yandex.ru",
    "qq.com",
    "163.com",
    "msn.com",
    "comcast.net",
}
