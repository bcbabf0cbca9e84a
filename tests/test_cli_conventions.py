"""CLI conventions (gh, uv, llm): usage errors are one line with exit 2 and a "did you mean",
help is plain with examples, NO_COLOR and pipes get no ANSI codes, progress and next steps on
stderr, `--json` on stdout parses, and an empty workspace is a clear exit 1."""

from __future__ import annotations

import http.client
import json
import os
import pty
import queue
import re
import secrets
import subprocess
import sys
import threading
import urllib.parse
from io import StringIO
from pathlib import Path

import pytest
from conftest import SAMPLE
from helpers import write
from rich.console import Console

from agent import __version__

ANSI = re.compile(r"\x1b\[")
PYTHON_TYPES = re.compile(r"<(list|str|int|float|bool|path|dict)\b[^>]*>")

INTERVIEW = (
    "Sam: Thanks for joining. How do quotes get built today?\n"
    "Dana: I run revenue ops at Brookfield Tooling, about 120 people. We rebuild every quote in Excel.\n"
    "Sam: What does that cost you?\n"
    "Dana: We lose about six hours a week reconciling quotes against the ERP.\n"
    "Sam: Who signs off on a purchase like this?\n"
    "Dana: Our CFO signs anything over twenty thousand.\n"
)
SECOND = (
    "Alex: What made you start looking?\n"
    "Priya: I lead sales ops at Ridgeline Hydraulics. Our quotes take four days because pricing lives in three spreadsheets.\n"
    "Alex: What happens when a quote is late?\n"
    "Priya: We lost two distributor deals last quarter to faster competitors.\n"
)


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


