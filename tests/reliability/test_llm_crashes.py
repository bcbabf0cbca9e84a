"""Crashes on the LLM path (issue #14): `icp ask`/`icp chat` printed a traceback on a 429 or a
refused connection; `icp extract` intermittently died with "partially initialized module
'httpx' has no attribute 'Timeout'" (a package imported by two threads at once)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import REPO
from helpers import write
from support.mock_openai import MockOpenAI

QUESTION = "why do quotes take so long?"
INTERVIEW = (
    "Sam: How do quotes get built today?\n"
    "Dana: I run revenue ops at Brookfield Tooling. Honestly it's a mess, we rebuild every quote in Excel.\n"
    "Sam: What does that cost you?\n"
    "Dana: We lose about six hours a week reconciling quotes against the ERP, quotes take four days.\n"
)


@pytest.fixture
def workspace(icp, tmp_path):
    write(tmp_path / "r" / "brookfield.txt", INTERVIEW)
    root = tmp_path / "ws"
    assert icp("ingest", tmp_path / "r", "-w", root)[0] == 0
    return root


def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def mock(embedder):
    with MockOpenAI(embedder, timeout_delay=2.0) as server:
        yield server


def test_ask_rate_limited_after_retries_is_one_line_and_exit_1(icp, workspace, mock, monkeypatch):
    monkeypatch.setenv("ICP_BASE_URL", mock.base_url)
    monkeypatch.setenv("ICP_MAX_RETRIES", "1")
    mock.queue("429", "429")
    code, out, err = icp("ask", QUESTION, "-w", workspace)
    line = one_line_error(err)
    assert code == 1 and out == ""
    assert "rate-limiting (HTTP 429)" in line and mock.base_url in line


def test_ask_refused_connection_is_one_line_and_exit_1(icp, workspace, monkeypatch):
    monkeypatch.setenv("ICP_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("ICP_MAX_RETRIES", "0")
    code, _, err = icp("ask", QUESTION, "-w", workspace)
    assert code == 1
    assert "cannot reach the model endpoint http://127.0.0.1:9/v1" in one_line_error(err)


def test_ask_timeout_is_one_line_and_exit_1(icp, workspace, mock, monkeypatch):
    monkeypatch.setenv("ICP_BASE_URL", mock.base_url)
    monkeypatch.setenv("ICP_MAX_RETRIES", "0")
    monkeypatch.setenv("ICP_TIMEOUT", "0.5")
    mock.queue("timeout")
    code, _, err = icp("ask", QUESTION, "-w", workspace)
    assert code == 1
    assert "did not answer within" in one_line_error(err)


def test_chat_endpoint_failure_is_one_line_and_exit_1(icp, workspace, monkeypatch):
    monkeypatch.setenv("ICP_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("ICP_MAX_RETRIES", "0")
    code, _, err = icp("chat", "-w", workspace, stdin=QUESTION + "\n/quit\n")
    assert code == 1
    assert "cannot reach the model endpoint" in one_line_error(err)


# `icp extract` through the LLM path in a fresh interpreter that records every module imported
# outside the main thread. Two threads importing one package at once is the race behind
# "partially initialized module 'httpx'": after the fix no worker thread imports anything.
EXTRACT_WATCHING_IMPORTS = """
import sys, threading
from_threads = []
def watch(event, args):
    if event == "import" and threading.current_thread() is not threading.main_thread():
        from_threads.append(args[0])
sys.addaudithook(watch)
from agent.cli import run
code = run(["extract", "-w", sys.argv[1]])
print(code, sorted(set(from_threads)))
"""


def test_extract_imports_nothing_in_worker_threads(workspace, mock):
    env = {**os.environ, "PYTHONPATH": str(REPO), "ICP_BASE_URL": mock.base_url}
    env["ICP_CONCURRENCY"] = "4"
    done = subprocess.run(
        [sys.executable, "-c", EXTRACT_WATCHING_IMPORTS, str(workspace)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    code, _, imported = done.stdout.strip().splitlines()[-1].partition(" ")
    assert code == "0", done.stderr
    assert imported == "[]", f"imported by worker threads: {imported}"
    assert len(mock.chat_requests()) >= 1
