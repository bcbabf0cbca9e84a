"""The outline as HTML: a standalone file (inline CSS with print styles, no scripts) and the
fragment the web page shows (same blocks; its quotes open their source passage). All text
is escaped; the only markup is the writer's own."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from agent.render import charts
from agent.render.blocks import (
    Bullets,
    Chart,
    Contents,
    Heading,
    Item,
    Para,
    Quote,
    Section,
    Table,
)
from agent.render.outline import outline
from agent.schema.icp import ICPDraft

QuoteWriter = Callable[[Quote], str]

CSS = """
:root{color-scheme:light}
body{font:15px/1.55 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1d2330;overflow-wrap:anywhere}
h1{font-size:1.7rem;line-height:1.25}h2{margin-top:2.2rem;border-bottom:1px solid #dde2ea;padding-bottom:.2rem}h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.6rem 0;width:100%}td,th{border:1px solid #dde2ea;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:normal}
th{background:#f4f6fa}.meta{color:#4a5466;font-size:.9rem}.warning{background:#fff6e0;border-left:4px solid #b7791f;padding:.5rem .8rem}
.hypothesis{background:#fdecec;border-left:4px solid #b42318;padding:.5rem .8rem;font-weight:600}.note,.empty{color:#4a5466}.empty{font-style:italic}
.badge{display:inline-block;font-size:.75rem;font-weight:600;padding:.05rem .5rem;border-radius:999px;background:#f4f6fa;border:1px solid #dde2ea;vertical-align:middle;margin-left:.3rem}
.badge-hypothesis{background:#fdecec;border-color:#b42318;color:#b42318}
.tag{font-size:.8rem;color:#4a5466;border:1px solid #dde2ea;border-radius:4px;padding:0 .3rem;margin-left:.2rem;white-space:nowrap}
.item-note{display:block;font-size:.9rem;color:#4a5466}.item-detail{display:block;color:#2a3446}
nav.toc{background:#f4f6fa;border:1px solid #dde2ea;border-radius:6px;padding:.4rem 1rem;margin:1rem 0}nav.toc h2{font-size:1rem;border:0;margin:.4rem 0}nav.toc ol{margin:.2rem 0 .4rem;padding-left:1.4rem}
figure.chart{margin:1.2rem 0}figure.chart figcaption{font-weight:600;margin-bottom:.4rem}figure.chart svg{display:block;max-width:100%;height:auto}
details{margin:.15rem 0 .4rem 0}summary{cursor:pointer;color:#2b59c3;font-size:.9rem}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.7rem;border-left:3px solid #b8c3d6;color:#2d3648}
cite{display:block;color:#4a5466;font-size:.85rem;font-style:normal}
a{color:#2b59c3}:focus-visible{outline:3px solid #2b59c3;outline-offset:2px}
@media (max-width:600px){body{margin:1rem auto;font-size:14px}h1{font-size:1.35rem}}
@media print{
 body{max-width:none;margin:0;font-size:10.5pt;color:#000}
 nav.toc{break-after:page}
 section.segment{break-before:page}
 h2,h3{break-after:avoid}
 table,figure,blockquote,li{break-inside:avoid}
 .table-wrap{overflow:visible}
 summary{display:none}
 details::details-content{content-visibility:visible;display:block}
 a{color:inherit;text-decoration:none}
}
"""


def _blockquote(quote: Quote) -> str:
    return (
        f'<blockquote data-doc="{escape(quote.doc_id)}" data-start="{quote.start}" data-end="{quote.end}">'
        f"“{escape(quote.text)}”<cite>{escape(quote.cite)}</cite></blockquote>"
    )


def _quotes_details(quotes: list[Quote], write: QuoteWriter, web: bool) -> str:
    if not quotes:
        return ""
    label = f"{len(quotes)} quote{'s' if len(quotes) != 1 else ''}"
    if web:
        items = "".join(f"<li>{write(q)}</li>" for q in quotes)
        return f'<details class="quotes"><summary>{label}</summary><ul>{items}</ul></details>'
    return f"<details><summary>{label}</summary>{''.join(write(q) for q in quotes)}</details>"


class HTMLWriter:
    """Writes blocks; `prefix` keeps anchors unique inside a bigger page."""

    def __init__(self, quote: QuoteWriter | None = None, prefix: str = "") -> None:
        self.web = quote is not None
        self.write_quote: QuoteWriter = quote or _blockquote
        self.prefix = prefix
        self.charts = 0

    def anchor(self, name: str) -> str:
        return escape(self.prefix + name)

    def item(self, item: str | Item) -> str:
        if isinstance(item, str):
            return f"<li>{escape(item)}</li>"
        css = f' class="{escape(item.css)}"' if item.css else ""
        tags = "".join(f' <span class="tag">{escape(t)}</span>' for t in item.tags)
        note = f'<span class="item-note">{escape(item.note)}</span>' if item.note else ""
        if item.detail:
            note = f'<span class="item-detail">{escape(item.detail)}</span>' + note
        quotes = _quotes_details(item.quotes, self.write_quote, self.web)
        return f'<li{css}><span class="label">{escape(item.text)}</span>{tags}{note}{quotes}</li>'

    def block(self, block: object) -> str:
        if isinstance(block, Section):
            inner = "".join(self.block(b) for b in block.blocks)
            if not block.css:
                return inner
            anchor = f' id="{self.anchor(block.anchor)}-section"' if block.anchor else ""
            return f'<section class="{escape(block.css)}"{anchor}>{inner}</section>'
        if isinstance(block, Heading):
            anchor = f' id="{self.anchor(block.anchor)}"' if block.anchor else ""
            badges = "".join(
                f' <span class="badge badge-{escape(b.lower())}">{escape(b)}</span>'
                for b in block.badges
            )
            return f"<h{block.level}{anchor}>{escape(block.text)}{badges}</h{block.level}>"
        if isinstance(block, Para):
            css = f' class="{escape(block.style)}"' if block.style else ""
            lead = f"<strong>{escape(block.label)}</strong> " if block.label else ""
            return f"<p{css}>{lead}{escape(block.text)}</p>"
        if isinstance(block, Bullets):
            tag = "ol" if block.ordered else "ul"
            css = f' class="{escape(block.css)}"' if block.css else ""
            return f"<{tag}{css}>{''.join(self.item(i) for i in block.items)}</{tag}>"
        if isinstance(block, Table):
            head = "".join(f'<th scope="col">{escape(h)}</th>' for h in block.header)
            body = "".join(
                "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
            return (
                f'<div class="table-wrap" tabindex="0" role="region" aria-label="{escape(block.caption or "table")}">'
                f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
            )
        if isinstance(block, Chart):
            self.charts += 1
            chart_id = self.anchor(f"chart-{self.charts}")
            return (
                f'<figure class="chart"><figcaption>{escape(block.title)}</figcaption>'
                f"{charts.svg(block, chart_id)}</figure>"
            )
        if isinstance(block, Contents):
            if not block.entries:
                return ""
            items = "".join(
                f'<li><a href="#{self.anchor(anchor)}">{escape(text)}</a></li>'
                for _level, text, anchor in block.entries
            )
            heading_id = self.anchor("contents")
            return (
                f'<nav class="toc" aria-labelledby="{heading_id}"><h2 id="{heading_id}">Contents</h2>'
                f"<ol>{items}</ol></nav>"
            )
        raise TypeError(f"unknown block {type(block).__name__}")

    def write(self, section: Section) -> str:
        return "\n".join(self.block(b) for b in section.blocks)


def to_html(draft: ICPDraft) -> str:
    """The standalone document: one file, inline CSS with print styles, no scripts."""
    body = HTMLWriter().write(outline(draft))
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(draft.title)}</title>",
            f"<style>{CSS}</style></head><body>",
            body,
            "</body></html>",
        ]
    )


def fragment(draft: ICPDraft, quote: QuoteWriter, prefix: str = "icp-") -> str:
    """The same document for the web page: anchors prefixed, quotes written by `quote`."""
    return HTMLWriter(quote, prefix).write(outline(draft))
