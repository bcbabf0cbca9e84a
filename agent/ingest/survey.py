"""Survey exports (CSV/XLSX/JSON): the Sean Ellis PMF question, NPS, a yes/maybe/no "would
you recommend", segment columns and free text, each column read from its header and values.

One document per response, linked to its company. Duplicates are dropped only when they are
the same person (respondent id or e-mail: the latest submission wins) or the very same row;
different people with identical answers are kept. Empty sessions are dropped. Both are
counted in the load result."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from agent.ingest import columns as values
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
# what a survey tool records of each session besides its answers (Qualtrics, SurveyMonkey,
# Typeform): never an answer, so a session with nothing else is empty
SYSTEM_HEADER = re.compile(
    r"^(ip ?address|progress|duration( \(in seconds\))?|finished|recipient ?(first|last) ?name|"
    r"external ?(data ?)?reference|location ?(latitude|longitude)|distribution ?channel|"
    r"user ?language|response ?type|collector ?id|network ?id|user ?agent|q recaptcha score|"
    r"q relevant ?id[\w ]*)$",
    re.I,
)
ID_HEADER = re.compile(r"^(response ?id|respondent ?id|id|#)$", re.I)
# Short machine names, matched on header_words(header): 'pmf_q' → 'pmf q'.
SHORT_HINTS: dict[str, re.Pattern[str]] = {
    "pmf": re.compile(r"\b(pmf|sean ellis|ellis|disappoint\w*)\b"),
    "nps": re.compile(r"\b(nps|ltr|likelihood to recommend|promoter)\b"),
    "recommend": re.compile(r"\b(recommend\w*|refer\w*|rec|wom|tell a friend)\b"),
    "email": re.compile(r"\be ?mail\b"),
    "id": re.compile(
        r"^(resp|respondent|response|participant|user|submission|record|row)? ?(id|uuid|no|number|#)$"
        r"|^(rid|uid|pid|sid|respid|responseid|respondentid)$"  # response / user / participant id
    ),
    "company": re.compile(
        r"^(co|org|company|company name|employer|firm|business|account|organi[sz]ation)$"
    ),
    "role": re.compile(r"^(role|title|job|job title|position|persona|function)$"),
    "size": re.compile(r"^(size|co size|company size|emp|employees|headcount|team size|org size)$"),
    "industry": re.compile(r"^(ind|industry|sector|vertical)$"),
    "time": re.compile(
        r"^(submitted|submitted at|ts|timestamp|created|created at|date|start date|end date|completed at)$"
    ),
}
ROLE_NAMES = {
    "pmf": "PMF (Sean Ellis)",
    "nps": "NPS (0-10)",
    "recommend": "would recommend (yes/maybe/no)",
    "email": "e-mail (respondent)",
    "ids": "respondent id",
    "company": "company",
    "role": "role",
    "size": "company size",
    "industry": "industry",
    "timestamp": "submitted at",
    "times": "date (metadata)",
    "status": "status (metadata)",
    "system": "recorded by the survey tool (metadata)",
    "choice": "segment (choice)",
    "free_text": "free text",
}
_MULTI_PART = re.compile(r"^(?P<label>[^:?]{1,60}?)\s*#\s*(?P<n>\d+)\s*:\s*(?P<question>.+)$")


@dataclass
class SurveyColumns:
    pmf: str | None = None
    nps: str | None = None
    recommend: str | None = None
    email: str | None = None
    company: str | None = None
    role: str | None = None
    size: str | None = None
    industry: list[str] = field(default_factory=list)
    timestamp: str | None = None
    times: list[str] = field(default_factory=list)
    status: str | None = None
    system: list[str] = field(default_factory=list)  # the survey tool's own (SYSTEM_HEADER)
    ids: list[str] = field(default_factory=list)
    choice: list[str] = field(default_factory=list)
    free_text: dict[str, list[str]] = field(default_factory=dict)  # question -> columns
    readings: dict[str, str] = field(
        default_factory=dict
    )  # header -> what it was read as, and from what

    @property
    def metadata_columns(self) -> set[str]:
        return (
            {c for c in (self.timestamp, self.status, self.email) if c}
            | set(self.ids)
            | set(self.times)
            | set(self.system)
        )

    @property
    def found_metric(self) -> bool:
        return bool(self.pmf or self.nps or self.recommend)


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


def is_survey_by_headers(table: Table) -> bool:
    """The PMF or NPS question, or two question-like headers. (A survey can also be known by
    its values alone: `SurveyColumns.found_metric`.)"""
    headers = table.header
    if any(PMF_HEADER.search(h) or NPS_HEADER.search(h) for h in headers):
        return True
    return sum(1 for h in headers if _looks_like_question(h)) >= 2


def detect_columns(table: Table) -> SurveyColumns:
    """Each column's role from its header and its values; `readings` says which for the user."""
    columns = SurveyColumns()
    used: set[str] = set()
    basis: dict[str, str] = {}
    column_values = {h: [row[h] for row in table.rows if row[h].strip()] for h in table.header}
    short = {h: values.header_words(h) for h in table.header}

    def hint(kind: str, header: str) -> bool:
        return bool(SHORT_HINTS[kind].search(short[header]))

    def take(header: str, why: str) -> str:
        used.add(header)
        basis[header] = why
        return header

    def pick(
        pattern: re.Pattern[str],
        prefer: re.Pattern[str] | None = None,
        short_hint: str | None = None,
        check=None,
    ) -> str | None:
        candidates = [
            h
            for h in table.header
            if h not in used
            and (pattern.search(h) or (short_hint and hint(short_hint, h)))
            and (check is None or not column_values[h] or check(column_values[h]))
        ]
        if prefer:
            candidates.sort(key=lambda h: 0 if prefer.search(h) else 1)
        if candidates:
            return take(candidates[0], "header")
        return None

    def opaque(header: str) -> bool:
        """A machine name ('co', 'q7', 'seg_b') says too little to overrule the values; a
        question that names something else does ('What do you use it for?' is no industry)."""
        return not _looks_like_question(header) and len(short[header].split()) <= 3

    def by_values(test, prefer_hint: str | None = None, any_header: bool = False) -> str | None:
        candidates = [
            h
            for h in table.header
            if h not in used
            and (any_header or opaque(h))
            and column_values[h]
            and test(column_values[h])
        ]
        if prefer_hint:
            candidates.sort(key=lambda h: 0 if hint(prefer_hint, h) else 1)
        if candidates:
            return take(
                candidates[0],
                "header and values"
                if prefer_hint and hint(prefer_hint, candidates[0])
                else "values",
            )
        return None

    columns.system = [
        take(h, "header") for h in table.header if SYSTEM_HEADER.match(values.header_words(h))
    ]
    # Metrics first: the header names the question, the values confirm it or name it alone.
    # Yes/maybe/no is a recommend metric only when the header asks about recommending.
    columns.recommend = next(
        (
            take(h, "header and values")
            for h in table.header
            if (hint("recommend", h) or NPS_HEADER.search(h))
            and column_values[h]
            and values.is_recommend(column_values[h])
        ),
        None,
    )
    columns.pmf = pick(PMF_HEADER, short_hint="pmf") or by_values(
        lambda v: values.is_pmf(v, pmf_answer, named=False), any_header=True
    )
    columns.nps = pick(NPS_HEADER, short_hint="nps", check=lambda v: not values.is_recommend(v))
    if columns.nps is None:
        scored = [
            h
            for h in table.header
            if h not in used
            and opaque(h)
            and column_values[h]
            and values.is_scores(column_values[h])
        ]
        if len(scored) == 1:  # one 0-10 column and nothing else like it: the NPS question
            columns.nps = take(scored[0], "values")
    columns.email = pick(
        EMAIL_HEADER, short_hint="email", check=lambda v: values.share(v, lambda x: "@" in x) >= 0.5
    ) or by_values(values.is_email, any_header=True)
    columns.status = pick(STATUS_HEADER)
    columns.timestamp = pick(
        TIME_HEADER, prefer=re.compile("submitted", re.I), short_hint="time"
    ) or by_values(values.is_dates, any_header=True)
    for header in table.header:
        if header not in used and (
            TIME_HEADER.search(header)
            or (column_values[header] and values.is_dates(column_values[header]))
        ):
            columns.times.append(take(header, "header" if TIME_HEADER.search(header) else "values"))
    rows = len(table.rows)
    for header in table.header:
        if header in used:
            continue
        named = bool(ID_HEADER.match(header) or hint("id", header))
        # a named id may repeat (a resubmission); values alone must be unique to be ids
        if named or (
            opaque(header) and column_values[header] and values.is_ids(column_values[header], rows)
        ):
            columns.ids.append(take(header, "header" if named else "values"))
    for header in table.header:
        if header not in used and (INDUSTRY_HEADER.search(header) or hint("industry", header)):
            columns.industry.append(take(header, "header"))
    columns.size = pick(SIZE_HEADER, short_hint="size") or by_values(values.is_sizes)
    columns.role = pick(
        ROLE_HEADER,
        prefer=re.compile(r"primary role|job title|your role|title", re.I),
        short_hint="role",
    )
    columns.company = pick(
        COMPANY_HEADER, short_hint="company", check=lambda v: values.average_length(v) < 80
    )
    if not columns.industry:
        found = by_values(values.is_industries)
        if found:
            columns.industry.append(found)
    columns.role = columns.role or by_values(values.is_roles)
    columns.company = columns.company or by_values(values.is_companies)
    for header in table.header:
        if header in used or TIME_HEADER.search(header):
            continue
        answers = column_values[header]
        if not answers:
            continue
        distinct = {v.lower() for v in answers}
        average = sum(len(v) for v in answers) / len(answers)
        if len(distinct) <= 12 and (len(distinct) <= max(3, len(answers) * 0.3)) and average < 60:
            columns.choice.append(header)
        else:
            columns.free_text.setdefault(_question(header), []).append(header)
    read_as: dict[str, str] = {}
    for role, name in ROLE_NAMES.items():
        value = getattr(columns, role)
        if role == "free_text":
            value = [h for headers in value.values() for h in headers]
        for header in value if isinstance(value, list) else [value] if value else []:
            read_as[header] = f"{name} (from {basis.get(header, 'values')})"
    columns.readings = {h: read_as[h] for h in table.header if h in read_as}
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
    answer_spans: list[tuple[int, int, str]]  # start, end, the question it answers
    dedupe_key: str
    identities: tuple[str, ...] = ()  # "id:…", "email:…": any one shared is the same person


