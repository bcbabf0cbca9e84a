"""Ingest throughput: documents/s, chunks/s and peak memory on the sample sprint scaled to about
200 transcripts, against the plain sample (baseline) in the same run; plus an unchanged
re-ingest. Each measurement runs in a fresh process so peak memory is its own."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from scale import REPO, SAMPLE, scaled_sprint

CHILD = """
import json, sys, time
sys.path.insert(0, {repo!r}); sys.path.insert(0, {bench!r})
from scale import peak_rss_mb
from agent.config import load_settings
from agent.embeddings import LocalEmbedder
from agent.ingest.batch import ingest_paths
from agent.store import Workspace
from pathlib import Path
embedder = LocalEmbedder(); embedder.embed(["warm up"])
settings = load_settings(flags={{"workspace": {ws!r}}}, environ={{}})
workspace = Workspace(Path({ws!r}), embedder.name)
start = time.perf_counter()
report = ingest_paths([{src!r}], workspace, embedder, settings)
seconds = time.perf_counter() - start
documents = sum(r.documents for r in report.results if r.status in ("ingested", "replaced"))
chunks = sum(r.chunks for r in report.results if r.status in ("ingested", "replaced"))
files = sum(1 for r in report.results if r.status != "skipped")
print(json.dumps({{"seconds": seconds, "files": files, "documents": documents, "chunks": chunks, "peak_mb": peak_rss_mb(),
    "failed": len(report.failed)}}))
"""


def run(source: Path, workspace: Path, repo: Path = REPO) -> dict:
    code = CHILD.format(
        repo=str(repo), bench=str(Path(__file__).parent), ws=str(workspace), src=str(source)
    )
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def against_baseline(baseline_src: Path, rounds: int = 3) -> None:
    """The sample sprint ingested by this checkout and by another one (`--baseline-src`, e.g.
    `git worktree add /tmp/base <commit>`), alternating, best of `rounds` each: the ratio says
    whether ingest got slower."""
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(rounds):
            for name, repo in (("current", REPO), ("baseline", baseline_src)):
                row = run(SAMPLE, Path(folder) / f"ws-{name}-{round_}", repo)
                rate = row["chunks"] / row["seconds"]
                best[name] = max(best.get(name, 0.0), rate)
    print(
        f"sample sprint chunks/s, best of {rounds}: current {best['current']:.1f}, "
        f"baseline {best['baseline']:.1f} ({baseline_src}); ratio current/baseline "
        f"{best['current'] / best['baseline']:.2f}"
    )


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="another checkout (a git worktree of an older commit) to compare with",
    )
    args = parser.parse_args()
    if args.baseline_src is not None:
        against_baseline(args.baseline_src.resolve())
        return
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        baseline = run(SAMPLE, base / "ws-sample")
        big = scaled_sprint(base / "sprint-200", 200)
        scaled = run(big, base / "ws-200")
        again = run(big, base / "ws-200")  # unchanged: nothing to do
    print("Ingest throughput (local MiniLM embeddings, 2 cores)")
    print(
        f"{'run':28s} {'files':>6s} {'docs':>6s} {'chunks':>7s} {'seconds':>8s} {'docs/s':>8s} {'chunks/s':>9s} {'peak MB':>8s}"
    )
    for name, row in (
        ("sample sprint (baseline)", baseline),
        ("200 transcripts + sample", scaled),
        ("re-ingest, unchanged", again),
    ):
        print(
            f"{name:28s} {row['files']:6d} {row['documents']:6d} {row['chunks']:7d} {row['seconds']:8.1f} "
            f"{row['documents'] / row['seconds']:8.1f} {row['chunks'] / row['seconds']:9.1f} {row['peak_mb']:8.0f}"
        )
    print(
        f"chunks/s ratio 200-transcript / baseline: {(scaled['chunks'] / scaled['seconds']) / (baseline['chunks'] / baseline['seconds']):.2f}"
    )
    print(f"peak memory ratio: {scaled['peak_mb'] / baseline['peak_mb']:.2f}")
    print(
        f"unchanged re-ingest time / first ingest time: {again['seconds'] / scaled['seconds']:.3f}"
    )
    assert scaled["failed"] == 0 and again["chunks"] == 0


if __name__ == "__main__":
    main()
