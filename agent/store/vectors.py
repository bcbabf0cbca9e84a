"""Chroma collections of chunk and evidence vectors (local PersistentClient or a server).

Vectors are computed by our own embedder and passed in; Chroma's default embedding
function (which downloads a model at run time) is never used. Every read holds the workspace
lock shared and every write holds it exclusively (agent.store.lock); a local client whose
in-memory segments went stale (another process wrote) is closed and opened again."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from agent.errors import WorkspaceError
from agent.store.chroma_import import unchecked_overrides
from agent.store.lock import WorkspaceLock
from agent.store.snapshot import Snapshot, snapshots_for
from agent.store.snapshot import build as build_snapshot

log = logging.getLogger(__name__)

_BATCH = 2000
CHROMA_DB = "chroma.sqlite3"


def _settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False)


def _server_client(chroma_url: str) -> Any:
    import chromadb

    parsed = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
    try:
        return chromadb.HttpClient(
            host=parsed.hostname or "localhost",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=_settings(),
        )
    except Exception as exc:  # chromadb raises plain exceptions for connection problems
        raise WorkspaceError(f"cannot reach the Chroma server at {chroma_url}: {exc}") from exc


@dataclass
class _Client:
    """One Chroma client per folder (or server) per process, shared by every VectorIndex on it."""

    client: Any
    collections: dict[str, Any] = field(default_factory=dict)
    # a local folder's record counts, known since this process last wrote (or found another
    # process had written, which closes the client and this entry with it)
    counts: dict[str, int] = field(default_factory=dict)


_CLIENTS: dict[str, _Client] = {}
_USERS: dict[str, int] = {}  # open VectorIndex objects per folder or server
_CLIENTS_MUTEX = threading.Lock()


def close_local(path: Path) -> None:
    """Close this process's client of a local Chroma folder (its in-memory segments go with it)."""
    with _CLIENTS_MUTEX:
        entry = _CLIENTS.pop(str(path.resolve()), None)
    if entry is not None:
        entry.client.close()


