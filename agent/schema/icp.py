"""The ICP document: `ICPDraft`, whatever engine produced it. `icp schema` prints its JSON Schema."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from agent.schema.evidence import BuyingRole, JobType, Quantity

Tier = Literal["core", "adjacent", "selective", "defer"]
Unit = Literal["accounts", "participants"]
UNIT_DESCRIPTION = (
    "What the counts count: 'accounts' (companies named by the CRM, front matter, the file name or "
    "the speaker's stated employer) or 'participants' (one per interview or survey respondent, when "
    "the research names no companies)."
)
PMF_METHOD = (
    "sean-ellis: dedupe by respondent keeping the latest; drop blank and N/A; pct = 100 * very / n"
)


class EvidenceRef(BaseModel):
    """A verbatim quote backing a claim: `quote == source text[start:end]`."""

    doc_id: str
    source: str = Field(description="File name of the source.")
    quote: str = Field(description="Verbatim span of the source.")
    start: int
    end: int
    account: str | None = None
    speaker: str | None = None


class Claim(BaseModel):
    """A pain, job, trigger, outcome, workaround or objection theme with its support."""

    label: str = Field(
        description="Short name of the theme (at most ten words, from its quotes' own words)."
    )
    description: str = Field(
        "",
        description="One line on what the theme says: its clearest statement without fillers, "
        "and how many of its quotes share its key word.",
    )
    kind: str = Field(
        description="Evidence kind: pain, job, trigger, outcome, workaround, objection, …"
    )
    job_type: JobType | None = Field(None, description="For jobs: functional, emotional or social.")
    accounts: int = Field(
        description="Distinct accounts (or participants: see `unit`) that said it."
    )
    unit: Unit = Field("accounts", description=UNIT_DESCRIPTION)
    mentions: int = Field(description="Evidence items in the theme.")
    share: float = Field(
        description="Accounts that said it / accounts with evidence in the segment."
    )
    cost: Quantity | None = Field(
        None,
        description="A cost or result exactly as one of the shown quotes states it (amount, unit and "
        "words); None when no shown quote states one unambiguously. Never a median across statements.",
    )
    cost_mentions: int = Field(0, description="How many of the shown quotes state a cost.")
    thin: bool = Field(
        False, description="Supported by too few accounts (knowledge/hypotheses.yaml)."
    )
    confidence: float = Field(
        0.0, description="The highest classifier confidence among the theme's evidence."
    )
    held_back: str | None = Field(
        None,
        description="Why the theme is not shown (its headline names nothing specific or does not "
        "read: a lone word, a quantity, a dependent clause); kept in the JSON for audit, never shown or counted.",
    )
    evidence: list[EvidenceRef] = Field(
        default_factory=list, description="Most representative quotes."
    )


class Role(BaseModel):
    """A buying-committee role as seen in the research."""

    role: BuyingRole
    titles: list[str] = Field(default_factory=list, description="Job titles named for this role.")
    accounts: int = 0
    unit: Unit = Field("accounts", description=UNIT_DESCRIPTION)
    evidence: list[EvidenceRef] = Field(default_factory=list)


class BuyingCommittee(BaseModel):
    economic_buyer: Role | None = None
    champion: Role | None = None
    end_user: Role | None = None
    technical_evaluator: Role | None = None
    blocker: Role | None = None


class Count(BaseModel):
    value: str
    accounts: int = Field(description="Accounts (or participants: see `unit`) with this value.")
    unit: Unit = Field("accounts", description=UNIT_DESCRIPTION)


class Firmographics(BaseModel):
    industries: list[Count] = Field(default_factory=list)
    size_bands: list[Count] = Field(default_factory=list)
    employees_min: int | None = None
    employees_max: int | None = None
    revenue_min_usd: float | None = None
    revenue_max_usd: float | None = None
    regions: list[Count] = Field(default_factory=list, description="ISO 3166-2 subdivisions.")
    countries: list[Count] = Field(default_factory=list)
    evidence: list[EvidenceRef] = Field(
        default_factory=list, description="What customers said about their company."
    )


class Technographics(BaseModel):
    tools: list[Count] = Field(
        default_factory=list, description="Tools with the number of accounts using them."
    )
    categories: list[Count] = Field(default_factory=list)
    evidence: list[EvidenceRef] = Field(default_factory=list)


class Outcomes(BaseModel):
    won: int = 0
    lost: int = 0
    churned: int = 0
    expanded: int = 0
    open: int = 0

    @property
    def closed(self) -> int:
        return self.won + self.lost + self.churned + self.expanded

    @property
    def win_rate(self) -> float | None:
        return (self.won + self.expanded) / self.closed if self.closed else None


class PMF(BaseModel):
    """Sean Ellis: share of 'very disappointed' among deduplicated, non-blank, non-N/A answers."""

    very_disappointed_pct: float | None = None
    very: int = 0
    n: int = 0
    method: str = PMF_METHOD


class FIRE(BaseModel):
    fit: list[str] = Field(default_factory=list, description="Firmographic markers of high fit.")
    intent: list[str] = Field(
        default_factory=list, description="Trigger events that signal intent."
    )
    recency: str = ""
    engagement: list[str] = Field(default_factory=list, description="Interactions that count.")


class Criterion(BaseModel):
    """One of Lincoln Murphy's 7 criteria, judged from evidence."""

    criterion: str
    status: Literal["strong", "partial", "weak", "unknown"]
    rationale: str
    evidence: list[EvidenceRef] = Field(default_factory=list)


