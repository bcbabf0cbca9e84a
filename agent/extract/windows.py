"""What the LLM reads: token-bounded windows of whole customer turns, with instruction-like
text and prompt markup (prompt injection, `agent.extract.injection`) removed before it is
sent, and speaker labels escaped as data."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from agent.extract.injection import ROLE_WORDS, as_data, instruction_spans, is_instruction, without
from agent.schema import SourceDocument, SourceKind, SpeakerRole
from agent.textspans import split_sentences
from agent.tokens import count_tokens


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
    """Text that tries to instruct a model; it is data and is never sent or quoted. A turn whose
    speaker label is itself an instruction or a chat role ("SYSTEM") goes whole."""
    spans: list[tuple[int, int]] = []
    for turn in doc.turns or []:
        label = (turn.speaker or "").strip(" *_#").lower()
        if turn.speaker and (label in ROLE_WORDS or is_instruction(turn.speaker)):
            spans.append((turn.start, turn.end))
        else:
            spans.extend(instruction_spans(doc.text, turn.start, turn.end))
    if not doc.turns:
        spans = instruction_spans(doc.text)
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
            f"{as_data(t.speaker, 60)}: "
            if t.speaker and doc.kind == SourceKind.transcript
            else "",
        )
        for t in turns
    ]


def _render(doc: SourceDocument, start: int, end: int, removed: list[tuple[int, int]]) -> str:
    return without(doc.text, start, end, removed)


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
