"""One name for one industry a CRM or survey spells several ways. Labels that
`knowledge/industries.yaml` does not know stay as written ("Cannabis Testing"), and a real
export writes the same industry several ways: "Cannabis Testing", "cannabis testing",
"Cannabis / Hemp Testing", "Hemp Testing", "Cannabis Lab". Counted apart, each is one account
and a segment of them reads "Mixed-industry".

Two such labels name one industry when they share a distinguishing word: the first word of
the label, or of each alternative in it ("Cannabis / Hemp Testing" → cannabis, hemp), or
one word grown from the other ("Wine & Spirits", "Winery"). The
words after it say what kind of business it is ("testing", "lab", "services"), which unrelated
industries share, and never join two labels. Labels joined through a shared word form one
group ("Hemp Testing" joins "Cannabis Testing" through "Cannabis / Hemp Testing"); the group
takes the spelling most of its accounts have (then the shortest, then the first in
alphabetical order). Taxonomy keys ("healthcare") are never renamed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from agent.ingest.normalize import (
    _LABEL_WORD,
    _singular,
    distinguishing_words,
    grown_from,
    own_industry_label,
)

MIN_STEM = 4  # letters of a word another grows from ("wine" → "winery"); "art" never joins
# a word in at least MIN_NAMED account names whose industry, for NAME_MAJORITY of them, is a
# CRM label led by that word ("Pest Control") says the industry of the rest of them
MIN_NAMED = 3
NAME_MAJORITY = 2 / 3


def spelling_groups(labels: Iterable[str]) -> dict[str, str]:
    """Each label the taxonomy does not know → the name of its group (itself when alone).
    `labels` is one per account (or response), so a spelling's frequency counts."""
    counts = Counter(label for label in labels if own_industry_label(label))
    names = sorted(counts)
    parent = {name: name for name in names}

    def find(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    by_word: dict[str, str] = {}
    for name in names:
        for word in distinguishing_words(name):
            # the same word, or one a longer one grows from ("Wine & Spirits", "Winery")
            same = [seen for seen in by_word if grown_from(seen, word, MIN_STEM)]
            for seen in same:
                parent[find(name)] = find(by_word[seen])
            by_word.setdefault(word, name)
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(find(name), []).append(name)
    renamed: dict[str, str] = {}
    for members in groups.values():
        spellings: Counter[str] = Counter()
        for member in members:
            spellings[member.casefold()] += counts[member]
        best = min(members, key=lambda m: (-spellings[m.casefold()], len(m), m.casefold(), m))
        # the capitalised spelling of the winning form ("Cannabis Testing", not "cannabis
        # testing"), not shouted when another is written ("Breweries", not "BREWERIES")
        best = min(
            (m for m in members if m.casefold() == best.casefold()),
            key=lambda m: (m.isupper() and len(m) > 5, m),  # an acronym stays one ("HVAC")
        )
        for member in members:
            renamed[member] = best
    return renamed


class HasIndustry(Protocol):
    industry: str | None


class NamedWithIndustry(Protocol):
    name: str
    industry: str | None
    industry_raw: str | None
    participant: bool


def rename_account_industries(accounts: Iterable[HasIndustry]) -> None:
    """Give every account of one industry spelled several ways the group's name."""
    accounts = list(accounts)
    renamed = spelling_groups(a.industry for a in accounts if a.industry)
    for account in accounts:
        if account.industry in renamed:
            account.industry = renamed[account.industry]


def industries_from_names(accounts: Iterable[NamedWithIndustry]) -> list[str]:
    """A CRM files one kind of company under several picklist values: pest control companies
    under "Pest Control", "Consumer Services", "Facilities Services" and "Environmental
    Services". When most accounts whose names share a word ("Gulf Crescent Pest Control",
    "Northgate Commercial Pest") are filed under one label led by that word ("Pest Control"),
    the others with the word in their names that are filed under a catch-all ("Consumer
    Services", read as `other`) or a label of the CRM's own take that label: their names
    say what the catch-all does not. An account filed under a taxonomy industry keeps its
    label, even another spelling of the same industry: a dental practice's "Medical
    Practice" is not its neighbours' "Dental Laboratories". Returns the names of the accounts
    moved."""
    named = [a for a in accounts if not a.participant and a.name]
    holders: dict[str, list[NamedWithIndustry]] = {}
    for account in named:
        for word in {_singular(w) for w in _LABEL_WORD.findall(account.name)}:
            if len(word) >= MIN_STEM:
                holders.setdefault(word, []).append(account)
    moved: list[str] = []
    for word, group in sorted(holders.items()):
        if len(group) < MIN_NAMED:
            continue
        industries = Counter(a.industry for a in group if a.industry)
        if not industries:
            continue
        industry, count = industries.most_common(1)[0]
        if industry == "other" or count < NAME_MAJORITY * len(group):
            continue
        raws = Counter(a.industry_raw for a in group if a.industry == industry and a.industry_raw)
        led = sum(n for raw, n in raws.items() if word in distinguishing_words(raw))
        if led * 2 <= count:
            continue
        label = max(
            (raw for raw in raws if word in distinguishing_words(raw)),
            key=lambda raw: (raws[raw], -len(raw), raw),
        )
        for account in group:
            if account.name in moved or word in distinguishing_words(account.industry_raw or ""):
                continue
            if account.industry in (None, "other") or own_industry_label(account.industry):
                account.industry, account.industry_raw = industry, label
                moved.append(account.name)
    return moved
