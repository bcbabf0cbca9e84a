"""One file → its SourceDocuments, whatever the format. Errors name the file and the reason."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from agent.errors import SourceError
from agent.ingest import crm, survey
from agent.ingest.conversations import load_docx, load_speech_export, load_subtitles, load_text
from agent.ingest.highlights import HighlightColumns, highlight_columns, highlight_notes
from agent.ingest.language import mark_languages
from agent.ingest.rawfile import RawFile, decode_text
from agent.ingest.tables import Table, parse_json, read_table
from agent.ingest.transcription import speech_export, whisper_tsv
from agent.resources import code_digest
from agent.schema import SourceDocument, SourceKind, SpeakerRole, Turn

# The file readers' version: bump it when the same file would load into different documents
# (speaker roles, turns, structure, accounts). `icp ingest` reads a file stored by an older
# version again, as if it had changed. 2: a second interviewer found after everyone else.
# 3: caption speaker tags ("[Karen]"), a header's long metadata lines, deal write-ups with label
# lines ("**Outcome:** Lost") or an outcome in the file name, highlight exports as notes.
# the readers' version, with their code's digest: a file parsed by an older release is read again
READER = f"readers-3-{code_digest('ingest')}"

CONVERSATION_SUFFIXES = {".txt", ".md", ".markdown", ".vtt", ".srt", ".docx"}
TABLE_SUFFIXES = {".csv", ".tsv", ".xlsx", ".json"}
SUPPORTED_SUFFIXES = CONVERSATION_SUFFIXES | TABLE_SUFFIXES


@dataclass
class LoadedFile:
    raw: RawFile
    documents: list[SourceDocument]
    warnings: list[str] = field(default_factory=list)
    rows: int = 0
    empty_rows: int = 0
    duplicate_rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # table header -> what it was read as


def file_identity(raw: RawFile) -> str:
    """Stable id of a file across runs: its absolute path (stdin: its content)."""
    anchor = str(raw.path.resolve()) if raw.path.name != "-" else f"stdin:{raw.content_hash}"
    return hashlib.sha1(anchor.encode()).hexdigest()[:16]


def _doc_id(raw: RawFile, part: str) -> str:
    return hashlib.sha1(f"{file_identity(raw)}#{part}".encode()).hexdigest()[:20]


def _document(raw: RawFile, part: str | None, **fields) -> SourceDocument:
    return SourceDocument(
        doc_id=_doc_id(raw, part or "0"),
        source=raw.source,
        path=str(raw.path.resolve()) if raw.path.name != "-" else "-",
        part=part,
        content_hash=raw.content_hash,
        **fields,
    )


def load_file(raw: RawFile) -> LoadedFile:
    """The file's documents, each with its language (`metadata["language"]`)."""
    loaded = _load(raw)
    loaded.warnings.extend(mark_languages(loaded.documents))
    return loaded


def _load(raw: RawFile) -> LoadedFile:
    suffix = raw.suffix
    warnings: list[str] = []
    if suffix in {".txt", ".md", ".markdown"} or raw.path.name == "-":
        parts = load_text(raw, warnings)
    elif suffix in {".vtt", ".srt"}:
        parts = load_subtitles(raw, warnings)
    elif suffix == ".docx":
        parts = load_docx(raw, warnings)
    elif suffix in TABLE_SUFFIXES:
        data = parse_json(raw) if suffix == ".json" else None
        export = (
            speech_export(data)
            if suffix == ".json"
            else whisper_tsv(decode_text(raw))
            if suffix == ".tsv"
            else None
        )
        if export is None:
            return _load_table(raw, data)
        parts = load_speech_export(raw, export, warnings)
    else:
        raise SourceError(
            raw.source,
            f"unsupported file type '{suffix or raw.path.name}' (supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})",
        )
    documents = [_document(raw, None, **fields) for fields in parts]
    return LoadedFile(raw=raw, documents=documents, warnings=warnings)


