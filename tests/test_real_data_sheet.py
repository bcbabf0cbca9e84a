"""The real-data judging sheet (evals/real_data.py) samples what a survey-only draft shows:
answer themes with their question, respondents and example answers, and the fit question by
column; the blind copy carries nothing about the run."""

from __future__ import annotations

import importlib.util
import json

from conftest import REPO

spec = importlib.util.spec_from_file_location("real_data", REPO / "evals" / "real_data.py")
real_data = importlib.util.module_from_spec(spec)
spec.loader.exec_module(real_data)

QUESTION = "If you could change one thing about Binder, what would it be?"
REF = {"doc_id": "d1", "source": "survey.csv", "quote": "Faster startup", "start": 0, "end": 14}
DRAFT = {
    "unit": "participants",
    "segments": [],
    "pmf_overall": {"very_disappointed_pct": None, "very": 0, "n": 0},
    "survey_themes": [
        {
            "question": QUESTION,
            "answers": 238,
            "themes": [
                {
                    "label": "Faster startup",
                    "accounts": 12,
                    "unit": "participants",
                    "evidence": [REF] * 4,
                }
            ],
        }
    ],
    "survey_cuts": [
        {
            "column": "What do you (mainly) use mybinder.org for?",
            "metric": "recommend",
            "respondents": None,
            "values": [
                {
                    "value": "Teaching",
                    "responses": 71,
                    "recommend_yes_pct": 91.5,
                    "recommend_n": 71,
                },
                {"value": "Demos", "responses": 41, "recommend_yes_pct": 82.9, "recommend_n": 41},
            ],
        }
    ],
}


def test_a_survey_only_draft_gives_items_to_judge():
    items = real_data._items(DRAFT)
    assert [i["section"] for i in items] == ["survey_themes", "survey_cuts"]
    theme, cut = items
    assert theme["question"] == QUESTION and theme["label"] == "Faster startup"
    assert theme["count"] == "12 of 238 respondents who answered (5%)"
    assert cut["label"] == "By answer to “What do you (mainly) use mybinder.org for?”"
    assert cut["rows"][0] == {
        "group": "Teaching",
        "responses": 71,
        "would recommend": "91.5% of 71",
    }
    industry = {
        "column": "industry",
        "metric": "responses",
        "values": [{"value": "software_saas", "responses": 9}, {"value": "other", "responses": 5}],
    }
    rows = real_data._items(DRAFT | {"survey_cuts": [industry]})[-1]["rows"]
    assert [r["group"] for r in rows] == ["Software, SaaS & IT", "Other"]  # as the document shows


def test_the_blind_copy_says_nothing_about_the_run():
    sheet = [real_data._sheet_item(n, i, {}) for n, i in enumerate(real_data._items(DRAFT), 1)]
    assert len(sheet[0]["quotes"]) == 4 and "context" not in sheet[0]["quotes"][0]
    assert sheet[0]["label_specific_and_faithful"] is None and sheet[0]["count_plausible"] is None
    blind = real_data.blind_copy(sheet)
    text = json.dumps(blind)
    assert "section" not in text and "survey_themes" not in text
    assert {i["item"] for i in blind} == {1, 2}
    rubric = real_data.rubric()
    assert "survey theme" in rubric and "count_plausible" in rubric and "Results" not in rubric
