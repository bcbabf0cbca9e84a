"""'How many accounts mention X?', 'How many interviewees mention missing data?': counted over
every customer sentence in scope, not only over extracted evidence (the offline extractor finds
about half of what people say), in the unit the question names or the research supports.

An account or participant counts when one of its sentences is about the topic: its best
sentence scores at least COUNT_MIN (similarity to the topic plus the same signals as answers),
or contains every key word of one of the topic's alternatives ("noisy alerts or on-call
fatigue" is two). Each counted unit is cited with its best sentence."""

from __future__ import annotations

import re
from typing import Any

from agent.qa.candidates import Candidate, gather, research_order
from agent.qa.models import Answer, Citation, table_answer
from agent.qa.scope import QuestionScope, question_scope
from agent.qa.support import HOW_MANY_UNITS
from agent.qa.terms import SCAFFOLD, content_stems, stem, stems
from agent.qa.units import (
    ACCOUNT_NOUNS,
    ACCOUNTS,
    PARTICIPANT_NOUNS,
    PARTICIPANTS,
    plural,
    unit_for,
    unit_named,
)
from agent.store import Workspace

COUNT_QUESTION = re.compile(
    r"^\s*how many\s+(?:of\s+(?:the|our)\s+|distinct\s+|different\s+|unique\s+)?(?P<who>.+?)\s+"
    r"(?P<verb>(?:have\s+|has\s+|did\s+|do\s+|ever\s+)?(?:mention(?:ed|s)?|sa(?:y|id|ys)|complain(?:ed|s)?(?:\s+about)?|talk(?:ed|s)?\s+about|describe[sd]?|report(?:ed|s)?|raise[sd]?|bring\s+up|brought\s+up|name[sd]?|cite[sd]?|use[sd]?|run|runs|found|find|struggle[sd]?\s+with|push(?:ed)?\s+back\s+on|want(?:ed)?|ask(?:ed)?\s+for|ha(?:ve|s|d)\s+(?:trouble|problems?|issues?|difficult(?:y|ies)|a\s+hard\s+time)))\b"
    r"(?P<topic>.*)$",
    re.IGNORECASE,
)
COUNT_MIN = 0.46
_DENYING = r"not|never|no longer|nobody|none"
DENIAL = re.compile(rf"\b(?:{_DENYING})\b|n't\b", re.IGNORECASE)
DENIAL_PENALTY = 0.12
# a topic that denies something itself: "… paid without anyone checking them"
NEGATED_TOPIC = re.compile(rf"\b(?:{_DENYING}|no|without|cannot)\b|n't\b", re.IGNORECASE)
CITED = 12
_LEAD = re.compile(r"^\s*(?:about|that|the|on|for|with|of)\s+", re.IGNORECASE)
# verbs that only say someone spoke of the topic; any other verb is part of what is counted
# ("how many participants photograph tags …" counts who photographs them)
SAYING = re.compile(
    r"^(?:(?:have|has|did|do|ever)\s+)?(?:mention|say|said|talk|describe|report|raise|bring|"
    r"brought|name|cite|complain)",
    re.IGNORECASE,
)
AUXILIARY = re.compile(r"\b(?:do|does|did|is|are|was|were|has|have|had)\b", re.IGNORECASE)


# "How many usability-study participants copy …", "how many technicians in the shop-floor
# study still work from …": any verb after a subject that names its unit or people by their
# work, and the study they are in
COUNT_ANY_VERB = re.compile(
    r"^\s*how many\s+(?:of\s+(?:the|our)\s+)?(?P<who>(?:[\w-]+\s+){0,4}?(?:"
    + PARTICIPANT_NOUNS
    + "|"
    + ACCOUNT_NOUNS
    + r"|[a-z]+(?:ians|ists|ers|ors|ees|ives))"
    r"(?:\s+(?:in|from|of)\s+(?:the|our|this)\s+(?:[\w-]+\s+){0,2}study)?)"
    r"\s+(?:(?:still|also|ever|now|really|actually|first|usually|often|always|sometimes|"
    r"typically|regularly|routinely|currently)\s+)?(?P<verb>"
    # "how many accounts have lost kegs", "… were trained on paper": the auxiliary is the verb
    r"(?:have|has|had|are|were|did)(?=\s+(?:(?:not|never|already|also|ever|all)\s+)?"
    r"(?:[a-z]+(?:ed|en|ing)|lost|found|seen|made|built|bought|left|run|done|gone|got|taken|"
    r"kept|paid|sold|spent|told|felt|heard|thought)\b)|"
    r"(?!(?:and|or|of|in|at|with|from|who|that|which|whose|did|do|does|are|is|were|was|have|has|had|would|will|can|could|should|might|may|must)\b)[a-z]+)\b(?P<topic>.*)$",
    re.IGNORECASE,
)


