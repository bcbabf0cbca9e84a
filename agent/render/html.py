"""The outline as one standalone HTML file (inline CSS, no scripts). All text is escaped."""

from __future__ import annotations

from html import escape

from agent.render.blocks import Bullets, Heading, Para, Quote, Table
from agent.render.outline import outline
from agent.schema.icp import ICPDraft

CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.7rem}h2{margin-top:2.2rem;border-bottom:1px solid #dde2ea;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;width:100%}td,th{border:1px solid #dde2ea;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6fa}.meta{color:#5b6475;font-size:.9rem}.warning{background:#fff6e0;border-left:4px solid #e0a100;padding:.5rem .8rem}
.hypothesis{background:#fdecec;border-left:4px solid #c53030;padding:.5rem .8rem;font-weight:600}.note{color:#5b6475}
details{margin:.15rem 0 .4rem 0}summary{cursor:pointer;color:#2b59c3;font-size:.9rem}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.7rem;border-left:3px solid #b8c3d6;color:#2d3648}
cite{display:block;color:#5b6475;font-size:.85rem;font-style:normal}
"""


def _quote(quote: Quote) -> str:
    return f'<blockquote data-doc="{escape(quote.doc_id)}" data-start="{quote.start}" data-end="{quote.end}">“{escape(quote.text)}”<cite>{escape(quote.cite)}</cite></blockquote>'


def to_html(draft: ICPDraft) -> str:
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(draft.title)}</title>",
        f"<style>{CSS}</style></head><body>",
    ]
    for block in outline(draft).blocks:
        if isinstance(block, Heading):
            anchor = f' id="{escape(block.anchor)}"' if block.anchor else ""
            parts.append(f"<h{block.level}{anchor}>{escape(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            css = f' class="{block.style}"' if block.style else ""
            lead = f"<strong>{escape(block.label)}</strong> " if block.label else ""
            parts.append(f"<p{css}>{lead}{escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            tag = "ol" if block.ordered else "ul"
            parts.append(f"<{tag}>")
            for item in block.items:
                text, quotes = (item, []) if isinstance(item, str) else item
                inner = escape(text)
                if quotes:
                    label = f"{len(quotes)} quote{'s' if len(quotes) != 1 else ''}"
                    inner += f"<details><summary>{label}</summary>{''.join(_quote(q) for q in quotes)}</details>"
                parts.append(f"<li>{inner}</li>")
            parts.append(f"</{tag}>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{escape(h)}</th>" for h in block.header)
            body = "".join(
                "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)
