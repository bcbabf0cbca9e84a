"""`icp forget` forgets (issue #14: "after `icp forget`, the text is still in the LLM cache, in
Chroma's write log and in saved versions"): afterwards no file of the workspace holds any of
the forgotten text, except saved versions that were only marked (without --purge)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from helpers import write
from support.mock_openai import MockOpenAI

from agent.store import Workspace
from agent.synthesize import versions

pytestmark = pytest.mark.slow

SECRET = "zorblax"  # only in the source that gets forgotten
KEPT = "quillmark"  # only in the source that stays
FORGOTTEN = (
    "Sam: How do quotes get built today?\n"
    "Dana: I run revenue ops at Brookfield Tooling. Honestly it's a mess.\n"
    "Sam: What does that cost you?\n"
    "Dana: We lose about nine hours a week because the Zorblax quoting sheet breaks on every discount.\n"
    "Sam: What happens then?\n"
    "Dana: The Zorblax export to the ERP fails twice a week and we retype every line by hand.\n"
)
STAYS = (
    "Sam: How do quotes get built today?\n"
    "Lee: I run sales operations at Harbor Freightworks, we live in spreadsheets.\n"
    "Sam: What does that cost you?\n"
    "Lee: We lose about six hours a week because the Quillmark pricing file is always out of date.\n"
    "Sam: Who signs off on a purchase like this?\n"
    "Lee: Our CFO signs anything over twenty thousand dollars after the Quillmark review.\n"
)


def files_containing(root: Path, word: str) -> list[str]:
    needle = word.encode()
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and needle in p.read_bytes().lower()
    )


@pytest.fixture
def research_workspace(icp, tmp_path, embedder, monkeypatch):
    """Two interviews ingested, extracted through the LLM path (so its cache holds answers),
    synthesized as v1 that quotes both."""
    write(tmp_path / "r" / "brookfield.txt", FORGOTTEN)
    write(tmp_path / "r" / "harbor.txt", STAYS)
    root = tmp_path / "ws"
    with MockOpenAI(embedder) as mock:
        monkeypatch.setenv("ICP_BASE_URL", mock.base_url)
        code, _, err = icp("ingest", tmp_path / "r", "-w", root)
        assert code == 0, err
        code, _, err = icp("synthesize", "-w", root, "--format", "json")
        assert code == 0, err
    monkeypatch.delenv("ICP_BASE_URL")
    db = sqlite3.connect(root / "catalog.sqlite")
    cached = [r[0] for r in db.execute("SELECT response FROM llm_cache")]
    version = db.execute("SELECT data FROM icp_versions WHERE version=1").fetchone()[0]
    db.close()
    # the text is everywhere before: cache, version, catalog and Chroma files
    assert any(SECRET in r.lower() for r in cached)
    assert SECRET in version.lower() and KEPT in version.lower()
    assert "catalog.sqlite" in files_containing(root, SECRET)
    assert any(f.startswith("chroma/") for f in files_containing(root, SECRET))
    return root


def test_forget_with_purge_leaves_no_trace_in_any_workspace_file(icp, research_workspace):
    root = research_workspace
    code, out, err = icp("forget", "brookfield.txt", "--purge", "-w", root)
    assert code == 0, err
    assert "Forgot r/brookfield.txt" in out and "Rewrote version v1" in out

    assert files_containing(root, SECRET) == []
    assert "catalog.sqlite" in files_containing(root, KEPT)  # the other source is still there
    ws = Workspace(root, "minilm-l6-int8")
    try:
        draft = versions.load(ws, 1)  # still a valid document
        assert any("removed" in w for w in draft.warnings)
        assert KEPT in draft.model_dump_json().lower()
        assert [f.source for f in ws.catalog.files()] == ["r/harbor.txt"]
        chunk_ids = ws.catalog.ids("chunks")
        assert ws.vectors.count("chunks") == len(chunk_ids) > 0
    finally:
        ws.close()
    code, out, _ = icp("ask", "why do quotes take so long?", "-w", root, "--json")
    assert code == 0 and SECRET not in out.lower()


def test_forget_marks_versions_and_a_later_purge_rewrites_them(icp, research_workspace):
    root = research_workspace
    code, out, err = icp("forget", "brookfield.txt", "-w", root, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["versions_marked"] == [1] and report["cached_answers"] >= 1
    # only the marked saved version still quotes it (the README says so)
    assert files_containing(root, SECRET) == ["catalog.sqlite"]
    db = sqlite3.connect(root / "catalog.sqlite")
    version = db.execute("SELECT data FROM icp_versions WHERE version=1").fetchone()[0]
    others = db.execute(
        "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (SECRET,)
    ).fetchone()[0]
    db.close()
    assert SECRET in version.lower() and others == 0
    assert "forgotten" in " ".join(json.loads(version)["warnings"])

    code, out, err = icp("forget", "brookfield.txt", "--purge", "-w", root)
    assert code == 0, err
    assert "Rewrote version v1" in out
    assert files_containing(root, SECRET) == []
