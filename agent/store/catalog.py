"""The workspace catalog (SQLite): the manifest of ingested files with their content hashes,
documents, chunks (with a BM25 index), evidence, the LLM cache and ICP versions."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.schema import Chunk, Evidence, SourceDocument

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    file_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    kind TEXT,
    documents INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    accounts TEXT NOT NULL,
    warnings TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_hash ON files(content_hash);
-- which version of the file readers parsed each file: a file read by an older one is read again
CREATE TABLE IF NOT EXISTS file_readers (
    file_id TEXT PRIMARY KEY,
    reader TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    file_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    account TEXT,
    content_hash TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_file ON documents(file_id);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    file_id TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS chunks_file ON chunks(file_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(text, chunk_id UNINDEXED, tokenize='porter unicode61');
CREATE TABLE IF NOT EXISTS evidence (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    account TEXT,
    engine TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS evidence_doc ON evidence(doc_id);
CREATE TABLE IF NOT EXISTS extractions (
    doc_id TEXT NOT NULL,
    engine TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    evidence INTEGER NOT NULL,
    dropped INTEGER NOT NULL,
    extracted_at TEXT NOT NULL,
    PRIMARY KEY (doc_id, engine)
);
CREATE TABLE IF NOT EXISTS llm_cache (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    response TEXT NOT NULL,
    usage TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS icp_versions (
    version INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    data TEXT NOT NULL
);
"""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_FILES = (
    "SELECT files.*, COALESCE(file_readers.reader, '') FROM files "
    "LEFT JOIN file_readers USING (file_id)"
)


@dataclass
class FileEntry:
    file_id: str
    source: str
    path: str
    content_hash: str
    size: int
    kind: str | None
    documents: int
    chunks: int
    accounts: list[str]
    warnings: list[str]
    ingested_at: str
    reader: str = ""  # the file readers' version that parsed it (agent.ingest.loader.READER)


