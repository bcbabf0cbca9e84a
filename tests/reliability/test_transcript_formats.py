"""Issue #14: every transcript export real teams have loads into turns with exact offsets —
Whisper JSON/TSV/SRT/VTT/TXT, WhisperX with diarized speakers, AssemblyAI and Deepgram JSON,
Teams `<v Name>` cues, Otter Markdown with its details header, UTF-16 text."""

from __future__ import annotations

import json

import pytest
from helpers import load, spoken, write

from agent.ingest.conversations import NO_SPEAKERS
from agent.schema import SourceKind, SpeakerRole

# One interview, as (speaker, seconds, words); the interviewer asks, the customer answers.
TALK = [
    ("SPEAKER_00", 0.0, "Thanks for joining. How do quotes get approved today?"),
    ("SPEAKER_01", 4.2, "Anything over ten percent goes to our CFO, which takes days."),
    ("SPEAKER_00", 9.8, "How many quotes a week is that?"),
    ("SPEAKER_01", 12.1, "About forty, and most of them wait on him."),
    ("SPEAKER_00", 16.5, "What have you tried so far?"),
    ("SPEAKER_01", 19.0, "A shared spreadsheet. Nobody keeps it up to date."),
]
CUSTOMER_WORDS = [words for who, _, words in TALK if who == "SPEAKER_01"]


def assert_exact(doc) -> None:
    """Every turn is a verbatim span of the document text."""
    for turn in doc.turns:
        assert 0 <= turn.start < turn.end <= len(doc.text)
        assert doc.text[turn.start : turn.end].strip() == doc.text[turn.start : turn.end]


def test_whisper_json_is_a_speakerless_transcript_not_a_table(tmp_path):
    export = {
        "text": " ".join(w for _, _, w in TALK),
        "segments": [
            {"id": i, "seek": 0, "start": t, "end": t + 3, "text": " " + w, "tokens": [1, 2]}
            for i, (_, t, w) in enumerate(TALK)
        ],
        "language": "en",
    }
    loaded = load(write(tmp_path / "call.json", json.dumps(export)))
    doc = loaded.documents[0]
    assert doc.kind == SourceKind.transcript
    assert [text for _, text in spoken(doc)] == [w for _, _, w in TALK]  # one turn per segment
    assert doc.turns[1].timestamp == "00:00:04.200"
    assert NO_SPEAKERS in loaded.warnings and doc.metadata["speaker_roles"] == "none"
    assert doc.metadata["format"] == "Whisper"
    assert_exact(doc)


def test_whisperx_diarized_speakers_mapped_by_who_asks(tmp_path):
    export = {
        "segments": [
            {
                "start": t,
                "end": t + 3,
                "text": " " + w,
                "speaker": who,
                "words": [{"word": x, "start": t, "speaker": who} for x in w.split()],
            }
            for who, t, w in TALK
        ],
        "word_segments": [],
    }
    doc = load(write(tmp_path / "call.json", json.dumps(export))).documents[0]
    roles = {s.name: s.role for s in doc.speakers}
    assert roles == {"SPEAKER_00": SpeakerRole.interviewer, "SPEAKER_01": SpeakerRole.customer}
    assert [text for _, text in spoken(doc, "customer")] == CUSTOMER_WORDS
    assert doc.metadata["format"] == "WhisperX"
    assert_exact(doc)


def test_assemblyai_utterances_in_milliseconds(tmp_path):
    export = {
        "id": "tx-1",
        "status": "completed",
        "language_code": "en_us",
        "audio_duration": 25,
        "text": " ".join(w for _, _, w in TALK),
        "utterances": [
            {
                "speaker": "A" if who.endswith("0") else "B",
                "start": int(t * 1000),
                "end": int(t * 1000) + 3000,
                "text": w,
                "confidence": 0.9,
                "words": [],
            }
            for who, t, w in TALK
        ],
    }
    doc = load(write(tmp_path / "assembly.json", json.dumps(export))).documents[0]
    assert {s.name: s.role for s in doc.speakers} == {
        "Speaker A": SpeakerRole.interviewer,
        "Speaker B": SpeakerRole.customer,
    }
    assert [text for _, text in spoken(doc, "customer")] == CUSTOMER_WORDS
    assert doc.turns[1].timestamp == "00:00:04.200"