# "Among the regional breweries, how many mention …", "Across every shop we talked to, how
# many …": who is counted said first, before "how many"
LEADING_SCOPE = re.compile(
    r"^\s*(?:among|across|of|out\s+of|from|within|in)\s+(?P<scope>[^,?]+?)\s*,\s*"
    r"how\s+many\s+(?:of\s+(?:them|those|these)\s+)?(?P<rest>.*)$",
    re.IGNORECASE,
)
_EVERYONE = re.compile(r"^(?:every|each|all)\b", re.IGNORECASE)
_DETERMINERS = re.compile(r"^(?:(?:all|every|each|the|our|these|those|of)\s+)+", re.IGNORECASE)
# "every shop we talked to or wrote up": the words after the noun say how it was met
_RELATIVE = re.compile(r"\s+(?:we|that|who|which|you|i|they)\b.*$", re.IGNORECASE)
_GENERIC_WHO = re.compile(rf"^(?:{ACCOUNT_NOUNS}|{PARTICIPANT_NOUNS})$", re.IGNORECASE)
# a group that is a piece of research, not a kind of account: its people are "in" it
_RESEARCH = {"study", "studies", "interviews", "sessions", "sprint", "research", "calls"}


def _plural_noun(phrase: str) -> str:
    from lemminflect import getInflection  # data in the wheel; loaded for this phrasing only

    *words, last = phrase.split() or [""]
    if not last or last.lower().endswith("s"):
        return phrase
    return " ".join([*words, (getInflection(last, "NNS") or (last + "s",))[0]])


def _match(question: str) -> re.Match[str] | None:
    """The reading with the shortest subject: a verb the list knows may come later ("how many
    core accounts still rebuild the TTB report" is not "… rebuild the TTB" who "report")."""
    found = [
        m
        for m in (COUNT_QUESTION.match(question), COUNT_ANY_VERB.match(question))
        if m and not _GENERIC_WHO.match(m.group("verb"))  # "multi-unit group accounts say"
    ]
    return min(found, key=lambda m: len(m.group("who")), default=None)


def _scope_first(question: str) -> tuple[str, str, str] | None:
    """'Among the regional breweries, how many (of them / breweries) mention X?' counts the
    regional breweries; a subject of its own after 'how many' is kept inside the group ('how
    many owners among regional breweries …', 'participants in the floor study'). A group that
    is everyone ('every brewery we talked to') only names who is counted."""
    lead = LEADING_SCOPE.match(question)
    if not lead:
        return None
    said = lead.group("scope").strip()
    group = _DETERMINERS.sub("", said)
    if _EVERYONE.match(said):  # "every brewery we talked to": breweries
        group = _plural_noun(_RELATIVE.sub("", group))
    if not group:
        return None
    head = stem(group.split()[-1].lower())
    rest = lead.group("rest")
    if HOW_MANY_UNITS.search(f"how many {rest}"):
        return None  # "how many hours a week …": an amount
    first, _, after = rest.partition(" ")
    if stem(first.lower()) == head:  # "how many breweries count …" among breweries
        verb_first = _verb_first(after)
    else:
        # a subject of its own, named by a unit or a person's work ("owners", "participants")
        own = COUNT_ANY_VERB.match(f"how many {rest}")
        verb_first = None if own else _verb_first(rest)
        if verb_first is None and (own := own or _match(f"how many {rest}")):
            who = own.group("who").strip()
            if group.split()[-1].lower() in _RESEARCH:
                who = f"{who} in the {group}"
            elif not _GENERIC_WHO.match(who):
                who = f"{who} among {group}"
            else:
                who = group
            return who, own.group("verb").strip(), own.group("topic").strip(" ?.!")
    if verb_first is None:
        return None
    return group, verb_first.group("verb").strip(), verb_first.group("topic").strip(" ?.!")


