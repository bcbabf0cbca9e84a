"""`icp serve` under load and abuse (issue #14): it ignored SIGTERM for minutes while a draft
was built, one 1 MB upload kept both cores busy for over 4 minutes, and a huge number in a URL
was a 500."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import REPO, SAMPLE
from fastapi.testclient import TestClient
from support.mock_openai import MockOpenAI

from agent.config import load_settings
from agent.web.app import create_app
from agent.web.drafting import DraftLimits
from agent.web.sessions import DraftStore

pytestmark = pytest.mark.slow
HUGE = "99999999999999999999999"


def big_paste(size: int) -> str:
    """Interview transcripts from the sample, repeated up to `size` characters."""
    text = "\n\n".join(
        p.read_text(encoding="utf-8") for p in sorted((SAMPLE / "transcripts").glob("*.txt"))
    )
    return ((text + "\n\n") * (size // len(text) + 1))[:size]


def processes_with(marker: str) -> list[int]:
    """Processes whose environment holds `marker` (the server's own TMPDIR): its children."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def serve(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """`icp serve` on a free port in its own process, as a user starts it."""
    return subprocess.Popen(
        [sys.executable, "-m", "agent", "serve", "--port", "0", *args],
        cwd=cwd,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )


def served_url(server: subprocess.Popen[str]) -> str:
    """The URL the server prints on its first line."""
    started = server.stderr.readline() if server.stderr else ""
    url = re.search(r"http://[^/\s]+/", started)
    assert url, started
    return url.group(0)


def test_sigterm_during_a_draft_stops_the_server_and_removes_its_temp_files(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    cache = tmp_path / "cache"  # where drafts are kept between runs of the server
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "TMPDIR": str(temp),
        "XDG_CACHE_HOME": str(cache),
    }
    server = serve(["--draft-minutes", "60"], env, tmp_path)
    try:
        with httpx.Client(base_url=served_url(server), timeout=120) as client:
            token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
            assert token
            created = client.post(
                "/api/drafts",
                data={"text": big_paste(600_000)},  # minutes of work on two cores
                headers={"X-CSRF-Token": token.group(1)},
            )
            assert created.status_code == 202, created.text
            status = created.json()["status_url"]
            for _ in range(600):
                step = client.get(status).json()["step"]
                if step not in ("queued",):
                    break
                time.sleep(0.2)
            assert step in ("ingesting", "extracting", "synthesizing"), step
        for _ in range(100):  # the draft's process has started (multiprocessing's temp folder)
            if list(temp.iterdir()):
                break
            time.sleep(0.1)
        assert list(temp.iterdir())
        server.send_signal(signal.SIGTERM)
        # the draft alone would run for minutes: stopping at all is the point, so no tight bound
        assert server.wait(timeout=60) == 128 + signal.SIGTERM
        assert list(temp.iterdir()) == []  # temp folders all gone
        # the draft's inputs are kept, unfinished, to be built again when it is next opened
        saved = [json.loads(p.read_text()) for p in cache.glob("icp-agent/drafts/*/draft.json")]
        assert len(saved) == 1 and saved[0]["step"] in ("ingesting", "extracting", "synthesizing")
        assert saved[0]["error"] is None
        for _ in range(100):  # the draft's process and the fork server exit with the server
            if not processes_with(f"TMPDIR={temp}"):
                break
            time.sleep(0.1)
        assert processes_with(f"TMPDIR={temp}") == []
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_sigterm_during_a_slow_model_call_still_stops_the_server(icp, tmp_path, embedder):
    research = tmp_path / "r"
    research.mkdir()
    (research / "brookfield.txt").write_text(
        "Sam: How do quotes get built today?\n"
        "Dana: I run revenue ops at Brookfield Tooling; quotes take four days to go out.\n",
        encoding="utf-8",
    )
    workspace = tmp_path / "ws"
    assert icp("ingest", research, "-w", workspace)[0] == 0
    temp = tmp_path / "tmp"
    temp.mkdir()
    with MockOpenAI(embedder, timeout_delay=120) as mock:
        mock.queue("timeout")  # the model takes two minutes to answer
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "TMPDIR": str(temp),
            "ICP_BASE_URL": mock.base_url,
            "ICP_TIMEOUT": "300",
            "ICP_MAX_RETRIES": "0",
        }
        server = serve(["-w", str(workspace)], env, tmp_path)
        try:
            client = httpx.Client(base_url=served_url(server), timeout=300)
            token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
            assert token

            def ask() -> None:
                with contextlib.suppress(httpx.HTTPError):  # the server goes away mid-answer
                    client.post(
                        "/api/workspace/ask",
                        json={"question": "how long do quotes take?"},
                        headers={"X-CSRF-Token": token.group(1)},
                    )

            asking = threading.Thread(target=ask, daemon=True)
            asking.start()
            for _ in range(600):
                if mock.chat_requests():
                    break
                time.sleep(0.1)
            assert mock.chat_requests(), "the question never reached the model"
            server.send_signal(signal.SIGTERM)
            # the model call alone would hold the process for two minutes
            assert server.wait(timeout=60) == 128 + signal.SIGTERM
            # ours are gone (Chroma's Rust client leaves a small `.ses` session file there)
            left = [p.name for p in temp.iterdir() if p.name.startswith(("icp-web-", "pymp-"))]
            assert left == []
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()