class Support(BaseModel):
    accounts: int = Field(
        description="Distinct accounts with evidence (interviews, notes, survey)."
    )
    participants: int = Field(
        0, description="Participants with evidence whose company is not named (one per interview)."
    )
    crm_accounts: int = Field(0, description="Accounts in the segment, evidence or not.")
    documents: int = 0
    source_kinds: list[str] = Field(default_factory=list)


class Messaging(BaseModel):
    """Target / Context / Cost / Change (seeds/004)."""

    target: str
    context: str
    cost: str
    change: str
    evidence: list[EvidenceRef] = Field(default_factory=list)


class Segment(BaseModel):
    id: str
    name: str
    who: str = Field(description="One or two sentences: who these customers are.")
    traits: list[str] = Field(
        default_factory=list,
        description="What sets the segment apart from the others, with counts "
        "('Healthcare: 2 of 2 accounts, 0 of 26 elsewhere').",
    )
    accounts: list[str] = Field(
        description="Account names in the segment: only companies the research names."
    )
    participants: list[str] = Field(
        default_factory=list,
        description="Participants whose company is not named (one per interview), by source.",
    )
    firmographics: Firmographics
    technographics: Technographics
    pains: list[Claim] = Field(
        default_factory=list, description="Ranked by distinct-account support."
    )
    jobs: list[Claim] = Field(default_factory=list)
    triggers: list[Claim] = Field(default_factory=list)
    outcomes_said: list[Claim] = Field(
        default_factory=list, description="Results customers reported."
    )
    workarounds: list[Claim] = Field(default_factory=list)
    objections: list[Claim] = Field(default_factory=list)
    why_they_buy: list[Claim] = Field(
        default_factory=list, description="Win reasons and reported outcomes."
    )
    held_back: list[Claim] = Field(
        default_factory=list,
        description="Themes found but not shown, each with `held_back` saying why and its "
        "confidence: for audit only, never shown or counted.",
    )
    buying_committee: BuyingCommittee = Field(default_factory=BuyingCommittee)
    unknown: dict[str, str] = Field(
        default_factory=dict,
        description="Buying sections with no evidence behind them, and what is missing: keys "
        "`buying_committee`, `objections`, `why_they_buy`; e.g. 'unknown — no deal notes or "
        "buying roles in this research'. They are said in words, never filled by keyword matches.",
    )
    outcomes: Outcomes = Field(
        default_factory=Outcomes, description="Deal outcomes of the segment's accounts."
    )
    win_rate: float | None = Field(None, description="(won + expanded) / closed deals.")
    acv_min: float | None = None
    acv_max: float | None = None
    acv_median: float | None = None
    pmf: PMF = Field(default_factory=PMF)
    fire: FIRE = Field(default_factory=FIRE)
    criteria: list[Criterion] = Field(
        default_factory=list, description="Lincoln Murphy's 7 criteria."
    )
    tier: Tier
    tier_reason: str = ""
    hypothesis: bool = False
    hypothesis_reason: str | None = None
    support: Support
    messaging: Messaging | None = None


