"""PII redaction before text leaves the machine: emails, phone numbers, optionally names.

The redacted text keeps a map back to the original, so a quote a model returns from
redacted text is still located (and stored) as the exact original span."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\w)"
    r"|(?<![\w+])\+\d{1,3}(?:[\s.-]\d{2,5}){2,5}(?!\w)"
)


@dataclass(frozen=True)
class Redacted:
    text: str
    # (offset in redacted text, offset in original) at the start of every kept stretch
    anchors: tuple[tuple[int, int], ...]
    replaced: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self._map(start), self._map(max(start, end - 1)) + 1

    def _map(self, offset: int) -> int:
        keys = [a for a, _ in self.anchors]
        index = max(0, bisect_right(keys, offset) - 1)
        redacted_at, original_at = self.anchors[index]
        return original_at + (offset - redacted_at)


def redact(text: str, names: Iterable[str] = ()) -> Redacted:
    patterns: list[re.Pattern[str]] = [EMAIL, PHONE]
    labels = ["[EMAIL]", "[PHONE]"]
    name_list = sorted(
        {n.strip() for n in names if n and len(n.strip()) >= 3}, key=len, reverse=True
    )
    if name_list:
        patterns.append(re.compile(r"\b(?:" + "|".join(re.escape(n) for n in name_list) + r")\b"))
        labels.append("[NAME]")
    hits: list[tuple[int, int, str]] = []
    for pattern, label in zip(patterns, labels, strict=True):
        for match in pattern.finditer(text):
            if not any(a < match.end() and match.start() < b for a, b, _ in hits):
                hits.append((match.start(), match.end(), label))
    hits.sort()
    out: list[str] = []
    anchors: list[tuple[int, int]] = [(0, 0)]
    cursor = 0
    length = 0
    for start, end, label in hits:
        out.append(text[cursor:start])
        length += start - cursor
        out.append(label)
        length += len(label)
        cursor = end
        anchors.append((length, end))
    out.append(text[cursor:])
    return Redacted(text="".join(out), anchors=tuple(anchors), replaced=len(hits))


def person_names(speakers: Iterable[object]) -> list[str]:
    """Customer speaker names and their parts, for optional name redaction."""
    names: list[str] = []
    for speaker in speakers:
        name = getattr(speaker, "name", None)
        role = str(getattr(speaker, "role", ""))
        if (
            not name
            or role.endswith("interviewer")
            or name.lower() in {"interviewee", "participant", "customer", "a"}
        ):
            continue
        names.append(name)
        names.extend(part for part in name.split() if len(part) >= 3 and part[0].isupper())
    return names
