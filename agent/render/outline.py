"""The ICP document as an outline of blocks: the order and wording a PM would circulate.

The Markdown, the standalone HTML and the web page all write this one outline, so they carry
the same content; a new `ICPDraft` field is rendered by adding it here once. Sections with
nothing behind them say so in words instead of showing an empty table."""

from __future__ import annotations

import re
from collections import Counter

from agent.render import labels
from agent.render.blocks import (
    Bullets,
    Cell,
    Chart,
    ChartRow,
    Contents,
    Heading,
    Item,
    Para,
    Quote,
    Section,
    Table,
)
from agent.schema.icp import Claim, Corpus, EvidenceRef, ICPDraft, Role, Segment, Support
from agent.synthesize.hypotheses import hypothesis_label
from agent.synthesize.units import UNSURE_REASON, counted_unit
from agent.textspans import quote_text

CLAIM_GROUPS = (
    ("triggers", "Trigger events", "No trigger event named yet."),
    ("pains", "Pains, ranked by how many {unit} feel them", "No pain named yet."),
    ("jobs", "Jobs to be done", None),
    ("workarounds", "Current workarounds", None),
    ("objections", "Objections", None),
    ("why_they_buy", "Why they buy", None),
)
GROUP_KIND = {
    "triggers": "trigger",
    "pains": "pain",
    "jobs": "job",
    "workarounds": "workaround",
    "objections": "objection",
}
ROLES = ("economic_buyer", "champion", "end_user", "technical_evaluator", "blocker")
PMF_BAR = 40.0  # Sean Ellis: 40% "very disappointed" is the usual bar
TOP_THEMES = 8
SURVEY_CUTS = 8  # comparisons shown (columns, choice and select-all questions)
_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
_ENGINE_WORDS = {
    "engine: offline": "read offline (no language model)",
    "engine: openai": "read by a language model",
}


def words(text: str) -> str:
    """Generated (not quoted) text in words for people: plurals and internal names fixed."""

    def name(match: re.Match[str]) -> str:
        code = match.group(0)
        shown = labels.industry(code)
        if shown != labels.humanize(code):
            return shown  # an industry keeps its proper name
        if code in labels.SOURCE_KINDS:
            shown = labels.source_kind(code)
        else:
            shown = {**labels.ROLES, **labels.SCORE_BLOCKS}.get(code, shown)
        return shown.lower() if match.start() > 0 else shown

    for internal, shown in _ENGINE_WORDS.items():
        text = text.replace(internal, shown)
    return labels.fix_plurals(_SNAKE.sub(name, text))


_WRITE_IN = re.compile(r"^\s*(other\b[^:]*?)\s*:+\s*(\S.*)$", re.IGNORECASE)


def question_shown(question: str) -> str:
    """A survey export's write-in column ('Other - Write In:How do you run it?') as a reader
    says it: 'How do you run it? (“Other - Write In” answers)'."""
    match = _WRITE_IN.match(question)
    return f"{match.group(2)} (“{match.group(1)}” answers)" if match else question


def no_evidence(unknown: str) -> str:
    """'unknown — no deal notes or buying roles in this research' as a reader sees it: 'No
    evidence in this research: no deal notes or buying roles.'"""
    missing = unknown.removeprefix("unknown — ").strip().rstrip(".")
    where = "this segment's research" if "this segment's research" in missing else "this research"
    missing = missing.replace(f" in {where}", "")
    return f"No evidence in {where}: {missing}."


def held_back_line(held: list[Claim]) -> str:
    """What the segment found but does not show, and why, counted."""
    unsure = sum(1 for c in held if c.held_back and c.held_back.startswith(UNSURE_REASON))
    vague = len(held) - unsure
    why = [
        f"{unsure} whose statements are under the confidence the document shows" if unsure else "",
        f"{vague} said once under a headline that names nothing specific" if vague else "",
    ]
    return (
        f"Also found, kept for audit and not shown: {labels.plural(len(held), 'theme')} ("
        + "; ".join(w for w in why if w)
        + "; listed under held_back in the JSON)."
    )


