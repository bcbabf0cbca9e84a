"""A paste/drop draft built in a child process: the server can stop it at once (SIGTERM,
Ctrl-C, shutdown) and bound it. Per draft: wall-clock seconds, CPU seconds (RLIMIT_CPU, so
the kernel stops it), one embedding thread and a lower priority, so one large upload cannot
hold both cores or the server. The child reports progress and the finished draft through a
pipe; the parent (a DraftStore worker thread) turns that into the session's state."""

from __future__ import annotations

import multiprocessing
import os
import resource
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.config import Settings

_POLL_SECONDS = 0.1
_KILL_GRACE_SECONDS = 1.0
# what the child imports once in the fork server (a single-threaded process it is forked from)
_PRELOAD = ["agent.web.drafting", "agent.ingest.batch", "agent.synthesize.runs", "chromadb"]


@dataclass(frozen=True)
class DraftLimits:
    """How much one draft may use before it is stopped and the user told."""

    seconds: float = 300.0  # wall clock
    cpu_seconds: float = 300.0  # CPU time of the child process (all its threads)
    threads: int = 1  # embedding threads in the child


@dataclass
class DraftJob:
    """Everything the child needs (it is pickled across the process boundary)."""

    folder: Path  # the draft's folder; the workspace is folder / workspace
    paths: list[str]
    pasted: str | None
    settings: Settings
    llm: Any = None
    workspace: str = "ws"


class DraftStopped(Exception):
    """The draft was stopped: cancelled, or over one of its limits (the message says which)."""


Event = Callable[[str, Any], None]


def build_in_child(
    job: DraftJob, limits: DraftLimits, on_event: Event, cancelled: threading.Event
) -> str:
    """Run the draft in a child process; returns the draft's JSON. Raises DraftStopped when it
    is cancelled or over a limit, RuntimeError with the child's message when it failed."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    receive, send = context.Pipe(duplex=False)
    # the child's own temp folder: whatever it (or a library in it) leaves there when it is
    # stopped mid-work is removed with the folder
    scratch = tempfile.mkdtemp(prefix="icp-draft-tmp-")
    child = context.Process(
        target=_child,
        args=(send, job, limits, {**os.environ, "TMPDIR": scratch}, os.getcwd()),
        name="icp-draft",
        daemon=True,
    )
    child.start()
    send.close()
    deadline = time.monotonic() + limits.seconds
    try:
        while True:
            if cancelled.is_set():
                raise DraftStopped("stopped: the server is shutting down")
            if time.monotonic() > deadline:
                raise DraftStopped(
                    f"stopped after {limits.seconds:.0f} s, the server's limit per draft: this "
                    "upload is too large for a page draft (split it, or use `icp ingest` and "
                    "`icp synthesize` in a terminal)"
                )
            if receive.poll(_POLL_SECONDS):
                try:
                    kind, payload = receive.recv()
                except EOFError:
                    break
                if kind == "done":
                    return str(payload)
                if kind == "failed":  # a reason for the user (an ICPError in the child)
                    from agent.errors import ICPError

                    raise ICPError(str(payload))
                if kind == "crashed":
                    raise RuntimeError(str(payload))
                on_event(kind, payload)
            elif not child.is_alive():
                break
        child.join(_KILL_GRACE_SECONDS)
        if child.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise DraftStopped(
                f"stopped after {limits.cpu_seconds:.0f} s of CPU, the server's limit per draft: "
                "this upload is too large for a page draft (split it, or use `icp ingest` and "
                "`icp synthesize` in a terminal)"
            )
        raise RuntimeError(f"the draft process ended unexpectedly (exit code {child.exitcode})")
    finally:
        _stop(child)
        receive.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _stop(child: Any) -> None:
    if child.is_alive():
        child.terminate()
        child.join(_KILL_GRACE_SECONDS)
    if child.is_alive():
        child.kill()
        child.join(_KILL_GRACE_SECONDS)


def _child(
    send: Any, job: DraftJob, limits: DraftLimits, environ: dict[str, str], cwd: str
) -> None:
    # the fork server started with an earlier environment: use the server's current one
    os.environ.clear()
    os.environ.update(environ)
    tempfile.tempdir = None  # read TMPDIR again: the draft's own temp folder
    os.chdir(cwd)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    cpu = max(1, int(limits.cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    os.nice(5)
    try:
        draft = _build(job, limits, lambda kind, payload: send.send((kind, payload)))
        send.send(("done", draft))
    except Exception as exc:
        from agent.errors import ICPError

        if isinstance(exc, ICPError):
            send.send(("failed", str(exc)))
        else:
            send.send(("crashed", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()


def _build(job: DraftJob, limits: DraftLimits, event: Event) -> str:
    from agent.embeddings import LocalEmbedder, make_embedder
    from agent.errors import ICPError
    from agent.ingest.batch import ingest_paths
    from agent.store import Workspace
    from agent.synthesize.runs import synthesize_workspace

    settings = job.settings
    embedder = (
        LocalEmbedder(threads=limits.threads)
        if settings.embeddings == "local"
        else make_embedder(settings)
    )
    workspace = Workspace(job.folder / job.workspace, embedder.name)
    try:
        event("step", "ingesting")
        report = ingest_paths(
            job.paths,
            workspace,
            embedder,
            settings,
            on_file=lambda result: event("file", result.as_dict()),
            on_total=lambda total: event("total", total),
            stdin_text=job.pasted,
        )
        event("missing", report.missing)
        if not any(r.status == "ingested" for r in report.results):
            raise ICPError("Nothing could be read, so there is nothing to draft from.")
        event("step", "extracting")
        draft, _, _ = synthesize_workspace(
            workspace,
            settings,
            embedder,
            save=False,
            on_extract=lambda _report: event("step", "synthesizing"),
            llm=job.llm,
        )
        return draft.model_dump_json()
    finally:
        workspace.close()