class VectorIndex:
    """One Chroma collection per (content, embedder): `chunks-<embedder>`, `evidence-<embedder>`."""

    def __init__(
        self,
        path: Path,
        embedder_name: str,
        lock: WorkspaceLock,
        chroma_url: str | None = None,
        prefix: str = "",
        snapshot_folder: Path | None = None,
    ) -> None:
        self.path = path
        self.chroma_url = chroma_url
        self.embedder_name = embedder_name
        self.prefix = prefix
        self.lock = lock
        self._key = chroma_url or str(path.resolve())
        self._unlisten = self.lock.on_stale(self._stale)
        self._closed = False
        self._wrote_any = False
        self._retired = False
        # exact-search copies of a workspace's local collections (agent.store.snapshot); a
        # server's other clients write without our lock, so a server is always asked directly
        self._snapshots = (
            snapshots_for(snapshot_folder)
            if snapshot_folder is not None and not chroma_url
            else None
        )
        with _CLIENTS_MUTEX:
            _USERS[self._key] = _USERS.get(self._key, 0) + 1

    # --- the client -----------------------------------------------------------------------
    def _entry(self, create: bool) -> _Client | None:
        with _CLIENTS_MUTEX:
            entry = _CLIENTS.get(self._key)
            if entry is not None:
                return entry
            if not self.chroma_url and not create and not (self.path / CHROMA_DB).is_file():
                return None  # nothing stored yet; a reader never creates the database
            with unchecked_overrides():  # chromadb loads on first use (agent.store.chroma_import)
                if self.chroma_url:
                    entry = _Client(_server_client(self.chroma_url))
                else:
                    import chromadb

                    self.path.mkdir(parents=True, exist_ok=True)
                    entry = _Client(
                        chromadb.PersistentClient(path=str(self.path), settings=_settings())
                    )
            _CLIENTS[self._key] = entry
            return entry

    def _stale(self) -> None:
        if not self.chroma_url:  # a server keeps its own state; only local segments go stale
            close_local(self.path)

    def name(self, content: str) -> str:
        return f"{self.prefix}{content}-{self.embedder_name}"

    def _collection(self, content: str, create: bool = False) -> Any:
        """The collection (None when it does not exist and `create` is False)."""
        entry = self._entry(create)
        if entry is None:
            return None
        name = self.name(content)
        if name not in entry.collections:
            if create:
                entry.collections[name] = entry.client.get_or_create_collection(
                    name=name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
                )
            else:
                from chromadb.errors import NotFoundError

                try:
                    entry.collections[name] = entry.client.get_collection(
                        name=name, embedding_function=None
                    )
                except NotFoundError:
                    return None
        return entry.collections[name]

    def _count(self, content: str, collection: Any) -> int:
        """The collection's record count; remembered for a local folder until the next write
        (Chroma counts every record for it: 10 ms at 100,000 chunks, before every query)."""
        entry = _CLIENTS.get(self._key)
        if self.chroma_url or entry is None:  # a server's other clients write without our lock
            return int(collection.count())
        name = self.name(content)
        if name not in entry.counts:
            entry.counts[name] = int(collection.count())
        return entry.counts[name]

    def _writing(self) -> None:
        """Record a write (under the exclusive lock): the lock's token moves, counts are stale."""
        self.lock.wrote()
        self._wrote_any = True
        self.discard_snapshots()
        entry = _CLIENTS.get(self._key)
        if entry is not None:
            entry.counts.clear()

    def _snapshot(self, content: str) -> Snapshot | None:
        """The collection as of the current write generation (built from Chroma when this
        generation has none yet), or None: a server, a write not yet released, or a collection
        Chroma cannot read whole (the caller asks Chroma, which reports what is wrong)."""
        if self._snapshots is None or self.lock.pending_write or self._retired:
            return None
        name = self.name(content)
        token = self.lock.token
        found = self._snapshots.current(name, token)
        if found is not None or not token:
            return found
        try:
            found = build_snapshot(self._collection(content), self._snapshots.folder, name, token)
        except Exception as exc:  # unreadable records, a full disk: Chroma answers instead
            log.warning("no search snapshot of %s in %s: %s", name, self.path.parent, exc)
            return None
        self._snapshots.keep(name, found)
        return found

    def discard_snapshots(self) -> None:
        """Under the exclusive lock, when the collections change: no copy outlives them."""
        if self._snapshots is not None:
            self._snapshots.discard()

    def retire(self) -> None:
        """The store was rebuilt without text this process has held (`icp forget`): this
        process does not open the new store to prepare snapshots (Chroma's native code writes
        index files from memory it does not clear); the next reader builds them."""
        self.discard_snapshots()
        self._retired = True

    def prepare(self) -> None:
        """Build the current generation's snapshots now (after writing), so that the next
        reader, e.g. `icp ask`, neither starts Chroma nor reads it whole."""
        if self._snapshots is None:
            return
        with self.lock.shared():
            for content in ("chunks", "evidence"):
                self._snapshot(content)

    def close(self) -> None:
        """This index is done; the last one on a local folder closes the process's client."""
        if self._closed:
            return
        self._closed = True
        if self._wrote_any and not self._retired and self._snapshots is not None:
            try:
                self.prepare()
            except Exception as exc:  # a later reader builds them instead
                log.warning("search snapshots not prepared in %s: %s", self.path.parent, exc)
        self._unlisten()
        with _CLIENTS_MUTEX:
            _USERS[self._key] -= 1
            last = _USERS[self._key] <= 0
            if last:
                del _USERS[self._key]
        if last and not self.chroma_url:
            with self.lock.mutex:  # never under another thread's feet
                close_local(self.path)

    # --- writes (exclusive) ----------------------------------------------------------------
    def upsert(
        self,
        content: str,
        ids: list[str],
        vectors: np.ndarray,
        metadatas: list[dict[str, Any]],
        documents: list[str],
    ) -> None:
        with self.lock.exclusive():
            self._writing()
            collection = self._collection(content, create=True)
            for begin in range(0, len(ids), _BATCH):
                end = begin + _BATCH
                collection.upsert(
                    ids=ids[begin:end],
                    embeddings=vectors[begin:end].tolist(),
                    metadatas=[_clean(m) or None for m in metadatas[begin:end]],
                    documents=documents[begin:end],
                )

    def delete_where(self, content: str, where: dict[str, Any]) -> None:
        with self.lock.exclusive():
            collection = self._collection(content)
            if collection is not None:
                self._writing()
                collection.delete(where=where)

    def delete_ids(self, content: str, ids: list[str]) -> None:
        with self.lock.exclusive():
            collection = self._collection(content)
            if collection is None:
                return
            self._writing()
            for begin in range(0, len(ids), _BATCH):
                collection.delete(ids=ids[begin : begin + _BATCH])

    def delete_everywhere(self, where: dict[str, Any]) -> None:
        """Delete matching records from every collection of this workspace (all embedders)."""
        with self.lock.exclusive():
            entry = self._entry(create=False)
            if entry is None:
                return
            names = [c.name for c in entry.client.list_collections()]
            for name in names:
                if name.startswith(self.prefix):
                    self._writing()
                    entry.client.get_collection(name=name, embedding_function=None).delete(
                        where=where
                    )

    # --- reads (shared) --------------------------------------------------------------------
    def count(self, content: str) -> int:
        with self.lock.shared():
            snapshot = self._snapshot(content)
            if snapshot is not None:
                return len(snapshot)
            collection = self._collection(content)
            return 0 if collection is None else self._count(content, collection)

    def ids(self, content: str) -> set[str]:
        with self.lock.shared():
            collection = self._collection(content)
            found: set[str] = set()
            offset = 0
            while collection is not None:
                page = collection.get(include=[], limit=5000, offset=offset)
                found.update(page["ids"])
                if len(page["ids"]) < 5000:
                    break
                offset += 5000
            return found

    def query(
        self, content: str, vector: np.ndarray, limit: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float, np.ndarray]]:
        """(id, cosine similarity, vector) best first."""
        with self.lock.shared():
            snapshot = self._snapshot(content)
            found = None if snapshot is None else snapshot.query(vector, limit, where)
            if found is not None:
                return found
            collection = self._collection(content)
            total = self._count(content, collection) if collection is not None else 0
            if total == 0:
                return []
            result = collection.query(
                query_embeddings=[vector.tolist()],
                n_results=min(limit, total),
                where=where or None,
                include=["distances", "embeddings"],
            )
        ids = result["ids"][0]
        distances = result["distances"][0]
        embeddings = result["embeddings"][0]
        return [
            (i, 1.0 - float(d), np.asarray(e, dtype=np.float32))
            for i, d, e in zip(ids, distances, embeddings, strict=True)
        ]

    def vectors(self, content: str, ids: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self.lock.shared():
            snapshot = self._snapshot(content)
            if snapshot is not None:
                return snapshot.vectors_of(ids)
            collection = self._collection(content)
            if collection is None:
                return found
            for begin in range(0, len(ids), _BATCH):
                page = collection.get(ids=ids[begin : begin + _BATCH], include=["embeddings"])
                for i, e in zip(page["ids"], page["embeddings"], strict=True):
                    found[i] = np.asarray(e, dtype=np.float32)
        return found

    def readable(self, content: str, ids: list[str]) -> tuple[dict[str, np.ndarray], set[str]]:
        """(vectors that can be read, ids Chroma has but cannot return a vector for)."""
        found: dict[str, np.ndarray] = {}
        broken: set[str] = set()
        with self.lock.shared():
            collection = self._collection(content)
            if collection is None:
                return found, broken
            pending = [ids[b : b + _BATCH] for b in range(0, len(ids), _BATCH)]
            while pending:
                part = pending.pop()
                try:
                    page = collection.get(ids=part, include=["embeddings"])
                except Exception:  # chromadb.errors.InternalError "Error finding id": split it
                    if len(part) == 1:
                        broken.add(part[0])
                    else:
                        pending += [part[: len(part) // 2], part[len(part) // 2 :]]
                    continue
                for i, e in zip(page["ids"], page["embeddings"], strict=True):
                    found[i] = np.asarray(e, dtype=np.float32)
        return found, broken

    def collection_names(self) -> list[str]:
        """Every collection of this workspace (all embedders)."""
        with self.lock.shared():
            entry = self._entry(create=False)
            if entry is None:
                return []
            names = [c.name for c in entry.client.list_collections()]
        return sorted(n for n in names if n.startswith(self.prefix))

    def records(self, name: str, ids: list[str]) -> dict[str, tuple[np.ndarray, dict, str]]:
        """id -> (vector, metadata, document) for the readable ones among `ids` in collection
        `name` (any embedder's)."""
        found: dict[str, tuple[np.ndarray, dict, str]] = {}
        with self.lock.shared():
            entry = self._entry(create=False)
            if entry is None:
                return found
            collection = entry.client.get_collection(name=name, embedding_function=None)
            pending = [ids[b : b + _BATCH] for b in range(0, len(ids), _BATCH)]
            while pending:
                part = pending.pop()
                try:
                    page = collection.get(
                        ids=part, include=["embeddings", "metadatas", "documents"]
                    )
                except Exception:  # unreadable vectors: split down to the broken ids, skip them
                    if len(part) > 1:
                        pending += [part[: len(part) // 2], part[len(part) // 2 :]]
                    continue
                for i, e, m, d in zip(
                    page["ids"],
                    page["embeddings"],
                    page["metadatas"],
                    page["documents"],
                    strict=True,
                ):
                    found[i] = (np.asarray(e, dtype=np.float32), dict(m or {}), d or "")
        return found

    def all_ids(self, name: str) -> list[str]:
        with self.lock.shared():
            entry = self._entry(create=False)
            if entry is None:
                return []
            collection = entry.client.get_collection(name=name, embedding_function=None)
            found: list[str] = []
            offset = 0
            while True:
                page = collection.get(include=[], limit=5000, offset=offset)
                found += page["ids"]
                if len(page["ids"]) < 5000:
                    return found
                offset += 5000


def _clean(metadata: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata values must be str/int/float/bool; drop None."""
    return {
        k: (v.value if hasattr(v, "value") else v) for k, v in metadata.items() if v is not None
    }
