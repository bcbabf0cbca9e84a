"""End to end in a real headless Chromium (Debian's, driven by Playwright).

- paste two transcripts in one box (the split is shown), add another one in a second box,
  drop files; the draft arrives; a quote opens its passage; a question's citation opens;
- reload: the draft and the pasted text come back; the server restarts: the page goes on
  (a stale token is renewed quietly) and a reload still shows the draft;
- keyboard: every control is reached with Tab and shows its focus, the file chooser too;
  Ctrl+Enter drafts; the chat scrolls to the newest answer;
- 390 px wide: no horizontal scroll (tables scroll in their own box);
- axe-core finds no serious or critical accessibility problem;
- screenshots (desktop and 390 px) of the draft page, the workspace page and the standalone
  HTML document go to tests/artifacts/ (gitignored).
A <script> in the transcript is shown as text and never runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.browser import CHROMIUM, chromium, running_server

from agent.config import load_settings
from agent.web.app import create_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing: `make browser` installs Debian's chromium",
    ),
]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCRIPT = '<script>alert("xss")</script>'
IMAGE = "<img src=x onerror=alert(2)>"
TRANSCRIPT = (
    "Sam (Interviewer): Thanks for joining. What do you do at Brookfield Tooling?\n"
    "Dana Whitfield (RevOps lead): I run revenue ops at Brookfield Tooling, about 420 people; we use Salesforce and Epicor.\n"
    "Sam (Interviewer): What is hardest about quoting today?\n"
    f"Dana Whitfield (RevOps lead): We lose about six hours a week reconciling quotes against the ERP. {SCRIPT} It is a mess.\n"
    f"Dana Whitfield (RevOps lead): Quotes take four or five days to get out the door {IMAGE} and we lose deals because of that delay.\n"
    "Sam (Interviewer): What made you start looking for a tool?\n"
    "Dana Whitfield (RevOps lead): We hired a new VP of Sales and he asked for quote win rates by product line, and I could not give them to him.\n"
)
SECOND = (
    "Sam (Interviewer): Thanks for making time. Tell me about Gulfline Industrial Supply.\n"
    "Denise Broussard (Operations manager): We are a distributor, about 180 people; pricing lives in spreadsheets and NetSuite.\n"
    "Sam (Interviewer): What breaks?\n"
    "Denise Broussard (Operations manager): The reps call the vendor for every lead time, and quotes take half a day.\n"
)
THIRD = (
    "Alex (Interviewer): How do approvals work at Keystone Fluid Controls?\n"
    "Priya Nair (Sales ops): We spend two days a week chasing approvals for every discount over five percent.\n"
    "Alex (Interviewer): Who signs?\n"
    "Priya Nair (Sales ops): The CFO signs anything over ten thousand, and she is hard to reach.\n"
)
SUBTITLES = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Priya Nair>We spend two days a week chasing approvals for every discount.\n"
AXE_BLOCKING = ("serious", "critical")


def settings_for(tmp_path: Path, workspace: Path | None = None):
    return load_settings(
        flags={"workspace": workspace or tmp_path / "none"},
        environ={},
        dotenv_path=tmp_path / ".env",
    )


def axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in AXE_BLOCKING
    ]


def shoot(page, name: str) -> Path:
    """The first screen as `name.png` and the whole page as `name-full.png`."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path))
    page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page is {width} px wide in a {viewport} px window"


