"""Whole runs: a workspace to a saved ICP version, and paste mode (files or stdin to a draft
in a temporary workspace)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.config import Settings
from agent.extract.runner import ExtractReport, run_extraction
from agent.ingest.batch import IngestReport, ingest_paths
from agent.schema.icp import ICPDraft
from agent.store import Workspace
from agent.synthesize import versions
from agent.synthesize.inputs import inputs_from_workspace
from agent.synthesize.pipeline import synthesize


def synthesize_workspace(
    workspace: Workspace,
    settings: Settings,
    embedder: Any,
    extract_first: bool = True,
    save: bool = True,
    on_extract: Callable[[ExtractReport], None] | None = None,
    llm: Any = None,
    progress: dict[str, Any] | None = None,
) -> tuple[ICPDraft, bool, ExtractReport | None]:
    """(draft, whether a new version was saved, the extraction report if one ran).
    `progress`: run_extraction's callbacks (on_total, on_doc, on_windows), for a progress bar."""
    report = None
    if extract_first:
        report = run_extraction(workspace, settings, embedder, llm=llm, **(progress or {}))
        if on_extract:
            on_extract(report)
    draft = synthesize(inputs_from_workspace(workspace, embedder), embedder.embed)
    if report is not None and report.failed:
        draft.warnings.append(
            f"{len(report.failed)} document(s) failed extraction and are missing from this draft: "
            + ", ".join(d.source for d in report.failed[:5])
        )
    if report is not None:
        draft.warnings.extend(f"Not read: {line}." for line in report.skipped)
    created = False
    if save:
        draft, created = versions.save(workspace, draft)
    return draft, created, report


def draft_from_inputs(
    paths: list[str],
    stdin_text: str | None,
    settings: Settings,
    embedder: Any,
    llm: Any = None,
) -> tuple[ICPDraft, IngestReport]:
    """Paste mode: the same pipeline in a throwaway workspace."""
    with tempfile.TemporaryDirectory(prefix="icp-draft-") as folder:
        temp_settings = settings.model_copy(update={"workspace": Path(folder), "chroma_url": None})
        workspace = Workspace(Path(folder), embedder.name)
        try:
            ingest = ingest_paths(paths, workspace, embedder, temp_settings, stdin_text=stdin_text)
            draft, _, _ = synthesize_workspace(
                workspace, temp_settings, embedder, save=False, llm=llm
            )
        finally:
            workspace.close()
    return draft, ingest
