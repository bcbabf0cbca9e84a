"""The top of the document: what to do, each sentence with its numbers. Reads the finished
`ICPDraft` (segments with tiers, deals, PMF and themes; the negative ICP; the validation plan;
coverage); writes `draft.summary`, the lines a PM reads first:

- what the research is (segments, accounts, documents, engine);
- who to target first and why (won deals, PMF, the pain most of them raise), or "unknown" with
  what is missing when no segment has deals or survey answers to rank it by;
- the other segments in one line each, by tier;
- who to avoid (the negative ICP's strongest trait, with its deal counts);
- what to validate next (the validation plan's first steps);
- overall PMF and how much of the customers' speech the report quotes."""

from __future__ import annotations

import math

from agent.schema.icp import Claim, ICPDraft, Segment

TIER_ORDER = {"core": 0, "adjacent": 1, "selective": 2, "defer": 3}


def _count(n: int, unit: str) -> str:
    word = unit[:-1] if unit.endswith("s") and n == 1 else unit
    return f"{n} {word}"


def _members(segment: Segment) -> str:
    accounts, people = len(segment.accounts), len(segment.participants)
    parts = [_count(accounts, "accounts")] if accounts else []
    if people:
        parts.append(_count(people, "participants"))
    return " and ".join(parts) or "no accounts"


def _deals(segment: Segment) -> str | None:
    outcomes = segment.outcomes
    if not outcomes.closed or segment.win_rate is None:
        return None
    won = outcomes.won + outcomes.expanded
    return f"won {won} of {outcomes.closed} closed deals ({segment.win_rate:.0%})"


def _pmf(segment: Segment) -> str | None:
    share = segment.pmf
    if share.very_disappointed_pct is None:
        return None
    return f"{share.very_disappointed_pct:.0f}% would be very disappointed without the product (n={share.n})"


def _top_pain(segment: Segment) -> Claim | None:
    return segment.pains[0] if segment.pains else None


def _pain_clause(segment: Segment) -> str | None:
    pain = _top_pain(segment)
    if pain is None:
        return None
    with_evidence = segment.support.accounts + segment.support.participants
    if pain.accounts < 2:  # one voice is no segment's pain: say so (its section lists them)
        return f"no pain is shared by two of its {pain.unit} yet"
    if with_evidence >= pain.accounts:
        return f"their top pain is “{pain.label}” ({pain.accounts} of {_count(with_evidence, pain.unit)})"
    return f"their top pain is “{pain.label}” ({_count(pain.accounts, pain.unit)})"


def _proven(won: int, closed: int) -> float:
    """The win rate the deals prove at least: the lower bound of its 95% Wilson interval (11
    of 12 won proves more than 2 of 2: 0.65 against 0.34)."""
    if not closed:
        return 0.0
    z = 1.96
    rate = won / closed
    centre = rate + z * z / (2 * closed)
    spread = z * math.sqrt(rate * (1 - rate) / closed + z * z / (4 * closed * closed))
    return (centre - spread) / (1 + z * z / closed)


def _rank(segment: Segment) -> tuple[int, float, float]:
    outcomes = segment.outcomes
    return (
        TIER_ORDER.get(segment.tier, 9),
        -_proven(outcomes.won + outcomes.expanded, outcomes.closed),
        -(segment.pmf.very_disappointed_pct or 0.0),
    )


def _first(segments: list[Segment]) -> Segment | None:
    """The segment to target first: a proven tier (core, else adjacent) that is no hypothesis and
    has deals or survey answers behind it."""
    ranked = sorted(
        (
            s
            for s in segments
            if s.tier in ("core", "adjacent") and not s.hypothesis and (_deals(s) or _pmf(s))
        ),
        key=_rank,
    )
    return ranked[0] if ranked else None


def _target_line(segments: list[Segment]) -> str | None:
    if not segments:
        return None
    first = _first(segments)
    if first is None:
        has_deals = any(s.outcomes.closed for s in segments)
        has_survey = any(s.pmf.n for s in segments)
        missing = (
            "no closed deals and no survey answers"
            if not has_deals and not has_survey
            else "no segment is proven by its deals or survey answers yet"
        )
        largest = max(segments, key=lambda s: (len(s.accounts) + len(s.participants), s.id))
        return (
            f"Target first: unknown — {missing} to rank the segments by. The largest group is "
            f"“{largest.name}” ({_members(largest)}); see the validation plan."
        )
    why = [w for w in (_deals(first), _pmf(first), _pain_clause(first)) if w]
    return f"Target first: {first.name} ({_members(first)}) — " + "; ".join(why) + "."


def _segment_line(segment: Segment) -> str:
    tag = " [hypothesis]" if segment.hypothesis else ""
    facts = [f for f in (_deals(segment), _pmf(segment), _pain_clause(segment)) if f]
    return (
        f"{segment.tier.capitalize()}: {segment.name}{tag} — {_members(segment)}"
        + ("; " + "; ".join(facts) if facts else "")
        + "."
    )


def summarize(draft: ICPDraft) -> list[str]:
    lines = []
    evidence_accounts = draft.corpus.accounts_with_evidence
    documents = sum(draft.corpus.documents.values())
    if not draft.segments and not draft.corpus.accounts and draft.corpus.respondents:
        # survey-only research: nothing names a company to count or segment by
        lines.append(
            f"No segments: {draft.corpus.respondents} survey respondent(s) and no company named "
            f"to count or segment by; the findings are the survey's own below ({documents} "
            f"documents, engine: {draft.engine})."
        )
    else:
        corpus = draft.corpus
        counted = []
        if corpus.accounts or not corpus.participants:
            counted.append(
                f"{corpus.accounts} accounts ({evidence_accounts} with research evidence)"
            )
        if corpus.participants:
            counted.append(
                f"{_count(corpus.participants, 'participants')} whose company is not named"
            )
        lines.append(
            f"{len(draft.segments)} segment(s) from {' and '.join(counted)}, {documents} documents, "
            f"engine: {draft.engine}."
        )
    target = _target_line(draft.segments)
    if target:
        lines.append(target)
    first = _first(draft.segments)
    for segment in sorted(draft.segments, key=_rank):
        if segment is not first:
            lines.append(_segment_line(segment))
    if draft.shared_themes:
        unit = draft.unit
        said = "; ".join(
            f"{claim.kind} “{claim.label}” ({claim.accounts} {unit})"
            for claim in draft.shared_themes[:2]
        )
        lines.append(f"Said by several {unit} across the research: {said}.")
    if draft.negative_icp:
        worst = draft.negative_icp[0]
        lines.append(
            f"Avoid: {worst.trait} ({worst.lost_or_churned} lost or churned vs "
            f"{worst.won_or_expanded} won)."
        )
    if draft.validation_plan:
        more = len(draft.validation_plan) - 1
        lines.append(
            f"Validate next: {draft.validation_plan[0].rstrip('.')}"
            + (
                f"; {more} more step{'s' if more != 1 else ''} in the validation plan."
                if more
                else "."
            )
        )
    if draft.pmf_overall.very_disappointed_pct is not None:
        lines.append(
            f"Overall PMF: {draft.pmf_overall.very_disappointed_pct:.0f}% very disappointed "
            f"(n={draft.pmf_overall.n}; 40% is the usual bar)."
        )
    if draft.coverage is not None:
        lines.append(draft.coverage.line)
    return lines
