"""Survey-only research produces findings (issue #13, item 5): themes over free-text answers
counted in respondents ('launch speed: 8 of 17 answers') and the fit question (PMF, NPS or
would-recommend) by segment column."""

from __future__ import annotations

import csv
import io

from helpers import load, write
from synthetic_research import inputs

from agent.schema import SurveyResponse
from agent.synthesize.pipeline import synthesize
from agent.synthesize.survey import survey_cuts

CHANGE = "If you could change one thing about Widgetly, what would it be?"
USE = "What do you mainly use Widgetly for?"
RECOMMEND = "Would you recommend Widgetly to a friend?"
ANSWERS = [
    ("Faster launch times", "Teaching", "Yes"),
    ("Launch takes too long", "Teaching", "Yes"),
    ("Launching is too slow", "Teaching", "Maybe"),
    ("Make launching faster", "Teaching", "Yes"),
    ("Launch speed", "Demos", "Yes"),
    ("The launch is so slow", "Demos", "No"),
    ("Quicker launches please", "Demos", "Yes"),
    ("Faster launching", "Research", "Maybe"),
    ("Save my work", "Research", "Yes"),
    ("A way to save my work", "Research", "Yes"),
    ("Let me save my work", "Teaching", "Maybe"),
    ("Saving my work", "Demos", "Yes"),
    ("More memory", "Research", "No"),
    ("Custom domains", "Teaching", "Yes"),
    ("Dark mode", "Demos", "Yes"),
    ("", "Teaching", "Yes"),
    ("", "Demos", "No"),
    ("", "Research", "Yes"),
]


def survey_file(folder):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Timestamp", RECOMMEND, CHANGE, USE])
    for index, (change, use, recommend) in enumerate(ANSWERS):
        writer.writerow([f"2020-01-{index + 1:02d} 10:00", recommend, change, use])
    return write(folder / "widgetly-survey.csv", buffer.getvalue())


def test_survey_only_research_gives_answer_themes_with_counts(tmp_path, embedder):
    docs = load(survey_file(tmp_path)).documents
    assert len(docs) == len(ANSWERS)
    draft = synthesize(inputs(docs, [], embedder), embedder.embed)
    assert draft.unit == "participants" and draft.corpus.respondents == len(ANSWERS)
    assert any("survey respondent" in warning for warning in draft.warnings)
    change = next(q for q in draft.survey_themes if q.question == CHANGE)
    assert change.answers == 15  # three left it blank
    top = change.themes[0]
    assert top.unit == "participants" and top.accounts >= 6
    assert all("aunch" in ref.quote for ref in top.evidence)
    assert all(ref.account is None for ref in top.evidence)  # a respondent is no account
    save = next(t for t in change.themes if "sav" in t.evidence[0].quote.lower())
    assert 3 <= save.accounts <= 4
    for question in draft.survey_themes:
        for theme in question.themes:
            for ref in theme.evidence:
                doc = next(d for d in docs if d.doc_id == ref.doc_id)
                assert doc.text[ref.start : ref.end] == ref.quote


def test_would_recommend_by_segment_column(tmp_path):
    docs = load(survey_file(tmp_path)).documents
    cuts = survey_cuts([d.survey for d in docs if d.survey is not None])
    use = next(c for c in cuts if c.column == USE)
    assert use.metric == "recommend"
    rows = {v.value: v for v in use.values}
    # Teaching: Yes, Yes, Maybe, Yes, Maybe, Yes, Yes -> 5 of 7
    assert (rows["Teaching"].recommend_n, rows["Teaching"].recommend_yes_pct) == (7, 71.4)
    assert not any(c.column == RECOMMEND for c in cuts)  # the compared question is no segment


def test_nps_by_segment_column_when_the_survey_asks_nps():
    responses = [
        SurveyResponse(nps=score, segments={"Plan": plan})
        for plan, scores in (("Team", [10, 9, 9, 8, 3]), ("Solo", [6, 5, 9, 2, 7]))
        for score in scores
    ]
    cut = next(c for c in survey_cuts(responses) if c.column == "Plan")
    assert cut.metric == "nps"
    rows = {v.value: v for v in cut.values}
    assert (rows["Team"].nps, rows["Team"].nps_n) == (40.0, 5)  # 3 promoters, 1 detractor
    assert rows["Solo"].nps == -40.0 and rows["Team"].very_disappointed_pct is None


def test_a_free_text_question_that_is_a_choice_with_other_is_a_segment_column():
    options = ["Teaching"] * 6 + ["Demos"] * 5 + ["my own diet log", "just trying it"]
    answers = [
        "Yes",
        "Yes",
        "Yes",
        "No",
        "Yes",
        "Maybe",
        "No",
        "No",
        "Yes",
        "No",
        "Yes",
        "Yes",
        "No",
    ]
    responses = [
        SurveyResponse(answers={USE: option}, segments={RECOMMEND: answer})
        for option, answer in zip(options, answers, strict=True)
    ]
    cut = next(c for c in survey_cuts(responses) if c.column == USE)
    rows = {v.value: v for v in cut.values}
    assert cut.metric == "recommend" and set(rows) == {"Teaching", "Demos"}  # 'other' has 2 < 5
    assert (rows["Teaching"].recommend_yes_pct, rows["Demos"].recommend_yes_pct) == (66.7, 40.0)


def test_the_survey_section_reads_in_respondents_and_names_the_question(tmp_path, embedder):
    from agent.render.markdown import to_markdown

    docs = load(survey_file(tmp_path)).documents
    text = to_markdown(synthesize(inputs(docs, [], embedder), embedder.embed))
    assert f"“{CHANGE}” (15 respondents answered)" in text
    assert " of 15 respondents" in text and " of 15 answers" not in text  # a theme counts people
    assert f"### By answer to “{USE}”" in text and "By what do you" not in text
    assert "compare the “would you recommend” answers instead" in text
    assert "No interview or note themes: the survey's answer themes are under" in text
    assert "nothing was said by a customer" not in text
    assert "(s)" not in text and "18 survey respondents" in text


def test_a_select_all_question_counts_each_option_in_respondents():
    from agent.render.outline import question_shown

    words = "Select all the words that best describe Widgetly."
    picks = ["comfortable;intuitive;quick"] * 5 + ["comfortable;quick"] * 4 + ["intuitive"] * 2
    picks += ["comfortable;slow", "quick;intuitive"]
    responses = [SurveyResponse(answers={words: p}, segments={RECOMMEND: "Yes"}) for p in picks]
    cut = next(c for c in survey_cuts(responses) if c.column == words)
    rows = {v.value: v.responses for v in cut.values}
    # every respondent under each option they picked: 10 chose comfortable, not 5 or 4
    assert rows == {"comfortable": 10, "quick": 10, "intuitive": 8}  # 'slow' (1) is other: < 5
    assert cut.respondents == 13  # the rows add up to more: the total is the people
    from agent.schema.icp import ICPDraft

    draft = ICPDraft.model_json_schema()  # the field is part of the contract
    assert "respondents" in draft["$defs"]["SurveyCut"]["properties"]
    assert question_shown("Other - Write In:How do you run it?") == (
        "How do you run it? (“Other - Write In” answers)"
    )
    assert question_shown(words) == words
