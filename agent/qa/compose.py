"""An offline answer that synthesizes: the relevant sentences grouped by meaning, one sentence
per group with its count of accounts or participants and the group's words — "Four of 9
accounts describe “…” [1][2]" — and the points one account makes, each under its name, all in
order of relevance; the quotes under it, each citing its passage."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from agent.qa.candidates import Candidate
from agent.qa.models import Citation
from agent.qa.terms import content_stems
from agent.qa.units import plural
from agent.textspans import quote_text

GROUP_SIMILARITY = 0.62
SAME_VOICE_SIMILARITY = 0.8  # two sentences of one account are one point only when this alike
MAX_GROUPS = 4  # points several accounts or participants make
MAX_SINGLES = 7  # points one makes: the breadth of what was said, each under its own name
QUOTES_PER_GROUP = 3
ONE_VOICE_POINTS = 9  # points of a question only one account answers ("Why did we win X?")
MAX_CITATIONS = 10
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


# A verb that takes a noun or verb phrase ("wants to", "gets by with") cannot take a quote that
# opens with its own subject: "wants to “I want …”" reads wrong, "says “I want …”" does not.
# "Says it started with" takes a clause, unless it is somebody else's words ("He said …").
OWN_SUBJECT = re.compile(
    r"^…?(?:i|i['’](?:m|ve|d|ll)|we|we['’](?:re|ve|d|ll)|he|she|they|they['’](?:re|ve|d)|it|"
    r"it['’]s|there['’]s|there|you|you['’](?:re|ve|d))\b",
    re.IGNORECASE,
)
REPORTED = re.compile(r"^…?(?:he|she|they)\s+(?:said|says|told|tells)\b", re.IGNORECASE)
PHRASE_VERBS = {"want to", "get by with", "chose it for", "left over", "went elsewhere over"}
# a quote that is a clause of its own, its subject then a finite verb within a few words
# ("A student could pick up a job …", "Staff were entering every job twice"): "says" takes it
CLAUSE_QUOTE = re.compile(
    r"^…?(?:[\w'’-]+\s+){1,8}?(?:could|would|can|can['’]t|will|won['’]t|should|must|was|were|"
    r"is|are|isn['’]t|aren['’]t|wasn['’]t|weren['’]t|has|have|had|did|does|do|don['’]t|"
    r"doesn['’]t|didn['’]t|mattered|worked|said|told)\b",
    re.IGNORECASE,
)
# a noun phrase is wanted, not wanted to: "wants “The next job and what paper to pull”"
NOUN_PHRASE = re.compile(
    r"^…?(?:a|an|the|this|that|these|those|my|our|their|his|her|its|some|every|each|more|"
    r"less|fewer|better|one|two|three)\b",
    re.IGNORECASE,
)


def verb_for(kind: str | None, said: str) -> str:
    verb = VERBS.get(kind or "", "say")
    if REPORTED.match(said) or (
        verb in PHRASE_VERBS and (OWN_SUBJECT.match(said) or CLAUSE_QUOTE.match(said))
    ):
        return "say"
    if verb == "want to" and NOUN_PHRASE.match(said):
        return "want"
    return verb


@dataclass
class Group:
    members: list[Candidate]
    centroid: np.ndarray
    citations: list[int] = field(default_factory=list)

    @property
    def units(self) -> set[str]:
        return {m.unit.key for m in self.members if m.unit}


def number_word(n: int, capital: bool = False) -> str:
    word = NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)
    return word.capitalize() if capital else word


def _key(candidate: Candidate) -> str:
    return candidate.unit.key if candidate.unit else candidate.doc_id


def group(candidates: list[Candidate]) -> list[Group]:
    """Greedy leader clustering in score order: a sentence joins the group whose leader is
    GROUP_SIMILARITY alike. The draft's themes are not followed: a theme can join two points
    that share a few words (the sample's "competitor had a quote back in a day" and "we hired
    a new VP of Sales"), and an answer would count them as one."""
    groups: list[Group] = []
    for candidate in candidates:
        best, best_similarity = None, GROUP_SIMILARITY
        for g in groups:  # against the group's leader: groups do not drift
            similarity = float(candidate.vector @ g.members[0].vector)
            if similarity < SAME_VOICE_SIMILARITY and _key(candidate) in g.units:
                continue  # one account's two points are two, unless it says the same twice
            if similarity >= best_similarity:
                best, best_similarity = g, similarity
        if best is None:
            groups.append(Group([candidate], candidate.vector.copy()))
        else:
            best.members.append(candidate)
            best.centroid = best.centroid + candidate.vector
    return groups


def agree(verb: str, count: int) -> str:
    """The verb phrase for one unit ("One account says …") or several ("Three accounts say")."""
    if count != 1:
        return verb
    head, _, rest = verb.partition(" ")
    if head in {"describe", "say", "raise", "report", "get", "want", "mention"}:
        head += "s"
    return f"{head} {rest}".strip()


# discourse markers and fillers a quote inside a sentence need not start with
LEADING_FILLERS = re.compile(
    r"^(?:(?:so|well|uh|um|uhm|er|yeah|yes|okay|ok|and|but|like|right|actually|basically|"
    r"honestly|i mean|you know|i think|i guess)\b[,.]?\s*)+",
    re.IGNORECASE,
)
FILLER_STEMS = {"uh", "um", "uhm", "er", "yeah", "okay", "mean", "like", "know"}
AMOUNT_BONUS = 3  # a clause stating an amount, for a question that asks for one


def _states_amount(clause: str) -> bool:
    from agent.extract.quantities import find_quantities  # loaded only for amount questions

    return bool(find_quantities(clause))


_CLAUSE = re.compile(r"(?<=[.;!?])\s|,\s(?=(?:and|but|so|because|which|then)\b)|\s[—–]\s")


def exemplar(
    text: str, limit: int = 16, topic: set[str] | None = None, amount: bool = False
) -> str:
    """The member's words for quoting inside a sentence: a contiguous piece of the quote, its
    clause that says most (content words, the question's topic words twice), without the
    fillers it opens with, cut at `limit` words. `amount`: the question asks how much or how
    long, and a clause that states an amount says it ("…, and it takes about six hours a week"
    over "We retype every order from the quote into the ERP")."""
    text = re.sub(r"\s+", " ", quote_text(text)).strip().strip('"“”')
    clauses = [c for c in _CLAUSE.split(text) if c.strip()] or [text]

    def says(clause: str) -> int:
        content = content_stems(clause) - FILLER_STEMS
        score = len(content) + 2 * len(content & (topic or set()))
        return score + (AMOUNT_BONUS if amount and _states_amount(clause) else 0)

    best = max(range(len(clauses)), key=lambda i: (says(clauses[i]), -i))
    opens = best == 0 or clauses[best - 1].rstrip()[-1:] in ".;!?"  # a sentence of its own
    clause = LEADING_FILLERS.sub("", clauses[best].strip()) or clauses[best].strip()
    clause = clause[:1].upper() + clause[1:] if opens else clause
    tokens = clause.split()
    if len(tokens) > limit:
        clause = " ".join(tokens[:limit]).rstrip(",;:—–") + "…"
    clause = clause.rstrip(".,;: ")
    return clause if opens else "…" + clause


def sentence_for(
    g: Group, total: int, unit_kind: str, topic: set[str] | None = None, amount: bool = False
) -> str:
    count = len(g.units)
    kinds = Counter(m.evidence_kind for m in g.members if m.evidence_kind)
    kind = kinds.most_common(1)[0][0] if kinds else None
    said = exemplar(g.members[0].text, topic=topic, amount=amount)
    verb = verb_for(kind, said)
    markers = "".join(f"[{n}]" for n in g.citations)
    # the group is said in its members' words: a theme's label is ours, and on conversational
    # speech it can read as a cut-up clause ("describe do with way that data collected is")
    # "of 10 accounts" counts accounts only: a survey respondent or a person of a study that
    # names no company beside them is said apart ("Two of 10 accounts and 1 participant")
    same = {m.unit.key: m.unit for m in g.members if m.unit and m.unit.kind == unit_kind}
    others = {m.unit.key: m.unit for m in g.members if m.unit and m.unit.kind != unit_kind}
    if count <= 1:
        unit = g.members[0].unit
        who = f"One {plural(1, unit.kind if unit else unit_kind)}" + (
            f" ({unit.name})" if unit else ""
        )
    elif len(same) >= 2:
        who = (
            f"{number_word(len(same), capital=True)} of {total} {plural(total, unit_kind)}"
            if total
            else f"{number_word(len(same), capital=True)} {plural(len(same), unit_kind)}"
        )
    elif same:
        unit = next(iter(same.values()))
        who = f"One {plural(1, unit_kind)} ({unit.name})"
    else:
        kind = next(iter(others.values())).kind
        who = f"{number_word(len(others), capital=True)} {plural(len(others), kind)}"
        others = {}
    if others and count > 1:
        kind = next(iter(others.values())).kind
        who += f" and {len(others)} {plural(len(others), kind)}"
    return f"{who} {agree(verb, count)} “{said}” {markers}."


def weight(g: Group) -> float:
    """Relevance first (the best sentence), breadth second (each further unit adds a little)."""
    return g.members[0].score + UNIT_WEIGHT * (len(g.units) - 1)


def _voice(g: Group) -> str:
    return next(iter(g.units), g.members[0].doc_id)


def _singles(groups: list[Group]) -> list[Group]:
    """Up to MAX_SINGLES one-voice points in score order: each from a different account first,
    then further points of the same ones, up to QUOTES_PER_GROUP each; when only one account
    answers (a question about one account has only its voice), up to ONE_VOICE_POINTS."""
    chosen: list[Group] = []
    voices: set[str] = set()
    one_voice = len({_voice(g) for g in groups}) == 1
    per_voice = ONE_VOICE_POINTS if one_voice else QUOTES_PER_GROUP
    most = ONE_VOICE_POINTS if one_voice else MAX_SINGLES
    for g in groups:
        if len(chosen) < MAX_SINGLES and _voice(g) not in voices:
            voices.add(_voice(g))
            chosen.append(g)
    for g in groups:
        if len(chosen) >= most:
            break
        if g not in chosen and sum(_voice(c) == _voice(g) for c in chosen) < per_voice:
            chosen.append(g)
    return sorted(chosen, key=lambda g: groups.index(g))


def _quoted(g: Group, limit: int, topic: set[str] | None, amount: bool = False) -> str:
    said = exemplar(g.members[0].text, limit, topic, amount)
    return f"“{said}” " + "".join(f"[{n}]" for n in g.citations)


def compose(
    candidates: list[Candidate],
    total: int,
    unit_kind: str,
    citation: object,
    topic: set[str] | None = None,
    amount: bool = False,
) -> tuple[str, list[Citation], list[Group]]:
    """The answer text and its citations; `citation(number, candidate)` makes a Citation.

    Up to MAX_GROUPS points several accounts (or participants) make, each one sentence with its
    count, and up to MAX_SINGLES points one of them makes, each from a different account first,
    so that an answer shows the breadth of what was said rather than its two loudest sentences.
    All are shown in order of relevance: a point one participant makes that answers the
    question comes before a shared one that only talks about its subject."""
    groups = group(candidates)
    groups.sort(key=lambda g: -weight(g))
    shared = [g for g in groups if len(g.units) >= 2][:MAX_GROUPS]
    singles = _singles([g for g in groups if len(g.units) < 2])
    shown = sorted(shared + singles, key=lambda g: groups.index(g))
    citations: list[Citation] = []
    for g in shown:
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
    by_voice: dict[str, list[Group]] = {}
    for g in singles:
        if g.citations:
            by_voice.setdefault(_voice(g), []).append(g)
    sentences = []
    for g in shown:
        if not g.citations:
            continue
        if g in shared:
            sentences.append(sentence_for(g, total, unit_kind, topic, amount))
            continue
        said = by_voice.get(_voice(g), [])
        if not said or said[0] is not g:
            continue  # said in the sentence of the voice's first point
        first = sentence_for(g, total, unit_kind, topic, amount)[:-1]
        more = [_quoted(other, 16, topic, amount) for other in said[1:]]
        if more:
            first = ", ".join([first, *more[:-1]]) + ("," if more[:-1] else "")
            first += " and " + more[-1]
        sentences.append(first + ".")
    return " ".join(sentences), citations, shown
