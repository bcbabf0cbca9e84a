"""End to end in a real headless Chromium (Debian's, driven by Playwright): paste a transcript
and drop files, watch the draft arrive, open a quote's passage, ask a question and open its
citation. A <script> in the transcript is shown as text and never runs."""

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
SUBTITLES = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Priya Nair>We spend two days a week chasing approvals for every discount.\n"


def test_paste_draft_expand_quote_ask_and_open_citation(embedder, tmp_path: Path, capsys):
    settings = load_settings(
        flags={"workspace": tmp_path / "none"}, environ={}, dotenv_path=tmp_path / ".env"
    )
    (tmp_path / "priya.vtt").write_text(SUBTITLES, encoding="utf-8")
    (tmp_path / "broken.xlsx").write_bytes(b"not a spreadsheet")
    app = create_app(settings, embedder)
    dialogs: list[str] = []
    errors: list[str] = []
    with running_server(app) as url, chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url + "/")
        page.fill("#paste", TRANSCRIPT)
        page.set_input_files("#files", [str(tmp_path / "priya.vtt"), str(tmp_path / "broken.xlsx")])
        assert page.locator("#file-list li").count() == 2
        page.click("#draft-button")

        # progress, then the draft; the bad file's error sits in its own row
        page.wait_for_selector("#draft article.icp", timeout=120_000)
        bad = page.locator('#progress li.file[data-source="broken.xlsx"]')
        assert "failed" in bad.inner_text() and "Excel" in bad.inner_text()
        assert "ingested" in page.locator('#progress li.file[data-source="priya.vtt"]').inner_text()
        draft = page.locator("#draft")
        assert draft.locator(".badge.hypothesis").first.is_visible()
        assert draft.get_by_text("Pains, ranked by how many accounts feel them").first.is_visible()

        # the pasted <script> is visible as text, and nothing ran
        assert draft.get_by_text(SCRIPT).first.is_visible()
        assert page.locator("#draft script, #draft img").count() == 0

        # expand a claim's quotes, then one quote: its passage appears with the quote marked
        claim = draft.locator("li.claim").filter(has_text="six hours a week").first
        claim.locator("details.quotes > summary").click()
        claim.locator("details.quote > summary").first.click()
        mark = claim.locator(".passage-view mark").first
        mark.wait_for(timeout=15_000)
        assert "six hours a week" in mark.inner_text()
        assert SCRIPT in claim.locator(".passage-view").first.inner_text()

        # ask a question, then click its citation: the cited passage opens
        page.fill("#question", "How much time do they lose reconciling quotes?")
        page.press("#question", "Enter")
        cite = page.locator("#chat-log .answer a.cite").first
        cite.wait_for(timeout=60_000)
        cite.click()
        opened = page.locator("#chat-log ol.citations details.quote[open] .passage-view mark").first
        opened.wait_for(timeout=15_000)
        assert re.search(r"six hours a week", opened.inner_text())

        shot = tmp_path / "web-draft.png"
        page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert dialogs == [], f"a script from the transcript ran: {dialogs}"
    assert errors == []
    with capsys.disabled():
        print(f"\nscreenshot: {shot}")
