"""Negative ICP: traits over-represented among lost and churned accounts compared with won and
expanded ones (lift with counts), disqualifiers, and the ideal-of-the-ideal sub-segment."""

from __future__ import annotations

from collections import Counter, defaultdict

from agent.ingest.normalize import industry_label
from agent.schema import EvidenceKind
from agent.schema.icp import IdealOfIdeal, NegativeTrait, Segment
from agent.synthesize.accounts import AccountProfile
from agent.synthesize.themes import one_per_account, ref

MIN_BAD = 2
MIN_LIFT = 2.0
MIN_BAD_SHARE = 0.6


def _traits(account: AccountProfile, segment_name: str | None) -> list[tuple[str, str]]:
    traits = []
    if account.industry:
        traits.append(("industry", account.industry))
    if account.size_band:
        traits.append(("size_band", account.size_band))
    if account.country:
        traits.append(("country", account.country))
    traits.extend(("stack", tool) for tool in account.stack)
    if segment_name:
        traits.append(("segment", segment_name))
    return traits


def _label(dimension: str, value: str) -> str:
    if dimension == "industry":
        return industry_label(value)
    if dimension == "size_band":
        return f"{value} employees"
    if dimension == "stack":
        return f"uses {value}"
    return value


def negative_traits(
    accounts: list[AccountProfile], segment_names: dict[str, str]
) -> list[NegativeTrait]:
    bad = [a for a in accounts if a.bad]
    good = [a for a in accounts if a.good]
    if len(bad) < MIN_BAD:
        return []
    bad_counts: Counter[tuple[str, str]] = Counter()
    good_counts: Counter[tuple[str, str]] = Counter()
    holders: dict[tuple[str, str], list[AccountProfile]] = defaultdict(list)
    for account in bad:
        for trait in set(_traits(account, segment_names.get(account.name))):
            bad_counts[trait] += 1
            holders[trait].append(account)
    for account in good:
        for trait in set(_traits(account, segment_names.get(account.name))):
            good_counts[trait] += 1
    traits = []
    for trait, bad_count in bad_counts.items():
        good_count = good_counts[trait]
        lift = ((bad_count + 0.5) / (len(bad) + 1)) / ((good_count + 0.5) / (len(good) + 1))
        if (
            bad_count < MIN_BAD
            or lift < MIN_LIFT
            or bad_count / (bad_count + good_count) < MIN_BAD_SHARE
        ):
            continue
        dimension, value = trait
        reasons = [
            e
            for a in holders[trait]
            for e in a.evidence
            if e.is_claim
            and e.kind
            in (EvidenceKind.loss_reason, EvidenceKind.churn_reason, EvidenceKind.objection)
        ]
        reasons.sort(
            key=lambda e: (
                e.kind not in (EvidenceKind.loss_reason, EvidenceKind.churn_reason),
                -e.confidence,
            )
        )
        picked = one_per_account(reasons, 3)
        lost = sum(1 for a in holders[trait] if a.outcome == "lost")
        churned = sum(1 for a in holders[trait] if a.outcome == "churned")
        label = _label(dimension, value)
        traits.append(
            NegativeTrait(
                dimension=dimension,
                value=value,
                label=label,
                trait=f"{dimension.replace('_', ' ').capitalize()}: {label}",
                why=f"{bad_count} of {bad_count + good_count} closed accounts with this trait were lost ({lost}) or churned ({churned}); lift {lift:.1f}× over won/expanded accounts",
                lost_or_churned=bad_count,
                won_or_expanded=good_count,
                lift=round(lift, 2),
                evidence=[ref(e) for e in picked],
            )
        )
    traits.sort(key=lambda t: (-t.lift * t.lost_or_churned, t.dimension, t.value))
    return traits


def disqualifiers(traits: list[NegativeTrait], segments: list[Segment]) -> list[str]:
    lines = []
    for trait in traits[:5]:
        if trait.dimension == "segment":
            continue
        lines.append(
            f"{trait.trait} — {trait.lost_or_churned} of {trait.lost_or_churned + trait.won_or_expanded} such accounts were lost or churned"
        )
    for segment in segments:
        if segment.tier == "defer":
            lines.append(
                f"Accounts that look like “{segment.name}” (win rate {segment.win_rate:.0%})"
                if segment.win_rate is not None
                else f"Accounts that look like “{segment.name}”"
            )
    return lines


def ideal_of_ideal(
    segments: list[Segment], accounts: dict[str, AccountProfile]
) -> IdealOfIdeal | None:
    core = [s for s in segments if s.tier == "core"] or [
        s for s in segments if s.tier == "adjacent"
    ]
    if not core:
        return None
    best = max(
        core,
        key=lambda s: (
            (s.win_rate or 0) + (s.pmf.very_disappointed_pct or 0) / 100,
            s.support.accounts,
        ),
    )
    members = [accounts[n] for n in best.accounts if n in accounts]
    champions = [
        a
        for a in members
        if a.outcome == "expanded" or (a.good and any(r.pmf_answer == "very" for r in a.responses))
    ]
    if len(champions) < 2:
        champions = [a for a in members if a.good]
    if not champions:
        return None
    traits = []
    industries = Counter(a.industry for a in champions if a.industry)
    if industries:
        industry, count = industries.most_common(1)[0]
        traits.append(f"{industry_label(industry)} ({count} of {len(champions)})")
    bands = Counter(a.size_band for a in champions if a.size_band)
    if bands:
        band, count = bands.most_common(1)[0]
        traits.append(f"{band} employees ({count} of {len(champions)})")
    tools = Counter(t for a in champions for t in a.stack)
    common = [
        f"{t} ({c} of {len(champions)})"
        for t, c in tools.most_common(3)
        if c >= max(2, len(champions) // 2)
    ]
    traits.extend(common)
    expanded = sum(1 for a in champions if a.outcome == "expanded")
    very = sum(1 for a in champions for r in a.responses if r.pmf_answer == "very")
    return IdealOfIdeal(
        description=f"Within “{best.name}”: the accounts that expanded or whose users would be very disappointed without the product ({expanded} expanded, {very} 'very disappointed' answers).",
        accounts=sorted(a.name for a in champions),
        traits=traits,
    )
