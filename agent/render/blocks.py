"""A tiny document model shared by the Markdown and HTML writers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Heading:
    level: int
    text: str
    anchor: str | None = None


@dataclass
class Para:
    text: str
    label: str | None = None  # bold lead-in, e.g. "Who:"
    style: str | None = None  # "note", "warning", "hypothesis", "meta"


@dataclass
class Quote:
    text: str
    cite: str
    doc_id: str = ""
    start: int = 0
    end: int = 0


@dataclass
class Bullets:
    items: list[str | tuple[str, list[Quote]]]  # an item may carry its supporting quotes
    ordered: bool = False


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    blocks: list[object] = field(default_factory=list)

    def add(self, *blocks: object) -> Section:
        self.blocks.extend(blocks)
        return self
