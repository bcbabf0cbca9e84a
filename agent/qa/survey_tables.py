"""Survey questions answered from the draft's survey tables: "how many would not recommend?"
reads the answer counts of the matching survey column ("No: 18"), "what share would be very
disappointed?" the Sean Ellis share, with n."""

from __future__ import annotations

import re
from typing import Any

from agent.qa.aggregates import WHICH_SEGMENT
from agent.qa.models import Answer, table_answer
from agent.qa.scope import segments_named
from agent.qa.terms import SCAFFOLD, content_stems, stem

SURVEY_CUE = re.compile(
    r"\b(recommend\w*|respondents?|survey\w*|nps|promoters?|detractors?|pmf|very disappointed|disappointed|answered)\b",
    re.IGNORECASE,
)
NEGATIVE = re.compile(r"\b(not|no|never|wouldn'?t|won'?t|don'?t|didn'?t)\b", re.IGNORECASE)
PMF_CUE = re.compile(r"\b(pmf|product[- ]market fit|very disappointed|sean ellis)\b", re.IGNORECASE)
NO_VALUES = {"no", "false", "n", "0", "never", "not likely", "unlikely"}
YES_VALUES = {"yes", "true", "y", "1", "definitely", "likely"}


def _table(question: str, text: str, answered: bool = True, count: int | None = None) -> Answer:
    return table_answer(question, text, answered, unit="participants", count=count)


def _pct(part: int, whole: int) -> str:
    """A share as researchers report it, to one decimal ("59.5%", "0%")."""
    value = 100 * part / whole if whole else 0.0
    return f"{value:.1f}%".replace(".0%", "%")


def survey_answer(question: str, draft: Any) -> Answer | None:
    if draft is None or not SURVEY_CUE.search(question) or WHICH_SEGMENT.search(question):
        return None  # "which segment has the highest PMF share?" compares segments
    asked = content_stems(question) - {stem(w) for w in ("many", "share", "percent")}
    best, overlap = None, 0
    for cut in draft.survey_cuts:
        shared = len(asked & content_stems(cut.column))
        if shared > overlap:
            best, overlap = cut, shared
    if best is not None:
        negative = bool(NEGATIVE.search(question))
        wanted = NO_VALUES if negative else YES_VALUES
        values = [v for v in best.values if v.value.strip().lower() in wanted]
        if not values:  # a named value: "how many answered 'Weekly'?"
            values = [v for v in best.values if stem(v.value.lower()) in asked]
        total = best.respondents or sum(v.responses for v in best.values)  # select-all: fewer
        if values:
            count = sum(v.responses for v in values)
            shown = ", ".join(f"“{v.value}”: {v.responses}" for v in values)
            return _table(
                question,
                f"{count} of {total} survey respondents: {shown} to “{best.column}” (all answers: "
                + ", ".join(f"{v.value} {v.responses}" for v in best.values)
                + ").",
                count=count,
            )
    if PMF_CUE.search(question) and draft.pmf_overall.n:
        pmf = draft.pmf_overall
        overall = f"overall {pmf.very} of {pmf.n} survey respondents ({_pct(pmf.very, pmf.n)})"
        segments, label, _ = segments_named(question, draft)
        if segments:  # "core-segment respondents": each named segment's share, then everyone's
            answered = [s for s in segments if s.pmf.n]
            parts = [
                f"{s.pmf.very} of {s.pmf.n} ({_pct(s.pmf.very, s.pmf.n)}) in {s.name}"
                if s.pmf.n
                else f"no survey answers linked to {s.name}"
                for s in segments
            ]
            if len(answered) > 1:  # the segments named, together
                very, n = sum(s.pmf.very for s in answered), sum(s.pmf.n for s in answered)
                parts.append(f"together {very} of {n} ({_pct(very, n)})")
            # the other segments beside them: a share means something against the others
            others = [
                f"{s.pmf.very} of {s.pmf.n} ({_pct(s.pmf.very, s.pmf.n)}) in {s.name}"
                for s in draft.segments
                if s.pmf.n and all(s is not named for named in segments)
            ]
            return _table(
                question,
                f"Very disappointed without the product (Sean Ellis), {label}: "
                + "; ".join(parts)
                + f". Against {overall}"
                + (f" and {'; '.join(others)}" if others else "")
                + ".",
                answered=bool(answered),
                count=sum(s.pmf.very for s in answered) if answered else None,
            )
        return _table(
            question,
            f"{overall[0].upper()}{overall[1:]} would be very disappointed without the product "
            "(Sean Ellis).",
            count=pmf.very,
        )
    return None


__all__ = ["SCAFFOLD", "survey_answer"]
