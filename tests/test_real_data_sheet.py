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


def test_qa_protocol_asks_as_a_user_and_the_judge_sees_no_reference(tmp_path, monkeypatch):
    """`evals/real_data_qa.py ask` answers the questions with the CLI over a fresh workspace;
    the blind sheet carries the question, the answer and its citations, never the reference;
    `tally` counts relevant citations, refusals and the count against the reference."""
    import sys

    monkeypatch.syspath_prepend(str(REPO / "evals"))
    qa_spec = importlib.util.spec_from_file_location(
        "real_data_qa", REPO / "evals" / "real_data_qa.py"
    )
    real_data_qa = importlib.util.module_from_spec(qa_spec)
    qa_spec.loader.exec_module(real_data_qa)
    monkeypatch.setattr(real_data_qa, "REPORTS", tmp_path / "reports")
    research = tmp_path / "research"
    research.mkdir()
    (research / "Interview 1.txt").write_text(
        "Interviewer: What problems do you have with your data?\n"
        "Participant: Missing values in the sensor data break our training runs every week.\n"
        "Interviewer: How do you find out?\n"
        "Participant: We only notice when the model accuracy drops in the dashboard.\n",
        encoding="utf-8",
    )
    (research / "Interview 2.txt").write_text(
        "Interviewer: Tell me about data quality.\n"
        "Participant: Labels are often wrong because the annotators disagree on edge cases.\n"
        "Participant: Missing data from the field devices is the other big problem for us.\n",
        encoding="utf-8",
    )
    questions = {
        "questions": [
            {
                "id": "q1",
                "question": "What data quality problems do interviewees mention?",
                "answerable": True,
                "files": ["Interview 1.txt", "Interview 2.txt"],
                "gist": "SECRET-GIST missing values, wrong labels",
                "count": None,
                "count_files": None,
            },
            {
                "id": "q2",
                "question": "How many interviewees mention missing data?",
                "answerable": True,
                "files": ["Interview 1.txt", "Interview 2.txt"],
                "gist": "both",
                "count": 2,
                "count_files": ["Interview 1.txt", "Interview 2.txt"],
            },
            {
                "id": "q3",
                "question": "What does the Snowflake enterprise licence cost per seat?",
                "answerable": False,
                "files": [],
                "gist": "not discussed",
                "count": None,
                "count_files": None,
            },
        ]
    }
    (tmp_path / "questions.json").write_text(json.dumps(questions), encoding="utf-8")
    blind = tmp_path / "blind"
    code = real_data_qa.main(
        [
            "ask",
            str(research),
            "--name",
            "tiny",
            "--questions",
            str(tmp_path / "questions.json"),
            "--blind-dir",
            str(blind),
        ]
    )
    assert code == 0
    sheet = json.loads((blind / "sheet.json").read_text(encoding="utf-8"))
    assert [q["question"] for q in sheet] == [q["question"] for q in questions["questions"]]
    assert "SECRET-GIST" not in json.dumps(sheet) and "count_files" not in json.dumps(sheet)
    assert sheet[0]["answered"] and sheet[0]["citations"]
    assert all("»" in c["context"] for c in sheet[0]["citations"])
    assert not sheet[2]["answered"]  # nothing about licences in the research
    for question in sheet:  # a judge who finds every citation relevant but the last
        for citation in question["citations"]:
            citation["verdict"] = "relevant"
    sheet[0]["citations"][-1]["verdict"] = "not relevant"
    (tmp_path / "judged.json").write_text(json.dumps(sheet), encoding="utf-8")
    answers = next((tmp_path / "reports").glob("real-tiny-qa-*/answers.json"))
    assert (
        real_data_qa.main(["tally", str(answers), "--verdicts", str(tmp_path / "judged.json")]) == 0
    )
    report = (answers.parent / "report.md").read_text(encoding="utf-8")
    cited = sum(len(q["citations"]) for q in sheet if q["answered"])
    assert f"Citations judged relevant: {cited - 1} of {cited}" in report
    assert "Unanswerable questions refused: 1 of 1" in report
    assert "Count question 2: answered 2, reference 2" in report
    assert sys.modules.get("real_data") is not None
