"""p50/p95 latency of `ask` (offline) over about 100,000 chunks, against the same questions on
the plain sample workspace (~600 chunks) as the baseline. The big workspace is the sample's
chunks and vectors replicated under new document ids (no re-embedding).

Then the `icp ask` command-line wall time on the demo workspace (a new process per question,
as a user runs it). `--baseline-src DIR` runs the same commands with another checkout's
`agent` package (e.g. `git archive main agent knowledge prompts | tar -x -C DIR`) in the same
run, for the ratio to today."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale import REPO, SAMPLE, peak_rss_mb

sys.path.insert(0, str(REPO))

from agent.config import load_settings
from agent.embeddings import LocalEmbedder
from agent.ingest.batch import ingest_paths
from agent.qa.answer import answer_question
from agent.store import Workspace
from agent.synthesize.runs import synthesize_workspace

QUESTIONS = [
    "Why did customers start looking for a quoting tool?",
    "How long do quotes take before Quoteflow?",
    "Who signs off on the purchase?",
    "What do distributors struggle with?",
    "Why did job shops churn?",
    "What do customers use instead of Quoteflow today?",
    "What concerns do buyers raise about the rollout?",
    "How do reps get lead times?",
    "What results did customers see after go-live?",
    "Why did we lose deals to competitors?",
    "What does the ERP integration need to do?",
    "How are discounts approved?",
    "What happens when a quote is wrong?",
    "How many people are involved in quoting?",
    "What do engineers do in the quoting process?",
    "Which accounts mention Salesforce?",
    "What triggered the evaluation at Brookfield Tooling?",
    "What would make the product a must-have?",
    "How much time is lost re-keying quotes?",
    "What do customers think about the price?",
]


def replicate(workspace: Workspace, target_chunks: int) -> int:
    catalog = workspace.catalog
    documents = {d.doc_id: d for d in catalog.documents()}
    chunks = catalog.chunks()
    vectors = workspace.vectors.vectors("chunks", [c.chunk_id for c in chunks])
    copies = max(1, target_chunks // len(chunks) - 1)
    for copy in range(1, copies + 1):
        new_chunks = []
        new_docs = []
        for doc in documents.values():
            clone = doc.model_copy()
            clone.doc_id = f"{doc.doc_id}-{copy}"
            new_docs.append(clone)
        for chunk in chunks:
            clone = chunk.model_copy()
            clone.chunk_id = f"{chunk.chunk_id}-{copy}"
            clone.doc_id = f"{chunk.doc_id}-{copy}"
            new_chunks.append(clone)
        with catalog.transaction() as db:
            db.executemany(
                "INSERT INTO documents VALUES (?,?,?,?,?,?)",
                [
                    (
                        d.doc_id,
                        f"bench-{copy}",
                        d.kind.value,
                        d.account,
                        d.content_hash,
                        d.model_dump_json(),
                    )
                    for d in new_docs
                ],
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?)",
                [(c.chunk_id, c.doc_id, f"bench-{copy}", c.model_dump_json()) for c in new_chunks],
            )
            db.executemany(
                "INSERT INTO chunks_fts(text, chunk_id) VALUES (?,?)",
                [(c.text, c.chunk_id) for c in new_chunks],
            )
        import numpy as np

        workspace.vectors.upsert(
            "chunks",
            [c.chunk_id for c in new_chunks],
            np.vstack([vectors[c.chunk_id[: c.chunk_id.rindex("-")]] for c in new_chunks]),
            [
                {
                    "file_id": f"bench-{copy}",
                    "doc_id": c.doc_id,
                    "source": c.source,
                    "kind": c.kind.value,
                    "account": c.account,
                    "role": c.role.value,
                    "start": c.start,
                    "end": c.end,
                }
                for c in new_chunks
            ],
            [c.text for c in new_chunks],
        )
    return catalog.chunk_count()


def latencies(workspace: Workspace, settings, embedder) -> list[float]:
    answer_question(QUESTIONS[0], workspace, settings, embedder)  # warm caches
    timings = []
    for question in QUESTIONS:
        start = time.perf_counter()
        answer_question(question, workspace, settings, embedder)
        timings.append(time.perf_counter() - start)
    return timings


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


CLI_QUESTIONS = QUESTIONS[:5]


def _cli_runner(folder: str, source: str | None = None):
    """A function timing one `icp ask` process (start-up, imports, model load, answer), as on
    a user's machine: Python keeps compiled bytecode (here in a folder of its own, whatever
    PYTHONDONTWRITEBYTECODE says), and an untimed first run writes it and the model cache."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(folder).parent / f"pycache-{Path(source or REPO).name}")
    if source:
        env["PYTHONPATH"] = source

    def ask(question: str) -> float:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "agent", "ask", question, "--workspace", folder],
            capture_output=True,
            check=True,
            env=env,
            cwd=source or str(REPO),
        )
        return time.perf_counter() - start

    ask(CLI_QUESTIONS[0])
    return ask