def build_rows(table: Table, columns: SurveyColumns) -> tuple[list[SurveyRow], int, int]:
    """Responses in file order, without empty sessions and duplicate submissions.
    Returns (rows, empty count, duplicate count)."""
    rows: list[SurveyRow] = []
    empty = 0
    answer_columns = [h for h in table.header if h not in columns.metadata_columns]
    per_submission = _ids_per_submission(table, columns)
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        if not any(cells[h] for h in answer_columns):
            empty += 1
            continue
        rows.append(_row(cells, line, columns, per_submission))
    _split_sessions(rows)
    _same_person(rows)
    latest: dict[str, SurveyRow] = {}
    for row in rows:
        previous = latest.get(row.dedupe_key)
        if previous is None or _later(row, previous):
            latest[row.dedupe_key] = row
    kept = [r for r in rows if latest[r.dedupe_key] is r]
    return kept, empty, len(rows) - len(kept)


DOUBLE_SUBMIT = dt.timedelta(minutes=10)


def _ids_per_submission(table: Table, columns: SurveyColumns) -> bool:
    """Whether the id column numbers submissions, not people: every row has an id and no id
    repeats. Such an id tells no double submission apart (a form gives each click its own),
    so a row without e-mail is then known by its cells, as a row without any id is."""
    if not columns.ids:
        return False
    ids = [_respondent_id(row, columns) for row in table.rows]
    return all(ids) and len(set(ids)) == len(ids)


