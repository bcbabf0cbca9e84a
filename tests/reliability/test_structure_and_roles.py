"""Issue #12: notes and deal write-ups keep their structure (heading, label, bullet, paragraph
turns with their section); interviewer turns are found under every label real exports use,
and a transcript whose roles are a guess says so."""

from __future__ import annotations

import pytest
from helpers import load, spoken, write

from agent.schema import SourceKind, SpeakerRole, TurnForm

NOTES = """---
account: Dutch Creek Machine
outcome: churned
---
# Churn call: Dutch Creek

**Date:** 2026-03-02
Attendees: Bill Haney (owner), Ana Li

## Why they churned

- Price: "Fifteen grand is a lot of money for a shop my size," Bill said.
- Most of the CRM sync never applied to them.
  They have no CRM at all.

Usage tailed off after three months. I asked whether training would have helped and he said no.

## Buying committee
1. Bill decides and signs.
2. Tina runs QuickBooks and questioned the cost every month.

## My take

Classic poor fit: no CRM, no ERP.
- Don't chase shops under 25 people.

## Next steps
- Send the small-shop pricing page.
"""


def turns_of(doc):
    return [(t.form, t.role, t.section, doc.text[t.start : t.end]) for t in doc.turns]


def test_deal_notes_become_heading_label_bullet_and_paragraph_turns_with_sections(tmp_path):
    doc = load(write(tmp_path / "dutch-creek_churned.md", NOTES)).documents[0]
    assert doc.kind == SourceKind.win_loss
    turns = turns_of(doc)
    forms = [(form.value, text) for form, _, _, text in turns]
    assert forms[:3] == [
        ("heading", "Churn call: Dutch Creek"),
        ("label", "Date:** 2026-03-02"),
        ("label", "Attendees: Bill Haney (owner), Ana Li"),
    ]
    assert ("heading", "Why they churned") in forms and ("heading", "Buying committee") in forms
    bullets = {
        text: (role, section) for form, role, section, text in turns if form == TurnForm.bullet
    }
    # the customer's quoted speech stays inside its bullet, with the bullet's section
    price = 'Price: "Fifteen grand is a lot of money for a shop my size," Bill said.'
    assert bullets[price] == (SpeakerRole.unknown, "Why they churned")
    # a continuation line belongs to its bullet; numbered items are bullets
    assert "Most of the CRM sync never applied to them.\n  They have no CRM at all." in bullets
    assert (
        bullets["Tina runs QuickBooks and questioned the cost every month."][1]
        == "Buying committee"
    )
    # vendor sections are the interviewer's words
    assert bullets["Don't chase shops under 25 people."] == (SpeakerRole.interviewer, "My take")
    assert bullets["Send the small-shop pricing page."] == (SpeakerRole.interviewer, "Next steps")
    assert ("paragraph", "Classic poor fit: no CRM, no ERP.") in forms
    # headings and labels are never evidence
    evidence = [doc.text[t.start : t.end] for t in doc.customer_turns()]
    assert "Why they churned" not in evidence and not any(
        e.startswith("Attendees") for e in evidence
    )
    assert "Classic poor fit: no CRM, no ERP." not in evidence
    for turn in doc.turns:  # offsets are exact spans of the text
        assert doc.text[turn.start : turn.end].strip() == doc.text[turn.start : turn.end] != ""


def test_note_takers_first_person_is_the_interviewer(tmp_path):
    doc = load(write(tmp_path / "notes.md", NOTES.split("---\n", 2)[2])).documents[0]
    assert doc.kind == SourceKind.notes
    paragraph = [
        (role, text) for form, role, _, text in turns_of(doc) if form == TurnForm.paragraph
    ]
    assert (SpeakerRole.unknown, "Usage tailed off after three months.") in paragraph
    assert (
        SpeakerRole.interviewer,
        "I asked whether training would have helped and he said no.",
    ) in paragraph
    assert doc.account is None and str(doc.date) == "2026-03-02"  # label lines read as metadata


def test_plain_text_notes_with_caps_titles_and_label_headings(tmp_path):
    text = (
        "BACKGROUND\nTwenty-two people, a CNC job shop in Oregon.\n\n"
        "Pain points:\n* Quoting eats his weekends.\n* Nobody else can quote.\n\n"
        "Account: Dutch Creek Machine\n"
    )
    doc = load(write(tmp_path / "call-notes.txt", text)).documents[0]
    turns = turns_of(doc)
    assert [(f.value, s, t) for f, _, s, t in turns] == [
        ("heading", None, "BACKGROUND"),
        ("paragraph", "BACKGROUND", "Twenty-two people, a CNC job shop in Oregon."),
        ("heading", "BACKGROUND", "Pain points"),
        ("bullet", "Pain points", "Quoting eats his weekends."),
        ("bullet", "Pain points", "Nobody else can quote."),
        ("label", "Pain points", "Account: Dutch Creek Machine"),
    ]
    assert doc.account == "Dutch Creek Machine"


ANSWERS = [
    "We quote everything in Excel and re-key it into Epicor.",
    "About three days for anything custom, sometimes a week.",
    "Our CFO signs off on anything over ten percent.",
]
QUESTIONS = [
    "How does a quote get built today?",
    "How long does that take?",
    "Who signs off on discounts?",
]


