"""Grounding: a quote returned by a model is located in its source, or it is dropped.

Exact match first; then whitespace/quote/dash-insensitive; then a strict fuzzy fallback
(similarity >= FUZZY_MIN against sentence spans) that repairs small differences. Whatever
matched, the stored quote is the exact source span, never the model's text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from agent.textspans import find_span, normalise, split_sentences

FUZZY_MIN = 0.92
_LABEL = re.compile(r"^\s*[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3}\s*(?:\([^)]{0,60}\))?\s*:\s+")


def _clean(quote: str) -> str:
    quote = quote.strip().strip("\"“”'‘’").strip()
    return _LABEL.sub("", quote, count=1).strip()


def locate_quote(
    text: str, spans: list[tuple[int, int]], quote: str, excluded: Sequence[tuple[int, int]] = ()
) -> tuple[int, int] | None:
    """Offsets in `text` of `quote`, searched only inside `spans`; None when not grounded."""
    cleaned = _clean(quote)
    if len(cleaned) < 3:
        return None
    found = None
    for start, end in spans:
        hit = find_span(text[start:end], cleaned)
        if hit:
            found = (start + hit[0], start + hit[1])
            break
    if found is None:
        found = _fuzzy(text, spans, cleaned)
    if found is None or any(a < found[1] and found[0] < b for a, b in excluded):
        return None
    return found


def _fuzzy(text: str, spans: list[tuple[int, int]], quote: str) -> tuple[int, int] | None:
    target = normalise(quote).lower()
    best: tuple[float, tuple[int, int]] | None = None
    for start, end in spans:
        sentences = split_sentences(text, start, end)
        candidates = list(sentences) + [
            (sentences[i][0], sentences[i + 1][1]) for i in range(len(sentences) - 1)
        ]
        for a, b in candidates:
            candidate = normalise(text[a:b]).lower()
            if not 0.75 <= len(candidate) / max(1, len(target)) <= 1.33:
                # the quote may be a clause inside a longer sentence: compare with its best window
                position = candidate.find(target[: max(8, len(target) // 3)])
                if position < 0:
                    continue
                candidate_span = candidate[position : position + len(target)]
                ratio = SequenceMatcher(None, candidate_span, target, autojunk=False).ratio()
                if ratio >= FUZZY_MIN:
                    raw = find_span(
                        text[a:b], candidate_span
                    )  # the clause's offsets in the original
                    if raw:
                        span = (a + raw[0], a + raw[1])
                        if best is None or ratio > best[0]:
                            best = (ratio, span)
                continue
            ratio = SequenceMatcher(None, candidate, target, autojunk=False).ratio()
            if ratio >= FUZZY_MIN and (best is None or ratio > best[0]):
                best = (ratio, (a, b))
    return best[1] if best else None