def _write_ahead_log(db: sqlite3.Connection, wait: float = 60.0) -> None:
    """Switch the catalog to write-ahead logging. When two processes open a new workspace at
    once, SQLite answers "database is locked" to the switch without waiting (its busy handler
    is not called for it), so the switch is retried until `wait` seconds have passed."""
    deadline = time.monotonic() + wait
    pause = 0.02
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        _write_ahead_log(self.db)
        self.db.execute("PRAGMA busy_timeout=60000")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._lock = threading.RLock()  # one connection shared by extraction threads

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # files ---------------------------------------------------------------
    def file(self, file_id: str) -> FileEntry | None:
        row = self.db.execute(f"{_FILES} WHERE file_id=?", (file_id,)).fetchone()
        return self._file(row) if row else None

    def file_with_hash(self, content_hash: str) -> FileEntry | None:
        row = self.db.execute(f"{_FILES} WHERE content_hash=? LIMIT 1", (content_hash,)).fetchone()
        return self._file(row) if row else None

    def files(self) -> list[FileEntry]:
        return [self._file(r) for r in self.db.execute(f"{_FILES} ORDER BY source")]

    @staticmethod
    def _file(row: tuple) -> FileEntry:
        values = list(row)
        values[8] = json.loads(values[8])
        values[9] = json.loads(values[9])
        return FileEntry(*values)

    def replace_file(
        self,
        entry: FileEntry,
        documents: list[SourceDocument],
        chunks: list[Chunk],
    ) -> None:
        """Swap in a file's documents and chunks atomically (its old evidence goes too)."""
        with self.transaction() as db:
            self._delete_file_rows(db, entry.file_id)
            db.executemany(
                "INSERT INTO documents VALUES (?,?,?,?,?,?)",
                [
                    (
                        d.doc_id,
                        entry.file_id,
                        d.kind.value,
                        d.account,
                        d.content_hash,
                        d.model_dump_json(),
                    )
                    for d in documents
                ],
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?)",
                [(c.chunk_id, c.doc_id, entry.file_id, c.model_dump_json()) for c in chunks],
            )
            db.executemany(
                "INSERT INTO chunks_fts(text, chunk_id) VALUES (?,?)",
                [(c.text, c.chunk_id) for c in chunks],
            )
            db.execute(
                "INSERT INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    entry.file_id,
                    entry.source,
                    entry.path,
                    entry.content_hash,
                    entry.size,
                    entry.kind,
                    entry.documents,
                    entry.chunks,
                    json.dumps(entry.accounts),
                    json.dumps(entry.warnings),
                    entry.ingested_at,
                ),
            )
            db.execute("INSERT INTO file_readers VALUES (?,?)", (entry.file_id, entry.reader))

    def forget_file(self, file_id: str) -> None:
        with self.transaction() as db:
            self._delete_file_rows(db, file_id)

    @staticmethod
    def _delete_file_rows(db: sqlite3.Connection, file_id: str) -> None:
        doc_ids = [
            r[0] for r in db.execute("SELECT doc_id FROM documents WHERE file_id=?", (file_id,))
        ]
        db.execute(
            "DELETE FROM chunks_fts WHERE chunk_id IN (SELECT chunk_id FROM chunks WHERE file_id=?)",
            (file_id,),
        )
        db.execute("DELETE FROM chunks WHERE file_id=?", (file_id,))
        db.executemany("DELETE FROM evidence WHERE doc_id=?", [(d,) for d in doc_ids])
        db.executemany("DELETE FROM extractions WHERE doc_id=?", [(d,) for d in doc_ids])
        db.execute("DELETE FROM documents WHERE file_id=?", (file_id,))
        db.execute("DELETE FROM files WHERE file_id=?", (file_id,))
        db.execute("DELETE FROM file_readers WHERE file_id=?", (file_id,))

    def documents_of_files(self, file_ids: Iterable[str]) -> list[SourceDocument]:
        found: list[SourceDocument] = []
        for file_id in file_ids:
            found += [
                SourceDocument.model_validate_json(r[0])
                for r in self.db.execute("SELECT data FROM documents WHERE file_id=?", (file_id,))
            ]
        return found

    # documents and chunks -------------------------------------------------
    def documents(self, kinds: Iterable[str] | None = None) -> list[SourceDocument]:
        query = "SELECT data FROM documents"
        params: list[Any] = []
        if kinds:
            kinds = list(kinds)
            query += f" WHERE kind IN ({','.join('?' * len(kinds))})"
            params = kinds
        query += " ORDER BY rowid"
        return [SourceDocument.model_validate_json(r[0]) for r in self.db.execute(query, params)]

    def document(self, doc_id: str) -> SourceDocument | None:
        row = self.db.execute("SELECT data FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return SourceDocument.model_validate_json(row[0]) if row else None

    def document_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def chunks(self, chunk_ids: Iterable[str] | None = None) -> list[Chunk]:
        if chunk_ids is None:
            rows = self.db.execute("SELECT data FROM chunks ORDER BY rowid")
            return [Chunk.model_validate_json(r[0]) for r in rows]
        ids = list(chunk_ids)
        found: dict[str, Chunk] = {}
        for begin in range(0, len(ids), 500):
            part = ids[begin : begin + 500]
            for (data,) in self.db.execute(
                f"SELECT data FROM chunks WHERE chunk_id IN ({','.join('?' * len(part))})", part
            ):
                chunk = Chunk.model_validate_json(data)
                found[chunk.chunk_id] = chunk
        return [found[i] for i in ids if i in found]

    def chunks_covering(self, positions: list[tuple[str, int]]) -> dict[tuple[str, int], Chunk]:
        """The chunk of each (doc_id, offset)."""
        found: dict[tuple[str, int], Chunk] = {}
        by_doc: dict[str, list[int]] = {}
        for doc_id, offset in positions:
            by_doc.setdefault(doc_id, []).append(offset)
        for doc_id, offsets in by_doc.items():
            rows = [
                Chunk.model_validate_json(r[0])
                for r in self.db.execute("SELECT data FROM chunks WHERE doc_id=?", (doc_id,))
            ]
            for offset in offsets:
                chunk = next((c for c in rows if c.start <= offset < c.end), None)
                if chunk is not None:
                    found[(doc_id, offset)] = chunk
        return found

    def chunk_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def bm25(self, query: str, limit: int) -> list[tuple[str, float]]:
        """(chunk_id, score) best first; higher is better."""
        terms = [t for t in _fts_terms(query)]
        if not terms:
            return []
        expression = " OR ".join(f'"{t}"' for t in terms)
        rows = self.db.execute(
            "SELECT chunk_id, bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT ?",
            (expression, limit),
        ).fetchall()
        return [(chunk_id, -score) for chunk_id, score in rows]

    def term_count(self, term: str) -> int:
        """How many chunks contain `term` (porter-stemmed, as the BM25 index sees it)."""
        cleaned = re.sub(r"[^a-z0-9]", "", term.lower())
        if not cleaned:
            return 0
        return self.db.execute(
            "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (f'"{cleaned}"',)
        ).fetchone()[0]

    def term_accounts(self, term: str, limit: int) -> set[str]:
        """Up to `limit` accounts whose documents contain `term` (porter-stemmed, as BM25 sees
        it); the search stops at the limit, so a common word costs no more than a rare one."""
        cleaned = re.sub(r"[^a-z0-9]", "", term.lower())
        if not cleaned:
            return set()
        rows = self.db.execute(
            "SELECT DISTINCT documents.account FROM chunks_fts JOIN chunks USING (chunk_id) "
            "JOIN documents ON documents.doc_id = chunks.doc_id "
            "WHERE chunks_fts MATCH ? AND documents.account IS NOT NULL LIMIT ?",
            (f'"{cleaned}"', limit),
        ).fetchall()
        return {row[0] for row in rows}

    # evidence -------------------------------------------------------------
    def replace_evidence(
        self, doc_id: str, engine: str, fingerprint: str, evidence: list[Evidence], dropped: int
    ) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM evidence WHERE doc_id=?", (doc_id,))
            db.executemany(
                "INSERT OR REPLACE INTO evidence VALUES (?,?,?,?,?,?)",
                [
                    (e.id, e.doc_id, e.kind.value, e.account, e.engine, e.model_dump_json())
                    for e in evidence
                ],
            )
            db.execute("DELETE FROM extractions WHERE doc_id=?", (doc_id,))
            db.execute(
                "INSERT INTO extractions VALUES (?,?,?,?,?,?)",
                (doc_id, engine, fingerprint, len(evidence), dropped, now()),
            )

    def extraction(self, doc_id: str) -> tuple[str, str, int] | None:
        row = self.db.execute(
            "SELECT engine, fingerprint, dropped FROM extractions WHERE doc_id=?", (doc_id,)
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def evidence(
        self, kinds: Iterable[str] | None = None, ids: Iterable[str] | None = None
    ) -> list[Evidence]:
        """Stored evidence, optionally only of some kinds or some ids (parsed only when asked for)."""
        query, params = "SELECT data FROM evidence", []
        clauses = []
        for column, values in (("kind", kinds), ("id", ids)):
            if values is not None:
                chosen = list(values)
                clauses.append(f"{column} IN ({','.join('?' * len(chosen)) or 'NULL'})")
                params.extend(chosen)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        return [
            Evidence.model_validate_json(r[0])
            for r in self.db.execute(query + " ORDER BY rowid", params)
        ]

    def evidence_spans(
        self, doc_ids: Iterable[str], kinds: Iterable[str]
    ) -> list[tuple[str, int, int]]:
        """(doc_id, start, end) of the evidence of some kinds in some documents, shown or kept
        under its display threshold, read without parsing the items."""
        docs, wanted = list(doc_ids), list(kinds)
        if not docs or not wanted:
            return []
        rows = self.db.execute(
            "SELECT doc_id, json_extract(data, '$.start'), json_extract(data, '$.end') "
            f"FROM evidence WHERE doc_id IN ({','.join('?' * len(docs))}) "
            f"AND kind IN ({','.join('?' * len(wanted))})",
            [*docs, *wanted],
        )
        return [(doc_id, int(start), int(end)) for doc_id, start, end in rows]

    def evidence_count(self, doc_ids: Iterable[str]) -> int:
        return sum(
            self.db.execute("SELECT count(*) FROM evidence WHERE doc_id=?", (d,)).fetchone()[0]
            for d in doc_ids
        )

    def dropped_quotes(self) -> int:
        return self.db.execute("SELECT coalesce(sum(dropped), 0) FROM extractions").fetchone()[0]

    # LLM cache ------------------------------------------------------------
    def cached_response(self, key: str) -> tuple[str, dict[str, Any]] | None:
        row = self.db.execute(
            "SELECT response, usage FROM llm_cache WHERE key=?", (key,)
        ).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def cache_response(
        self, key: str, model: str, prompt_version: str, response: str, usage: dict[str, Any]
    ) -> None:
        with self._lock:
            self.db.execute(
                "INSERT OR REPLACE INTO llm_cache VALUES (?,?,?,?,?,?)",
                (key, model, prompt_version, response, json.dumps(usage), now()),
            )

    def cached_responses(self) -> Iterator[tuple[str, str]]:
        """(key, response) of every cached LLM answer."""
        yield from self.db.execute("SELECT key, response FROM llm_cache").fetchall()

    def forget_cached(self, keys: Iterable[str]) -> int:
        chosen = [(k,) for k in keys]
        with self.transaction() as db:
            db.executemany("DELETE FROM llm_cache WHERE key=?", chosen)
        return len(chosen)

    # ICP versions ---------------------------------------------------------
    def save_version(self, fingerprint: str, data: str) -> int:
        with self.transaction() as db:
            latest = db.execute("SELECT coalesce(max(version), 0) FROM icp_versions").fetchone()[0]
            version = latest + 1
            db.execute(
                "INSERT INTO icp_versions VALUES (?,?,?,?)", (version, now(), fingerprint, data)
            )
        return version

    def versions(self) -> list[tuple[int, str, str]]:
        return list(
            self.db.execute(
                "SELECT version, created_at, fingerprint FROM icp_versions ORDER BY version"
            )
        )

    def version(self, number: int) -> str | None:
        row = self.db.execute("SELECT data FROM icp_versions WHERE version=?", (number,)).fetchone()
        return row[0] if row else None

    def rewrite_version(self, number: int, data: str) -> None:
        """Replace a saved version's document (`icp forget` marks or purges it); its number and
        input fingerprint stay."""
        with self.transaction() as db:
            db.execute("UPDATE icp_versions SET data=? WHERE version=?", (data, number))

    # upkeep ---------------------------------------------------------------
    def rows(self, content: str) -> Iterator[list[tuple[str, str, str]]]:
        """Batches of (id, file_id, JSON) of every chunk or evidence row, for a vector rebuild."""
        query = (
            "SELECT chunk_id, file_id, data FROM chunks ORDER BY rowid"
            if content == "chunks"
            else "SELECT e.id, coalesce(d.file_id, ''), e.data FROM evidence e "
            "LEFT JOIN documents d ON d.doc_id = e.doc_id ORDER BY e.rowid"
        )
        cursor = self.db.execute(query)
        while batch := cursor.fetchmany(500):
            yield batch

    def ids(self, content: str) -> list[str]:
        table, column = ("chunks", "chunk_id") if content == "chunks" else ("evidence", "id")
        return [r[0] for r in self.db.execute(f"SELECT {column} FROM {table} ORDER BY rowid")]

    def integrity(self) -> str:
        """'ok' or what SQLite found wrong."""
        return "; ".join(r[0] for r in self.db.execute("PRAGMA quick_check"))

    def compact(self) -> None:
        """Rewrite the file without the space deleted rows left (their text included): merge the
        BM25 index, VACUUM, and fold the write-ahead log back into the file."""
        with self._lock:
            self.db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES('optimize')")
            self.db.execute("VACUUM")
            for _ in range(50):  # another process's open read can hold the log a moment
                busy = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                if not busy:
                    return
                time.sleep(0.1)


def _fts_terms(query: str) -> list[str]:
    import re

    stop = {
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "is",
        "are",
        "do",
        "does",
        "did",
        "what",
        "why",
        "how",
        "who",
        "which",
        "with",
        "that",
        "this",
        "it",
        "they",
        "we",
        "our",
        "you",
        "be",
        "after",
        "before",
        "about",
    }
    return [w for w in re.findall(r"[a-z0-9]+", query.lower()) if w not in stop and len(w) > 1][:32]
