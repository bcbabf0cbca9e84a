"""Speech-to-text exports → caption cues: Whisper JSON and TSV, WhisperX JSON with diarized
`SPEAKER_00` labels, AssemblyAI and Deepgram utterance JSON, and plain utterance lists.

Each export becomes a list of `Cue`s (speaker, start time, words) that `render_cues` turns into
the document text and its turns, exactly as for WebVTT and SRT. Returns None for JSON that is
not a transcript (a CRM or survey export), so the table loaders get it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from agent.ingest.subtitles import Cue

_TEXT_KEYS = ("text", "transcript", "utterance", "words_text", "content")
_SPEAKER_KEYS = ("speaker", "speaker_label", "speaker_name")
_START_KEYS = ("start", "start_time", "startTime", "offset", "timestamp")


@dataclass
class SpeechExport:
    tool: str  # which exporter's shape it had, for the ingest summary
    cues: list[Cue]
    language: str | None = None


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{round((seconds - whole) * 1000) % 1000:03d}"


def _start(item: dict[str, Any], milliseconds: bool = False) -> str:
    for key in _START_KEYS:
        value = item.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _clock(value / 1000 if milliseconds else value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _text(item: dict[str, Any]) -> str:
    for key in _TEXT_KEYS:
        value = item.get(key)
        if isinstance(value, str):
            return " ".join(value.split())
    return ""


def _speaker(value: Any, prefix: str = "Speaker ") -> str | None:
    """'SPEAKER_00' and names as written; AssemblyAI's 'A' and Deepgram's 0 as 'Speaker A/0'."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    return f"{prefix}{text}" if len(text) <= 2 else text


def _cues(
    items: list[Any], milliseconds: bool = False, speaker_prefix: str = "Speaker "
) -> list[Cue]:
    cues = []
    for item in items:
        if not isinstance(item, dict):
            continue
        words = _text(item)
        if words:
            speaker = next((item[k] for k in _SPEAKER_KEYS if item.get(k) not in (None, "")), None)
            cues.append(
                Cue(
                    start=_start(item, milliseconds),
                    speaker=_speaker(speaker, speaker_prefix),
                    text=words,
                )
            )
    return cues


def _is_utterance_list(items: Any, keys: tuple[str, ...] = (*_SPEAKER_KEYS, *_START_KEYS)) -> bool:
    """A list of records that each carry words and a speaker or a start time."""
    if not isinstance(items, list) or not items:
        return False
    records = [i for i in items if isinstance(i, dict)]
    if len(records) < max(1, len(items) * 0.9):
        return False
    with_text = sum(1 for r in records if _text(r))
    timed_or_spoken = sum(1 for r in records if any(k in r for k in keys))
    return with_text >= 0.8 * len(records) and timed_or_spoken >= 0.8 * len(records)


def _deepgram(results: dict[str, Any]) -> list[Cue] | None:
    if isinstance(results.get("utterances"), list) and results["utterances"]:
        return _cues(results["utterances"])
    channels = results.get("channels")
    if not (isinstance(channels, list) and channels and isinstance(channels[0], dict)):
        return None
    alternatives = channels[0].get("alternatives") or [{}]
    best = alternatives[0] if isinstance(alternatives[0], dict) else {}
    paragraphs = (best.get("paragraphs") or {}).get("paragraphs")
    if isinstance(paragraphs, list) and paragraphs:
        return [
            Cue(
                start=_start(p),
                speaker=_speaker(p.get("speaker")),
                text=" ".join(
                    s.get("text", "") for s in p.get("sentences", []) if isinstance(s, dict)
                ).strip(),
            )
            for p in paragraphs
            if isinstance(p, dict)
        ]
    words = best.get("words")
    if isinstance(words, list) and words and all(isinstance(w, dict) for w in words):
        cues: list[Cue] = []
        for word in words:
            speaker = _speaker(word.get("speaker"))
            token = str(word.get("punctuated_word") or word.get("word") or "")
            if cues and cues[-1].speaker == speaker:
                cues[-1].text += " " + token
            else:
                cues.append(Cue(start=_start(word), speaker=speaker, text=token))
        return cues
    transcript = best.get("transcript")
    return (
        [Cue(start="", speaker=None, text=transcript.strip())]
        if isinstance(transcript, str) and transcript.strip()
        else None
    )


def speech_export(data: Any) -> SpeechExport | None:
    """The cues of a speech-to-text JSON export, or None when `data` is not one."""
    if isinstance(data, list):
        # a bare list must name its speakers: timed text alone could be survey answers
        return (
            SpeechExport("utterance list", _cues(data))
            if _is_utterance_list(data, _SPEAKER_KEYS)
            else None
        )
    if not isinstance(data, dict):
        return None
    language = data.get("language") or data.get("language_code") or data.get("detected_language")
    language = str(language) if isinstance(language, str) else None
    results = data.get("results")
    if isinstance(results, dict) and ("channels" in results or "utterances" in results):
        cues = _deepgram(results)
        if cues is not None:
            channel = (results.get("channels") or [{}])[0]
            language = language or (
                channel.get("detected_language") if isinstance(channel, dict) else None
            )
            return SpeechExport("Deepgram", [c for c in cues if c.text], language)
    utterances = data.get("utterances")
    if isinstance(utterances, list) and _is_utterance_list(utterances):
        # AssemblyAI gives start/end in milliseconds and speakers as letters.
        milliseconds = (
            "audio_duration" in data
            or "language_code" in data
            or any(
                isinstance(u.get("start"), int) and u.get("start", 0) > 1000
                for u in utterances[:5]
                if isinstance(u, dict)
            )
        )
        return SpeechExport("AssemblyAI", _cues(utterances, milliseconds), language)
    segments = data.get("segments")
    if isinstance(segments, list) and _is_utterance_list(segments):
        diarized = any(isinstance(s, dict) and s.get("speaker") for s in segments)
        tool = "WhisperX" if diarized else "Whisper"
        return SpeechExport(tool, _cues(segments), language)
    if isinstance(data.get("text"), str) and (
        "segments" in data or "language" in data or "duration" in data
    ):
        lines = [line.strip() for line in data["text"].split("\n") if line.strip()]
        return SpeechExport(
            "Whisper", [Cue(start="", speaker=None, text=line) for line in lines], language
        )
    return None


def whisper_tsv(text: str) -> SpeechExport | None:
    """Whisper's TSV (`start  end  text`, times in milliseconds; WhisperX adds `speaker`)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].lower().split("\t")
    if "text" not in first or "start" not in first:
        return None
    rows = csv.DictReader(
        io.StringIO(text.lstrip("\ufeff")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    cues = []
    for row in rows:
        row = {str(k).lower(): v for k, v in row.items() if k}
        words = " ".join((row.get("text") or "").split())
        if not words:
            continue
        start = row.get("start") or ""
        stamp = _clock(int(start) / 1000) if start.strip().isdigit() else start.strip()
        cues.append(Cue(start=stamp, speaker=_speaker(row.get("speaker")), text=words))
    return SpeechExport("Whisper TSV", cues)
