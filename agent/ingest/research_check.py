"""Is this text customer research at all? A small, measured check run on pasted text and on
dropped text files before a draft is built, so gibberish, source code or a README gets "this
does not look like customer research" instead of a confident ICP.

`icp ingest` runs it on every text and Markdown file too: a file that fails is skipped with
its reason, the rest of the batch goes on.

Cheap, explainable measures (the thresholds are checked in tests/test_research_check.py
against the bundled sample, all four eval corpora and negatives):
- known words: the share of words found in an English word list (the bundled MiniLM
  tokenizer's whole-word vocabulary, ~22,000 words): gibberish scores low; a text the language
  detector reads as another language (German, French… but not Latin filler) is research in that
  language, judged by its speaker turns, code and documentation markers only;
- code lines: the share of lines that read as program text;
- documentation markers: install commands, code fences, badges, "## Usage", web links, or
  identifiers in backticks at 15 or more per 1,000 words;
- licence phrases: "permission is hereby granted", "without warranty", "Creative Commons"…;
- data dictionary: a Markdown table describing columns or fields;
- people: speaker turns, or first- and third-person words (I, we, they, she…) per word —
  research is about what people do and say; a file whose front matter names the account, the
  interviewee or the deal's outcome is research whatever its wording (a win/loss note written
  in the third person about "the owners" and "the crew").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from agent.ingest.frontmatter import DEAL_KEYS, split_front_matter
from agent.ingest.language import detect
from agent.ingest.speakers import find_turns

MIN_WORDS = 8
# front matter keys that say a file is about a customer or a deal
RESEARCH_KEYS = DEAL_KEYS | {
    "account", "company", "customer", "interviewee", "participant", "participants",
}  # fmt: skip
MIN_KNOWN = 0.6
MAX_CODE_LINES = 0.3
MIN_DOC_MARKERS = 3
MIN_PEOPLE_RATE = 0.012
MIN_LICENCE_MARKERS = 3
MIN_INLINE_CODE = 0.015  # spans in backticks per word that make a text documentation
VOCABULARY = Path(__file__).resolve().parent.parent / "models" / "minilm" / "tokenizer.json"

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]")
_PEOPLE = {
    "i", "i'm", "i've", "i'd", "i'll", "me", "my", "mine", "we", "we're", "we've", "we'd",
    "we'll", "us", "our", "ours", "they", "they're", "they've", "them", "their", "he", "he's",
    "him", "his", "she", "she's", "her", "hers", "customer", "customers", "team", "people",
}  # fmt: skip
_CODE_LINE = re.compile(
    r"^\s*(?:def |class |import |from \S+ import |return\b|function\b|const |let |var |"
    r"public |private |#include|package |func |fn |if\s*\(|for\s*\(|while\s*\(|"
    r"@\w+|</?[a-z][\w-]*[\s>]|\}|\{)|[;{]\s*$|=>|\)\s*:\s*$|^\s*#!/"
)
_DOC_MARKERS = {
    "code fence": re.compile(r"^\s*(```|~~~)", re.M),
    "shell prompt": re.compile(r"^\s*\$ \w", re.M),
    "install command": re.compile(r"\b(pip|npm|yarn|brew|apt(-get)?|cargo|go) (install|add|get)\b"),
    "badge": re.compile(r"\[!\[|shields\.io"),
    "docs heading": re.compile(
        r"(?im)^#{1,3}\s*(installation|install|usage|getting started|license|contributing|"
        r"requirements|api|configuration|quick ?start|development|changelog|features)\b"
    ),
    "web link": re.compile(r"https?://\S+"),
    "inline code": re.compile(r"`[^`\n]{2,60}`"),
}
_LICENCE_MARKERS = [
    re.compile(p, re.I)
    for p in (
        r"permission is hereby granted",
        r"without warrant(?:y|ies) of any kind",
        r"\bprovided\W+(?:by [^.]{0,80})?\W*as[\s-]+is\b",
        r"merchantability|fitness for a particular purpose",
        r"creative commons|\bCC0\b|public domain dedication",
        r"\b(?:gnu )?(?:general|lesser|mozilla) public licen[cs]e",
        r"\blicensed under the\b|\bapache licen[cs]e\b|\bMIT licen[cs]e\b",
        r"redistribution and use in source and binary forms",
        r"copyright (?:holders?|owners?|notice)|copyright and related rights",
        r"\bin no event shall\b",
        r"\b(?:hereby )?(?:waives?|disclaims?)\b[^.]{0,80}\b(?:rights|liability|warrant)",
    )
]
# A Markdown table whose header describes columns or fields: a data dictionary.
_COLUMN_TABLE = re.compile(
    r"(?im)^\|?\s*(?:column|field|variable|header|attribute)s?\b[^\n]*\|[^\n]*"
    r"\b(?:description|type|question|values?|meaning)\b"
)
_NOT_A_LANGUAGE = {"en", "la", "zxx"}  # English, lorem ipsum, no language (random letters)


@cache
def _vocabulary() -> frozenset[str]:
    data = json.loads(VOCABULARY.read_text(encoding="utf-8"))
    return frozenset(w for w in data["model"]["vocab"] if w.isalpha() and w.islower())


@dataclass
class Verdict:
    ok: bool
    reason: str | None = None
    measures: dict[str, float] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return (
            f"this does not look like customer research ({self.reason}): paste interview "
            "transcripts, call or win/loss notes, or drop a survey or CRM export"
        )


def _known(word: str, vocabulary: frozenset[str]) -> bool:
    word = word.lower().replace("’", "'")
    for form in (word, word.split("'")[0], word.removesuffix("s"), word.removesuffix("ed"),
                 word.removesuffix("ing"), word.removesuffix("ly"), word.removesuffix("es")):  # fmt: skip
        if form in vocabulary:
            return True
    return False


# Caption markup is not program code: Teams voices (`<v Name>…</v>`), cue timings and settings.
_CAPTION_MARKUP = re.compile(r"</?v(?:\s[^>]*)?>|</?[bciu]>|^\S*\s*-->\s*\S+.*$", re.M)


def measure(text: str) -> dict[str, float]:
    text = _CAPTION_MARKUP.sub("", text)
    words = _WORD.findall(text)
    vocabulary = _vocabulary()
    long_words = [w for w in words if len(w) >= 2]
    lines = [line for line in text.splitlines() if line.strip()]
    turns = find_turns(text)
    return {
        "words": len(words),
        "known": sum(_known(w, vocabulary) for w in long_words) / len(long_words)
        if long_words
        else 0.0,
        "code_lines": sum(bool(_CODE_LINE.search(line)) for line in lines) / len(lines)
        if lines
        else 0.0,
        "doc_markers": sum(bool(p.search(text)) for p in _DOC_MARKERS.values()),
        "people": sum(w.lower().replace("’", "'") in _PEOPLE for w in words) / len(words)
        if words
        else 0.0,
        "turns": len(turns),
        "licence_markers": sum(bool(p.search(text)) for p in _LICENCE_MARKERS),
        "column_table": float(bool(_COLUMN_TABLE.search(text))),
        # identifiers in backticks per word: research notes have almost none (at most 6 per
        # 1,000 words over 398 research files), design notes and READMEs 20 to 80
        "inline_code": len(_DOC_MARKERS["inline code"].findall(text)) / len(words)
        if words
        else 0.0,
    }


def check(text: str) -> Verdict:
    """Whether `text` reads as customer research, with the reason when it does not."""
    meta, body_start, _ = split_front_matter(text)
    m = measure(text[body_start:])  # the front matter's keys are no one's words
    if m["words"] < MIN_WORDS:
        return Verdict(False, f"only {int(m['words'])} words", m)
    other_language = False
    if m["known"] < MIN_KNOWN:
        language = detect(text)
        if language is None or language in _NOT_A_LANGUAGE:
            return Verdict(False, f"only {m['known']:.0%} of its words are English words", m)
        other_language = True  # research in German or French is research; the engine says so
    if m["licence_markers"] >= MIN_LICENCE_MARKERS and m["turns"] < 3:
        return Verdict(False, "it reads as a software or data licence", m)
    if m["code_lines"] >= MAX_CODE_LINES and m["turns"] < 3:
        return Verdict(False, f"{m['code_lines']:.0%} of its lines read as program code", m)
    documented = m["doc_markers"] >= MIN_DOC_MARKERS or m["inline_code"] >= MIN_INLINE_CODE
    if documented and m["turns"] < 3 and m["people"] < 2 * MIN_PEOPLE_RATE:
        return Verdict(False, "it reads as software documentation (install steps, code, links)", m)
    if m["column_table"] and m["turns"] < 3 and m["people"] < 2 * MIN_PEOPLE_RATE:
        return Verdict(False, "it reads as a README or data dictionary (a table of columns)", m)
    # a note that names its account or deal in its front matter is about a customer
    about_a_customer = bool(RESEARCH_KEYS & {key for key, value in meta.items() if value})
    if (
        m["turns"] < 3
        and m["people"] < MIN_PEOPLE_RATE
        and not other_language
        and not about_a_customer
    ):
        return Verdict(False, "no one speaks in it and no one's work is described", m)
    return Verdict(True, None, m)
