"""The web page's HTTP API (`icp serve`): paste and upload drafts with progress, downloads,
the passage viewer, questions, workspace mode, and the security rules (bind, access token,
CSRF, Host/Origin, size caps, file names, escaping)."""

from __future__ import annotations

import html
import io
import json
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from agent.config import Settings, load_settings
from agent.errors import UsageError
from agent.schema.icp import ICPDraft
from agent.web.app import create_app
from agent.web.security import check_bind, safe_filename

BASE = "http://127.0.0.1:8765"
SCRIPT = '<script>alert("xss")</script>'
TRANSCRIPT = (
    "Sam (Interviewer): Thanks for joining. What do you do at Brookfield Tooling?\n"
    "Dana Whitfield (RevOps lead): I run revenue ops at Brookfield Tooling, about 420 people; we use Salesforce and Epicor.\n"
    "Sam (Interviewer): What is hardest about quoting today?\n"
    f"Dana Whitfield (RevOps lead): We lose about six hours a week reconciling quotes against the ERP. {SCRIPT} It is a mess.\n"
    "Dana Whitfield (RevOps lead): Quotes take four or five days to get out the door, and we lose deals because of that delay.\n"
    "Sam (Interviewer): What made you start looking for a tool?\n"
    "Dana Whitfield (RevOps lead): We hired a new VP of Sales and he asked for quote win rates by product line, and I could not give them to him.\n"
    "Sam (Interviewer): Who signed off on the purchase?\n"
    "Dana Whitfield (RevOps lead): Our CFO signed the contract after the VP of Sales championed it.\n"
)
SUBTITLES = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Priya Nair>We spend two days a week chasing approvals for every discount.\n\n"
    "00:00:05.000 --> 00:00:08.000\n<v Priya Nair>Our quoting lives in spreadsheets and email, it is slow.\n"
)
QUESTION = "How much time do they lose reconciling quotes?"


def settings_for(tmp: Path, **overrides: object) -> Settings:
    settings = load_settings(
        flags={"workspace": tmp / "none"}, environ={}, dotenv_path=tmp / ".env"
    )
    return settings.model_copy(update=overrides)


def client_for(app) -> TestClient:
    return TestClient(app, base_url=BASE)


def csrf(client: TestClient) -> dict[str, str]:
    page = client.get("/")
    assert page.status_code == 200
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert token and client.get("/api/session").json()["csrf_token"] == token.group(1)
    return {"X-CSRF-Token": token.group(1)}


def wait_for(client: TestClient, draft_id: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    steps = []
    while time.monotonic() < deadline:
        progress = client.get(f"/api/drafts/{draft_id}").json()
        steps.append(progress["step"])
        if progress["finished"]:
            progress["steps"] = steps
            return progress
        time.sleep(0.2)
    raise AssertionError(f"draft not finished after {seconds}s: {steps[-5:]}")


def passage_links(fragment: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'data-src="([^"]+)"', fragment)]


@pytest.fixture(scope="module")
def pasted(embedder, tmp_path_factory):
    """One paste draft shared by the tests that only read it."""
    app = create_app(settings_for(tmp_path_factory.mktemp("web")), embedder)
    with client_for(app) as client:
        headers = csrf(client)
        created = client.post("/api/drafts", data={"text": TRANSCRIPT}, headers=headers)
        assert created.status_code == 202, created.text
        draft_id = created.json()["id"]
        progress = wait_for(client, draft_id)
        yield client, headers, draft_id, progress


