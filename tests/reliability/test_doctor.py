"""`icp doctor`: every catalog row (chunk and evidence) must have a vector Chroma can return;
what is missing or unreadable is embedded again from the catalog text; exit 1 when something
could not be repaired."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from agent.config import load_settings
from agent.schema import Chunk, SourceDocument
from agent.store import FileEntry, Workspace
from agent.store.catalog import now
from agent.store.doctor import run_doctor
from agent.store.rebuild import CatalogVectors


class HashEmbedder:
    """A deterministic stand-in for the embedding model: 16 numbers from the text's hash."""

    name = "fake-16"

    def embed(self, texts: list[str]) -> np.ndarray:
        rows = [
            np.frombuffer(hashlib.sha256(t.encode()).digest()[:16], dtype=np.uint8).astype(
                np.float32
            )
            + 1
            for t in texts
        ]
        return np.stack(rows) if rows else np.zeros((0, 16), dtype=np.float32)


def store_files(ws: Workspace, files: int, chunks: int) -> None:
    embedder = HashEmbedder()
    for n in range(files):
        text = " ".join(f"word{n}x{i}" for i in range(chunks))
        doc = SourceDocument(
            doc_id=f"doc{n:03d}",
            source=f"f{n}.txt",
            path=f"/r/f{n}.txt",
            kind="notes",
            text=text,
            content_hash=f"h{n}",
        )
        items = [
            Chunk(
                chunk_id=f"c{n:03d}-{i:03d}",
                doc_id=doc.doc_id,
                source=doc.source,
                kind="notes",
                start=0,
                end=1,
                text=f"word{n}x{i}",
                tokens=1,
            )
            for i in range(chunks)
        ]
        entry = FileEntry(
            file_id=f"file{n:03d}",
            source=doc.source,
            path=doc.path,
            content_hash=f"h{n}",
            size=1,
            kind="notes",
            documents=1,
            chunks=chunks,
            accounts=[],
            warnings=[],
            ingested_at=now(),
        )
        texts = [c.text for c in items]
        ws.store_file(entry, [doc], items, embedder.embed(texts), texts)


def break_hnsw_segments(chroma: Path) -> None:
    """What a stale writer leaves: Chroma's on-disk HNSW index without most ids its
    metadata lists (here: the index files removed)."""
    for segment in chroma.iterdir():
        if segment.is_dir():
            for part in segment.iterdir():
                part.unlink()


def test_doctor_finds_unreadable_vectors_and_embeds_them_again(tmp_path):
    root = tmp_path / "ws"
    ws = Workspace(root, "fake-16")
    store_files(ws, 30, 48)  # 1,440 vectors: Chroma has written its HNSW index to disk
    ws.vectors.upsert(
        "chunks", ["stray-1"], np.ones((1, 16), np.float32), [{"file_id": "gone"}], ["x"]
    )
    ws.close()
    break_hnsw_segments(root / "chroma")

    ws = Workspace(root, "fake-16")
    try:
        found = run_doctor(ws, None)
        chunks = found.found[0]
        assert not found.ok and found.left is None
        assert chunks.rows == 1440 and len(chunks.unreadable) > 500 and chunks.strays == ["stray-1"]

        settings = load_settings(flags={"workspace": root}, environ={})
        repaired = run_doctor(ws, CatalogVectors(ws, HashEmbedder(), settings))
        assert repaired.ok and repaired.left is not None and all(c.ok for c in repaired.left)
        assert repaired.repair is not None
        assert repaired.repair.embedded == len(chunks.unreadable)

        ids = ws.catalog.ids("chunks")
        vectors, broken = ws.vectors.readable("chunks", ids)
        assert len(vectors) == 1440 and not broken and ws.vectors.count("chunks") == 1440
        expected = HashEmbedder().embed([f"word{int(i[1:4])}x{int(i[5:])}" for i in ids])
        norms = np.linalg.norm(expected, axis=1, keepdims=True)
        got = np.stack([vectors[i] for i in ids])
        # cosine collections may normalise; direction is what must match the catalog text
        assert np.allclose(got / np.linalg.norm(got, axis=1, keepdims=True), expected / norms)
    finally:
        ws.close()
    assert [p.name for p in root.iterdir() if p.name.startswith("chroma")] == ["chroma"]


def test_doctor_cli_repairs_missing_chunk_and_evidence_vectors(icp, copy_workspace):
    root = copy_workspace()
    ws = Workspace(root, "minilm-l6-int8")
    try:
        chunk_ids, evidence_ids = ws.catalog.ids("chunks"), ws.catalog.ids("evidence")
        assert evidence_ids
        ws.vectors.delete_ids("chunks", chunk_ids[::7])
        ws.vectors.delete_ids("evidence", evidence_ids[::5])
    finally:
        ws.close()

    code, out, err = icp("doctor", "--check", "--json", "-w", root)
    report = json.loads(out)
    missing = {c["content"]: c["missing"] for c in report["found"]}
    assert code == 1 and not report["ok"]
    assert missing == {"chunks": len(chunk_ids[::7]), "evidence": len(evidence_ids[::5])}

    code, out, err = icp("doctor", "-w", root)
    assert code == 0, err
    assert "Repaired" in out and "every catalog row has a readable vector" in out

    code, out, _ = icp("doctor", "--check", "--json", "-w", root)
    assert code == 0 and json.loads(out)["ok"]
    code, out, err = icp("ask", "why do quotes take so long?", "-w", root, "--json")
    assert code == 0 and json.loads(out)["citations"], err


def test_doctor_exits_1_when_vectors_cannot_be_embedded_again(icp, copy_workspace, monkeypatch):
    root = copy_workspace()
    # OpenAI embeddings were asked for, but the endpoint is down: nothing can be embedded
    monkeypatch.setenv("ICP_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("ICP_MAX_RETRIES", "0")
    code, _, err = icp("doctor", "--embeddings", "openai", "-w", root)
    assert code == 1
    assert "Not repaired" in err and "Traceback" not in err
