"""Running the app: the listening socket is opened first, so a busy port or a bad address is a
clear usage error, then uvicorn serves on it. SIGTERM or Ctrl-C stops it within seconds:
requests still running get 2 s, then the app's shutdown stops the drafts' processes and
removes their temp folders."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import sys
import tempfile
from pathlib import Path

from agent.errors import UsageError


def private_temp() -> Path:
    """Give this process a temp folder of its own, removed at exit (also after SIGTERM, which
    runs the exit hooks): some libraries leave files in the temp folder (the tokenizer's
    session file), and a stopped server should leave nothing behind."""
    folder = Path(tempfile.mkdtemp(prefix="icp-serve-"))
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # read TMPDIR again
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def open_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (try another --port)"
        ) from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket, token: str | None = None) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


GRACE_SECONDS = 2


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def serve(app: object, sock: socket.socket, log_config: dict | None = None) -> None:
    """Serve until SIGTERM or Ctrl-C; the app's shutdown stops the drafts and removes their
    temp folders. `log_config` (logging.dictConfig) replaces uvicorn's own, e.g. for
    `icp serve --json`."""
    import uvicorn

    from agent.llm import import_clients

    import_clients()  # before uvicorn's threads: no package is ever imported by two at once
    # uvicorn re-raises the signal it handled once it has shut down: make that a SystemExit
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, _exit_on_signal)
    logging_options: dict = (
        {"log_level": "warning"}
        if log_config is None
        else {"log_config": log_config, "log_level": "info"}
    )
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        lifespan="on",
        timeout_graceful_shutdown=GRACE_SECONDS,
        **logging_options,
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except SystemExit as stopped:
        # A request still running in a worker thread (a slow model call) must not hold the exit
        # (Python joins those threads first): run the exit hooks, which remove multiprocessing's
        # temp folder, and leave. Nothing here writes to a workspace: it is served read-only and
        # drafts are written by their own, already stopped, processes.
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(stopped.code if isinstance(stopped.code, int) else 1)