def test_paste_progress_then_draft_and_downloads(pasted):
    client, _, draft_id, progress = pasted
    assert progress["step"] == "done", progress
    assert progress["files"][0]["name"] == "pasted text"
    assert progress["files"][0]["status"] == "ingested"
    assert "Brookfield Tooling" in progress["files"][0]["accounts"]
    assert {"ingesting", "extracting"} & set(progress["steps"]) or progress["steps"] == ["done"]
    assert "Done" in progress["html"]

    view = client.get(f"/api/drafts/{draft_id}/view")
    assert view.status_code == 200 and view.headers["content-type"].startswith("text/html")
    page = view.text
    assert 'class="badge badge-hypothesis"' in page and 'class="hypothesis"' in page
    assert "Pains, ranked by how many accounts feel them" in page
    assert re.search(r'<span class="tag">1 account</span>', page)
    assert "Negative ICP" in page and "Scorecard (100 points)" in page
    # the same content as the downloads: contents, glance, ideal of the ideal, PMF, charts
    for part in ('<nav class="toc"', "Segments at a glance", "The ideal of the ideal",
                 "Product-market fit survey", "<svg "):  # fmt: skip
        assert part in page
    at = page.find(SCRIPT)
    assert at < 0, page[max(0, at - 400) : at + 100]
    # the pasted <script> never reaches the page as markup (escaped where it is quoted)

    downloads = {
        fmt: client.get(f"/api/drafts/{draft_id}/download.{fmt}") for fmt in ("md", "json", "html")
    }
    for fmt, response in downloads.items():
        assert response.status_code == 200
        assert response.headers["content-disposition"] == f'attachment; filename="icp-draft.{fmt}"'
    draft = ICPDraft.model_validate_json(downloads["json"].text)
    assert draft.version is None and draft.segments
    assert downloads["md"].text.startswith("# Ideal Customer Profile")
    assert downloads["html"].text.startswith("<!doctype html>")
    assert SCRIPT not in downloads["html"].text


def quotes_with_links(fragment: str) -> list[tuple[str, str]]:
    """(passage link, quote text) of every expandable quote in a fragment."""
    pairs = re.findall(
        r'<details class="quote" data-src="([^"]+)"><summary>.*?<q>(.*?)</q>', fragment, re.S
    )
    return [(html.unescape(link), html.unescape(quote)) for link, quote in pairs]


def test_passage_shows_the_quote_highlighted_and_escaped(pasted):
    client, _, draft_id, _ = pasted
    quotes = quotes_with_links(client.get(f"/api/drafts/{draft_id}/view").text)
    assert quotes and all(link.startswith(f"/api/drafts/{draft_id}/passage?") for link, _ in quotes)
    shown = [client.get(link) for link, _ in quotes]
    assert all(r.status_code == 200 for r in shown)
    with_script = [r.text for r in shown if "alert" in r.text]
    assert with_script, "a passage around the pasted <script> line"
    for fragment in with_script:
        assert "<script" not in fragment
        assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in fragment
    for (_, quote), response in zip(quotes, shown, strict=True):
        highlighted = re.search(r"<mark>(.*?)</mark>", response.text, re.S)
        assert highlighted and html.unescape(highlighted.group(1)) == quote
        assert "pasted text" in response.text  # the source is named above the passage


def test_passage_rejects_bad_spans_and_unknown_documents(pasted):
    client, _, draft_id, _ = pasted
    link = passage_links(client.get(f"/api/drafts/{draft_id}/view").text)[0]
    doc = parse_qs(urlsplit(link).query)["doc"][0]
    base = f"/api/drafts/{draft_id}/passage"
    assert client.get(base, params={"doc": doc, "start": 5, "end": 10**6}).status_code == 400
    assert client.get(base, params={"doc": "f" * 20, "start": 0, "end": 5}).status_code == 404
    assert client.get(base, params={"doc": "../x", "start": 0, "end": 5}).status_code == 422


def test_chat_citations_open_the_cited_passages(pasted):
    client, headers, draft_id, _ = pasted
    response = client.post(
        f"/api/drafts/{draft_id}/ask", json={"question": QUESTION}, headers=headers
    )
    assert response.status_code == 200, response.text
    answer = response.json()["answer"]
    assert answer["answered"] and answer["citations"]
    fragment = response.json()["html"]
    for citation in answer["citations"]:
        assert f'data-n="{citation["number"]}">[{citation["number"]}]</a>' in fragment
    links = passage_links(fragment)
    assert len(links) == len(answer["citations"])
    for citation, link in zip(answer["citations"], links, strict=True):
        query = parse_qs(urlsplit(link).query)
        assert query["doc"] == [citation["doc_id"]]
        passage = client.get(link)
        assert passage.status_code == 200
        marked = re.search(r"<mark>(.*?)</mark>", passage.text, re.S)
        assert marked and html.unescape(marked.group(1)) == citation["quote"]
    follow_up = client.post(
        f"/api/drafts/{draft_id}/ask",
        json={"question": "and what about their CFO?"},
        headers=headers,
    )
    assert follow_up.status_code == 200
    for blank in ("", "   "):
        assert (
            client.post(
                f"/api/drafts/{draft_id}/ask", json={"question": blank}, headers=headers
            ).status_code
            == 422
        )


