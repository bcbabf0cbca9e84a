"""The web app served in-process on a free loopback port, and Debian's Chromium driven by
Playwright (a test tool's own browser download cannot be fetched here)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def running_server(app: Any, port: int = 0) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on 127.0.0.1:<port, default a free one>; yields
    the base URL (a second server on the same port is the same origin: a restart)."""
    import uvicorn

    from agent.web.server import open_socket, url_of

    sock = open_socket("127.0.0.1", port)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield url_of(sock).rstrip("/")
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()


@contextmanager
def chromium(user_data: Path, width: int = 1400, height: int = 1000) -> Iterator[Any]:
    """A Playwright browser context on /usr/bin/chromium with a fresh profile folder."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(user_data),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": width, "height": height},
        )
        try:
            yield context
        finally:
            context.close()
