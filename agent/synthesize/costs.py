"""The cost shown beside a theme: one stated in a quote the reader sees, read exactly (amount,
unit, period and the words that said it), or none. A median across different statements is
no quote: when no shown quote states a cost unambiguously, the quotes stand alone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from agent.extract.quantities import stated_cost
from agent.schema import Evidence, SourceDocument
from agent.schema.icp import Claim
from agent.textspans import split_sentences

# "That's four hours a day across the bench.", "It takes me two full days.": what something
# costs, said of the sentence before it
POINTS_BACK = re.compile(
    r"^\W*(?:\w+\W+){0,6}?(?:that|it|this|which)(?:'s|\s+is|\s+was|\s+takes?|\s+took|"
    r"\s+costs?|\s+means|\s+adds\s+up)\b",
    re.IGNORECASE,
)


def sentence_before(document: SourceDocument, start: int) -> str | None:
    """The sentence before `start` in its turn (the turn's text: no speaker label or
    timestamp), or None when it opens the turn."""
    turn = next((t for t in document.turns if t.start <= start < t.end), None)
    if turn is None:
        return None
    spans = split_sentences(document.text, turn.start, start)
    if not spans:
        return None
    a, b = spans[-1]
    sentence = document.text[a:b].strip()
    return sentence if len(sentence.split()) >= 3 else None


def points_back(item: Evidence) -> bool:
    """A statement of what the sentence before it costs ("That's four hours a day")."""
    return item.quantity is not None and bool(POINTS_BACK.match(item.quote))


def read_in_context(
    evidence: Iterable[Evidence],
    documents: Iterable[SourceDocument],
    vectors: dict[str, np.ndarray],
    embed: Callable[[list[str]], Any],
) -> dict[str, np.ndarray]:
    """Vectors for grouping statements into themes: a cost that points back ("That's four
    hours a day across the bench") is read with the sentence it is said of ("…we type the
    numbers into FileMaker"), so it joins the theme of what it costs instead of making a
    theme of hours and days of its own."""
    by_id = {d.doc_id: d for d in documents}
    pending: list[tuple[str, str]] = []
    for item in evidence:
        if item.id not in vectors or not points_back(item) or item.doc_id not in by_id:
            continue
        before = sentence_before(by_id[item.doc_id], item.start)
        if before:
            pending.append((item.id, f"{before} {item.quote}"))
    if not pending:
        return vectors
    read = dict(vectors)
    for (item_id, _), vector in zip(pending, embed([t for _, t in pending]), strict=True):
        vector = np.asarray(vector, dtype=np.float32)
        read[item_id] = vector / max(float(np.linalg.norm(vector)), 1e-9)
    return read


def show_stated_cost(claim: Claim) -> Claim:
    """Replace the theme's cost with the first one a shown quote states (in quote order)."""
    stated = [cost for ref in claim.evidence if (cost := stated_cost(ref.quote)) is not None]
    claim.cost = stated[0] if stated else None
    claim.cost_mentions = len(stated)
    return claim
