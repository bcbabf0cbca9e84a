"""Interview transcripts, researcher notes and win/loss/churn notes (.txt, .md, .vtt, .srt, .docx)."""

from __future__ import annotations

import io
import re
from typing import Any

from agent.ingest.frontmatter import DEAL_KEYS, split_front_matter
from agent.ingest.normalize import outcome, parse_date, parse_money
from agent.ingest.notes import account_name, header_labels, note_turns, reads_as_a_name
from agent.ingest.rawfile import RawFile, decode_text
from agent.ingest.speakers import (
    assign_roles,
    find_label_turns,
    find_name_line_turns,
    find_otter_turns,
    line_turns,
    unify_speaker_names,
)
from agent.ingest.subtitles import parse_srt, parse_vtt, render_cues
from agent.ingest.transcription import SpeechExport
from agent.schema import DealNote, SourceKind, Turn

_HEADING = re.compile(r"^\s*#{1,6}\s+(.+?)\s*$", re.MULTILINE)
_DATE_IN_NAME = re.compile(r"(20\d{2})[-_.]?(\d{2})[-_.]?(\d{2})")
_DATE_IN_TEXT = re.compile(
    r"\b(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}"
    r"|\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\b"
)
_FILLERS = re.compile(r"\b(?:um+|uh+|erm|you know|i mean|kind of|sort of|yeah|okay|gonna)\b", re.I)
_SPOKEN_NAME = re.compile(r"transcri|whisper|recording|audio|otter|zoom", re.I)
NO_SPEAKERS = (
    "no speaker names: a speakerless transcript, so the interviewer's questions cannot be told "
    "apart from the answers and every turn is read as the customer's"
)


def _names(value: Any) -> list[str]:
    """Front matter people lists: 'Sam Ortiz' or ['Dana Whitfield (VP RevOps)', …] → names."""
    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(r"[;,]\s*(?![^()]*\))", str(value))
    return [re.sub(r"\s*\(.*?\)\s*", "", str(item)).strip() for item in items if str(item).strip()]


def date_from_name(stem: str):
    match = _DATE_IN_NAME.search(stem)
    return parse_date("-".join(match.groups())) if match else None


def _header_date(header: str):
    match = _DATE_IN_TEXT.search(header)
    if not match:
        return None
    value = (
        re.sub(r"^(\w{3})\w*\.?", r"\1", match.group(0))
        if match.group(0)[0].isalpha()
        else match.group(0)
    )
    return parse_date(value)


DEAL_OUTCOMES = {"won", "lost", "churned", "expanded"}


def _deal_note(stage: str | None, acv: object, competitor: object) -> DealNote:
    """A deal note's facts, from front matter or from label lines: an outcome only when it is
    one of DEAL_OUTCOMES, the value as money, the competitor as written."""
    return DealNote(
        outcome=stage if stage in DEAL_OUTCOMES else None,
        acv=parse_money(acv),
        competitor=str(competitor or "").strip() or None,
    )


_NAMED_OUTCOME = re.compile(
    r"(?i)(?:^|[\W_])(?:closed[\W_]*(?P<closed>won|lost)|(?P<word>won|lost|churned|churn|loss|win))(?=$|[\W_])"
)


def _outcome_in_name(stem: str) -> str | None:
    """A deal write-up named by its outcome ("FW_ Pepper Hollow - closed lost", "acme_loss"):
    won, lost or churned when the name says exactly one of them. Notes of a call or interview
    with a churned customer ("acme_churn-call-notes") stay notes: what they say is the
    customer's, not a deal review."""
    if re.search(r"(?i)call|interview|notes?\b|transcript|recording|meeting", stem):
        return None
    found = set()
    for match in _NAMED_OUTCOME.finditer(stem):
        word = (match.group("closed") or match.group("word")).lower()
        found.add({"win": "won", "loss": "lost", "churn": "churned"}.get(word, word))
    return found.pop() if len(found) == 1 else None


