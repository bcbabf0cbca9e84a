"""YAML front matter (`---` … `---`) at the top of Markdown/text files."""

from __future__ import annotations

import re
from typing import Any

import yaml

# front matter keys of a win/loss or churn note
DEAL_KEYS = frozenset(
    {"outcome", "result", "competitor", "acv", "deal_stage", "churn_date", "lost_to"}
)
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(text: str) -> tuple[dict[str, Any], int, str | None]:
    """(metadata, offset where the body starts, problem). A malformed block is reported,
    not fatal: the body is then the whole text."""
    match = _FRONT.match(text)
    if not match:
        return {}, 0, None
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        return {}, 0, f"front matter is not valid YAML ({str(exc).splitlines()[0]})"
    if not isinstance(data, dict):
        return {}, 0, "front matter is not a mapping of key: value"
    return {str(k).strip().lower(): v for k, v in data.items()}, match.end(), None
