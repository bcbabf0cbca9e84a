"""Synthesis: documents + evidence → ICPDraft. Pure over its inputs (no store, no model calls),
so the same inputs always give the same draft, whichever engine extracted the evidence."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from agent.extract.lexicon import load_lexicon
from agent.ingest.normalize import SIZE_BANDS
from agent.resources import knowledge
from agent.schema import Evidence, EvidenceKind, SourceDocument, SourceKind
from agent.schema.icp import (
    Claim,
    Corpus,
    Count,
    Firmographics,
    ICPDraft,
    Outcomes,
    Provenance,
    Segment,
    Support,
    Technographics,
    Unit,
)
from agent.synthesize import criteria, gtm, negative, scoring
from agent.synthesize.accounts import (
    AccountBook,
    AccountProfile,
    build_accounts,
)
from agent.synthesize.buying import BuyingContext, buying_context
from agent.synthesize.competition import competition
from agent.synthesize.costs import read_in_context, show_stated_cost
from agent.synthesize.coverage import coverage
from agent.synthesize.hypotheses import min_accounts_per_claim, segment_hypothesis
from agent.synthesize.labels import reads
from agent.synthesize.segments import MAX_DISTINCT_GROUP, RARE_WORDS, segment_units
from agent.synthesize.summary import summarize
from agent.synthesize.survey import answer_themes, pmf, survey_cuts
from agent.synthesize.themes import (
    by_confidence,
    one_per_account,
    ranked_claims,
    ref,
    shared_claims,
)
from agent.synthesize.traits import (
    distinguishing_traits,
    own_label,
    own_vocabulary,
    rare_own_words,
    segment_name,
)
from agent.synthesize.units import add_participants, label_units, unit_of_analysis

SYNTHESIS_VERSION = "synthesis-11"  # bump when the same inputs give a different draft
THEME_KINDS = (
    EvidenceKind.pain,
    EvidenceKind.job,
    EvidenceKind.trigger,
    EvidenceKind.workaround,
    EvidenceKind.objection,
)
TIER_ORDER = {"core": 0, "adjacent": 1, "selective": 2, "defer": 3}


@dataclass
class SynthesisInputs:
    documents: list[SourceDocument]
    evidence: list[Evidence]
    vectors: dict[str, np.ndarray]
    files: int
    engine: str
    model: str | None = None
    prompt_versions: list[str] = field(default_factory=list)
    tokens: dict[str, object] = field(default_factory=dict)
    dropped: int = 0


def _engine_source() -> str:
    """The code and knowledge a draft is built with: the same inputs read by another release
    give a new version, never a stale one (the version string alone was not bumped by every
    change)."""
    from agent.resources import code_digest, knowledge_digest

    return code_digest("synthesize") + knowledge_digest()


def fingerprint(inputs: SynthesisInputs) -> str:
    digest = hashlib.sha256(SYNTHESIS_VERSION.encode())
    digest.update(_engine_source().encode())
    digest.update(load_lexicon().fingerprint.encode())
    for doc in sorted(inputs.documents, key=lambda d: d.doc_id):
        digest.update(f"{doc.doc_id}:{doc.content_hash}:{doc.account}".encode())
    for item in sorted(inputs.evidence, key=lambda e: e.id):
        digest.update(f"{item.id}:{item.engine}".encode())
    return digest.hexdigest()[:24]


def _counts(values: Sequence[str | None]) -> list[Count]:
    counter = Counter(v for v in values if v)
    return [Count(value=v, accounts=n) for v, n in counter.most_common()]


def _band_range(bands: list[Count]) -> str | None:
    if not bands:
        return None
    total = sum(c.accounts for c in bands)
    kept, covered = [], 0
    for count in bands:
        kept.append(count.value)
        covered += count.accounts
        if covered >= 0.7 * total:
            break
    order = [b for b, _, _ in SIZE_BANDS]
    kept.sort(key=order.index)
    low = kept[0].split("-")[0].rstrip("+")
    high = kept[-1].split("-")[-1]
    return f"{low}+" if high.endswith("+") else f"{low}–{high}"


def _industry_phrase(industries: list[Count], members: list[AccountProfile]) -> str:
    """The segment's industries as its name says them (the CRM's own words when most of an
    industry's accounts share a label that says more: "Pest Control")."""
    if not industries:
        return "Mixed-industry"
    top = [industries[0]]
    if (
        len(industries) > 1
        and industries[0].accounts + industries[1].accounts <= len(members)
        and industries[1].accounts >= max(2, 0.3 * len(members))
    ):
        top.append(industries[1])
    return " / ".join(own_label(c.value, members) for c in top)


