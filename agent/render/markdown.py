"""The outline as Markdown (GitHub-flavoured): tables kept, a contents list of links to the
headings, charts written as tables. Every string is plain text escaped here, so HTML from a
source (`<script>`, `<img onerror>`) stays text and no link from source data is emitted."""

from __future__ import annotations

import re
import unicodedata

from agent.render import labels
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

# Markdown punctuation that could start markup inline; `<` and `>` become text with a backslash.
_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<!\w)_|_(?!\w))")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Bare web addresses: GitHub links them on its own, so their `:` and `.` are escaped.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)(:|\.)")
_LINE_START = re.compile(r"^(\s*)([-+=#]|\d+[.)])(?=\s|$)")


def text(value: str, line_start: bool = True) -> str:
    """Plain text as inert Markdown: one line, markup characters escaped, no autolinks.
    `line_start`: the text may begin a line or follow a list marker (`1.` `-` `#` escaped)."""
    # GitHub links an e-mail address whatever is escaped in it, and it is personal: masked
    flat = " ".join(labels.without_emails(value).split())
    flat = _SPECIAL.sub(r"\\\1", flat)
    flat = _ENTITY.sub(r"\\&", flat)
    flat = _AUTOLINK.sub(lambda m: m.group(1) + "\\" + m.group(2), flat)
    if not line_start:
        return flat
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), flat)


def slug(heading: str, seen: dict[str, int]) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, -1 -2 for repeats."""
    folded = unicodedata.normalize("NFKC", heading).lower()
    base = re.sub(r"[^\w\- ]", "", folded).replace(" ", "-")
    count = seen.get(base, 0)
    seen[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


def _quote(quote: Quote, indent: str) -> str:
    return f"{indent}> “{text(quote.text, False)}” — *{text(quote.cite, False)}*"


def _item(item: str | Item) -> tuple[str, list[Quote]]:
    if isinstance(item, str):
        return text(item), []
    line = " · ".join([text(item.text), *(text(t) for t in item.tags)])
    if item.note:
        line += " · " + text(item.note)
    return line, item.quotes


class MarkdownWriter:
    def __init__(self, section: Section) -> None:
        self.section = section
        seen: dict[str, int] = {}
        # GitHub numbers repeated anchors in document order, over every heading
        self.slugs = {
            id(h): slug(h.text + "".join(f" {b}" for b in h.badges if b == "hypothesis"), seen)
            for h in section.headings()
        }
        self.by_anchor = {h.anchor: id(h) for h in section.headings() if h.anchor}

    def block(self, block: object) -> list[str]:
        if isinstance(block, Section):
            return [line for b in block.blocks for line in self.block(b)]
        if isinstance(block, Heading):
            extra = " (hypothesis)" if "hypothesis" in block.badges else ""
            return ["", "#" * block.level + " " + text(block.text + extra), ""]
        if isinstance(block, Para):
            body = text(block.text)
            if block.style == "hypothesis":
                return [f"> **{body}**", ""]
            if block.style == "warning":
                return [f"> ⚠ {body}", ""]
            if block.style in ("meta", "empty"):
                lead = f"**{text(block.label)}** " if block.label else ""
                return [f"{lead}*{body}*", ""]
            if block.label and not block.text:
                return [f"**{text(block.label)}**", ""]
            lead = f"**{text(block.label)}** " if block.label else ""
            return [lead + body, ""]
        if isinstance(block, Bullets):
            lines = []
            for number, entry in enumerate(block.items, start=1):
                marker = f"{number}." if block.ordered else "-"
                line, quotes = _item(entry)
                detail = entry.detail if isinstance(entry, Item) else None
                lines.append(f"{marker} {line}" + ("\\" if detail else ""))  # hard line break
                if detail:
                    lines.append(f"   *{text(detail)}*")
                lines += [_quote(q, "   ") for q in quotes]
            return [*lines, ""]
        if isinstance(block, Table):
            return self.table(block.header, block.rows)
        if isinstance(block, Chart):
            rows = [[row.label, *(c.text for c in row.cells)] for row in block.rows]
            return [f"**{text(block.title)}**", "", *self.table(["", *block.columns], rows)]
        if isinstance(block, Contents):
            if not block.entries:
                return []
            lines = ["**Contents**", ""]
            for number, (_level, heading, anchor) in enumerate(block.entries, start=1):
                target = self.slugs[self.by_anchor[anchor]]
                lines.append(f"{number}. [{text(heading)}](#{target})")
            return [*lines, ""]
        raise TypeError(f"unknown block {type(block).__name__}")

    @staticmethod
    def table(header: list[str], rows: list[list[str]]) -> list[str]:
        lines = ["| " + " | ".join(text(h, False) for h in header) + " |"]
        lines.append("|" + "|".join("---" for _ in header) + "|")
        lines += ["| " + " | ".join(text(c, False) for c in row) + " |" for row in rows]
        return [*lines, ""]

    def write(self) -> str:
        lines = [line for b in self.section.blocks for line in self.block(b)]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def to_markdown(draft: ICPDraft) -> str:
    return MarkdownWriter(outline(draft)).write()