@pytest.mark.parametrize("shape", ["utterances", "paragraphs", "words"])
def test_deepgram_results(tmp_path, shape):
    speaker = {"SPEAKER_00": 0, "SPEAKER_01": 1}
    alternative: dict = {"transcript": " ".join(w for _, _, w in TALK), "confidence": 0.98}
    results: dict = {"channels": [{"alternatives": [alternative]}]}
    if shape == "utterances":
        results["utterances"] = [
            {"start": t, "end": t + 3, "speaker": speaker[who], "transcript": w, "channel": 0}
            for who, t, w in TALK
        ]
    elif shape == "paragraphs":
        alternative["paragraphs"] = {
            "paragraphs": [
                {"speaker": speaker[who], "start": t, "sentences": [{"text": w, "start": t}]}
                for who, t, w in TALK
            ]
        }
    else:
        alternative["words"] = [
            {
                "word": x.lower().strip(".,?"),
                "punctuated_word": x,
                "start": t,
                "speaker": speaker[who],
            }
            for who, t, w in TALK
            for x in w.split()
        ]
    doc = load(
        write(
            tmp_path / "dg.json", json.dumps({"metadata": {"request_id": "r"}, "results": results})
        )
    ).documents[0]
    assert [text for _, text in spoken(doc, "customer")] == CUSTOMER_WORDS
    assert {s.name for s in doc.speakers if s.role == SpeakerRole.interviewer} == {"Speaker 0"}
    assert doc.metadata["format"] == "Deepgram"


def test_whisper_tsv(tmp_path):
    rows = "".join(f"{int(t * 1000)}\t{int(t * 1000) + 3000}\t{w}\n" for _, t, w in TALK)
    loaded = load(write(tmp_path / "call.tsv", "start\tend\ttext\n" + rows))
    doc = loaded.documents[0]
    assert doc.kind == SourceKind.transcript and doc.metadata["format"] == "Whisper TSV"
    assert [text for _, text in spoken(doc)] == [w for _, _, w in TALK]
    assert NO_SPEAKERS in loaded.warnings


def test_whisper_srt_and_vtt_without_speakers_keep_each_cue_and_say_so(tmp_path):
    srt = "".join(
        f"{i + 1}\n00:00:{int(t):02d},000 --> 00:00:{int(t) + 3:02d},000\n{w}\n\n"
        for i, (_, t, w) in enumerate(TALK)
    )
    vtt = "WEBVTT\n\n" + "".join(
        f"00:00:{int(t):02d}.000 --> 00:00:{int(t) + 3:02d}.000\n{w}\n\n" for _, t, w in TALK
    )
    for name, text in (("w.srt", srt), ("w.vtt", vtt)):
        loaded = load(write(tmp_path / name, text))
        doc = loaded.documents[0]
        # the question is not merged into the answer that follows it
        assert [t for _, t in spoken(doc)] == [w for _, _, w in TALK]
        assert NO_SPEAKERS in loaded.warnings


def test_whisper_txt_is_a_speakerless_transcript(tmp_path):
    text = (
        "So um how do quotes get approved today?\n"
        "Yeah, so anything over ten percent goes to our CFO, which, you know, takes days.\n"
        "Okay and how many is that a week?\n"
        "Um, about forty. Most of them kind of wait on him.\n"
    )
    loaded = load(write(tmp_path / "meeting.txt", text))
    doc = loaded.documents[0]
    assert doc.kind == SourceKind.transcript and len(doc.turns) == 4
    assert NO_SPEAKERS in loaded.warnings


