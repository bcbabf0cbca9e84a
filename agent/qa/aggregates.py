"""Comparison questions answered from the ICP's tables, not from text retrieval: "which
segment has the highest PMF share" (counting questions: agent.qa.counts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.qa.models import Answer, Citation, cite, table_answer
from agent.qa.stack import stack_answer
from agent.schema.icp import ICPDraft, Segment
from agent.store import Workspace

WHICH_SEGMENT = re.compile(r"\bwhich (?:segment|customer segment|icp segment)s?\b", re.IGNORECASE)
# "Is hospital housekeeping a segment we should pursue?", "Are agencies worth targeting?", "Is
# there enough evidence to target university research offices?"
PURSUE = re.compile(
    r"\b(?:(?:should\s+we|we\s+should)\s+(?:pursue|target|go\s+after|prioriti[sz]e|focus\s+on|sell\s+to|invest\s+in)|"
    r"worth\s+(?:pursuing|targeting|going\s+after|prioriti[sz]ing|selling\s+to)|"
    r"\b(?:a|any|the)\s+(?:business\s+)?case\s+for\s+(?:selling\s+to|targeting|pursuing|going\s+after)|"
    r"enough\s+(?:evidence|data|signal|proof|research)\s+(?:to|for\s+us\s+to)\s+"
    r"(?:pursue|target|go\s+after|prioriti[sz]e|focus\s+on|sell\s+to|invest\s+in)|"
    r"(?:good|right|strong|real)\s+(?:fit|segment|target|icp)\b)",
    re.IGNORECASE,
)
# "Which competitors come up in deals?", "Who do we lose to?" (not "why did X go with a competitor")
COMPETITORS = re.compile(
    r"^\W*(?:which|what|who)\b.{0,60}\b(?:competitors?|competition|competing (?:vendors?|products?|tools?)|"
    r"alternatives?\b.{0,60}\b(?:deals?|lose|lost|losing|win|won|winning))\b|"
    r"\bwho (?:do|did|are) we (?:lose|lost|losing|win|won|winning)\b",
    re.IGNORECASE,
)
# asked of the interviews or the survey, not of the deals: retrieval answers it
NOT_DEALS = re.compile(r"\b(?:interview\w*|participants?|respondents?|survey\w*)\b", re.IGNORECASE)
# "Who signs off on a purchase?", "who champions it?", "who is in the buying committee?"
COMMITTEE = re.compile(
    r"\bwho\b.{0,40}\b(?:signs?|signed|approves?|approved|decides?|decided|buys?|champions?|"
    r"blocks?|blocked|evaluates?|owns? the budget|holds? the budget|pays?)\b|"
    r"\b(?:buying committee|decision[- ]makers?|economic buyers?|budget (?:owner|holder)s?)\b",
    re.IGNORECASE,
)
ROLE_WORDS = {  # role: (what the role does, the question words that ask for it)
    "economic_buyer": ("signs (economic buyer)", r"sign|approv|decid|buy|budget|pay|economic"),
    "champion": ("champions it", r"champion"),
    "technical_evaluator": ("reviews it (technical evaluator)", r"evaluat|review|security|it\b"),
    "blocker": ("can block it", r"block"),
    "end_user": ("uses it", r"\buse|user"),
}
QUOTES_PER_ROLE = 2
MAX_SEGMENTS = 3
MIN_PMF_N = 5
SHOWN_PAINS = 3


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
    return table_answer(question, text, answered, citations)


def _survey_groups(draft: ICPDraft, lowest: bool) -> str:
    """No segment has survey answers (the respondents are not the segmented accounts): the
    survey's own groups, by the first column that splits the PMF question, or ''."""
    from agent.ingest.normalize import industry_label

    for cut in draft.survey_cuts:
        rows = [
            v
            for v in cut.values
            if cut.metric == "pmf"
            and v.very_disappointed_pct is not None
            and (v.n or 0) >= MIN_PMF_N
        ]
        if len(rows) < 2:
            continue
        rows.sort(key=lambda v: v.very_disappointed_pct or 0.0, reverse=not lowest)
        shown = "; ".join(
            f"{industry_label(v.value) if cut.column.lower() == 'industry' else v.value}: "
            f"{v.very_disappointed_pct:.0f}% very disappointed (n={v.n})"
            for v in rows
        )
        return (
            f"No segment has survey answers of its own (the respondents are not among the "
            f"segmented accounts). By the survey's {cut.column.lower()} column, "
            f"{'lowest' if lowest else 'highest'} first: {shown}."
        )
    return ""


