"""Survey analysis: the Sean Ellis PMF share (overall, per segment), the fit question (PMF, NPS
or would-recommend) by segment column, and themes over the free-text answers."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from agent.schema import PMF_METHOD, Evidence, EvidenceKind, SourceDocument, SurveyResponse
from agent.schema.icp import PMF, SurveyCut, SurveyCutValue, SurveyQuestionThemes
from agent.synthesize.industry_names import spelling_groups
from agent.synthesize.themes import ranked_claims


def pmf(responses: Iterable[SurveyResponse]) -> PMF:
    """Responses are already deduplicated at ingest; blanks and N/A are dropped here."""
    answers = [r.pmf_answer for r in responses if r.pmf_answer in ("very", "somewhat", "not")]
    very = sum(1 for a in answers if a == "very")
    n = len(answers)
    return PMF(
        very_disappointed_pct=round(100 * very / n, 1) if n else None,
        very=very,
        n=n,
        method=PMF_METHOD,
    )


_ROLE_FAMILIES = [
    ("student", r"\b(student|phd|grad(uate)?|undergrad|postdoc|candidate)\b"),
    (
        "data scientist / analyst",
        r"\b(data (scientist|analyst|engineer)|analyst|analytics|statistic|quant|bioinformatic|machine learning|ml engineer)\b",
    ),
    (
        "researcher / scientist",
        r"\b(research(er)?|scientist|physicist|astro\w*|biolog\w*|chemist|neuro\w*|geo\w*|professor|faculty|academic|lecturer)\b",
    ),
    ("teacher / educator", r"\b(teach\w*|educat\w*|instructor|trainer)\b"),
    (
        "developer / engineer",
        r"\b(develop\w*|engineer|programmer|software|devops|architect|coder)\b",
    ),
    (
        "manager / executive",
        r"\b(manager|director|head|lead|founder|ceo|cto|vp|owner|executive|consultant)\b",
    ),
]


def role_family(role: str | None) -> str | None:
    if not role:
        return None
    lowered = role.lower()
    for family, pattern in _ROLE_FAMILIES:
        if re.search(pattern, lowered):
            return family
    return "other"


_RECOMMEND = ("yes", "maybe", "no")
_RECOMMEND_QUESTION = re.compile(r"\brecommend\b", re.IGNORECASE)


def recommend_answer(response: SurveyResponse) -> str | None:
    """yes / maybe / no to 'would you recommend …?': the survey field when ingest read one,
    else a choice column asking it."""
    answer = getattr(response, "recommend", None)
    if answer in _RECOMMEND:
        return str(answer)
    for question, value in response.segments.items():
        if _RECOMMEND_QUESTION.search(question):
            folded = value.strip().lower()
            if folded in _RECOMMEND:
                return folded
    return None


def recommend_yes(responses: Iterable[SurveyResponse]) -> tuple[float | None, int]:
    """Share of 'yes' among yes / maybe / no answers to 'would you recommend …?', and n."""
    answers = [a for r in responses if (a := recommend_answer(r))]
    if not answers:
        return None, 0
    return round(100 * answers.count("yes") / len(answers), 1), len(answers)


def _metric(responses: list[SurveyResponse]) -> str:
    if any(r.pmf_answer for r in responses):
        return "pmf"
    if any(r.nps is not None for r in responses):
        return "nps"
    if any(recommend_answer(r) for r in responses):
        return "recommend"
    return "responses"


def cut_value(value: str, members: list[SurveyResponse]) -> SurveyCutValue:
    """One value of a segment column: its responses and every fit question the survey asked."""
    row = SurveyCutValue(value=value, responses=len(members))
    share = pmf(members)
    if share.n:
        row.very_disappointed_pct, row.n = share.very_disappointed_pct, share.n
    scores = [r.nps for r in members if r.nps is not None]
    if scores:
        row.nps, row.nps_n = nps(members), len(scores)
    yes, answered = recommend_yes(members)
    if answered:
        row.recommend_yes_pct, row.recommend_n = yes, answered
    return row


def survey_cuts(responses: list[SurveyResponse], min_n: int = 5) -> list[SurveyCut]:
    """For every segment column (industry, size, role family, choice questions): per value, the
    survey's fit question (Sean Ellis PMF, else NPS, else yes/maybe/no recommend) and the
    number of responses."""
    if not responses:
        return []
    metric = _metric(responses)
    columns: dict[str, dict[str, list[SurveyResponse]]] = defaultdict(lambda: defaultdict(list))
    industry = spelling_groups(r.industry for r in responses if r.industry)
    for response in responses:
        if response.industry:
            columns["industry"][industry.get(response.industry, response.industry)].append(response)
        if response.size_band:
            columns["company size"][response.size_band].append(response)
        family = role_family(response.role)
        if family:
            columns["role family"][family].append(response)
        for question, value in response.segments.items():
            if question in ("industry", "role") or len(value) > 60:
                continue
            if metric == "recommend" and _RECOMMEND_QUESTION.search(question):
                continue  # the question the cut compares is no segment
            columns[question][value.strip()].append(response)
    multi: dict[str, int] = {}
    for question, chosen in _choices_with_other(responses, min_n).items():
        for response, value in chosen:
            columns[question][value].append(response)
        people = len({id(response) for response, _ in chosen})
        if people < len(chosen):  # a select-all question: a respondent under several options
            multi[question] = people
    cuts: list[SurveyCut] = []
    for column, values in columns.items():
        rows = [
            cut_value(value, members)
            for value, members in sorted(values.items(), key=lambda kv: -len(kv[1]))
            if len(members) >= min_n
        ]
        if len(rows) >= 2:
            cuts.append(
                SurveyCut(
                    column=column, metric=metric, values=rows[:12], respondents=multi.get(column)
                )
            )
    return cuts


OTHER = "other (own words)"
CHOICE_COVER = 0.7  # share of answers that must be one of a few repeated values


def _choices_with_other(
    responses: list[SurveyResponse], min_n: int
) -> dict[str, list[tuple[SurveyResponse, str]]]:
    """Free-text questions that are really a choice with an 'other' box ('What do you mainly use
    it for?': 90% pick one of seven options): each answer as its option, or OTHER."""
    by_question: dict[str, list[tuple[SurveyResponse, str]]] = defaultdict(list)
    for response in responses:
        for question, answer in response.answers.items():
            if answer.strip():
                by_question[question].append((response, answer.strip()))
    found = {}
    for question, answers in by_question.items():
        counts = Counter(value for _, value in answers)
        options = {value for value, n in counts.items() if n >= min_n}
        covered = sum(counts[value] for value in options)
        if 2 <= len(options) <= 12 and covered >= CHOICE_COVER * len(answers):
            found[question] = [(r, v if v in options else OTHER) for r, v in answers]
            continue
        chosen = _multi_select(answers, min_n)
        if chosen is not None:
            found[question] = chosen
    return found


_MULTI_SEPARATOR = re.compile(r"\s*;\s*")


def _multi_select(
    answers: list[tuple[SurveyResponse, str]], min_n: int
) -> list[tuple[SurveyResponse, str]] | None:
    """A 'select all that apply' question exported as 'comfortable;intuitive;quick': each
    respondent once under every option they picked (OTHER for a write-in), so an option counts
    the respondents who chose it; None when the answers are not picks from a few options."""
    picks = [
        (response, list(dict.fromkeys(p.lower() for p in _MULTI_SEPARATOR.split(a) if p)))
        for response, a in answers
    ]
    if sum(len(chosen) > 1 for _, chosen in picks) < 0.3 * len(picks):
        return None
    counts = Counter(option for _, chosen in picks for option in chosen)
    options = {option for option, n in counts.items() if n >= min_n}
    covered = sum(all(option in options for option in chosen) for _, chosen in picks)
    if not 2 <= len(options) <= 15 or covered < CHOICE_COVER * len(picks):
        return None
    return [
        (response, option if option in options else OTHER)
        for response, chosen in picks
        for option in dict.fromkeys(o if o in options else OTHER for o in chosen)
    ]


MIN_ANSWERS = 5  # a question answered fewer times gets no themes
# survey answers are short: themes whose centroids are this alike are one request worded twice
ANSWER_MERGE = 0.65


def answer_themes(
    documents: list[SourceDocument],
    embed: Callable[[list[str]], Any],
    min_claim: int,
    limit: int = 8,
) -> list[SurveyQuestionThemes]:
    """Themes over the free-text answers of every survey question, counted in respondents:
    each answer is a verbatim span of its response document, clustered with the theme
    function the rest of the draft uses."""
    by_question: dict[str, list[Evidence]] = defaultdict(list)
    for doc in documents:
        if doc.survey is None or doc.language != "en":
            continue  # themes are English sentence clusters: other languages are kept out
        for question, answer in doc.survey.answers.items():
            position = 0
            for part in answer.split("\n"):
                part = part.strip()
                start = doc.text.find(f"{question}: {part}", position) if part else -1
                if start < 0:
                    continue
                start += len(question) + 2
                position = start + len(part)
                by_question[question].append(
                    Evidence(
                        kind=_question_kind(question),
                        summary=part,
                        quote=part,
                        doc_id=doc.doc_id,
                        source=doc.source,
                        source_kind=doc.kind,
                        start=start,
                        end=start + len(part),
                        account=f"respondent:{doc.doc_id}",
                        engine="survey",
                    )
                )
    result = []
    choices = _choices_with_other(
        [d.survey for d in documents if d.survey is not None], MIN_ANSWERS
    )
    for question, items in by_question.items():
        respondents = len({e.account for e in items})
        if respondents < MIN_ANSWERS or question in choices:
            continue  # too few answers, or a choice question: its cut counts the options
        vectors = dict(
            zip([e.id for e in items], np.asarray(embed([e.quote for e in items])), strict=True)
        )
        themes, held = ranked_claims(
            items, vectors, respondents, min_claim, limit=limit, merge=ANSWER_MERGE
        )
        for theme in themes + held:
            theme.unit = "participants"
            for ref in theme.evidence:
                ref.account = None  # a respondent is no account
            theme.kind = _question_kind(question).value
        result.append(
            SurveyQuestionThemes(
                question=question, answers=respondents, themes=themes, held_back=held
            )
        )
    result.sort(key=lambda q: -q.answers)
    return result


def _question_kind(question: str) -> EvidenceKind:
    """What an answer to this question is evidence of, from the question's wording."""
    text = question.lower()
    if re.search(
        r"improve|change|problem|frustrat|difficult|wish|missing|hard|challeng|dislike|worst|annoy|pain|fix|better",
        text,
    ):
        return EvidenceKind.pain
    if re.search(r"\b(?:use|using)\b.*\bfor\b|why do you|what do you use|job|trying to", text):
        return EvidenceKind.job
    if re.search(r"like|love|best|value|benefit|useful|favou?rite|main reason", text):
        return EvidenceKind.outcome
    return EvidenceKind.job


def nps(responses: Iterable[SurveyResponse]) -> float | None:
    scores = [r.nps for r in responses if r.nps is not None]
    if not scores:
        return None
    counts = Counter("promoter" if s >= 9 else "detractor" if s <= 6 else "passive" for s in scores)
    return round(100 * (counts["promoter"] - counts["detractor"]) / len(scores), 1)