def test_teams_vtt_voice_tags_with_two_voices_in_one_cue(tmp_path):
    vtt = (
        "WEBVTT\n\n"
        "3f9a1c52-8d1e-4b7a-9a55-0b1d2f3e4a5b/11-0\n00:00:01.000 --> 00:00:04.000\n"
        "<v Sam Ortiz>How do quotes get approved today?</v>\n\n"
        "3f9a1c52-8d1e-4b7a-9a55-0b1d2f3e4a5b/12-0\n00:00:04.500 --> 00:00:09.000\n"
        "<v Dana Whitfield>Anything over ten percent goes to our CFO.</v>\n\n"
        "3f9a1c52-8d1e-4b7a-9a55-0b1d2f3e4a5b/13-0\n00:00:09.500 --> 00:00:12.000\n"
        "<v Sam Ortiz>Every time?</v> <v Dana Whitfield>Every single time, and he travels.</v>\n"
    )
    doc = load(write(tmp_path / "teams.vtt", vtt)).documents[0]
    assert spoken(doc) == [
        ("Sam Ortiz", "How do quotes get approved today?"),
        ("Dana Whitfield", "Anything over ten percent goes to our CFO."),
        ("Sam Ortiz", "Every time?"),
        ("Dana Whitfield", "Every single time, and he travels."),
    ]
    assert {s.name: s.role for s in doc.speakers}["Sam Ortiz"] == SpeakerRole.interviewer
    assert "<v" not in doc.text and "3f9a1c52" not in doc.text


def test_otter_markdown_export_with_details_header(tmp_path):
    otter = (
        "# Quoteflow discovery - Brookfield Tooling\n\n"
        "Tue, Mar 4, 2026 10:02AM • 32:15\n\n"
        "**SUMMARY KEYWORDS**\nquotes, approvals, spreadsheet\n\n"
        "**SPEAKERS**\nSam Ortiz, Dana Whitfield\n\n"
        "**Sam Ortiz**  0:04\nHow do quotes get approved today?\n\n"
        "**Dana Whitfield**  0:09\nAnything over ten percent goes to our CFO.\nIt takes days.\n\n"
        "**Sam Ortiz**  0:21\nHow many a week?\n\n"
        "**Dana Whitfield**  0:25\nAbout forty.\n"
    )
    doc = load(write(tmp_path / "otter.md", otter)).documents[0]
    assert doc.kind == SourceKind.transcript
    assert str(doc.date) == "2026-03-04"
    assert doc.title == "Quoteflow discovery - Brookfield Tooling"
    assert spoken(doc, "customer") == [
        ("Dana Whitfield", "Anything over ten percent goes to our CFO.\nIt takes days."),
        ("Dana Whitfield", "About forty."),
    ]
    # the details header is no one's speech
    assert all("SUMMARY" not in doc.text[t.start : t.end] for t in doc.turns)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_text_is_read_not_binary(tmp_path, encoding):
    text = (
        "Sam: How do quotes get approved today? Überall?\n"
        "Dana: Anything over ten percent goes to our CFO — it takes days.\n"
        "Sam: How many a week?\nDana: About forty.\n"
    )
    data = text.encode(encoding)
    if encoding == "utf-16-be":  # with a byte-order mark, as Windows tools write it
        data = b"\xfe\xff" + data
    path = tmp_path / "call.txt"
    path.write_bytes(data)
    doc = load(path).documents[0]
    assert doc.text == text
    assert spoken(doc, "customer")[0] == (
        "Dana",
        "Anything over ten percent goes to our CFO — it takes days.",
    )


def test_json_crm_export_still_loads_as_crm(tmp_path):
    records = [
        {"name": "Brookfield Tooling", "industry": "Machinery", "employees": 300, "stage": "won"},
        {"name": "Hollis Fabrication", "industry": "Job shop", "employees": 8, "stage": "lost"},
    ]
    loaded = load(write(tmp_path / "accounts.json", json.dumps(records)))
    assert {d.kind for d in loaded.documents} == {SourceKind.crm}
    assert loaded.columns["name"] == "CRM name"
