"""Chroma collections of chunk and evidence vectors (local PersistentClient or a server).

Vectors are computed by our own embedder and passed in; Chroma's default embedding
function (which downloads a model at run time) is never used."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from agent.errors import WorkspaceError

_BATCH = 2000


def _client(path: Path, chroma_url: str | None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        parsed = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname or "localhost",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        except Exception as exc:  # chromadb raises plain exceptions for connection problems
            raise WorkspaceError(f"cannot reach the Chroma server at {chroma_url}: {exc}") from exc
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class VectorIndex:
    """One Chroma collection per (content, embedder): `chunks-<embedder>`, `evidence-<embedder>`."""

    def __init__(
        self, path: Path, embedder_name: str, chroma_url: str | None = None, prefix: str = ""
    ) -> None:
        self._client = _client(path, chroma_url)
        self._collections: dict[str, Any] = {}
        self.embedder_name = embedder_name
        self.prefix = prefix

    def collection(self, content: str) -> Any:
        if content not in self._collections:
            name = f"{self.prefix}{content}-{self.embedder_name}"
            self._collections[content] = self._client.get_or_create_collection(
                name=name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
        return self._collections[content]

    def upsert(
        self,
        content: str,
        ids: list[str],
        vectors: np.ndarray,
        metadatas: list[dict[str, Any]],
        documents: list[str],
    ) -> None:
        collection = self.collection(content)
        for begin in range(0, len(ids), _BATCH):
            end = begin + _BATCH
            collection.upsert(
                ids=ids[begin:end],
                embeddings=vectors[begin:end].tolist(),
                metadatas=[_clean(m) for m in metadatas[begin:end]],
                documents=documents[begin:end],
            )

    def delete_where(self, content: str, where: dict[str, Any]) -> None:
        self.collection(content).delete(where=where)

    def delete_ids(self, content: str, ids: list[str]) -> None:
        for begin in range(0, len(ids), _BATCH):
            self.collection(content).delete(ids=ids[begin : begin + _BATCH])

    def count(self, content: str) -> int:
        return self.collection(content).count()

    def ids(self, content: str) -> set[str]:
        collection = self.collection(content)
        found: set[str] = set()
        offset = 0
        while True:
            page = collection.get(include=[], limit=5000, offset=offset)
            found.update(page["ids"])
            if len(page["ids"]) < 5000:
                return found
            offset += 5000

    def query(
        self, content: str, vector: np.ndarray, limit: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float, np.ndarray]]:
        """(id, cosine similarity, vector) best first."""
        collection = self.collection(content)
        total = collection.count()
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
        for begin in range(0, len(ids), _BATCH):
            page = self.collection(content).get(
                ids=ids[begin : begin + _BATCH], include=["embeddings"]
            )
            for i, e in zip(page["ids"], page["embeddings"], strict=True):
                found[i] = np.asarray(e, dtype=np.float32)
        return found


def _clean(metadata: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata values must be str/int/float/bool; drop None."""
    return {
        k: (v.value if hasattr(v, "value") else v) for k, v in metadata.items() if v is not None
    }
