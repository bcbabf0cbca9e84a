"""`icp serve`: the local web page for people who will not open a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from agent.cli.app import app
from agent.cli.options import BaseUrl, Engine, Model, Workspace_, settings_from
from agent.errors import UsageError

err = Console(stderr=True)


@app.command()
def serve(
    workspace: Workspace_ = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (beyond loopback needs --token).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="ICP_SERVE_TOKEN",
            help="Access token the page asks for [env: ICP_SERVE_TOKEN; required off loopback]",
            show_envvar=False,
        ),
    ] = None,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", min=1, help="Largest upload per request, in MB.")
    ] = 200.0,
    draft_minutes: Annotated[
        float,
        typer.Option(
            "--draft-minutes",
            min=0.1,
            help="Longest a page draft may run (wall clock and CPU time) before it is stopped.",
        ),
    ] = 5.0,
    engine: Engine = None,
    model: Model = None,
    base_url: BaseUrl = None,
) -> None:
    """Serve a local web page: paste or drop research, read the draft ICP, ask questions."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            f"the web page needs the web extra ({exc.name} is missing): pip install 'icp-agent[web]'"
        ) from exc
    from agent.web.security import check_bind

    check_bind(host, token)
    from agent.embeddings import make_embedder
    from agent.store import Workspace
    from agent.web.app import create_app
    from agent.web.drafting import DraftLimits
    from agent.web.server import open_socket, url_of
    from agent.web.server import serve as run_server

    settings = settings_from(workspace=workspace, engine=engine, model=model, base_url=base_url)
    served: Path | None = settings.workspace if Workspace.exists(settings.workspace) else None
    if workspace is not None and served is None:
        raise UsageError(f"no workspace at {workspace}: run `icp ingest PATH...` first")
    sock = open_socket(host, port)
    web = create_app(
        settings,
        make_embedder(settings),
        workspace=served,
        host=host,
        token=token,
        max_upload_mb=max_upload_mb,
        draft_limits=DraftLimits(seconds=draft_minutes * 60, cpu_seconds=draft_minutes * 60),
    )
    where = f"workspace {served}" if served else "paste/drop drafts only (no workspace here)"
    err.print(f"icp-agent page on [bold]{url_of(sock, token)}[/] — {where}. Ctrl-C stops it.")
    err.file.flush()
    run_server(web, sock)