CLI_ROUNDS = 3


def cli_wall_times(
    folder: str, source: str | None = None, baseline: str | None = None
) -> tuple[list[float], list[float]]:
    """Seconds per process for CLI_QUESTIONS, CLI_ROUNDS times; with a baseline checkout, its
    run of each question follows this checkout's, so a machine that slows down for a while
    (shared CPUs vary by a third here) slows both alike."""
    now_ask = _cli_runner(folder, source)
    before_ask = _cli_runner(folder, baseline) if baseline else None
    now: list[float] = []
    before: list[float] = []
    for _ in range(CLI_ROUNDS):
        for question in CLI_QUESTIONS:
            now.append(now_ask(question))
            if before_ask is not None:
                before.append(before_ask(question))
    return now, before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline-src", help="Another checkout's source folder to compare.")
    parser.add_argument("--cli-only", action="store_true", help="Only the command-line timing.")
    args = parser.parse_args()
    embedder = LocalEmbedder()
    if args.cli_only:
        with tempfile.TemporaryDirectory() as tmp:
            folder = str(Path(tmp) / "workspace")  # the bytecode folders go beside it
            settings = load_settings(flags={"workspace": folder}, environ={})
            workspace = Workspace(Path(folder), embedder.name)
            ingest_paths([str(SAMPLE)], workspace, embedder, settings)
            synthesize_workspace(workspace, settings, embedder)
            workspace.close()
            report_cli(folder, args.baseline_src)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = str(Path(tmp) / "workspace")
        settings = load_settings(flags={"workspace": folder}, environ={})
        workspace = Workspace(Path(folder), embedder.name)
        ingest_paths([str(SAMPLE)], workspace, embedder, settings)
        synthesize_workspace(workspace, settings, embedder)
        small_chunks = workspace.catalog.chunk_count()
        small = latencies(workspace, settings, embedder)
        workspace.close()
        report_cli(folder, args.baseline_src)
        workspace = Workspace(Path(folder), embedder.name)
        start = time.perf_counter()
        big_chunks = replicate(workspace, 100_000)
        build = time.perf_counter() - start
        big = latencies(workspace, settings, embedder)
        workspace.close()
    print("icp ask latency, offline engine (20 questions, warm process)")
    print(f"{'workspace':24s} {'chunks':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    for name, chunks, values in (
        ("sample (baseline)", small_chunks, small),
        ("replicated", big_chunks, big),
    ):
        print(
            f"{name:24s} {chunks:8d} {statistics.median(values) * 1000:8.0f} {p95(values) * 1000:8.0f} {max(values) * 1000:8.0f}"
        )
    print(
        f"p50 ratio: {statistics.median(big) / statistics.median(small):.2f}; p95 ratio: {p95(big) / p95(small):.2f} for {big_chunks / small_chunks:.0f}x the chunks"
    )
    print(
        f"(building the replicated workspace took {build:.0f}s; peak memory {peak_rss_mb():.0f} MB)"
    )


def report_cli(folder: str, baseline: str | None) -> None:
    now, before = cli_wall_times(folder, baseline=baseline)
    print(
        f"icp ask command-line wall time on the demo workspace (new process per question,"
        f" {len(now)} runs{', alternating with the baseline' if baseline else ''})"
    )
    print(f"  this checkout: median {statistics.median(now):.2f} s, max {max(now):.2f} s")
    if baseline:
        print(
            f"  baseline ({baseline}): median {statistics.median(before):.2f} s, max {max(before):.2f} s;"
            f" ratio {statistics.median(now) / statistics.median(before):.2f}"
        )


if __name__ == "__main__":
    main()
