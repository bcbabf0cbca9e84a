"""Read-only snapshots of a local workspace's Chroma collections, for exact search without Chroma.

Chroma stays the store: every write goes to it (agent.store.vectors). A snapshot is a copy of one
collection's ids, vectors and metadata as of one write generation of the workspace lock
(agent.store.lock), in `<workspace>/snapshots/<collection>-<token>.npy` (vectors)
and `.json` (ids and metadata columns, written last: its presence means the pair is complete).

A snapshot is used only while its token is the lock's current token and the process holds no
unreleased write, so it can never answer from stale data. Any write deletes the snapshot files
(agent.store.vectors) and moves the token; the writer, else the next reader, builds the new
generation, and a build removes older generations of its collection that a writer without
snapshots (an older release) left behind. What it buys:
- `icp ask` does not import or start Chroma (0.6–1 s of a command's wall time);
- search is exact (every vector is scored), so the same question ranks the same passages in every
  process; Chroma's small collections are re-indexed from their write log in each process and
  near-ties could rank differently from one run to the next.
Filters are Chroma `where` clauses; a clause this module does not evaluate ($contains, $gt, …)
returns None and the caller asks Chroma."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

FOLDER = "snapshots"
_PAGE = 5000
log = logging.getLogger(__name__)
_SHARED: dict[str, Snapshots] = {}
_SHARED_MUTEX = threading.Lock()


class Column:
    """One metadata key's values, coded once (code 0: the key is absent) so that a filter is
    one vectorised comparison, not a Python loop over 100,000 rows per query."""

    def __init__(self, values: list[Any]) -> None:
        self.code_of: dict[tuple[str, Any], int] = {}
        codes = np.zeros(len(values), dtype=np.int32)
        for row, value in enumerate(values):
            if value is not None:
                codes[row] = self.code_of.setdefault(_typed(value), len(self.code_of) + 1)
        self.codes = codes

    def isin(self, operands: list[Any]) -> np.ndarray:
        wanted = [self.code_of[k] for k in map(_typed, operands) if k in self.code_of]
        return np.isin(self.codes, np.asarray(wanted, dtype=np.int32))


def _typed(value: Any) -> tuple[str, Any]:
    """Chroma compares a bool only with a bool (True is not 1), a string with a string."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    return ("text", str(value))


@dataclass
class Snapshot:
    token: str
    ids: list[str]
    vectors: np.ndarray  # (n, dim) float32, as stored in Chroma
    norms: np.ndarray  # each row's length (no second copy of the rows: they may be 150 MB)
    columns: dict[str, list[Any]]  # metadata key -> value per row (None when absent)
    _positions: dict[str, int] | None = None
    _coded: dict[str, Column] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, record_id: str) -> int | None:
        if self._positions is None:
            self._positions = {r: i for i, r in enumerate(self.ids)}
        return self._positions.get(record_id)

    def column(self, key: str) -> Column:
        if key not in self._coded:
            self._coded[key] = Column(self.columns.get(key) or [None] * len(self.ids))
        return self._coded[key]

    def mask(self, where: dict[str, Any] | None) -> np.ndarray | None:
        """Rows that satisfy a Chroma `where` clause (None: a clause not evaluated here)."""
        if not where:
            return np.ones(len(self.ids), dtype=bool)
        return _mask(where, self)

    def query(
        self, vector: np.ndarray, limit: int, where: dict[str, Any] | None
    ) -> list[tuple[str, float, np.ndarray]] | None:
        """(id, cosine similarity, vector) best first; ties keep id order. None: ask Chroma."""
        keep = self.mask(where)
        if keep is None:
            return None
        query = np.asarray(vector, dtype=np.float32).ravel()
        norm = float(np.linalg.norm(query))
        if norm == 0.0:
            return None
        rows = np.flatnonzero(keep)
        if not len(rows) or limit <= 0:
            return []
        # every row in one product (a few ms at 100,000), then the filter: cheaper than
        # copying the kept rows out first
        scores = ((self.vectors @ (query / norm)) / self.norms)[rows]
        take = min(limit, len(rows))
        # scores equal to 5 decimals are a tie (one sentence stored as two kinds, or float
        # noise), kept in id order, also at the cut: every row as good as the last one taken
        # is sorted before the cut, so which of tied rows is kept never depends on the
        # partition's order (nor on ids, which hash the research folder's path)
        ranked = np.round(scores, 5)
        if take < len(rows):
            last = np.partition(-ranked, take - 1)[take - 1]
            best = np.flatnonzero(-ranked <= last)
        else:
            best = np.arange(len(rows))
        best = best[np.lexsort((rows[best], -ranked[best]))][:take]
        return [
            (self.ids[rows[b]], float(scores[b]), np.array(self.vectors[rows[b]])) for b in best
        ]

    def vectors_of(self, ids: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for record_id in ids:
            at = self.position(record_id)
            if at is not None:
                found[record_id] = np.array(self.vectors[at])
        return found


def _mask(where: dict[str, Any], snapshot: Snapshot) -> np.ndarray | None:
    if len(where) != 1:  # Chroma refuses several keys in one clause: let it say so
        return None
    ((key, condition),) = where.items()
    if key in ("$and", "$or"):
        parts = [_mask(c, snapshot) for c in condition]
        if not parts or any(p is None for p in parts):
            return None
        combine = np.logical_and if key == "$and" else np.logical_or
        return combine.reduce(parts)  # type: ignore[arg-type]
    if key.startswith("$"):
        return None
    if not isinstance(condition, dict):
        condition = {"$eq": condition}
    if len(condition) != 1:
        return None
    ((operator, operand),) = condition.items()
    column = snapshot.column(key)
    if operator in ("$eq", "$ne"):
        hit = column.isin([operand])
    elif operator in ("$in", "$nin") and isinstance(operand, (list, tuple)):
        hit = column.isin(list(operand))
    else:
        return None
    # as Chroma: $ne and $nin also keep the records that lack the key
    return hit if operator in ("$eq", "$in") else ~hit


# --- files ------------------------------------------------------------------------------------
def _paths(folder: Path, name: str, token: str) -> tuple[Path, Path]:
    return folder / f"{name}-{token}.npy", folder / f"{name}-{token}.json"


def load(folder: Path, name: str, token: str) -> Snapshot | None:
    vectors_path, index_path = _paths(folder, name, token)
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
        # read whole, not memory-mapped: a file cut short under a mapping kills the process
        vectors = np.load(vectors_path) if index["ids"] else _empty(index["dim"])
    except (OSError, ValueError, KeyError):  # missing, half-removed or damaged: build again
        return None
    if len(vectors) != len(index["ids"]) or index.get("token") != token:
        return None
    return _snapshot(token, index["ids"], np.asarray(vectors), index["columns"])


def _empty(dim: int) -> np.ndarray:
    return np.zeros((0, max(dim, 1)), dtype=np.float32)


def _snapshot(
    token: str, ids: list[str], vectors: np.ndarray, columns: dict[str, list[Any]]
) -> Snapshot:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True) if len(vectors) else np.ones((0, 1))
    lengths = np.where(norms == 0, 1.0, norms).ravel().astype(np.float32)
    return Snapshot(token, ids, vectors, lengths, columns)


