"""An ICPDraft as an HTML fragment for the page: the same outline the downloads are written
from (agent.render.outline), so the page shows exactly what the Markdown and HTML carry, with
quotes that expand to their source passage and the downloads one click away. Every string
from the draft is escaped."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from agent.render import labels
from agent.render.blocks import Quote
from agent.render.html import fragment
from agent.schema.icp import EvidenceRef, ICPDraft

FORMATS = (("md", "Markdown"), ("html", "HTML"), ("json", "JSON"))


def passage_url(base: str, doc_id: str, start: int, end: int) -> str:
    return f"{base}/passage?" + urlencode({"doc": doc_id, "start": start, "end": end})


def _quote_html(
    base: str, doc_id: str, start: int, end: int, text: str, cite: str, lead: str
) -> str:
    return (
        f'<details class="quote" data-src="{escape(passage_url(base, doc_id, start, end))}">'
        f"<summary>{lead}<q>{escape(text)}</q> <cite>{escape(cite)}</cite></summary>"
        '<div class="passage">Loading the source…</div></details>'
    )


def quote_item(
    base: str, ref: EvidenceRef, lead: str = "", citer: labels.Citer | None = None
) -> str:
    """A quote that expands to its passage in the source (loaded when opened). The citation
    names the account (or `respondent N`), never a personal e-mail address."""
    who = (citer or labels.Citer()).who(ref.doc_id, ref.account, ref.speaker)
    return _quote_html(
        base, ref.doc_id, ref.start, ref.end, ref.quote, f"{who} · {ref.source}", lead
    )


def draft_html(draft: ICPDraft, base: str, name: str) -> str:
    """`base` is the URL the draft's passages and downloads hang under; `name` the download name."""
    downloads = " ".join(
        f'<a class="download" href="{escape(base)}/download.{fmt}" download="{escape(name)}.{fmt}">{label}</a>'
        for fmt, label in FORMATS
    )

    def write(quote: Quote) -> str:
        return _quote_html(base, quote.doc_id, quote.start, quote.end, quote.text, quote.cite, "")

    return (
        '<article class="icp" aria-label="Ideal Customer Profile">'
        f'<p class="downloads">Download: {downloads} <span class="meta">(the same document)</span></p>'
        f"{fragment(draft, write)}</article>"
    )
