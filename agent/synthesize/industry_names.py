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

from agent.ingest.normalize import distinguishing_words, grown_from, own_industry_label

MIN_STEM = 4  # letters of a word another grows from ("wine" → "winery"); "art" never joins


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
        # the capitalised spelling of the winning form ("Cannabis Testing", not "cannabis testing")
        best = min((m for m in members if m.casefold() == best.casefold()), key=lambda m: m)
        for member in members:
            renamed[member] = best
    return renamed


class HasIndustry(Protocol):
    industry: str | None


def rename_account_industries(accounts: Iterable[HasIndustry]) -> None:
    """Give every account of one industry spelled several ways the group's name."""
    accounts = list(accounts)
    renamed = spelling_groups(a.industry for a in accounts if a.industry)
    for account in accounts:
        if account.industry in renamed:
            account.industry = renamed[account.industry]
