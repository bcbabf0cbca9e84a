"""Multi-turn Q&A: follow-ups resolve against the last question only, a self-contained question
carries nothing over, and paste drafts and survey tables answer what the document shows."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from agent.config import load_settings
from agent.qa.answer import answer_question
from agent.qa.followups import resolve, subject_of
from agent.schema.icp import PMF, SurveyCut, SurveyCutValue
from agent.store import Workspace


def script(turns: list[str]) -> list[str]:
    """Resolve a conversation turn by turn, as `icp chat` and the web chat do."""
    previous = None
    resolved = []
    for turn in turns:
        previous = resolve(turn, previous).resolved
        resolved.append(previous)
    return resolved


def test_a_self_contained_question_carries_nothing_over():
    _first, second = script(
        ["Which segment has the highest PMF share?", "why did churned customers leave?"]
    )
    assert second == "why did churned customers leave?"
    assert "pmf" not in second.lower()


def test_ellipsis_replaces_the_subject_topic_or_superlative():
    assert script(["Why do trial teams stall after the first month?", "what about enterprise?"])[
        1
    ] == ("Why do enterprise stall after the first month?")
    assert script(["How many accounts mention lead times?", "what about pricing?"])[1] == (
        "How many accounts mention pricing?"
    )
    assert script(["Which segment has the highest PMF share?", "and the lowest?"])[1] == (
        "Which segment has the lowest PMF share?"
    )


def test_pronouns_resolve_to_the_previous_subject_only():
    turns = script(
        [
            "What stops regional hospital systems from buying today?",
            "what do they use instead?",
            "Why did Marlow & Finch go with a competitor?",
            "what did they pay?",
        ]
    )
    assert turns[1] == "what do regional hospital systems use instead?"
    assert turns[3] == "what did Marlow & Finch pay?"
    assert "hospital" not in turns[3]


def test_subjects_are_read_from_common_question_shapes():
    assert subject_of("Why do very early startups decline Tidemark?") == "very early startups"
    assert subject_of("How many core-segment accounts complain about noisy alerts?") == (
        "core-segment accounts"
    )
    assert subject_of("Which segment has the highest PMF share?") is None
    # a negated auxiliary, an adverb before the verb, and a verb of what people do
    assert subject_of("Why don't small owner-operators buy or stay?") == "small owner-operators"
    assert subject_of("How many technicians in the shop-floor study still work from paper?") == (
        "technicians in the shop-floor study"
    )
    assert subject_of("How many participants in the floor-staff study count deliveries?") == (
        "participants in the floor-staff study"
    )


@pytest.fixture
def workspace(sample_workspace, embedder):
    ws = Workspace(sample_workspace, embedder.name)
    yield ws
    ws.close()


def test_a_pmf_question_does_not_contaminate_the_next_one(workspace, sample_workspace, embedder):
    settings = load_settings(flags={"workspace": sample_workspace}, environ={})
    history: list[tuple[str, str]] = []
    answers = []
    for question in [
        "Which segment has the highest PMF share?",
        "why did churned customers leave?",
    ]:
        answer = answer_question(question, workspace, settings, embedder, history=history)
        history.append((question, answer.resolved_question))
        answers.append(answer)
    assert answers[0].mode == "aggregate" and answers[0].answered
    churn = answers[1]
    assert churn.resolved_question == "why did churned customers leave?"
    assert churn.answered and "pmf" not in churn.text.lower() and churn.citations
    assert any("churn" in c.source for c in churn.citations[:5])


def test_open_answers_group_with_counts_and_cite_each_sentence(
    workspace, sample_workspace, embedder
):
    settings = load_settings(flags={"workspace": sample_workspace}, environ={})
    answer = answer_question(
        "Why did customers start looking for a quoting tool?", workspace, settings, embedder
    )
    assert answer.answered and answer.unit == "accounts"
    sentences = re.split(r"(?<=\])\.\s+", answer.text.strip())
    assert len(sentences) >= 3  # the breadth of what was said, not its loudest sentence
    for sentence in sentences:  # "Three of 12 accounts …" or "One account (Keystone) …"
        assert re.match(r"(?:One account \([^)]+\)|[A-Z][a-z]+ of \d+ accounts) ", sentence)
    for citation in answer.citations:
        assert f"[{citation.number}]" in answer.text
        doc = workspace.catalog.document(citation.doc_id)
        assert doc.text[citation.start : citation.end] == citation.quote


def test_paste_draft_counts_without_a_saved_version(tmp_path, embedder):
    """A pasted transcript with no company name: counted in participants, from the draft that
    was just extracted (no `icp extract`, no saved version)."""
    from agent.ingest.batch import ingest_paths
    from agent.synthesize.runs import synthesize_workspace

    text = (
        "Interviewer: What slows your quotes down?\n\n"
        "Dana: Lead times. I call three suppliers for lead times on every quote and it takes "
        "me an hour a day.\n\n"
        "Interviewer: Anything else?\n\n"
        "Dana: When lead times are wrong the customer finds out before we do.\n"
    )
    folder = tmp_path / "paste"
    settings = load_settings(flags={"workspace": folder}, environ={})
    ws = Workspace(folder, embedder.name)
    try:
        ingest_paths([], ws, embedder, settings, stdin_text=text)
        draft, _, _ = synthesize_workspace(ws, settings, embedder, save=False)
        answer = answer_question(
            "how many accounts mention lead times?", ws, settings, embedder, draft=draft
        )
    finally:
        ws.close()
    assert answer.answered and answer.count == 1, answer.text
    assert "extract" not in answer.text


def test_survey_questions_read_the_survey_tables():
    from agent.qa.survey_tables import survey_answer

    draft = SimpleNamespace(
        survey_cuts=[
            SurveyCut(
                column="Would you recommend Quoteflow to a colleague?",
                metric="responses",
                values=[
                    SurveyCutValue(value="Yes", responses=41),
                    SurveyCutValue(value="No", responses=18),
                ],
            )
        ],
        pmf_overall=PMF(very_disappointed_pct=40.0, very=24, n=60),
        segments=[],
    )
    answer = survey_answer("how many would not recommend?", draft)
    assert answer is not None and answer.answered and answer.count == 18
    assert "18 of 59" in answer.text
    pmf = survey_answer("what share of respondents would be very disappointed?", draft)
    assert pmf is not None and pmf.count == 24 and "24 of 60" in pmf.text