def test_paste_two_reload_restart_keyboard_and_narrow(embedder, tmp_path: Path, capsys):
    (tmp_path / "priya.vtt").write_text(SUBTITLES, encoding="utf-8")
    (tmp_path / "broken.xlsx").write_bytes(b"not a spreadsheet")
    drafts = tmp_path / "drafts"
    dialogs: list[str] = []
    errors: list[str] = []
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        with running_server(create_app(settings_for(tmp_path), embedder, drafts_dir=drafts)) as url:
            port = int(url.rsplit(":", 1)[1])
            page.goto(url + "/")
            assert axe_problems(page) == []

            # keyboard: Tab reaches the paste box, "add another", the file chooser and the button
            reached = []
            for _ in range(12):
                page.keyboard.press("Tab")
                reached.append(
                    page.evaluate(
                        "document.activeElement.id || document.activeElement.textContent.trim()"
                    )
                )
                if page.evaluate("document.activeElement.id") == "files":
                    outline = page.evaluate(
                        "getComputedStyle(document.querySelector('label[for=files]')).outlineStyle"
                    )
                    assert outline != "none", "the file chooser shows its focus"
            assert {"paste", "add-paste", "files", "draft-button"} <= set(reached), reached

            # two transcripts in one box: the split is shown before drafting
            page.fill("#paste", TRANSCRIPT + "\n---\n" + SECOND)
            page.wait_for_selector("#pastes .split-list li >> nth=1", timeout=15_000)
            assert "2 transcripts" in page.inner_text("#pastes .split")
            # a third in its own box ("add another transcript"), and two files
            page.click("#add-paste")
            page.fill("#paste-2", THIRD)
            page.set_input_files(
                "#files", [str(tmp_path / "priya.vtt"), str(tmp_path / "broken.xlsx")]
            )
            assert page.locator("#file-list li").count() == 2
            page.press("#paste-2", "Control+Enter")  # Ctrl+Enter drafts

            page.wait_for_selector("#draft article.icp", timeout=120_000)
            rows = page.locator("#progress li.file")
            names = [rows.nth(i).get_attribute("data-source") for i in range(rows.count())]
            assert names[:3] == ["pasted-1.txt", "pasted-2.txt", "pasted-3.txt"], names
            bad = page.locator('#progress li.file[data-source="broken.xlsx"]')
            assert "could not be read" in bad.inner_text() and "Excel" in bad.inner_text()
            assert "Kept on this computer until" in page.inner_text("#progress")
            draft = page.locator("#draft")
            # the second interviewee is not lost: a participant when no company is named
            assert "pasted-2" in draft.inner_text()
            assert "Brookfield Tooling" in draft.inner_text()
            assert draft.locator(".badge-hypothesis").first.is_visible()
            assert draft.locator("nav.toc").is_visible() and draft.locator("svg.chart").count() >= 2
            assert draft.locator("script").count() == 0  # pasted markup never runs
            assert page.locator("#draft script, #draft img").count() == 0

            claim = draft.locator("li.claim").filter(has_text="six hours a week").first
            claim.locator("details.quotes > summary").click()
            claim.locator("details.quote > summary").first.click()
            mark = claim.locator(".passage-view mark").first
            mark.wait_for(timeout=15_000)
            assert "six hours a week" in mark.inner_text()
            assert axe_problems(page) == []
            shoot(page, "draft-page-desktop")

            # reload: the same draft and the pasted text come back
            page.reload()
            page.wait_for_selector("#draft article.icp", timeout=30_000)
            assert "Gulfline" in page.input_value("#paste")
            assert page.input_value("#paste-2") == THIRD

        # the server restarts on the same port; the open page carries on
        with running_server(
            create_app(settings_for(tmp_path), embedder, drafts_dir=drafts), port=port
        ):
            page.fill("#question", "How much time do they lose reconciling quotes?")
            page.press("#question", "Enter")
            cite = page.locator("#chat-log .answer a.cite").first
            cite.wait_for(timeout=60_000)
            assert "403" not in page.inner_text("#chat-log")
            cite.click()
            opened = page.locator(
                "#chat-log ol.citations details.quote[open] .passage-view mark"
            ).first
            opened.wait_for(timeout=15_000)
            assert re.search(r"six hours a week", opened.inner_text())
            for question in ("Who signs the purchase?", "What breaks for distributors?"):
                page.fill("#question", question)
                page.keyboard.press("Control+Enter")
                page.wait_for_function(
                    "q => [...document.querySelectorAll('#chat-log .answer .question')].some(e => e.textContent === q)",
                    arg=question,
                    timeout=60_000,
                )
            # the newest answer is in view inside the chat log (its start at least)
            page.wait_for_function(
                """() => { const log = document.getElementById('chat-log');
                   const last = log.lastElementChild.getBoundingClientRect();
                   const box = log.getBoundingClientRect();
                   return log.scrollTop > 0 && last.top >= box.top - 2 && last.top < box.bottom; }""",
                timeout=10_000,
            )
            page.reload()
            page.wait_for_selector("#draft article.icp", timeout=60_000)
            assert not re.search(
                r"\b40[34]\b", page.inner_text("body")
            )  # no HTTP codes (hex ids aside)

            # 390 px: no horizontal scroll; tables scroll inside their box
            page.set_viewport_size({"width": 390, "height": 844})
            page.wait_for_timeout(300)
            no_horizontal_scroll(page)
            shoot(page, "draft-page-390")

    assert dialogs == [], f"a script from the transcript ran: {dialogs}"
    assert errors == []
    with capsys.disabled():
        print(f"\nscreenshots: {ARTIFACTS}")


def test_workspace_page_shows_the_icp_first_and_the_html_document(icp, embedder, tmp_path: Path):
    sources = tmp_path / "research"
    sources.mkdir()
    (sources / "brookfield-tooling.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (sources / "gulfline-industrial-supply.txt").write_text(SECOND, encoding="utf-8")
    (sources / "keystone-fluid-controls.txt").write_text(THIRD, encoding="utf-8")
    workspace = tmp_path / "ws"
    assert icp("ingest", sources, "-w", workspace)[0] == 0
    document = tmp_path / "icp.html"
    assert icp("synthesize", "-w", workspace, "-o", document)[0] == 0
    app = create_app(
        settings_for(tmp_path, workspace), embedder, workspace=workspace, drafts_dir=tmp_path / "d"
    )
    with running_server(app) as url, chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.goto(url + "/")
        page.wait_for_selector("#draft article.icp", timeout=60_000)
        # the ICP is the first screen; the paste form is folded away below
        icp_top = page.locator("#draft").bounding_box()["y"]
        assert icp_top < page.locator("#workspace").bounding_box()["y"]
        assert icp_top < 300
        assert page.locator("#new-draft").get_attribute("open") is None
        sources_table = page.inner_text("#workspace table.sources")
        assert "Interview transcript" in sources_table
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", sources_table)  # no raw ISO times
        assert axe_problems(page) == []
        shoot(page, "workspace-page-desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        no_horizontal_scroll(page)
        shoot(page, "workspace-page-390")

        page.goto(document.as_uri())
        page.set_viewport_size({"width": 1280, "height": 900})
        assert page.locator("nav.toc a").count() >= 6 and page.locator("svg.chart").count() >= 2
        assert axe_problems(page) == []
        shoot(page, "icp-html-desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(200)
        no_horizontal_scroll(page)
        shoot(page, "icp-html-390")
