"""Token-bounded chunks by speaker turn and paragraph, each keeping offsets into its source."""

from __future__ import annotations

import hashlib

from agent.schema import Chunk, SourceDocument, SpeakerRole
from agent.textspans import split_sentences
from agent.tokens import count_tokens


def _pieces(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int, int]]:
    """(start, end, tokens) runs of whole sentences, each at most max_tokens when possible."""
    runs: list[tuple[int, int, int]] = []
    current_start: int | None = None
    current_end = start
    current_tokens = 0
    for a, b in split_sentences(text, start, end):
        tokens = count_tokens(text[a:b])
        if tokens > max_tokens:
            if current_start is not None:
                runs.append((current_start, current_end, current_tokens))
                current_start, current_tokens = None, 0
            runs.extend(_split_long(text, a, b, max_tokens))
            continue
        if current_start is not None and current_tokens + tokens > max_tokens:
            runs.append((current_start, current_end, current_tokens))
            current_start, current_tokens = None, 0
        if current_start is None:
            current_start = a
        current_end = b
        current_tokens += tokens
    if current_start is not None:
        runs.append((current_start, current_end, current_tokens))
    return runs


def _split_long(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int, int]]:
    """A sentence longer than the budget (a run-on answer): cut at word boundaries."""
    runs = []
    words_start = start
    position = start
    tokens = 0
    while position < end:
        next_space = text.find(" ", position + 1, end)
        next_space = end if next_space < 0 else next_space
        word_tokens = count_tokens(text[position:next_space])
        if tokens + word_tokens > max_tokens and position > words_start:
            runs.append((words_start, position, tokens))
            words_start, tokens = position + 1, 0
        tokens += word_tokens
        position = next_space
    if position > words_start:
        runs.append((words_start, end, tokens))
    return runs


def chunk_document(doc: SourceDocument, max_tokens: int = 200) -> list[Chunk]:
    spans = [(t.start, t.end, t.speaker, t.role) for t in doc.turns] or [
        (0, len(doc.text), None, SpeakerRole.unknown)
    ]
    chunks: list[Chunk] = []
    for start, end, speaker, role in spans:
        for a, b, tokens in _pieces(doc.text, start, end, max_tokens):
            chunk_id = hashlib.sha1(f"{doc.doc_id}:{a}:{b}".encode()).hexdigest()[:20]
            chunks.append(
                Chunk(
                    chunk_id=chunk_id,
                    doc_id=doc.doc_id,
                    source=doc.source,
                    kind=doc.kind,
                    account=doc.account,
                    speaker=speaker,
                    role=role,
                    start=a,
                    end=b,
                    text=doc.text[a:b],
                    tokens=tokens,
                )
            )
    return chunks
