"""An offline answer that synthesizes: the relevant sentences grouped by meaning (a draft theme
when one holds them, else an ad-hoc cluster), one sentence per group with its count of accounts
or participants — "Four of 9 accounts describe …" — and the quotes under it, each citing its
passage."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from agent.qa.candidates import Candidate
from agent.qa.models import Citation
from agent.qa.terms import SCAFFOLD, content_stems, stem, words
from agent.qa.themes import ThemeView, theme_of
from agent.qa.units import plural

GROUP_SIMILARITY = 0.55
MAX_GROUPS = 4
QUOTES_PER_GROUP = 3
MAX_CITATIONS = 9
UNIT_WEIGHT = 0.01
NUMBERS = "no one two three four five six seven eight nine ten eleven twelve".split()
VERBS = {
    "pain": "describe",
    "trigger": "say it started with",
    "objection": "raise",
    "churn_reason": "left over",
    "loss_reason": "went elsewhere over",
    "win_reason": "chose it for",
    "outcome": "report",
    "workaround": "get by with",
    "buying_role": "describe",
    "job": "want to",
    "technographic": "mention",
}


@dataclass
class Group:
    members: list[Candidate]
    centroid: np.ndarray
    theme: ThemeView | None = None
    citations: list[int] = field(default_factory=list)

    @property
    def units(self) -> set[str]:
        return {m.unit.key for m in self.members if m.unit}


def number_word(n: int, capital: bool = False) -> str:
    word = NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)
    return word.capitalize() if capital else word


def group(candidates: list[Candidate], themes: list[ThemeView]) -> list[Group]:
    """Greedy leader clustering in score order; a draft theme names the group that holds one of
    its quotes."""
    groups: list[Group] = []
    for candidate in candidates:
        best, best_similarity = None, GROUP_SIMILARITY
        for g in groups:  # against the group's leader: groups do not drift
            similarity = float(candidate.vector @ g.members[0].vector)
            if similarity >= best_similarity:
                best, best_similarity = g, similarity
        if best is None:
            groups.append(Group([candidate], candidate.vector.copy()))
        else:
            best.members.append(candidate)
            best.centroid = best.centroid + candidate.vector
    for g in groups:
        for member in g.members:
            g.theme = theme_of(member.doc_id, member.start, member.end, themes)
            if g.theme:
                break
    return groups


def key_phrase(members: list[Candidate], question_terms: set[str]) -> str | None:
    """A two- or three-word phrase several members share, as they say it (consecutive words,
    none of them filler or a function word: "loans and lines of credit" gives no "loans lines
    credit"), not made of the question's words."""
    counts: Counter[str] = Counter()
    for member in members:
        tokens = words(member.text)
        seen = set()
        for n in (3, 2):
            for i in range(len(tokens) - n + 1):
                phrase = tokens[i : i + n]
                if any(len(t) <= 2 or t in SCAFFOLD for t in phrase):
                    continue
                if all(stem(t) in question_terms for t in phrase):
                    continue
                seen.add(" ".join(phrase))
        counts.update(seen)
    shared = [(p, c) for p, c in counts.items() if c >= 2]
    if not shared:
        return None
    shared.sort(key=lambda pc: (-pc[1], -len(pc[0].split()), pc[0]))
    return shared[0][0]


def agree(verb: str, count: int) -> str:
    """The verb phrase for one unit ("One account says …") or several ("Three accounts say")."""
    if count != 1:
        return verb
    head, _, rest = verb.partition(" ")
    if head in {"describe", "say", "raise", "report", "get", "want", "mention"}:
        head += "s"
    return f"{head} {rest}".strip()


def exemplar(text: str, limit: int = 14) -> str:
    """The member's words cut at a clause boundary, for quoting inside a sentence."""
    text = re.sub(r"\s+", " ", text).strip().strip('"“”')
    clauses = re.split(r"(?<=[.;!?])\s|,\s(?=(?:and|but|so|because|which)\b)", text)
    # the first clause that says something ("So yeah. We lost a week…" → "We lost a week…")
    clause = next((c for c in clauses if len(content_stems(c)) >= 3), clauses[0])
    tokens = clause.split()
    if len(tokens) > limit:
        clause = " ".join(tokens[:limit]).rstrip(",;:") + "…"
    return clause.rstrip(".")


def sentence_for(
    g: Group, total: int, unit_kind: str, question_terms: set[str], first: bool
) -> str:
    count = len(g.units)
    kinds = Counter(m.evidence_kind for m in g.members if m.evidence_kind)
    kind = kinds.most_common(1)[0][0] if kinds else None
    verb = VERBS.get(kind or "", "say")
    who = (
        f"{number_word(count, capital=True)} of {total} {plural(total, unit_kind)}"
        if total
        else f"{number_word(count, capital=True)} {plural(count, unit_kind)}"
    )
    if count == 1:
        unit = g.members[0].unit
        who = f"One {plural(1, unit.kind if unit else unit_kind)}" + (
            f" ({unit.name})" if unit else ""
        )
    phrase = key_phrase(g.members, question_terms)
    said = exemplar(g.members[0].text)
    if g.theme is not None:  # the theme's label is ours, not their words: never in quotes
        label = g.theme.label[:1].lower() + g.theme.label[1:]
        body = f"{agree('mention' if verb == 'say' else verb, count)} {label.rstrip('.')}, e.g. “{said}”"
    elif phrase:
        body = f"{agree('mention' if verb == 'say' else verb, count)} {phrase}, e.g. “{said}”"
    else:
        body = f"{agree(verb, count)} “{said}”"
    markers = "".join(f"[{n}]" for n in g.citations)
    return f"{who} {body} {markers}."


def weight(g: Group) -> float:
    """Relevance first (the best sentence), breadth second (each further unit adds a little)."""
    return g.members[0].score + UNIT_WEIGHT * (len(g.units) - 1)


def compose(
    candidates: list[Candidate],
    themes: list[ThemeView],
    total: int,
    unit_kind: str,
    question_terms: set[str],
    citation: object,
) -> tuple[str, list[Citation], list[Group]]:
    """The answer text and its citations; `citation(number, candidate)` makes a Citation."""
    groups = group(candidates, themes)
    groups.sort(key=lambda g: -weight(g))
    shown = [g for g in groups if len(g.units) >= 2][:MAX_GROUPS]
    singles = [g for g in groups if len(g.units) < 2][: max(1, MAX_GROUPS - len(shown))]
    if not shown:
        shown, singles = singles[:2], []
    citations: list[Citation] = []
    for g in shown + singles:
        used: set[str] = set()
        for member in sorted(g.members, key=lambda m: -m.score):
            if len(citations) >= MAX_CITATIONS or len(g.citations) >= QUOTES_PER_GROUP:
                break
            key = member.unit.key if member.unit else member.doc_id
            if key in used:
                continue
            used.add(key)
            number = len(citations) + 1
            citations.append(citation(number, member))  # type: ignore[operator]
            g.citations.append(number)
    sentences = [
        sentence_for(g, total, unit_kind, question_terms, i == 0)
        for i, g in enumerate(shown)
        if g.citations
    ]
    cited_singles = [g for g in singles if g.citations]
    if cited_singles and shown:
        parts = [
            f"“{exemplar(g.members[0].text, 12)}” {''.join(f'[{n}]' for n in g.citations)}"
            for g in cited_singles
        ]
        sentences.append(f"Also said by one {plural(1, unit_kind)} each: " + "; ".join(parts) + ".")
    elif cited_singles:
        sentences.extend(
            sentence_for(g, total, unit_kind, question_terms, False) for g in cited_singles
        )
    return " ".join(sentences), citations, shown + singles


def topic_stems(question: str, scope_stems: set[str]) -> set[str]:
    return content_stems(question) - scope_stems
