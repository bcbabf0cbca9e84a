"""The page and its smaller fragments: upload progress, the workspace (sources, versions) and
a version diff. Templates are files read with importlib.resources; every value is escaped."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from agent.ingest.loader import SUPPORTED_SUFFIXES
from agent.store import FileEntry
from agent.synthesize.versions import VersionDiff

STEPS = {
    "queued": "Waiting to start",
    "ingesting": "Reading files",
    "extracting": "Extracting evidence",
    "synthesizing": "Synthesizing the ICP",
    "done": "Done",
    "failed": "Failed",
}
STATUS_CLASS = {"ingested": "ok", "replaced": "ok", "failed": "bad", "duplicate": "warn"}


@cache
def _template(name: str) -> Template:
    return Template(resources.files("agent.web").joinpath("templates", name).read_text("utf-8"))


@cache
def static_file(name: str) -> bytes:
    return resources.files("agent.web").joinpath("static", name).read_bytes()


def page(
    csrf: str,
    workspace: Path | None,
    max_file_mb: float,
    max_total_mb: float,
    engine: str,
    external: bool,
) -> str:
    suffixes = sorted(SUPPORTED_SUFFIXES)
    section = ""
    if workspace is not None:
        section = (
            '<section id="workspace" class="panel"><h2>Workspace '
            f"<code>{escape(str(workspace))}</code></h2>"
            '<div id="workspace-view" aria-live="polite">Loading…</div></section>'
        )
    privacy = (
        "Text is sent to the configured model endpoint (PII redacted unless turned off)."
        if external
        else "Nothing leaves this machine."
    )
    return _template("index.html").substitute(
        csrf=escape(csrf),
        max_file_mb=f"{max_file_mb:g}",
        max_total_mb=f"{max_total_mb:g}",
        accept=escape(",".join(suffixes)),
        formats=escape(" ".join(suffixes)),
        has_workspace="yes" if workspace is not None else "no",
        workspace_section=section,
        engine=escape(engine),
        privacy=escape(privacy),
    )


def progress_html(progress: dict[str, Any]) -> str:
    step = progress["step"]
    done, total = progress["files_done"], progress["files_total"]
    counter = f" — {done}/{total} files" if total else ""
    rows = []
    for row in progress["files"]:
        status = row["status"]
        note = row.get("error") or ""
        if not note and row.get("accounts"):
            note = ", ".join(row["accounts"][:3])
        if row.get("warnings"):
            note += ("  ⚠ " if note else "⚠ ") + "; ".join(row["warnings"])
        renamed = (
            f' <span class="meta">(stored as {escape(row["source"])})</span>'
            if row["source"] != row["name"]
            else ""
        )
        rows.append(
            f'<li class="file {STATUS_CLASS.get(status, "")}" data-source="{escape(row["source"])}">'
            f'<span class="name">{escape(row["name"])}</span>{renamed} '
            f'<span class="status">{escape(status)}</span> '
            f'<span class="file-note">{escape(note)}</span></li>'
        )
    error = f'<p class="error">{escape(progress["error"])}</p>' if progress.get("error") else ""
    busy = "" if progress["finished"] else ' <span class="spinner" aria-hidden="true"></span>'
    return (
        f'<div class="progress step-{escape(step)}"><p class="step">{escape(STEPS.get(step, step))}'
        f"{counter}{busy}</p>"
        f'<ul class="files">{"".join(rows)}</ul>{error}</div>'
    )


def workspace_html(root: Path, files: list[FileEntry], versions: list[tuple[int, str, str]]) -> str:
    rows = "".join(
        f"<tr><td>{escape(f.source)}</td><td>{escape(f.kind or '')}</td><td>{f.documents}</td>"
        f"<td>{f.chunks}</td><td>{escape(', '.join(f.accounts[:3]) + (f' +{len(f.accounts) - 3}' if len(f.accounts) > 3 else ''))}</td>"
        f"<td>{escape(f.ingested_at)}</td><td>{escape('; '.join(f.warnings))}</td></tr>"
        for f in files
    )
    sources = (
        f"<h3>Sources ({len(files)} files, {sum(f.documents for f in files)} documents)</h3>"
        '<div class="scroll"><table class="sources"><thead><tr><th>File</th><th>Kind</th><th>Docs</th>'
        f"<th>Chunks</th><th>Accounts</th><th>Ingested</th><th>Warnings</th></tr></thead><tbody>{rows}</tbody></table></div>"
        if files
        else '<p class="note">No sources yet: run <code>icp ingest PATH…</code>.</p>'
    )
    if not versions:
        return (
            sources
            + '<h3>ICP versions</h3><p class="note">None yet: run <code>icp synthesize</code>.</p>'
        )
    items = "".join(
        f'<li><button type="button" class="version" data-version="{number}">v{number}</button> '
        f'<span class="meta">{escape(created)} · inputs {escape(fingerprint[:12])}</span></li>'
        for number, created, fingerprint in reversed(versions)
    )
    options = "".join(f'<option value="{n}">v{n}</option>' for n, _, _ in versions)
    compare = ""
    if len(versions) >= 2:
        compare = (
            '<form id="diff-form" class="inline"><label>Compare <select name="old">'
            + options.replace(f'value="{versions[-2][0]}"', f'value="{versions[-2][0]}" selected')
            + '</select></label> <label>with <select name="new">'
            + options.replace(f'value="{versions[-1][0]}"', f'value="{versions[-1][0]}" selected')
            + '</select></label> <button type="submit">Show changes</button></form>'
            '<div id="diff" aria-live="polite"></div>'
        )
    return f'{sources}<h3>ICP versions</h3><ul class="versions">{items}</ul>{compare}'


def diff_html(diff: VersionDiff) -> str:
    head = (
        f"<p><strong>{escape(diff.from_version)} → {escape(diff.to_version)}</strong>: "
        f"accounts {diff.accounts[0]} → {diff.accounts[1]}, documents {diff.documents[0]} → {diff.documents[1]}, "
        f"overall PMF {escape(str(diff.pmf_overall[0]))} → {escape(str(diff.pmf_overall[1]))}</p>"
    )
    items = []
    for change in diff.segments:
        details = "; ".join(f"{field}: {a} → {b}" for field, (a, b) in change.changes.items())
        if change.new_top_pains:
            details += (
                ("; " if details else "") + "new top pains: " + ", ".join(change.new_top_pains)
            )
        items.append(
            f'<li class="change change-{escape(change.change)}"><span class="badge">{escape(change.change)}</span> '
            f"<strong>{escape(change.segment)}</strong> {escape(details)}</li>"
        )
    items += [
        f'<li class="change change-added"><span class="badge">+ negative ICP</span> {escape(t)}</li>'
        for t in diff.negative_icp_added
    ]
    items += [
        f'<li class="change change-removed"><span class="badge">− negative ICP</span> {escape(t)}</li>'
        for t in diff.negative_icp_removed
    ]
    return f'<div class="diff">{head}<ul>{"".join(items)}</ul></div>'
