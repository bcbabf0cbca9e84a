"""Spreadsheet exports (CSV, TSV, XLSX, JSON) → a header and rows of strings."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from agent.ingest.rawfile import RawFile, decode_text

csv.field_size_limit(10_000_000)


@dataclass
class Table:
    header: list[str]
    rows: list[dict[str, str]]
    row_numbers: list[int] = field(
        default_factory=list
    )  # line/row number in the file, for messages
    nested: list[Any] | None = None  # JSON records as they were, for CRM field lookups
    notes: list[str] = field(default_factory=list)  # what was repaired, for the ingest summary


EXTRA_CELLS = "extra cells"


def _fit_rows(
    header: list[str], records: list[tuple[list[str], int]], notes: list[str], joiner: str
) -> tuple[list[str], list[dict[str, str]], list[int]]:
    """Rows as header → cell. A row with more cells than the header keeps them all (joined
    into an added 'extra cells' column); a shorter row is padded with blanks. Both are said."""
    longer = [
        n for r, n in records if len(r) > len(header) and any(c.strip() for c in r[len(header) :])
    ]
    shorter = [n for r, n in records if len(r) < len(header)]
    if longer:
        header = [*header, EXTRA_CELLS]
        notes.append(
            f"{len(longer)} row(s) have more cells than the header has columns (line(s) "
            f"{_lines(longer)}): kept, the extra cells in column '{EXTRA_CELLS}'"
        )
    if shorter:
        notes.append(
            f"{len(shorter)} row(s) have fewer cells than the header (line(s) {_lines(shorter)}): "
            "kept, the missing cells left blank"
        )
    width = len(header) - (1 if longer else 0)
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    for record, line in records:
        cells = [c.strip() for c in record[:width]] + [""] * (width - len(record))
        if longer:
            cells.append(joiner.join(c.strip() for c in record[width:] if c.strip()))
        rows.append(dict(zip(header, cells, strict=True)))
        numbers.append(line)
    return header, rows, numbers


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")


def _clean_header(cells: list[str]) -> list[str]:
    header: list[str] = []
    for index, cell in enumerate(cells):
        name = (
            re.sub(r"\s+", " ", (cell or "").replace("\ufeff", "")).strip() or f"column {index + 1}"
        )
        while name in header:
            name = f"{name} ({index + 1})"
        header.append(name)
    return header


def _delimiter(text: str, suffix: str) -> str:
    """The delimiter that splits the header record into the most columns."""
    if suffix == ".tsv":
        return "\t"
    best, best_count = ",", 0
    for candidate in (",", ";", "\t", "|"):
        try:
            reader = csv.reader(io.StringIO(text[:50000]), delimiter=candidate)
            first = [record for _, record in zip(range(PREAMBLE_LINES + 1), reader, strict=False)]
        except csv.Error:
            continue
        # the header record: the first of several columns, after any export preamble
        width = max(
            (len(r) for r in first if _filled(r) > 1), default=len(first[0]) if first else 0
        )
        if width > best_count:
            best, best_count = candidate, width
    return best


PREAMBLE_LINES = 5  # lines of an export's own (a title, "Exported from … on …") before the header


def _filled(record: list[str]) -> int:
    return sum(1 for cell in record if cell.strip())


def _header_index(records: list[list[str]]) -> int:
    """Where the header is: the first record of several cells within the first lines (an
    export's own "Exported from Pipedrive 2026-10-01" or a sheet's title above it is one cell,
    never a column name); 0 when none is."""
    return next((i for i, r in enumerate(records[: PREAMBLE_LINES + 1]) if _filled(r) > 1), 0)


_IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:')
# a Qualtrics question's own id ("Q1", "Q4_1", "QID7_TEXT"), which its question text replaces
_QUESTION_ID = re.compile(r"^(?:Q|QID)\d+(?:_\d+)*(?:_TEXT)?$", re.IGNORECASE)
_CHOICE_SUFFIX = re.compile(r"\s+-\s+(?:Selected Choice|Text|Other.*)$")


def _survey_tool_rows(
    header: list[str], data: list[tuple[list[str], int]], notes: list[str]
) -> tuple[list[str], list[tuple[list[str], int]]]:
    """A Qualtrics export has three header rows: the column ids ("Q1", "StartDate"), each
    question's text, and `{"ImportId":"QID1"}`. The two below the ids are no responses; the
    question's text names a question's column ("How would you feel if you could no longer use
    …?" for "Q1"), the ids name the rest ("StartDate" rather than "Start Date")."""
    for at in (1, 0):
        if len(data) <= at:
            continue
        cells = [c.strip() for c in data[at][0] if c.strip()]
        if not cells or 2 * sum(1 for c in cells if _IMPORT_ID.match(c)) < len(cells):
            continue
        questions = data[0][0] if at == 1 else []
        named = list(header)
        for i, code in enumerate(header):
            text = _CHOICE_SUFFIX.sub("", questions[i].strip()) if i < len(questions) else ""
            text = " ".join(text.split())
            if text and _QUESTION_ID.match(code) and text not in named:
                named[i] = text
        notes.append(
            "a Qualtrics export: its question-text and ImportId rows name the columns; they are "
            "no responses"
        )
        return named, data[at + 1 :]
    return header, data


def read_csv(raw: RawFile) -> Table:
    text = decode_text(raw)
    delimiter = _delimiter(text, raw.suffix)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        records = []
        lines = []
        for record in reader:
            records.append(record)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise raw.fail(f"malformed CSV near line {reader.line_num}: {exc}") from exc
    records_with_lines = [
        (r, n) for r, n in zip(records, lines, strict=True) if any(c.strip() for c in r)
    ]
    if not records_with_lines:
        raise raw.fail("CSV has no rows")
    notes: list[str] = []
    skip = _header_index([r for r, _ in records_with_lines])
    if skip:
        notes.append(
            f"{skip} line(s) before the header skipped: "
            + "; ".join(" ".join(r).strip()[:60] for r, _ in records_with_lines[:skip])
        )
        records_with_lines = records_with_lines[skip:]
    header = _clean_header(records_with_lines[0][0])
    if len(header) < 2:
        raise raw.fail(
            "CSV has a single column: expected a header row with several columns (wrong delimiter?)"
        )
    data = records_with_lines[1:]
    header, data = _survey_tool_rows(header, data, notes)
    longer = sum(
        1 for r, _ in data if len(r) > len(header) and any(c.strip() for c in r[len(header) :])
    )
    if data and longer > len(data) / 2:
        raise raw.fail(
            f"malformed CSV: {longer} of {len(data)} rows have more cells than the header has "
            f"columns (is the delimiter '{delimiter}' right?)"
        )
    header, rows, numbers = _fit_rows(
        header, data, notes, f"{delimiter} " if delimiter != "\t" else " "
    )
    if not rows:
        raise raw.fail("CSV has a header but no data rows")
    return Table(header=header, rows=rows, row_numbers=numbers, notes=notes)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(raw: RawFile) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw.data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise raw.fail(f"not a readable Excel .xlsx file ({type(exc).__name__})") from exc
    # the sheet that holds the table: a workbook may open on a cover sheet ("Spring survey —
    # exported 2026-05-30") or keep notes beside the data; the largest table wins
    best: tuple[int, str, list[str], list[tuple[int, list[str]]]] | None = None
    sheets = len(workbook.worksheets)
    try:
        for sheet in workbook.worksheets:
            values = [
                (number, [_cell(v) for v in row])
                for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            values = [(n, r) for n, r in values if any(r)]
            values = values[_header_index([r for _, r in values]) :]
            if len(values) < 2 or _filled(values[0][1]) < 2:
                continue
            cells = values[0][1]
            while cells and not cells[-1]:  # openpyxl pads rows to the sheet's widest row
                cells = cells[:-1]
            size = (len(values) - 1) * len(cells)
            if best is None or size > best[0]:
                best = (size, sheet.title, cells, values[1:])
    finally:
        workbook.close()
    if best is not None:
        _, title, cells, data = best
        header = _clean_header(cells)
        notes: list[str] = []
        if sheets > 1:
            notes.append(f"sheet '{title}' read ({sheets - 1} other sheet(s) hold no larger table)")
        header, records = _survey_tool_rows(header, [(r, n) for n, r in data], notes)
        header, rows, numbers = _fit_rows(header, records, notes, "; ")
        if not rows:
            raise raw.fail("the workbook has a header but no data rows")
        return Table(header=header, rows=rows, row_numbers=numbers, notes=notes)
    raise raw.fail("the workbook has no sheet with a header and data rows")


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = "; ".join(
                _cell(v) if not isinstance(v, dict) else json.dumps(v) for v in value
            )
        else:
            flat[name] = _cell(value)
    return flat


def parse_json(raw: RawFile) -> Any:
    try:
        return json.loads(decode_text(raw))
    except json.JSONDecodeError as exc:
        raise raw.fail(
            f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc


def read_json(raw: RawFile, data: Any = None) -> Table:
    data = parse_json(raw) if data is None else data
    if isinstance(data, dict):
        for key in ("accounts", "companies", "records", "data", "results", "items", "rows"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list) or not data or not all(isinstance(r, dict) for r in data):
        raise raw.fail(
            "JSON must be a list of records (objects), or an object with an 'accounts'/'records' list"
        )
    flat = [_flatten(record) for record in data]
    header: list[str] = []
    for record in flat:
        for key in record:
            if key not in header:
                header.append(key)
    rows = [{h: record.get(h, "") for h in header} for record in flat]
    return Table(header=header, rows=rows, row_numbers=list(range(1, len(rows) + 1)), nested=data)


def read_table(raw: RawFile, json_data: Any = None) -> Table:
    """The table in a CSV/TSV/XLSX/JSON file (`json_data`: the file's JSON, already parsed)."""
    if raw.suffix == ".xlsx":
        return read_xlsx(raw)
    if raw.suffix == ".json":
        return read_json(raw, json_data)
    return read_csv(raw)