def wait_finished(store: DraftStore, draft_id: str) -> dict:
    for _ in range(3000):
        session = store.get(draft_id, "me")
        assert session is not None
        if session.finished:
            return session.progress()
        time.sleep(0.1)
    raise AssertionError("the draft never finished")


def test_a_draft_over_its_cpu_or_time_limit_is_stopped_and_the_user_told(tmp_path, embedder):
    settings = load_settings(flags={"workspace": tmp_path / "none"}, environ={})
    paste = big_paste(300_000)
    cpu = DraftStore(
        settings, embedder, root=tmp_path / "cpu", limits=DraftLimits(seconds=3600, cpu_seconds=2)
    )
    wall = DraftStore(
        settings, embedder, root=tmp_path / "wall", limits=DraftLimits(seconds=3, cpu_seconds=3600)
    )
    try:
        over_cpu = wait_finished(cpu, cpu.create("me", [paste], []).id)
        over_time = wait_finished(wall, wall.create("me", [paste], []).id)
    finally:
        cpu.close()
        wall.close()
    assert over_cpu["step"] == "failed" and "2 s of CPU" in over_cpu["error"]
    assert over_time["step"] == "failed" and "stopped after 3 s" in over_time["error"]
    for progress in (over_cpu, over_time):
        assert "icp ingest" in progress["error"]  # what to do instead
    # the outcome is kept with the inputs, so a reload shows the same message
    for root in (tmp_path / "cpu", tmp_path / "wall"):
        (saved,) = [json.loads(p.read_text()) for p in root.glob("*/draft.json")]
        assert saved["step"] == "failed" and "icp ingest" in saved["error"]


def test_huge_numbers_in_paths_are_4xx_never_500(copy_workspace, embedder):
    root = copy_workspace()
    app = create_app(load_settings(flags={"workspace": root}, environ={}), embedder, workspace=root)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        assert client.get("/").status_code == 200
        for path in (
            f"/api/workspace/versions/{HUGE}/view",
            f"/api/workspace/versions/{HUGE}/download.md",
            f"/api/workspace/versions/-{HUGE}/view",
            f"/api/workspace/diff?old={HUGE}&new=1",
            f"/api/workspace/passage?doc=abc&start=0&end={HUGE}",
            f"/api/drafts/{'x' * 500}",
        ):
            response = client.get(path)
            assert 400 <= response.status_code < 500, (path, response.status_code)
        assert client.get("/api/workspace/versions/1/view").status_code == 200
