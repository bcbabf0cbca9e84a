"""Rendering an ICPDraft: one outline of blocks, written out as Markdown or standalone HTML.

`to_html` and `to_markdown` load on first use: `icp ask` reads `agent.render.labels` for a
role's title and should not load every renderer (and the synthesis modules they read) to do it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.render.html import to_html
    from agent.render.markdown import to_markdown

__all__ = ["to_html", "to_markdown"]


def __getattr__(name: str) -> Any:
    if name == "to_html":
        from agent.render.html import to_html

        return to_html
    if name == "to_markdown":
        from agent.render.markdown import to_markdown

        return to_markdown
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
