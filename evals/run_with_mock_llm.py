"""Run `icp eval --engine openai --judge` against the local mock OpenAI server (real client,
real HTTP): the LLM path measured end to end without network. The mock fills answers with the
offline engine, so its figures show the pipeline's plumbing (grounding, caching, retries),
not a real model's recall.

    .venv/bin/python evals/run_with_mock_llm.py [--dataset relaypoint]
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from support.mock_openai import MockOpenAI  # noqa: E402

from agent.cli import run  # noqa: E402
from agent.embeddings import LocalEmbedder  # noqa: E402


def main() -> int:
    with MockOpenAI(LocalEmbedder()) as mock:
        args = ["eval", "--engine", "openai", "--base-url", mock.base_url, "--judge", *sys.argv[1:]]
        return run(args)


if __name__ == "__main__":
    sys.exit(main())
