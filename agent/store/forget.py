"""`icp forget`: remove sources from every place the workspace keeps their text.

Under the write lock: the files' documents, chunks, evidence and vectors (every embedder's);
cached LLM answers that carry any passage of them; saved ICP versions that quote them are
marked (a warning in the version) or, with `purge`, rewritten without those quotes and with
every sentence taken from them replaced. Then the stores are compacted so the text is not left
behind in free pages or logs: the local Chroma folder is rebuilt (its write log keeps what was
written) and the catalog is vacuumed. A Chroma server keeps its own log: compact it there."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agent.store.rebuild import CatalogVectors, rebuild_vectors

if TYPE_CHECKING:
    from agent.store.catalog import FileEntry
    from agent.store.workspace import Workspace

REMOVED = "[removed: forgotten source]"
_PASSAGE_WORDS = 5  # a run of this many words shared with a forgotten text is a passage of it
_SHORT_WORDS = 3  # shorter strings (names, kinds, tiers) are never treated as passages


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


class ForgottenText:
    """Recognises passages of the forgotten documents inside other strings (quotes, labels,
    summaries): any run of five words in common, or a whole 3-4 word string found in them."""

    def __init__(self, texts: list[str]) -> None:
        self._runs: set[tuple[str, ...]] = set()
        self._joined = " " + " ".join(" ".join(_words(t)) for t in texts) + " "
        for text in texts:
            words = _words(text)
            for i in range(len(words) - _PASSAGE_WORDS + 1):
                self._runs.add(tuple(words[i : i + _PASSAGE_WORDS]))

    def in_text(self, value: str) -> bool:
        words = _words(value)
        if len(words) < _SHORT_WORDS:
            return False
        if len(words) < _PASSAGE_WORDS:
            return f" {' '.join(words)} " in self._joined
        return any(
            tuple(words[i : i + _PASSAGE_WORDS]) in self._runs
            for i in range(len(words) - _PASSAGE_WORDS + 1)
        )

    def anywhere(self, data: Any) -> bool:
        if isinstance(data, str):
            return self.in_text(data)
        if isinstance(data, dict):
            return any(self.anywhere(v) for v in data.values())
        if isinstance(data, list):
            return any(self.anywhere(v) for v in data)
        return False


@dataclass
class ForgetReport:
    sources: list[str] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0
    evidence: int = 0
    cached_answers: int = 0
    versions_marked: list[int] = field(default_factory=list)
    versions_purged: list[int] = field(default_factory=list)
    compacted: bool = False
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def forget_sources(
    workspace: Workspace,
    entries: list[FileEntry],
    vectors: CatalogVectors,
    purge: bool = False,
) -> ForgetReport:
    report = ForgetReport(sources=[e.source for e in entries])
    if not entries:
        return report
    catalog = workspace.catalog
    with workspace.write_lock():
        documents = catalog.documents_of_files(e.file_id for e in entries)
        doc_ids = {d.doc_id for d in documents}
        trace = ForgottenText([d.text for d in documents])
        report.documents = len(documents)
        report.chunks = sum(e.chunks for e in entries)
        report.evidence = catalog.evidence_count(doc_ids)
        for entry in entries:
            workspace.forget(entry.file_id)
        report.cached_answers = catalog.forget_cached(
            key for key, response in catalog.cached_responses() if trace.anywhere(_json(response))
        )
        _versions(workspace, doc_ids, trace, report, purge)
        if workspace.chroma_url:
            report.notes.append(
                "the Chroma server keeps its own write log: run `chroma vacuum` on the server "
                "to compact it"
            )
        else:
            rebuilt = rebuild_vectors(workspace, vectors)
            if rebuilt.unembedded:
                report.notes.append(
                    f"{rebuilt.unembedded} vector(s) of other sources could not be read or "
                    "embedded again: run `icp doctor`"
                )
        catalog.compact()
        report.compacted = True
    return report


def purge_quoted(workspace: Workspace, matches: Callable[[str], bool]) -> ForgetReport:
    """`icp forget --purge` for sources already forgotten: rewrite the saved versions without
    the quotes whose source `matches`, and without the labels and sentences taken from them."""
    report = ForgetReport()
    catalog = workspace.catalog
    with workspace.write_lock():
        for number, _, _ in catalog.versions():
            data = json.loads(catalog.version(number) or "{}")
            refs = [r for r in _refs(data) if matches(str(r.get("source", "")))]
            if not refs:
                continue
            doc_ids = {str(r.get("doc_id")) for r in refs}
            trace = ForgottenText([str(r.get("quote", "")) for r in refs])
            for source in sorted({str(r.get("source")) for r in refs}):
                if source not in report.sources:
                    report.sources.append(source)
            data = _purged(data, doc_ids, trace)
            today = datetime.now(UTC).date().isoformat()
            data.setdefault("warnings", []).append(
                f"Quotes and passages of {', '.join(sorted({str(r.get('source')) for r in refs}))} "
                f"were removed on {today} (icp forget --purge)."
            )
            catalog.rewrite_version(number, json.dumps(data))
            report.versions_purged.append(number)
        if report.versions_purged:
            catalog.compact()
            report.compacted = True
    return report


def _refs(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        own = [data] if "quote" in data and "doc_id" in data else []
        return own + [r for v in data.values() for r in _refs(v)]
    if isinstance(data, list):
        return [r for v in data for r in _refs(v)]
    return []


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _versions(
    workspace: Workspace, doc_ids: set[str], trace: ForgottenText, report: ForgetReport, purge: bool
) -> None:
    catalog = workspace.catalog
    names = ", ".join(report.sources)
    today = datetime.now(UTC).date().isoformat()
    for number, _, _ in catalog.versions():
        data = json.loads(catalog.version(number) or "{}")
        if not (_quotes(data, doc_ids) or trace.anywhere(data)):
            continue
        if purge:
            data = _purged(data, doc_ids, trace)
            note = f"Quotes and passages of {names} were removed on {today} (icp forget --purge)."
            report.versions_purged.append(number)
        else:
            note = (
                f"Quotes {names}, forgotten on {today}; `icp forget --purge` with the same "
                "name removes those quotes from this version."
            )
            report.versions_marked.append(number)
        data.setdefault("warnings", []).append(note)
        catalog.rewrite_version(number, json.dumps(data))


def _quotes(data: Any, doc_ids: set[str]) -> bool:
    if isinstance(data, dict):
        if "quote" in data and data.get("doc_id") in doc_ids:
            return True
        return any(_quotes(v, doc_ids) for v in data.values())
    if isinstance(data, list):
        return any(_quotes(v, doc_ids) for v in data)
    return False


def _purged(data: Any, doc_ids: set[str], trace: ForgottenText) -> Any:
    """The version without quotes of the forgotten documents, sentences of them replaced."""
    if isinstance(data, dict):
        return {k: _purged(v, doc_ids, trace) for k, v in data.items()}
    if isinstance(data, list):
        return [
            _purged(v, doc_ids, trace)
            for v in data
            if not (isinstance(v, dict) and "quote" in v and v.get("doc_id") in doc_ids)
        ]
    if isinstance(data, str) and trace.in_text(data):
        return REMOVED
    return data
