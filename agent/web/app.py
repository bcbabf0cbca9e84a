"""The FastAPI app: routes that hand requests to the core and its answers to the fragments.

Paste/drop drafts live in temp workspaces (agent.web.sessions); `workspace` is the folder served
read-only in workspace mode (sources, versions, diff, questions)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, StringConstraints
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from agent.config import Settings
from agent.errors import ICPError, ModelError, UsageError, WorkspaceError
from agent.ingest.paste_split import piece_names, split_paste
from agent.qa.models import Filters
from agent.render import to_html, to_markdown
from agent.schema.icp import ICPDraft
from agent.store import Workspace
from agent.synthesize import versions
from agent.web import evidence, icp_view, pages
from agent.web.drafting import DraftLimits
from agent.web.security import Guard, check_bind
from agent.web.sessions import KEEP_DAYS, Corpus, DraftSession, DraftStore

MAX_FILES = 200
# Numbers from the URL stay within what SQLite and the documents can hold: out of range is a
# 422 with the reason, never a 500 (an integer overflow in the catalog query).
MAX_NUMBER = 2**31 - 1
DocId = Annotated[str, Query(alias="doc", pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Offset = Annotated[int, Query(ge=0, le=MAX_NUMBER)]
VersionNumber = Annotated[int, PathParam(ge=1, le=MAX_NUMBER)]
VersionQuery = Annotated[int, Query(ge=1, le=MAX_NUMBER)]
DraftId = Annotated[str, PathParam(max_length=64)]
Format = Literal["md", "json", "html"]
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
STATUS = {UsageError: 400, WorkspaceError: 409, ModelError: 502}


class Question(BaseModel):
    # a question of blanks is none ("   " was answered "Not enough evidence" with passages)
    question: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ]
    filters: Filters | None = None


class Pasted(BaseModel):
    text: str = Field(max_length=50_000_000)


DRAFT_GONE = (
    "This draft is no longer here: it was discarded, or not opened for "
    f"{KEEP_DAYS} days. Paste your research again to make a new one."
)


@dataclass
class Served:
    settings: Settings
    embedder: Any
    llm: Any
    drafts: DraftStore
    workspace: Corpus | None
    max_file_bytes: int
    max_total_bytes: int


def create_app(
    settings: Settings,
    embedder: Any,
    workspace: Path | None = None,
    host: str = "127.0.0.1",
    token: str | None = None,
    max_upload_mb: float = 200.0,
    llm: Any = None,
    drafts_dir: Path | None = None,
    draft_limits: DraftLimits | None = None,
) -> FastAPI:
    """The page's app. `workspace`: an existing workspace folder to serve (read-only), or None.
    `drafts_dir`: where paste drafts are kept (default: the user's cache folder)."""
    check_bind(host, token)
    corpus = None
    if workspace is not None:
        corpus = Corpus(
            Workspace(workspace, embedder.name, settings.chroma_url),
            settings.model_copy(update={"workspace": workspace}),
        )
    served = Served(
        settings=settings,
        embedder=embedder,
        llm=llm,
        drafts=DraftStore(settings, embedder, llm, root=drafts_dir, limits=draft_limits),
        workspace=corpus,
        max_file_bytes=int(settings.max_file_mb * 1e6),
        max_total_bytes=int(max_upload_mb * 1e6),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from agent.qa.warm import warm_up

        await run_in_threadpool(warm_up, embedder, corpus.workspace if corpus else None)
        yield
        await run_in_threadpool(served.drafts.close)
        if served.workspace is not None:
            served.workspace.workspace.close()

    app = FastAPI(
        title="icp-agent", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.served = served
    app.add_middleware(
        Guard,
        host=host,
        token=token,
        max_upload=served.max_total_bytes,
    )

    @app.exception_handler(ICPError)
    async def icp_error(_request: Request, exc: ICPError) -> JSONResponse:
        status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
        message = str(exc)
        return JSONResponse({"detail": message[:1].upper() + message[1:]}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        """In words, not a list of pydantic errors."""
        problems = []
        for error in exc.errors():
            where = str(error.get("loc", ["", "input"])[-1]).replace("_", " ")
            problems.append(f"{where}: {str(error.get('msg', 'not valid')).lower()}")
        return JSONResponse(
            {"detail": "The request was not understood (" + "; ".join(problems) + ")."},
            status_code=422,
        )

    _page_routes(app, served)
    _draft_routes(app, served)
    _workspace_routes(app, served)
    return app


def _owner(request: Request) -> str:
    return str(request.state.browser_session)


def _document(draft: ICPDraft, fmt: Format, name: str) -> Response:
    """The downloads are the CLI's renderings (agent.render), as attachments."""
    if fmt == "json":
        text, media = draft.model_dump_json(indent=2), "application/json"
    elif fmt == "html":
        text, media = to_html(draft), "text/html; charset=utf-8"
    else:
        text, media = to_markdown(draft), "text/markdown; charset=utf-8"
    return Response(
        text,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{name}.{fmt}"'},
    )


def _passage(corpus: Corpus, doc_id: str, start: int, end: int) -> HTMLResponse:
    with corpus.lock:
        doc = corpus.workspace.catalog.document(doc_id)
    if doc is None:
        raise HTTPException(404, "This source is not in the workspace any more.")
    if not start < end <= len(doc.text):
        raise HTTPException(400, f"Characters {start} to {end} are outside this source.")
    return HTMLResponse(evidence.passage_html(doc, start, end))


def _ask(
    served: Served, corpus: Corpus, owner: str, body: Question, base: str, draft: Any = None
) -> dict[str, Any]:
    from agent.qa.answer import answer_question

    with corpus.lock:
        answer = answer_question(
            body.question,
            corpus.workspace,
            corpus.settings,
            served.embedder,
            llm=served.llm,
            filters=body.filters,
            history=list(corpus.history.get(owner, [])),
            draft=draft,  # a pasted draft is not saved as a version: ask about this one
        )
    corpus.remember(owner, body.question, answer.resolved_question)
    return {"answer": answer.model_dump(mode="json"), "html": evidence.answer_html(answer, base)}


def _page_routes(app: FastAPI, served: Served) -> None:
    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> str:
        settings = served.settings
        return pages.page(
            csrf=request.state.csrf_token,
            workspace=served.workspace.workspace.root if served.workspace else None,
            max_file_mb=settings.max_file_mb,
            max_total_mb=served.max_total_bytes / 1e6,
            engine=settings.effective_engine,
            external=settings.external_endpoint,
            keep_days=KEEP_DAYS,
        )

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC:  # a fixed list: no path ever comes from the request
            raise HTTPException(404, "not found")
        return Response(pages.static_file(name), media_type=STATIC[name])

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/api/session")
    def session(request: Request) -> dict[str, Any]:
        return {
            "csrf_token": request.state.csrf_token,
            "workspace": str(served.workspace.workspace.root) if served.workspace else None,
            "engine": served.settings.effective_engine,
            "max_file_mb": served.settings.max_file_mb,
            "max_upload_mb": served.max_total_bytes / 1e6,
            "keep_days": KEEP_DAYS,
        }


def _draft_routes(app: FastAPI, served: Served) -> None:
    def find(request: Request, draft_id: str, ready: bool = False) -> DraftSession:
        session = served.drafts.get(draft_id, _owner(request))
        if session is None:
            raise HTTPException(404, DRAFT_GONE)
        if ready and session.draft is None:
            raise HTTPException(
                409,
                "This draft could not be built: " + (session.error or "see the list of files.")
                if session.finished
                else f"This draft is still being built ({pages.STEPS.get(session.step, session.step).lower()}).",
            )
        return session

    @app.post("/api/drafts", status_code=202)
    async def create_draft(request: Request) -> JSONResponse:
        form = await request.form(
            max_files=MAX_FILES, max_fields=60, max_part_size=served.max_total_bytes
        )
        pasted: list[str] = []
        whole: list[int] = []
        for box, text in enumerate(form.getlist("text")):
            if not isinstance(text, str) or not text.strip():
                continue
            if len(text.encode()) > served.max_file_bytes:
                raise HTTPException(413, _over("pasted text", len(text.encode()), served))
            if str(box) in form.getlist("whole"):
                whole.append(len(pasted))
            pasted.append(text)
        files: list[tuple[str, Any]] = []
        for upload in form.getlist("files"):
            if not isinstance(upload, UploadFile):
                continue
            size = upload.size if upload.size is not None else len(await upload.read())
            if size > served.max_file_bytes:
                raise HTTPException(413, _over(upload.filename or "a file", size, served))
            await upload.seek(0)
            files.append((upload.filename or "", upload.file))
        if not pasted and not files:
            raise HTTPException(400, "Paste a transcript or choose at least one file.")
        session = await run_in_threadpool(
            served.drafts.create, _owner(request), pasted, files, whole
        )
        return JSONResponse(
            {
                "id": session.id,
                "status_url": f"/api/drafts/{session.id}",
                "files": [{"name": u.name, "source": u.source} for u in session.uploads],
            },
            status_code=202,
        )

    @app.get("/api/drafts/{draft_id}")
    def progress(request: Request, draft_id: DraftId) -> dict[str, Any]:
        state = find(request, draft_id).progress()
        return {**state, "html": pages.progress_html(state)}

    @app.get("/api/drafts/{draft_id}/inputs")
    def inputs(request: Request, draft_id: str) -> dict[str, Any]:
        """What the user pasted and dropped, to refill the page after a reload."""
        return find(request, draft_id).inputs()

    @app.post("/api/paste/split")
    def split(body: Pasted) -> dict[str, Any]:
        """How a paste would be split into transcripts, for the user to confirm."""
        pieces = split_paste(body.text)
        names = piece_names(pieces)
        return {
            "pieces": [
                {
                    "name": name,
                    "title": piece.title,
                    "reason": piece.reason,
                    "speakers": piece.speakers[:6],
                    "words": piece.words,
                    "first_line": next(
                        (line.strip() for line in piece.text.splitlines() if line.strip()), ""
                    )[:120],
                }
                for piece, name in zip(pieces, names, strict=True)
            ],
            "html": pages.split_html(pieces, names),
        }

    @app.get("/api/drafts/{draft_id}/view", response_class=HTMLResponse)
    def view(request: Request, draft_id: DraftId) -> str:
        session = find(request, draft_id, ready=True)
        assert session.draft is not None
        return icp_view.draft_html(session.draft, f"/api/drafts/{draft_id}", "icp-draft")

    @app.get("/api/drafts/{draft_id}/download.{fmt}")
    def download(request: Request, draft_id: DraftId, fmt: Format) -> Response:
        session = find(request, draft_id, ready=True)
        assert session.draft is not None
        return _document(session.draft, fmt, "icp-draft")

    @app.get("/api/drafts/{draft_id}/passage", response_class=HTMLResponse)
    def draft_passage(
        request: Request, draft_id: DraftId, doc_id: DocId, start: Offset, end: Offset
    ) -> HTMLResponse:
        return _passage(find(request, draft_id, ready=True).corpus, doc_id, start, end)

    @app.post("/api/drafts/{draft_id}/ask")
    def draft_ask(request: Request, draft_id: DraftId, body: Question) -> dict[str, Any]:
        session = find(request, draft_id, ready=True)
        return _ask(
            served,
            session.corpus,
            _owner(request),
            body,
            f"/api/drafts/{draft_id}",
            draft=session.draft,
        )

    @app.delete("/api/drafts/{draft_id}", status_code=204)
    def discard(request: Request, draft_id: DraftId) -> Response:
        if not served.drafts.discard(draft_id, _owner(request)):
            raise HTTPException(409, "This draft is still being built or is already gone.")
        return Response(status_code=204)


def _over(name: str, size: int, served: Served) -> str:
    return (
        f"{name} is {size / 1e6:.1f} MB, over the {served.max_file_bytes / 1e6:g} MB limit per file "
        "(ICP_MAX_FILE_MB sets it)."
    )


def _workspace_routes(app: FastAPI, served: Served) -> None:
    def corpus() -> Corpus:
        if served.workspace is None:
            raise HTTPException(
                404, "No workspace is open here: start the page with icp serve --workspace DIR."
            )
        return served.workspace

    def version(number: int) -> ICPDraft:
        ws = corpus()
        with ws.lock:
            if ws.workspace.catalog.version(number) is None:
                raise HTTPException(404, f"no ICP version v{number}")
            return versions.load(ws.workspace, number)

    @app.get("/api/workspace")
    def workspace_data() -> dict[str, Any]:
        ws = corpus()
        with ws.lock:
            files, rows = ws.workspace.catalog.files(), ws.workspace.catalog.versions()
        return {
            "root": str(ws.workspace.root),
            "sources": [f.__dict__ for f in files],
            "versions": [
                {"version": f"v{v}", "created_at": c, "fingerprint": f} for v, c, f in rows
            ],
        }

    @app.get("/api/workspace/view", response_class=HTMLResponse)
    def workspace_view() -> str:
        ws = corpus()
        with ws.lock:
            files, rows = ws.workspace.catalog.files(), ws.workspace.catalog.versions()
        return pages.workspace_html(ws.workspace.root, files, rows)

    @app.get("/api/workspace/versions/{number}/view", response_class=HTMLResponse)
    def version_view(number: VersionNumber) -> str:
        return icp_view.draft_html(
            version(number), f"/api/workspace/versions/{number}", f"icp-v{number}"
        )

    @app.get("/api/workspace/versions/{number}/download.{fmt}")
    def version_download(number: VersionNumber, fmt: Format) -> Response:
        return _document(version(number), fmt, f"icp-v{number}")

    @app.get("/api/workspace/diff")
    def diff(old: VersionQuery, new: VersionQuery) -> dict[str, Any]:
        result = versions.diff(version(old), version(new))
        return {"diff": result.model_dump(mode="json"), "html": pages.diff_html(result)}

    @app.get("/api/workspace/passage", response_class=HTMLResponse)
    @app.get("/api/workspace/versions/{number}/passage", response_class=HTMLResponse)
    def workspace_passage(doc_id: DocId, start: Offset, end: Offset) -> HTMLResponse:
        return _passage(corpus(), doc_id, start, end)

    @app.post("/api/workspace/ask")
    def workspace_ask(request: Request, body: Question) -> dict[str, Any]:
        return _ask(served, corpus(), _owner(request), body, "/api/workspace")
