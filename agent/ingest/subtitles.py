"""WebVTT (Zoom, Teams `<v Name>` voices) and SRT captions → speaker turns.

The document text is the conversation without cue numbers and timings: one paragraph per
speaker turn, `Name: words`, consecutive cues of one speaker joined with spaces. Quotes and
offsets refer to that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.errors import SourceError
from agent.schema import Turn
from agent.textspans import UPPER

_VTT_TIMING = re.compile(
    r"^(?P<start>(?:\d{1,2}:)?\d{1,2}:\d{2}\.\d{3})[ \t]+-->[ \t]+(?:\d{1,2}:)?\d{1,2}:\d{2}\.\d{3}(?:[ \t].*)?$"
)
_SRT_TIMING = re.compile(
    r"^(?P<start>\d{1,2}:\d{2}:\d{2}[,.]\d{1,4})[ \t]*-->[ \t]*\d{1,2}:\d{2}:\d{2}[,.]\d{1,4}(?:[ \t].*)?$"
)
_VOICE = re.compile(r"<v(?:\.[\w.]+)?[ \t]+(?P<name>[^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_SPEAKER_PREFIX = re.compile(
    rf"^(?P<name>[{UPPER}][\w.'’\-]*(?:[ \t]+[{UPPER}a-z][\w.'’\-]*){{0,4}}|[Ss]peaker[ \t]*\d{{1,2}})[ \t]*:[ \t]+"
)
# captioners' speaker tags: "[Karen] Great.", "(Interviewer) So…", ">> DANA: Right." (not a sound
# cue: "[laughs]", "[inaudible]", "(crosstalk)" are lower case)
_BRACKETED = re.compile(
    rf"^(?:\[(?P<square>[{UPPER}][\w.'’\-]*(?:[ \t]+[{UPPER}][\w.'’\-]*){{0,3}}|[Ss]peaker[ \t]*\d{{1,2}})\]"
    rf"|\((?P<round>[{UPPER}][\w.'’\-]*(?:[ \t]+[{UPPER}][\w.'’\-]*){{0,3}})\)"
    rf"|>>[ \t]*(?P<chevron>[{UPPER}][\w.'’\-]*(?:[ \t]+[{UPPER}][\w.'’\-]*){{0,3}})[ \t]*:)[ \t]*"
)


@dataclass
class Cue:
    start: str
    speaker: str | None
    text: str


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """(first line number, lines) of each blank-line separated block."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                first = number
            current.append(line.rstrip())
        elif current:
            blocks.append((first, current))
            current = []
    if current:
        blocks.append((first, current))
    return blocks


def _payload(lines: list[str]) -> tuple[str | None, str]:
    joined = " ".join(line.strip() for line in lines)
    speaker = None
    voice = _VOICE.search(joined)
    if voice:
        speaker = voice.group("name").strip()
    joined = _TAG.sub("", joined).strip()
    prefix = _SPEAKER_PREFIX.match(joined)
    tagged = _BRACKETED.match(joined)
    if prefix and speaker is None:
        speaker = prefix.group("name").strip()
        joined = joined[prefix.end() :]
    elif tagged and speaker is None and joined[tagged.end() :].strip():
        speaker = next(name for name in tagged.group("square", "round", "chevron") if name)
        joined = joined[tagged.end() :]
    return speaker, re.sub(r"[ \t]+", " ", joined).strip()


def _cues(start: str, lines: list[str]) -> list[Cue]:
    """One cue per voice: Teams puts two speakers' `<v Name>` spans in one cue at times."""
    joined = " ".join(line.strip() for line in lines)
    voices = list(_VOICE.finditer(joined))
    pieces = (
        [
            joined[v.start() : w.start() if w else len(joined)]
            for v, w in zip(voices, [*voices[1:], None], strict=True)
        ]
        if len(voices) > 1
        else [joined]
    )
    cues = []
    for piece in pieces:
        speaker, words = _payload([piece])
        if words:
            cues.append(Cue(start=start, speaker=speaker, text=words))
    return cues


def parse_vtt(text: str, source: str) -> list[Cue]:
    body = text.lstrip("\ufeff")
    if not body.startswith("WEBVTT"):
        raise SourceError(source, "not a WebVTT file: the first line must be WEBVTT")
    cues: list[Cue] = []
    for index, (line_no, lines) in enumerate(_blocks(body)):
        if index == 0 and lines[0].startswith("WEBVTT"):
            continue
        head = lines[0]
        if head.startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = 0 if _VTT_TIMING.match(head) else 1
        if timing_at >= len(lines) or not _VTT_TIMING.match(lines[timing_at]):
            raise SourceError(
                source,
                f"malformed WebVTT at line {line_no + timing_at}: expected a cue timing like 00:00:01.000 --> 00:00:04.000",
            )
        match = _VTT_TIMING.match(lines[timing_at])
        assert match is not None
        cues.extend(_cues(match.group("start"), lines[timing_at + 1 :]))
    if not cues:
        raise SourceError(source, "WebVTT file has no cues with text")
    return cues


def parse_srt(text: str, source: str) -> list[Cue]:
    cues: list[Cue] = []
    for line_no, lines in _blocks(text.lstrip("\ufeff")):
        timing_at = 1 if lines[0].strip().isdigit() else 0
        if timing_at >= len(lines) or not _SRT_TIMING.match(lines[timing_at].strip()):
            raise SourceError(
                source,
                f"malformed SRT at line {line_no + timing_at}: expected a cue timing like 00:00:01,000 --> 00:00:04,000",
            )
        match = _SRT_TIMING.match(lines[timing_at].strip())
        assert match is not None
        cues.extend(_cues(match.group("start"), lines[timing_at + 1 :]))
    if not cues:
        raise SourceError(source, "SRT file has no cues with text")
    return cues


def render_cues(cues: list[Cue]) -> tuple[str, list[Turn]]:
    """Join cues into speaker turns; returns the document text and the turns in it.
    Also used for speech-to-text exports (Whisper, WhisperX, AssemblyAI, Deepgram)."""
    parts: list[str] = []
    turns: list[Turn] = []
    length = 0
    current_speaker: str | None = None
    current_words: list[str] = []
    current_ts: str | None = None

    def flush() -> None:
        nonlocal length
        if not current_words:
            return
        label = f"{current_speaker}: " if current_speaker else ""
        if parts:
            parts.append("\n\n")
            length += 2
        words = " ".join(current_words)
        start = length + len(label)
        parts.append(label + words)
        length += len(label) + len(words)
        turns.append(Turn(speaker=current_speaker, start=start, end=length, timestamp=current_ts))

    for cue in cues:
        speaker = cue.speaker or current_speaker
        # Without speaker names every cue stays its own turn (a question is not merged
        # into the answer that follows it).
        if speaker is None or speaker != current_speaker or not current_words:
            flush()
            current_speaker, current_words, current_ts = speaker, [], cue.start
        current_words.append(cue.text)
    flush()
    return "".join(parts), turns
