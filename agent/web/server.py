"""Running the app: the listening socket is opened first, so a busy port or a bad address is a
clear usage error, then uvicorn serves on it."""

from __future__ import annotations

import socket

from agent.errors import UsageError


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


def serve(app: object, sock: socket.socket, log_config: dict | None = None) -> None:
    """Serve until Ctrl-C; the app's shutdown removes the drafts' temp folders.
    `log_config` (logging.dictConfig) replaces uvicorn's own, e.g. for `icp serve --json`."""
    import uvicorn

    if log_config is None:
        config = uvicorn.Config(app, log_level="warning", lifespan="on")  # type: ignore[arg-type]
    else:
        config = uvicorn.Config(app, log_config=log_config, log_level="info", lifespan="on")  # type: ignore[arg-type]
    uvicorn.Server(config).run(sockets=[sock])
