"""The quality gate: `icp eval --check` on the gold corpora must meet evals/thresholds.yaml,
gold labels must be consistent, and the real Jupyter survey must give sensible cuts."""

from __future__ import annotations

import json

import pytest
from conftest import JUPYTER_SURVEY, REPO
from helpers import load

from agent.evaluation.check_gold import problems
from agent.evaluation.gold import find_corpora
from agent.evaluation.segments import adjusted_rand_index
from agent.synthesize.survey import survey_cuts


def test_gold_labels_are_consistent_with_the_sources():
    corpora = find_corpora()
    assert {c.name for c in corpora} >= {
        "relaypoint",
        "fieldcrew",
        "closewise",
        "tidemark",
        "larkspur",
        "assayline",
        "wharfside",
        "quillmark",
        "rostermill",
        "sprigline",
        "tallyroom",
        "kilnmark",
        "presswick",
        "stowhaven",
        "hopcrest",
        "pawledger",
        "moorline",
        "benchwell",
        "hookline",
    }
    for corpus in corpora:
        assert problems(corpus) == [], corpus.name
        assert any(s.hypothesis for s in corpus.gold.segments) and any(
            s.negative for s in corpus.gold.segments
        )


def test_adjusted_rand_index():
    assert adjusted_rand_index([1, 1, 2, 2], ["a", "a", "b", "b"]) == 1.0
    assert adjusted_rand_index([1, 1, 1, 2, 2, 2], [1, 2, 1, 2, 1, 2]) < 0.1


@pytest.mark.slow
@pytest.mark.parametrize(
    "dataset",
    [
        "relaypoint",
        "fieldcrew",
        "closewise",
        "tidemark",
        "larkspur",
        "brindle",
        "assayline",
        "wharfside",
        "quillmark",
        "rostermill",
        "sprigline",
        "tallyroom",
        "kilnmark",
        "presswick",
        "stowhaven",
        "hopcrest",
        "pawledger",
        "moorline",
        "benchwell",
        "hookline",
    ],
)
def test_offline_engine_meets_thresholds(icp, tmp_path, dataset):
    report_path = tmp_path / "report.json"
    previous = tmp_path / "previous.json"
    previous.write_text(
        json.dumps({"reports": [{"dataset": dataset, "metrics": {"segment_ari": {"value": 0.1}}}]})
    )
    code, out, err = icp(
        "eval",
        "--dataset",
        dataset,
        "--check",
        "--report",
        report_path,
        "--datasets",
        REPO / "evals" / "datasets",
        "--compare",
        previous,
    )
    assert code == 0, err
    report = json.loads(report_path.read_text())["reports"][0]
    assert report["engine"] == "offline" and report["dataset_version"]
    metrics = report["metrics"]
    assert metrics["quote_grounding"]["value"] == 1.0
    assert metrics["distractor_pain_rate"]["value"] <= 0.12
    assert metrics["displayed_precision"]["value"] is not None
    assert "What the reader sees" not in out  # one corpus: no cross-corpus table
    assert metrics["qa_hit_at_5"]["value"] is not None
    assert "Evidence by kind" in out and "Δ" in out
    ari = metrics["segment_ari"]["value"]
    assert f"+{ari - 0.1:.3f}" in out  # --compare shows what moved


def test_real_jupyter_survey_gives_sensible_segment_cuts():
    responses = [d.survey for d in load(JUPYTER_SURVEY).documents]
    cuts = {cut.column: cut for cut in survey_cuts(responses)}
    assert {"industry", "role family", "How often do you use Jupyter Notebook?"} <= set(cuts)
    roles = {v.value: v.responses for v in cuts["role family"].values}
    assert roles["data scientist / analyst"] > 100 and roles["student"] > 50
    frequency = {
        v.value: v.responses for v in cuts["How often do you use Jupyter Notebook?"].values
    }
    assert frequency["Daily"] > frequency.get("Monthly", 0)
    assert all(cut.metric == "responses" for cut in cuts.values())  # no PMF question in this survey


@pytest.mark.slow
def test_llm_engine_eval_through_the_mock_with_judge(embedder):
    from support.mock_openai import MockOpenAI

    from agent.config import load_settings
    from agent.evaluation.runner import evaluate

    corpus = next(c for c in find_corpora() if c.name == "fieldcrew")
    with MockOpenAI(embedder) as mock:
        mock.queue("429", "hallucinate", "truncated")
        settings = load_settings(flags={"base_url": mock.base_url, "timeout": 10}, environ={})
        report = evaluate(corpus, settings, embedder, judge=True)
    assert report.engine == "openai:gpt-4o-mini" and report.prompt_versions == [
        "extract_evidence@1.4"
    ]
    metrics = report.metrics
    assert metrics["quote_grounding"].value == 1.0
    assert (
        "1 of" in metrics["quote_grounding"].detail
        or "dropped" in metrics["quote_grounding"].detail
    )
    assert (
        metrics["evidence_f1"].value > 0.2
    )  # plumbing: the mock answers with the offline engine per window
    assert metrics["distractor_pain_rate"].value <= 0.1  # not re-measured with context
    assert 1 <= metrics["judge_groundedness"].value <= 5


def test_displayed_precision_does_not_judge_survey_free_text(tmp_path):
    """The gold labels no survey free text (CORPUS_FORMAT.md): an item quoting only survey answers
    is left out of displayed precision and said to be, instead of counted as wrong."""
    from helpers import write

    from agent.evaluation.displayed import Judge, Shown, displayed_precision
    from agent.schema.icp import EvidenceRef

    survey = load(
        write(
            tmp_path / "pmf.csv",
            "How would you feel if you could no longer use it?,What is the main benefit?\n"
            "Very disappointed,Payroll clearing recs are automated now and nobody chases me\n"
            "Somewhat disappointed,Audit prep went from weeks to days for our two entities\n"
            "Very disappointed,Bank recs are matched before I even log in on Monday\n"
            "Not disappointed,Honestly not much yet because the setup is still running\n"
            "Very disappointed,Intercompany balances tie out without Marco's workbook now\n",
        )
    ).documents
    notes = load(write(tmp_path / "notes.md", "## Pains\n- Nobody trusts the rubric.\n")).documents
    by_id = {d.doc_id: d for d in survey + notes}
    judge = Judge(None, None, [], by_id, {}, {}, {})  # type: ignore[arg-type]

    def ref(doc, quote):
        start = doc.text.index(quote)
        return EvidenceRef(
            doc_id=doc.doc_id, source=doc.source, quote=quote, start=start, end=start + len(quote)
        )

    items = [
        Shown(
            "s1",
            "outcomes_said",
            "Automated payroll recs",
            [ref(survey[0], "Payroll clearing recs are automated now and nobody chases me")],
        ),
        Shown("s1", "pains", "Rubric nobody trusts", [ref(notes[0], "Nobody trusts the rubric.")]),
    ]
    metric = displayed_precision(items, judge)["displayed_precision"]
    assert metric.value == 0.0  # one judged item, not on a gold label
    assert "0 of 1 items" in metric.detail
    assert "1 items quoting only survey free text" in metric.detail
