"""Paste/drop drafts, kept on disk so they survive a page reload and a server restart.

Each draft is a folder under the drafts root (default `$XDG_CACHE_HOME/icp-agent/drafts`):
`draft.json` (who owns it, its inputs, its progress), `inputs/` (the pasted pieces and the
uploads as sent), `ws/` (its throwaway workspace) and `icp.json` once built. A draft is kept
for KEEP_DAYS after it was last opened, then removed; a build cut short by a restart is run
again from the saved inputs the next time the draft is opened.
Each build runs in a child process (agent.web.drafting: bounded in wall-clock and CPU time,
stopped at shutdown and cut short drafts resumed later)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from agent.config import Settings
from agent.errors import ICPError
from agent.ingest import research_check
from agent.ingest.batch import FileResult
from agent.ingest.paste_split import PastePiece, piece_names, split_paste
from agent.schema.icp import ICPDraft
from agent.store import Workspace
from agent.web.drafting import DraftJob, DraftLimits, DraftStopped, build_in_child
from agent.web.security import safe_filename

Step = Literal["queued", "ingesting", "extracting", "synthesizing", "done", "failed"]
KEEP_DAYS = 7
MAX_DRAFTS = 32
HISTORY_TURNS = 10
PASTED = "pasted text"
CHECKED_SUFFIXES = (".txt", ".md", ".markdown")  # text files the research check reads
NOT_RESEARCH = "nothing here looks like customer research, so no ICP was drafted"


def drafts_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "icp-agent" / "drafts"


@dataclass
class Upload:
    name: str  # as the client sent it (shown, never used as a path)
    source: str  # the sanitised name the file was stored and ingested under
    path: str  # relative to the draft folder
    pasted: bool = False


@dataclass
class Corpus:
    """A workspace the page reads: a draft's workspace or the served one. One reader
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
    settings: Settings
    embedder_name: str
    uploads: list[Upload] = field(default_factory=list)
    pasted: list[str] = field(default_factory=list)  # each box's text, as typed
    whole: list[int] = field(default_factory=list)  # boxes the user kept as one transcript
    rejected: list[dict[str, str]] = field(default_factory=list)  # {name, reason}
    step: Step = "queued"
    files_total: int = 0
    files_done: int = 0
    results: list[FileResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    draft: ICPDraft | None = None
    error: str | None = None
    created_at: float = field(default_factory=time.time)
    used_at: float = field(default_factory=time.time)
    workspace_name: str = "ws"  # a rebuild gets a fresh folder (Chroma caches clients by path)
    restarted: bool = False  # loaded unfinished after a restart, not yet resumed
    resumed: bool = False
    _corpus: Corpus | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)

    @property
    def finished(self) -> bool:
        return self.step in ("done", "failed")

    def corpus_settings(self) -> Settings:
        folder = self.folder / self.workspace_name
        return self.settings.model_copy(update={"workspace": folder, "chroma_url": None})

    @property
    def corpus(self) -> Corpus:
        """The draft's workspace, opened when first read (after a restart too)."""
        if self._corpus is None:
            settings = self.corpus_settings()
            self._corpus = Corpus(Workspace(settings.workspace, self.embedder_name), settings)
        return self._corpus

    def close(self) -> None:
        if self._corpus is not None:
            with self._corpus.lock:
                self._corpus.workspace.close()
            self._corpus = None

    def expires_at(self) -> float:
        return self.used_at + KEEP_DAYS * 86400

    def progress(self) -> dict[str, Any]:
        by_source = {r.source: r for r in self.results}
        left_out = {r["source"]: r["reason"] for r in self.rejected}
        files = []
        for upload in self.uploads:
            row = _file_row(
                upload.name, upload.source, by_source.pop(upload.source, None), upload.pasted
            )
            if upload.source in left_out:
                row.update(status="not research", error=left_out[upload.source])
            files.append(row)
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
            "expires_at": self.expires_at(),
            "keep_days": KEEP_DAYS,
            "resumed": self.resumed,
        }

    def inputs(self) -> dict[str, Any]:
        """What the user gave: the pasted texts (to refill the boxes) and the file names."""
        return {
            "pasted": self.pasted,
            "whole": self.whole,
            "files": [u.name for u in self.uploads if not u.pasted],
        }

    # -- on disk ------------------------------------------------------------------------
    def save(self) -> None:
        meta = {
            "id": self.id,
            "owner": self.owner,
            "uploads": [asdict(u) for u in self.uploads],
            "pasted": self.pasted,
            "whole": self.whole,
            "rejected": self.rejected,
            "step": self.step,
            "files_total": self.files_total,
            "files_done": self.files_done,
            "results": [r.as_dict() for r in self.results],
            "missing": self.missing,
            "error": self.error,
            "created_at": self.created_at,
            "used_at": self.used_at,
            "workspace_name": self.workspace_name,
        }
        temp = self.folder / "draft.json.tmp"
        temp.write_text(json.dumps(meta), encoding="utf-8")
        temp.replace(self.folder / "draft.json")
        if self.draft is not None and not (self.folder / "icp.json").exists():
            (self.folder / "icp.json").write_text(self.draft.model_dump_json(), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, settings: Settings, embedder_name: str) -> DraftSession | None:
        try:
            meta = json.loads((folder / "draft.json").read_text(encoding="utf-8"))
            session = cls(
                id=meta["id"],
                owner=meta["owner"],
                folder=folder,
                settings=settings,
                embedder_name=embedder_name,
                uploads=[Upload(**u) for u in meta["uploads"]],
                pasted=list(meta["pasted"]),
                whole=list(meta.get("whole", [])),
                rejected=list(meta.get("rejected", [])),
                step=meta["step"],
                files_total=meta["files_total"],
                files_done=meta["files_done"],
                results=[FileResult(**r) for r in meta["results"]],
                missing=meta["missing"],
                error=meta["error"],
                created_at=meta["created_at"],
                used_at=meta["used_at"],
                workspace_name=meta.get("workspace_name", "ws"),
            )
            if session.step == "done":
                session.draft = ICPDraft.model_validate_json(
                    (folder / "icp.json").read_text(encoding="utf-8")
                )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a half-written or foreign folder: not a draft this server can show
        return session


