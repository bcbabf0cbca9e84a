"""OpenAI (or compatible) embeddings through langchain-openai (see agent.embeddings): a module
of its own so that the local embedder, and `icp ask` with it, never import langchain."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import SecretStr

from agent.embeddings import _normalise
from agent.ingest.redaction import Redactor, outgoing_redactor

if TYPE_CHECKING:
    from agent.config import Settings


class OpenAIEmbedder(Embeddings):
    """OpenAI (or compatible) embeddings through langchain-openai. Every text is redacted
    before it is sent (`redactor`, unless redaction is off): whichever path embeds research
    text — chunks, evidence quotes, sentences of an answer — no PII leaves with it."""

    def __init__(self, settings: Settings, redactor: Redactor | None = None) -> None:
        from langchain_openai import OpenAIEmbeddings

        self.redactor = redactor if redactor is not None else outgoing_redactor(settings)

        self.name = f"openai-{settings.embedding_model}"
        self.dimension = 0  # known after the first call
        self._client = OpenAIEmbeddings(
            model=settings.embedding_model,
            openai_api_base=settings.base_url,
            openai_api_key=settings.api_key
            or SecretStr("not-needed"),  # local endpoints need no key
            request_timeout=settings.timeout,
            max_retries=settings.max_retries,
            check_embedding_ctx_length=False,
        )

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension or 1), dtype=np.float32)
        outgoing = [self.redactor(t) for t in texts] if self.redactor else list(texts)
        vectors = np.asarray(self._client.embed_documents(outgoing), dtype=np.float32)
        self.dimension = vectors.shape[1]
        return _normalise(vectors)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0].tolist()
