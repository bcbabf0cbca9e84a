"""Options shared by the commands, and the objects they build (settings, workspace, embedder).
The heavy modules (settings, store) are imported when a command runs, so `icp --help`,
`--version` and usage errors answer at once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from agent.config import Settings
    from agent.store import Workspace

Workspace_ = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        metavar="DIR",
        help="Workspace folder [env: ICP_WORKSPACE; default: ./.icp]",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
Engine = Annotated[
    str | None,
    typer.Option("--engine", metavar="ENGINE", help="offline | openai | auto [env: ICP_ENGINE]"),
]
Model = Annotated[
    str | None, typer.Option("--model", metavar="MODEL", help="Chat model [env: ICP_MODEL]")
]
BaseUrl = Annotated[
    str | None,
    typer.Option(
        "--base-url", metavar="URL", help="OpenAI-compatible endpoint [env: ICP_BASE_URL]"
    ),
]
ChromaUrl = Annotated[
    str | None,
    typer.Option(
        "--chroma-url",
        metavar="URL",
        help="Chroma server for team workspaces [env: ICP_CHROMA_URL]",
    ),
]
Embeddings = Annotated[
    str | None,
    typer.Option("--embeddings", metavar="KIND", help="local | openai [env: ICP_EMBEDDINGS]"),
]


def settings_from(**flags: Any) -> Settings:
    from agent.config import load_settings

    return load_settings(flags={k: v for k, v in flags.items() if v is not None})


def open_workspace(settings: Settings, must_exist: bool = False) -> Workspace:
    from agent.embeddings import make_embedder
    from agent.errors import UsageError
    from agent.store import Workspace

    if must_exist and not Workspace.exists(settings.workspace):
        raise UsageError(
            f"no workspace at {settings.workspace}: run `icp ingest PATH...` first (or pass --workspace)"
        )
    embedder = make_embedder(settings)
    return Workspace(settings.workspace, embedder.name, settings.chroma_url)


def workspace_flag(settings: Settings) -> str:
    """` -w DIR` when the workspace is not the default one, for the next-step hints."""
    default = Path(".icp")
    if settings.workspace in (default, default.resolve()):
        return ""
    shown = str(settings.workspace)
    return f" -w {shown if ' ' not in shown else repr(shown)}"
