"""The ICP document as an outline of blocks: the order and wording a PM would circulate."""

from __future__ import annotations

from agent.ingest.normalize import industry_label
from agent.render.blocks import Bullets, Heading, Para, Quote, Section, Table
from agent.schema.icp import Claim, EvidenceRef, ICPDraft, Role, Segment
from agent.synthesize.hypotheses import hypothesis_label


def _quote(ref: EvidenceRef) -> Quote:
    who = ref.account or "unattributed"
    return Quote(
        text=ref.quote,
        cite=f"{who} · {ref.source}",
        doc_id=ref.doc_id,
        start=ref.start,
        end=ref.end,
    )


def _money(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1e6:
        return f"${value / 1e6:.1f}M"
    if value >= 1e3:
        return f"${value / 1e3:.0f}k"
    return f"${value:,.0f}"


def _pct(value: float | None, n: int | None = None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}%" + (f" (n={n})" if n is not None else "")


def _count(n: int, unit: str) -> str:
    return f"{n} {unit if n != 1 else unit[:-1]}"


def _claim_line(claim: Claim, of: int | None = None) -> str:
    counted = _count(claim.accounts, claim.unit)
    if of is not None:
        counted = f"{claim.accounts} of {of} answers"
    parts = [f"{claim.label}", counted]
    if claim.cost:
        unit = (
            claim.cost.unit if not claim.cost.period else f"{claim.cost.unit}/{claim.cost.period}"
        )
        parts.append(f"cost stated: {claim.cost.amount:g} {unit} (“{claim.cost.text}”)")
    if claim.job_type:
        parts.insert(1, claim.job_type.value)
    line = " — ".join(parts[:1]) + " · " + " · ".join(parts[1:])
    return line + (" · thin evidence" if claim.thin else "")


def _claims(title: str, items: list[Claim], empty: str | None = None) -> list[object]:
    if not items:
        return [Para(empty, label=title, style="note")] if empty else []
    return [
        Para("", label=title),
        Bullets([(_claim_line(c), [_quote(r) for r in c.evidence]) for c in items], ordered=True),
    ]


def _role_line(name: str, role: Role | None) -> tuple[str, list[Quote]] | None:
    if role is None:
        return None
    titles = ", ".join(role.titles) if role.titles else "title not stated"
    return (
        f"{name}: {titles} ({_count(role.accounts, role.unit)})",
        [_quote(r) for r in role.evidence],
    )


def segment_section(index: int, segment: Segment) -> Section:
    section = Section()
    tier = segment.tier.capitalize()
    section.add(Heading(2, f"Segment {index}: {segment.name} — {tier}", anchor=segment.id))
    if segment.hypothesis:
        section.add(Para(f"{hypothesis_label()} {segment.hypothesis_reason}.", style="hypothesis"))
    section.add(Para(segment.who, label="Who:"))
    if segment.traits:
        section.add(Para("; ".join(segment.traits), label="What sets them apart:"))
    section.add(Para(segment.tier_reason, label=f"Tier — {tier}:"))
    firmo = segment.firmographics
    facts = []
    if firmo.industries:
        facts.append(
            "industries "
            + ", ".join(f"{industry_label(c.value)} ({c.accounts})" for c in firmo.industries[:4])
        )
    if firmo.size_bands:
        facts.append("size " + ", ".join(f"{c.value} ({c.accounts})" for c in firmo.size_bands[:4]))
    if firmo.employees_min is not None:
        facts.append(f"{firmo.employees_min:,}–{firmo.employees_max:,} employees")
    if firmo.revenue_min_usd is not None:
        facts.append(f"revenue {_money(firmo.revenue_min_usd)}–{_money(firmo.revenue_max_usd)}")
    if firmo.regions:
        facts.append("regions " + ", ".join(f"{c.value} ({c.accounts})" for c in firmo.regions[:5]))
    section.add(Para("; ".join(facts) or "not known", label="Firmographics:"))
    tools = ", ".join(f"{c.value} ({c.accounts})" for c in segment.technographics.tools[:8])
    section.add(Para(tools or "no stack data", label="Stack signals:"))
    section.add(
        Para(
            ", ".join(segment.accounts) or "none named",
            label=f"Accounts ({len(segment.accounts)}, {segment.support.accounts} with research evidence):",
        )
    )
    if segment.participants:
        section.add(
            Para(
                ", ".join(segment.participants),
                label=f"Participants whose company is not named ({len(segment.participants)}):",
            )
        )
    section.blocks += _claims("Trigger events", segment.triggers, "none evidenced yet")
    section.blocks += _claims(
        f"Pains, ranked by how many {segment.pains[0].unit if segment.pains else 'accounts'} feel them",
        segment.pains,
        "none evidenced yet",
    )
    section.blocks += _claims("Jobs to be done", segment.jobs)
    section.blocks += _claims("Current workarounds", segment.workarounds)
    section.blocks += _claims("Objections", segment.objections)
    section.blocks += _claims("Why they buy", segment.why_they_buy)
    committee = segment.buying_committee
    roles = [
        _role_line("Economic buyer", committee.economic_buyer),
        _role_line("Champion", committee.champion),
        _role_line("End user", committee.end_user),
        _role_line("Technical evaluator", committee.technical_evaluator),
        _role_line("Blocker", committee.blocker),
    ]
    present = [r for r in roles if r]
    if present:
        section.add(Para("", label="Buying committee"), Bullets(present))  # type: ignore[arg-type]
    outcomes = segment.outcomes
    section.add(
        Para(
            f"won {outcomes.won} · expanded {outcomes.expanded} · lost {outcomes.lost} · churned {outcomes.churned} · open {outcomes.open}"
            + (f" — win rate {segment.win_rate:.0%}" if segment.win_rate is not None else "")
            + (
                f"; ACV {_money(segment.acv_min)}–{_money(segment.acv_max)} (median {_money(segment.acv_median)})"
                if segment.acv_median
                else ""
            ),
            label="Deal outcomes:",
        )
    )
    section.add(
        Para(
            f"{_pct(segment.pmf.very_disappointed_pct)} very disappointed (n={segment.pmf.n})"
            if segment.pmf.n
            else "no survey answers linked",
            label="PMF (Sean Ellis):",
        )
    )
    fire = segment.fire
    section.add(
        Para("", label="FIRE criteria"),
        Bullets(
            [
                f"Fit: {'; '.join(fire.fit) or '—'}",
                f"Intent: {'; '.join(fire.intent) or '—'}",
                f"Recency: {fire.recency}",
                f"Engagement: {'; '.join(fire.engagement) or '—'}",
            ]
        ),
    )
    if segment.criteria:
        section.add(
            Para("", label="Lincoln Murphy's 7 criteria"),
            Table(
                ["Criterion", "Status", "Why"],
                [[c.criterion, c.status, c.rationale] for c in segment.criteria],
            ),
        )
    if segment.messaging:
        m = segment.messaging
        section.add(
            Para("", label="Messaging"),
            Bullets(
                [
                    f"Target: {m.target}",
                    f"Context: {m.context}",
                    f"Cost: {m.cost}",
                    f"Change: {m.change}",
                ]
            ),
        )
    return section


def outline(draft: ICPDraft) -> Section:
    doc = Section()
    version = f" — v{draft.version}" if draft.version else ""
    doc.add(Heading(1, f"{draft.title}{version} ({draft.status})"))
    corpus = draft.corpus
    doc.add(
        Para(
            f"Created {draft.created_at:%Y-%m-%d %H:%M} UTC · engine {draft.engine} · {corpus.files} files, "
            f"{sum(corpus.documents.values())} documents ({', '.join(f'{k} {v}' for k, v in sorted(corpus.documents.items()))}) · "
            f"{corpus.accounts} accounts, {corpus.accounts_with_evidence} with research evidence"
            + (f", {corpus.participants} participants" if corpus.participants else "")
            + (f", {corpus.respondents} survey respondents" if corpus.respondents else "")
            + f" · counts are {draft.unit} · revisit by {draft.revisit_on}",
            style="meta",
        )
    )
    for warning in draft.warnings:
        doc.add(Para(warning, style="warning"))
    doc.add(Heading(2, "Summary"), Bullets(list(draft.summary)))
    rows = []
    for index, segment in enumerate(draft.segments, start=1):
        rows.append(
            [
                str(index),
                segment.name + (" [hypothesis]" if segment.hypothesis else ""),
                segment.tier,
                f"{len(segment.accounts)} ({segment.support.accounts})",
                f"{segment.win_rate:.0%}" if segment.win_rate is not None else "—",
                _pct(segment.pmf.very_disappointed_pct, segment.pmf.n) if segment.pmf.n else "—",
                f"{_money(segment.acv_min)}–{_money(segment.acv_max)}"
                if segment.acv_median
                else "—",
            ]
        )
    doc.add(
        Heading(2, "Segments at a glance"),
        Table(
            [
                "#",
                "Segment",
                "Tier",
                "Accounts (with evidence)",
                "Win rate",
                "PMF very disappointed",
                "ACV",
            ],
            rows,
        ),
    )
    for index, segment in enumerate(draft.segments, start=1):
        doc.blocks += segment_section(index, segment).blocks
    doc.add(Heading(2, "Negative ICP"))
    if draft.negative_icp:
        doc.add(
            Bullets(
                [
                    (
                        f"{t.trait} — {t.lost_or_churned} lost/churned vs {t.won_or_expanded} won/expanded, lift {t.lift:.1f}×. {t.why}.",
                        [_quote(r) for r in t.evidence],
                    )
                    for t in draft.negative_icp
                ]
            )
        )
    else:
        doc.add(
            Para(
                "No trait is over-represented among lost and churned accounts (or there are too few of them).",
                style="note",
            )
        )
    if draft.disqualifiers:
        doc.add(Para("", label="Disqualifiers"), Bullets(list(draft.disqualifiers)))
    if draft.ideal_of_ideal:
        ideal = draft.ideal_of_ideal
        doc.add(
            Heading(2, "The ideal of the ideal"),
            Para(ideal.description),
            Bullets(list(ideal.traits)),
            Para(", ".join(ideal.accounts), label="Accounts:"),
        )
    card = draft.scorecard
    doc.add(Heading(2, "Scorecard (100 points)"))
    blocks: dict[str, float] = {}
    for criterion in card.criteria:
        blocks[criterion.block] = blocks.get(criterion.block, 0.0) + criterion.points
    doc.add(
        Para(
            " · ".join(f"{b.replace('_', ' ')} {p:g}" for b, p in blocks.items())
            + ". Score prospects with `icp score ACCOUNTS.csv`.",
            style="note",
        )
    )
    doc.add(
        Table(
            ["Block", "Criterion", "Points", "Rule"],
            [[c.block, c.criterion, f"{c.points:g}", c.rule] for c in card.criteria],
        )
    )
    doc.add(
        Para(
            " · ".join(f"{b['name']} ≥ {b['min']}: {b['action']}" for b in card.bands),
            label="Bands:",
        )
    )
    if draft.score_validation:
        doc.add(
            Para(
                "Does the score predict success? Win and churn rate by score band on the CRM accounts (in-sample: these accounts shaped the scorecard).",
                label="Validation:",
            ),
            Table(
                ["Score", "Accounts", "Won/expanded", "Lost", "Churned", "Win rate", "Churn rate"],
                [
                    [
                        b.band,
                        str(b.accounts),
                        str(b.won),
                        str(b.lost),
                        str(b.churned),
                        f"{b.win_rate:.0%}" if b.win_rate is not None else "—",
                        f"{b.churn_rate:.0%}" if b.churn_rate is not None else "—",
                    ]
                    for b in draft.score_validation
                ],
            ),
        )
    doc.add(
        Heading(2, "Qualification checklist (go / no-go)"),
        Bullets(list(draft.qualification_checklist)),
    )
    doc.add(
        Heading(2, "Validation plan: the next 10 customers"),
        Bullets(
            list(draft.validation_plan)
            or ["Nothing flagged: keep interviewing to watch for drift."]
        ),
    )
    doc.add(Heading(2, "Product-market fit survey"))
    overall = draft.pmf_overall
    doc.add(
        Para(
            f"{_pct(overall.very_disappointed_pct)} very disappointed (n={overall.n}). Method: {overall.method}."
            if overall.n
            else "No Sean Ellis answers in the research.",
            label="Overall:",
        )
    )
    for cut in draft.survey_cuts[:6]:
        if cut.metric == "pmf":
            rows = [
                [v.value, str(v.responses), _pct(v.very_disappointed_pct, v.n)] for v in cut.values
            ]
            doc.add(
                Para("", label=f"By {cut.column}"),
                Table(["Value", "Responses", "Very disappointed"], rows),
            )
        elif cut.metric == "nps":
            rows = [
                [v.value, str(v.responses), f"{v.nps:g} (n={v.nps_n})" if v.nps_n else "—"]
                for v in cut.values
            ]
            doc.add(Para("", label=f"By {cut.column}"), Table(["Value", "Responses", "NPS"], rows))
        elif cut.metric == "recommend":
            rows = [
                [v.value, str(v.responses), _pct(v.recommend_yes_pct, v.recommend_n)]
                for v in cut.values
            ]
            doc.add(
                Para("", label=f"By {cut.column}"),
                Table(["Value", "Responses", "Would recommend"], rows),
            )
        else:
            rows = [[v.value, str(v.responses)] for v in cut.values]
            doc.add(Para("", label=f"By {cut.column}"), Table(["Value", "Responses"], rows))
    for question in draft.survey_themes:
        doc.add(Para("", label=f"“{question.question}” ({question.answers} answers)"))
        doc.add(
            Bullets(
                [
                    (_claim_line(c, of=question.answers), [_quote(r) for r in c.evidence])
                    for c in question.themes
                ],
                ordered=True,
            )
        )
    provenance = draft.provenance
    doc.add(Heading(2, "Provenance"))
    tokens = provenance.tokens or {}
    doc.add(
        Bullets(
            [
                f"Engine: {provenance.engine}"
                + (f" (model {provenance.model})" if provenance.model else ""),
                f"Prompts: {', '.join(provenance.prompt_versions) or 'none (offline)'}; knowledge {provenance.knowledge_fingerprint}",
                f"Segmentation: {provenance.segmentation}",
                f"LLM usage: {tokens.get('input_tokens', 0)} input / {tokens.get('output_tokens', 0)} output tokens, cost ${tokens.get('cost_usd') or 0}"
                if tokens
                else "LLM usage: none",
                f"Quotes dropped because they were not found in any source: {provenance.dropped_quotes}",
                f"Input fingerprint: {provenance.fingerprint}",
                "Every quote above is a verbatim span of an ingested source.",
            ]
        )
    )
    return doc
