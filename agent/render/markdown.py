"""The outline as Markdown."""

from __future__ import annotations

from agent.render.blocks import Bullets, Heading, Para, Quote, Table
from agent.render.outline import outline
from agent.schema.icp import ICPDraft


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _quote(quote: Quote, indent: str) -> str:
    text = " ".join(quote.text.split())
    return f"{indent}> “{text}” — *{quote.cite}*"


def to_markdown(draft: ICPDraft) -> str:
    lines: list[str] = []
    for block in outline(draft).blocks:
        if isinstance(block, Heading):
            lines += ["", "#" * block.level + " " + block.text, ""]
        elif isinstance(block, Para):
            if block.style == "hypothesis":
                lines += [f"> **{block.text}**", ""]
            elif block.style == "warning":
                lines += [f"> ⚠ {block.text}", ""]
            elif block.style == "meta":
                lines += [f"*{block.text}*", ""]
            elif block.label and not block.text:
                lines += [f"**{block.label}**", ""]
            else:
                lead = f"**{block.label}** " if block.label else ""
                lines += [lead + block.text, ""]
        elif isinstance(block, Bullets):
            for number, item in enumerate(block.items, start=1):
                marker = f"{number}." if block.ordered else "-"
                text, quotes = (item, []) if isinstance(item, str) else item
                lines.append(f"{marker} {text}")
                for quote in quotes:
                    lines.append(_quote(quote, "   "))
            lines.append("")
        elif isinstance(block, Table):
            lines.append("| " + " | ".join(_cell(h) for h in block.header) + " |")
            lines.append("|" + "|".join("---" for _ in block.header) + "|")
            for row in block.rows:
                lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
            lines.append("")
    return "\n".join(lines).strip() + "\n"