def test_another_browser_cannot_see_the_draft(pasted, embedder, tmp_path):
    client, _, draft_id, _ = pasted
    stranger = TestClient(client.app, base_url=BASE)
    assert stranger.get(f"/api/drafts/{draft_id}").status_code == 404
    assert stranger.get(f"/api/drafts/{draft_id}/download.json").status_code == 404


def test_files_one_bad_file_is_reported_next_to_it_and_the_rest_is_drafted(embedder, tmp_path):
    app = create_app(settings_for(tmp_path), embedder)
    with client_for(app) as client:
        headers = csrf(client)
        files = [
            ("files", ("keystone-call.txt", TRANSCRIPT.encode(), "text/plain")),
            ("files", ("priya.vtt", SUBTITLES.encode(), "text/vtt")),
            ("files", ("crm.xlsx", b"this is not a spreadsheet", "application/octet-stream")),
            ("files", ("slides.pdf", b"%PDF-1.4", "application/pdf")),
            ("files", ("empty.md", b"   ", "text/markdown")),
        ]
        created = client.post("/api/drafts", files=files, headers=headers)
        assert created.status_code == 202, created.text
        progress = wait_for(client, created.json()["id"])
        assert progress["step"] == "done", (progress.get("error"), progress.get("files"))
        rows = {row["name"]: row for row in progress["files"]}
        assert rows["keystone-call.txt"]["status"] == "ingested"
        assert rows["priya.vtt"]["status"] == "ingested"
        assert rows["crm.xlsx"]["status"] == "failed" and "Excel" in rows["crm.xlsx"]["error"]
        assert (
            rows["slides.pdf"]["status"] == "failed"
            and "unsupported" in rows["slides.pdf"]["error"]
        )
        assert rows["empty.md"]["status"] == "failed" and "empty" in rows["empty.md"]["error"]
        # in the page, each error sits in the row of its file
        for name in ("crm.xlsx", "slides.pdf", "empty.md"):
            row = re.search(
                rf'<li class="file bad" data-source="{re.escape(name)}"[^>]*>(.*?)</li>',
                progress["html"],
            )
            assert row and html.escape(rows[name]["error"]) in row.group(1)
        draft = client.get(f"/api/drafts/{created.json()['id']}/download.json").json()
        assert draft["corpus"]["files"] == 2


def test_nothing_readable_fails_with_a_reason(embedder, tmp_path):
    app = create_app(settings_for(tmp_path), embedder)
    with client_for(app) as client:
        headers = csrf(client)
        created = client.post(
            "/api/drafts", files=[("files", ("a.pdf", b"x", "application/pdf"))], headers=headers
        )
        progress = wait_for(client, created.json()["id"])
        assert progress["step"] == "failed" and "Nothing could be read" in progress["error"]
        assert client.get(f"/api/drafts/{created.json()['id']}/view").status_code == 409
        assert client.post("/api/drafts", data={"text": "  "}, headers=headers).status_code == 400


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\Windows\\notes.MD", "notes.md"),
        ("/abs/path/call.vtt", "call.vtt"),
        ("..", "upload-3"),
        (".hidden.txt", "hidden.txt"),
        ("a<b>|c:d.txt", "a_b_c_d.txt"),
        ("", "upload-3"),
    ],
)
def test_safe_filename(given, expected):
    assert safe_filename(given, 3) == expected


