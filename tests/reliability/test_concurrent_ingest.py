"""Many processes writing and reading one workspace at once (issue #14, "Lost data").

Two `icp ingest` runs into one workspace used to leave whole files' vectors unreadable
(`icp ask`: chromadb InternalError "Error finding id"): each process kept its own in-memory copy
of Chroma's HNSW segment and wrote it back over the other's. These tests run concurrent
writers (different and overlapping files) and readers, then read back every vector."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE
from helpers import write

from agent.store import Workspace

pytestmark = pytest.mark.slow

# One writer process: stores `files` fake files of `chunks` chunks each with deterministic
# vectors (no embedding model: the store is what is under test), in a shuffled order.
WRITER = """
import hashlib, random, sys
from pathlib import Path
import numpy as np
from agent.schema import Chunk, SourceDocument
from agent.store import FileEntry, Workspace
from agent.store.catalog import now

root, seed, first, last, chunks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ws = Workspace(Path(root), "fake-16")
numbers = list(range(first, last))
random.Random(seed).shuffle(numbers)
for n in numbers:
    file_id = f"file{n:04d}"
    text = " ".join(f"word{n}x{i}" for i in range(chunks))
    doc = SourceDocument(doc_id=f"doc{n:04d}", source=f"f{n}.txt", path=f"/r/f{n}.txt",
                         kind="notes", text=text, content_hash=file_id)
    items = [Chunk(chunk_id=f"c{n:04d}-{i:03d}", doc_id=doc.doc_id, source=doc.source, kind="notes",
                   start=0, end=1, text=f"word{n}x{i}", tokens=1) for i in range(chunks)]
    vectors = np.stack([
        np.frombuffer(hashlib.sha256(c.chunk_id.encode()).digest()[:16], dtype=np.uint8).astype(np.float32) + 1
        for c in items])
    entry = FileEntry(file_id=file_id, source=doc.source, path=doc.path, content_hash=file_id, size=1,
                      kind="notes", documents=1, chunks=chunks, accounts=[], warnings=[], ingested_at=now())
    ws.store_file(entry, [doc], items, vectors, [c.text for c in items])
ws.close()
"""

# One reader process: queries and reads vectors until the writers are done.
READER = """
import sys, time
from pathlib import Path
import numpy as np
from agent.store import Workspace

root, stop = Path(sys.argv[1]), Path(sys.argv[2])
ws = Workspace(root, "fake-16")
reads = 0
while not stop.exists():
    hits = ws.vectors.query("chunks", np.ones(16, dtype=np.float32), 20)
    ws.vectors.vectors("chunks", [h[0] for h in hits])
    reads += 1
    time.sleep(0.02)
