"""Rebuilding the vector store from the catalog.

A fresh Chroma folder is filled with exactly the catalog's chunks and evidence (each vector
copied from the old store when it can be read, embedded again from the catalog text when it
cannot), plus the other embedders' collections minus records of files no longer in the
catalog, and swapped in under the write lock. `icp doctor` uses it to repair unreadable or
missing vectors; `icp forget` to compact: the old folder goes, and with it Chroma's write log
still holding the forgotten text."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from agent.errors import WorkspaceError
from agent.schema import Chunk, Evidence
from agent.store.vectors import VectorIndex, close_local

if TYPE_CHECKING:
    from agent.config import Settings
    from agent.store.workspace import Workspace

CONTENTS = ("chunks", "evidence")


class CatalogVectors:
    """Vectors, metadata and Chroma documents of catalog rows, made the way ingest and
    extract make them (chunks sent to OpenAI embeddings are redacted first)."""

    def __init__(self, workspace: Workspace, embedder: Any, settings: Settings) -> None:
        self.workspace = workspace
        self.embedder = embedder
        self.settings = settings

    def records(
        self, content: str, rows: list[tuple[str, str, str]]
    ) -> tuple[list[str], list[dict[str, Any]], list[str], list[str]]:
        """(ids, metadatas, documents stored in Chroma, texts to embed) of catalog rows."""
        from agent.store.workspace import chunk_metadata, evidence_metadata

        ids, metadatas, documents, texts = [], [], [], []
        for row_id, file_id, data in rows:
            ids.append(row_id)
            if content == "chunks":
                chunk = Chunk.model_validate_json(data)
                metadatas.append(chunk_metadata(chunk, file_id))
                texts.append(
                    self._outgoing(chunk) if self.settings.embeddings == "openai" else chunk.text
                )
                documents.append(self._outgoing(chunk) if self.settings.chroma_url else chunk.text)
            else:
                item = Evidence.model_validate_json(data)
                metadatas.append(evidence_metadata(item, file_id))
                texts.append(item.quote)
                documents.append(item.quote)
        return ids, metadatas, documents, texts

    def embed(self, texts: list[str]) -> np.ndarray:
        if self.embedder is None:
            raise WorkspaceError("no embedder to compute missing vectors with")
        return np.asarray(self.embedder.embed(texts), dtype=np.float32)

    def _outgoing(self, chunk: Chunk) -> str:
        if not (self.settings.effective_redact_pii and self.settings.external_endpoint):
            return chunk.text
        from agent.ingest.redaction import person_names, redact

        doc = self.workspace.catalog.document(chunk.doc_id)
        names = person_names(doc.speakers) if doc and self.settings.redact_names else []
        return redact(chunk.text, names).text


@dataclass
class RebuildReport:
    copied: int = 0
    embedded: int = 0  # catalog rows whose vector could not be read, embedded again
    unembedded: int = 0  # ... and could not be embedded either (no embedder, or it failed)
    dropped: int = 0  # records of files no longer in the catalog, or unreadable, not copied


def rebuild_vectors(workspace: Workspace, vectors: CatalogVectors) -> RebuildReport:
    """Replace the local Chroma folder by one rebuilt from the catalog (see the module doc)."""
    report = RebuildReport()
    root = workspace.root
    current = root / "chroma"
    fresh = root / f"chroma.rebuild-{uuid.uuid4().hex[:8]}"
    with workspace.write_lock():
        old = workspace.vectors
        try:
            _fill(workspace, old, fresh, vectors, report)
        except BaseException:
            close_local(fresh)
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        close_local(fresh)
        close_local(current)
        workspace.lock.wrote()  # every other process drops its segments of the old folder
        old.retire()  # nobody searches a copy of it, and this process never opens the new one
        retired = root / f"chroma.old-{uuid.uuid4().hex[:8]}"
        if current.exists():
            os.replace(current, retired)
        os.replace(fresh, current)
        shutil.rmtree(retired, ignore_errors=True)
    return report


Batch = tuple[str, str, list[str], np.ndarray, list[dict[str, Any]], list[str]]


def _fill(
    workspace: Workspace,
    old: VectorIndex,
    fresh_path: Path,
    vectors: CatalogVectors,
    report: RebuildReport,
) -> None:
    """Read (or embed again) every vector the fresh store gets here, then write the fresh store
    in a newly spawned process: Chroma's native code writes its index files from memory it
    does not clear, and this process has held the old store's text (the forgotten sources
    included), so a store written from here could carry fragments of it."""
    batches: list[Batch] = []
    for content in CONTENTS:
        for rows in workspace.catalog.rows(content):
            found, _ = old.readable(content, [r[0] for r in rows])
            report.copied += len(found)
            missing = [r for r in rows if r[0] not in found]
            if missing:
                try:
                    embedded = vectors.embed(vectors.records(content, missing)[3])
                except Exception:  # no embedder, or its endpoint is down: count, go on
                    report.unembedded += len(missing)
                else:
                    found.update({r[0]: v for r, v in zip(missing, embedded, strict=True)})
                    report.embedded += len(missing)
            keep = [r for r in rows if r[0] in found]
            if keep:
                ids, metadatas, documents, _ = vectors.records(content, keep)
                batches.append(
                    (
                        workspace.embedder_name,
                        content,
                        ids,
                        np.stack([found[i] for i in ids]),
                        metadatas,
                        documents,
                    )
                )
    batches += _other_embedders(workspace, old, report)
    _write_in_fresh_process(fresh_path, batches)


def _write_in_fresh_process(fresh_path: Path, batches: list[Batch]) -> None:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        pool.apply(_write_batches, (str(fresh_path), batches))


def _write_batches(fresh_path: str, batches: list[Batch]) -> None:
    """In the spawned process: the fresh store, from the batches only."""
    from agent.store.lock import WorkspaceLock

    path = Path(fresh_path)
    path.mkdir(parents=True, exist_ok=True)
    lock = WorkspaceLock(path.parent / f".{path.name}.lock")  # nobody else knows this folder
    try:
        for embedder_name, content, ids, array, metadatas, documents in batches:
            index = VectorIndex(path, embedder_name, lock)
            try:
                index.upsert(content, ids, array, metadatas, documents)
            finally:
                index.close()
        close_local(path)
    finally:
        Path(lock.path).unlink(missing_ok=True)


def _other_embedders(workspace: Workspace, old: VectorIndex, report: RebuildReport) -> list[Batch]:
    """Collections of embedders other than the current one: copied as they are, without the
    records of files that are no longer in the catalog (they cannot be embedded again here)."""
    files = {f.file_id for f in workspace.catalog.files()}
    own = {old.name(c) for c in CONTENTS}
    batches: list[Batch] = []
    for collection in old.collection_names():
        if collection in own:
            continue
        content, _, embedder_name = collection.partition("-")
        if content not in CONTENTS or not embedder_name:
            continue
        ids = old.all_ids(collection)
        records = old.records(collection, ids)
        kept = [i for i in ids if i in records and records[i][1].get("file_id") in files]
        report.dropped += len(ids) - len(kept)
        if kept:
            batches.append(
                (
                    embedder_name,
                    content,
                    kept,
                    np.stack([records[i][0] for i in kept]),
                    [records[i][1] for i in kept],
                    [records[i][2] for i in kept],
                )
            )
    return batches
