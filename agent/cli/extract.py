"""`icp extract`: evidence with grounded quotes, by the offline engine or an LLM."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from agent.cli.app import command
from agent.cli.console import err, hint, out
from agent.cli.options import (
    BaseUrl,
    ChromaUrl,
    Embeddings,
    Engine,
    Json,
    Model,
    Workspace_,
    open_workspace,
    settings_from,
    workspace_flag,
)
from agent.cli.progress import RunProgress


@command(
    examples=[
        "icp extract                      # new and changed documents only",
        "icp extract --dry-run --engine openai   # tokens and cost, nothing sent",
        "icp extract --force --json > extraction.json",
    ]
)
def extract(
    workspace: Workspace_ = None,
    chroma_url: ChromaUrl = None,
    embeddings: Embeddings = None,
    engine: Engine = None,
    model: Model = None,
    base_url: BaseUrl = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print estimated tokens and cost; call nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Re-extract documents even when unchanged.")
    ] = False,
    json_out: Json = False,
) -> None:
    """Extract evidence with verbatim quotes.

    Pains, jobs, triggers, roles, firmographics… from every new or changed document, by the
    offline engine or an LLM. `icp synthesize` runs this first on its own."""
    from agent.embeddings import make_embedder
    from agent.extract.runner import run_extraction

    settings = settings_from(
        chroma_url=chroma_url,
        embeddings=embeddings,
        workspace=workspace,
        engine=engine,
        model=model,
        base_url=base_url,
    )
    ws = open_workspace(settings, must_exist=True)
    with RunProgress(err, "Extracting", quiet=json_out or dry_run) as progress:
        report = run_extraction(
            ws,
            settings,
            make_embedder(settings),
            dry_run=dry_run,
            force=force,
            on_total=progress.set_total,
            on_doc=lambda d: progress.advance(d.source),
            on_windows=progress.windows,
        )
    ws.close()
    if json_out:
        out.print_json(json.dumps(report.as_dict(), default=str))
    else:
        _print(report)
    if report.failed:
        raise typer.Exit(1)
    if not json_out and not dry_run:
        where = workspace_flag(settings)
        hint(f"Next: icp synthesize{where} -o icp.html to build the ICP from this evidence.")


def _print(report) -> None:
    changed = [d for d in report.documents if d.status != "unchanged"]
    if changed:
        table = Table(title="Documents", title_justify="left")
        for column in ("source", "account", "status", "evidence", "claims", "dropped", "note"):
            table.add_column(column, overflow="fold")
        for doc in sorted(changed, key=lambda d: d.source):
            note = doc.error or (
                f"{doc.windows} windows, {doc.cached_windows} cached" if doc.windows else ""
            )
            style = {"extracted": "green", "failed": "bold red", "planned": "cyan"}.get(
                doc.status, "dim"
            )
            table.add_row(
                doc.source,
                doc.account or "",
                f"[{style}]{doc.status}",
                str(doc.evidence or ""),
                str(doc.claims or ""),
                str(doc.dropped or ""),
                note,
            )
        out.print(table)
    for line in report.skipped:
        out.print(f"Not read: {line}.", markup=False, highlight=False)
    unchanged = len(report.documents) - len(changed)
    out.print(
        f"Engine: [bold]{report.engine}[/]"
        + (f" (prompt {report.prompt_version})" if report.prompt_version else "")
    )
    if report.dry_run:
        estimate = report.estimate
        cost = (
            "unknown price" if estimate.get("cost_usd") is None else f"${estimate['cost_usd']:.4f}"
        )
        out.print(
            f"Dry run: {estimate.get('calls', 0)} calls, ~{estimate.get('input_tokens', 0):,} input + ~{estimate.get('output_tokens', 0):,} output tokens, ~{cost}. Nothing was sent."
        )
        return
    usage = report.usage
    if report.model:
        cost = "unknown price" if usage.get("cost_usd") is None else f"${usage['cost_usd']:.4f}"
        out.print(
            f"Tokens: {usage.get('input_tokens', 0):,} in, {usage.get('output_tokens', 0):,} out in {usage.get('calls', 0)} calls ({usage.get('cached_calls', 0)} from cache), {cost}."
        )
    dropped = sum(d.dropped for d in report.documents)
    if report.by_kind:
        kinds = ", ".join(
            f"{k} {n}" for k, n in sorted(report.by_kind.items(), key=lambda kv: -kv[1])
        )
        out.print(f"Evidence in workspace (claims): {kinds}.")
    out.print(
        f"{len(changed)} documents processed, {unchanged} unchanged; {dropped} ungrounded quotes dropped."
    )
    if report.failed:
        err.print(
            f"[bold red]{len(report.failed)} document(s) failed[/]; the rest was stored. Run `icp extract` again to retry them."
        )