def members(segment: Segment, short: bool = False) -> str:
    """'4 accounts (3 with evidence)', '5 participants', or both; short: '4 (3)'."""
    accounts, people = len(segment.accounts), len(segment.participants)
    support = segment.support
    parts = []
    if accounts or not people:
        parts.append(
            f"{accounts} ({support.accounts})"
            if short
            else f"{labels.plural(accounts, 'account')} ({support.accounts} with evidence)"
        )
    if people:
        parts.append(
            f"{labels.plural(people, 'participant')}"
            + (f" ({support.participants})" if short and accounts else "")
        )
    return ", ".join(parts)


def with_evidence(support: Support) -> str:
    """'3 accounts', '5 participants' or '3 accounts and 2 participants' (with evidence)."""
    parts = []
    if support.accounts or not support.participants:
        parts.append(labels.plural(support.accounts, "account"))
    if support.participants:
        parts.append(labels.plural(support.participants, "participant"))
    return " and ".join(parts)


def corpus_units(corpus: Corpus) -> str:
    """What the research counts, for the document's first line."""
    parts = []
    if corpus.accounts or not corpus.participants:
        parts.append(
            f"{labels.plural(corpus.accounts, 'account')}, "
            f"{corpus.accounts_with_evidence} with research evidence"
        )
    if corpus.participants:
        parts.append(
            f"{labels.plural(corpus.participants, 'participant')} whose company is not named"
        )
    return " · ".join(parts)