def test_path_traversal_in_an_upload_name_stays_in_the_server_temp_folder(embedder, tmp_path):
    app = create_app(settings_for(tmp_path), embedder)
    store = app.state.served.drafts
    with client_for(app) as client:
        headers = csrf(client)
        evil = "../../../../" + str(tmp_path / "owned.txt").lstrip("/")
        files = [
            ("files", (evil, TRANSCRIPT.encode(), "text/plain")),
            (
                "files",
                (
                    "notes/call.txt",
                    b"Priya: our approvals take two days a week and we lose deals over it.\n",
                    "text/plain",
                ),
            ),
            (
                "files",
                (
                    "other\\call.txt",
                    b"Lee: our quotes live in email and we lose track of them all the time.\n",
                    "text/plain",
                ),
            ),
        ]
        created = client.post("/api/drafts", files=files, headers=headers)
        assert created.status_code == 202
        assert created.json()["files"] == [
            {"name": evil, "source": "owned.txt"},
            {"name": "notes/call.txt", "source": "call.txt"},
            {"name": "other\\call.txt", "source": "call-3.txt"},  # same name: its own row
        ]
        progress = wait_for(client, created.json()["id"])
        assert [row["status"] for row in progress["files"]] == ["ingested"] * 3
        assert not (tmp_path / "owned.txt").exists()
        stored = list(store.root.rglob("owned.txt"))
        assert len(stored) == 1 and stored[0].resolve().is_relative_to(store.root.resolve())
        root = store.root
    # drafts outlive the server (a restart loses nothing) in a folder only this user can read
    assert root.exists() and root.stat().st_mode & 0o077 == 0


def test_oversize_uploads_are_refused_with_413(embedder, tmp_path):
    app = create_app(settings_for(tmp_path, max_file_mb=0.01), embedder, max_upload_mb=1)
    with client_for(app) as client:
        headers = csrf(client)
        big = b"Dana: quotes are slow.\n" * 1000  # 23 kB > 10 kB per file
        one = client.post(
            "/api/drafts", files=[("files", ("big.txt", big, "text/plain"))], headers=headers
        )
        assert one.status_code == 413 and "big.txt" in one.json()["detail"]
        pasted = client.post("/api/drafts", data={"text": big.decode()}, headers=headers)
        assert pasted.status_code == 413 and "pasted text" in pasted.json()["detail"]
        many = [("files", (f"f{i}.txt", b"x" * 9_000, "text/plain")) for i in range(250)]
        total = client.post("/api/drafts", files=many, headers=headers)  # 2.2 MB > 1 MB + overhead
        assert total.status_code == 413 and "1 MB per draft" in total.json()["detail"]

        def unannounced():  # no Content-Length: the body is counted as it streams in
            yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'
            yield from (b"x" * 10_000 for _ in range(300))
            yield b"\r\n--b--\r\n"

        streamed = client.post(
            "/api/drafts",
            content=unannounced(),
            headers={**headers, "Content-Type": "multipart/form-data; boundary=b"},
        )
        assert streamed.status_code == 413 and "per draft" in streamed.json()["detail"]
        root = app.state.served.drafts.root
        assert not root.exists() or not list(root.iterdir())  # nothing was stored


def test_state_changing_requests_need_the_csrf_token_and_same_origin(embedder, tmp_path):
    app = create_app(settings_for(tmp_path), embedder)
    with client_for(app) as client:
        headers = csrf(client)
        assert client.post("/api/drafts", data={"text": TRANSCRIPT}).status_code == 403
        wrong = client.post(
            "/api/drafts", data={"text": TRANSCRIPT}, headers={"X-CSRF-Token": "0" * 32}
        )
        assert wrong.status_code == 403 and wrong.json()["code"] == "stale_page"
        assert "Reload the page" in wrong.json()["detail"]
        cross = client.post(
            "/api/drafts",
            data={"text": TRANSCRIPT},
            headers={**headers, "Origin": "http://evil.example"},
        )
        assert cross.status_code == 403 and "another web site" in cross.json()["detail"]
        assert client.delete("/api/drafts/x").status_code == 403
        odd = client.post("/api/drafts", headers={"X-CSRF-Token": "é".encode()})  # not a 500
        assert odd.status_code == 403
        fresh = TestClient(app, base_url=BASE)  # no session cookie: a token alone is not enough
        assert fresh.post("/api/drafts", data={"text": "x"}, headers=headers).status_code == 403
        same = client.post(
            "/api/drafts", data={"text": TRANSCRIPT}, headers={**headers, "Origin": BASE}
        )
        assert same.status_code == 202
        page = TestClient(app, base_url=BASE).get("/")
        cookie = page.headers["set-cookie"]
        assert "icp_session=" in cookie and "SameSite=Strict" in cookie and "HttpOnly" in cookie
        assert "script-src 'self'" in page.headers["content-security-policy"]
        wait_for(client, same.json()["id"])