def build(collection: Any, folder: Path, name: str, token: str) -> Snapshot:
    """Read a whole collection (None: it does not exist yet) and store its snapshot."""
    ids: list[str] = []
    vectors: list[np.ndarray] = []
    metadatas: list[dict[str, Any]] = []
    offset = 0
    while collection is not None:
        page = collection.get(include=["embeddings", "metadatas"], limit=_PAGE, offset=offset)
        ids += page["ids"]
        vectors += [np.asarray(e, dtype=np.float32) for e in page["embeddings"]]
        metadatas += [dict(m or {}) for m in page["metadatas"]]
        if len(page["ids"]) < _PAGE:
            break
        offset += _PAGE
    order = sorted(range(len(ids)), key=ids.__getitem__)  # one order in every process
    ids = [ids[i] for i in order]
    matrix = np.stack([vectors[i] for i in order]) if order else _empty(0)
    keys = sorted({k for m in metadatas for k in m})
    columns = {k: [metadatas[i].get(k) for i in order] for k in keys}
    try:
        _store(folder, name, token, ids, matrix, columns)
    except OSError as exc:  # a read-only workspace: this process searches its copy in memory
        log.info("search snapshot of %s kept in memory only: %s", name, exc)
    return _snapshot(token, ids, matrix, columns)


def _store(
    folder: Path,
    name: str,
    token: str,
    ids: list[str],
    matrix: np.ndarray,
    columns: dict[str, list[Any]],
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    vectors_path, index_path = _paths(folder, name, token)
    stamp = uuid.uuid4().hex
    if ids:
        tmp = folder / f".{vectors_path.name}.{stamp}.tmp"
        with tmp.open("wb") as handle:
            np.save(handle, np.ascontiguousarray(matrix, dtype=np.float32))
        os.replace(tmp, vectors_path)
    index = {"token": token, "dim": int(matrix.shape[1]), "ids": ids, "columns": columns}
    tmp = folder / f".{index_path.name}.{stamp}.tmp"
    tmp.write_text(json.dumps(index), encoding="utf-8")
    os.replace(tmp, index_path)  # last: the pair is complete
    own = re.compile(re.escape(name) + r"-([0-9a-f]{32})\.(?:npy|json)")
    for old in folder.glob(f"{name}-*"):
        match = own.fullmatch(old.name)
        if match and match.group(1) != token:  # an older generation of this collection
            old.unlink(missing_ok=True)


def snapshots_for(folder: Path) -> Snapshots:
    """The process's one cache of a workspace's snapshots (every Workspace object on it, e.g.
    the web server's per-request ones, shares the loaded copies)."""
    key = str(folder.resolve())
    with _SHARED_MUTEX:
        if key not in _SHARED:
            _SHARED[key] = Snapshots(folder)
        return _SHARED[key]


class Snapshots:
    """This process's snapshots of one workspace, by collection name (loaded once per token)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded: dict[str, Snapshot] = {}
        self._mutex = threading.Lock()

    def current(self, name: str, token: str | None) -> Snapshot | None:
        """The snapshot for `token`, from memory or disk (None: not built for this token)."""
        if not token:
            return None
        with self._mutex:
            held = self._loaded.get(name)
            if held is not None and held.token == token:
                return held
            found = load(self.folder, name, token)
            if found is not None:
                self._loaded[name] = found
            return found

    def keep(self, name: str, snapshot: Snapshot) -> None:
        with self._mutex:
            self._loaded[name] = snapshot

    def discard(self) -> None:
        """A write began (under the exclusive lock): every snapshot is out of date, on disk too
        (a forgotten file's names and ids do not outlive it in a copy)."""
        with self._mutex:
            self._loaded.clear()
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.is_file():
                    path.unlink(missing_ok=True)
