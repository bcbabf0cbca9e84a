"""Adjusted Rand index between two labelings of the same accounts (Hubert & Arabie, 1985)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from math import comb


def adjusted_rand_index(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    if len(truth) != len(predicted):
        raise ValueError("labelings must cover the same items")
    n = len(truth)
    if n < 2:
        return 1.0
    contingency = Counter(zip(truth, predicted, strict=True))
    sum_cells = sum(comb(c, 2) for c in contingency.values())
    sum_truth = sum(comb(c, 2) for c in Counter(truth).values())
    sum_pred = sum(comb(c, 2) for c in Counter(predicted).values())
    expected = sum_truth * sum_pred / comb(n, 2)
    maximum = (sum_truth + sum_pred) / 2
    if maximum == expected:
        return 1.0
    return (sum_cells - expected) / (maximum - expected)
