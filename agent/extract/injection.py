"""Prompt injection: everything that comes from the research (the text, speaker labels, account
names, front matter, file names) is data. Sentences that try to instruct a model, or carry the
markup a prompt is built from (`</research>`, `<system>`, `<|im_start|>`, a fake "SYSTEM:"
line), are removed before text is sent and are never quoted; short values from sources are
escaped into one inert line (`as_data`)."""

from __future__ import annotations

import re

from agent.textspans import split_sentences

INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.?!\n]{0,40}\b(previous|prior|above|earlier|all|your|the)\b[^.?!\n]{0,20}\b(instructions?|prompts?|rules|directions)\b"
    r"|\b(system prompt|you are now|act as (an?|the) (ai|assistant|model)|as an ai language model|new instructions:)",
    re.IGNORECASE,
)
# the markup chat prompts are made of: our own delimiters, chat-template tokens, role tags
DELIMITER = re.compile(
    r"</?\s*(?:research|passages|system|user|assistant|developer|instructions?|tool|im_start|im_end|s)\s*/?>"
    r"|<\|[^|<>\n]{1,40}\|>|\[/?INST\]|<</?SYS>>|\[/?(?:SYSTEM|ASSISTANT)\]"
    r"|^\s*#{1,6}\s*(?:system|instructions?|assistant|developer)\b"
    r"|^\s*### Document D\d+",
    re.IGNORECASE | re.MULTILINE,
)
# a line that pretends to be a chat turn: "SYSTEM: …", "Assistant: …"
ROLE_LINE = re.compile(
    r"(?:^|(?<=\n))[ \t>*_]*(?:system|assistant|developer|ai assistant|chatgpt|gpt|llm)[ \t*_]*:",
    re.IGNORECASE,
)
REMOVED = "[instruction-like text removed]"
ROLE_WORDS = {"system", "assistant", "developer", "user", "ai", "tool", "function", "model", "llm"}


def is_instruction(text: str) -> bool:
    return bool(INSTRUCTION.search(text) or DELIMITER.search(text) or ROLE_LINE.search(text))


def instruction_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of text[start:end] that instruct a model or carry prompt markup."""
    end = len(text) if end is None else end
    spans = [(a, b) for a, b in split_sentences(text, start, end) if is_instruction(text[a:b])]
    for match in ROLE_LINE.finditer(text, start, end):  # a role line may sit inside a sentence
        line_end = text.find("\n", match.end(), end)
        span = (match.start(), end if line_end < 0 else line_end)
        if not any(a <= span[0] and span[1] <= b for a, b in spans):
            spans.append(span)
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def without(text: str, start: int, end: int, removed: list[tuple[int, int]]) -> str:
    """text[start:end] with each removed span inside it replaced by the REMOVED marker."""
    pieces = []
    cursor = start
    for a, b in removed:
        if a >= cursor and b <= end:
            pieces.append(text[cursor:a])
            pieces.append(REMOVED)
            cursor = b
    pieces.append(text[cursor:end])
    return "".join(pieces)


def as_data(value: object, limit: int = 80) -> str:
    """A short value from a source (speaker label, account, file name) as one inert line:
    no line breaks, no markup, no instructions, no chat role names, bounded length."""
    text = " ".join(str(value or "").split())
    cut = min(
        (
            m.start()
            for pattern in (INSTRUCTION, DELIMITER, ROLE_LINE)
            for m in [pattern.search(text)]
            if m
        ),
        default=None,
    )
    if cut is not None:  # keep what comes before the injected part ("Acme</research>…" -> "Acme")
        kept = text[:cut].strip()
        text = f"{kept} {REMOVED}" if kept else REMOVED
    text = text.replace("<", "‹").replace(">", "›").replace("`", "'")
    if text.strip(" *_#:").lower() in ROLE_WORDS:
        text = f"“{text}”"
    return text if len(text) <= limit else text[: limit - 1] + "…"