def test_unexpected_host_header_is_refused(embedder, tmp_path):
    app = create_app(settings_for(tmp_path), embedder)
    with TestClient(app, base_url="http://attacker.example:8765") as client:
        assert client.get("/").status_code == 400
    with TestClient(app, base_url="http://localhost:8765") as client:
        assert client.get("/").status_code == 200


def test_access_token_when_listening_beyond_loopback(embedder, tmp_path):
    token = "s3cret-token-for-the-team"
    app = create_app(settings_for(tmp_path), embedder, host="0.0.0.0", token=token)
    with TestClient(app, base_url="http://10.1.2.3:8765") as client:
        assert client.get("/").status_code == 401
        assert client.get("/?token=wrong-token-wrong-token").status_code == 401
        opened = client.get(f"/?token={token}", follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == "/"
        assert "icp_access=" in opened.headers["set-cookie"]
        assert token not in opened.headers["set-cookie"]  # the cookie holds a hash of it
        assert client.get("/").status_code == 200  # the cookie carries it from now on
        assert (
            client.get("/", headers={"Authorization": "Bearer é-not-ascii".encode()}).status_code
            == 200
        )
    with TestClient(app, base_url="http://10.1.2.3:8765") as other:
        assert (
            other.get("/api/session", headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )


def test_serve_refuses_to_listen_beyond_loopback_without_a_token(icp, monkeypatch):
    code, _, err = icp("serve", "--host", "0.0.0.0")
    assert code == 2 and "--token" in err and "ICP_SERVE_TOKEN" in err
    code, _, err = icp("serve", "--host", "192.168.1.20", "--token", "short")
    assert code == 2 and "too short" in err
    check_bind("127.0.0.1", None)
    check_bind("localhost", None)
    check_bind("::1", None)
    check_bind("0.0.0.0", "a-long-enough-token-123")
    with pytest.raises(UsageError):
        create_app(load_settings(environ={}), None, host="0.0.0.0")
    code, _, err = icp("serve", "--workspace", "missing-folder")
    assert code == 2 and "no workspace" in err


def test_serve_reports_a_busy_port(icp):
    from agent.web.server import open_socket

    busy = open_socket("127.0.0.1", 0)
    try:
        code, _, err = icp("serve", "--port", str(busy.getsockname()[1]))
    finally:
        busy.close()
    assert code == 2 and "cannot listen" in err


def test_workspace_mode_sources_versions_diff_passages_and_questions(icp, embedder, tmp_path):
    sources = tmp_path / "research"
    sources.mkdir()
    (sources / "brookfield-tooling.txt").write_text(TRANSCRIPT, encoding="utf-8")
    workspace = tmp_path / "ws"
    assert icp("ingest", sources, "-w", workspace)[0] == 0
    assert icp("synthesize", "-w", workspace, "-o", tmp_path / "v1.md")[0] == 0
    (sources / "priya-call.vtt").write_text(SUBTITLES, encoding="utf-8")
    assert icp("ingest", sources, "-w", workspace)[0] == 0
    assert icp("synthesize", "-w", workspace, "-o", tmp_path / "v2.md")[0] == 0

    settings = load_settings(flags={"workspace": workspace}, environ={})
    app = create_app(settings, embedder, workspace=workspace)
    with client_for(app) as client:
        headers = csrf(client)
        assert 'id="workspace"' in client.get("/").text
        data = client.get("/api/workspace").json()
        assert [s["source"] for s in data["sources"]] == [
            "research/brookfield-tooling.txt",
            "research/priya-call.vtt",
        ]
        assert [v["version"] for v in data["versions"]] == ["v1", "v2"]
        view = client.get("/api/workspace/view").text
        assert (
            "brookfield-tooling.txt" in view
            and 'data-version="2"' in view
            and 'id="diff-form"' in view
        )

        version = client.get("/api/workspace/versions/2/view").text
        assert "(draft)" in version and "v2" in version
        link = passage_links(version)[0]
        assert link.startswith("/api/workspace/versions/2/passage?")
        assert "<mark>" in client.get(link).text
        assert client.get("/api/workspace/versions/9/view").status_code == 404
        download = client.get("/api/workspace/versions/1/download.md")
        assert download.headers["content-disposition"] == 'attachment; filename="icp-v1.md"'
        assert download.text == (tmp_path / "v1.md").read_text(encoding="utf-8")

        diff = client.get("/api/workspace/diff", params={"old": 1, "new": 2}).json()
        assert diff["diff"]["from_version"] == "v1" and diff["diff"]["to_version"] == "v2"
        assert "v1 → v2" in diff["html"]

        asked = client.post("/api/workspace/ask", json={"question": QUESTION}, headers=headers)
        assert asked.status_code == 200, asked.text
        for link in passage_links(asked.json()["html"]):
            assert link.startswith("/api/workspace/passage?")
            assert client.get(link).status_code == 200


def test_without_a_workspace_the_workspace_api_says_how_to_get_one(embedder, tmp_path):
    app = create_app(settings_for(tmp_path), embedder)
    with client_for(app) as client:
        assert 'id="workspace"' not in client.get("/").text
        response = client.get("/api/workspace")
        assert response.status_code == 404 and "--workspace" in response.json()["detail"]
        assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
        assert client.get("/static/..%2Fapp.py").status_code == 404


def test_a_finished_draft_can_be_discarded(embedder, tmp_path):
    app = create_app(settings_for(tmp_path), embedder)
    with client_for(app) as client:
        headers = csrf(client)
        created = client.post(
            "/api/drafts",
            files=[("files", ("a.pdf", io.BytesIO(b"x"), "application/pdf"))],
            headers=headers,
        )
        draft_id = created.json()["id"]
        wait_for(client, draft_id)
        folder = app.state.served.drafts.root / draft_id
        assert folder.is_dir()
        assert client.delete(f"/api/drafts/{draft_id}", headers=headers).status_code == 204
        assert not folder.exists()
        assert client.get(f"/api/drafts/{draft_id}").status_code == 404


TWO = (
    TRANSCRIPT
    + "\n---\n"
    + SUBTITLES.replace("WEBVTT\n\n", "")
    .replace("00:00:01.000 --> 00:00:04.000\n<v Priya Nair>", "Priya Nair (Ops lead): ")
    .replace(
        "00:00:05.000 --> 00:00:08.000\n<v Priya Nair>",
        "Sam (Interviewer): And?\nPriya Nair (Ops lead): ",
    )
)


def test_a_paste_of_two_transcripts_is_split_shown_first_and_kept_apart(embedder, tmp_path):
    app = create_app(settings_for(tmp_path), embedder)
    with client_for(app) as client:
        headers = csrf(client)
        preview = client.post("/api/paste/split", json={"text": TWO}, headers=headers).json()
        assert [p["name"] for p in preview["pieces"]] == ["pasted-1.txt", "pasted-2.txt"]
        assert "2 transcripts" in preview["html"] and "separator line" in preview["html"]
        created = client.post("/api/drafts", data={"text": TWO}, headers=headers)
        progress = wait_for(client, created.json()["id"])
        assert progress["step"] == "done", progress
        names = [row["name"] for row in progress["files"]]
        assert names == ["pasted-1.txt", "pasted-2.txt"]
        # "keep it as one transcript": the box index goes in `whole`
        whole = client.post("/api/drafts", data={"text": TWO, "whole": "0"}, headers=headers)
        kept = wait_for(client, whole.json()["id"])
        assert [row["name"] for row in kept["files"]] == ["pasted text"]
        # two boxes ("add another transcript"): two documents
        boxes = client.post(
            "/api/drafts", data={"text": [TRANSCRIPT, TWO.split("\n---\n")[1]]}, headers=headers
        )
        assert len(wait_for(client, boxes.json()["id"])["files"]) == 2


def test_gibberish_gets_no_icp_and_says_why(embedder, tmp_path):
    app = create_app(settings_for(tmp_path), embedder)
    with client_for(app) as client:
        headers = csrf(client)
        noise = " ".join("qzxv" + "k" * (i % 5) + "pw" for i in range(120))
        created = client.post("/api/drafts", data={"text": noise}, headers=headers)
        progress = wait_for(client, created.json()["id"])
        assert progress["step"] == "failed" and progress["segments"] is None
        assert "does not look like customer research" in progress["error"]
        assert progress["files"][0]["status"] == "not research"
        view = client.get(f"/api/drafts/{created.json()['id']}/view")
        assert view.status_code == 409 and "could not be built" in view.json()["detail"]


def test_a_draft_and_its_pasted_text_survive_a_server_restart(embedder, tmp_path):
    drafts = tmp_path / "drafts"
    first = create_app(settings_for(tmp_path), embedder, drafts_dir=drafts)
    with client_for(first) as client:
        headers = csrf(client)
        draft_id = client.post("/api/drafts", data={"text": TRANSCRIPT}, headers=headers).json()[
            "id"
        ]
        progress = wait_for(client, draft_id)
        assert progress["step"] == "done", progress.get("error")
        cookies = dict(client.cookies)
    # a new server process on the same drafts folder; the browser keeps its cookie and page
    second = create_app(settings_for(tmp_path), embedder, drafts_dir=drafts)
    with client_for(second) as client:
        client.cookies.update(cookies)
        progress = client.get(f"/api/drafts/{draft_id}").json()
        assert progress["step"] == "done" and "Kept on this computer until" in progress["html"]
        assert client.get(f"/api/drafts/{draft_id}/inputs").json()["pasted"] == [TRANSCRIPT]
        view = client.get(f"/api/drafts/{draft_id}/view").text
        assert "six hours a week" in view
        assert client.get(passage_links(view)[0]).status_code == 200
        # the old page's token is stale: a plain sentence and a code the page acts on
        stale = client.post(
            f"/api/drafts/{draft_id}/ask", json={"question": QUESTION}, headers=headers
        )
        assert stale.status_code == 403 and stale.json()["code"] == "stale_page"
        assert "403" not in stale.json()["detail"] and "CSRF" not in stale.json()["detail"]
        fresh = {"X-CSRF-Token": client.get("/api/session").json()["csrf_token"]}
        asked = client.post(
            f"/api/drafts/{draft_id}/ask", json={"question": QUESTION}, headers=fresh
        )
        assert asked.status_code == 200


def test_a_build_cut_short_by_a_restart_is_built_again(embedder, tmp_path):
    drafts = tmp_path / "drafts"
    with client_for(create_app(settings_for(tmp_path), embedder, drafts_dir=drafts)) as client:
        headers = csrf(client)
        draft_id = client.post("/api/drafts", data={"text": TRANSCRIPT}, headers=headers).json()[
            "id"
        ]
        wait_for(client, draft_id)
        cookies = dict(client.cookies)
    meta = drafts / draft_id / "draft.json"
    state = json.loads(meta.read_text())
    meta.write_text(json.dumps({**state, "step": "extracting"}))  # as if stopped mid-build
    (drafts / draft_id / "icp.json").unlink()
    with client_for(create_app(settings_for(tmp_path), embedder, drafts_dir=drafts)) as client:
        client.cookies.update(cookies)
        first = client.get(f"/api/drafts/{draft_id}").json()
        assert first["resumed"] is True
        assert wait_for(client, draft_id)["step"] == "done"


def test_errors_are_sentences_without_http_codes(embedder, tmp_path):
    app = create_app(settings_for(tmp_path), embedder)
    with client_for(app) as client:
        headers = csrf(client)
        gone = client.get("/api/drafts/nosuchdraft").json()["detail"]
        assert gone.startswith("This draft is no longer here") and "7 days" in gone
        empty = client.post("/api/drafts", data={"text": " "}, headers=headers).json()["detail"]
        assert empty == "Paste a transcript or choose at least one file."
        invalid = client.post("/api/workspace/ask", json={"question": ""}, headers=headers)
        assert invalid.status_code in (404, 422)
        for detail in (gone, empty, invalid.json()["detail"]):
            assert isinstance(detail, str) and not re.search(r"\b[45]\d\d\b", detail)
