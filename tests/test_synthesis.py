"""The ICP document from the bundled sample: contract fields, grounded quotes, hypotheses,
negative ICP, PMF, scorecard, versions and diff, rendering, scoring prospects."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import SAMPLE
from helpers import write

from agent.schema.icp import ICPDraft
from agent.store import Workspace
from agent.synthesize import versions


def latest(folder: Path, embedder) -> ICPDraft:
    workspace = Workspace(folder, embedder.name)
    try:
        draft = versions.latest(workspace)
        assert draft is not None
        return draft
    finally:
        workspace.close()


def all_refs(draft: ICPDraft):
    data = json.loads(draft.model_dump_json())

    def walk(node):
        if isinstance(node, dict):
            if {"doc_id", "quote", "start", "end"} <= set(node):
                yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return list(walk(data))


def test_contract_fields_and_json_schema(sample_workspace, embedder, icp):
    draft = latest(sample_workspace, embedder)
    assert draft.version == 1 and draft.status == "draft" and draft.engine == "offline"
    assert 2 <= len(draft.segments) <= 5
    assert (draft.revisit_on - draft.created_at.date()).days == 90
    assert draft.corpus.documents["crm"] == 19 and draft.corpus.documents["transcript"] == 9
    ICPDraft.model_validate_json(draft.model_dump_json())
    for segment in draft.segments:
        assert segment.tier in ("core", "adjacent", "selective", "defer")
        assert segment.support.accounts <= len(segment.accounts)
        for pain in segment.pains:
            assert pain.accounts >= 1 and pain.evidence
    code, out, _ = icp("schema")
    schema = json.loads(out)
    assert code == 0 and {
        "segments",
        "negative_icp",
        "scorecard",
        "provenance",
        "revisit_on",
    } <= set(schema["properties"])


def test_every_quote_in_the_draft_is_a_verbatim_source_span(sample_workspace, embedder):
    draft = latest(sample_workspace, embedder)
    workspace = Workspace(sample_workspace, embedder.name)
    try:
        refs = all_refs(draft)
        assert len(refs) > 50
        for ref in refs:
            doc = workspace.catalog.document(ref["doc_id"])
            assert doc is not None and doc.text[ref["start"] : ref["end"]] == ref["quote"]
    finally:
        workspace.close()


def test_core_segment_pmf_and_negative_icp(sample_workspace, embedder):
    draft = latest(sample_workspace, embedder)
    # EXPECTED.md of the sample: 25 of 48 very disappointed after dedupe and dropping blanks/N/A
    assert (draft.pmf_overall.very, draft.pmf_overall.n) == (25, 48)
    core = [s for s in draft.segments if s.tier == "core"]
    assert core and "Brookfield Tooling" in core[0].accounts
    assert core[0].firmographics.industries[0].value == "manufacturing"
    assert core[0].win_rate is not None and core[0].win_rate >= 0.6
    job_shops = next(s for s in draft.segments if "Hollis Fabrication" in s.accounts)
    assert job_shops.tier == "defer"
    assert draft.negative_icp and all(
        t.lift >= 2 and t.lost_or_churned >= 2 for t in draft.negative_icp
    )
    assert draft.disqualifiers and draft.qualification_checklist and draft.validation_plan
    assert draft.ideal_of_ideal is not None and draft.ideal_of_ideal.accounts


def test_thin_segments_are_hypotheses_with_reasons(sample_workspace, embedder):
    draft = latest(sample_workspace, embedder)
    for segment in draft.segments:
        if segment.support.accounts < 3:
            assert segment.hypothesis and "account" in segment.hypothesis_reason
        if segment.hypothesis:
            assert segment.tier != "core"


def test_scorecard_blocks_and_validation(sample_workspace, embedder):
    draft = latest(sample_workspace, embedder)
    blocks = {c.block for c in draft.scorecard.criteria}
    assert blocks == {"firmographic", "technographic", "triggers", "buying_likelihood"}
    assert draft.score_validation and sum(b.accounts for b in draft.score_validation) > 10


def test_markdown_and_html(sample_workspace, icp, tmp_path, monkeypatch):
    code, out, err = icp("synthesize", "-w", sample_workspace, "--no-extract")
    assert code == 0 and "still v1" in err
    # the same inputs read by another release of the engine are a new version, never stale
    from agent.synthesize import pipeline

    same = pipeline._engine_source()
    monkeypatch.setattr(pipeline, "_engine_source", lambda: same + "-next-release")
    inputs = pipeline.SynthesisInputs(
        documents=[], evidence=[], vectors={}, files=0, engine="offline"
    )
    changed = pipeline.fingerprint(inputs)
    monkeypatch.setattr(pipeline, "_engine_source", lambda: same)
    assert pipeline.fingerprint(inputs) != changed
    for heading in (
        "## Summary",
        "## Segments at a glance",
        "## Negative ICP",
        "## Scorecard (100 points)",
        "## Validation plan",
        "## Provenance",
    ):
        assert heading in out
    assert (
        "### FIRE criteria" in out
        and "### Lincoln Murphy's 7 criteria" in out
        and "### Messaging" in out
    )
    assert re.search(r"> “.+” — \*.+ · sources/", out)
    # a contents list of links to the headings (GitHub's anchors), charts kept as tables
    assert "**Contents**" in out and "1. [Segments at a glance](#segments-at-a-glance)" in out
    assert "**Accounts and win rate per segment**" in out
    # words for people, not internal names
    for internal in ("win_loss", "wholesale_distribution", "buying_likelihood", "account(s)"):
        assert internal not in out
    code, _, _ = icp(
        "synthesize", "-w", sample_workspace, "--no-extract", "-o", tmp_path / "icp.html"
    )
    html = (tmp_path / "icp.html").read_text()
    assert (
        code == 0
        and html.startswith("<!doctype html>")
        and "<details>" in html
        and "<script" not in html
    )
    # the same content: contents, the glance table, ideal-of-the-ideal, PMF and three charts
    assert '<nav class="toc"' in html and 'href="#glance"' in html and 'id="glance"' in html
    assert "The ideal of the ideal" in html and "Product-market fit survey" in html
    # charts: accounts and win rate, PMF by segment, and the top themes unless the themes
    # shared across the research are listed there instead (with their quotes)
    shared = "Shared across the research:" in html
    assert html.count("<svg ") == (2 if shared else 3) and "@media print" in html


def test_new_research_makes_v2_and_diff_reports_it(copy_workspace, icp, tmp_path):
    folder = copy_workspace()
    extra = write(
        tmp_path / "new" / "2026-04-01_prairie-gear-works.txt",
        "Sam: What made you look?\nLee: We're a gear manufacturer, about 300 people, and our quotes take four days.\n"
        "Sam: Who signs?\nLee: The owner signs anything over ten thousand.\nSam: What else?\nLee: We lose about five hours a week re-keying quotes into Epicor.\n",
    )
    assert icp("ingest", extra.parent, "-w", folder)[0] == 0
    code, _, err = icp("synthesize", "-w", folder, "-o", tmp_path / "v2.md")
    assert code == 0 and "Saved as v2" in err
    code, out, _ = icp("diff", "v1", "v2", "-w", folder, "--json")
    data = json.loads(out)
    assert code == 0 and data["from_version"] == "v1" and data["to_version"] == "v2"
    assert data["documents"][1] == data["documents"][0] + 1
    code, out, _ = icp("versions", "-w", folder)
    assert "v2" in out


def test_score_prospects(sample_workspace, icp, tmp_path):
    prospects = write(
        tmp_path / "prospects.csv",
        "Company,Industry,Employees,Tech Stack,State,Country,Signals,Contact Title\n"
        "Acme Precision,Machinery,250,Epicor; Salesforce,OH,US,New VP of Sales hired; quoting backlog after ERP migration,VP Sales\n"
        "Tiny Weld Shop,Job shop,6,QuickBooks,TX,US,,Owner\n",
    )
    code, out, _ = icp("score", prospects, "-w", sample_workspace, "--json")
    assert code == 0
    scores = {s["account"]: s for s in json.loads(out)["scores"]}
    assert scores["Acme Precision"]["total"] > scores["Tiny Weld Shop"]["total"]
    assert {item["block"] for item in scores["Acme Precision"]["breakdown"]} == {
        "firmographic",
        "technographic",
        "triggers",
        "buying_likelihood",
    }
    assert scores["Acme Precision"]["band"] in ("A", "B")


def test_paste_mode_single_transcript_is_all_hypothesis(icp):
    transcript = (SAMPLE / "transcripts" / "2026-03-04_revops-interview.txt").read_text()
    code, out, _ = icp("draft", "-", stdin=transcript)
    assert code == 0
    assert "Everything in this draft is a hypothesis" in out
    assert "Brookfield Tooling" in out and "## Segment 1" in out
    # sections with nothing behind them say so in words, not with empty tables
    assert "no deals in this research" in out
    assert "No Sean Ellis answers in this research." in out
    assert "| Value | Responses |" not in out


def test_paste_mode_escapes_html(icp):
    code, out, _ = icp(
        "draft",
        "-",
        "--format",
        "html",
        stdin="Sam: Hi?\nDana: We lose <script>alert(1)</script> six hours a week reconciling quotes by hand.\nSam: Ok?\nDana: It is painful and slow, honestly.\n",
    )
    assert code == 0 and "<script>alert" not in out


def test_the_summary_says_what_to_do_with_its_numbers(sample_workspace, embedder, icp):
    draft = latest(sample_workspace, embedder)
    target = next(line for line in draft.summary if line.startswith("Target first:"))
    core = min(
        (s for s in draft.segments if s.tier == "core"),
        key=lambda s: -(s.win_rate or 0),
    )
    assert core.name in target
    won = core.outcomes.won + core.outcomes.expanded
    assert f"won {won} of {core.outcomes.closed} closed deals" in target
    assert f"(n={core.pmf.n})" in target
    assert any(line.startswith("Avoid:") for line in draft.summary)
    assert any(line.startswith("Validate next:") for line in draft.summary)
    # a pasted transcript has no deals and no survey: who to target first is unknown, said so
    transcript = (SAMPLE / "transcripts" / "2026-03-04_revops-interview.txt").read_text()
    code, out, _ = icp("draft", "-", stdin=transcript)
    assert code == 0
    assert "Target first: unknown — no closed deals and no survey answers" in out


def test_the_same_research_read_from_another_folder_gives_the_same_draft(
    sample_workspace, embedder, tmp_path
):
    """Document and evidence ids hash a file's absolute path; nothing shown may depend on
    them (equally ranked themes, equally weighted tools)."""
    import datetime as dt
    import shutil

    from agent.config import load_settings
    from agent.ingest.batch import ingest_paths
    from agent.synthesize.inputs import inputs_from_workspace
    from agent.synthesize.pipeline import synthesize
    from agent.synthesize.runs import synthesize_workspace

    moved = tmp_path / "elsewhere" / "deeper"
    shutil.copytree(SAMPLE, moved / "sources")
    folder = tmp_path / "ws"
    settings = load_settings(flags={"workspace": folder}, environ={})
    other = Workspace(folder, embedder.name)
    try:
        assert ingest_paths([str(moved / "sources")], other, embedder, settings).ok
        synthesize_workspace(other, settings, embedder)  # extracts, as the sample's did
        drafts = []
        for workspace in (Workspace(sample_workspace, embedder.name), other):
            drafts.append(
                synthesize(
                    inputs_from_workspace(workspace, embedder),
                    embedder.embed,
                    today=dt.date(2026, 12, 6),
                )
            )
            if workspace is not other:
                workspace.close()
    finally:
        other.close()

    def shown(draft: ICPDraft) -> str:
        text = draft.model_dump_json(exclude={"run"})
        text = re.sub(r'"(?:id|doc_id|created_at|fingerprint)":"[^"]*"', "", text)
        return text

    first, second = shown(drafts[0]), shown(drafts[1])
    at = next((i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b), None)
    assert first == second, (first[at - 200 : at + 200], second[at - 200 : at + 200]) if at else ""


def test_the_segment_targeted_first_is_the_one_its_deals_prove_most():
    """Two of two won proves less than eleven of twelve: the first target is ranked by the
    lower bound of its win rate, not by the rate alone."""
    from types import SimpleNamespace

    from agent.schema.icp import PMF, Outcomes
    from agent.synthesize.summary import _first

    def segment(name: str, won: int, lost: int) -> SimpleNamespace:
        outcomes = Outcomes(won=won, lost=lost)
        return SimpleNamespace(
            name=name,
            tier="core",
            hypothesis=False,
            outcomes=outcomes,
            win_rate=outcomes.win_rate,
            pmf=PMF(very=5, n=8, very_disappointed_pct=62.5),
        )

    few, many = segment("Dental groups", 2, 0), segment("Mid-size dental labs", 11, 1)
    assert _first([few, many]) is many
    assert _first([segment("A", 3, 3), segment("B", 1, 1)]).name == "A"


def test_the_summary_never_quotes_one_voice_as_a_segments_pain():
    """A pain one account voices is no segment's pain: the summary says none is shared yet and
    quotes no headline (one account's headline there read "Comes in late")."""
    from types import SimpleNamespace

    from agent.synthesize.summary import _pain_clause

    def segment(accounts: int) -> SimpleNamespace:
        pain = SimpleNamespace(label="Comes in late", accounts=accounts, unit="accounts")
        return SimpleNamespace(pains=[pain], support=SimpleNamespace(accounts=5, participants=0))

    assert _pain_clause(segment(1)) == "no pain is shared by two of its accounts yet"
    assert _pain_clause(segment(3)) == "their top pain is “Comes in late” (3 of 5 accounts)"
