"""Loading what the first question would otherwise wait for — the embedding model, the
stemmer, the tool lexicon, the workspace's document index — once, when `icp chat` or the web
server starts, so every question is answered at warm speed."""

from __future__ import annotations

from typing import Any

from agent.store import Workspace


def warm_up(embedder: Any, workspace: Workspace | None = None) -> None:
    from agent.extract.lexicon import load_lexicon
    from agent.qa.terms import stem

    embedder.embed(["what made customers start looking?"])
    stem("customers")
    load_lexicon()
    if workspace is not None:
        from agent.qa.index import document_index

        document_index(workspace)
