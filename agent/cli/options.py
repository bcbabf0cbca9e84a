"""Options shared by the commands, and the objects they build (settings, workspace, embedder)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from agent.config import Settings, load_settings
from agent.errors import UsageError
from agent.store import Workspace

Workspace_ = Annotated[
    Path | None,
    typer.Option(
        "--workspace", "-w", help="Workspace folder [env: ICP_WORKSPACE; default: ./.icp]"
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
Engine = Annotated[
    str | None, typer.Option("--engine", help="offline | openai | auto [env: ICP_ENGINE]")
]
Model = Annotated[str | None, typer.Option("--model", help="Chat model [env: ICP_MODEL]")]
BaseUrl = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint [env: ICP_BASE_URL]")
]
ChromaUrl = Annotated[
    str | None,
    typer.Option("--chroma-url", help="Chroma server for team workspaces [env: ICP_CHROMA_URL]"),
]
Embeddings = Annotated[
    str | None, typer.Option("--embeddings", help="local | openai [env: ICP_EMBEDDINGS]")
]


def settings_from(**flags: Any) -> Settings:
    return load_settings(flags={k: v for k, v in flags.items() if v is not None})


def open_workspace(settings: Settings, must_exist: bool = False) -> Workspace:
    from agent.embeddings import make_embedder

    if must_exist and not Workspace.exists(settings.workspace):
        raise UsageError(
            f"no workspace at {settings.workspace}: run `icp ingest PATH...` first (or pass --workspace)"
        )
    embedder = make_embedder(settings)
    return Workspace(settings.workspace, embedder.name, settings.chroma_url)
