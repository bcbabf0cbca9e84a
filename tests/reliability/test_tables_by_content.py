"""Issue #14: survey columns read from their values, not only their headers; yes/maybe/no
recommend as a metric; dedupe only by who answered; ragged rows kept and reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import load, write

from agent.schema import SourceKind

MYBINDER = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "realdata"
    / "mybinder-2020"
    / "mybinder.org-user-survey-feb-2020.csv"
)

SHORT_HEADERS = (
    "resp_id,submitted,email,co,role,size,industry,pmf_q,nps,q7_open,biggest_gap\n"
    "r-101,2026-03-01 09:00,ana@harbor.io,Harbor Analytics,Support lead,51-200,Computer Software,Very disappointed,9,We finally score every ticket,Reporting to the board\n"
    "r-102,2026-03-01 10:00,bo@kinetic.com,Kinetic CX,Owner,11-50,Marketing and Advertising,somewhat disappointed,6,Less manual review,Price for small teams\n"
    "r-103,2026-03-02 11:00,cy@clinic.org,Sagebrush Clinics,Director,51-200,Hospital & Health Care,NOT DISAPPOINTED,3,Not much,Nothing in particular\n"
    "r-104,2026-03-03 12:00,dee@paycrest.com,Paycrest,Analyst,201-500,Financial Services,Very Disappointed,10,Coaching is faster now,More integrations\n"
)


def test_short_machine_headers_load_with_pmf_and_say_what_each_column_was_read_as(tmp_path):
    loaded = load(write(tmp_path / "export.csv", SHORT_HEADERS))
    docs = loaded.documents
    assert len(docs) == 4 and {d.kind for d in docs} == {SourceKind.survey}
    answers = {d.survey.respondent: d.survey for d in docs}
    assert [
        answers[e].pmf_answer for e in ("ana@harbor.io", "bo@kinetic.com", "cy@clinic.org")
    ] == [
        "very",
        "somewhat",
        "not",
    ]
    assert answers["dee@paycrest.com"].nps == 10
    assert answers["ana@harbor.io"].company == "Harbor Analytics"
    assert answers["ana@harbor.io"].size_band == "51-200"
    assert answers["ana@harbor.io"].industry == "software_saas"
    assert answers["bo@kinetic.com"].answers["biggest_gap"] == "Price for small teams"
    read = loaded.columns
    assert read["pmf_q"].startswith("PMF") and read["nps"].startswith("NPS")
    assert read["resp_id"].startswith("respondent id") and read["co"].startswith("company")
    assert read["q7_open"].startswith("free text") and read["email"].startswith("e-mail")
    assert not any("product-market-fit" in w for w in loaded.warnings)


def test_opaque_headers_pmf_and_nps_from_values_alone(tmp_path):
    text = (
        "id,q1,q2,q3,q4\n"
        "1,Very disappointed,9,Weekly,Saves my team hours every week\n"
        "2,Somewhat disappointed,7,Daily,Scores are consistent across leads\n"
        "3,Not disappointed,2,Monthly,I barely use it any more\n"
        "4,Very disappointed,10,Daily,Coaching happens on real tickets\n"
        "5,N/A - I no longer use it,5,Monthly,We churned last quarter\n"
    )
    loaded = load(write(tmp_path / "q.csv", text))
    surveys = [d.survey for d in loaded.documents]
    assert [s.pmf_answer for s in surveys] == ["very", "somewhat", "not", "very", "na"]
    assert [s.nps for s in surveys] == [9, 7, 2, 10, 5]
    assert loaded.columns["q1"] == "PMF (Sean Ellis) (from values)"
    assert loaded.columns["q2"] == "NPS (0-10) (from values)"


def test_crm_export_with_a_0_to_10_column_stays_a_crm_export(tmp_path):
    records = [
        {
            "name": f"Account {i}",
            "industry": "Machinery",
            "employees": 50 + i,
            "stage": "won",
            "branches": i,
        }
        for i in range(11)
    ]
    loaded = load(write(tmp_path / "accounts.json", json.dumps(records)))
    assert {d.kind for d in loaded.documents} == {SourceKind.crm}


def test_yes_no_column_is_never_pmf_and_yes_maybe_no_about_something_else_is_no_metric(tmp_path):
    text = (
        "Do you use it at work?,What would you change?\n"
        "Yes,Faster start-up\nNo,More memory\nMaybe,Persistent storage\nYes,Better docs for teachers\n"
    )
    loaded = load(write(tmp_path / "q.csv", text))
    assert all(d.survey.pmf_answer is None and d.survey.recommend is None for d in loaded.documents)


def test_yes_maybe_no_recommend_is_a_metric(tmp_path):
    text = (
        "Timestamp,Would you recommend it to a friend?,If you could change one thing what would it be?\n"
        "2020/01/29 3:02:25 pm CET,Yes,Reliability of launches\n"
        "2020/01/29 3:40:37 pm CET,maybe,Start-up time for big images\n"
        "2020/01/29 3:52:38 pm CET,No,Automated save of my work\n"
        "2020/01/29 3:55:12 pm CET,YES,More transparent usage limits\n"
    )
    loaded = load(write(tmp_path / "binder.csv", text))
    assert [d.survey.recommend for d in loaded.documents] == ["yes", "maybe", "no", "yes"]
    assert loaded.columns["Would you recommend it to a friend?"].startswith("would recommend")
    assert loaded.documents[0].metadata["recommend_column"] == "Would you recommend it to a friend?"


def test_different_people_with_identical_answers_are_kept(tmp_path):
    text = (
        "Timestamp,Would you recommend mybinder.org to a friend?,If you could change one thing about Binder?,What do you use it for?\n"
        "2020/01/30 10:36:20 am CET,Yes,Loading time,Demos and talks\n"
        "2020/02/26 8:18:46 pm CET,Yes,loading time,Demos and talks\n"
        "2020/02/27 8:18:46 pm CET,Yes,loading time,Demos and talks\n"
        # a double submission: the very same row minutes apart counts once
        "2020/02/07 9:47:35 am CET,Yes,Persistent storage for classes,University teaching\n"
        "2020/02/07 9:51:35 am CET,Yes,Persistent storage for classes,University teaching\n"
    )
    loaded = load(write(tmp_path / "binder.csv", text))
    assert loaded.duplicate_rows == 1 and len(loaded.documents) == 4
    change = "If you could change one thing about Binder?"
    said = [d.survey.answers.get(change) or d.survey.segments.get(change) for d in loaded.documents]
    assert said.count("Loading time") + said.count("loading time") == 3


def test_dedupe_by_respondent_id_latest_wins(tmp_path):
    text = (
        "Response ID,Submitted At,How would you feel if you could no longer use Relaypoint?,What is the main benefit?\n"
        "R1,2026-03-01 09:00,Somewhat disappointed,Faster reviews\n"
        "R2,2026-03-01 09:00,Somewhat disappointed,Faster reviews\n"
        "R1,2026-03-05 09:00,Very disappointed,Faster reviews and coaching\n"
    )
    loaded = load(write(tmp_path / "s.csv", text))
    by_id = {d.survey.respondent: d.survey for d in loaded.documents}
    assert loaded.duplicate_rows == 1
    assert by_id == {"R1": by_id["R1"], "R2": by_id["R2"]} and by_id["R1"].pmf_answer == "very"


def test_ragged_rows_are_kept_and_reported(tmp_path, icp):
    text = (
        "Submitted At,Email,How would you feel if you could no longer use Relaypoint?,What is the main benefit?\n"
        "2026-03-01 09:00,ana@harbor.io,Very disappointed,Scores, coaching and reports\n"  # unquoted comma
        "2026-03-01 10:00,bo@kinetic.com,Somewhat disappointed\n"  # the last cell missing
        "2026-03-02 11:00,cy@clinic.org,Not disappointed,Not much\n"
    )
    path = write(tmp_path / "ragged.csv", text)
    loaded = load(path)
    by_email = {d.survey.respondent: d for d in loaded.documents}
    assert set(by_email) == {"ana@harbor.io", "bo@kinetic.com", "cy@clinic.org"}
    assert "coaching and reports" in by_email["ana@harbor.io"].text
    assert by_email["bo@kinetic.com"].survey.pmf_answer == "somewhat"
    assert any("more cells than the header" in w and "line(s) 2" in w for w in loaded.warnings)
    assert any("fewer cells than the header" in w and "line(s) 3" in w for w in loaded.warnings)
    code, out, _ = icp("ingest", str(path), "--workspace", tmp_path / "ws", "--json")
    result = json.loads(out)["files"][0]
    assert code == 0 and result["documents"] == 3
    assert any("more cells" in w for w in result["warnings"])


def test_ingest_summary_and_json_say_what_each_column_was_read_as(tmp_path, icp):
    path = write(tmp_path / "export.csv", SHORT_HEADERS)
    code, out, _ = icp("ingest", str(path), "--workspace", tmp_path / "ws", "--json")
    assert code == 0
    assert json.loads(out)["files"][0]["columns"]["pmf_q"] == "PMF (Sean Ellis) (from header)"
    code, out, _ = icp(
        "ingest",
        str(write(tmp_path / "b.csv", SHORT_HEADERS.replace("r-1", "x-1"))),
        "--workspace",
        tmp_path / "ws2",
    )
    assert "columns read as" in out and "pmf_q → PMF (Sean Ellis)" in out


@pytest.mark.skipif(not MYBINDER.exists(), reason="test data not present")
def test_real_mybinder_survey_recommend_counts_and_no_false_duplicates():
    loaded = load(MYBINDER)
    assert loaded.rows == 346
    surveys = [d.survey for d in loaded.documents]
    counts = {a: sum(1 for s in surveys if s.recommend == a) for a in ("yes", "maybe", "no")}
    assert counts["yes"] > 250 and counts["maybe"] > 10 and counts["no"] > 0
    # only sessions that answered nothing (5) and double clicks seconds apart (3) are dropped
    assert loaded.empty_rows == 5 and loaded.duplicate_rows == 3
    assert len(loaded.documents) == 338
    # 30 Jan "Loading time" and 26 Feb "loading time" are two people
    change = "If you could change one thing about Binder, what would it be?"
    assert [
        s.answers.get(change)
        for s in surveys
        if s.answers.get(change, "").lower() == "loading time"
    ] == [
        "Loading time",
        "Loading time",
        "loading time",
    ]
