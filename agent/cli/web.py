"""`icp serve`: the local web page for people who will not open a terminal."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from agent.cli.app import command
from agent.cli.console import err
from agent.cli.options import BaseUrl, Engine, Model, Workspace_, settings_from
from agent.errors import UsageError


@command(
    examples=[
        "icp serve                            # http://127.0.0.1:8765/",
        "icp serve -w ~/research/q3 --port 9000",
        'icp serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"',
        "icp serve --json | jq 'select(.event == \"request\")'",
    ]
)
def serve(
    workspace: Workspace_ = None,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="HOST",
            help="Address to listen on (beyond loopback needs --token).",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", min=0, max=65535, help="Port.")
    ] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            metavar="TOKEN",
            envvar="ICP_SERVE_TOKEN",
            help="Access token the page asks for [env: ICP_SERVE_TOKEN; required off loopback]",
            show_envvar=False,
        ),
    ] = None,
    max_upload_mb: Annotated[
        float,
        typer.Option(
            "--max-upload-mb", metavar="MB", min=1, help="Largest upload per request, in MB."
        ),
    ] = 200.0,
    draft_minutes: Annotated[
        float,
        typer.Option(
            "--draft-minutes",
            metavar="MINUTES",
            min=0.1,
            help="Longest a page draft may run (wall clock and CPU time) before it is stopped.",
        ),
    ] = 5.0,
    engine: Engine = None,
    model: Model = None,
    base_url: BaseUrl = None,
    json_out: Annotated[
        bool,
        typer.Option("--json", help="Logs as JSON lines on stdout (start, requests, errors)."),
    ] = False,
) -> None:
    """Serve the local web page.

    Paste or drop research, read the draft ICP, ask questions: for people who will not open a
    terminal."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            f"the web page needs the web extra ({exc.name} is missing): pip install 'icp-agent[web]'"
        ) from exc
    from agent.web.security import check_bind

    check_bind(host, token)
    from agent.web.server import private_temp

    private_temp()  # what libraries leave in the temp folder goes when the server stops
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
    if json_out:
        _log_line(
            {
                "event": "listening",
                "url": url_of(sock, token),
                "workspace": str(served) if served else None,
            }
        )
        run_server(web, sock, log_config=JSON_LOGS)
        return
    where = f"workspace {served}" if served else "paste/drop drafts only (no workspace here)"
    err.print(
        f"icp-agent page on [bold]{url_of(sock, token)}[/] — {where}. Ctrl-C stops it.",
        soft_wrap=True,
    )
    err.file.flush()
    run_server(web, sock)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _log_line(entry: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps({"time": _now(), "level": "info", **entry}) + "\n")
    sys.stdout.flush()


_TOKEN = re.compile(r"(?<=[?&]token=)[^&#]*")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per log record; uvicorn's access records become `request` events, with
    the access token masked in the path."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _now(),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        args = record.args
        if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) == 5:
            client, method, path, _http, status = args
            entry.update(
                event="request",
                method=method,
                path=_TOKEN.sub("***", str(path)),
                status=status,
                client=client,
            )
        else:
            entry.update(event="log", message=record.getMessage())
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


JSON_LOGS: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JsonLogFormatter}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "loggers": {
        name: {"handlers": ["stdout"], "level": "INFO", "propagate": False}
        for name in ("uvicorn", "uvicorn.access", "agent")
    },
}
