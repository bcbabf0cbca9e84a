"""Who says a line, by the gold's own speaker labels, independently of our speaker parser: the
nearest speaker label written before a quote (`Name:`, `<v Name>`, `Name  0:42`, a name alone on
its line) decides."""

from __future__ import annotations

import re

from agent.evaluation.gold import Corpus
from agent.textspans import find_span


def speaker_labels(corpus: Corpus) -> dict[str, dict[str, str]]:
    """file -> {label: 'interviewer' | 'customer'} for files whose gold names their speakers."""
    labels: dict[str, dict[str, str]] = {}
    for document in corpus.gold.documents:
        mapping = {label: "customer" for label in document.customer_labels}
        mapping.update({label: "interviewer" for label in document.interviewer_labels})
        if mapping:
            labels[document.file] = mapping
    return labels


def _pattern(labels: dict[str, str]) -> re.Pattern[str]:
    names = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    # `Name:` / `Name (title):` at a line start (after an optional timestamp), `<v Name>`, an
    # Otter header line `Name  0:42`, or the name alone on its line.
    return re.compile(
        rf"(?m)(?:^[\[\(]?[\d:.,\s>-]*[\]\)]?\s*(?P<a>{names})\s*(?:\([^)\n]*\))?\s*:"
        rf"|<v\s+(?P<b>{names})\s*>"
        rf"|^(?P<c>{names})\s{{2,}}\d{{1,2}}:\d{{2}}"
        rf"|^(?P<d>{names})[ \t]*$)"  # a name alone on its line (Google Meet, Zoom copies)
    )


def label_before(
    text: str, quote: str, labels: dict[str, str], start: int | None = None
) -> str | None:
    """'interviewer' or 'customer' for the speaker of `quote` (or of offset `start`) in `text`."""
    if start is None:
        span = find_span(text, quote)
        if span is None:
            return None
        start = span[0]
    last = None
    for match in _pattern(labels).finditer(text, 0, start):
        last = match.group("a") or match.group("b") or match.group("c") or match.group("d")
    return labels.get(last) if last else None
