"""A tiny document model shared by the Markdown, HTML and web-page writers. Every string in a
block is plain text (never markup): each writer escapes it for its own format."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Heading:
    level: int
    text: str
    anchor: str | None = None
    badges: list[str] = field(default_factory=list)  # e.g. tier, "hypothesis"


@dataclass
class Para:
    text: str
    label: str | None = None  # bold lead-in, e.g. "Who:"
    style: str | None = None  # "note", "warning", "hypothesis", "meta", "empty"


@dataclass
class Quote:
    text: str
    cite: str
    doc_id: str = ""
    start: int = 0
    end: int = 0
    source: str = ""
    who: str = ""


@dataclass
class Item:
    """A bullet: its text, small tags (support counts, flags), an optional note, an optional
    one-line description (a theme's) and quotes."""

    text: str
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    quotes: list[Quote] = field(default_factory=list)
    css: str | None = None  # "claim", "role"
    detail: str | None = None  # one line under the text: what a theme says


@dataclass
class Bullets:
    items: list[str | Item]
    ordered: bool = False
    css: str | None = None


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str | None = None


@dataclass
class Cell:
    """One bar: `fraction` of the column's full width (0..1), and the words shown beside it."""

    fraction: float | None
    text: str


@dataclass
class ChartRow:
    label: str
    cells: list[Cell]
    muted: bool = False  # e.g. a hypothesis segment


@dataclass
class Chart:
    """A horizontal bar chart, one bar per column per row: drawn as inline SVG in HTML and
    as a table in Markdown (the numbers are always written out, never only drawn)."""

    title: str
    columns: list[str]
    rows: list[ChartRow]
    description: str = ""
    marker: tuple[int, float, str] | None = None  # (column, fraction, label): a reference line


@dataclass
class Contents:
    """The table of contents: (level, text, anchor) of the document's headings."""

    entries: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class Section:
    blocks: list[object] = field(default_factory=list)
    css: str | None = None
    anchor: str | None = None

    def add(self, *blocks: object) -> Section:
        self.blocks.extend(blocks)
        return self

    def headings(self) -> list[Heading]:
        found: list[Heading] = []
        for block in self.blocks:
            if isinstance(block, Heading):
                found.append(block)
            elif isinstance(block, Section):
                found += block.headings()
        return found