def _verb_first(rest: str) -> re.Match[str] | None:
    """'mention lost kegs' after 'how many': the verb comes first, who is the group."""
    probe = _match(f"how many accounts {rest}")
    return probe if probe and probe.group("who").strip() == "accounts" else None


def parse(question: str) -> tuple[str, str, str] | None:
    """(who, verb, topic) of a counting question, or None."""
    first = _scope_first(question)
    if first is not None:
        return None if AUXILIARY.search(first[0]) else first
    match = _match(question)
    if not match:
        return None
    who = match.group("who")
    if not (unit_named(f"how many {who} mention") or re.search(r"\w", who)):
        return None
    if AUXILIARY.search(who):  # "how many buses does Ridgeway run": a quantity, not a count
        return None
    topic = match.group("topic").strip(" ?.!")
    return who, match.group("verb").strip(), topic


_HEAD_BREAK = {"on", "for", "by", "to", "from", "with", "about", "of", "in", "at", "over"}


def _is_key(word: str) -> bool:
    return word not in SCAFFOLD and len(word) > 2


def _key(words: list[str]) -> set[str]:
    return {stem(w) for w in words if _is_key(w)}


def alternatives(topic: str) -> list[set[str]]:
    """The topic's alternatives as sets of key stems: 'noisy alerts or on-call fatigue' is two.
    A part of one key word is an alternative object of the part before it, not a topic of its
    own: 'approvals stuck waiting on the general counsel or the CFO' is 'approvals stuck
    waiting on the general counsel' or 'approvals stuck waiting on the CFO', never 'CFO'."""
    parts = re.split(r",\s*(?:or\s+)?|\s+or\s+|\s+and/or\s+", topic)
    found: list[set[str]] = []
    head: list[str] = []  # the part before, without its last object
    leading: list[set[str]] = []  # one-word parts before any part that says the rest
    for part in parts:
        words = re.findall(r"[a-z0-9]+", part.lower())
        key = _key(words)
        if not key:
            continue
        if len(key) < 2 and head:
            found.append(_key(head) | key)
            continue
        if len(key) < 2 and not found:
            leading.append(key)
            continue
        if leading:
            found.extend(one | _rest(words) for one in leading)
            leading = []
        found.append(key)
        cut = max((i for i, w in enumerate(words) if w in _HEAD_BREAK), default=None)
        head = words[: cut + 1] if cut is not None else []
    return found + leading


def _rest(words: list[str]) -> set[str]:
    """What a part says after its first key word: 'attribution or ROAS numbers shift without
    warning' is 'attribution numbers shift without warning'; 'tags, forms or effects on their
    own phone' is 'tags on their own phone'."""
    first = next(i for i, w in enumerate(words) if _is_key(w))
    return _key(words[first + 1 :])


def counted(
    candidates: list[Candidate], topic: str, unit_kind: str = ACCOUNTS, surveys: bool = False
) -> dict[str, Candidate]:
    """The best sentence of each unit that is about the topic, never a negated, hypothetical
    or reported one (what someone at another company says). Counting accounts, a person of a
    study that names no company is not one; a survey answer counts only when the research in
    scope is surveys alone (`surveys`): "of N accounts" counts the conversations."""
    from agent.extract.lexicon import is_distractor

    options = alternatives(topic)
    # "paid without anyone checking them": a sentence that denies something may say the topic
    penalty = 0.0 if NEGATED_TOPIC.search(topic) else DENIAL_PENALTY
    best: dict[str, Candidate] = {}
    for candidate in candidates:
        if candidate.unit is None or candidate.role == "interviewer":
            continue
        if is_distractor(candidate.text):
            continue  # a cousin's company, "if they ever audit me", "never the problem"
        if candidate.source_kind == "survey" and not surveys:
            continue
        if candidate.unit.kind != unit_kind:
            continue
        said = set(stems(candidate.text))
        lexical = any(option <= said for option in options) or _said_as_answered(
            options, said, candidate.asked
        )
        value = candidate.score - (penalty if DENIAL.search(candidate.text) else 0.0)
        if value < COUNT_MIN and not lexical:
            continue
        key = candidate.unit.key
        if key not in best or candidate.score > best[key].score:
            best[key] = candidate
    return best


