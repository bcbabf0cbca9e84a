"""`icp ingest`, `icp sources`, `icp config` (`icp forget` is in agent.cli.upkeep)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from agent.cli.app import command
from agent.cli.console import err, hint, out
from agent.cli.options import (
    ChromaUrl,
    Embeddings,
    Json,
    Workspace_,
    open_workspace,
    settings_from,
    workspace_flag,
)
from agent.cli.progress import RunProgress
from agent.errors import UsageError

_STATUS_STYLE = {
    "ingested": "green",
    "replaced": "cyan",
    "unchanged": "dim",
    "duplicate": "yellow",
    "skipped": "dim",
    "failed": "bold red",
}


@command(
    examples=[
        "icp ingest interviews/ win-loss/ pmf-survey.csv",
        "icp ingest 'calls/*.vtt' -w ~/research/q3",
        "pbpaste | icp ingest -          # a pasted transcript",
        "icp ingest research/ --json | jq '.files[] | select(.status == \"failed\")'",
    ]
)
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="PATH", help="Files, folders or globs; '-' reads stdin."),
    ],
    workspace: Workspace_ = None,
    json_out: Json = False,
    chroma_url: ChromaUrl = None,
    embeddings: Embeddings = None,
) -> None:
    """Load research files into the workspace.

    Interview transcripts (txt, md, docx, VTT, SRT), notes, win/loss, PMF surveys and CRM
    exports. Unchanged files are skipped, so running it again is safe."""
    from agent.ingest.batch import ingest_paths

    settings = settings_from(workspace=workspace, chroma_url=chroma_url, embeddings=embeddings)
    stdin_text = None
    if "-" in paths:
        paths = [p for p in paths if p != "-"]
        stdin_text = sys.stdin.read()
        if not stdin_text.strip():
            raise UsageError("nothing on stdin to ingest")
    ws = open_workspace(settings)
    with RunProgress(err, "Ingesting", unit="files", quiet=json_out) as progress:

        def on_file(result) -> None:  # every counted file, skipped ones (not research) too
            progress.advance(result.source)

        report = ingest_paths(
            paths,
            ws,
            _embedder(settings),
            settings,
            on_file=on_file,
            on_total=progress.set_total,
            on_wait=lambda: progress.note(
                "Waiting for another icp process to finish writing this workspace…"
            ),
            stdin_text=stdin_text,
        )
    ws.close()
    if json_out:
        out.print_json(json.dumps(report.as_dict(), default=str))
    else:
        _print_report(report, settings.workspace)
        if any(r.status in ("ingested", "replaced", "unchanged") for r in report.results):
            where = workspace_flag(settings)
            hint(
                f"Next: icp synthesize{where} -o icp.html to build the ICP "
                f"(icp sources{where} lists what is in the workspace)."
            )
    if not report.ok:
        raise typer.Exit(1)


def _embedder(settings):
    from agent.embeddings import make_embedder

    return make_embedder(settings)


def _print_report(report, workspace) -> None:
    files = Table(title="Files", title_justify="left", show_lines=False)
    for column in ("file", "status", "kind", "docs", "chunks", "account(s) / note"):
        files.add_column(column, overflow="fold")
    for result in report.results:
        note = result.error or ", ".join(result.accounts[:3]) + (
            f" +{len(result.accounts) - 3}" if len(result.accounts) > 3 else ""
        )
        if result.duplicate_rows or result.empty_rows:
            note += f" ({result.duplicate_rows} duplicate, {result.empty_rows} empty rows dropped)"
        if result.warnings:
            note += "  ⚠ " + "; ".join(result.warnings)
        files.add_row(
            result.source,
            f"[{_STATUS_STYLE[result.status]}]{result.status}",
            result.kind or "",
            str(result.documents or ""),
            str(result.chunks or ""),
            note,
        )
    out.print(files)
    for result in report.results:
        if result.columns and result.status in ("ingested", "replaced"):
            read = "; ".join(f"{header} → {role}" for header, role in result.columns.items())
            out.print(f"[bold]{result.source}[/] columns read as: {read}", highlight=False)
    by_kind = report.by_kind()
    if by_kind:
        kinds = Table(title="New or changed, by kind", title_justify="left")
        for column in ("kind", "files", "documents", "chunks"):
            kinds.add_column(column, justify="right" if column != "kind" else "left")
        for kind, counts in sorted(by_kind.items()):
            kinds.add_row(
                kind, str(counts["files"]), str(counts["documents"]), str(counts["chunks"])
            )
        out.print(kinds)
    by_account = report.by_account()
    if by_account:
        accounts = Table(title="By account (files)", title_justify="left")
        accounts.add_column("account")
        accounts.add_column("files", justify="right")
        for account, count in by_account.most_common():
            accounts.add_row(account, str(count))
        out.print(accounts)
    for missing in report.missing:
        err.print(f"[bold red]Not found:[/] {missing}")
    failed = report.failed
    counts = {s: sum(1 for r in report.results if r.status == s) for s in _STATUS_STYLE}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    out.print(f"Workspace {workspace}: {summary or 'nothing to do'}.")
    if failed or report.missing:
        err.print(
            f"[bold red]{len(failed) + len(report.missing)} input(s) failed[/]; everything else was stored."
        )


@command(examples=["icp sources", "icp sources -w ~/research/q3 --json"])
def sources(workspace: Workspace_ = None, json_out: Json = False) -> None:
    """List the ingested files.

    Each file with its kind, documents, chunks and accounts."""
    settings = settings_from(workspace=workspace)
    ws = open_workspace(settings, must_exist=True)
    entries = ws.catalog.files()
    ws.close()
    if json_out:
        out.print_json(json.dumps([e.__dict__ for e in entries]))
        return
    table = Table(title=f"Sources in {settings.workspace}", title_justify="left")
    for column in ("file", "kind", "docs", "chunks", "accounts", "ingested"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        accounts = ", ".join(entry.accounts[:3]) + (
            f" +{len(entry.accounts) - 3}" if len(entry.accounts) > 3 else ""
        )
        table.add_row(
            entry.source,
            entry.kind or "",
            str(entry.documents),
            str(entry.chunks),
            accounts,
            entry.ingested_at,
        )
    out.print(table)
    out.print(
        f"{len(entries)} files, {sum(e.documents for e in entries)} documents, {sum(e.chunks for e in entries)} chunks."
    )


@command(examples=["icp config", "ICP_ENGINE=openai icp config --json"])
def config(
    workspace: Workspace_ = None,
    json_out: Json = False,
) -> None:
    """Show the effective settings.

    Flags > environment > .env > the workspace's config.yaml; keys masked."""
    settings = settings_from(workspace=workspace)
    data = settings.masked()
    if json_out:
        out.print_json(json.dumps(data, default=str))
        return
    table = Table(title="Effective settings", title_justify="left")
    table.add_column("setting")
    table.add_column("value", overflow="fold")
    for key, value in data.items():
        table.add_row(key, "" if value is None else str(value))
    out.print(table)
