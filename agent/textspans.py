"""Sentences and matching over source text, always by character offsets into the original."""

from __future__ import annotations

import re
import unicodedata

# Upper-case letters for a regex character class: A–Z and the Latin letters with accents
# ("Élodie", "Łukasz", "Ørsted"); the standard `re` module has no \p{Lu}.
UPPER = "A-Z" + "".join(c for c in map(chr, range(0x00C0, 0x0250)) if c.isupper())

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "inc",
    "ltd",
    "co",
    "corp",
    "llc",
    "vs",
    "etc",
    "approx",
    "e.g",
    "i.e",
    "eg",
    "ie",
    "u.s",
    "u.k",
    "no",
    "fig",
    "dept",
    "est",
    "min",
    "max",
    "avg",
    "mt",
    "ft",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "a.m",
    "p.m",
    "q",
    "vp",
    "svp",
    "evp",
}
_END = re.compile(r"[.!?…]+[\"'”’)\]*_]*")  # closing quotes, brackets and Markdown emphasis
_BULLET = re.compile(r"^\s*(?:[-*•·▪]|\d{1,2}[.)])\s+")

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


def normalise_char_map(text: str) -> tuple[str, list[int]]:
    """Text with quotes/dashes unified and whitespace collapsed, plus, for every character of
    the result, the offset in `text` it came from. Used to find quotes despite typography."""
    out: list[str] = []
    origin: list[int] = []
    previous_space = True
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category == "Cf":  # zero-width and soft-hyphen characters: invisible, drop them
            continue
        mapped = char.translate(_TRANSLATE)
        if mapped.isspace() or category == "Cc":
            if not previous_space:
                out.append(" ")
                origin.append(index)
            previous_space = True
            continue
        for piece in mapped:
            out.append(piece)
            origin.append(index)
        previous_space = False
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    return "".join(out), origin


def normalise(text: str) -> str:
    return normalise_char_map(text)[0]


def _is_abbreviation(text: str, dot_index: int) -> bool:
    match = re.search(r"([A-Za-z]+(?:\.[A-Za-z]+)*)$", text[max(0, dot_index - 12) : dot_index])
    if not match:
        return False
    word = match.group(1).lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of text[start:end], trimmed of surrounding whitespace."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start

    def emit(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a and any(ch.isalnum() for ch in text[a:b]):
            spans.append((a, b))

    position = start
    while position < end:
        char = text[position]
        if char == "\n":
            line_end = position
            next_start = position + 1
            blank = text[next_start:end].lstrip(" \t").startswith("\n")
            next_line = text[
                next_start : text.find("\n", next_start) if "\n" in text[next_start:end] else end
            ]
            previous = text[cursor:line_end].rstrip()
            line_start = text.rfind("\n", start, line_end) + 1
            this_line = text[max(line_start, start) : line_end]
            if (
                blank
                or _BULLET.match(next_line)
                or _BULLET.match(this_line)
                or (previous and previous[-1] in '.!?…:"”')
                or not previous
            ):
                emit(cursor, line_end)
                cursor = next_start
            position += 1
            continue
        match = _END.match(text, position)
        if match and match.end() <= end:
            stop = match.end()
            following = text[stop : stop + 2]
            boundary = stop >= end or following[:1].isspace()
            if (
                boundary
                and char == "."
                and match.group(0) == "."
                and _is_abbreviation(text, position)
            ):
                boundary = False
            if boundary and stop < end:
                rest = text[stop:end].lstrip(" \t")
                if rest and rest[0].islower() and char == ".":
                    boundary = False  # "approx. six" or a decimal-like run-on
            if boundary:
                emit(cursor, stop)
                cursor = stop
            position = stop
            continue
        position += 1
    emit(cursor, end)
    return spans


def find_span(haystack: str, needle: str, start: int = 0) -> tuple[int, int] | None:
    """Exact-first, then typography/whitespace-insensitive search for `needle`.
    Returns offsets into `haystack` of the matched original text."""
    index = haystack.find(needle, start)
    if index >= 0:
        return index, index + len(needle)
    norm_hay, origin = normalise_char_map(haystack)
    norm_needle = normalise(needle)
    if not norm_needle:
        return None
    offset = _first_origin_at_or_after(origin, start)
    found = norm_hay.find(norm_needle, offset)
    if found < 0:
        found = norm_hay.lower().find(norm_needle.lower(), offset)
    if found < 0:
        return None
    first = origin[found]
    last = origin[found + len(norm_needle) - 1]
    return first, last + 1


def _first_origin_at_or_after(origin: list[int], start: int) -> int:
    if start <= 0:
        return 0
    for index, value in enumerate(origin):
        if value >= start:
            return index
    return len(origin)


def padded(words: list[str]) -> str:
    """Words joined with a space on each side, for whole-word run checks (`copies_quote`)."""
    return " " + " ".join(words) + " "


def copies_quote(words: list[str], quote: str, quote_length: int) -> bool:
    """A label (its words) copied from a quote (`padded` words, fillers left out by the caller,
    and how many): it shares a run of at least four words and 70% of the label, or it is the
    whole of a quote barely longer than itself. The rule the eval's `label_not_copied` and the
    label builder share."""
    longest = 0
    for i in range(len(words)):
        for j in range(len(words), i + longest, -1):
            if padded(words[i:j]) in quote:
                longest = max(longest, j - i)
                break
    if longest >= max(4, 0.7 * len(words)):
        return True
    return longest == len(words) and quote_length <= len(words) + 2


def quote_text(quote: str) -> str:
    """A quote as the reader sees it: the words, without the Markdown bold markers of the notes
    it was cut from ("Michelle Okoro, Director of Utilities** – economic buyer"); the stored quote
    stays the exact source span."""
    return re.sub(r"[ \t]{2,}", " ", quote.replace("**", "")).strip() or quote