# Usage errors: exit 2, one line on stderr, nothing on stdout, never a traceback


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["sythesize"], "unknown command 'sythesize'; did you mean 'synthesize'?"),
        (["ingset", "notes/"], "did you mean 'ingest'?"),
        (
            ["synthesize", "--jsn"],
            "unknown option '--jsn' for 'icp synthesize'; did you mean '--json'?",
        ),
        (["ask", "--segmnt", "s1", "why?"], "did you mean '--segment'?"),
        (["ask"], "missing argument QUESTION (usage: icp ask [OPTIONS] QUESTION)"),
        (["ingest"], "missing argument PATH... (usage: icp ingest [OPTIONS] PATH...)"),
        (["ask", "why", "do", "deals", "stall"], "put a value that contains spaces in quotes"),
        (["ask", "  "], "the question is empty"),
        (["serve", "--port", "eighty"], "Invalid value for '--port'"),
        (["--bogus"], "unknown option '--bogus' for 'icp'"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(icp, args, expected):
    code, out, err = icp(*args)
    line = one_line(err)
    assert code == 2 and out == ""
    assert line.startswith("Error: ") and expected in line, line
    assert line.endswith("--help'.") and "Traceback" not in err


def test_unknown_command_without_a_close_match_lists_nothing_wrong(icp):
    code, _, err = icp("frobnicate")
    line = one_line(err)
    assert code == 2 and "unknown command 'frobnicate'" in line and "did you mean" not in line


def test_usage_error_in_a_real_process_has_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "agent", "sythesize"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert one_line(result.stderr).startswith("Error: unknown command 'sythesize'")


# Help, version, bare `icp`


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_flags(icp, flag):
    code, out, err = icp(flag)
    assert code == 0 and err == ""
    assert out.startswith("Usage: icp [OPTIONS] COMMAND [ARGS]...")
    assert "Commands:" in out and "Examples:" in out and "-V, --version" in out
    commands = re.findall(r"^  (\w+)  ", out.split("Commands:")[1], re.M)
    assert commands[:3] == ["ingest", "extract", "synthesize"]  # workflow order


def test_bare_icp_prints_the_help_and_exits_0(icp):
    code, out, err = icp()
    assert code == 0 and err == ""
    assert out.strip() == icp("--help")[1].strip()


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(icp, flag):
    code, out, err = icp(flag)
    assert code == 0 and err == "" and out.strip() == f"icp {__version__}"


def _commands() -> list[str]:
    from typer.main import get_command

    from agent.cli.app import _register, app

    _register()
    group = get_command(app)
    return group.list_commands(None)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_plain_help_with_examples(icp, name):
    code, out, err = icp(name, "-h")
    assert code == 0 and err == ""
    assert out.startswith(f"Usage: icp {name} [OPTIONS]")
    assert not PYTHON_TYPES.search(out), out
    assert "{" not in out.splitlines()[0]  # no typer-style {paths}
    examples = out.split("Examples:\n")[1].strip().splitlines()
    assert examples and all(re.search(rf"\bicp {name}\b", e) for e in examples)
    # What rich markup would swallow stays visible
    if "--workspace" in out:
        assert "[env: ICP_WORKSPACE; default:" in out


def test_subcommand_help_shows_metavars(icp):
    out = icp("ingest", "--help")[1]
    assert "Usage: icp ingest [OPTIONS] PATH..." in out
    assert re.search(r"-w, --workspace DIR\s", out) and re.search(r"^\s+--json\s", out, re.M)
    out = icp("diff", "--help")[1]
    assert "Usage: icp diff [OPTIONS] [OLD] [NEW]" in out


# Colour: none off a terminal, none with NO_COLOR, some on a plain terminal


def test_pipes_get_no_ansi_codes(icp):
    for args in (("config",), ("sythesize",), ("--help",)):
        _, out, err = icp(*args)
        assert not ANSI.search(out) and not ANSI.search(err), args


def _in_terminal(tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    """Run `icp` with stdin, stdout and stderr on a pseudo-terminal; (exit code, everything shown)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environ.update(TERM="xterm-256color", COLUMNS="120", **env)
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "agent", *args],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=tmp_path,
        env=environ,
    )
    os.close(terminal)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    return process.wait(timeout=120), shown.decode("utf-8", "replace")


def test_terminal_gets_colour_and_no_color_turns_it_off(tmp_path):
    code, shown = _in_terminal(tmp_path, "config")
    assert code == 0 and ANSI.search(shown), (
        "a terminal should get styles (else this test proves nothing)"
    )
    code, shown = _in_terminal(tmp_path, "config", NO_COLOR="1")
    assert code == 0 and "Effective settings" in shown and not ANSI.search(shown)
    code, shown = _in_terminal(tmp_path, "sythesize", NO_COLOR="1")
    assert code == 2 and "did you mean 'synthesize'" in shown and not ANSI.search(shown)


# Progress: a bar with counts and ETA on a terminal, plain lines otherwise


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_off_a_terminal_is_a_plain_line_per_tenth_with_eta():
    from agent.cli.progress import RunProgress

    stream, clock = StringIO(), FakeClock()
    console = Console(file=stream, width=200)
    with RunProgress(console, "Extracting", clock=clock) as progress:
        progress.set_total(20)
        for i in range(20):
            clock.now += 1.0
            progress.advance(f"doc{i}.txt")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10 and not ANSI.search(stream.getvalue())
    assert lines[0] == "Extracting: 2/20 documents, 0:00:02 elapsed, about 0:00:18 left"
    assert lines[4] == "Extracting: 10/20 documents, 0:00:10 elapsed, about 0:00:10 left"
    assert lines[-1] == "Extracting: 20/20 documents, 0:00:20 elapsed"


def test_progress_counts_llm_windows_and_takes_the_eta_from_them():
    from agent.cli.progress import RunProgress

    stream, clock = StringIO(), FakeClock()
    with RunProgress(Console(file=stream, width=200), "Extracting", clock=clock) as progress:
        progress.set_total(2)
        progress.windows(0, 8)
        clock.now = 30.0
        progress.windows(2, 8)
    first = stream.getvalue().splitlines()[0]
    assert first == "Extracting: 0/2 documents, 2/8 windows, 0:00:30 elapsed, about 0:01:30 left"


def test_progress_on_a_terminal_is_a_bar_and_json_mode_is_silent():
    from agent.cli.progress import RunProgress

    stream = StringIO()
    terminal = Console(file=stream, force_terminal=True, width=150)
    with RunProgress(terminal, "Extracting") as progress:
        assert progress.live
        progress.set_total(4)
        progress.windows(3, 12)
        progress.advance("a.txt")
        progress.advance("b.txt")
    shown = stream.getvalue()
    assert "2/4 documents, 3/12 windows" in shown and "ETA" in shown and "0:00:0" in shown
    quiet = StringIO()
    with RunProgress(Console(file=quiet), "Extracting", quiet=True) as progress:
        progress.set_total(3)
        progress.advance("a.txt")
    assert quiet.getvalue() == ""


# A whole run off a terminal: progress lines, next steps, --json


def test_ingest_and_synthesize_show_progress_lines_and_next_steps(icp, tmp_path):
    write(tmp_path / "research" / "brookfield.txt", INTERVIEW)
    write(tmp_path / "research" / "ridgeline.txt", SECOND)
    workspace = tmp_path / "ws"
    code, _, err = icp("ingest", tmp_path / "research", "-w", workspace)
    assert code == 0 and "Ingesting: 2/2 files" in err
    assert f"Next: icp synthesize -w {workspace} -o icp.html" in err
    code, out, err = icp("synthesize", "-w", workspace, "-o", tmp_path / "icp.md")
    assert code == 0 and out == ""
    assert "Extracting: 2/2 documents" in err and "elapsed" in err
    assert "Saved as v1." in err and f'Next: icp ask -w {workspace} "' in err
    assert not ANSI.search(err) and "━" not in err  # no bar, no spinner in a pipe
    code, out, err = icp("synthesize", "-w", workspace, "--json", "-o", tmp_path / "icp.html")
    data = json.loads(out)
    assert code == 0 and err == ""
    assert data["version"] == "v1" and data["created"] is False
    assert data["documents"] == 2 and data["segments"] == len(data["icp"]["segments"])
    assert data["out"] == str(tmp_path / "icp.html") and data["format"] == "html"
    assert (tmp_path / "icp.html").read_text().startswith("<!doctype html>")
    assert data["extraction"]["failed"] == 0


def test_extract_progress_counts_llm_windows(icp, tmp_path, embedder, monkeypatch):
    from support.mock_openai import MockOpenAI

    write(tmp_path / "research" / "brookfield.txt", INTERVIEW)
    assert icp("ingest", tmp_path / "research", "-w", tmp_path / "ws")[0] == 0
    with MockOpenAI(embedder) as mock:
        monkeypatch.setenv("ICP_BASE_URL", mock.base_url)
        code, _, err = icp("extract", "-w", tmp_path / "ws")
    assert code == 0 and re.search(r"^Extracting: 1/1 documents, (\d+)/\1 windows, ", err, re.M)
    assert "Next: icp synthesize" in err


def test_synthesize_json_with_a_format_and_no_file_is_a_usage_error(icp, tmp_path):
    code, out, err = icp("synthesize", "-w", tmp_path, "--json", "-f", "md")
    assert code == 2 and out == "" and "--out FILE" in one_line(err)


def test_draft_json(icp):
    code, out, err = icp("draft", "-", "--json", stdin=INTERVIEW)
    data = json.loads(out)
    assert code == 0 and data["ok"] is True and err == ""  # no spinner in a pipe
    assert data["inputs"][0]["status"] == "ingested" and data["icp"]["version"] is None
    assert data["icp"]["segments"] and data["out"] is None


def test_chat_json_lines(icp, sample_workspace):
    questions = "why do deals get lost?\n/clear\nhow many accounts mention lead times?\n"
    code, out, err = icp("chat", "-w", sample_workspace, "--json", stdin=questions)
    answers = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(answers) == 2
    assert answers[0]["question"] == "why do deals get lost?" and answers[0]["text"]
    assert all("citations" in a and "answered" in a for a in answers)
    assert "you>" not in out + err


def test_chat_reads_piped_questions_without_a_prompt(icp, sample_workspace):
    code, out, _ = icp("chat", "-w", sample_workspace, stdin="why do deals get lost?\n")
    assert code == 0 and "you>" not in out and re.search(r"^\s+\[1\] \S", out, re.M), out


def test_serve_json_logs(tmp_path):
    token = secrets.token_urlsafe()
    process = subprocess.Popen(
        [sys.executable, "-m", "agent", "serve", "--json", "--port", "0", "--token", token],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    events: list[dict] = []
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout], daemon=True
    )
    reader.start()

    def next_event() -> dict:
        try:
            line = lines.get(timeout=120)  # a guard against hanging, not a speed check
        except queue.Empty:
            raise AssertionError(f"no log line; got {events}") from None
        events.append(json.loads(line))
        return events[-1]

    try:
        listening = next_event()
        assert listening["event"] == "listening" and listening["url"].endswith(f"?token={token}")
        url = urllib.parse.urlsplit(listening["url"])
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        connection.request("GET", f"/?{url.query}")  # the link with the token: a cookie, then /
        status = connection.getresponse().status
        connection.close()
        while True:
            event = next_event()
            if event.get("event") == "request":
                break
        assert event["method"] == "GET" and event["status"] == status
        assert token not in event["path"] and "token=***" in event["path"]
    finally:
        process.terminate()
        process.wait(timeout=60)
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()
    assert all({"time", "level", "event"} <= set(e) for e in events)


# Nothing to synthesize: a clear message and exit 1, no "Saved as v1. 0 segments"


def test_synthesize_on_an_empty_workspace_exits_1(icp, tmp_path, embedder):
    from agent.store import Workspace

    folder = tmp_path / "empty"
    Workspace(folder, embedder.name).close()
    code, out, err = icp("synthesize", "-w", folder)
    line = one_line(err)
    assert code == 1 and out == ""
    assert "no research in the workspace" in line and "icp ingest" in line
    assert "Saved" not in err


def test_synthesize_with_only_crm_exports_exits_1(icp, tmp_path):
    folder = tmp_path / "ws"
    assert icp("ingest", SAMPLE / "crm", "-w", folder)[0] == 0
    code, out, err = icp("synthesize", "-w", folder, "--json")
    assert code == 1 and out == ""
    assert "only CRM exports" in one_line(err)


def test_synthesize_without_a_workspace_is_still_a_usage_error(icp, tmp_path):
    code, _, err = icp("synthesize", "-w", tmp_path / "nothing-here")
    assert code == 2 and "icp ingest" in one_line(err)
