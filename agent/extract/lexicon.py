"""Cue patterns and lexicons from `knowledge/`, compiled once: evidence cues, negation,
hypotheticals, reported speech, buying-role phrases and titles, and tool names."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from agent.resources import knowledge, knowledge_dir
from agent.schema import BuyingRole, EvidenceKind, JobType

KNOWLEDGE_FILES = ("evidence_kinds", "roles", "technologies", "industries", "regions")


def _compile(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


# a tool named as left, weighed or compared: not a tool the account runs
NOT_IN_USE = re.compile(
    r"\b(?:looked at|look at|looking at|talked to|evaluat\w*|consider\w*|demo\w*|trial\w*|tried|"
    r"alternative\w*|other vendors?|switched from|switching from|"
    r"moved off|moved away from|migrated off|migrating off|replac\w*|ripped out|used to|instead of|"
    r"compared|versus|vs\.?|competitor\w*|pitched|shortlist\w*|went with|chose|picked|quote from)\b",
    re.IGNORECASE,
)


@dataclass
class Lexicon:
    cues: dict[EvidenceKind, list[re.Pattern[str]]]
    job_types: dict[JobType, list[re.Pattern[str]]]
    negation: list[re.Pattern[str]]
    resolved: list[re.Pattern[str]]  # solved by something else: flagged as negated
    hypothetical: list[re.Pattern[str]]
    reported: list[re.Pattern[str]]
    role_phrases: dict[BuyingRole, list[re.Pattern[str]]]
    role_titles: dict[BuyingRole, list[re.Pattern[str]]]
    tools_folded: re.Pattern[str] | None
    tools_exact: re.Pattern[str] | None
    tool_lookup: dict[str, tuple[str, str]]
    generic_tools: frozenset[str] = frozenset()  # status-quo ways of working, not vendors
    prototypes: dict[str, list[str]] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""

    def matches(self, patterns: list[re.Pattern[str]], sentence: str) -> int:
        return sum(1 for p in patterns if p.search(sentence))

    def tools_in(self, sentence: str) -> list[tuple[str, str]]:
        """(canonical tool, category) mentioned in the sentence, in order, without duplicates."""
        return _find_tools(self.tools_folded, self.tools_exact, self.tool_lookup, sentence)


def _find_tools(
    folded: re.Pattern[str] | None,
    exact: re.Pattern[str] | None,
    lookup: dict[str, tuple[str, str]],
    sentence: str,
) -> list[tuple[str, str]]:
    found: list[tuple[int, str, str]] = []
    for pattern, fold in ((folded, True), (exact, False)):
        if pattern is None:
            continue
        for match in pattern.finditer(sentence):
            key = match.group(0).lower() if fold else match.group(0)
            hit = lookup.get(("~" if fold else "=") + key)
            if hit:
                found.append((match.start(), *hit))
    seen: set[str] = set()
    ordered = []
    for _, name, category in sorted(found):
        if name not in seen:
            seen.add(name)
            ordered.append((name, category))
    return ordered


def tools_in(sentence: str) -> list[tuple[str, str]]:
    """`load_lexicon().tools_in(sentence)` without compiling the cue patterns or the pattern of
    every tool name (0.1 s), which a process that reads a few sentences, such as `icp ask`, does
    not need: only the names that occur in the sentence as plain text go into its pattern, and
    a pattern only ever matches such names, so the result is the same."""
    folded, exact, lookup = _tool_names()
    lowered = sentence.lower()
    return _find_tools(
        _alternation(tuple(n for n in folded if n.lower() in lowered), re.IGNORECASE),
        _alternation(tuple(n for n in exact if n in sentence), 0),
        lookup,
        sentence,
    )


@cache
def _tool_names() -> tuple[list[str], list[str], dict[str, tuple[str, str]]]:
    """(case-folded names, exact-case names, '~name'/'=Name' -> (canonical tool, category)),
    longest first."""
    folded: list[str] = []
    exact: list[str] = []
    lookup: dict[str, tuple[str, str]] = {}
    for tool in knowledge("technologies")["tools"]:
        # `exact_aliases`: spellings that are also English words ('Dynamics' vs 'group dynamics')
        exact_aliases = {str(a) for a in tool.get("exact_aliases", [])}
        names = [tool["name"], *tool.get("aliases", []), *exact_aliases]
        for name in names:
            name = str(name)
            if len(name) < 2:
                continue
            if tool.get("case_sensitive") or name in exact_aliases:
                exact.append(name)
                lookup.setdefault("=" + name, (tool["name"], tool["category"]))
            else:
                folded.append(name)
                lookup.setdefault("~" + name.lower(), (tool["name"], tool["category"]))

    def longest_first(names: list[str]) -> list[str]:
        return sorted(set(names), key=lambda n: (-len(n), n))

    return longest_first(folded), longest_first(exact), lookup


@lru_cache(maxsize=256)
def _alternation(names: tuple[str, ...], flags: int) -> re.Pattern[str] | None:
    """One pattern for the names (longest first, so the longest name at a position wins)."""
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in names)
    # the group matters: without it the guards bind to the first and last alternative only
    # ("information" read as Infor, "SageMaker" as Sage)
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])", flags)


def _tool_patterns() -> tuple[
    re.Pattern[str] | None, re.Pattern[str] | None, dict[str, tuple[str, str]]
]:
    folded, exact, lookup = _tool_names()
    return _alternation(tuple(folded), re.IGNORECASE), _alternation(tuple(exact), 0), lookup


@cache
def _distractor_patterns() -> list[re.Pattern[str]]:
    kinds = knowledge("evidence_kinds")
    return _compile(
        [*kinds["negation"], *kinds["resolved"], *kinds["hypothetical"], *kinds["reported"]]
    )


def is_distractor(sentence: str) -> bool:
    """Negated, hypothetical or reported, by the extraction's own patterns ("month-end was
    never the problem", "if we ever go public…", "a friend at another firm says…"): not a claim
    the speaker makes about their own situation. Compiles only these patterns."""
    return any(p.search(sentence) for p in _distractor_patterns())


@cache
def load_lexicon() -> Lexicon:
    kinds = knowledge("evidence_kinds")
    roles = knowledge("roles")
    cues = {EvidenceKind(k): _compile(spec.get("cues") or []) for k, spec in kinds["kinds"].items()}
    job_types = {
        JobType(t): _compile(p) for t, p in kinds["kinds"]["job"].get("job_types", {}).items()
    }
    role_phrases: dict[BuyingRole, list[re.Pattern[str]]] = {}
    role_titles: dict[BuyingRole, list[re.Pattern[str]]] = {}
    for role, spec in roles["buying_roles"].items():
        role_phrases[BuyingRole(role)] = _compile(spec.get("phrase_patterns", []))
        role_titles[BuyingRole(role)] = _compile(spec.get("title_patterns", []))
    prototypes: dict[str, list[str]] = {}
    for kind, spec in kinds["kinds"].items():
        protos = spec.get("prototypes") or []
        if isinstance(protos, dict):
            for sub, sentences in protos.items():
                prototypes[f"{kind}:{sub}"] = list(sentences)
        else:
            prototypes[kind] = list(protos)
    tools_folded, tools_exact, lookup = _tool_patterns()
    digest = hashlib.sha256()
    for name in KNOWLEDGE_FILES:
        path = knowledge_dir() / f"{name}.yaml"
        digest.update(path.read_bytes() if path.is_file() else b"")
    return Lexicon(
        cues=cues,
        job_types=job_types,
        negation=_compile(kinds["negation"]),
        resolved=_compile(kinds["resolved"]),
        hypothetical=_compile(kinds["hypothetical"]),
        reported=_compile(kinds["reported"]),
        role_phrases=role_phrases,
        role_titles=role_titles,
        tools_folded=tools_folded,
        tools_exact=tools_exact,
        tool_lookup=lookup,
        generic_tools=frozenset(
            t["name"] for t in knowledge("technologies")["tools"] if t.get("generic")
        ),
        prototypes=prototypes,
        definitions={
            k: " ".join(str(spec.get("definition", "")).split())
            for k, spec in kinds["kinds"].items()
        },
        fingerprint=digest.hexdigest()[:12],
    )
