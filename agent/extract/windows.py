"""What the LLM reads: token-bounded windows of whole customer turns, with instruction-like
text (prompt injection) removed before it is sent."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from agent.schema import SourceDocument, SourceKind, SpeakerRole
from agent.textspans import split_sentences
from agent.tokens import count_tokens

INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.?!\n]{0,40}\b(previous|prior|above|earlier|all|your|the)\b[^.?!\n]{0,20}\b(instructions?|prompts?|rules|directions)\b"
    r"|\b(system prompt|you are now|act as (an?|the) (ai|assistant|model)|as an ai language model|new instructions:)",
    re.IGNORECASE,
)
REMOVED = "[instruction-like text removed]"


@dataclass
class Window:
    doc_id: str
    index: int
    text: str
    spans: list[tuple[int, int]]  # document offsets of the turn texts this window covers
    tokens: int
    removed: list[tuple[int, int]] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)  # the rendered text of each span

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()[:24]


def injection_spans(doc: SourceDocument) -> list[tuple[int, int]]:
    """Sentences that try to instruct a model; they are data and are never sent or quoted."""
    spans = []
    for turn in doc.turns or []:
        for a, b in split_sentences(doc.text, turn.start, turn.end):
            if INJECTION.search(doc.text[a:b]):
                spans.append((a, b))
    if not doc.turns:
        spans = [(a, b) for a, b in split_sentences(doc.text) if INJECTION.search(doc.text[a:b])]
    return spans


def _turn_units(doc: SourceDocument) -> list[tuple[int, int, str]]:
    """(start, end, label) of the text the model may quote: customer turns, or whole notes."""
    if doc.kind == SourceKind.crm:
        return []
    turns = [t for t in doc.turns if t.role != SpeakerRole.interviewer]
    if not turns:
        return [(0, len(doc.text), "")]
    return [
        (
            t.start,
            t.end,
            f"{t.speaker}: " if t.speaker and doc.kind == SourceKind.transcript else "",
        )
        for t in turns
    ]


def _render(doc: SourceDocument, start: int, end: int, removed: list[tuple[int, int]]) -> str:
    pieces = []
    cursor = start
    for a, b in removed:
        if a >= start and b <= end:
            pieces.append(doc.text[cursor:a])
            pieces.append(REMOVED)
            cursor = b
    pieces.append(doc.text[cursor:end])
    return "".join(pieces)


def build_windows(doc: SourceDocument, max_tokens: int, model: str | None = None) -> list[Window]:
    removed = injection_spans(doc)
    pieces: list[tuple[int, int, str]] = []
    for start, end, label in _turn_units(doc):
        text = label + _render(doc, start, end, removed)
        if count_tokens(text, model) <= max_tokens:
            pieces.append((start, end, text))
            continue
        # a monologue longer than a window: split at sentence boundaries
        run_start = None
        run_end = start
        for a, b in split_sentences(doc.text, start, end):
            candidate = label + _render(doc, run_start if run_start is not None else a, b, removed)
            if run_start is not None and count_tokens(candidate, model) > max_tokens:
                pieces.append(
                    (run_start, run_end, label + _render(doc, run_start, run_end, removed))
                )
                run_start = a
            elif run_start is None:
                run_start = a
            run_end = b
        if run_start is not None:
            pieces.append((run_start, run_end, label + _render(doc, run_start, run_end, removed)))
    windows: list[Window] = []
    current: list[tuple[int, int, str]] = []
    current_tokens = 0
    for piece in pieces:
        tokens = count_tokens(piece[2], model) + 1
        if current and current_tokens + tokens > max_tokens:
            windows.append(_window(doc, len(windows), current, current_tokens, removed))
            current, current_tokens = [], 0
        current.append(piece)
        current_tokens += tokens
    if current:
        windows.append(_window(doc, len(windows), current, current_tokens, removed))
    return windows


def _window(
    doc: SourceDocument,
    index: int,
    pieces: list[tuple[int, int, str]],
    tokens: int,
    removed: list[tuple[int, int]],
) -> Window:
    spans = [(a, b) for a, b, _ in pieces]
    inside = [r for r in removed if any(a <= r[0] and r[1] <= b for a, b in spans)]
    texts = [t for _, _, t in pieces]
    return Window(
        doc_id=doc.doc_id,
        index=index,
        text="\n\n".join(texts),
        spans=spans,
        tokens=tokens,
        removed=inside,
        pieces=texts,
    )
