"""Comparison questions answered from the ICP's tables, not from text retrieval: "which
segment has the highest PMF share" (counting questions: agent.qa.counts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.qa.models import Answer, Citation
from agent.schema.icp import ICPDraft, Segment
from agent.store import Workspace

WHICH_SEGMENT = re.compile(r"\bwhich (?:segment|customer segment|icp segment)s?\b", re.IGNORECASE)
MIN_PMF_N = 5


@dataclass
class Metric:
    name: str
    value: Any
    label: str


def _segment_metric(question: str) -> tuple[str, bool]:
    q = question.lower()
    lowest = bool(re.search(r"\b(lowest|least|worst|smallest|fewest|minimum|min)\b", q))
    if re.search(r"\bchurn", q):
        return "churn", lowest
    if re.search(r"\b(pmf|product[- ]market|disappointed|love[sd]?|fit score|sean ellis)\b", q):
        return "pmf", lowest
    if re.search(r"\b(win rate|wins?|won|close rate|conversion)\b", q):
        return "win_rate", lowest
    if re.search(r"\b(acv|contract value|deal size|pay|pays|revenue|spend)\b", q):
        return "acv", lowest
    if re.search(r"\b(accounts|customers|biggest|largest|most)\b", q):
        return "accounts", lowest
    return "pmf", lowest


def _value(segment: Segment, metric: str) -> float | None:
    if metric == "pmf":
        return segment.pmf.very_disappointed_pct if segment.pmf.n >= MIN_PMF_N else None
    if metric == "win_rate":
        return segment.win_rate if segment.outcomes.closed >= 2 else None
    if metric == "churn":
        closed = segment.outcomes.closed
        return segment.outcomes.churned / closed if closed >= 2 else None
    if metric == "acv":
        return segment.acv_median
    return float(len(segment.accounts))


def _describe(segment: Segment, metric: str) -> str:
    if metric == "pmf":
        return f"{segment.pmf.very_disappointed_pct:.0f}% very disappointed (n={segment.pmf.n})"
    if metric == "win_rate":
        return f"win rate {segment.win_rate:.0%} ({segment.outcomes.won + segment.outcomes.expanded} of {segment.outcomes.closed} closed deals)"
    if metric == "churn":
        return f"{segment.outcomes.churned} of {segment.outcomes.closed} closed accounts churned"
    if metric == "acv":
        return f"median ACV ${segment.acv_median:,.0f}"
    return f"{len(segment.accounts)} accounts"


def _table_answer(
    question: str, text: str, answered: bool = True, citations: list[Citation] | None = None
) -> Answer:
    """An answer counted from the ICP and evidence tables (no text retrieval)."""
    return Answer(
        question=question,
        resolved_question=question,
        answered=answered,
        text=text,
        citations=citations or [],
        mode="aggregate",
        engine="tables",
    )


def which_segment(question: str, draft: ICPDraft) -> Answer:
    metric, lowest = _segment_metric(question)
    ranked = [(s, _value(s, metric)) for s in draft.segments]
    measured = [(s, v) for s, v in ranked if v is not None]
    skipped = [s for s, v in ranked if v is None]
    if not measured:
        text = f"Not enough evidence: no segment has enough data for {metric.replace('_', ' ')} (PMF needs at least {MIN_PMF_N} answers)."
        return _table_answer(question, text, answered=False)
    measured.sort(key=lambda item: item[1], reverse=not lowest)
    best, _ = measured[0]
    lines = [
        f"{'Lowest' if lowest else 'Highest'}: “{best.name}” — {_describe(best, metric)}"
        + (" [hypothesis]" if best.hypothesis else "")
        + "."
    ]
    for segment, _ in measured[1:]:
        lines.append(
            f"Then “{segment.name}” — {_describe(segment, metric)}"
            + (" [hypothesis]" if segment.hypothesis else "")
            + "."
        )
    if skipped:
        lines.append(
            "Not ranked (too little data): " + ", ".join(f"“{s.name}”" for s in skipped) + "."
        )
    lines.append(f"From ICP v{draft.version}." if draft.version else "From the current draft.")
    return _table_answer(question, " ".join(lines))


def try_aggregate(
    question: str, workspace: Workspace, embedder: Any, draft: Any = None
) -> Answer | None:
    if WHICH_SEGMENT.search(question):
        if draft is None:
            return _table_answer(
                question,
                "Not enough evidence: segment questions need an ICP version — run `icp synthesize` first.",
                answered=False,
            )
        return which_segment(question, draft)
    return None
