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
from agent.ingest.paste_split import PastePiece
from agent.render import labels
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
STATUS_CLASS = {
    "ingested": "ok",
    "replaced": "ok",
    "failed": "bad",
    "not research": "bad",
    "duplicate": "warn",
}
STATUS_WORDS = {
    "ingested": "read",
    "replaced": "read again",
    "failed": "could not be read",
    "not research": "left out",
    "duplicate": "same as another file",
    "skipped": "skipped",
    "unchanged": "unchanged",
    "waiting": "waiting",
}


def time_html(value: str | float, with_time: bool = True) -> str:
    """A date in words, in a <time> element the page rewrites in the reader's own format."""
    import datetime as dt

    moment = (
        dt.datetime.fromtimestamp(value, dt.UTC)
        if isinstance(value, int | float)
        else dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    )
    shown = labels.date(moment if with_time else moment.date())
    return (
        f'<time datetime="{escape(labels.iso(moment))}" data-format="{"datetime" if with_time else "date"}">'
        f"{escape(shown)}</time>"
    )


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
    keep_days: int = 7,
) -> str:
    """The page. With a workspace the ICP comes first and the paste form folds away below."""
    suffixes = sorted(SUPPORTED_SUFFIXES)
    section = ""
    if workspace is not None:
        section = (
            '<section id="workspace" class="panel" aria-labelledby="workspace-title">'
            '<h2 id="workspace-title">Sources and versions</h2>'
            f'<p class="meta">Workspace <code>{escape(str(workspace))}</code></p>'
            '<div id="workspace-view" aria-live="polite">Loading…</div></section>'
        )
    how = (
        "Evidence is read by a language model at the configured endpoint (personal details are removed first unless that is turned off)."
        if external or engine != "offline"
        else "Everything runs on this computer: nothing is sent anywhere."
    )
    return _template("index.html").substitute(
        csrf=escape(csrf),
        max_file_mb=f"{max_file_mb:g}",
        max_total_mb=f"{max_total_mb:g}",
        accept=escape(",".join(suffixes)),
        formats=escape(" ".join(suffixes)),
        has_workspace="yes" if workspace is not None else "no",
        workspace_section=section,
        privacy=escape(how),
        keep_days=str(keep_days),
        form_open="" if workspace is not None else " open",
        form_title="Draft from pasted research instead" if workspace is not None else "New draft",
    )


def split_html(pieces: list[PastePiece], names: list[str]) -> str:
    """The split of a paste, for the user to confirm (or keep it as one transcript)."""
    if len(pieces) < 2:
        return ""
    items = []
    for piece, name in zip(pieces, names, strict=True):
        who = ", ".join(piece.speakers[:4]) or "no speaker labels"
        why = f" — starts at {piece.reason}" if piece.reason else ""
        items.append(
            f"<li><strong>{escape(piece.title or name)}</strong> "
            f'<span class="meta">{labels.plural(piece.words, "word")} · {escape(who)}{escape(why)}</span></li>'
        )
    return (
        f'<p class="split-head">This looks like <strong>{len(pieces)} transcripts</strong>; '
        "each becomes its own document:</p>"
        f'<ol class="split-list">{"".join(items)}</ol>'
    )


def progress_html(progress: dict[str, Any]) -> str:
    step = progress["step"]
    done, total = progress["files_done"], progress["files_total"]
    counter = f" — {done} of {labels.plural(total, 'file')}" if total else ""
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
            if row["source"] != row["name"] and not row.get("pasted")
            else ""
        )
        rows.append(
            f'<li class="file {STATUS_CLASS.get(status, "")}" data-source="{escape(row["source"])}" data-status="{escape(status)}">'
            f'<span class="name">{escape(row["name"])}</span>{renamed} '
            f'<span class="status">{escape(STATUS_WORDS.get(status, status))}</span> '
            f'<span class="file-note">{escape(labels.without_emails(note))}</span></li>'
        )
    error = (
        f'<p class="error" role="alert">{escape(progress["error"])}</p>'
        if progress.get("error")
        else ""
    )
    busy = "" if progress["finished"] else ' <span class="spinner" aria-hidden="true"></span>'
    resumed = (
        '<p class="note">The server restarted while this draft was being built: it is being built again from your saved inputs.</p>'
        if progress.get("resumed") and not progress["finished"]
        else ""
    )
    keep = ""
    if progress.get("expires_at"):
        keep = (
            f'<p class="meta keep">Kept on this computer until {time_html(progress["expires_at"])} '
            f"({progress.get('keep_days', 7)} days after you last open it), then removed.</p>"
        )
    return (
        f'<div class="progress step-{escape(step)}"><p class="step">{escape(STEPS.get(step, step))}'
        f"{escape(counter)}{busy}</p>{resumed}"
        f'<ul class="files">{"".join(rows)}</ul>{error}{keep}</div>'
    )


def workspace_html(root: Path, files: list[FileEntry], versions: list[tuple[int, str, str]]) -> str:
    rows = "".join(
        f"<tr><td>{escape(f.source)}</td><td>{escape(labels.source_kind(f.kind) if f.kind else 'Unknown')}</td>"
        f"<td>{f.documents}</td><td>{f.chunks}</td>"
        f"<td>{escape(', '.join(f.accounts[:3]) + (f' +{len(f.accounts) - 3}' if len(f.accounts) > 3 else ''))}</td>"
        f"<td>{time_html(f.ingested_at)}</td><td>{escape('; '.join(f.warnings))}</td></tr>"
        for f in files
    )
    sources = (
        f"<h3>Sources ({labels.plural(len(files), 'file')}, {labels.plural(sum(f.documents for f in files), 'document')})</h3>"
        '<div class="scroll table-wrap" tabindex="0" role="region" aria-label="Sources"><table class="sources"><thead><tr>'
        '<th scope="col">File</th><th scope="col">Kind</th><th scope="col">Documents</th>'
        '<th scope="col">Passages</th><th scope="col">Accounts</th><th scope="col">Added</th><th scope="col">Warnings</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div>"
        if files
        else '<p class="note">No sources yet: add research with <code>icp ingest PATH…</code>.</p>'
    )
    if not versions:
        return (
            sources
            + '<h3>ICP versions</h3><p class="note">None yet: run <code>icp synthesize</code>.</p>'
        )
    items = "".join(
        f'<li><button type="button" class="version" data-version="{number}">Show v{number}</button> '
        f'<span class="meta">{time_html(created)} · inputs {escape(fingerprint[:12])}</span></li>'
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


def _pmf(value: object) -> str:
    return (
        "no answers"
        if value is None
        else f"{value:.0f}%"
        if isinstance(value, float)
        else str(value)
    )


def diff_html(diff: VersionDiff) -> str:
    head = (
        f"<p><strong>{escape(diff.from_version)} → {escape(diff.to_version)}</strong>: "
        f"accounts {diff.accounts[0]} → {diff.accounts[1]}, documents {diff.documents[0]} → {diff.documents[1]}, "
        f"overall PMF {escape(_pmf(diff.pmf_overall[0]))} → {escape(_pmf(diff.pmf_overall[1]))}</p>"
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