def _respondent_id(row: dict[str, str], columns: SurveyColumns) -> str | None:
    """The row's id: its first id column with a value."""
    return next((row[h].strip() for h in columns.ids if row[h].strip()), None)


def _same_person(rows: list[SurveyRow]) -> None:
    """Rows that share a respondent id or an e-mail are one person, even when a resubmission
    got a new id or no id: their dedupe keys become the first key of the group (union-find)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for row in rows:
        first = root(row.dedupe_key)
        for identity in row.identities:
            other = root(identity)
            if other != first:
                parent[other] = first
    for row in rows:
        row.dedupe_key = root(row.dedupe_key)


def _moment(row: SurveyRow) -> dt.datetime | str | None:
    value = row.response.submitted_at
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return value


def _split_sessions(rows: list[SurveyRow]) -> None:
    """Rows without id or e-mail that are identical in every cell but the timestamps are one
    double submission only when sent within ten minutes of each other (or at the same moment);
    the same answers weeks apart are two people."""
    previous: dict[str, tuple[dt.datetime | str | None, int]] = {}
    for row in sorted(rows, key=lambda r: (r.response.submitted_at or "", r.line)):
        if not row.dedupe_key.startswith("row:"):
            continue
        moment = _moment(row)
        last = previous.get(row.dedupe_key)
        group = 0
        if last is not None:
            before, group = last
            close = (
                isinstance(moment, dt.datetime)
                and isinstance(before, dt.datetime)
                and abs(moment - before) <= DOUBLE_SUBMIT
            )
            if not (close or moment == before):
                group += 1
        previous[row.dedupe_key] = (moment, group)
        row.dedupe_key = f"{row.dedupe_key}#{group}"


def _later(candidate: SurveyRow, current: SurveyRow) -> bool:
    a, b = candidate.response.submitted_at, current.response.submitted_at
    if a and b and a != b:
        return a > b
    return candidate.line > current.line


def _row(
    row: dict[str, str], line: int, columns: SurveyColumns, per_submission: bool = False
) -> SurveyRow:
    email = re.sub(r"\s+", "", row.get(columns.email or "", "")).lower() or None
    respondent_id = _respondent_id(row, columns)
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
        r"(?i)(self([- ]?employed)?|myself|me|just me|sole (proprietor|trader)|consultant|contractor|freelanc\w*|none|n/?a|n\.a\.|-+|student|independent|retired|unemployed|personal|private|confidential|prefer not to say|unknown|not sure|various|multiple|several)",
        company,
    ) or re.fullmatch(  # "my company", "our plant": whose, the answer does not say
        r"(?i)(my|our|the)( own)? (company|employer|business|firm|shop|plant|work|job|org|organi[sz]ation|team|place)",
        company,
    ):
        company = ""
    response = SurveyResponse(
        respondent=email or respondent_id,
        company=company or None,
        role=row.get(columns.role or "", "").strip() or None,
        size_band=band if band else (size_raw or None),
        industry=industry_id(industry_raw, keep_unmatched=True) if industry_raw else None,
        submitted_at=_sortable_time(submitted)
        if submitted
        else (parsed_time.isoformat() if parsed_time else None),
        pmf_answer=pmf_answer(row.get(columns.pmf or "", "")) if columns.pmf else None,
        pmf_raw=row.get(columns.pmf or "", "") or None,
        nps=nps_score(row[columns.nps]) if columns.nps and row[columns.nps] else None,
        recommend=values.recommend_answer(row[columns.recommend]) if columns.recommend else None,
        segments=segments,
        answers={},
    )
    if industry_raw:
        response.segments.setdefault("industry", industry_raw)
    if response.role:
        response.segments.setdefault("role", response.role)
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    length = 0

    def add(label: str, value: str, is_answer: bool) -> None:
        nonlocal length
        prefix = f"{label}: "
        if parts:
            parts.append("\n")
            length += 1
        parts.append(prefix + value)
        if is_answer:
            spans.append((length + len(prefix), length + len(prefix) + len(value), label))
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
    if columns.recommend and row.get(columns.recommend):
        add(_question(columns.recommend), row[columns.recommend], False)
    for question, headers in columns.free_text.items():
        answers = [row[h].strip() for h in headers if row[h].strip()]
        if answers:
            response.answers[question] = "\n".join(answers)
            for answer in answers:
                add(question, answer, True)
    # The same person (id or e-mail, see _same_person) or the very same row; never equal
    # answers alone: two people may well both write "Loading time".
    identities = tuple(
        key for key in (respondent_id and f"id:{respondent_id}", email and f"email:{email}") if key
    )
    if respondent_id and not per_submission:
        key = f"id:{respondent_id}"
    elif email:
        key = f"email:{email}"
    else:  # every cell but the timestamps and a submission's own id; build_rows also
        # requires minutes apart
        unread = {columns.timestamp, *columns.times, *(columns.ids if per_submission else ())}
        key = "row:" + "\x1f".join(row[h] for h in row if h not in unread)
    return SurveyRow(
        line=line,
        response=response,
        text="".join(parts),
        answer_spans=spans,
        dedupe_key=key,
        identities=identities,
    )


def _sortable_time(value: str) -> str:
    """Timestamps compared as text must sort in time order: '3/4/2026 9:05' → '2026-03-04 09:05'."""
    time = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
    match = re.match(rf"^(\d{{1,2}})/(\d{{1,2}})/(\d{{2,4}}){time}", value)
    year_first = re.match(rf"^(\d{{4}})/(\d{{1,2}})/(\d{{1,2}}){time}", value)
    if year_first:  # '2020/01/29 3:02:25 pm CET'
        year, month, day, *rest = year_first.groups()
        match_groups = (month, day, year, *rest)
    elif match:
        match_groups = match.groups()
    else:
        return value
    month, day, year, hour, minute, second, meridiem = match_groups
    year_number = int(year) + (2000 if len(year) == 2 else 0)
    hour_number = int(hour or 0)
    if meridiem:
        hour_number = hour_number % 12 + (12 if meridiem.lower() == "pm" else 0)
    return f"{year_number:04d}-{int(month):02d}-{int(day):02d} {hour_number:02d}:{int(minute or 0):02d}:{int(second or 0):02d}"
