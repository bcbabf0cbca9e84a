"""The countable facts of two research exports written apart from the code, from their answer
keys (`evals/exports/*/ANSWER_KEY.md`): which organisations there are, which documents are deal
notes, the thin group, the survey's PMF per group. Each was wrong on the first run."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import load_settings
from agent.ingest.batch import ingest_paths
from agent.ingest.normalize import company_key
from agent.schema import SourceKind
from agent.schema.icp import ICPDraft
from agent.store import Workspace
from agent.synthesize.runs import synthesize_workspace

EXPORTS = Path(__file__).resolve().parents[1] / "evals" / "exports"


def _run(name: str, folder: Path, embedder) -> tuple[ICPDraft, list]:
    settings = load_settings(flags={"workspace": str(folder)}, environ={})
    workspace = Workspace(folder, embedder.name)
    try:
        ingest_paths([str(EXPORTS / name / "sources")], workspace, embedder, settings)
        draft, _, _ = synthesize_workspace(workspace, settings, embedder)
        return draft, workspace.catalog.documents()
    finally:
        workspace.close()


def _accounts(draft: ICPDraft) -> set[str]:
    return {company_key(a) for s in draft.segments for a in s.accounts}


def _pmf(draft: ICPDraft, column: str) -> dict[str, tuple[float | None, int | None]]:
    cut = next(c for c in draft.survey_cuts if c.column == column and c.metric == "pmf")
    return {v.value: (v.very_disappointed_pct, v.n) for v in cut.values}


@pytest.fixture(scope="module")
def greywater(tmp_path_factory, embedder):
    return _run("greywater", tmp_path_factory.mktemp("greywater"), embedder)


@pytest.fixture(scope="module")
def kilnworks(tmp_path_factory, embedder):
    return _run("kilnworks", tmp_path_factory.mktemp("kilnworks"), embedder)


def test_greywater_accounts_thin_group_and_survey_groups(greywater):
    draft, documents = greywater
    assert _accounts(draft) == {
        company_key(name)
        for name in (
            "Harlow Valley Water District",
            "Port Ashby Municipal Utilities",
            "City of Okemah Springs",
            "City of Brantford Falls",
            "Delmont County Sewer Authority",
            "Cascade Ridge Water Company",
            "Summit Pines Utilities Inc.",
            "Bellwether Water Co.",
            "ClearStream Operations LLC",
            "Fenwick & Daughters Utility Services",
        )
    }
    thin = [set(s.accounts) for s in draft.segments if s.hypothesis]
    assert {"ClearStream Operations LLC", "Fenwick & Daughters Utility Services"} in thin
    # the investor-owned utilities (segment B of the answer key) are one segment of their own:
    # the two special districts of segment A, filed under "Water/Wastewater" in the CRM like
    # them, are never with them (since stop 29 they are a hypothesis of two, apart from the
    # three municipal accounts of A, which the CRM files under government)
    segments = [set(s.accounts) for s in draft.segments]
    assert {
        "Bellwether Water Co.",
        "Cascade Ridge Water Company",
        "Summit Pines Utilities Inc.",
    } in (segments)
    assert all(len(s) <= 3 for s in thin)
    assert (draft.pmf_overall.very, draft.pmf_overall.n) == (29, 55)
    by_group = _pmf(draft, "industry")
    assert by_group["Private/IOU"] == (pytest.approx(35.3, abs=0.1), 17)
    assert by_group["Special district"] == (pytest.approx(60.0, abs=0.1), 10)
    assert by_group["government_public"] == (pytest.approx(66.7, abs=0.1), 21)
    # the captions' "[Karen]" / "[Interviewer]" tags are speakers, never quoted
    srt = next(d for d in documents if d.source.endswith(".srt"))
    assert {s.name: s.role.value for s in srt.speakers} == {
        "Interviewer": "interviewer",
        "Karen": "customer",
    }
    # a note header's "**Format:** … ~70 min. Not recorded …" is no finding
    shown = [c.label for s in draft.segments for c in s.pains + s.jobs + s.triggers]
    assert not any("70 min" in label for label in shown)


def test_kilnworks_deal_notes_highlights_and_survey_groups(kilnworks):
    draft, documents = kilnworks
    assert len(_accounts(draft)) == 10 and not any(
        "(" in a for s in draft.segments for a in s.accounts
    )
    deals = {d.account: (d.deal.outcome, d.deal.competitor) for d in documents if d.deal}
    assert deals == {
        "Riverside Bread Company": ("won", "BatchLogic"),
        "Night Owl Kitchens": ("lost", "MiseOS"),
        "Pepper Hollow Foods": ("lost", None),
    }
    highlights = [d for d in documents if d.source.endswith("highlights.csv")]
    assert len(highlights) == 6 and all(d.kind == SourceKind.notes for d in highlights)
    assert sum(1 for d in documents if d.kind == SourceKind.survey) == 49
    assert (draft.pmf_overall.very, draft.pmf_overall.n) == (22, 46)
    by_group = _pmf(draft, "What type of operation do you run?")
    assert by_group["Commercial bakery"] == (pytest.approx(59.1, abs=0.1), 22)
    assert by_group["Meal kit / ghost kitchen / commissary"] == (pytest.approx(20.0, abs=0.1), 5)