def _looks_spoken(raw: RawFile, text: str, start: int) -> bool:
    """A speakerless transcript (Whisper's .txt, a pasted caption dump) rather than notes:
    no Markdown structure and speech fillers, or a file name that says it is a recording."""
    body = text[start:]
    if re.search(r"(?m)^[ \t]*(?:#{1,6}[ \t]|[-*+•][ \t]|\*\*)", body) or re.search(
        r"(?i)notes?\b", raw.path.stem
    ):
        return False
    words = max(1, len(body.split()))
    fillers = len(_FILLERS.findall(body))
    return fillers * 100 / words >= 2.0 or bool(_SPOKEN_NAME.search(raw.path.stem))


def build_conversation(
    raw: RawFile,
    text: str,
    body_start: int,
    meta: dict[str, Any],
    warnings: list[str],
    turns_hint: list[Turn] | None = None,
) -> dict[str, Any]:
    """Fields of a SourceDocument for conversational text: kind, turns, speakers, account."""
    kind = SourceKind.transcript
    deal: DealNote | None = None
    speakers = []
    derived: dict[str, Any] = {}  # from label lines and the role decision, not front matter
    header: str = ""
    if DEAL_KEYS & set(meta) or str(meta.get("type", "")).lower() in {
        "win_loss",
        "win-loss",
        "churn",
        "loss",
        "win",
    }:
        kind = SourceKind.win_loss
        deal = _deal_note(
            outcome(meta.get("outcome") or meta.get("result") or meta.get("type")),
            meta.get("acv"),
            meta.get("competitor") or meta.get("lost_to"),
        )
        if deal.outcome is None and meta.get("outcome") is not None:
            warnings.append(
                f"unknown outcome {meta.get('outcome')!r} (expected won, lost, churned or expanded)"
            )
        turns = note_turns(text, body_start)
        derived = header_labels(text, turns)
    else:
        found: list[tuple[Turn, str | None]]
        if turns_hint is not None:
            found = [(t, None) for t in turns_hint]
        else:
            found = find_otter_turns(text, body_start)
            if found:
                header = text[body_start : min(t.start for t, _ in found)]
            else:
                found = find_label_turns(text, body_start)
            if not found:
                found = find_name_line_turns(text, body_start)
                if found:
                    header = text[body_start : min(t.start for t, _ in found)]
        if found and any(t.speaker for t, _ in found):
            unify_speaker_names(found)
            titles: dict[str, str | None] = {}
            for turn, title in found:
                if turn.speaker and title and not titles.get(turn.speaker):
                    titles[turn.speaker] = title
                titles.setdefault(turn.speaker or "", None)
            turns = [t for t, _ in found]
            decision = assign_roles(
                text,
                turns,
                titles,
                interviewers=_names(meta.get("interviewer") or meta.get("interviewers")),
                customers=_names(
                    meta.get("participants") or meta.get("interviewee") or meta.get("customer")
                ),
                vendor_names=_names(meta.get("vendor")),
            )
            speakers = decision.speakers
            derived["speaker_roles"] = decision.basis
            if decision.doubt:
                warnings.append(
                    f"speaker roles uncertain ({decision.doubt}): check who the interviewer is, "
                    "or name them in front matter (interviewer: NAME)"
                )
        elif found or _looks_spoken(raw, text, body_start):
            turns = [t for t, _ in found] or line_turns(text, body_start)
            derived["speaker_roles"] = "none"
            warnings.append(NO_SPEAKERS)
        else:
            kind = SourceKind.notes
            turns = note_turns(text, body_start)
            derived = header_labels(text, turns)
            stage = outcome(derived.get("outcome")) or _outcome_in_name(raw.path.stem)
            if stage in DEAL_OUTCOMES:
                # a deal write-up with label lines instead of front matter ("**Outcome:** Lost")
                kind = SourceKind.win_loss
                deal = _deal_note(
                    stage, derived.get("acv"), derived.get("lost_to") or derived.get("competitor")
                )
    account = (
        meta.get("account")
        or meta.get("company")
        or meta.get("customer_account")
        or derived.get("account")
    )
    heading = _HEADING.search(text, body_start)
    header_title = next((line.strip("# *_\t") for line in header.split("\n") if line.strip()), "")
    document_date = (
        parse_date(meta.get("date"))
        or parse_date(derived.get("date"))
        or (_header_date(header) if header else None)
        or date_from_name(raw.path.stem)
    )
    metadata = {
        k: v if isinstance(v, str | int | float | bool) or v is None else str(v)
        for k, v in meta.items()
    }
    if "speaker_roles" in derived:
        metadata["speaker_roles"] = derived["speaker_roles"]
    return {
        "kind": kind,
        "turns": turns,
        "speakers": speakers,
        "deal": deal,
        "account": str(account).strip() if account else None,
        "account_attribution": "front_matter" if account else None,
        "date": document_date,
        "title": str(
            meta.get("title") or (heading.group(1) if heading else "") or header_title
        ).strip()
        or None,
        "metadata": metadata,
    }