class Outline:
    """Builds the outline of one draft (quotes are numbered per draft for anonymous people)."""

    def __init__(self, draft: ICPDraft) -> None:
        self.draft = draft
        self.citer = labels.Citer()
        self.counted = draft.unit  # accounts, or participants when no company is named

    def quote(self, ref: EvidenceRef) -> Quote:
        who = self.citer.who(ref.doc_id, ref.account, ref.speaker)
        return Quote(
            text=quote_text(ref.quote),
            cite=f"{who} · {ref.source}",
            doc_id=ref.doc_id,
            start=ref.start,
            end=ref.end,
            source=ref.source,
            who=who,
        )

    # -- segments ---------------------------------------------------------------------
    def claim(self, claim: Claim, of: int | None = None) -> Item:
        tags = [
            f"{claim.accounts:,} of {labels.plural(of, 'respondent')}"  # a theme counts people
            if of is not None
            else labels.plural(claim.accounts, claim.unit[:-1])
        ]
        if claim.job_type:
            tags.append(claim.job_type.value)
        if claim.thin:
            tags.append("thin evidence")
        note = None
        if claim.cost:
            unit = claim.cost.unit + (f"/{claim.cost.period}" if claim.cost.period else "")
            note = f"cost stated: {claim.cost.amount:g} {unit} (“{claim.cost.text}”)"
        return Item(
            claim.label,
            tags=tags,
            note=note,
            quotes=[self.quote(r) for r in claim.evidence],
            css="claim",
            detail=claim.description or None,
        )

    def role(self, name: str, role: Role) -> Item:
        titles = ", ".join(labels.title(t) for t in role.titles) or "title not stated"
        return Item(
            f"{labels.role(name)}: {titles}",
            tags=[labels.plural(role.accounts, role.unit[:-1])],
            quotes=[self.quote(r) for r in role.evidence],
            css="role",
        )

    def segment(self, index: int, segment: Segment) -> Section:
        section = Section(css="segment", anchor=f"segment-{index}")
        tier = segment.tier.capitalize()
        badges = [tier] + (["hypothesis"] if segment.hypothesis else [])
        section.add(
            Heading(
                2, f"Segment {index}: {segment.name} — {tier}", f"segment-{index}", badges=badges
            )
        )
        if segment.hypothesis:
            section.add(
                Para(
                    f"{hypothesis_label()} {words(segment.hypothesis_reason or '')}.",
                    style="hypothesis",
                )
            )
        section.add(Para(words(segment.who), label="Who:"))
        section.add(Para(words(segment.tier_reason), label=f"Tier — {tier}:"))
        support = segment.support
        kinds = ", ".join(labels.source_kind(k).lower() for k in support.source_kinds)
        section.add(
            Para(
                f"{with_evidence(support)} with research evidence in "
                f"{labels.plural(support.documents, 'document')}"
                + (f" ({kinds})" if kinds else ""),
                label="Support:",
                style="support",
            )
        )
        if segment.traits:
            section.add(Para("; ".join(segment.traits), label="What sets them apart:"))
        section.add(Para(self.firmographics(segment), label="Firmographics:"))
        tools = ", ".join(f"{c.value} ({c.accounts})" for c in segment.technographics.tools[:8])
        section.add(Para(tools or "no stack named in this research", label="Stack signals:"))
        if segment.accounts or not segment.participants:  # a group of participants names none
            section.add(
                Para(
                    ", ".join(segment.accounts) or "none named",
                    label=f"Accounts ({len(segment.accounts)}):",
                )
            )
        if segment.participants:
            section.add(
                Para(
                    ", ".join(segment.participants),
                    label=f"Participants whose company is not named ({len(segment.participants)}):",
                )
            )
        held = Counter(c.kind for c in segment.held_back)
        for attribute, group_title, empty in CLAIM_GROUPS:
            title = group_title.format(unit=counted_unit(segment))
            claims: list[Claim] = getattr(segment, attribute)
            if claims:
                section.add(
                    Heading(3, title),
                    Bullets([self.claim(c) for c in claims], ordered=True, css="claims"),
                )
            elif attribute in segment.unknown:
                section.add(
                    Heading(3, title), Para(no_evidence(segment.unknown[attribute]), style="empty")
                )
            elif held.get(GROUP_KIND.get(attribute, "")):
                kept = held[GROUP_KIND[attribute]]
                section.add(
                    Heading(3, title),
                    Para(
                        f"None shown: {labels.plural(kept, 'theme')} kept for audit, not stated "
                        "clearly enough to show (listed under held_back in the JSON).",
                        style="empty",
                    ),
                )
            elif empty:
                section.add(Heading(3, title), Para(empty, style="empty"))
        if segment.held_back:
            section.add(Para(held_back_line(segment.held_back), style="empty"))
        committee = segment.buying_committee
        roles = [self.role(n, r) for n in ROLES if (r := getattr(committee, n)) is not None]
        section.add(Heading(3, "Buying committee"))
        section.add(
            Bullets(roles, css="roles")  # type: ignore[arg-type]
            if roles
            else Para(no_evidence(segment.unknown["buying_committee"]), style="empty")
            if "buying_committee" in segment.unknown
            else Para("No buyer, champion or user named yet.", style="empty")
        )
        section.add(Para(self.outcomes(segment), label="Deal outcomes:"))
        section.add(
            Para(
                f"{labels.percent(segment.pmf.very_disappointed_pct)} very disappointed (n={segment.pmf.n})"
                if segment.pmf.n
                else f"no survey answers from this segment's {counted_unit(segment)}",
                label="Product-market fit (Sean Ellis):",
            )
        )
        fire = segment.fire
        section.add(
            Heading(3, "FIRE criteria"),
            Bullets(
                [
                    f"Fit: {words('; '.join(fire.fit)) or 'not known yet'}",
                    f"Intent: {'; '.join(fire.intent) or 'no trigger event named yet'}",
                    f"Recency: {words(fire.recency) or 'not known yet'}",
                    f"Engagement: {words('; '.join(fire.engagement)) or 'none recorded'}",
                ]
            ),
        )
        if segment.criteria:
            section.add(
                Heading(3, "Lincoln Murphy's 7 criteria"),
                Table(
                    ["Criterion", "Status", "Why"],
                    [
                        [c.criterion, c.status.capitalize(), words(c.rationale)]
                        for c in segment.criteria
                    ],
                ),
            )
        if segment.messaging:
            m = segment.messaging
            section.add(
                Heading(3, "Messaging"),
                Bullets(
                    [
                        f"Target: {words(m.target)}",
                        f"Context: {m.context}",
                        f"Cost: {m.cost}",
                        f"Change: {m.change}",
                    ]
                ),
            )
        return section

    @staticmethod
    def firmographics(segment: Segment) -> str:
        firmo = segment.firmographics
        facts = []
        if firmo.industries:
            facts.append(
                ", ".join(
                    f"{labels.industry(c.value)} ({c.accounts})" for c in firmo.industries[:4]
                )
            )
        if firmo.size_bands:
            facts.append(
                ", ".join(
                    f"{labels.size_band(c.value)} ({c.accounts})" for c in firmo.size_bands[:4]
                )
            )
        if firmo.employees_min is not None or firmo.employees_max is not None:
            facts.append("headcount " + labels.employees(firmo.employees_min, firmo.employees_max))
        if firmo.revenue_min_usd is not None:
            facts.append(
                "revenue " + labels.money_range(firmo.revenue_min_usd, firmo.revenue_max_usd)
            )
        if firmo.regions:
            facts.append(
                "regions " + ", ".join(f"{c.value} ({c.accounts})" for c in firmo.regions[:5])
            )
        return "; ".join(facts) or "not known from this research"

    @staticmethod
    def outcomes(segment: Segment) -> str:
        outcomes = segment.outcomes
        if not outcomes.closed and not outcomes.open:
            return "no deals in this research"
        counts = [
            f"{count} {name}"
            for name, count in (
                ("won", outcomes.won),
                ("expanded", outcomes.expanded),
                ("lost", outcomes.lost),
                ("churned", outcomes.churned),
                ("open", outcomes.open),
            )
            if count
        ]
        text = " · ".join(counts)
        if segment.win_rate is not None:
            text += f" — win rate {segment.win_rate:.0%} of {labels.plural(outcomes.closed, 'closed deal')}"
        if segment.acv_median:
            text += f"; ACV {labels.money_range(segment.acv_min, segment.acv_max)} (median {labels.money(segment.acv_median)})"
        return text

    # -- charts ------------------------------------------------------------------------
    def charts(self) -> list[object]:
        segments = self.draft.segments
        if not segments:
            return []
        most = max(len(s.accounts) + len(s.participants) for s in segments) or 1
        rows = []
        for index, s in enumerate(segments, start=1):
            closed = s.outcomes.closed
            rate = (
                Cell(s.win_rate, f"{s.win_rate:.0%} of {closed} closed")
                if s.win_rate is not None
                else Cell(None, "no closed deals")
            )
            rows.append(
                ChartRow(
                    f"{index}. {s.name}",
                    [
                        Cell((len(s.accounts) + len(s.participants)) / most, members(s)),
                        rate,
                    ],
                    muted=s.hypothesis,
                )
            )
        blocks: list[object] = [
            Chart(
                f"{self.counted.capitalize()} and win rate per segment",
                [self.counted.capitalize(), "Win rate (won or expanded / closed)"],
                rows,
                description="; ".join(
                    f"{r.label}: {r.cells[0].text}, win rate {r.cells[1].text}" for r in rows
                ),
            )
        ]
        pmf_rows = [
            ChartRow(
                f"{index}. {s.name}",
                [
                    Cell(
                        s.pmf.very_disappointed_pct / 100,
                        f"{labels.percent(s.pmf.very_disappointed_pct)} (n={s.pmf.n})",
                    )
                    if s.pmf.n and s.pmf.very_disappointed_pct is not None
                    else Cell(None, "no survey answers")
                ],
                muted=s.hypothesis,
            )
            for index, s in enumerate(segments, start=1)
        ]
        overall = self.draft.pmf_overall
        if overall.n and overall.very_disappointed_pct is not None:
            pmf_rows.append(
                ChartRow(
                    "All respondents",
                    [
                        Cell(
                            overall.very_disappointed_pct / 100,
                            f"{labels.percent(overall.very_disappointed_pct)} (n={overall.n})",
                        )
                    ],
                )
            )
        if any(r.cells[0].fraction is not None for r in pmf_rows):
            blocks.append(
                Chart(
                    "Product-market fit by segment: “very disappointed” share",
                    ["Very disappointed without the product"],
                    pmf_rows,
                    description="; ".join(f"{r.label}: {r.cells[0].text}" for r in pmf_rows)
                    + f". {PMF_BAR:.0f}% is the usual bar.",
                    marker=(0, PMF_BAR / 100, f"{PMF_BAR:.0f}% bar"),
                )
            )
        else:
            blocks.append(
                Para(
                    "No product-market-fit survey answers in this research, so no PMF chart.",
                    style="empty",
                )
            )
        return blocks

    def shared_themes(self) -> list[object]:
        """Themes several accounts share across segments, each with its quotes."""
        if not self.draft.shared_themes:
            return []
        segment_of = {
            name: index
            for index, segment in enumerate(self.draft.segments, start=1)
            for name in segment.accounts
        }
        items: list[str | Item] = []
        for claim in self.draft.shared_themes:
            item = self.claim(claim)
            item.text = f"{labels.claim_kind(claim.kind)}: {claim.label}"
            where = sorted(
                {segment_of[r.account] for r in claim.evidence if r.account in segment_of}
            )
            if where:
                item.tags.append(
                    ("segment " if len(where) == 1 else "segments ")
                    + ", ".join(str(w) for w in where)
                )
            items.append(item)
        unit = self.draft.unit
        return [
            Para(
                f"What at least two {unit} say, whatever their segment (most shared first).",
                label="Shared across the research:",
            ),
            Bullets(items, ordered=True, css="claims"),
        ]

    def top_themes(self) -> list[object]:
        found: list[tuple[int, int, str, str, int, str]] = []
        for index, segment in enumerate(self.draft.segments, start=1):
            for attribute, _title, _empty in CLAIM_GROUPS:
                for claim in getattr(segment, attribute):
                    found.append(
                        (claim.accounts, claim.mentions, claim.label, claim.kind, index, claim.unit)
                    )
        if not found:
            if any(q.themes for q in self.draft.survey_themes):
                return [
                    Para(
                        "No interview or note themes: the survey's answer themes are under "
                        "Product-market fit survey.",
                        style="empty",
                    )
                ]
            return [Para("No themes yet: nothing was said by a customer.", style="empty")]
        found.sort(key=lambda t: (-t[0], -t[1], t[4]))
        top = found[:TOP_THEMES]
        most = top[0][0] or 1
        rows = [
            ChartRow(
                f"{labels.claim_kind(kind)}, segment {index}: “{label}”",
                [Cell(accounts / most, labels.plural(accounts, unit[:-1]))],
            )
            for accounts, _mentions, label, kind, index, unit in top
        ]
        return [
            Chart(
                f"Top themes by number of {self.draft.unit}",
                [f"{self.draft.unit.capitalize()} that said it"],
                rows,
                description="; ".join(f"{r.label}: {r.cells[0].text}" for r in rows),
            )
        ]

    # -- the whole document -------------------------------------------------------------
    def build(self) -> Section:
        draft = self.draft
        doc = Section()
        version = f" — v{draft.version}" if draft.version else ""
        doc.add(Heading(1, f"{draft.title}{version} ({draft.status})"))
        corpus = draft.corpus
        kinds = ", ".join(
            labels.source_kind(k, v)
            for k, v in sorted(corpus.documents.items(), key=lambda kv: -kv[1])
        )
        doc.add(
            Para(
                f"Created {labels.date(draft.created_at)} · {labels.plural(corpus.files, 'file')}, "
                f"{labels.plural(sum(corpus.documents.values()), 'document')}"
                + (f" ({kinds})" if kinds else "")
                + f" · {corpus_units(corpus)}"
                f" · revisit by {labels.date(draft.revisit_on)}",
                style="meta",
            )
        )
        # what makes the whole draft a hypothesis comes first; other gaps follow the summary
        first = [w for w in draft.warnings if "hypothesis" in w.lower()]
        for warning in first:
            doc.add(Para(words(warning), style="warning"))
        doc.add(Heading(2, "Summary", "summary"))
        doc.add(Bullets([words(s) for s in draft.summary] or ["No segment could be formed yet."]))
        for warning in draft.warnings:
            if warning not in first:
                doc.add(Para(words(warning), style="warning"))
        contents = Contents()
        doc.add(contents)
        doc.add(Heading(2, "Segments at a glance", "glance"))
        if draft.segments:
            doc.blocks += self.charts()
            doc.add(self.glance_table())
        else:
            doc.add(Para("No segments: there is not enough research yet.", style="empty"))
        doc.add(Heading(2, "Top themes", "themes"))
        shared = self.shared_themes()
        # the shared themes are the top themes; without any, the most-said theme per segment
        doc.blocks += shared or self.top_themes()
        for index, segment in enumerate(draft.segments, start=1):
            doc.add(self.segment(index, segment))
        doc.add(Heading(2, "Negative ICP", "negative-icp"))
        self.negative(doc)
        doc.add(Heading(2, "Competition in deals", "competition"))
        self.competition(doc)
        doc.add(Heading(2, "The ideal of the ideal", "ideal"))
        if draft.ideal_of_ideal:
            ideal = draft.ideal_of_ideal
            doc.add(
                Para(words(ideal.description)),
                Bullets([words(t) for t in ideal.traits]),
                Para(", ".join(ideal.accounts), label="Accounts:"),
            )
        else:
            doc.add(
                Para(
                    "No sub-segment stands out yet: it needs accounts that expanded or whose users would be very disappointed without the product.",
                    style="empty",
                )
            )
        self.scorecard(doc)
        doc.add(Heading(2, "Qualification checklist (go / no-go)", "checklist"))
        doc.add(
            Bullets([words(c) for c in draft.qualification_checklist])
            if draft.qualification_checklist
            else Para(
                "No checklist yet: there is no core segment to qualify against.", style="empty"
            )
        )
        doc.add(Heading(2, "Validation plan: the next 10 customers", "validation-plan"))
        doc.add(
            Bullets(
                [words(v) for v in draft.validation_plan]
                or ["Nothing flagged: keep interviewing to watch for drift."]
            )
        )
        self.survey(doc)
        self.provenance(doc)
        contents.entries = [
            (h.level, h.text, h.anchor)
            for h in doc.headings()
            if h.level == 2 and h.anchor and h.anchor != "summary"
        ]
        return doc

    def glance_table(self) -> Table:
        rows = []
        for index, segment in enumerate(self.draft.segments, start=1):
            rows.append(
                [
                    str(index),
                    segment.name + (" (hypothesis)" if segment.hypothesis else ""),
                    segment.tier.capitalize(),
                    members(segment, short=True),
                    f"{segment.win_rate:.0%}"
                    if segment.win_rate is not None
                    else "no closed deals",
                    labels.percent(segment.pmf.very_disappointed_pct, segment.pmf.n)
                    if segment.pmf.n
                    else "no answers",
                    labels.money_range(segment.acv_min, segment.acv_max)
                    if segment.acv_median
                    else "—",
                ]
            )
        return Table(
            [
                "#",
                "Segment",
                "Tier",
                "Accounts (with evidence)" if self.counted == "accounts" else "Participants",
                "Win rate",
                "PMF very disappointed",
                "ACV",
            ],
            rows,
        )

    def negative(self, doc: Section) -> None:
        draft = self.draft
        if draft.negative_icp:
            doc.add(
                Bullets(
                    [
                        Item(
                            words(t.trait),
                            tags=[
                                f"{t.lost_or_churned} lost or churned vs {t.won_or_expanded} won or expanded",
                                f"lift {t.lift:.1f}×",
                            ],
                            note=words(t.why),
                            quotes=[self.quote(r) for r in t.evidence],
                        )
                        for t in draft.negative_icp
                    ]
                )
            )
        else:
            doc.add(
                Para(
                    "No trait is over-represented among lost and churned accounts (or there are too few of them).",
                    style="empty",
                )
            )
        if draft.disqualifiers:
            doc.add(Heading(3, "Disqualifiers"), Bullets([words(d) for d in draft.disqualifiers]))

    def competition(self, doc: Section) -> None:
        """Who the deal notes say each deal was against, with its outcome and the note's words."""
        if not self.draft.competition:
            doc.add(
                Para(
                    "No win/loss or churn note names a competitor (front matter `competitor:`).",
                    style="empty",
                )
            )
            return
        items: list[str | Item] = []
        for rival in self.draft.competition:
            tags = [labels.plural(len(rival.deals), "deal")]
            for outcome, said in (
                ("won", "won"),
                ("expanded", "expanded"),
                ("lost", "lost"),
                ("churned", "churned to it"),
                ("open", "open"),
            ):
                if n := rival.count(outcome):
                    tags.append(f"{said} {n}")
            by_outcome: dict[str, list[str]] = {}
            for deal in rival.deals:
                by_outcome.setdefault(deal.outcome or "no outcome", []).append(
                    deal.account or deal.source
                )
            note = "; ".join(f"{o}: {', '.join(a)}" for o, a in by_outcome.items())
            name = rival.name + (f" ({'; '.join(rival.details)})" if rival.details else "")
            items.append(
                Item(
                    words(name),
                    tags=tags,
                    note=words(note),
                    quotes=[self.quote(r) for d in rival.deals for r in d.evidence],
                )
            )
        doc.add(Bullets(items))

    def scorecard(self, doc: Section) -> None:
        card = self.draft.scorecard
        doc.add(Heading(2, f"Scorecard ({card.total} points)", "scorecard"))
        doc.add(
            Para(
                " · ".join(
                    f"{labels.score_block(block)} {points:g}"
                    for block, points in self.score_blocks().items()
                )
                + ". Score a prospect list with the command: icp score ACCOUNTS.csv",
                style="note",
            )
        )
        if card.criteria:
            doc.add(
                Table(
                    ["Block", "Criterion", "Points", "Rule"],
                    [
                        [
                            labels.score_block(c.block),
                            words(c.criterion),
                            f"{c.points:g}",
                            words(c.rule),
                        ]
                        for c in card.criteria
                    ],
                )
            )
        else:
            doc.add(Para("No criteria yet: the research names no fit signals.", style="empty"))
        if card.bands:
            doc.add(
                Para(
                    " · ".join(
                        f"{b.get('name')} ≥ {b.get('min')}: {b.get('action')}" for b in card.bands
                    ),
                    label="Bands:",
                )
            )
        if self.draft.score_validation:
            doc.add(
                Para(
                    "Does the score predict success? Win and churn rate by score band on the CRM accounts (in-sample: these accounts shaped the scorecard).",
                    label="Validation:",
                ),
                Table(
                    [
                        "Score",
                        "Accounts",
                        "Won or expanded",
                        "Lost",
                        "Churned",
                        "Win rate",
                        "Churn rate",
                    ],
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
                        for b in self.draft.score_validation
                    ],
                ),
            )
        else:
            doc.add(
                Para(
                    "No CRM deal outcomes in this research, so the score is not checked against wins and churn yet.",
                    label="Validation:",
                    style="empty",
                )
            )

    def score_blocks(self) -> dict[str, float]:
        blocks: dict[str, float] = {}
        for criterion in self.draft.scorecard.criteria:
            blocks[criterion.block] = blocks.get(criterion.block, 0.0) + criterion.points
        return blocks

    def survey(self, doc: Section) -> None:
        draft = self.draft
        doc.add(Heading(2, "Product-market fit survey", "pmf"))
        overall = draft.pmf_overall
        if not overall.n:
            instead = {"nps": "NPS", "recommend": "“would you recommend”"}.get(
                draft.survey_cuts[0].metric if draft.survey_cuts else ""
            )
            doc.add(
                Para(
                    "No Sean Ellis answers in this research"
                    + (
                        f"; the tables below compare the {instead} answers instead."
                        if instead
                        else "."
                    ),
                    style="empty",
                )
            )
        else:
            doc.add(
                Para(
                    f"{labels.percent(overall.very_disappointed_pct)} very disappointed (n={overall.n}; "
                    f"{PMF_BAR:.0f}% is the usual bar). Method: {overall.method}.",
                    label="Overall:",
                )
            )
        for cut in draft.survey_cuts[:SURVEY_CUTS]:
            values = [v for v in cut.values if v.responses]
            title = (
                f"By answer to “{question_shown(cut.column)}”"  # a question, not a named column
                if cut.column.endswith("?") or len(cut.column.split()) > 4
                else f"By {labels.humanize(cut.column).lower()}"
            )
            if not values:
                doc.add(Para("no answers", label=title, style="empty"))
                continue

            def shown(value: str, column: str = cut.column) -> str:
                if column.lower() == "industry":
                    return labels.industry(value)
                if column.lower() in ("size", "company size", "size_band"):
                    return labels.size_band(value)
                return value[:1].upper() + value[1:] if value.islower() else value

            # the fit question's own column, by what the cut measures (none for a plain count)
            measures = {
                "pmf": (
                    "Very disappointed",
                    lambda v: labels.percent(v.very_disappointed_pct, v.n),
                ),
                "nps": (
                    "NPS",
                    lambda v: f"{v.nps:g} (n={v.nps_n})" if v.nps_n and v.nps is not None else "—",
                ),
                "recommend": (
                    "Would recommend",
                    lambda v: labels.percent(v.recommend_yes_pct, v.recommend_n),
                ),
            }
            measure = measures.get(cut.metric)
            doc.add(
                Heading(3, title),
                Table(
                    ["Answer", "Responses"] + ([measure[0]] if measure else []),
                    [
                        [shown(v.value), str(v.responses)] + ([measure[1](v)] if measure else [])
                        for v in values
                    ],
                ),
            )
            if cut.respondents:
                doc.add(
                    Para(
                        f"{labels.plural(cut.respondents, 'respondent')} answered; each could pick "
                        "several, so the rows add up to more.",
                        style="meta",
                    )
                )
        for question in draft.survey_themes:
            doc.add(
                Heading(
                    3,
                    f"“{question_shown(question.question)}” "
                    f"({labels.plural(question.answers, 'respondent')} answered)",
                ),
                Bullets(
                    [self.claim(c, of=question.answers) for c in question.themes],
                    ordered=True,
                    css="claims",
                ),
            )

    def provenance(self, doc: Section) -> None:
        provenance = self.draft.provenance
        tokens = provenance.tokens or {}
        doc.add(Heading(2, "Provenance", "provenance"))
        doc.add(
            Bullets(
                [
                    "Evidence " + labels.engine(provenance.engine, provenance.model) + ".",
                    f"Prompts: {', '.join(provenance.prompt_versions) or 'none (no language model)'}; knowledge {provenance.knowledge_fingerprint}",
                    f"Segmentation: {provenance.segmentation or 'not recorded'}",
                    f"Language model usage: {tokens.get('input_tokens', 0)} input / {tokens.get('output_tokens', 0)} output tokens, cost ${tokens.get('cost_usd') or 0}"
                    if tokens
                    else "Language model usage: none",
                    f"Quotes dropped because they were not found in any source: {provenance.dropped_quotes}",
                    f"Input fingerprint: {provenance.fingerprint}",
                    "Every quote above is a verbatim span of an ingested source.",
                ]
            )
        )


def outline(draft: ICPDraft) -> Section:
    return Outline(draft).build()
