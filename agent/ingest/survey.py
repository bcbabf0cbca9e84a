"""Survey exports (CSV/XLSX): the Sean Ellis PMF question, NPS, segment columns and free text.

One document per response, linked to its company; duplicate submissions and empty sessions
are dropped (counted in the load result)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.ingest.normalize import industry_id, parse_date, parse_employees
from agent.ingest.tables import Table
from agent.schema import SurveyResponse

PMF_HEADER = re.compile(
    r"how (would|will) you feel if you (could|can|were)? ?(no longer|not|n't|unable to)|disappointed",
    re.I,
)
NPS_HEADER = re.compile(r"how likely .{0,60}recommend|\bnps\b|net promoter", re.I)
EMAIL_HEADER = re.compile(r"e-?mail", re.I)
COMPANY_HEADER = re.compile(
    r"^(?!.*\b(size|industry|type|role)\b).{0,50}\b(company|organi[sz]ation|employer|account|business name|where do you work)\b",
    re.I,
)
ROLE_HEADER = re.compile(
    r"^(?!.*\b(how many|how long|years)\b).*\b(role|title|job|position|function|occupation)\b", re.I
)
SIZE_HEADER = re.compile(
    r"\b(company size|team size|size|employees|headcount|how many (people|employees) (work|are employed))\b",
    re.I,
)
INDUSTRY_HEADER = re.compile(r"\b(industry|industries|sector|vertical)\b", re.I)
TIME_HEADER = re.compile(
    r"\b(timestamp|submitted|submission|time started|start(ed)? (date|time)|created|completed)\b",
    re.I,
)
STATUS_HEADER = re.compile(r"^(status|response status|completion)$", re.I)
ID_HEADER = re.compile(r"^(response ?id|respondent ?id|id|#)$", re.I)
_MULTI_PART = re.compile(r"^(?P<label>[^:?]{1,60}?)\s*#\s*(?P<n>\d+)\s*:\s*(?P<question>.+)$")


@dataclass
class SurveyColumns:
    pmf: str | None = None
    nps: str | None = None
    email: str | None = None
    company: str | None = None
    role: str | None = None
    size: str | None = None
    industry: list[str] = field(default_factory=list)
    timestamp: str | None = None
    times: list[str] = field(default_factory=list)
    status: str | None = None
    ids: list[str] = field(default_factory=list)
    choice: list[str] = field(default_factory=list)
    free_text: dict[str, list[str]] = field(default_factory=dict)  # question -> columns

    @property
    def metadata_columns(self) -> set[str]:
        return (
            {c for c in (self.timestamp, self.status, self.email) if c}
            | set(self.ids)
            | set(self.times)
        )


def _question(header: str) -> str:
    match = _MULTI_PART.match(header)
    return (match.group("question") if match else header).strip().rstrip(":").strip()


def _looks_like_question(header: str) -> bool:
    text = _question(header).lower()
    return text.endswith("?") or bool(
        re.match(
            r"^(what|how|why|which|who|when|where|do|does|did|would|is|are|please|select|describe|tell)\b",
            text,
        )
    )


def is_survey(table: Table) -> bool:
    headers = table.header
    if any(PMF_HEADER.search(h) or NPS_HEADER.search(h) for h in headers):
        return True
    return sum(1 for h in headers if _looks_like_question(h)) >= 2


def detect_columns(table: Table) -> SurveyColumns:
    columns = SurveyColumns()
    used: set[str] = set()

    def pick(pattern: re.Pattern[str], prefer: re.Pattern[str] | None = None) -> str | None:
        candidates = [h for h in table.header if h not in used and pattern.search(h)]
        if prefer:
            candidates.sort(key=lambda h: 0 if prefer.search(h) else 1)
        if candidates:
            used.add(candidates[0])
            return candidates[0]
        return None

    columns.pmf = pick(PMF_HEADER)
    columns.nps = pick(NPS_HEADER)
    columns.email = pick(EMAIL_HEADER)
    columns.status = pick(STATUS_HEADER)
    columns.timestamp = pick(TIME_HEADER, prefer=re.compile("submitted", re.I))
    columns.times = [h for h in table.header if h not in used and TIME_HEADER.search(h)]
    used.update(columns.times)
    columns.ids = [h for h in table.header if h not in used and ID_HEADER.match(h)]
    used.update(columns.ids)
    columns.industry = [h for h in table.header if h not in used and INDUSTRY_HEADER.search(h)]
    used.update(columns.industry)
    columns.size = pick(SIZE_HEADER)
    columns.role = pick(
        ROLE_HEADER, prefer=re.compile(r"primary role|job title|your role|title", re.I)
    )
    columns.company = pick(COMPANY_HEADER)
    for header in table.header:
        if header in used or TIME_HEADER.search(header):
            continue
        values = [row[header] for row in table.rows if row[header]]
        if not values:
            continue
        distinct = {v.lower() for v in values}
        average = sum(len(v) for v in values) / len(values)
        if len(distinct) <= 12 and (len(distinct) <= max(3, len(values) * 0.3)) and average < 60:
            columns.choice.append(header)
        else:
            columns.free_text.setdefault(_question(header), []).append(header)
    return columns


def pmf_answer(value: str) -> str | None:
    """Sean Ellis answer in any wording or case → very / somewhat / not / na (None when blank)."""
    text = value.strip().lower()
    if not text:
        return None
    if re.search(
        r"n/?a\b|no longer use|don'?t use|do not use|not using|not applicable|stopped using", text
    ):
        return "na"
    if "very" in text or "extremely" in text:
        return "very"
    if "somewhat" in text or "a little" in text or "slightly" in text:
        return "somewhat"
    if re.search(r"\bnot\b|\bno\b", text):
        return "not"
    return None


def nps_score(value: str) -> int | None:
    match = re.search(r"\b(10|[0-9])\b", value)
    return int(match.group(1)) if match else None


@dataclass
class SurveyRow:
    line: int
    response: SurveyResponse
    text: str
    answer_spans: list[tuple[int, int]]
    dedupe_key: str


def build_rows(table: Table, columns: SurveyColumns) -> tuple[list[SurveyRow], int, int]:
    """Responses in file order, without empty sessions and duplicate submissions.
    Returns (rows, empty count, duplicate count)."""
    rows: list[SurveyRow] = []
    empty = 0
    answer_columns = [h for h in table.header if h not in columns.metadata_columns]
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        if not any(cells[h] for h in answer_columns):
            empty += 1
            continue
        rows.append(_row(cells, line, columns))
    latest: dict[str, SurveyRow] = {}
    for row in rows:
        previous = latest.get(row.dedupe_key)
        if previous is None or _later(row, previous):
            latest[row.dedupe_key] = row
    kept = [r for r in rows if latest[r.dedupe_key] is r]
    return kept, empty, len(rows) - len(kept)


def _later(candidate: SurveyRow, current: SurveyRow) -> bool:
    a, b = candidate.response.submitted_at, current.response.submitted_at
    if a and b and a != b:
        return a > b
    return candidate.line > current.line


def _row(row: dict[str, str], line: int, columns: SurveyColumns) -> SurveyRow:
    email = row.get(columns.email or "", "").strip().lower() or None
    industry_raw = next((row[h] for h in columns.industry if row[h]), "")
    size_raw = row.get(columns.size or "", "")
    _count, band = parse_employees(size_raw) if size_raw else (None, None)
    submitted = row.get(columns.timestamp or "", "").strip() or None
    parsed_time = parse_date(submitted) if submitted else None
    segments: dict[str, str] = {}
    for header in columns.choice:
        if row[header]:
            segments[_question(header)] = row[header]
    company = row.get(columns.company or "", "").strip()
    if re.fullmatch(
        r"(?i)(self[- ]?employed|freelanc\w*|none|n/?a|-+|student|independent|retired|unemployed|personal|private|confidential|prefer not to say)",
        company,
    ):
        company = ""
    response = SurveyResponse(
        respondent=email,
        company=company or None,
        role=row.get(columns.role or "", "").strip() or None,
        size_band=band if band else (size_raw or None),
        industry=industry_id(industry_raw) if industry_raw else None,
        submitted_at=_sortable_time(submitted)
        if submitted
        else (parsed_time.isoformat() if parsed_time else None),
        pmf_answer=pmf_answer(row.get(columns.pmf or "", "")) if columns.pmf else None,
        pmf_raw=row.get(columns.pmf or "", "") or None,
        nps=nps_score(row[columns.nps]) if columns.nps and row[columns.nps] else None,
        segments=segments,
        answers={},
    )
    if industry_raw:
        response.segments.setdefault("industry", industry_raw)
    if response.role:
        response.segments.setdefault("role", response.role)
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0

    def add(label: str, value: str, is_answer: bool) -> None:
        nonlocal length
        prefix = f"{label}: "
        if parts:
            parts.append("\n")
            length += 1
        parts.append(prefix + value)
        if is_answer:
            spans.append((length + len(prefix), length + len(prefix) + len(value)))
        length += len(prefix) + len(value)

    for label, column in (
        ("Company", columns.company),
        ("Role", columns.role),
        ("Company size", columns.size),
    ):
        if column and row.get(column):
            add(label, row[column], False)
    if industry_raw:
        add("Industry", industry_raw, False)
    if columns.pmf and row.get(columns.pmf):
        add(_question(columns.pmf), row[columns.pmf], False)
    if columns.nps and row.get(columns.nps):
        add(_question(columns.nps), row[columns.nps], False)
    for question, headers in columns.free_text.items():
        answers = [row[h].strip() for h in headers if row[h].strip()]
        if answers:
            response.answers[question] = "\n".join(answers)
            for answer in answers:
                add(question, answer, True)
    answered = [row[h].strip().lower() for h in sorted(row) if h not in columns.metadata_columns]
    if email:
        key = f"email:{email}"
    elif sum(1 for a in answered if a) >= 3 and response.answers:
        # anonymous: identical substantive answers are one person submitting twice
        key = "answers:" + "|".join(answered)
    else:
        key = f"line:{line}"
    return SurveyRow(
        line=line, response=response, text="".join(parts), answer_spans=spans, dedupe_key=key
    )


def _sortable_time(value: str) -> str:
    """Timestamps compared as text must sort in time order: '3/4/2026 9:05' → '2026-03-04 09:05'."""
    match = re.match(
        r"^(\d{1,2})/(\d{1,2})/(\d{2,4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?",
        value,
    )
    if not match:
        return value
    month, day, year, hour, minute, second, meridiem = match.groups()
    year_number = int(year) + (2000 if len(year) == 2 else 0)
    hour_number = int(hour or 0)
    if meridiem:
        hour_number = hour_number % 12 + (12 if meridiem.lower() == "pm" else 0)
    return f"{year_number:04d}-{int(month):02d}-{int(day):02d} {hour_number:02d}:{int(minute or 0):02d}:{int(second or 0):02d}"