class NegativeTrait(BaseModel):
    """A trait over-represented among lost and churned accounts compared with won and expanded ones."""

    dimension: str = Field(description="industry, size_band, region, country, stack or segment.")
    value: str
    label: str
    trait: str = Field(description="Readable statement of the trait.")
    why: str
    lost_or_churned: int
    won_or_expanded: int
    lift: float = Field(
        description="P(trait | lost or churned) / P(trait | won or expanded), smoothed."
    )
    evidence: list[EvidenceRef] = Field(default_factory=list)


class ScoreCriterion(BaseModel):
    block: Literal["firmographic", "technographic", "triggers", "buying_likelihood"]
    criterion: str
    points: float
    rule: str = Field(description="How a prospect earns the points.")


class Scorecard(BaseModel):
    total: int = 100
    criteria: list[ScoreCriterion]
    bands: list[dict[str, object]] = Field(
        default_factory=list, description="A/B/C/D bands and the action for each."
    )
    points: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Points per industry, size band, country and tool; `weights`: each part's maximum (they add up to 100).",
    )
    trigger_keywords: dict[str, list[str]] = Field(
        default_factory=dict, description="Trigger themes and the words that signal them."
    )
    buyer_titles: list[str] = Field(default_factory=list)
    negative: list[str] = Field(
        default_factory=list, description="Negative-ICP traits as dimension=value."
    )


class ScoreBand(BaseModel):
    band: str
    accounts: int
    won: int
    lost: int
    churned: int
    win_rate: float | None
    churn_rate: float | None


class SurveyCutValue(BaseModel):
    value: str
    responses: int
    very_disappointed_pct: float | None = None
    n: int | None = Field(None, description="Sean Ellis answers behind the PMF share.")
    nps: float | None = Field(None, description="Net Promoter Score (% promoters − % detractors).")
    nps_n: int | None = None
    recommend_yes_pct: float | None = Field(
        None, description="Share answering yes to 'would you recommend …?' (yes / maybe / no)."
    )
    recommend_n: int | None = None


class SurveyCut(BaseModel):
    """Survey responses split by one segment column (industry, size, role family, a choice question)."""

    column: str
    metric: Literal["pmf", "nps", "recommend", "responses"] = Field(
        description="The question the cut compares: the Sean Ellis PMF question, NPS, the "
        "yes/maybe/no recommend question, or only response counts when the survey has none."
    )
    values: list[SurveyCutValue]
    respondents: int | None = Field(
        None,
        description="Respondents who answered a select-all question (each is counted under "
        "every option they picked, so the rows add up to more); None when each counts once.",
    )


class SurveyQuestionThemes(BaseModel):
    """Themes over the free-text answers to one survey question, counted in respondents
    ('launch or loading speed: 82 of 240 answers')."""

    question: str
    answers: int = Field(description="Respondents who answered the question.")
    themes: list[Claim] = Field(
        default_factory=list,
        description="Themes ranked by respondents (`accounts`, unit participants) out of `answers`.",
    )
    held_back: list[Claim] = Field(
        default_factory=list,
        description="Themes found but not shown (`held_back` says why): for audit only.",
    )


class IdealOfIdeal(BaseModel):
    description: str
    accounts: list[str]
    traits: list[str]


class Corpus(BaseModel):
    files: int = 0
    documents: dict[str, int] = Field(
        default_factory=dict, description="Documents per source kind."
    )
    accounts: int = 0
    accounts_with_evidence: int = 0
    participants: int = Field(
        0, description="Interviews or notes whose company is not named: one participant each."
    )
    respondents: int = Field(0, description="Survey responses (after dedupe).")
    evidence: dict[str, int] = Field(default_factory=dict, description="Claims per evidence kind.")