def load_text(raw: RawFile, warnings: list[str]) -> list[dict[str, Any]]:
    text = decode_text(raw)
    meta, body_start, problem = split_front_matter(text)
    if problem:
        warnings.append(problem)
    if not text[body_start:].strip():
        raise raw.fail("no text after the front matter")
    fields = build_conversation(raw, text, body_start, meta, warnings)
    return [{"text": text, **fields}]


def load_subtitles(raw: RawFile, warnings: list[str]) -> list[dict[str, Any]]:
    source_text = decode_text(raw)
    cues = (
        parse_vtt(source_text, raw.source)
        if raw.suffix == ".vtt"
        else parse_srt(source_text, raw.source)
    )
    text, turns = render_cues(cues)
    fields = build_conversation(raw, text, 0, {}, warnings, turns_hint=turns)
    fields["metadata"]["cues"] = len(cues)
    return [{"text": text, **fields}]


def load_speech_export(
    raw: RawFile, export: SpeechExport, warnings: list[str]
) -> list[dict[str, Any]]:
    """Whisper / WhisperX / AssemblyAI / Deepgram exports, already parsed into cues."""
    if not export.cues:
        raise raw.fail(f"{export.tool} transcript has no words")
    text, turns = render_cues(export.cues)
    fields = build_conversation(raw, text, 0, {}, warnings, turns_hint=turns)
    fields["metadata"].update({"cues": len(export.cues), "format": export.tool})
    if export.language:
        fields["metadata"]["language_reported"] = export.language
    return [{"text": text, **fields}]


def load_docx(raw: RawFile, warnings: list[str]) -> list[dict[str, Any]]:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(raw.data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise raw.fail(f"not a readable Word .docx file ({type(exc).__name__})") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:  # transcripts sometimes come as a speaker | words table
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells]
            if len(cells) >= 2 and cells[0] and cells[-1]:
                lines.append(f"{cells[0]}: {cells[-1]}")
    text = "\n".join(lines).strip()
    if not text:
        raise raw.fail("the Word document has no text")
    meta: dict[str, Any] = {}
    for line in lines[:8]:  # 'Account: X' / 'Date: Y' header paragraphs
        match = re.match(
            r"^\s*(Account|Company|Customer|Date|Interviewer|Participants?)\s*:\s*(.+)$",
            line,
            re.IGNORECASE,
        )
        if match:
            key = (
                match.group(1)
                .lower()
                .replace("participant", "participants")
                .replace("participantss", "participants")
            )
            key = {"company": "account", "customer": "account"}.get(key, key)
            value = match.group(2).strip()
            if key == "account":
                value = account_name(value)
            if key != "account" or reads_as_a_name(value):
                meta[key] = value
    fields = build_conversation(raw, text, 0, meta, warnings)
    if document.core_properties.title and not fields["title"]:
        fields["title"] = document.core_properties.title
    return [{"text": text, **fields}]
