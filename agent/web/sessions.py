"""Paste/drop drafts: each one a temp folder holding the uploads and a throwaway workspace,
built in a child process (agent.web.drafting: bounded in time and CPU, stopped at shutdown)
watched by a background thread with progress, and kept for the passage viewer and questions
until it expires or the server stops."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from agent.config import Settings
from agent.errors import ICPError
from agent.ingest.batch import FileResult
from agent.schema.icp import ICPDraft
from agent.store import Workspace
from agent.web.drafting import DraftJob, DraftLimits, DraftStopped, build_in_child
from agent.web.security import safe_filename

Step = Literal["queued", "ingesting", "extracting", "synthesizing", "done", "failed"]
IDLE_SECONDS = 2 * 3600
MAX_DRAFTS = 32
HISTORY_TURNS = 10


@dataclass
class Upload:
    name: str  # as the client sent it (shown, never used as a path)
    source: str  # the sanitised name the file was stored and ingested under
    path: Path


@dataclass
class Corpus:
    """A workspace the page reads: a draft's temp workspace or the served one. One reader
    at a time (the SQLite connection and Chroma client are shared)."""

    workspace: Workspace
    settings: Settings
    lock: threading.RLock = field(default_factory=threading.RLock)
    history: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def remember(self, owner: str, question: str, resolved: str) -> None:
        turns = self.history.setdefault(owner, [])
        turns.append((question, resolved))
        del turns[:-HISTORY_TURNS]


@dataclass
class DraftSession:
    id: str
    owner: str
    folder: Path
    corpus: Corpus
    uploads: list[Upload] = field(default_factory=list)
    pasted: str | None = None
    step: Step = "queued"
    files_total: int = 0
    files_done: int = 0
    results: list[FileResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    draft: ICPDraft | None = None
    error: str | None = None
    used_at: float = field(default_factory=time.monotonic)
    cancelled: threading.Event = field(default_factory=threading.Event)

    @property
    def finished(self) -> bool:
        return self.step in ("done", "failed")

    def progress(self) -> dict[str, Any]:
        by_source = {r.source: r for r in self.results}
        files = []
        for upload in self.uploads:
            result = by_source.pop(upload.source, None)
            files.append(_file_row(upload.name, upload.source, result))
        if self.pasted is not None:
            files.insert(
                0, _file_row("pasted text", "pasted text", by_source.pop("pasted text", None))
            )
        files += [_file_row(r.source, r.source, r) for r in by_source.values()]
        return {
            "id": self.id,
            "step": self.step,
            "finished": self.finished,
            "files_done": self.files_done,
            "files_total": self.files_total,
            "files": files,
            "error": self.error,
            "segments": len(self.draft.segments) if self.draft else None,
        }


def _file_row(name: str, source: str, result: FileResult | None) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "source": source, "status": "waiting", "error": None}
    if result is not None:
        row.update(
            status=result.status,
            error=result.error,
            kind=result.kind,
            documents=result.documents,
            accounts=result.accounts,
            warnings=result.warnings,
        )
    return row


class DraftStore:
    """The live drafts of one server; temp folders live under one root removed at shutdown."""

    def __init__(
        self,
        settings: Settings,
        embedder: Any,
        llm: Any = None,
        workers: int = 2,
        limits: DraftLimits | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.llm = llm
        self.limits = limits or DraftLimits()
        self._root: Path | None = None
        self._drafts: dict[str, DraftSession] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="icp-draft")

    @property
    def root(self) -> Path:
        """The server's temp folder, made on first use (never a path a client chose)."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="icp-web-"))
        return self._root

    def create(
        self, owner: str, pasted: str | None, files: list[tuple[str, IO[bytes]]]
    ) -> DraftSession:
        """Copy the uploads under safe names into a fresh folder and start the work."""
        self.expire()
        draft_id = secrets.token_urlsafe(16)
        folder = self.root / draft_id
        uploads: list[Upload] = []
        taken = {"pasted text"} if pasted is not None else set()
        for index, (name, data) in enumerate(files, start=1):
            source = safe_filename(name, index)
            if source in taken:  # each file keeps its own row and its own status
                stem, dot, suffix = source.rpartition(".")
                source = f"{stem}-{index}.{suffix}" if dot else f"{source}-{index}"
            taken.add(source)
            path = folder / "uploads" / str(index) / source  # one folder each: same names coexist
            path.parent.mkdir(parents=True)
            with path.open("wb") as out:
                shutil.copyfileobj(data, out)
            uploads.append(Upload(name=name, source=source, path=path))
        settings = self.settings.model_copy(update={"workspace": folder / "ws", "chroma_url": None})
        workspace = Workspace(folder / "ws", self.embedder.name)
        session = DraftSession(
            id=draft_id,
            owner=owner,
            folder=folder,
            corpus=Corpus(workspace, settings),
            uploads=uploads,
            pasted=pasted,
        )
        with self._lock:
            self._drafts[draft_id] = session
        self._pool.submit(self._build, session)
        return session

    def get(self, draft_id: str, owner: str) -> DraftSession | None:
        with self._lock:
            session = self._drafts.get(draft_id)
        if session is None or session.owner != owner:
            return None  # another browser's draft does not exist for this one
        session.used_at = time.monotonic()
        return session

    def discard(self, draft_id: str, owner: str) -> bool:
        session = self.get(draft_id, owner)
        if session is None or not session.finished:
            return False
        with self._lock:
            self._drafts.pop(draft_id, None)
        self._remove(session)
        return True

    def expire(self) -> None:
        """Drop idle finished drafts, and the oldest finished ones beyond MAX_DRAFTS."""
        now = time.monotonic()
        with self._lock:
            finished = sorted(
                (s for s in self._drafts.values() if s.finished), key=lambda s: s.used_at
            )
            excess = max(0, len(self._drafts) + 1 - MAX_DRAFTS)
            gone = [
                s for i, s in enumerate(finished) if i < excess or now - s.used_at > IDLE_SECONDS
            ]
            for session in gone:
                del self._drafts[session.id]
        for session in gone:
            self._remove(session)

    def close(self) -> None:
        """At shutdown: stop running drafts (their processes end at once), then remove every
        temp folder."""
        with self._lock:
            sessions, self._drafts = list(self._drafts.values()), {}
        for session in sessions:
            session.cancelled.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        for session in sessions:
            session.corpus.workspace.close()
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)

    def _remove(self, session: DraftSession) -> None:
        with session.corpus.lock:
            session.corpus.workspace.close()
        shutil.rmtree(session.folder, ignore_errors=True)

    def _build(self, session: DraftSession) -> None:
        corpus = session.corpus

        def on_event(kind: str, payload: Any) -> None:
            if kind == "step":
                session.step = payload
            elif kind == "total":
                session.files_total = payload
            elif kind == "missing":
                session.missing = payload
            elif kind == "file":
                result = FileResult(**payload)
                session.results.append(result)
                if result.status != "skipped":
                    session.files_done += 1

        job = DraftJob(
            folder=session.folder,
            paths=[str(u.path) for u in session.uploads],
            pasted=session.pasted,
            settings=corpus.settings,
            llm=self.llm,
        )
        try:
            data = build_in_child(job, self.limits, on_event, session.cancelled)
            session.draft = ICPDraft.model_validate_json(data)
            session.step = "done"
        except Exception as exc:  # the page shows it; the server keeps serving other drafts
            session.error = (
                str(exc)
                if isinstance(exc, ICPError | DraftStopped | RuntimeError)
                else f"{type(exc).__name__}: {exc}"
            )
            session.step = "failed"
