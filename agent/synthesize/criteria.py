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
from agent.synthesize.survey import nps, recommend_answer
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


NO_SURVEY = "unknown — no survey"
NO_DEALS = "unknown — no deals"
NO_TRIGGERS = "unknown — no triggers"


def murphy(
    members: list[AccountProfile],
    items: list[Evidence],
    win_rate: float | None,
    objections: list[Claim],
    unit: str = "accounts",
) -> list[Criterion]:
    """Lincoln Murphy's 7 criteria, each judged only from evidence that exists; a criterion
    with nothing behind it says 'unknown — …' and what is missing."""
    labels = {k: v["label"] for k, v in knowledge("murphy")["criteria"].items()}
    who = "participant(s)" if unit == "participants" else "account(s)"

    def distinct(evidence: list[Evidence]) -> int:
        return len({e.account for e in evidence if e.account})

    def counted(evidence: list[Evidence], what: str, missing: str) -> Criterion:
        n = distinct(evidence)
        return Criterion(
            criterion="",
            status=_status(n),
            rationale=f"{n} {who} {what}" if n else f"unknown — {missing}",
            evidence=_first(evidence),
        )

    triggers = _accounts_with(items, EvidenceKind.trigger)
    champions = _accounts_with(items, EvidenceKind.buying_role, BuyingRole.champion)
    buyers = _accounts_with(
        items, EvidenceKind.buying_role, BuyingRole.economic_buyer
    ) + _accounts_with(items, EvidenceKind.buying_role, BuyingRole.technical_evaluator)
    outcomes = _accounts_with(items, EvidenceKind.outcome) + _accounts_with(
        items, EvidenceKind.win_reason
    )
    closed = [a for a in members if a.outcome in ("won", "lost", "churned", "expanded")]
    expanded = [a for a in members if a.outcome == "expanded" or (a.expansion_arr or 0) > 0]
    price = [
        c
        for c in objections
        if re.search(r"price|cost|expensive|budget|seat|afford|discount", c.label, re.IGNORECASE)
    ]
    responses = [r for a in members for r in a.responses]
    criteria = [
        counted(triggers, "named the event that made them look", "no triggers in the research"),
        counted(champions, "had an internal champion", "no champion named in the research"),
        counted(
            buyers, "named who signs or vets the purchase", "nobody named who signs or vets it"
        ),
    ]
    for criterion, key in zip(criteria, ("ready", "willing", "able"), strict=True):
        criterion.criterion = labels[key]
    reported = distinct(outcomes)
    if win_rate is None:
        status: Status = "partial" if reported else "unknown"
        rationale = f"{NO_DEALS} closed; {reported} {who} reported results"
        if not reported:
            rationale = f"{NO_DEALS} closed and no results reported"
    else:
        status = "strong" if win_rate >= 0.6 else "partial" if win_rate >= 0.4 else "weak"
        rationale = f"win rate {win_rate:.0%} over {len(closed)} closed deals; {reported} {who} reported results"
    criteria.append(
        Criterion(
            criterion=labels["successful"],
            status=status,
            rationale=rationale,
            evidence=_first(outcomes),
        )
    )
    price_accounts = max((c.accounts for c in price), default=0)
    acvs = sorted(a.acv for a in members if a.acv)
    if price_accounts >= max(2, len(members) // 3):
        profitable: Status = "weak"
    elif acvs:
        profitable = "strong" if not price_accounts else "partial"
    else:
        profitable = "partial" if price_accounts else "unknown"
    acv_text = f"median ACV ${acvs[len(acvs) // 2]:,.0f}" if acvs else "no ACV in the research"
    criteria.append(
        Criterion(
            criterion=labels["profitable"],
            status=profitable,
            rationale=(
                f"{acv_text}; {price_accounts} {who} raised price as an objection"
                if acvs or price_accounts
                else "unknown — no ACV and no price objections in the research"
            ),
            evidence=[e for c in price[:1] for e in c.evidence[:2]],
        )
    )
    if expanded:
        expansion: Status = "strong" if len(expanded) >= 2 else "partial"
        expansion_text = f"{len(expanded)} of {len(closed) or len(members)} accounts expanded"
    elif closed:
        expansion, expansion_text = "weak", f"none of {len(closed)} closed deals expanded"
    else:
        expansion, expansion_text = "unknown", f"{NO_DEALS} and no expansion in the research"
    criteria.append(
        Criterion(
            criterion=labels["expansion"], status=expansion, rationale=expansion_text, evidence=[]
        )
    )
    criteria.append(_advocacy(labels["advocacy"], responses))
    return criteria


def _advocacy(label: str, responses: list) -> Criterion:
    """From the survey only: Sean Ellis share, NPS or the yes/maybe/no recommend question."""
    answers = [r.pmf_answer for r in responses if r.pmf_answer in ("very", "somewhat", "not")]
    promoters = nps(responses)
    said = [a for r in responses if (a := recommend_answer(r))]
    facts = []
    strong = weak = False
    if answers:
        pct = 100 * answers.count("very") / len(answers)
        facts.append(f"PMF {pct:.0f}% very disappointed (n={len(answers)})")
        strong |= pct >= 40 and len(answers) >= 5
        weak |= pct < 25 and len(answers) >= 5
    if promoters is not None:
        facts.append(f"NPS {promoters:g} (n={sum(1 for r in responses if r.nps is not None)})")
        strong |= promoters >= 30
        weak |= promoters < 0
    if said:
        yes = said.count("yes")
        facts.append(f"{yes} of {len(said)} would recommend")
        strong |= yes * 2 > len(said) and len(said) >= 5
    if not facts:
        return Criterion(criterion=label, status="unknown", rationale=NO_SURVEY, evidence=[])
    status: Status = (
        "strong" if strong and not weak else "weak" if weak and not strong else "partial"
    )
    return Criterion(criterion=label, status=status, rationale="; ".join(facts), evidence=[])


def fire(
    firmographics: Firmographics,
    technographics: Technographics,
    triggers: list[Claim],
    source_kinds: list[str],
) -> FIRE:
    """Fit, intent, recency and engagement, each from what the research shows; intent and
    recency need trigger events ('unknown — no triggers' without them)."""
    config = knowledge("fire")
    fit = []
    if firmographics.industries:
        top = firmographics.industries[0]
        fit.append(f"Industry: {industry_label(top.value)} ({top.accounts} {top.unit})")
    if firmographics.size_bands:
        bands = ", ".join(c.value for c in firmographics.size_bands[:2])
        fit.append(f"Size: {bands} employees")
    if technographics.tools:
        fit.append("Stack: " + ", ".join(c.value for c in technographics.tools[:3]))
    engagement = [config["engagement"][k] for k in source_kinds if k in config["engagement"]]
    return FIRE(
        fit=fit or ["unknown — no industry, size or stack known"],
        intent=[c.label for c in triggers[:3]] or [f"{NO_TRIGGERS} in the research"],
        recency=f"A trigger event in the last {config['recency_days']} days"
        if triggers
        else f"{NO_TRIGGERS}: nothing to time outreach on yet",
        engagement=engagement,
    )
