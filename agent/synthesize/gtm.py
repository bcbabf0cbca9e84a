"""Go-to-market: messaging per segment (target, context, cost, change), the go/no-go checklist,
and the validation plan for what is still a hypothesis."""

from __future__ import annotations

from agent.ingest.normalize import industry_label
from agent.schema import Quantity
from agent.schema.icp import Claim, Messaging, NegativeTrait, Segment
from agent.synthesize.units import counted_unit


def _quantity(q: Quantity | None) -> str:
    if q is None:
        return ""
    return f" (as one customer put it: “{q.text}”)"


def messaging(segment: Segment) -> Messaging:
    trigger = segment.triggers[0] if segment.triggers else None
    pain = next(
        (p for p in segment.pains if p.cost is not None),
        segment.pains[0] if segment.pains else None,
    )
    change = (
        segment.outcomes_said[0]
        if segment.outcomes_said
        else (segment.why_they_buy[0] if segment.why_they_buy else None)
    )
    evidence = [claim.evidence[0] for claim in (trigger, pain, change) if claim and claim.evidence]
    return Messaging(
        target=segment.who,
        context=f"When {trigger.label[0].lower() + trigger.label[1:]}"
        if trigger
        else "unknown — no triggers in the research; ask what made them look now.",
        cost=(pain.label + _quantity(pain.cost))
        if pain
        else "unknown — no pains in the research; ask what the status quo costs.",
        change=(change.label + _quantity(change.cost))
        if change
        else "unknown — no results reported yet; collect one from the first customers.",
        evidence=evidence,
    )


def checklist(segments: list[Segment], negative: list[NegativeTrait]) -> list[str]:
    core = [s for s in segments if s.tier in ("core", "adjacent") and not s.hypothesis] or [
        s for s in segments if s.tier != "defer"
    ]
    lines: list[str] = []
    if core:
        industries = sorted(
            {industry_label(c.value) for s in core for c in s.firmographics.industries[:1]}
        )
        bands = sorted({c.value for s in core for c in s.firmographics.size_bands[:2]})
        tools = sorted({c.value for s in core for c in s.technographics.tools[:2]})
        if industries:
            lines.append(f"Is the company in {' or '.join(industries)}?")
        if bands:
            lines.append(f"Does it have {' or '.join(bands)} employees?")
        if tools:
            lines.append(f"Does it run {' or '.join(tools)}?")
        triggers = [c.label for s in core for c in s.triggers[:1]]
        if triggers:
            lines.append(f"Has a trigger event happened recently (e.g. “{triggers[0]}”)?")
        pains = [c for s in core for c in s.pains[:1]]
        if pains:
            lines.append(f"Do they feel the core pain: “{pains[0].label}”?")
        buyers = [
            t
            for s in core
            if s.buying_committee.economic_buyer
            for t in s.buying_committee.economic_buyer.titles[:2]
        ]
        lines.append(
            f"Can we reach the economic buyer{' (' + ', '.join(sorted(set(buyers))) + ')' if buyers else ''}?"
        )
    for trait in negative[:3]:
        if trait.dimension != "segment":
            lines.append(f"No-go if {trait.trait.lower()} ({trait.why.split(';')[0]}).")
    if not negative:
        closed = sum(s.outcomes.closed for s in segments)
        lines.append(
            "No-go traits: unknown — no deals in the research."
            if not closed
            else f"No-go traits: none stand out among {closed} closed deals."
        )
    if not any(s.triggers for s in core):
        lines.append("Trigger to qualify on: unknown — no triggers in the research.")
    return lines


def validation_plan(segments: list[Segment]) -> list[str]:
    plan: list[str] = []
    if any(s.unknown for s in segments):
        where = (
            "this research holds"
            if all(s.unknown for s in segments)
            else "some segments' research holds"
        )
        plan.append(
            f"Objections, reasons to buy and the buying committee are unknown: {where} no deal "
            "notes or buying roles. Add win/loss notes or a CRM export with deal stages, or ask the "
            "next interviews who signs, who pushed for it and what made them hesitate."
        )
    for segment in segments:
        if segment.hypothesis:
            plan.append(
                f"“{segment.name}” is a hypothesis ({segment.hypothesis_reason}). Interview the next 10 "
                + ("people" if counted_unit(segment) == "participants" else "accounts")
                + " like it: "
                "what triggered the search, what the problem costs per week or month, who signs, and would they be very disappointed without us?"
            )
        thin: list[Claim] = [c for c in segment.pains[:5] + segment.triggers[:3] if c.thin]
        for claim in thin[:2]:
            plan.append(
                f"In “{segment.name}”, check with more customers whether “{claim.label}” holds "
                f"({claim.accounts} {claim.unit[:-1] if claim.accounts == 1 else claim.unit} said it)."
            )
        unquantified = [c for c in segment.pains[:3] if c.cost is None]
        if unquantified and not segment.hypothesis:
            plan.append(
                f"In “{segment.name}”, quantify “{unquantified[0].label}”: how many hours or dollars per week or month?"
            )
        if segment.pmf.n < 10:
            plan.append(
                f"Survey more “{segment.name}” users with the Sean Ellis question (n = {segment.pmf.n} so far)."
            )
    return plan
