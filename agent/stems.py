"""Words and their English stems (Snowball), shared by synthesis (what a group of accounts
says that no one around it says) and Q&A (a question's topic words)."""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"[a-z0-9][a-z0-9'’&]*[a-z0-9]|[a-z0-9]", re.IGNORECASE)

_STEMMER = None


def _stemmer():  # loaded on first use
    global _STEMMER
    if _STEMMER is None:
        # PyStemmer: the Snowball stemmers compiled (1 ms to load; the pure-Python
        # snowballstemmer loads all 30 languages, 40 ms, and gave the same stems on 9,713 words)
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    return _STEMMER


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    word = word.lower().removesuffix("'s").removesuffix("’s")
    return str(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


__all__ = ["WORD", "stem", "stems", "words"]
