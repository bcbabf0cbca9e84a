"""A workspace folder (default `./.icp`): catalog.sqlite, chroma/, snapshots/, workspace.json,
write.lock (snapshots/: exact-search copies of chroma/, agent.store.snapshot).

One writer at a time across processes: every Chroma write and the creation of workspace.json
hold the workspace lock exclusively, every Chroma read holds it shared (agent.store.lock), so
two ingests into one workspace queue instead of corrupting it. Each file is stored
vectors-first, catalog-last: an interrupted run leaves no manifest entry, and the re-run
replaces the vectors it left behind (same deterministic ids), so nothing is duplicated."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from agent.errors import WorkspaceError
from agent.schema import Chunk, Evidence, SourceDocument
from agent.store.catalog import Catalog, FileEntry
from agent.store.lock import release_workspace_lock, workspace_lock
from agent.store.snapshot import FOLDER as SNAPSHOT_FOLDER
from agent.store.vectors import VectorIndex

INFO_FILE = "workspace.json"


class Workspace:
    def __init__(self, root: Path, embedder_name: str, chroma_url: str | None = None) -> None:
        self.root = root
        self.embedder_name = embedder_name
        self.chroma_url = chroma_url
        root.mkdir(parents=True, exist_ok=True)
        self.lock = workspace_lock(root)
        try:
            self.info = self._info()
            self.catalog = Catalog(root / "catalog.sqlite")
        except BaseException:
            release_workspace_lock(self.lock)
            raise
        self._vectors: VectorIndex | None = None
        self._closed = False

    @classmethod
    def exists(cls, root: Path) -> bool:
        return (root / "catalog.sqlite").is_file()

    def _info(self) -> dict[str, Any]:
        path = self.root / INFO_FILE
        if not path.is_file():
            with self.lock.exclusive():  # two processes creating one workspace agree on one id
                if not path.is_file():
                    info = {"id": uuid.uuid4().hex, "format": 1}
                    tmp = path.with_name(f".{INFO_FILE}.{uuid.uuid4().hex}.tmp")
                    tmp.write_text(json.dumps(info), encoding="utf-8")
                    os.replace(tmp, path)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise WorkspaceError(f"{path}: damaged workspace file ({exc.msg})") from exc

    @property
    def vectors(self) -> VectorIndex:
        if self._vectors is None:
            prefix = f"icp-{self.info['id'][:8]}-" if self.chroma_url else ""
            self._vectors = VectorIndex(
                self.root / "chroma",
                self.embedder_name,
                self.lock,
                self.chroma_url,
                prefix,
                snapshot_folder=self.root / SNAPSHOT_FOLDER,
            )
        return self._vectors

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._vectors is not None:
            self._vectors.close()
            self._vectors = None
        self.catalog.close()
        release_workspace_lock(self.lock)

    def on_wait(self, callback: Callable[[], None] | None) -> None:
        """What to do (once) when this process has to wait for another writer."""
        if callback is not None:
            self.lock.on_wait = callback

    @contextmanager
    def write_lock(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the workspace exclusively (re-entrant): Chroma and catalog changes as one."""
        self.on_wait(on_wait)
        with self.lock.exclusive():
            yield

    # storing ----------------------------------------------------------------
    def store_file(
        self,
        entry: FileEntry,
        documents: list[SourceDocument],
        chunks: list[Chunk],
        vectors: np.ndarray,
        vector_texts: list[str],
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        with self.write_lock(on_wait):
            self._delete_vectors(entry.file_id)
            if chunks:
                self.vectors.upsert(
                    "chunks",
                    [c.chunk_id for c in chunks],
                    vectors,
                    [chunk_metadata(c, entry.file_id) for c in chunks],
                    vector_texts,
                )
            self.catalog.replace_file(entry, documents, chunks)

    def forget(self, file_id: str) -> None:
        """Remove one file's documents, chunks, evidence and their vectors (every embedder's)."""
        with self.write_lock():
            self.vectors.delete_everywhere({"file_id": file_id})
            self.catalog.forget_file(file_id)

    def _delete_vectors(self, file_id: str) -> None:
        self.vectors.delete_where("chunks", {"file_id": file_id})
        self.vectors.delete_where("evidence", {"file_id": file_id})

    def store_evidence(
        self,
        doc: SourceDocument,
        file_id: str,
        engine: str,
        fingerprint: str,
        evidence: list[Evidence],
        dropped: int,
        vectors: np.ndarray,
    ) -> None:
        with self.write_lock():
            self.vectors.delete_where("evidence", {"doc_id": doc.doc_id})
            if evidence:
                self.vectors.upsert(
                    "evidence",
                    [e.id for e in evidence],
                    vectors,
                    [evidence_metadata(e, file_id) for e in evidence],
                    [e.quote for e in evidence],
                )
            self.catalog.replace_evidence(doc.doc_id, engine, fingerprint, evidence, dropped)

    def file_id_of(self, doc_id: str) -> str | None:
        row = self.catalog.db.execute(
            "SELECT file_id FROM documents WHERE doc_id=?", (doc_id,)
        ).fetchone()
        return row[0] if row else None


def chunk_metadata(chunk: Chunk, file_id: str) -> dict[str, Any]:
    return {
        "file_id": file_id,
        "doc_id": chunk.doc_id,
        "source": chunk.source,
        "kind": chunk.kind.value,
        "account": chunk.account,
        "speaker": chunk.speaker,
        "role": chunk.role.value,
        "start": chunk.start,
        "end": chunk.end,
    }


def evidence_metadata(evidence: Evidence, file_id: str) -> dict[str, Any]:
    return {
        "file_id": file_id,
        "doc_id": evidence.doc_id,
        "kind": evidence.kind.value,
        "account": evidence.account,
        "source": evidence.source,
        "start": evidence.start,
        "end": evidence.end,
        "claim": evidence.is_claim,
    }