def _theme_vectors(book: AccountBook, vectors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    result = {}
    for name, account in book.accounts.items():
        members = [
            vectors[e.id] for e in account.evidence if e.kind in THEME_KINDS and e.id in vectors
        ]
        if members:
            mean = np.mean(members, axis=0)
            result[name] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return result


def _tier(outcomes: Outcomes, pct: float | None, n: int, hypothesis: bool) -> tuple[str, str]:
    """Core / adjacent / selective / defer by the rules in knowledge/tiers.yaml (first match
    wins). The reason states the evidence behind the tier, and 'unknown — no deals / no survey'
    for what is missing: a tier never claims a win rate or a PMF nobody measured."""
    config = knowledge("tiers")
    win_rate = outcomes.win_rate if outcomes.closed >= config["min_closed_deals"] else None
    pmf_known = pct is not None and n >= 5
    for rule in config["rules"]:
        when = rule["when"]
        if "min_closed" in when and outcomes.closed < when["min_closed"]:
            continue
        if "max_win_rate" in when and (win_rate is None or win_rate > when["max_win_rate"]):
            continue
        if "min_win_rate" in when and (win_rate is None or win_rate < when["min_win_rate"]):
            continue
        if "min_pmf_pct" in when and pmf_known and (pct or 0) < when["min_pmf_pct"]:
            continue
        if when.get("not_hypothesis") and hypothesis:
            continue
        tier = rule["tier"]
        if hypothesis and tier == "core":
            tier = "adjacent"
        return tier, _tier_reason(tier, outcomes, win_rate, pct, n, hypothesis)
    return "selective", _tier_reason("selective", outcomes, win_rate, pct, n, hypothesis)


def _tier_reason(
    tier: str,
    outcomes: Outcomes,
    win_rate: float | None,
    pct: float | None,
    n: int,
    hypothesis: bool,
) -> str:
    won = outcomes.won + outcomes.expanded
    deals = (
        f"won {won} of {outcomes.closed} closed deals ({win_rate:.0%})"
        if win_rate is not None
        else "win rate unknown — no deals"
        if not outcomes.closed
        else f"win rate unknown — only {outcomes.closed} closed deal(s)"
    )
    survey = (
        f"PMF {pct:.0f}% very disappointed (n={n})"
        if pct is not None and n >= 5
        else "PMF unknown — no survey answers"
        if not n
        else f"PMF unknown — only {n} survey answer(s)"
    )
    lead = {
        "defer": "Most closed deals were lost or churned",
        "core": "Wins proven",
        "adjacent": "Wins, with one or more conditions still unproven"
        + (" (a hypothesis segment)" if hypothesis else ""),
        "selective": "Unproven: pursue only with the strongest fit signals",
    }[tier]
    return f"{lead}: {deals}; {survey}."


WANTED = re.compile(
    r"\b(?:wants?|wanted|would like|[’']d like|wish(?:es)?|hopes? to)\b|\bgood looks like\b|"
    r"\b(?:target|goal|aim) is\b",
    re.IGNORECASE,
)


def _segment(
    index: int,
    members: list[AccountProfile],
    others: list[AccountProfile],
    vectors: dict[str, np.ndarray],
    min_claim: int,
    unit: Unit,
    context: BuyingContext | None = None,
) -> Segment:
    context = context or BuyingContext()
    industries = _counts([a.industry for a in members])
    bands = _counts([a.size_band for a in members])
    with_evidence = [a for a in members if a.has_evidence]
    # objections, reasons to buy and roles only from research that speaks about buying
    evidence = _admitted_claims(members, context)
    n_evidence_accounts = len(with_evidence) or 1
    held: list[Claim] = []

    def shown(kind: EvidenceKind, limit: int = 8, among: set[int] | None = None) -> list[Claim]:
        found, vague = ranked_claims(
            [e for e in evidence if e.kind == kind and (among is None or id(e) in among)],
            vectors,
            n_evidence_accounts,
            min_claim,
            limit,
        )
        held.extend(vague)
        return _with_costs(found)

    themed = {kind: shown(kind) for kind in THEME_KINDS}
    # results of using the product, from accounts that kept it: what a lost or churned account
    # calls a result is a reason it left, or another product's result
    # what someone wants ("Good looks like walking into the audit…", "Wants to know when a
    # room drops below ratio") is a job to be done, never a result or a reason they bought
    wanted = {id(e) for e in evidence if WANTED.search(e.quote)}
    kept = {id(e) for a in members if not a.bad for e in a.evidence} - wanted
    outcome_claims = shown(EvidenceKind.outcome, limit=5, among=kept)
    why = shown(EvidenceKind.win_reason, limit=4, among={id(e) for e in evidence} - wanted)
    employees = [a.employees for a in members if a.employees]
    revenues = [a.revenue_usd for a in members if a.revenue_usd]
    firmographics = Firmographics(
        industries=industries,
        size_bands=bands,
        employees_min=min(employees) if employees else None,
        employees_max=max(employees) if employees else None,
        revenue_min_usd=min(revenues) if revenues else None,
        revenue_max_usd=max(revenues) if revenues else None,
        regions=_counts([a.region for a in members]),
        countries=_counts([a.country for a in members]),
        evidence=[
            ref(e)
            for e in _top_per_account(
                [e for e in evidence if e.kind == EvidenceKind.firmographic], 3
            )
        ],
    )
    lexicon = load_lexicon()
    categories: list[str] = []
    for account in members:
        found = {
            lexicon.tool_lookup.get("~" + t.lower(), lexicon.tool_lookup.get("=" + t, (t, None)))[1]
            for t in account.stack
        }
        categories.extend(c for c in found if c and c != "other")
    technographics = Technographics(
        tools=[
            c
            for c in _counts([t for a in members for t in dict.fromkeys(a.stack)])
            if c.accounts >= 1
        ][:10],
        categories=_counts(categories)[:8],
        evidence=[
            ref(e)
            for e in _top_per_account(
                [e for e in evidence if e.kind == EvidenceKind.technographic], 3
            )
        ],
    )
    outcomes = Outcomes(**Counter(a.outcome for a in members if a.outcome))
    acvs = sorted(a.acv for a in members if a.acv)
    responses = [r for a in members for r in a.responses]
    share = pmf(responses)
    hypothesis, reason = segment_hypothesis(members, unit)
    tier, tier_reason = _tier(outcomes, share.very_disappointed_pct, share.n, hypothesis)
    size_range = _band_range(bands)
    traits = distinguishing_traits(members, others)
    saying = rare_own_words(members, others) if len(members) <= MAX_DISTINCT_GROUP else []
    if len(saying) < RARE_WORDS and len(members) <= MAX_DISTINCT_GROUP:
        # no rare word, but many words of their own for how much they say ("leftover",
        # "natives", "nonprofit" of two botanical gardens)
        saying = own_vocabulary(members, others)
    name = segment_name(traits, members, saying if len(saying) >= RARE_WORDS else None)
    tools = [c.value for c in technographics.tools[:3]]
    countries = [c.value for c in firmographics.countries[:2]]
    who = f"{_industry_phrase(industries, members)} companies" + (
        f" with {size_range} employees" if size_range else ""
    )
    if countries:
        who += f" in {', '.join(countries)}"
    if tools:
        who += f", typically running {', '.join(tools)}"
    who += "."
    people = [a for a in members if a.participant]
    if people and len(people) == len(members):
        # research that names no company: the segment is a group of participants, told by
        # what they raise most, not by firmographics nobody stated
        # a headline that no longer reads names no group: the best one that does
        top = max(
            themed[EvidenceKind.pain] + themed[EvidenceKind.job],
            key=lambda c: (reads(c.label), c.accounts, c.mentions),
            default=None,
        )
        name = f"Participants raising “{top.label}”" if top else "Participants"
        who = f"{len(people)} participant(s) whose company the research does not name" + (
            f"; most raise “{top.label}” ({top.accounts} of {len(people)})." if top else "."
        )
    kinds = sorted({k for a in members for k in a.source_kinds if k != SourceKind.crm.value})
    segment = Segment(
        id=f"s{index + 1}-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40],
        name=name,
        who=who,
        traits=[t.describe(unit) for t in traits[:MAX_TRAITS]],
        accounts=sorted(a.name for a in members if not a.participant),
        participants=sorted(a.name for a in members if a.participant),
        firmographics=firmographics,
        technographics=technographics,
        pains=themed[EvidenceKind.pain],
        jobs=themed[EvidenceKind.job],
        triggers=themed[EvidenceKind.trigger],
        outcomes_said=outcome_claims,
        workarounds=themed[EvidenceKind.workaround],
        objections=themed[EvidenceKind.objection],
        why_they_buy=why or _bought_outcomes(outcome_claims, context, members)[:2],
        held_back=held,
        buying_committee=criteria.buying_committee(evidence),
        outcomes=outcomes,
        win_rate=round(outcomes.win_rate, 2) if outcomes.win_rate is not None else None,
        acv_min=acvs[0] if acvs else None,
        acv_max=acvs[-1] if acvs else None,
        acv_median=statistics.median(acvs) if acvs else None,
        pmf=share,
        tier=tier,
        tier_reason=tier_reason,
        hypothesis=hypothesis,
        hypothesis_reason=reason,
        support=Support(
            accounts=sum(1 for a in with_evidence if not a.participant),
            participants=sum(1 for a in with_evidence if a.participant),
            crm_accounts=sum(1 for a in members if a.in_crm),
            documents=len({d for a in members for d in a.documents}),
            source_kinds=kinds,
        ),
    )
    segment.unknown = {
        section: missing
        for section, missing in context.missing(members).items()
        if not (
            any(vars(segment.buying_committee).values())
            if section == "buying_committee"
            else getattr(segment, section)
        )
    }
    # a segment of participants only counts participants, whatever the rest of the research names
    label_units(segment, "participants" if all(a.participant for a in members) else unit)
    segment.fire = criteria.fire(firmographics, technographics, segment.triggers, kinds)
    segment.criteria = criteria.murphy(
        members, evidence, segment.win_rate, segment.objections, unit
    )
    segment.messaging = gtm.messaging(segment)
    return segment


MAX_TRAITS = 5
COST_KINDS = {EvidenceKind.pain.value, EvidenceKind.outcome.value}


def _with_costs(items: list[Claim]) -> list[Claim]:
    """A cost is what a problem costs or what a result is worth: pains and outcomes show the
    one a quote states; other kinds show none ('$50k' in an objection is a price, not a cost)."""
    for claim in items:
        if claim.kind in COST_KINDS:
            show_stated_cost(claim)
        else:
            claim.cost, claim.cost_mentions = None, 0
    return items


def _bought_outcomes(
    outcomes: list[Claim], context: BuyingContext, members: list[AccountProfile]
) -> list[Claim]:
    """Results that stand in for reasons to buy: only those said in research about a purchase
    (a result of someone's work is no reason to buy anything) by accounts that bought and
    stayed (won or expanded): what a churned or lost account calls a result is no reason to buy."""
    bought = {d for a in members if a.good for d in a.documents}
    documents = context.documents & bought
    return [c for c in outcomes if c.evidence and all(r.doc_id in documents for r in c.evidence)]


def _top_per_account(items: list[Evidence], limit: int) -> list[Evidence]:
    return one_per_account(by_confidence(items), limit)


def _admitted_claims(accounts: list[AccountProfile], context: BuyingContext) -> list[Evidence]:
    """The accounts' claims the research can speak to (objections and reasons to buy only from
    research that speaks about buying)."""
    return [e for a in accounts for e in a.evidence if e.is_claim and context.admits(e)]


def _shared_themes(
    accounts: list[AccountProfile],
    vectors: dict[str, np.ndarray],
    context: BuyingContext,
    min_claim: int,
    unit: Unit,
) -> list[Claim]:
    evidence = _admitted_claims(accounts, context)
    claims = _with_costs(shared_claims(evidence, vectors, THEME_KINDS, min_claim))
    for claim in claims:  # a count says what it counts
        claim.unit = unit
    return claims


def _unique_names(segments: list[Segment]) -> None:
    counts = Counter(s.name for s in segments)
    for segment in segments:
        if counts[segment.name] > 1:
            tools = [c.value for c in segment.technographics.tools[:1]]
            outcome = "mostly lost/churned" if segment.tier == "defer" else ""
            extra = tools[0] if tools else outcome or segment.id
            segment.name = f"{segment.name} ({extra})"


def synthesize(
    inputs: SynthesisInputs,
    embed: Callable[[list[str]], np.ndarray],
    today: dt.date | None = None,
) -> ICPDraft:
    claims_only = [e for e in inputs.evidence if e.is_claim]
    book = build_accounts(inputs.documents, claims_only)
    add_participants(book, inputs.documents, inputs.evidence)
    accounts = sorted(book.accounts.values(), key=lambda a: a.name)
    unit = unit_of_analysis(accounts, len(book.unlinked_responses))
    vectors = read_in_context(claims_only, inputs.documents, inputs.vectors, embed)
    theme_vectors = _theme_vectors(book, vectors)
    segmentation = segment_units(accounts, unit, embed, theme_vectors)
    clusters: dict[int, list[AccountProfile]] = {}
    for account in accounts:
        clusters.setdefault(segmentation.labels[account.name], []).append(account)
    min_claim = min_accounts_per_claim()
    context = buying_context(inputs.documents, claims_only, accounts)
    segments = [
        _segment(
            i,
            members,
            [a for a in accounts if segmentation.labels[a.name] != label],
            vectors,
            min_claim,
            unit,
            context,
        )
        for i, (label, members) in enumerate(sorted(clusters.items()))
    ]
    segments.sort(key=lambda s: (TIER_ORDER[s.tier], s.hypothesis, -s.support.accounts, s.name))
    for index, segment in enumerate(segments):
        segment.id = f"s{index + 1}" + segment.id[segment.id.index("-") :]
    _unique_names(segments)
    segment_of = {name: s.name for s in segments for name in s.accounts}
    traits = negative.negative_traits(accounts, segment_of)
    model = scoring.build_model(segments, traits, book.accounts)
    all_responses = [r for a in accounts for r in a.responses] + book.unlinked_responses
    created = dt.datetime.now(dt.UTC).replace(microsecond=0)
    today = today or created.date()
    evidence_kinds = Counter(e.kind.value for e in claims_only)
    draft = ICPDraft(
        created_at=created,
        engine=inputs.engine,
        corpus=Corpus(
            files=inputs.files,
            documents=dict(Counter(d.kind.value for d in inputs.documents)),
            accounts=sum(1 for a in accounts if not a.participant),
            accounts_with_evidence=sum(1 for a in book.with_evidence() if not a.participant),
            participants=sum(1 for a in accounts if a.participant),
            respondents=len(all_responses),
            evidence=dict(evidence_kinds.most_common()),
        ),
        unit=unit,
        segments=segments,
        negative_icp=traits,
        disqualifiers=negative.disqualifiers(traits, segments),
        ideal_of_ideal=negative.ideal_of_ideal(segments, book.accounts),
        scorecard=scoring.scorecard(model),
        score_validation=scoring.validation_bands(model, accounts),
        qualification_checklist=gtm.checklist(segments, traits),
        validation_plan=gtm.validation_plan(segments),
        revisit_on=today + dt.timedelta(days=90),
        pmf_overall=pmf(all_responses),
        survey_cuts=survey_cuts(all_responses),
        competition=competition(inputs.documents, claims_only),
        shared_themes=_shared_themes(accounts, vectors, context, min_claim, unit),
        survey_themes=answer_themes(inputs.documents, embed, min_claim),
        provenance=Provenance(
            engine=inputs.engine,
            model=inputs.model,
            prompt_versions=inputs.prompt_versions,
            knowledge_fingerprint=load_lexicon().fingerprint,
            segmentation=segmentation.criterion,
            tokens=inputs.tokens,
            dropped_quotes=inputs.dropped,
            fingerprint=fingerprint(inputs),
        ),
    )
    draft.coverage = coverage(inputs.documents, draft)
    draft.summary = summarize(draft)
    draft.warnings = _warnings(draft, book)
    return draft


def _warnings(draft: ICPDraft, book: AccountBook) -> list[str]:
    warnings = []
    participants = draft.corpus.participants
    if draft.unit == "participants":
        who = [
            f"{participants} interview(s) or notes" if participants else "",
            f"{draft.corpus.respondents} survey respondent(s)" if draft.corpus.respondents else "",
        ]
        warnings.append(
            "The research names no company: counts are participants ("
            + " and ".join(w for w in who if w)
            + ", one participant each), not accounts."
        )
    elif participants:
        warnings.append(
            f"{participants} interview(s) or notes name no company: each counts as one participant "
            f"beside the {draft.corpus.accounts_with_evidence} named accounts."
        )
    if all(s.hypothesis for s in draft.segments):
        warnings.append(
            "Everything in this draft is a hypothesis: it rests on "
            + (
                f"{draft.corpus.participants + draft.corpus.respondents} participant(s) whose company is not named. "
                if draft.unit == "participants"
                else f"{draft.corpus.accounts_with_evidence} account(s) with research evidence. "
            )
            + "Validate it with the first 10 customers before acting on it."
        )
    if not any(a.in_crm for a in book.accounts.values()):
        warnings.append(
            "No CRM export: win rates, ACV and the negative ICP need deal outcomes (ingest a CRM export or win/loss notes)."
        )
    if draft.pmf_overall.n == 0:
        warnings.append("No product-market-fit survey answers: PMF shares are unknown.")
    if draft.provenance.dropped_quotes:
        warnings.append(
            f"{draft.provenance.dropped_quotes} model quote(s) were not found in any source and were dropped."
        )
    return warnings
