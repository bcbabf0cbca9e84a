"""Grouping statements into themes (agent/synthesize/themes.py): average linkage joins one
finding worded differently by each account, never joins a group on one close pair, and stays
bounded in memory on large research."""

from __future__ import annotations

import numpy as np
import pytest

import agent.synthesize.themes as themes
from agent.schema import Evidence, EvidenceKind, SourceKind
from agent.synthesize.themes import average_link, cluster, ranked_claims


def _evidence(quote: str, account: str, index: int) -> Evidence:
    return Evidence(
        kind=EvidenceKind.pain,
        summary=quote,
        quote=quote,
        doc_id=f"d{index}",
        source=f"interview-{index}.txt",
        source_kind=SourceKind.transcript,
        start=0,
        end=len(quote),
        account=account,
        confidence=0.9,
        engine="offline",
    )


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


def _paraphrases(count: int, alike: float, axis: int, dimension: int = 16) -> list[np.ndarray]:
    """`count` unit vectors whose pairwise cosine is `alike`: a shared direction plus one
    direction of each statement's own."""
    shared = np.zeros(dimension)
    shared[axis] = 1.0
    vectors = []
    for i in range(count):
        own = np.zeros(dimension)
        own[axis + 1 + i] = 1.0
        vectors.append(_unit(np.sqrt(alike) * shared + np.sqrt(1 - alike) * own))
    return vectors


SCHEDULE = [
    "We rebuild the rota from scratch every Sunday night on a Google Sheet.",
    "My ops managers lose twelve hours a week typing names into that grid.",
    "Honestly it's me and a few spreadsheets every Thursday.",
]
TEMPS = [
    "The agency confirms twenty for Saturday and fourteen show up.",
    "Our staffing partner fills maybe two of every three slots we order.",
]


def _research() -> tuple[list[Evidence], dict[str, np.ndarray]]:
    items = [_evidence(q, f"Account {i}", i) for i, q in enumerate(SCHEDULE)]
    items += [_evidence(q, f"Account {i + 3}", i + 3) for i, q in enumerate(TEMPS)]
    vectors = _paraphrases(3, 0.45, axis=0) + _paraphrases(2, 0.5, axis=8)
    return items, {e.id: v for e, v in zip(items, vectors, strict=True)}


def test_one_finding_in_each_accounts_own_words_is_one_theme():
    items, vectors = _research()
    grouped = sorted(sorted(e.quote for e in t.items) for t in average_link(items, vectors))
    assert grouped == sorted([sorted(SCHEDULE), sorted(TEMPS)])
    # a running centroid at the survey threshold splits the same statements
    assert len(cluster(items, vectors)) > 2


def test_the_theme_counts_every_account_that_says_it():
    items, vectors = _research()
    shown, _ = ranked_claims(items, vectors, 5, 2)
    assert [c.accounts for c in shown] == [3, 2]
    assert {r.quote for r in shown[0].evidence} == set(SCHEDULE)


def test_a_theme_never_joins_on_one_close_pair():
    items, vectors = _research()
    stray = _evidence("The spreadsheet has a tab per building.", "Account 9", 9)
    # very close to what one statement of the schedule theme says of its own, unrelated to the
    # other two: single linkage would chain it into the theme
    own = vectors[items[0].id] - np.sqrt(0.45) * np.eye(16)[0]
    vectors[stray.id] = _unit(own)
    found = average_link([*items, stray], vectors)
    with_stray = next(t for t in found if stray in t.items)
    assert len(with_stray.items) <= 2
    assert not {items[1].id, items[2].id} & {e.id for e in with_stray.items}


def test_every_statement_is_in_exactly_one_theme_and_the_order_is_stable():
    items, vectors = _research()
    first = [[e.id for e in t.items] for t in average_link(items, vectors)]
    again = [[e.id for e in t.items] for t in average_link(list(reversed(items)), vectors)]
    assert first == again
    assert sorted(i for group in first for i in group) == sorted(e.id for e in items)


def test_large_research_groups_near_duplicates_first(monkeypatch):
    monkeypatch.setattr(themes, "MAX_LINKED", 4)
    items, vectors = _research()
    copies = [_evidence(e.quote, e.account, 10 + i) for i, e in enumerate(items)]
    vectors.update({c.id: vectors[e.id] for c, e in zip(copies, items, strict=True)})
    found = average_link([*items, *copies], vectors)
    sizes = sorted(len(t.items) for t in found)
    assert sum(sizes) == 10
    # near-duplicates first (5 groups > 4), and those groups stand as they are
    assert sizes == [2, 2, 2, 2, 2]


@pytest.mark.parametrize("size", [1, 2])
def test_tiny_inputs(size):
    items, vectors = _research()
    found = average_link(items[:size], vectors)
    assert sum(len(t.items) for t in found) == size