@pytest.mark.parametrize(
    "asker,answerer",
    [
        ("Interviewer 1", "Interviewee"),
        ("Interviewer1", "Interviewee1"),
        ("Interviewer", "Interviewee"),
        ("interviewer", "interviewee"),
        ("Q", "A"),
        ("Moderator", "Participant"),
        ("INT", "RESP"),
        ("Researcher", "P1"),
    ],
)
def test_interviewer_label_variants(tmp_path, asker, answerer):
    text = "".join(
        f"{asker}: {q}\n{answerer}: {a}\n" for q, a in zip(QUESTIONS, ANSWERS, strict=True)
    )
    doc = load(write(tmp_path / "t.txt", text)).documents[0]
    assert [t for _, t in spoken(doc, "interviewer")] == QUESTIONS
    assert [t for _, t in spoken(doc, "customer")] == ANSWERS
    assert doc.metadata["speaker_roles"] == "labels"


def test_several_interviewers_spelled_differently_and_one_speaking_once(tmp_path):
    text = (
        "Interviewer 1: How does a quote get built today?\n"
        "Interviewee: We quote everything in Excel and re-key it into Epicor.\n"
        "Interviewer2: And how long does that take, roughly, end to end for a custom part.\n"
        "Interviewee: About three days for anything custom.\n"
        "Interviewer1: Who signs off on discounts?\n"
        "Interviewee: Our CFO signs off on anything over ten percent.\n"
        "Interviewer 3: Thanks, that is all from us.\n"
        "Interviewee: Happy to help.\n"
    )
    doc = load(write(tmp_path / "t.txt", text)).documents[0]
    roles = {s.name: s.role for s in doc.speakers}
    assert roles == {
        "Interviewer 1": SpeakerRole.interviewer,  # 'Interviewer1' is the same person
        "Interviewee": SpeakerRole.customer,
        "Interviewer2": SpeakerRole.interviewer,
        "Interviewer 3": SpeakerRole.interviewer,
    }
    customer = " ".join(t for _, t in spoken(doc, "customer"))
    assert "Thanks, that is all" not in customer and "how long does that take" not in customer


def test_moderator_who_speaks_little_and_diarized_labels(tmp_path):
    text = (
        "SPEAKER_00: So, walk me through how a quote gets built?\n"
        "SPEAKER_01: Sure. We start in Excel, pull last year's prices, then re-key it all into Epicor. "
        "It is slow and it breaks whenever a customer asks for a change.\n"
        "SPEAKER_01: And approvals are a whole other story, our CFO is always travelling.\n"
        "SPEAKER_00: How long does that take?\n"
        "SPEAKER_01: Three days for anything custom. Sometimes a week if he is away.\n"
    )
    doc = load(write(tmp_path / "t.txt", text)).documents[0]
    assert {s.name: s.role for s in doc.speakers} == {
        "SPEAKER_00": SpeakerRole.interviewer,
        "SPEAKER_01": SpeakerRole.customer,
    }
    assert doc.metadata["speaker_roles"] == "questions"


def test_front_matter_interviewer_decides(tmp_path):
    text = (
        "---\ninterviewer: Dana\n---\n"
        "Sam: Is it slow? Really? Why?\nDana: Tell me more.\nSam: We re-key everything? Yes.\nDana: Go on.\n"
    )
    doc = load(write(tmp_path / "t.md", text)).documents[0]
    assert {s.name: s.role for s in doc.speakers}["Dana"] == SpeakerRole.interviewer
    assert doc.metadata["speaker_roles"] == "front_matter"


def test_roles_guessed_from_a_weak_signal_are_marked_uncertain(tmp_path):
    text = (
        "Sam: We looked at three tools last year. None of them fit. Any ideas?\n"
        "Dana: We did the same. Spreadsheets won in the end. Did you try Quoteflow?\n"
        "Sam: We did, it was too expensive for us.\n"
        "Dana: Same here, the price put us off.\n"
    )
    loaded = load(write(tmp_path / "t.txt", text))
    doc = loaded.documents[0]
    assert doc.metadata["speaker_roles"] == "uncertain"
    assert any("speaker roles uncertain" in w for w in loaded.warnings)


def test_clear_interviews_are_not_marked_uncertain(tmp_path):
    text = "".join(f"Sam: {q}\nDana: {a}\n" for q, a in zip(QUESTIONS, ANSWERS, strict=True))
    loaded = load(write(tmp_path / "t.txt", text))
    assert loaded.documents[0].metadata["speaker_roles"] == "questions" and not loaded.warnings


def test_prose_call_notes_stay_notes_and_a_speakerless_recording_says_so(tmp_path):
    prose = (
        "Spoke with the owner for half an hour. They quote everything in Excel.\n\n"
        "Pricing was the main concern; they pay about ninety dollars a month today.\n"
    )
    assert load(write(tmp_path / "call-notes.txt", prose)).documents[0].kind == SourceKind.notes
    loaded = load(write(tmp_path / "zoom-recording.txt", prose))
    assert loaded.documents[0].kind == SourceKind.transcript
    assert loaded.documents[0].metadata["speaker_roles"] == "none"
    assert any("speakerless transcript" in w for w in loaded.warnings)
