"""The facets of a question that lists what it is about: "…when they use external data such as
public datasets, third-party APIs, data vendors or web scraping…" asks about four things, and a
sentence about any one of them answers it ("the API was not available", "with the web scraping,
the first problem is…"), although it is far from the whole question in meaning and shares only
a word or two with it. Retrieval searches each facet on its own (agent.qa.retrieval) and scores
a sentence that says a facet's rarer words higher (agent.qa.candidates).

A list is three or more items ("A, B, C or D") or two after a word that announces examples
("such as A or B", "like A and B"); items are one to four words. "Manually collected or
human-labelled data" alone is no list: two alternatives without a lead are the question's topic,
which it already searches."""

from __future__ import annotations

import re

_WORD = r"[A-Za-z0-9][\w'’/&.-]*"
_ITEM = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
LIST = re.compile(
    rf"(?P<items>{_ITEM}(?:\s*,\s*{_ITEM})*),?\s+(?:or|and|and/or)\s+(?P<last>{_WORD}(?:\s+{_WORD}){{0,3}}?)"
    r"(?=\s*(?:[,;:?!.)]|$|\s(?:and|or|but|so|that|which|who|when|where|how|what|why|do|does|did|is|are|was|were|have|has|in|at|for|to)\b))",
    re.IGNORECASE,
)
LEAD = re.compile(
    r"\b(?:such as|like|including|includes?|e\.g\.|for example|for instance|namely|especially|"
    r"whether|either)\s*$",
    re.IGNORECASE,
)
# words an item does not start with: the item begins after them
_OPENERS = {
    "such",
    "as",
    "like",
    "including",
    "e.g.",
    "for",
    "example",
    "instance",
    "namely",
    "especially",
    "whether",
    "either",
    "the",
    "a",
    "an",
    "their",
    "its",
    "our",
    "any",
}
MIN_ITEMS = 3
# an item is a thing, never a clause: "…their close, and why do they churn" lists nothing
CLAUSE_WORDS = re.compile(
    r"\b(?:why|how|what|which|who|when|where|do|does|did|is|are|was|were|they|we|you|it)\b",
    re.IGNORECASE,
)


def facets(question: str) -> list[str]:
    """The items of the question's longest list, or [] when it lists nothing."""
    best: list[str] = []
    for match in LIST.finditer(question):
        before = question[: match.start("items")]
        items = [i.strip() for i in match.group("items").split(",")]
        items.append(match.group("last").strip())
        led = bool(LEAD.search(before))
        first = items[0].split()
        # the first item is as long as the others: "use external data such as public datasets"
        # → "public datasets"; a lead word inside it starts the list there
        for index in range(len(first) - 1, -1, -1):
            if LEAD.search(" ".join(first[: index + 1]) + " ") or first[index].lower() in (
                "as",
                "like",
                "including",
                "e.g.",
                "example",
            ):
                first = first[index + 1 :]
                led = inner = True
                break
        else:
            inner = False
        if not inner:  # no lead inside: the first item is as long as the longest other one
            longest = max((len(i.split()) for i in items[1:]), default=1)
            first = first[-longest:] if len(first) > longest else first
        while first and first[0].lower() in _OPENERS:
            first = first[1:]
        items[0] = " ".join(first)
        items = [
            " ".join(w for w in i.split() if w.lower() not in {"the", "a", "an"}) for i in items
        ]
        items = [i for i in items if i]
        if any(CLAUSE_WORDS.search(i) for i in items):
            continue
        listed = len(items) >= MIN_ITEMS or (led and len(items) >= 2)
        if listed and len(items) > len(best):
            best = items
    return best