def _load_highlights(raw: RawFile, table: Table, marked: HighlightColumns) -> LoadedFile:
    """A highlights export: one notes document per note, attributed at synthesis by its title."""
    notes = highlight_notes(table, marked)
    if not notes:
        raise raw.fail(f"highlights export has no text in its '{marked.text}' column")
    documents = [
        _document(
            raw,
            f"note {note.title}",
            kind=SourceKind.notes,
            account=None,
            account_attribution=None,
            date=None,
            text=note.text,
            turns=note.turns,
            title=note.title,
            metadata={"highlights": len(note.turns), "participants": ", ".join(note.participants)},
        )
        for note in notes
    ]
    quotes = sum(len(n.turns) for n in notes)
    return LoadedFile(
        raw=raw,
        documents=documents,
        warnings=[
            *table.notes,
            f"read as research highlights, not a survey: {quotes} quotes from {len(notes)} notes "
            "(one document per note, attributed by its title; tags are each quote's context)",
        ],
        rows=len(table.rows),
        columns={
            h: r
            for h, r in (
                (marked.text, "highlight (quote)"),
                (marked.note, "note"),
                (marked.participant, "participant"),
                (marked.tags, "tags (context)"),
            )
            if h
        },
    )


def _load_table(raw: RawFile, json_data: Any = None) -> LoadedFile:
    table = read_table(raw, json_data)
    marked = highlight_columns(table)
    if marked is not None:
        return _load_highlights(raw, table, marked)
    columns = survey.detect_columns(table)
    # Survey question headers first; then a CRM export's columns; only then a survey known
    # by its values alone (a CRM's 0-10 'branches' column is no NPS).
    is_crm = crm.is_crm(table)
    if survey.is_survey_by_headers(table) or (
        not is_crm and (columns.found_metric or columns.free_text)
    ):
        rows, empty, duplicates = survey.build_rows(table, columns)
        documents = []
        for row in rows:
            response = row.response
            documents.append(
                _document(
                    raw,
                    f"row {row.line}",
                    kind=SourceKind.survey,
                    account=response.company,
                    account_attribution="column" if response.company else None,
                    date=None,
                    text=row.text,
                    turns=[
                        Turn(
                            speaker=response.respondent,
                            role=SpeakerRole.customer,
                            start=a,
                            end=b,
                            section=question,  # the context extraction reads
                        )
                        for a, b, question in row.answer_spans
                    ],
                    survey=response,
                    metadata={
                        "pmf_column": columns.pmf,
                        "nps_column": columns.nps,
                        "recommend_column": columns.recommend,
                    },
                )
            )
        warnings = list(table.notes)
        if not columns.pmf:
            warnings.append(
                'no product-market-fit question found ("How would you feel if you could no longer use…")'
            )
        if not documents:
            raise raw.fail("survey has no non-empty responses")
        return LoadedFile(
            raw=raw,
            documents=documents,
            warnings=warnings,
            rows=len(table.rows),
            empty_rows=empty,
            duplicate_rows=duplicates,
            columns=columns.readings,
        )
    if is_crm:
        mapping = crm.map_columns(table)
        accounts: list[SourceDocument | None] = []
        seen: dict[str, int] = {}
        duplicates = 0
        for cells, line in zip(table.rows, table.row_numbers, strict=True):
            record = crm.record(cells, mapping)
            if record is None:
                continue
            key = record.name.strip().lower()
            if key in seen:
                duplicates += 1
                accounts[seen[key]] = None  # the later row wins
            seen[key] = len(accounts)
            text = "\n".join(f"{header}: {value}" for header, value in cells.items() if value)
            accounts.append(
                _document(
                    raw,
                    f"account {key}",
                    kind=SourceKind.crm,
                    account=record.name,
                    account_attribution="crm",
                    date=record.close_date,
                    text=text,
                    crm=record,
                    metadata={"row": line},
                )
            )
        kept = [d for d in accounts if d is not None]
        if not kept:
            raise raw.fail("CRM export has no rows with an account name")
        return LoadedFile(
            raw=raw,
            documents=kept,
            warnings=list(table.notes),
            rows=len(table.rows),
            duplicate_rows=duplicates,
            columns={header: f"CRM {field}" for field, header in mapping.items()},
        )
    read = "; ".join(f"{h}: {r}" for h, r in columns.readings.items()) or "nothing recognised"
    raise raw.fail(
        "table is neither a survey (no question or free-text columns, no PMF, NPS or recommend "
        "question by header or values) nor a CRM export (needs an account/company name column and "
        f"two of industry, employees, stage, domain, revenue, stack). Columns read as: {read}"
    )
