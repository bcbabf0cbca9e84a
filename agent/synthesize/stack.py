"""One name per tool across the research's accounts.

A CRM's free-text stack field spells a tool the lexicon does not know in several ways: with its
vendor ("EFI Fiery" and "Fiery", "Kodak Prinergy" and "Prinergy", "NCR Counterpoint" and
"Counterpoint"), with what it is ("Onyx RIP" and "Onyx", "Manhattan WMS" and "Manhattan"), or
abbreviated ("MS Access" and "Access"). Counted apart, one tool is two stack signals of a
segment, and two accounts on the same tool share nothing. Reads the accounts' stacks; writes
them back with one name per tool: the spelling most accounts use (ties: the longest)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from agent.ingest.normalize import tool_name

# the shared words must name something: "Onyx" does, "IT" does not
MIN_SHARED_LETTERS = 4
# at most this many words beside the shared ones ("Blackbaud Financial Edge NXT" and
# "Financial Edge NXT"); more is another product that mentions a tool
MAX_EXTRA_WORDS = 1


class HasStack(Protocol):
    stack: list[str]
    stack_hints: list[str]


def _words(name: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9][\w'&.+-]*", name.lower())


def _unknown(name: str) -> bool:
    return tool_name(name)[1] is None


def _variant_of(short: str, long: str) -> bool:
    """Whether `long` is `short` with a word before it or after it ("EFI Fiery", "Onyx RIP")."""
    a, b = _words(short), _words(long)
    extra = len(b) - len(a)
    if not a or not 0 < extra <= MAX_EXTRA_WORDS:
        return False
    if sum(len(w) for w in a) < MIN_SHARED_LETTERS:
        return False
    return b[: len(a)] == a or b[-len(a) :] == a


def unify_tool_names(accounts: Iterable[HasStack]) -> dict[str, str]:
    """Rename the spellings of one unknown tool to one name in every account's stack and
    hints; returns the renaming (spelling -> name). Tools the lexicon knows are already one
    name (`normalize.tool_name`); only names it does not know are compared."""
    accounts = list(accounts)
    used: Counter[str] = Counter()
    for account in accounts:
        used.update(set(account.stack) | set(account.stack_hints))
    names = sorted((n for n in used if _unknown(n)), key=lambda n: (len(_words(n)), n))
    # each unknown name joins the group of the shortest name it is a variant of
    group_of: dict[str, str] = {}
    for name in names:
        root = next(
            (group_of[other] for other in names if other in group_of and _variant_of(other, name)),
            name,
        )
        group_of[name] = root
    groups: dict[str, list[str]] = {}
    for name, root in group_of.items():
        groups.setdefault(root, []).append(name)
    renaming: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        chosen = max(members, key=lambda n: (used[n], len(n), n))
        renaming.update({n: chosen for n in members if n != chosen})
    if not renaming:
        return {}
    for account in accounts:
        account.stack = list(dict.fromkeys(renaming.get(t, t) for t in account.stack))
        account.stack_hints = [
            h
            for h in dict.fromkeys(renaming.get(t, t) for t in account.stack_hints)
            if h not in account.stack
        ]
    return renaming
