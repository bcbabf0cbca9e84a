"""Follow-up questions in a conversation, resolved against the last question only.

- A self-contained question ("why did churned customers leave?") is asked as it is: nothing of
  the previous question's topic or scope is carried into it.
- A pronoun ("why did they leave?", "what do those teams use instead?") is replaced by the
  previous question's subject ("regional hospital systems").
- An ellipsis ("what about enterprise?", "and the lowest?", "same for lead times") becomes the
  previous question with its subject, its topic or its superlative replaced."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.qa.terms import content_stems

AUXILIARY = (  # "why don't small owner-operators buy": the negated ones too
    r"(?:(?:do|does|did|are|were|is|was|have|has|had|could|would|should)(?:n['’]t)?|"
    r"can(?:['’]t)?|will|won['’]t)"
)
# a subject ends before its verb: the usual verbs of research questions
VERB = (
    r"(?:say|said|says|mention(?:ed|s)?|complain(?:ed|s)?|talk(?:ed)?|struggle[sd]?|stall(?:ed)?|"
    r"start(?:ed)?|look(?:ed)?|want(?:ed)?|need(?:ed)?|use[sd]?|choose|chose|pick(?:ed)?|buy|bought|"
    r"sign(?:ed)?|leave|left|churn(?:ed)?|lose|lost|win|won|run|ran|check(?:ed)?|pay|paid|think|"
    r"feel|felt|see|saw|report(?:ed)?|raise[ds]?|describe[ds]?|get|got|go|went|decline[ds]?|"
    r"switch(?:ed)?|evaluate[ds]?|handle[ds]?|schedule[ds]?|track(?:ed)?|spend|spent|find|found|"
    r"care|worry|worried|like[ds]?|love[ds]?|hate[ds]?|expect(?:ed)?|try|tried|cite[ds]?|"
    r"have|has|had|do|does|did|stop(?:ped)?|keep|kept|lose|rely|relied|work(?:ed)?|manage[ds]?|"
    r"hesitate[ds]?|object(?:ed|s)?|delay(?:ed|s)?|resist(?:ed|s)?|count(?:ed|s)?|"
    r"turn(?:ed|s)?|cancel(?:l?ed|s)?|reject(?:ed|s)?|drop(?:ped|s)?|quit|replace[ds]?|"
    r"photograph(?:ed|s)?|"
    r"cop(?:y|ies|ied)|enter(?:ed|s)?|type[ds]?|print(?:ed|s)?|send|sent|write|wrote)"
)
SUBJECT_AFTER_AUX = re.compile(
    rf"\b{AUXILIARY}\s+(?P<subject>[\w&'’.-]+(?:\s+(?!{VERB}\b|about\b|from\b|with\b|to\b|for\b|when\b|if\b|after\b|before\b)[\w&'’.-]+){{0,5}}?)\s+(?={VERB}\b)",
    re.IGNORECASE,
)
# "participants in the cellar and packaging-line study": a study's people take seven words
SUBJECT_AFTER_HOW_MANY = re.compile(
    rf"\bhow many\s+(?P<subject>[\w&'’.-]+(?:\s+(?!{VERB}\b)[\w&'’.-]+){{0,7}}?)\s+(?={VERB}\b)",
    re.IGNORECASE,
)
SUBJECT_AFTER_STOPS = re.compile(
    r"\b(?:what|who)\s+(?:stops|stopped|blocks|blocked|slows|slowed|makes|made|drives|drove|pushes|pushed|prompts|prompted|keeps|kept|triggers|triggered|holds\s+back|held\s+back)\s+(?P<subject>[\w&'’.-]+(?:\s+[\w&'’.-]+){0,5}?)\s+(?=from\b|to\b|start\b|look\b|buy\b|choose\b|switch\b|leave\b|\w+ing\b|[?.]|$)",
    re.IGNORECASE,
)
ELLIPSIS = re.compile(
    r"^\s*(?:and\s+|but\s+|so\s+)?(?:what|how)\s+about\s+(?P<x>.+?)\s*[?.!]*\s*$"
    r"|^\s*(?:and|but|also)\s+(?:for\s+|with\s+|in\s+)?(?P<y>.+?)\s*[?.!]*\s*$"
    r"|^\s*same\s+(?:for|with|about)\s+(?P<z>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
PRONOUN = re.compile(
    r"\b(?:they|them|those(?:\s+(?:ones|accounts|customers|companies|teams|people|participants|interviewees))?|these(?:\s+(?:accounts|customers|companies|teams|people|participants|interviewees))?)\b",
    re.IGNORECASE,
)
POSSESSIVE = re.compile(r"\btheir\b", re.IGNORECASE)
SUPERLATIVE = re.compile(
    r"\b(?:highest|lowest|most|least|best|worst|biggest|smallest|largest|fewest)\b", re.IGNORECASE
)
QUESTION_WORD = re.compile(
    r"^\s*(?:what|which|who|whom|why|how|when|where|do|does|did|is|are|can|could|would|will|should|was|were|has|have)\b",
    re.IGNORECASE,
)
TOPIC_AFTER = re.compile(
    r"\b(?:mention(?:ed|s)?|say|said|about|with|complain(?:ed)? about|talk(?:ed)? about)\s+(?P<topic>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)


@dataclass
class Resolution:
    question: str
    resolved: str
    how: str  # "self-contained", "pronoun", "ellipsis"


TRAILING_ADVERBS = re.compile(r"(?:\s+(?:not|never|still|also|really|ever))+$", re.IGNORECASE)


def subject_of(question: str) -> str | None:
    """The group a question is about: 'trial teams' in 'why do trial teams stall?'."""
    for pattern in (SUBJECT_AFTER_HOW_MANY, SUBJECT_AFTER_STOPS, SUBJECT_AFTER_AUX):
        match = pattern.search(question)
        if match:
            # "why did very small shippers not buy": the negation is no part of who
            subject = TRAILING_ADVERBS.sub("", match.group("subject").strip())
            if not PRONOUN.fullmatch(subject) and subject.lower() not in {"you", "we", "i", "it"}:
                return subject
    return None


def _swap(previous: str, old: str, new: str) -> str:
    return re.sub(re.escape(old), new, previous, count=1, flags=re.IGNORECASE)


def _looks_like_a_group(phrase: str) -> bool:
    """'enterprise', 'agencies', 'fintech accounts', 'Kinetic CX': a who, not a what."""
    last = phrase.split()[-1].lower() if phrase.split() else ""
    return bool(
        re.search(
            r"(s|ers|ies|people|staff|enterprise|smb|mid-?market|startups?|fintech|saas)$", last
        )
        or re.match(r"[A-Z]", phrase.strip())
    )


def resolve(question: str, previous: str | None) -> Resolution:
    """Resolve `question` against the previous (already resolved) question, or keep it."""
    q = question.strip()
    if not previous:
        return Resolution(q, q, "self-contained")
    if not content_stems(q):  # 'and why?', 'tell me more': the same question again
        return Resolution(q, f"{previous.rstrip(' ?.!')}? {q}", "ellipsis")
    ellipsis = ELLIPSIS.match(q)
    x = ellipsis and next(g for g in ellipsis.groups() if g is not None)
    if x and not QUESTION_WORD.match(x) and len(x.split()) <= 6:
        if SUPERLATIVE.search(x) and SUPERLATIVE.search(previous):
            word = SUPERLATIVE.search(x).group(0)  # type: ignore[union-attr]
            return Resolution(q, SUPERLATIVE.sub(word, previous, count=1), "ellipsis")
        subject = subject_of(previous)
        if subject and _looks_like_a_group(x):
            return Resolution(q, _swap(previous, subject, x), "ellipsis")
        topic = TOPIC_AFTER.search(previous)
        if topic:
            start, end = topic.span("topic")
            return Resolution(q, previous[:start] + x + previous[end:].rstrip() or "?", "ellipsis")
        return Resolution(q, f"{previous.rstrip(' ?.!')}: {x}?", "ellipsis")
    pronoun = PRONOUN.search(q) or POSSESSIVE.search(q)
    if pronoun and subject_of(q) is None:
        subject = subject_of(previous)
        if subject:
            if POSSESSIVE.fullmatch(pronoun.group(0)):
                replacement = f"{subject}'" if subject.endswith("s") else f"{subject}'s"
            else:
                replacement = subject
            resolved = q[: pronoun.start()] + replacement + q[pronoun.end() :]
            return Resolution(q, resolved, "pronoun")
    return Resolution(q, q, "self-contained")
