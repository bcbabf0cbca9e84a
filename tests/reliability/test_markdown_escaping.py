"""Issue 14: the Markdown output escapes HTML and never emits a link from source data.

Hostile text goes in through every way a source reaches the document (a transcript's words,
a speaker's name, a front-matter account name, a file name); the Markdown is then rendered
by GitHub's own renderer (cmark-gfm, autolinks on, raw HTML allowed) and must contain no
element and no link but the contents list's own anchors."""

from __future__ import annotations

import re
from html import unescape

import pytest

cmarkgfm = pytest.importorskip("cmarkgfm")

from agent.render.markdown import text  # noqa: E402

PAYLOADS = [
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(2)>",
    '<a href="javascript:alert(3)">click</a>',
    "[click me](javascript:alert(4))",
    "![pixel](https://evil.example/p.png)",
    "<javascript:alert(5)>",
    "<https://evil.example/a>",
    "visit https://evil.example/b or www.evil.example",
    "write to dana@evil.example",
    "[ref]: javascript:alert(6)",
    "`code` **bold** _em_ ~~gone~~ | pipe |",
    "&lt;script&gt;alert(7)&lt;/script&gt;",
    "<svg onload=alert(8)>",
    "<!-- comment --> <style>body{display:none}</style>",
    "1. not a list\n# not a heading\n> not a quote",
]


def rendered(markdown: str) -> str:
    options = cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE  # the worst case: raw HTML kept
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=options)


def inert(html: str) -> list[str]:
    """Elements a Markdown renderer made from the text (there should be none but <p>)."""
    return [t for t in re.findall(r"<([a-zA-Z][\w-]*)", html) if t not in ("p",)]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_renders_as_plain_text(payload):
    html = rendered(text(payload))
    assert inert(html) == [], html  # no element at all: no link, image, script or style
    # and the words are still there, as text
    visible = unescape(re.sub(r"<[^>]+>", "", html))
    expected = payload.replace("dana@evil.example", "[e-mail]")
    assert re.sub(r"\W", "", expected) == re.sub(r"\W", "", visible)


HOSTILE = " ".join(p.replace("\n", " ") for p in PAYLOADS)


def test_a_whole_draft_from_hostile_sources(icp, tmp_path):
    folder = tmp_path / "research"
    folder.mkdir()
    (folder / "interview-<img src=x onerror=alert(9)>.txt").write_text(
        "Sam (Interviewer): What is hardest about quoting today?\n"
        f"Dana <b onmouseover=alert(1)>Whitfield</b>: We lose about six hours a week reconciling quotes. {HOSTILE}\n"
        "Sam (Interviewer): And then?\n"
        f"Dana <b onmouseover=alert(1)>Whitfield</b>: Quotes take four days and we lose deals because of that delay. {HOSTILE}\n"
        "Sam (Interviewer): What made you look?\n"
        "Dana <b onmouseover=alert(1)>Whitfield</b>: We hired a new VP of Sales who asked for win rates and I could not give them.\n",
        encoding="utf-8",
    )
    (folder / "deal.md").write_text(
        "---\naccount: \"Evil <script>alert('acct')</script> Corp [x](javascript:alert(10))\"\n"
        "outcome: lost\n---\nLost on price. They said the price was too high for a team their size, "
        f"and they did not see the value. {HOSTILE}\n",
        encoding="utf-8",
    )
    code, markdown, err = icp(
        "draft", str(folder / "interview-<img src=x onerror=alert(9)>.txt"), str(folder / "deal.md")
    )
    assert code == 0, err
    # the draft really carries the hostile sources: the deal note's account with its tags (the
    # interview's one statement, its speaker label with tags read as words, is 0.64 confident:
    # kept for audit, not shown, as themes are shown from 0.9)
    assert "Corp" in markdown
    html = rendered(markdown)
    tags = set(inert(html))
    assert tags <= {"h1", "h2", "h3", "ul", "ol", "li", "strong", "em", "blockquote", "table",
                    "thead", "tbody", "tr", "th", "td", "a", "hr", "br"}, tags  # fmt: skip
    links = re.findall(r'<a\b[^>]*href="([^"]*)"', html)
    assert links and all(link.startswith("#") for link in links), links  # contents only
    assert not re.search(r"<(script|img|svg|style|iframe)\b", html)
    assert not re.search(r"<[^>]*\s(on\w+|src|style)=", html)  # no live attribute anywhere
    assert "&lt;script&gt;" in html  # the hostile text is shown, as text
    assert "dana@evil.example" not in markdown  # personal e-mail addresses are masked
