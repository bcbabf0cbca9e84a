"""What the LLM reads: token-bounded windows of whole customer turns, each with the context it
answers (the interviewer's question, the heading of a note's section), with instruction-like
text and prompt markup (prompt injection, `agent.extract.injection`) removed before it is
sent, and speaker labels and headings escaped as data."""

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


QUESTION_CHARS = 300  # the end of the interviewer's question: what the answer answers


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else "…" + text[-limit:].split(" ", 1)[-1]


def _turn_units(
    doc: SourceDocument, removed: list[tuple[int, int]] | None = None
) -> list[tuple[int, int, str, str]]:
    """(start, end, label, context) of the text the model may quote: the content turns of
    customers (headings and label lines are never quoted), or a whole note without structure.
    `context` is what the turn answers, sent beside it and never quotable: the interviewer's
    question before a customer's answer (`[interviewer] …`) and the heading a note's bullet
    sits under (`[section] …`), as the offline engine reads them."""
    if doc.kind == SourceKind.crm:
        return []
    removed = removed or []
    units: list[tuple[int, int, str, str]] = []
    question = ""
    section: str | None = None
    for turn in doc.turns:
        if not turn.is_content:
            continue
        if turn.role == SpeakerRole.interviewer:
            question = _one_line(without(doc.text, turn.start, turn.end, removed), QUESTION_CHARS)
            continue
        context: list[str] = []
        if question:
            context.append(f"[interviewer] {question}")
            question = ""
        if turn.section and turn.section != section:
            context.append(f"[section] {as_data(turn.section, 120)}")
            section = turn.section
        label = (
            f"{as_data(turn.speaker, 60)}: "
            if turn.speaker and doc.kind == SourceKind.transcript
            else ""
        )
        units.append((turn.start, turn.end, label, "\n".join(context)))
    if not doc.turns:
        return [(0, len(doc.text), "", "")]
    return units


def _render(doc: SourceDocument, start: int, end: int, removed: list[tuple[int, int]]) -> str:
    return without(doc.text, start, end, removed)


def build_windows(doc: SourceDocument, max_tokens: int, model: str | None = None) -> list[Window]:
    removed = injection_spans(doc)
    pieces: list[tuple[int, int, str]] = []
    for start, end, label, context in _turn_units(doc, removed):
        lead = context + "\n\n" if context else ""  # a paragraph of its own, never quoted
        text = lead + label + _render(doc, start, end, removed)
        if count_tokens(text, model) <= max_tokens:
            pieces.append((start, end, text))
            continue
        # a monologue longer than a window: split at sentence boundaries (the context goes
        # with its first part)
        run_start = None
        run_end = start
        for a, b in split_sentences(doc.text, start, end):
            candidate = (
                lead + label + _render(doc, run_start if run_start is not None else a, b, removed)
            )
            if run_start is not None and count_tokens(candidate, model) > max_tokens:
                pieces.append(
                    (run_start, run_end, lead + label + _render(doc, run_start, run_end, removed))
                )
                lead = ""
                run_start = a
            elif run_start is None:
                run_start = a
            run_end = b
        if run_start is not None:
            pieces.append(
                (run_start, run_end, lead + label + _render(doc, run_start, run_end, removed))
            )
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