def which_segment(question: str, draft: ICPDraft) -> Answer:
    metric, lowest = _segment_metric(question)
    ranked = [(s, _value(s, metric)) for s in draft.segments]
    measured = [(s, v) for s, v in ranked if v is not None]
    skipped = [s for s, v in ranked if v is None]
    if not measured:
        if metric == "pmf":
            by_group = _survey_groups(draft, lowest)
            if by_group:
                return _table_answer(question, by_group + " " + _from_draft(draft))
        need = {
            "pmf": f"PMF needs at least {MIN_PMF_N} answers",
            "win_rate": "a win rate needs at least 2 closed deals",
            "churn": "a churn rate needs at least 2 closed deals",
            "acv": "no deal value is known",
        }.get(metric, "nothing to compare")
        text = f"Not enough evidence: no segment has enough data for {metric.replace('_', ' ')} ({need})."
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
    lines.append(_from_draft(draft))
    return _table_answer(question, " ".join(lines))


def _asked_segments(question: str, workspace: Workspace, draft: ICPDraft) -> list[Segment]:
    """The segments a question names: by tier or name, else by the industry it names (the
    segments holding most of that industry's accounts)."""
    from agent.qa.index import document_index
    from agent.qa.scope import industry_accounts, segments_named

    named, _, _ = segments_named(question, draft)
    if named or workspace is None:
        return named
    crm = [d for d in document_index(workspace).rows if d.kind == "crm"]
    accounts, _ = industry_accounts(question, crm)
    keys = {a.lower() for a in accounts}
    if not keys:
        return []
    held = [(s, sum(1 for a in s.accounts if a.lower() in keys)) for s in draft.segments]
    return [s for s, n in held if n and n * 2 >= len(s.accounts)]


def segment_verdict(question: str, segments: list[Segment], draft: ICPDraft) -> Answer:
    """Whether to pursue a segment, from the draft: its tier and why, whether it is a
    hypothesis, its deals and PMF, and what its accounts raise most (cited)."""
    sentences: list[str] = []
    citations: list[Citation] = []
    for segment in segments:
        accounts = segment.accounts
        who = f"{len(accounts)} {'account' if len(accounts) == 1 else 'accounts'}" + (
            f" ({', '.join(accounts[:6])}{', …' if len(accounts) > 6 else ''})" if accounts else ""
        )
        verdict = f"“{segment.name}”, {who}: tier {segment.tier}"
        verdict += f" ({segment.tier_reason.rstrip('.')})" if segment.tier_reason else ""
        if segment.hypothesis:
            verdict += ". A hypothesis" + (
                f": {segment.hypothesis_reason.rstrip('.')}" if segment.hypothesis_reason else ""
            )
        if not segment.tier_reason:  # the tier's reason already says its deals and PMF
            outcomes = segment.outcomes
            verdict += (
                f". Deals: {outcomes.won + outcomes.expanded} won, {outcomes.lost} lost, "
                f"{outcomes.churned} churned, {outcomes.open} open"
                if outcomes.closed or outcomes.open
                else ". No deals in the research"
            )
            verdict += (
                f". PMF: {segment.pmf.very} of {segment.pmf.n} very disappointed"
                if segment.pmf.n
                else ". No survey answers from it"
            )
        pains = [c for c in segment.pains if c.evidence][:SHOWN_PAINS]
        if pains:
            raised = []
            for claim in pains:
                unit = "participant" if not claim.evidence[0].account else "account"
                raised.append(
                    f"“{claim.label}” ({claim.accounts} {unit}{'' if claim.accounts == 1 else 's'}) "
                    + _cite_all(claim.evidence[:1], citations)
                )
            verdict += ". What they raise most: " + "; ".join(raised)
        members = set(accounts)
        against = [
            (rival, deal)
            for rival in draft.competition
            for deal in rival.deals
            if deal.account in members and deal.evidence
        ]
        if against:
            said = [
                f"{deal.outcome or 'no outcome yet'} {deal.account} against {_rival_name(rival)} "
                + _cite_all(deal.evidence, citations)
                for rival, deal in against
            ]
            verdict += ". In deals: " + "; ".join(s.strip() for s in said)
        sentences.append(verdict + ".")
    sentences.append(_from_draft(draft))
    return _table_answer(question, " ".join(sentences), citations=citations)


