"""Synthesis time and peak memory at 200 and 1,000 transcripts (the sample sprint's extracted
evidence replicated under new account names), with the ratio 1,000 / 200. Each size runs in
its own process so its peak memory is its own.

`--baseline REV` also synthesizes the same evidence with another commit's code (checked out in
a temporary `git worktree`, removed afterwards) and prints current / baseline ratios of time
and synthesis memory at each size, measured in the same run."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from extract_speed import baseline_problem, worktree
from scale import REPO, SAMPLE

CHILD = r"""
import json, sys, time, copy
sys.path.insert(0, {repo!r}); sys.path.insert(0, {bench!r})
from pathlib import Path
import numpy as np
from scale import peak_rss_mb
from agent.embeddings import LocalEmbedder
from agent.store import Workspace
from agent.synthesize.inputs import inputs_from_workspace
from agent.synthesize.pipeline import SynthesisInputs, synthesize
embedder = LocalEmbedder()
workspace = Workspace(Path({ws!r}), embedder.name)
base = inputs_from_workspace(workspace, embedder)
workspace.close()
transcripts = [d for d in base.documents if d.kind.value in ("transcript", "notes")]
copies = max(1, round({n} / len(transcripts)))
documents, evidence, vectors = list(base.documents), list(base.evidence), dict(base.vectors)
for c in range(1, copies):
    rename = {{}}
    for doc in base.documents:
        if doc.kind.value in ("survey",):
            continue
        new = doc.model_copy(deep=True)
        new.doc_id = f"{{doc.doc_id}}-{{c}}"
        if new.account:
            rename[new.account] = f"{{new.account}} {{c}}"
            new.account = rename[new.account]
        if new.crm is not None:
            new.crm.name = f"{{new.crm.name}} {{c}}"
            new.account = new.crm.name
            new.crm.domain = None
        documents.append(new)
    for item in base.evidence:
        new = item.model_copy(deep=True)
        new.doc_id = f"{{item.doc_id}}-{{c}}"
        new.id = f"{{item.id}}-{{c}}"
        if new.account:
            new.account = f"{{new.account}} {{c}}"
        evidence.append(new)
        vectors[new.id] = base.vectors[item.id]
inputs = SynthesisInputs(documents=documents, evidence=evidence, vectors=vectors, files=len(documents), engine="offline")
embedder.embed(["warm up"])
start = time.perf_counter()
draft = synthesize(inputs, embedder.embed)
seconds = time.perf_counter() - start
import tracemalloc
tracemalloc.start()
synthesize(inputs, embedder.embed)  # again, to measure the Python allocations of synthesis alone
traced_mb = tracemalloc.get_traced_memory()[1] / 1e6
tracemalloc.stop()
print(json.dumps({{"transcripts": copies * len(transcripts), "accounts": draft.corpus.accounts, "evidence": len(evidence),
    "segments": len(draft.segments), "seconds": seconds, "peak_mb": peak_rss_mb(), "synthesis_mb": traced_mb}}))
"""


def synthesized(root: Path, workspace: str, n: int) -> dict:
    code = CHILD.format(repo=str(root), bench=str(Path(__file__).parent), ws=workspace, n=n)
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=str(root)
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", help="a commit to compare with, in the same run")
    args = parser.parse_args()
    problem = baseline_problem(args.baseline) if args.baseline else None
    if problem:
        print(f"No ratio: the baseline {args.baseline} cannot be run here: {problem}.")
        return 1
    sys.path.insert(0, str(REPO))
    from agent.config import load_settings
    from agent.embeddings import LocalEmbedder
    from agent.extract.runner import run_extraction
    from agent.ingest.batch import ingest_paths
    from agent.store import Workspace

    with tempfile.TemporaryDirectory() as folder:
        embedder = LocalEmbedder()
        settings = load_settings(flags={"workspace": folder}, environ={})
        workspace = Workspace(Path(folder), embedder.name)
        ingest_paths([str(SAMPLE)], workspace, embedder, settings)
        run_extraction(workspace, settings, embedder)
        workspace.close()
        rows = [synthesized(REPO, folder, n) for n in (200, 1000)]
        base_rows: list[dict] = []
        if args.baseline:
            try:
                with worktree(args.baseline, Path(folder)) as tree:
                    base_rows = [synthesized(tree, folder, n) for n in (200, 1000)]
            except RuntimeError as exc:
                print(f"No ratio: {exc}")
                return 1
    print("Synthesis time and peak memory (offline engine evidence, replicated)")
    print(
        f"{'code':>10s} {'transcripts':>11s} {'accounts':>9s} {'evidence':>9s} {'segments':>9s} {'seconds':>8s} {'peak MB':>8s} {'synthesis peak MB':>18s}"
    )
    for code, table in (("current", rows), (args.baseline or "", base_rows)):
        for row in table:
            print(
                f"{code:>10s} {row['transcripts']:11d} {row['accounts']:9d} {row['evidence']:9d} {row['segments']:9d} {row['seconds']:8.1f} "
                f"{row['peak_mb']:8.0f} {row['synthesis_mb']:18.0f}"
            )
    small, large = rows
    print(
        f"time ratio 1000/200: {large['seconds'] / small['seconds']:.2f} for {large['evidence'] / small['evidence']:.1f}x the evidence"
    )
    print(
        f"synthesis peak memory ratio 1000/200 (tracemalloc): {large['synthesis_mb'] / small['synthesis_mb']:.2f}"
    )
    for row, base in zip(rows, base_rows, strict=False):
        print(
            f"current / {args.baseline} at {row['transcripts']} transcripts: time "
            f"{row['seconds'] / base['seconds']:.2f}, synthesis peak memory "
            f"{row['synthesis_mb'] / base['synthesis_mb']:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
