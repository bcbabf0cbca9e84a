"""LLM tokens sent per corpus token for a full extraction (target ≤ 1.3; every input token read
once would be 1.0) and for an unchanged re-run (target 0), through the real openai/langchain
client against the local mock server. Tokens are counted with tiktoken on what was sent."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from scale import REPO, SAMPLE

sys.path.insert(0, str(REPO / "tests"))

from support.mock_openai import MockOpenAI

from agent.config import load_settings
from agent.embeddings import LocalEmbedder
from agent.extract.runner import extractable, run_extraction
from agent.ingest.batch import ingest_paths
from agent.store import Workspace
from agent.tokens import count_tokens

MODEL = "gpt-4o-mini"


def sent_tokens(requests: list[dict]) -> int:
    total = 0
    for request in requests:
        for message in request["body"].get("messages", []):
            content = message.get("content") or ""
            total += (
                count_tokens(content if isinstance(content, str) else json.dumps(content), MODEL)
                + 4
            )
    return total


def main() -> None:
    embedder = LocalEmbedder()
    corpora = {
        "sample sprint": SAMPLE,
        "relaypoint": REPO / "evals" / "datasets" / "relaypoint" / "sources",
    }
    print("LLM tokens sent per corpus token (mock OpenAI server, real client; tiktoken o200k)")
    print(
        f"{'corpus':14s} {'window':>7s} {'corpus tok':>11s} {'sent tok':>9s} {'ratio':>6s} {'calls':>6s} {'re-run calls':>13s} {'re-run ratio':>13s}"
    )
    with MockOpenAI(embedder) as mock:
        for name, source in corpora.items():
            for window in (1500, 3000, 6000):
                with tempfile.TemporaryDirectory() as folder:
                    settings = load_settings(
                        flags={
                            "workspace": folder,
                            "base_url": mock.base_url,
                            "model": MODEL,
                            "window_tokens": window,
                        },
                        environ={},
                    )
                    workspace = Workspace(Path(folder), embedder.name)
                    ingest_paths([str(source)], workspace, embedder, settings)
                    corpus = sum(count_tokens(d.text, MODEL) for d in extractable(workspace))
                    before = len(mock.chat_requests())
                    report = run_extraction(workspace, settings, embedder)
                    first = mock.chat_requests()[before:]
                    again_before = len(mock.chat_requests())
                    run_extraction(workspace, settings, embedder)
                    rerun = mock.chat_requests()[again_before:]
                    workspace.close()
                assert not report.failed
                ratio = sent_tokens(first) / corpus
                print(
                    f"{name:14s} {window:7d} {corpus:11d} {sent_tokens(first):9d} {ratio:6.2f} {len(first):6d} {len(rerun):13d} {sent_tokens(rerun) / corpus:13.2f}"
                )


if __name__ == "__main__":
    main()