ws.close()
print(reads)
"""


def _python(code: str, *args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_back(root: Path, embedder_name: str) -> tuple[int, int, int, int]:
    """(catalog chunk rows, readable vectors, unreadable ids, Chroma count)."""
    ws = Workspace(root, embedder_name)
    try:
        ids = ws.catalog.ids("chunks")
        found, broken = ws.vectors.readable("chunks", ids)
        return len(ids), len(found), len(broken), ws.vectors.count("chunks")
    finally:
        ws.close()


def test_concurrent_writers_and_readers_leave_every_vector_readable(tmp_path):
    root = tmp_path / "ws"
    stop = tmp_path / "stop"
    first = _python(WRITER, root, 0, 100, 101, 8)  # an existing workspace, as in the issue
    assert first.wait(timeout=120) == 0, first.communicate()[1]
    # four writers over 25 files each, every file stored by two of them (overlap), 1,000+
    # vectors per process so Chroma writes its HNSW segment to disk along the way
    ranges = [(0, 25), (12, 37), (25, 50), (37, 62)]
    readers = [_python(READER, root, stop) for _ in range(2)]
    writers = [
        _python(WRITER, root, seed, first, last, 48) for seed, (first, last) in enumerate(ranges)
    ]
    results = [w.communicate(timeout=600) for w in writers]
    stop.touch()
    reads = [r.communicate(timeout=120) for r in readers]
    assert [w.returncode for w in writers] == [0, 0, 0, 0], [e for _, e in results]
    assert [r.returncode for r in readers] == [0, 0], [e for _, e in reads]
    rows, readable, unreadable, count = read_back(root, "fake-16")
    assert rows == 62 * 48 + 8
    assert (readable, unreadable, count) == (rows, 0, rows)


def test_two_ingests_and_asks_at_once_then_doctor_reads_every_vector(tmp_path, icp):
    transcripts = sorted((SAMPLE / "transcripts").glob("*.txt"))
    for batch, copies in (("a", range(0, 2)), ("b", range(2, 4))):
        for copy in copies:
            for source in transcripts:
                text = source.read_text(encoding="utf-8").replace(
                    "Brookfield Tooling", f"Brookfield Tooling {copy}"
                )
                write(tmp_path / batch / f"{source.stem}-{copy}.txt", text + f"\n(copy {copy})\n")
    shared = sorted((tmp_path / "a").iterdir())[:3]  # ingested by both runs at once
    workspace = tmp_path / "ws"
    code, _, err = icp("ingest", SAMPLE / "crm", SAMPLE / "deals", "-w", workspace)
    assert code == 0, err
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}

    def run(*args: object) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "agent", *map(str, args), "-w", str(workspace)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    ingests = [
        run("ingest", tmp_path / "a", "--json"),
        run("ingest", tmp_path / "b", *shared, "--json"),
    ]
    time.sleep(1)
    asks = [run("ask", "why do quotes take so long?", "--json") for _ in range(2)]
    done = [p.communicate(timeout=900) for p in ingests + asks]
    assert [p.returncode for p in ingests + asks] == [0, 0, 0, 0], [e for _, e in done]
    for _, stderr in done[:2]:
        assert stderr.count("Waiting for another icp process") <= 1
    statuses = [f["status"] for out, _ in done[:2] for f in json.loads(out)["files"]]
    assert "failed" not in statuses
    code, out, err = icp("doctor", "--check", "--json", "-w", workspace)
    report = json.loads(out)
    assert code == 0 and report["ok"], (report, err)
    chunks = next(c for c in report["found"] if c["content"] == "chunks")
    rows, readable, unreadable, count = read_back(workspace, "minilm-l6-int8")
    assert chunks["rows"] == rows == readable == count and unreadable == 0


# One process opening a new workspace on a slow disk: every file move takes 0.3 s, which
# widens the moment in which two processes both find no workspace.json (the issue saw it in 2
# of 16 pairs of ingests: "No such file or directory: workspace.tmp -> workspace.json").
CREATOR = """
import fcntl, os, sys, time
from pathlib import Path

real_replace = os.replace
def slow_replace(src, dst, **kwargs):
    time.sleep(0.3)
    return real_replace(src, dst, **kwargs)
os.replace = slow_replace

from agent.store import Workspace
root, go = Path(sys.argv[1]), sys.argv[2]
gate = os.open(go, os.O_RDONLY)
fcntl.flock(gate, fcntl.LOCK_SH)  # blocks until the test opens the gate for everyone at once
ws = Workspace(root, "fake-16")
print(ws.info["id"])
ws.close()
"""


def test_processes_creating_one_new_workspace_at_once_agree_on_it(tmp_path):
    import fcntl

    root, go = tmp_path / "ws", tmp_path / "gate"
    go.touch()
    gate = os.open(go, os.O_RDWR)
    fcntl.flock(gate, fcntl.LOCK_EX)
    creators = [_python(CREATOR, root, go) for _ in range(4)]
    time.sleep(3)  # every process has imported and waits at the gate
    fcntl.flock(gate, fcntl.LOCK_UN)
    os.close(gate)
    outputs = [c.communicate(timeout=120) for c in creators]
    assert [c.returncode for c in creators] == [0] * 4, [e for _, e in outputs]
    ids = {out.strip() for out, _ in outputs}
    assert ids == {json.loads((root / "workspace.json").read_text())["id"]}
    assert not [p.name for p in root.iterdir() if p.name.endswith(".tmp")]
