"""Per segment: the buying committee with titles, Lincoln Murphy's 7 criteria, FIRE criteria."""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

from agent.extract.lexicon import load_lexicon
from agent.ingest.normalize import industry_label
from agent.resources import knowledge
from agent.schema import BuyingRole, Evidence, EvidenceKind, JobType
from agent.schema.icp import (
    FIRE,
    BuyingCommittee,
    Claim,
    Criterion,
    EvidenceRef,
    Firmographics,
    Role,
    Technographics,
)
from agent.synthesize.accounts import AccountProfile
from agent.synthesize.survey import nps
from agent.synthesize.themes import by_confidence, one_per_account, ref


def titles_in(sentence: str, role: BuyingRole) -> list[str]:
    titles = []
    for pattern in load_lexicon().role_titles.get(role, []):
        for match in pattern.finditer(sentence):
            text = match.group(0).strip()
            if len(text) >= 2:
                titles.append(text.upper() if len(text) <= 4 else text.title())
    return titles


def buying_committee(items: list[Evidence]) -> BuyingCommittee:
    committee = BuyingCommittee()
    for role in BuyingRole:
        members = [
            e for e in items if e.kind == EvidenceKind.buying_role and e.role == role and e.is_claim
        ]
        if not members:
            continue
        titles = Counter(t for e in members for t in titles_in(e.quote, role))
        accounts = {e.account for e in members if e.account}
        chosen = one_per_account(by_confidence(members), 3)
        setattr(
            committee,
            role.value,
            Role(
                role=role,
                titles=[t for t, _ in titles.most_common(4)],
                accounts=len(accounts),
                evidence=[ref(e) for e in chosen],
            ),
        )
    return committee


def _accounts_with(
    items: list[Evidence],
    kind: EvidenceKind,
    role: BuyingRole | None = None,
    job_type: JobType | None = None,
) -> list[Evidence]:
    return [
        e
        for e in items
        if e.is_claim
        and e.kind == kind
        and (role is None or e.role == role)
        and (job_type is None or e.job_type == job_type)
    ]


Status = Literal["strong", "partial", "weak", "unknown"]


def _status(accounts: int) -> Status:
    return "strong" if accounts >= 3 else "partial" if accounts >= 1 else "unknown"


def _first(items: list[Evidence], limit: int = 2) -> list[EvidenceRef]:
    return [ref(e) for e in one_per_account(by_confidence(items), limit)]


def murphy(
    members: list[AccountProfile],
    items: list[Evidence],
    win_rate: float | None,
    objections: list[Claim],
) -> list[Criterion]:
    labels = {k: v["label"] for k, v in knowledge("murphy")["criteria"].items()}

    def distinct(evidence: list[Evidence]) -> int:
        return len({e.account for e in evidence if e.account})

    triggers = _accounts_with(items, EvidenceKind.trigger)
    champions = _accounts_with(items, EvidenceKind.buying_role, BuyingRole.champion)
    buyers = _accounts_with(
        items, EvidenceKind.buying_role, BuyingRole.economic_buyer
    ) + _accounts_with(items, EvidenceKind.buying_role, BuyingRole.technical_evaluator)
    outcomes = _accounts_with(items, EvidenceKind.outcome) + _accounts_with(
        items, EvidenceKind.win_reason
    )
    expanded = [a for a in members if a.outcome == "expanded" or (a.expansion_arr or 0) > 0]
    price = [
        c
        for c in objections
        if re.search(r"price|cost|expensive|budget|seat|afford|discount", c.label, re.IGNORECASE)
    ]
    responses = [r for a in members for r in a.responses]
    promoters = nps(responses)
    criteria = [
        Criterion(
            criterion=labels["ready"],
            status=_status(distinct(triggers)),
            rationale=f"{distinct(triggers)} account(s) named the event that made them look",
            evidence=_first(triggers),
        ),
        Criterion(
            criterion=labels["willing"],
            status=_status(distinct(champions)),
            rationale=f"{distinct(champions)} account(s) had an internal champion",
            evidence=_first(champions),
        ),
        Criterion(
            criterion=labels["able"],
            status=_status(distinct(buyers)),
            rationale=f"{distinct(buyers)} account(s) named who signs or vets the purchase",
            evidence=_first(buyers),
        ),
    ]
    if win_rate is None:
        criteria.append(
            Criterion(
                criterion=labels["successful"],
                status=_status(distinct(outcomes)),
                rationale=f"no closed deals; {distinct(outcomes)} account(s) reported results",
                evidence=_first(outcomes),
            )
        )
    else:
        status: Status = "strong" if win_rate >= 0.6 else "partial" if win_rate >= 0.4 else "weak"
        criteria.append(
            Criterion(
                criterion=labels["successful"],
                status=status,
                rationale=f"win rate {win_rate:.0%} on closed deals; {distinct(outcomes)} account(s) reported results",
                evidence=_first(outcomes),
            )
        )
    price_accounts = max((c.accounts for c in price), default=0)
    acvs = [a.acv for a in members if a.acv]
    profitable = (
        "weak"
        if price_accounts >= max(2, len(members) // 3)
        else "partial"
        if not acvs
        else "strong"
    )
    acv_text = f"median ACV ${sorted(acvs)[len(acvs) // 2]:,.0f}" if acvs else "no ACV data"
    criteria.append(
        Criterion(
            criterion=labels["profitable"],
            status=profitable,
            rationale=f"{acv_text}; {price_accounts} account(s) raised price as an objection",
            evidence=[e for c in price[:1] for e in c.evidence[:2]],
        )
    )
    criteria.append(
        Criterion(
            criterion=labels["expansion"],
            status="strong" if len(expanded) >= 2 else "partial" if expanded else "unknown",
            rationale=f"{len(expanded)} account(s) expanded",
            evidence=[],
        )
    )
    very = sum(1 for r in responses if r.pmf_answer == "very")
    advocacy = (
        "strong"
        if (promoters or 0) >= 30 or very >= 5
        else "partial"
        if (promoters is not None or very)
        else "unknown"
    )
    criteria.append(
        Criterion(
            criterion=labels["advocacy"],
            status=advocacy,
            rationale=f"NPS {promoters if promoters is not None else 'n/a'}; {very} 'very disappointed' answers",
            evidence=[],
        )
    )
    return criteria


def fire(
    firmographics: Firmographics,
    technographics: Technographics,
    triggers: list[Claim],
    source_kinds: list[str],
) -> FIRE:
    config = knowledge("fire")
    fit = []
    if firmographics.industries:
        top = firmographics.industries[0]
        fit.append(f"Industry: {industry_label(top.value)} ({top.accounts} accounts)")
    if firmographics.size_bands:
        bands = ", ".join(c.value for c in firmographics.size_bands[:2])
        fit.append(f"Size: {bands} employees")
    if technographics.tools:
        fit.append("Stack: " + ", ".join(c.value for c in technographics.tools[:3]))
    engagement = [config["engagement"][k] for k in source_kinds if k in config["engagement"]]
    return FIRE(
        fit=fit,
        intent=[c.label for c in triggers[:3]],
        recency=f"A trigger event in the last {config['recency_days']} days",
        engagement=engagement,
    )
