"""Offline extraction speed on the bundled sample sprint: the current code against the baseline
engine (commit ea8ecd5, before the classifier, structure parsing and informativeness gates) in
the same run, as a ratio. Target: the current engine no slower than 1.5x the baseline.

The baseline is checked out into a temporary `git worktree` of this clone (removed afterwards);
outside a git clone, or when the commit is missing (a shallow clone), the benchmark says so and
exits 1 instead of printing a ratio. Each engine runs in its own process from its own source
tree: the documents are loaded by that tree's loader (not timed), the models are warmed up on
one document, then extracting every research document is timed; processes alternate between
the engines and the fastest of the rounds counts, so load from other work on the machine
weighs the same on both."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scale import REPO, SAMPLE

BASELINE = "ea8ecd5"
TARGET = 1.5

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
import agent
from agent.embeddings import LocalEmbedder
from agent.extract.offline import OfflineExtractor
from agent.ingest.discover import discover
from agent.ingest.loader import load_file
from agent.ingest.rawfile import read_raw
assert Path(agent.__file__).resolve().is_relative_to(Path({root!r}).resolve()), agent.__file__
documents = []
for path, name in discover([{src!r}]).files:
    documents.extend(load_file(read_raw(path, name, 50 * 2**20)).documents)
documents = [
    d for d in documents
    if d.kind.value != "crm" and str(d.metadata.get("language") or "en") == "en"
]
embedder = LocalEmbedder()
extractor = OfflineExtractor(embedder)
extractor.extract(max(documents, key=lambda d: len(d.text)))  # models and prototypes loaded
start = time.perf_counter()
evidence = [e for d in documents for e in extractor.extract(d)]
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "documents": len(documents), "evidence": len(evidence),
    "characters": sum(len(d.text) for d in documents)}}))
"""


def timed(root: Path, source: Path) -> dict:
    code = CHILD.format(root=str(root), src=str(source))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=str(root)
    )
    if done.returncode != 0:
        raise RuntimeError(f"extraction failed in {root}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)


def baseline_problem(commit: str) -> str | None:
    """Why the baseline cannot be checked out here, or None."""
    try:
        inside = git("rev-parse", "--is-inside-work-tree")
    except OSError as exc:
        return f"git is not available ({exc})"
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return f"{REPO} is not a git clone"
    if git("cat-file", "-e", f"{commit}^{{commit}}").returncode != 0:
        return f"commit {commit} is not in this clone (a shallow clone? run git fetch --unshallow)"
    return None


@contextmanager
def worktree(commit: str, folder: Path) -> Iterator[Path]:
    """`commit` checked out in a git worktree under `folder` for the block, removed afterwards;
    RuntimeError (with git's reason) when it cannot be created."""
    tree = folder / "baseline"
    added = git("worktree", "add", "--detach", str(tree), commit)
    if added.returncode != 0:
        raise RuntimeError(f"cannot create a worktree of {commit}: {added.stderr.strip()}")
    try:
        yield tree
    finally:
        git("worktree", "remove", "--force", str(tree))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="processes per engine (default 3)")
    parser.add_argument(
        "--baseline", default=BASELINE, help=f"baseline commit (default {BASELINE})"
    )
    args = parser.parse_args()
    problem = baseline_problem(args.baseline)
    if problem:
        current = timed(REPO, SAMPLE)
        print(
            f"Offline extraction of the sample sprint: {current['seconds']:.2f} s (current code)."
        )
        print(f"No ratio: the baseline {args.baseline} cannot be timed here: {problem}.")
        return 1
    runs: dict[str, list[dict]] = {"baseline": [], "current": []}
    with tempfile.TemporaryDirectory(prefix="icp-bench-base-") as folder:
        try:
            with worktree(args.baseline, Path(folder)) as tree:
                for _ in range(max(1, args.rounds)):
                    runs["baseline"].append(timed(tree, SAMPLE))
                    runs["current"].append(timed(REPO, SAMPLE))
        except RuntimeError as exc:
            print(f"No ratio: {exc}")
            return 1
    best = {name: min(rows, key=lambda r: r["seconds"]) for name, rows in runs.items()}
    print(
        f"Offline extraction of {SAMPLE.relative_to(REPO)} (local MiniLM embeddings; best of {args.rounds})"
    )
    print(
        f"{'engine':28s} {'docs':>5s} {'chars':>8s} {'evidence':>9s} {'seconds':>8s} {'all runs':>20s}"
    )
    for name, label in (("baseline", f"baseline {args.baseline}"), ("current", "current")):
        row = best[name]
        every = " ".join(f"{r['seconds']:.2f}" for r in runs[name])
        print(
            f"{label:28s} {row['documents']:5d} {row['characters']:8d} {row['evidence']:9d} "
            f"{row['seconds']:8.2f} {every:>20s}"
        )
    ratio = best["current"]["seconds"] / best["baseline"]["seconds"]
    verdict = "within" if ratio <= TARGET else "OVER"
    print(f"time ratio current / baseline: {ratio:.2f} ({verdict} the {TARGET}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
