"""Search snapshots (agent.store.snapshot): `icp ask` searches an exact copy of the workspace's
Chroma collections instead of starting Chroma. The copy must rank what Chroma holds, answer the
same filters, never answer from data a write has changed (in this process or another), and not
outlive a forgotten file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import write

from agent.store import Workspace
from agent.store.snapshot import _SHARED, FOLDER

REPO = Path(__file__).resolve().parents[2]

INTERVIEW = (
    "Sam: How do quotes get built today?\n"
    "Dana: I run revenue ops at Brookfield Tooling. Quotes take us five days because engineers "
    "re-key every line from the ERP into a spreadsheet.\n"
    "Sam: What does that cost you?\n"
    "Dana: We lose about nine hours a week, and two big deals slipped last quarter.\n"
)
OTHER = (
    "Sam: How do you handle discounts?\n"
    "Lee: I run sales operations at Harbor Freightworks. Every discount above ten percent waits "
    "in the sales VP's inbox for two days.\n"
)


def brute_force(workspace: Workspace, content: str, query: np.ndarray, where) -> list[str]:
    """Every record Chroma holds that passes `where`, ranked by cosine similarity (ties, e.g. one
    sentence stored as two kinds of evidence, by id)."""
    collection = workspace.vectors._collection(content)
    page = collection.get(include=["embeddings"], where=where)
    if not page["ids"]:
        return []
    vectors = np.asarray(page["embeddings"], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = vectors @ (query / np.linalg.norm(query))
    ids = page["ids"]
    return [ids[i] for i in np.lexsort((np.array(ids), -np.round(scores, 5)))]


def files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / FOLDER).iterdir()) if (root / FOLDER).is_dir() else []


def test_snapshot_ranks_and_filters_like_chroma(sample_workspace: Path, embedder):
    workspace = Workspace(sample_workspace, embedder.name)
    try:
        doc_ids = sorted({e.doc_id for e in workspace.catalog.evidence() if e.is_claim})
        wheres = [
            None,
            {"claim": True},
            {"$and": [{"kind": {"$in": ["pain", "trigger"]}}, {"claim": True}]},
            {"$and": [{"doc_id": {"$in": doc_ids[:3]}}, {"claim": True}]},
            {"kind": {"$nin": ["pain"]}},
        ]
        for question in ("why do quotes take so long?", "who signs the purchase?"):
            query = embedder.embed([question])[0]
            for where in wheres:
                found = workspace.vectors.query("evidence", query, 10, where)
                expected = brute_force(workspace, "evidence", query, where)[:10]
                assert expected, f"nothing passes {where}: the test tests nothing"
                assert [i for i, _, _ in found] == expected, where
                # the similarity and the vector are Chroma's
                first_id, similarity, vector = found[0]
                stored = workspace.vectors._collection("evidence").get(
                    ids=[first_id], include=["embeddings"]
                )["embeddings"][0]
                assert np.allclose(vector, stored)
                assert similarity == pytest.approx(
                    float(stored @ query / np.linalg.norm(stored) / np.linalg.norm(query)), abs=1e-5
                )
            chunks = workspace.vectors.query("chunks", query, 8, {"doc_id": doc_ids[0]})
            assert (
                chunks
                and [i for i, _, _ in chunks]
                == brute_force(workspace, "chunks", query, {"doc_id": doc_ids[0]})[:8]
            )
    finally:
        workspace.close()


def test_ask_does_not_start_chroma_and_answers_the_same_every_time(sample_workspace: Path):
    """The command a user runs: a new process per question, Chroma never imported once the
    snapshot exists, and the same citations in the same order in every process."""
    script = (
        "import sys\n"
        "from agent.cli import run\n"
        "code = run(['ask', 'why do quotes take so long?', '--workspace', sys.argv[1], '--json'])\n"
        "assert 'chromadb' not in sys.modules, 'chromadb was imported'\n"
        "sys.exit(code)\n"
    )
    outputs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", script, str(sample_workspace)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout))
    assert outputs[0]["citations"] and outputs[0] == outputs[1]


def test_a_write_is_seen_at_once_and_old_copies_are_removed(icp, tmp_path: Path, embedder):
    write(tmp_path / "r" / "brookfield.txt", INTERVIEW)
    root = tmp_path / "ws"
    assert icp("ingest", tmp_path / "r", "-w", root)[0] == 0
    before = files(root)
    assert before and all(name.endswith((".npy", ".json")) for name in before)
    assert icp("ask", "what slows down quotes?", "-w", root)[0] == 0
    assert files(root) == before  # a reader uses the copy of the current generation

    # another process adds a file; this process's open workspace sees it on its next search
    workspace = Workspace(root, embedder.name)
    try:
        query = embedder.embed(["discount approvals wait in the VP's inbox"])[0]
        assert all("harbor" not in r[0] for r in workspace.vectors.query("chunks", query, 50))
        write(tmp_path / "r2" / "harbor.txt", OTHER)
        done = subprocess.run(
            [sys.executable, "-m", "agent", "ingest", str(tmp_path / "r2"), "-w", str(root)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert done.returncode == 0, done.stderr
        sources = {c.chunk_id: c.source for c in workspace.catalog.chunks()}
        hits = workspace.vectors.query("chunks", query, 50)
        assert any("harbor" in sources.get(i, "") for i, _, _ in hits)
        assert workspace.vectors.count("chunks") == len(sources)

        # a write in this process, read before the lock is released: Chroma answers
        with workspace.write_lock():
            workspace.vectors.delete_where("chunks", {"source": {"$ne": "x"}})
            assert workspace.vectors.query("chunks", query, 50) == []
        assert workspace.vectors.query("chunks", query, 50) == []
    finally:
        workspace.close()
    generations = {name.rsplit("-", 1)[1].split(".")[0] for name in files(root)}
    assert len(generations) == 1 and generations != {
        n.rsplit("-", 1)[1].split(".")[0] for n in before
    }


def test_a_forgotten_file_leaves_no_copy(icp, tmp_path: Path):
    write(tmp_path / "r" / "brookfield.txt", INTERVIEW)
    write(tmp_path / "r" / "harbor.txt", OTHER)
    root = tmp_path / "ws"
    assert icp("ingest", tmp_path / "r", "-w", root)[0] == 0
    assert icp("ask", "what slows down quotes?", "-w", root)[0] == 0
    assert any(b"Brookfield" in (root / FOLDER / n).read_bytes() for n in files(root))
    code, _, err = icp("forget", "brookfield.txt", "-w", root)
    assert code == 0, err
    for name in files(root):
        data = (root / FOLDER / name).read_bytes()
        assert b"Brookfield" not in data and b"brookfield" not in data, name


def test_a_damaged_or_unwritable_copy_is_not_trusted(copy_workspace, embedder):
    root = copy_workspace()
    query = embedder.embed(["why do quotes take so long?"])[0]
    workspace = Workspace(root, embedder.name)
    try:
        expected = [i for i, _, _ in workspace.vectors.query("evidence", query, 10)]
    finally:
        workspace.close()
    for name in files(root):  # cut every file short
        path = root / FOLDER / name
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    _SHARED.clear()  # as a new process: nothing loaded yet
    os.chmod(root / FOLDER, 0o500)  # and nothing can be written there now
    try:
        workspace = Workspace(root, embedder.name)
        try:
            found = [i for i, _, _ in workspace.vectors.query("evidence", query, 10)]
        finally:
            workspace.close()
    finally:
        os.chmod(root / FOLDER, 0o700)
    assert found == expected


def test_a_filter_the_copy_cannot_read_goes_to_chroma(sample_workspace: Path, embedder):
    workspace = Workspace(sample_workspace, embedder.name)
    try:
        query = embedder.embed(["spreadsheets"])[0]
        where = {"start": {"$gt": 100}}  # not evaluated by the snapshot: Chroma answers
        found = workspace.vectors.query("chunks", query, 5, where)
        assert (
            found and [i for i, _, _ in found] == brute_force(workspace, "chunks", query, where)[:5]
        )
    finally:
        workspace.close()


def test_filters_mean_what_they_mean_in_chroma(tmp_path: Path):
    """A bool is not 1, a missing key passes $ne and $nin; what Chroma refuses or the snapshot
    does not evaluate goes to Chroma."""
    import chromadb

    from agent.store.snapshot import build

    client = chromadb.EphemeralClient()
    collection = client.create_collection("filters", embedding_function=None)
    metadatas = [
        {"kind": "pain", "claim": True, "n": 1},
        {"kind": "trigger", "claim": False, "n": 2},
        {"kind": "pain", "claim": 1},
        {"other": "x"},
        {"kind": "role", "claim": True, "n": 1.0},
    ]
    ids = [f"r{i}" for i in range(len(metadatas))]
    collection.add(ids=ids, embeddings=[[1.0, float(i)] for i in range(5)], metadatas=metadatas)
    snapshot = build(collection, tmp_path, "filters", "0" * 32)
    wheres = [
        {"claim": True},
        {"claim": 1},
        {"kind": {"$ne": "pain"}},
        {"kind": {"$nin": ["pain", "role"]}},
        {"$and": [{"kind": {"$in": ["pain", "role"]}}, {"claim": True}]},
        {"$or": [{"kind": "trigger"}, {"n": 1}]},
        {"$and": [{"kind": {"$in": ["pain"]}}, {"claim": {"$eq": True}}]},
    ]
    for where in wheres:
        expected = sorted(collection.get(where=where)["ids"])
        mask = snapshot.mask(where)
        assert mask is not None
        assert sorted(np.asarray(snapshot.ids)[mask].tolist()) == expected, where
    assert snapshot.mask({"kind": {"$contains": "pa"}}) is None
    assert snapshot.mask({"kind": "pain", "claim": True}) is None


def test_rows_tied_at_the_cut_are_kept_in_id_order():
    # six rows score alike to 5 decimals (one sentence stored as several kinds, float noise):
    # the three kept are the three first ids, not the three a few millionths higher
    from agent.store.snapshot import Snapshot

    ids = [f"id{n}" for n in range(8)]
    tilt = [3, 2, 1, 0, 0, 0]  # id0 scores 1 - 4.5e-6, id3 to id5 exactly 1
    vectors = np.array([[1.0, 1e-3 * k] for k in tilt] + [[0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    snapshot = Snapshot(
        token="t", ids=ids, vectors=vectors, norms=np.linalg.norm(vectors, axis=1), columns={}
    )
    found = snapshot.query(np.array([1.0, 0.0]), 3, None)
    assert found is not None and [i for i, _, _ in found] == ["id0", "id1", "id2"]
    everything = snapshot.query(np.array([1.0, 0.0]), 10, None)
    assert everything is not None
    assert [i for i, _, _ in everything] == [*ids[:6], "id7", "id6"]
