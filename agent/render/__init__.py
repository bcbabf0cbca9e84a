"""Rendering an ICPDraft: one outline of blocks, written out as Markdown or standalone HTML."""

from agent.render.html import to_html
from agent.render.markdown import to_markdown

__all__ = ["to_html", "to_markdown"]