def _file_row(
    name: str, source: str, result: FileResult | None, pasted: bool = False
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": name,
        "source": source,
        "status": "waiting",
        "error": None,
        "pasted": pasted,
    }
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
    """The drafts of one server, on disk under `root` (made private to this user)."""

    def __init__(
        self,
        settings: Settings,
        embedder: Any,
        llm: Any = None,
        workers: int = 2,
        root: Path | None = None,
        limits: DraftLimits | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.llm = llm
        self.root = root or drafts_root()
        self.limits = limits or DraftLimits()
        self._drafts: dict[str, DraftSession] = {}
        self._lock = threading.RLock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="icp-draft")
        self._loaded = False

    def _load(self) -> None:
        """The drafts a previous run of the server left (once, when first needed)."""
        if self._loaded:
            return
        self._loaded = True
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and (folder / "draft.json").exists():
                session = DraftSession.load(folder, self.settings, self.embedder.name)
                if session is None:
                    continue
                if not session.finished:
                    session.restarted = True  # cut short by a restart: built again when opened
                self._drafts.setdefault(session.id, session)
        self.expire()

    def create(
        self,
        owner: str,
        pasted: list[str],
        files: list[tuple[str, IO[bytes]]],
        whole: list[int] | None = None,
    ) -> DraftSession:
        """Store the inputs under safe names in a fresh folder and start the work. Pasted
        text is split into its transcripts unless the user kept a box whole."""
        with self._lock:
            self._load()
        self.expire()
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        draft_id = secrets.token_urlsafe(16)
        folder = self.root / draft_id
        (folder / "inputs").mkdir(parents=True, mode=0o700)
        session = DraftSession(
            id=draft_id,
            owner=owner,
            folder=folder,
            settings=self.settings,
            embedder_name=self.embedder.name,
            pasted=list(pasted),
            whole=sorted(set(whole or [])),
        )
        index = 0
        taken: set[str] = set()

        def store(name: str, source: str, data: IO[bytes] | bytes, is_pasted: bool) -> None:
            nonlocal index
            index += 1
            if source in taken:  # each input keeps its own row and its own status
                stem, dot, suffix = source.rpartition(".")
                source = f"{stem}-{index}.{suffix}" if dot else f"{source}-{index}"
            taken.add(source)
            relative = Path("inputs") / str(index) / source
            path = folder / relative
            path.parent.mkdir(parents=True)
            with path.open("wb") as out:
                if isinstance(data, bytes):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out)
            session.uploads.append(Upload(name, source, str(relative), is_pasted))

        pieces: list[PastePiece] = []
        for box, text in enumerate(pasted):
            whole_box = box in session.whole
            pieces += [PastePiece(text, 0, len(text))] if whole_box else split_paste(text)
        if len(pieces) == 1:
            store(PASTED, PASTED, pieces[0].text.encode("utf-8"), True)
        else:
            for piece, name in zip(pieces, piece_names(pieces), strict=True):
                store(name, name, piece.text.encode("utf-8"), True)
        for position, (name, data) in enumerate(files, start=1):
            store(name, safe_filename(name, position), data, False)
        session.save()
        with self._lock:
            self._drafts[draft_id] = session
        self._pool.submit(self._build, session)
        return session

    def get(self, draft_id: str, owner: str) -> DraftSession | None:
        with self._lock:
            self._load()
            session = self._drafts.get(draft_id)
        if session is None or session.owner != owner:
            return None  # another browser's draft does not exist for this one
        session.used_at = time.time()
        if session.restarted:  # the server stopped mid-build: build again from the inputs
            session.restarted = False
            session.resumed = True
            session.step = "queued"
            self._pool.submit(self._build, session)
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
        """Drop drafts unopened for KEEP_DAYS, and the oldest finished ones beyond MAX_DRAFTS."""
        now = time.time()
        with self._lock:
            finished = sorted(
                (s for s in self._drafts.values() if s.finished), key=lambda s: s.used_at
            )
            excess = max(0, len(self._drafts) + 1 - MAX_DRAFTS)
            gone = [s for i, s in enumerate(finished) if i < excess or now > s.expires_at()]
            for session in gone:
                del self._drafts[session.id]
        for session in gone:
            self._remove(session)

    def close(self) -> None:
        """At shutdown: stop running drafts (their child processes end at once), close the
        workspaces and keep the folders (the next start shows them again; a draft cut short is
        built again from its saved inputs when it is opened)."""
        with self._lock:
            running = [s for s in self._drafts.values() if not s.finished]
        for session in running:
            session.cancelled.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            sessions = list(self._drafts.values())
        for session in sessions:
            if session.folder.exists():
                session.save()
            session.close()

    def _remove(self, session: DraftSession) -> None:
        session.close()
        shutil.rmtree(session.folder, ignore_errors=True)

    def _screen(self, session: DraftSession) -> list[Upload]:
        """Pasted pieces and dropped text files that are not research are left out, each
        with its reason; tables, subtitles and Word files go to their loaders as they are."""
        kept: list[Upload] = []
        session.rejected = []
        for upload in session.uploads:
            path = session.folder / upload.path
            if upload.pasted or path.suffix.lower() in CHECKED_SUFFIXES:
                text = path.read_bytes().decode("utf-8", errors="replace")
                if not text.strip():  # the loader says "empty" in its own words
                    kept.append(upload)
                    continue
                verdict = research_check.check(text)
                if not verdict.ok:
                    session.rejected.append(
                        {
                            "name": upload.name,
                            "source": upload.source,
                            "reason": verdict.message[:1].upper() + verdict.message[1:],
                        }
                    )
                    continue
            kept.append(upload)
        return kept

    def _build(self, session: DraftSession) -> None:
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
                session.files_done += 1  # every counted file, skipped ones (not research) too

        session.close()  # the child writes the workspace; this process reopens it afterwards
        if (session.folder / session.workspace_name).exists():  # a cut-short build starts over
            shutil.rmtree(session.folder / session.workspace_name, ignore_errors=True)
            session.workspace_name = f"ws-{secrets.token_hex(4)}"
        session.results, session.files_done, session.error, session.draft = [], 0, None, None
        try:
            session.step = "ingesting"
            uploads = self._screen(session)
            if not uploads:
                reason = (
                    f": {session.rejected[0]['reason'][:1].lower()}"
                    f"{session.rejected[0]['reason'][1:]}"
                    if len(session.rejected) == 1
                    else "."
                )
                session.error = NOT_RESEARCH[:1].upper() + NOT_RESEARCH[1:] + reason
                session.step = "failed"
                return
            stdin = [u for u in uploads if u.source == PASTED]
            job = DraftJob(
                folder=session.folder,
                workspace=session.workspace_name,
                paths=[str(session.folder / u.path) for u in uploads if u.source != PASTED],
                pasted=(session.folder / stdin[0].path).read_text(encoding="utf-8")
                if stdin
                else None,
                settings=session.corpus_settings(),
                llm=self.llm,
            )
            data = build_in_child(job, self.limits, on_event, session.cancelled)
            session.draft = ICPDraft.model_validate_json(data)
            session.step = "done"
        except Exception as exc:  # the page shows it; the server keeps serving other drafts
            session.error = (
                str(exc)
                if isinstance(exc, ICPError | DraftStopped)
                else f"Something went wrong while drafting ({exc})."
                if isinstance(exc, RuntimeError)
                else f"Something went wrong while drafting ({type(exc).__name__}: {exc})."
            )
            if session.cancelled.is_set():  # shut down mid-build: built again when next opened
                session.error = None
                session.restarted = True
            else:
                session.step = "failed"
        finally:
            if session.folder.exists():
                session.save()
