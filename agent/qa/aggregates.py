"""Counting and comparison questions answered from the ICP and evidence tables, not from
text retrieval: "how many accounts mention X", "which segment has the highest PMF share"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from agent.qa.models import Answer, Citation
from agent.schema.icp import ICPDraft, Segment
from agent.store import Workspace

COUNT = re.compile(
    r"^\s*how many (?:distinct |different |unique |of (?:our|the) )?(?P<unit>accounts|customers|companies|clients|interviewees)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
WHICH_SEGMENT = re.compile(r"\bwhich (?:segment|customer segment|icp segment)s?\b", re.IGNORECASE)
TOPIC_LEAD = re.compile(
    r"^\s*(?:(?:have|has|did|do|does)\s+)?(?:(?:ever\s+)?(?:mention(?:ed|s)?|sa(?:y|id)|talk(?:ed)? about|complain(?:ed)? about|raise[sd]?|brought up|bring up|describe[sd]?|report(?:ed)?|use[sd]?|using|named?|feel|felt|struggle(?:d)? with|cite[sd]?)\s+)?(?:that\s+|about\s+|the\s+)?",
    re.IGNORECASE,
)
MIN_PMF_N = 5
TOPIC_SIMILARITY = 0.5


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


def count_accounts(question: str, topic: str, workspace: Workspace, embedder: Any) -> Answer:
    topic = TOPIC_LEAD.sub("", topic).strip(" ?.!")
    evidence = [e for e in workspace.catalog.evidence() if e.is_claim and e.account]
    if not topic:
        accounts = sorted({d.account for d in workspace.catalog.documents() if d.account})
        return _table_answer(
            question,
            f"{len(accounts)} accounts are in the research: {', '.join(accounts[:20])}{'…' if len(accounts) > 20 else ''}.",
        )
    if not evidence:
        return _table_answer(
            question,
            "Not enough evidence: no evidence has been extracted yet (run `icp extract`).",
            answered=False,
        )
    query = embedder.embed([topic])[0]
    vectors = workspace.vectors.vectors("evidence", [e.id for e in evidence])
    words = [
        w
        for w in re.findall(r"[a-z0-9]{3,}", topic.lower())
        if w not in {"the", "and", "our", "their", "with", "about", "that"}
    ]
    matched = []
    for item in evidence:
        vector = vectors.get(item.id)
        similarity = float(np.asarray(vector) @ query) if vector is not None else 0.0
        lexical = bool(words) and all(w in item.quote.lower() for w in words)
        if similarity >= TOPIC_SIMILARITY or lexical:
            matched.append((similarity + (0.2 if lexical else 0.0), item))
    matched.sort(key=lambda m: -m[0])
    by_account: dict[str | None, Any] = {}
    for score, item in matched:
        by_account.setdefault(item.account, (score, item))
    if not by_account:
        return _table_answer(
            question,
            f"Not enough evidence: no account mentions {topic} in the extracted evidence (0 accounts).",
            answered=False,
        )
    citations = [
        Citation(
            number=i,
            doc_id=item.doc_id,
            source=item.source,
            quote=item.quote,
            start=item.start,
            end=item.end,
            account=item.account,
            speaker=item.speaker,
            score=round(score, 3),
        )
        for i, (score, item) in enumerate(list(by_account.values())[:8], start=1)
    ]
    names = sorted(a for a in by_account if a)
    markers = "".join(f"[{c.number}]" for c in citations)
    text = f"{len(names)} account{'s' if len(names) != 1 else ''} mention {topic}: {', '.join(names)} {markers}."
    return _table_answer(question, text, citations=citations)


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