def _said_as_answered(options: list[set[str]], said: set[str], asked: str) -> bool:
    """The topic said across an answer and its interviewer question: "What does a delivery
    day look like?" – "I check it in on a clipboard" says "deliveries on a clipboard". The
    answer says what sets the topic apart (every key the question does not), the question
    only what it is about."""
    if not asked:
        return False
    context = set(stems(asked))
    # every key the question does not say is said, and there is at least one
    return any(
        option - context <= said and not option <= context for option in options if len(option) > 1
    )


def count_scope(question: str, workspace: Workspace, draft: Any) -> QuestionScope:
    """Who a counting question counts, read from its subject only: "an auditor (… a single
    audit)" in the topic is no audit-firm industry to count inside."""
    parsed = parse(question)
    if parsed is None:
        return QuestionScope()
    who, _, _ = parsed
    # the subject alone, with a verb the subject reader knows: "copy" or "push back on" is no scope
    return question_scope(f"How many {who} mention it?", workspace, draft)


def count_answer(
    question: str,
    workspace: Workspace,
    embedder: Any,
    draft: Any,
    citation: Any,
    units_in_scope: Any,
    asked: QuestionScope | None = None,
) -> Answer | None:
    """`asked`: who is counted (`count_scope`), when the caller has read it already."""
    parsed = parse(question)
    if parsed is None:
        return None
    who, verb, said = parsed
    topic = _LEAD.sub("", said)
    asked = asked if asked is not None else count_scope(question, workspace, draft)
    total, with_account, without = units_in_scope(workspace, ACCOUNTS, asked.doc_ids)
    unit_kind = unit_for(f"how many {who} mention", with_account, without)
    total, _, _ = units_in_scope(workspace, unit_kind, asked.doc_ids)
    if not topic:
        return _answer(
            question,
            f"{total} {plural(total, unit_kind)} {'has' if total == 1 else 'have'} interviews,"
            f" notes or deal notes in the research{' in ' + asked.label if asked.label else ''}"
            " (survey answers and CRM rows are not counted).",
            [],
            unit_kind,
            total,
        )
    topic_terms = content_stems(topic)
    pool = gather(
        topic if SAYING.match(verb) else f"{verb} {topic}",
        workspace,
        embedder,
        None,
        set(),
        topic_terms,
        topic_terms,
        unit_kind,
        passages_k=40,
        only_docs=asked.doc_ids,
        evidence_k=120,
        max_sentences=200,
        answering=False,
    )
    best = counted(pool.candidates, topic, unit_kind, surveys=not total)
    ordered = sorted(best.values(), key=research_order)
    noun = plural(total, unit_kind)
    group = who if re.search(r"\w", who) else noun
    if not ordered:
        text = f"Not enough evidence: none of the {total} {group} {verb} {said}."
        closest = [citation(i, c) for i, c in enumerate(pool.candidates[:3], start=1)]
        answer = _answer(question, text, [], unit_kind, 0, answered=False)
        answer.closest = closest
        return answer
    citations: list[Citation] = [citation(i, c) for i, c in enumerate(ordered[:CITED], start=1)]
    names = ", ".join(c.unit.name for c in ordered if c.unit)
    markers = "".join(f"[{c.number}]" for c in citations)
    count = len(ordered)
    of = f" of {total}" if total else ""  # survey answers alone: no count of conversations
    text = f"{count}{of} {group} {verb} {said}: {names} {markers}."
    return _answer(question, text, citations, unit_kind, count)


def _answer(
    question: str,
    text: str,
    citations: list[Citation],
    unit: str,
    count: int,
    answered: bool = True,
) -> Answer:
    return table_answer(question, text, answered, citations, unit, count if answered else 0)


__all__ = ["PARTICIPANTS", "count_answer", "count_scope", "parse"]