def competitors_answer(question: str, draft: ICPDraft) -> Answer:
    """Competitors named by the deal notes: each with its deals' outcomes and accounts, every
    deal cited with the note's sentence naming the competitor and its clearest reason."""
    citations: list[Citation] = []
    sentences = []
    deals = sum(len(c.deals) for c in draft.competition)
    for rival in draft.competition:
        parts = []
        for deal in rival.deals:
            parts.append(
                f"{deal.outcome or 'no outcome'} {deal.account or deal.source} "
                + _cite_all(deal.evidence, citations)
            )
        n = len(rival.deals)
        sentences.append(
            f"{_rival_name(rival)}: {n} deal{'' if n == 1 else 's'} — "
            f"{', '.join(p.strip() for p in parts)}."
        )
    lead = (
        f"{deals} deal note{'' if deals == 1 else 's'} name{'s' if deals == 1 else ''} "
        f"{len(draft.competition)} competitor{'' if len(draft.competition) == 1 else 's'} or alternative"
        f"{'' if len(draft.competition) == 1 else 's'} (interviews may mention others):"
    )
    return _table_answer(question, " ".join([lead, *sentences]), citations=citations)


def _cite_all(refs: list[Any], citations: list[Citation]) -> str:
    """Cite each ref after those already cited; their markers ("[3][4]")."""
    markers = ""
    for ref in refs:
        citations.append(cite(len(citations) + 1, ref))
        markers += f"[{len(citations)}]"
    return markers


def _rival_name(rival: Any) -> str:
    return rival.name + (f" ({'; '.join(rival.details)})" if rival.details else "")


def _from_draft(draft: Any) -> str:
    return f"From ICP v{draft.version}." if draft.version else "From the current draft."


def committee_answer(question: str, segments: list[Segment], draft: ICPDraft) -> Answer | None:
    """Who buys, from the draft's buying committees: per segment (those the question names,
    else every segment with a role in the research, most accounts first), each role with the
    titles named for it, how many accounts name it, and its quotes cited; the role the
    question asks for first. None when no segment has a role with evidence."""
    from agent.render.labels import title

    asked = [role for role, (_, words) in ROLE_WORDS.items() if re.search(words, question, re.I)]
    order = asked + [r for r in ROLE_WORDS if r not in asked]
    chosen = segments or sorted(draft.segments, key=lambda s: -len(s.accounts))
    citations: list[Citation] = []
    sentences = []
    for segment in chosen:
        parts = []
        for name in order:
            role = getattr(segment.buying_committee, name)
            if role is None or not role.evidence:
                continue
            unit = "participant" if role.unit == "participants" else "account"
            who = ", ".join(dict.fromkeys(title(t) for t in role.titles[:4]))
            parts.append(
                f"{ROLE_WORDS[name][0]}: {who + ' — ' if who else ''}{role.accounts} "
                f"{unit}{'' if role.accounts == 1 else 's'} "
                + _cite_all(role.evidence[:QUOTES_PER_ROLE], citations)
            )
        if parts:
            sentences.append(f"“{segment.name}” — " + "; ".join(p.strip() for p in parts) + ".")
        if len(sentences) >= MAX_SEGMENTS:
            break
    if not sentences:
        return None
    sentences.append(_from_draft(draft))
    return _table_answer(question, " ".join(sentences), citations=citations)


def try_aggregate(
    question: str, workspace: Workspace, embedder: Any, draft: Any = None
) -> Answer | None:
    if (
        draft is not None
        and draft.competition
        and COMPETITORS.search(question)
        and not NOT_DEALS.search(question)
    ):
        return competitors_answer(question, draft)
    if draft is not None and COMMITTEE.search(question) and not WHICH_SEGMENT.search(question):
        answer = committee_answer(question, _asked_segments(question, workspace, draft), draft)
        if answer is not None:
            return answer
    if draft is not None and PURSUE.search(question) and not WHICH_SEGMENT.search(question):
        segments = _asked_segments(question, workspace, draft)
        if segments:
            return segment_verdict(question, segments, draft)
    stack = stack_answer(question, workspace, draft)
    if stack is not None:
        return stack
    if WHICH_SEGMENT.search(question):
        if draft is None:
            return _table_answer(
                question,
                "Not enough evidence: segment questions need an ICP version — run `icp synthesize` first.",
                answered=False,
            )
        return which_segment(question, draft)
    return None
