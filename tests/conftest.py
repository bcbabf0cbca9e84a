"""Test isolation: no network, no user config, a temp workspace and cache for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "sample-sprint" / "sources"
# Public real data copied into the repo with its licence (CC0), so a fresh clone tests it.
REALDATA = REPO / "tests" / "data" / "realdata"
JUPYTER_SURVEY = REALDATA / "jupyter-2015-ux" / "20160115235816-SurveyExport.csv"


@pytest.fixture(scope="session")
def tiktoken_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tiktoken")


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One optimised embedding graph (90 MB) for the whole run, not one per test."""
    return tmp_path_factory.mktemp("icp-cache")


@pytest.fixture(autouse=True)
def isolated_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiktoken_cache: Path, model_cache: Path
) -> None:
    for name in list(os.environ):
        if name.startswith(("ICP_", "OPENAI_", "LANGSMITH_", "LANGCHAIN_", "AZURE_OPENAI")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tiktoken_cache))
    monkeypatch.setenv("COLUMNS", "220")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("ICP_CACHE_DIR", str(model_cache))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Path:
    return tmp_path / "ws"


@pytest.fixture
def icp(capsys: pytest.CaptureFixture[str]):
    """Run the CLI in-process: returns (exit code, stdout, stderr)."""
    from agent.cli import run

    def invoke(*args: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None):
        import io
        import sys

        capsys.readouterr()
        old_stdin = sys.stdin
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            code = run([str(a) for a in args])
        finally:
            sys.stdin = old_stdin
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture(scope="session")
def embedder():
    from agent.embeddings import LocalEmbedder

    return LocalEmbedder()


@pytest.fixture(scope="session")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The bundled sample sprint, ingested, extracted (offline) and synthesized as v1.
    Read-only for tests: copy it (`copy_workspace`) before changing anything."""
    from agent.config import load_settings
    from agent.ingest.batch import ingest_paths
    from agent.store import Workspace
    from agent.synthesize.runs import synthesize_workspace

    folder = tmp_path_factory.mktemp("sample") / "ws"
    settings = load_settings(flags={"workspace": folder}, environ={})
    workspace = Workspace(folder, embedder.name)
    try:
        report = ingest_paths([str(SAMPLE)], workspace, embedder, settings)
        assert report.ok, report.failed
        synthesize_workspace(workspace, settings, embedder)
    finally:
        workspace.close()
    return folder


@pytest.fixture
def copy_workspace(tmp_path: Path, sample_workspace: Path):
    def make() -> Path:
        import shutil

        target = tmp_path / "ws-copy"
        shutil.copytree(sample_workspace, target)
        return target

    return make
