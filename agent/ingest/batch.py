"""Ingest a batch of paths into a workspace: discover, load, attribute accounts, chunk, embed, store.

Every file ends with a status; a bad file gets an error naming the reason and the rest of
the batch goes on. Unchanged files (same path, same content hash) are not touched. A text or
Markdown file that does not read as research (a licence, a README or data dictionary, program
code, gibberish: `research_check`) is skipped with its reason and never stored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from agent.config import Settings
from agent.errors import SourceError
from agent.ingest import research_check
from agent.ingest.attribution import AccountDirectory, attribute
from agent.ingest.chunking import chunk_document
from agent.ingest.discover import discover
from agent.ingest.loader import READER, LoadedFile, file_identity, load_file
from agent.ingest.people import people_in
from agent.ingest.rawfile import RawFile, decode_text, read_raw
from agent.ingest.redaction import Redactor, outgoing_redactor
from agent.schema import SourceDocument, SourceKind
from agent.store import FileEntry, Workspace
from agent.store.catalog import now

Status = Literal["ingested", "replaced", "unchanged", "duplicate", "failed", "skipped"]


@dataclass
class FileResult:
    source: str
    status: Status
    kind: str | None = None
    documents: int = 0
    chunks: int = 0
    accounts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    rows: int = 0
    empty_rows: int = 0
    duplicate_rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # table header -> what it was read as

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.missing

    def by_kind(self) -> dict[str, Counter[str]]:
        """kind -> counts of files, documents, chunks (new or replaced files only)."""
        table: dict[str, Counter[str]] = {}
        for result in self.results:
            if result.status in ("ingested", "replaced") and result.kind:
                counts = table.setdefault(result.kind, Counter())
                counts["files"] += 1
                counts["documents"] += result.documents
                counts["chunks"] += result.chunks
        return table

    def by_account(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for result in self.results:
            if result.status in ("ingested", "replaced"):
                for account in result.accounts:
                    counts[account] += 1
        return counts

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "files": [r.as_dict() for r in self.results],
            "missing": self.missing,
            "by_kind": {k: dict(v) for k, v in self.by_kind().items()},
            "by_account": dict(self.by_account()),
        }


def known_accounts(workspace: Workspace) -> AccountDirectory:
    directory = AccountDirectory()
    directory.add_documents(workspace.catalog.documents(kinds=[SourceKind.crm.value]))
    for (account,) in workspace.catalog.db.execute(
        "SELECT DISTINCT account FROM documents WHERE account IS NOT NULL AND kind IN ('win_loss')"
    ):
        directory.add(account)
    return directory


def _kind_of(documents: list[SourceDocument]) -> str | None:
    kinds = Counter(d.kind.value for d in documents)
    return kinds.most_common(1)[0][0] if kinds else None


def ingest_paths(
    paths: list[str],
    workspace: Workspace,
    embedder,
    settings: Settings,
    on_file: Callable[[FileResult], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    stdin_text: str | None = None,
) -> IngestReport:
    report = IngestReport()
    found = discover(paths) if paths else None
    files = list(found.files) if found else []
    if found:
        report.missing = list(found.missing)
        for display, reason in found.skipped:
            result = FileResult(source=display, status="skipped", error=reason)
            report.results.append(result)
    if on_total:
        on_total(len(files) + (1 if stdin_text is not None else 0))
    max_bytes = int(settings.max_file_mb * 1e6)

    loaded: list[LoadedFile] = []
    pending: dict[str, FileResult] = {}
    raws: list[RawFile] = []
    if stdin_text is not None:
        raws.append(RawFile(path=Path("-"), source="pasted text", data=stdin_text.encode("utf-8")))
    for path, display in files:
        try:
            raws.append(read_raw(path, display, max_bytes))
        except SourceError as exc:
            _finish(report, FileResult(source=display, status="failed", error=exc.reason), on_file)
    seen_hashes: dict[str, str] = {}
    for raw in raws:
        file_id = file_identity(raw)
        previous = workspace.catalog.file(file_id)
        if previous and previous.content_hash == raw.content_hash and previous.reader == READER:
            _finish(
                report,
                FileResult(
                    source=raw.source,
                    status="unchanged",
                    kind=previous.kind,
                    documents=previous.documents,
                    chunks=previous.chunks,
                    accounts=previous.accounts,
                ),
                on_file,
            )
            continue
        twin = workspace.catalog.file_with_hash(raw.content_hash)
        if (twin and twin.file_id != file_id) or raw.content_hash in seen_hashes:
            original = twin.source if twin else seen_hashes[raw.content_hash]
            note = f"same content as {original}, already ingested"
            if previous:  # edited into a copy of another file: its old content must go
                workspace.forget(previous.file_id)
                note += "; its previous content was removed from the workspace"
            _finish(report, FileResult(source=raw.source, status="duplicate", error=note), on_file)
            continue
        seen_hashes[raw.content_hash] = raw.source
        not_research = _not_research(raw)
        if not_research:
            _finish(
                report, FileResult(source=raw.source, status="skipped", error=not_research), on_file
            )
            continue
        try:
            loaded_file = load_file(raw)
        except SourceError as exc:
            _finish(
                report, FileResult(source=raw.source, status="failed", error=exc.reason), on_file
            )
            continue
        except Exception as exc:  # a loader bug must not stop the batch; report it against the file
            _finish(
                report,
                FileResult(
                    source=raw.source,
                    status="failed",
                    error=f"could not be read ({type(exc).__name__}: {exc})",
                ),
                on_file,
            )
            continue
        loaded.append(loaded_file)
        pending[raw.source] = FileResult(
            source=raw.source,
            status="replaced" if previous else "ingested",
            warnings=loaded_file.warnings,
            rows=loaded_file.rows,
            empty_rows=loaded_file.empty_rows,
            duplicate_rows=loaded_file.duplicate_rows,
            columns=loaded_file.columns,
        )

    directory = known_accounts(workspace)
    for item in loaded:  # CRM rows and front matter first: they name accounts for the rest
        directory.add_documents(item.documents)
    redactor = _outgoing_redactor(loaded, workspace, embedder, settings)
    for item in loaded:
        for doc in item.documents:
            attribute(doc, directory, item.raw.path.stem)
        result = pending[item.raw.source]
        try:
            _store(item, workspace, embedder, settings, result, on_wait, redactor)
        except Exception as exc:
            result.status = "failed"
            result.error = f"could not be stored ({type(exc).__name__}: {exc})"
        _finish(report, result, on_file)
    return report


CHECKED_SUFFIXES = (".txt", ".md", ".markdown")  # text files the research check reads


def _not_research(raw: RawFile) -> str | None:
    """Why a text or Markdown file (or stdin) is not customer research, or None when it reads
    as research or is left to its loader (tables, subtitles, Word files; empty, binary or
    undecodable text, which the loader reports as failed)."""
    if raw.suffix not in CHECKED_SUFFIXES and raw.path.name != "-":
        return None
    try:
        text = decode_text(raw)
    except SourceError:
        return None
    if not text.strip() or "\x00" in text:
        return None
    verdict = research_check.check(text)
    return None if verdict.ok else f"does not look like customer research: {verdict.reason}"


def _store(
    item: LoadedFile,
    workspace: Workspace,
    embedder,
    settings: Settings,
    result: FileResult,
    on_wait,
    redactor: Redactor | None = None,
) -> None:
    documents = item.documents
    chunks = [c for doc in documents for c in chunk_document(doc, settings.chunk_tokens)]
    local_texts = [c.text for c in chunks]
    # Only what leaves the machine is redacted: OpenAI embeddings redact what they send, and
    # the copy stored on a Chroma server is redacted here. The catalog keeps the original.
    vectors = embedder.embed(local_texts)
    stored_texts = (
        [redactor(text) for text in local_texts]
        if redactor and settings.chroma_url
        else local_texts
    )
    accounts = sorted({d.account for d in documents if d.account})
    entry = FileEntry(
        file_id=file_identity(item.raw),
        source=item.raw.source,
        path=str(item.raw.path.resolve()) if item.raw.path.name != "-" else "-",
        content_hash=item.raw.content_hash,
        size=len(item.raw.data),
        kind=_kind_of(documents),
        documents=len(documents),
        chunks=len(chunks),
        accounts=accounts,
        warnings=item.warnings,
        ingested_at=now(),
        reader=READER,
    )
    workspace.store_file(entry, documents, chunks, vectors, stored_texts, on_wait)
    result.kind = entry.kind
    result.documents = len(documents)
    result.chunks = len(chunks)
    result.accounts = accounts


def _outgoing_redactor(
    loaded: list[LoadedFile], workspace: Workspace, embedder, settings: Settings
) -> Redactor | None:
    """The redactor for this batch's Chroma-server copy; with names on, it and the embedder
    know every name the workspace and this batch reveal (a name in one file is redacted in all)."""
    if not (settings.effective_redact_pii and settings.external_endpoint):
        return None
    documents = [d for item in loaded for d in item.documents]
    if settings.redact_names:
        documents = workspace.catalog.documents() + documents
    redactor = outgoing_redactor(settings, documents)
    if redactor is not None and settings.redact_names:
        from agent.embeddings import share_names

        share_names(embedder, people_in(documents))
    return redactor


def _finish(
    report: IngestReport, result: FileResult, on_file: Callable[[FileResult], None] | None
) -> None:
    report.results.append(result)
    if on_file:
        on_file(result)
