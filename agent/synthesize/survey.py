"""Survey analysis: the Sean Ellis PMF share (overall, per segment) and cuts by segment columns."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from agent.schema import PMF_METHOD, SurveyResponse
from agent.schema.icp import PMF, SurveyCut, SurveyCutValue


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


def survey_cuts(responses: list[SurveyResponse], min_n: int = 5) -> list[SurveyCut]:
    """For every segment column (industry, size, role family, choice questions): per value, the
    PMF share when the survey has the Sean Ellis question, else the number of responses."""
    if not responses:
        return []
    has_pmf = any(r.pmf_answer for r in responses)
    columns: dict[str, dict[str, list[SurveyResponse]]] = defaultdict(lambda: defaultdict(list))
    for response in responses:
        if response.industry:
            columns["industry"][response.industry].append(response)
        if response.size_band:
            columns["company size"][response.size_band].append(response)
        family = role_family(response.role)
        if family:
            columns["role family"][family].append(response)
        for question, value in response.segments.items():
            if question in ("industry", "role") or len(value) > 60:
                continue
            columns[question][value.strip()].append(response)
    cuts: list[SurveyCut] = []
    for column, values in columns.items():
        rows = []
        for value, members in sorted(values.items(), key=lambda kv: -len(kv[1])):
            if len(members) < min_n:
                continue
            row = SurveyCutValue(value=value, responses=len(members))
            if has_pmf:
                share = pmf(members)
                row.very_disappointed_pct, row.n = share.very_disappointed_pct, share.n
            rows.append(row)
        if len(rows) >= 2:
            cuts.append(
                SurveyCut(column=column, metric="pmf" if has_pmf else "responses", values=rows[:12])
            )
    return cuts


def nps(responses: Iterable[SurveyResponse]) -> float | None:
    scores = [r.nps for r in responses if r.nps is not None]
    if not scores:
        return None
    counts = Counter("promoter" if s >= 9 else "detractor" if s <= 6 else "passive" for s in scores)
    return round(100 * (counts["promoter"] - counts["detractor"]) / len(scores), 1)