class Coverage(BaseModel):
    """How much of the spoken research the document quotes (interviews, notes, deal notes)."""

    customer_speech_pct: float | None = Field(None, description="Share of all speech by customers.")
    interviewer_speech_pct: float | None = Field(None, description="Share spoken by interviewers.")
    cited_customer_speech_pct: float | None = Field(
        None, description="Share of customer speech that the quotes shown in this document cite."
    )
    line: str = Field("", description="The same, as one sentence for the reader.")


class Provenance(BaseModel):
    engine: str
    model: str | None = None
    prompt_versions: list[str] = Field(default_factory=list)
    knowledge_fingerprint: str = ""
    segmentation: str = Field("", description="How the number of segments was chosen.")
    tokens: dict[str, object] = Field(
        default_factory=dict, description="Token usage and cost of the LLM calls."
    )
    dropped_quotes: int = Field(0, description="Model quotes not found in any source, dropped.")
    fingerprint: str = Field(
        "", description="Hash of the inputs; equal inputs give an equal draft."
    )


class CompetitorDeal(BaseModel):
    """One deal note that names the competitor: its account, outcome and the note's words."""

    account: str | None = None
    outcome: str | None = Field(None, description="won, lost, churned, expanded or open.")
    source: str
    evidence: list[EvidenceRef] = Field(
        default_factory=list,
        description="The note's sentence naming the competitor, then its clearest reason.",
    )


class Competitor(BaseModel):
    """A competitor (or the status quo) as the deal notes name it, with every deal it was in."""

    name: str
    status_quo: bool = Field(False, description="No vendor: spreadsheets, in-house, do nothing.")
    details: list[str] = Field(
        default_factory=list, description="What the notes add in parentheses."
    )
    deals: list[CompetitorDeal] = Field(default_factory=list)

    def count(self, *outcomes: str) -> int:
        return sum(1 for d in self.deals if d.outcome in outcomes)


class ICPDraft(BaseModel):
    """An Ideal Customer Profile draft: segments with evidence, negative ICP, scorecard, plan."""

    version: int | None = Field(
        None, description="Workspace version (v1, v2, …); None for paste drafts."
    )
    created_at: dt.datetime
    status: Literal["draft"] = "draft"
    title: str = "Ideal Customer Profile"
    engine: str
    corpus: Corpus
    unit: Unit = Field("accounts", description=UNIT_DESCRIPTION)
    summary: list[str] = Field(default_factory=list, description="The headline findings.")
    segments: list[Segment]
    negative_icp: list[NegativeTrait] = Field(default_factory=list)
    disqualifiers: list[str] = Field(default_factory=list)
    ideal_of_ideal: IdealOfIdeal | None = None
    scorecard: Scorecard
    score_validation: list[ScoreBand] = Field(
        default_factory=list, description="Win and churn rate by score band on CRM accounts."
    )
    qualification_checklist: list[str] = Field(
        default_factory=list, description="Go / no-go questions."
    )
    validation_plan: list[str] = Field(
        default_factory=list, description="What to ask the next 10 customers."
    )
    revisit_on: dt.date
    pmf_overall: PMF = Field(default_factory=PMF)
    survey_cuts: list[SurveyCut] = Field(
        default_factory=list,
        description="PMF, NPS or would-recommend (else response counts) by survey segment column.",
    )
    competition: list[Competitor] = Field(
        default_factory=list,
        description="Competitors named by deal notes (front matter), most deals first.",
    )
    shared_themes: list[Claim] = Field(
        default_factory=list,
        description="Themes at least two accounts (or participants) share across the whole "
        "research, whatever their segments; most shared first.",
    )
    survey_themes: list[SurveyQuestionThemes] = Field(
        default_factory=list, description="Themes over the free-text answers, per question."
    )
    warnings: list[str] = Field(default_factory=list)
    coverage: Coverage | None = Field(None, description="How much of the research is quoted.")
    provenance: Provenance
