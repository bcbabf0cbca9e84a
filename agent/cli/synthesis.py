"""`icp synthesize`, `icp draft`, `icp versions`, `icp diff`, `icp schema`, `icp score`."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from agent.cli.app import app
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
)
from agent.errors import ICPError, SourceError, UsageError

out = Console()
err = Console(stderr=True)

Format = Annotated[
    str | None,
    typer.Option("--format", "-f", help="md | json | html (default: from --out, else md)"),
]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Write the document to this file.")]


def _format(fmt: str | None, out_path: Path | None) -> str:
    if fmt:
        fmt = fmt.lower()
    elif out_path is not None and out_path.suffix.lower() in (".json", ".html", ".htm", ".md"):
        fmt = {".htm": "html"}.get(out_path.suffix.lower(), out_path.suffix.lower()[1:])
    else:
        fmt = "md"
    if fmt not in ("md", "json", "html"):
        raise UsageError(f"unknown format {fmt!r}: use md, json or html")
    return fmt


def render(draft, fmt: str) -> str:
    from agent.render import to_html, to_markdown

    if fmt == "json":
        return draft.model_dump_json(indent=2)
    if fmt == "html":
        return to_html(draft)
    return to_markdown(draft)


def _emit(text: str, out_path: Path | None) -> None:
    if out_path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(text, encoding="utf-8")
    err.print(f"Wrote {out_path}")


@app.command()
def synthesize(
    workspace: Workspace_ = None,
    chroma_url: ChromaUrl = None,
    embeddings: Embeddings = None,
    out_path: Out = None,
    fmt: Format = None,
    engine: Engine = None,
    model: Model = None,
    base_url: BaseUrl = None,
    no_extract: Annotated[
        bool, typer.Option("--no-extract", help="Use the evidence already extracted.")
    ] = False,
) -> None:
    """Build the ICP document from the workspace (extracting new documents first) and save a version."""
    from agent.embeddings import make_embedder
    from agent.synthesize.runs import synthesize_workspace

    chosen = _format(fmt, out_path)
    settings = settings_from(
        chroma_url=chroma_url,
        embeddings=embeddings,
        workspace=workspace,
        engine=engine,
        model=model,
        base_url=base_url,
    )
    ws = open_workspace(settings, must_exist=True)
    if not ws.catalog.files():
        ws.close()
        raise ICPError(
            f"the workspace {settings.workspace} has no research in it yet, so there is nothing "
            "to synthesize: add transcripts, notes, surveys or CRM exports with `icp ingest PATH...`"
        )
    with err.status("Extracting evidence and synthesizing…"):
        draft, created, report = synthesize_workspace(
            ws, settings, make_embedder(settings), extract_first=not no_extract
        )
    ws.close()
    _emit(render(draft, chosen), out_path)
    status = (
        f"Saved as v{draft.version}." if created else f"Inputs unchanged: still v{draft.version}."
    )
    err.print(f"{status} {len(draft.segments)} segments, engine {draft.engine}.")
    if report is not None and report.failed:
        raise typer.Exit(1)


@app.command()
def draft(
    paths: Annotated[list[str], typer.Argument(help="Transcript files, or '-' for stdin (paste).")],
    out_path: Out = None,
    fmt: Format = None,
    engine: Engine = None,
    model: Model = None,
    base_url: BaseUrl = None,
) -> None:
    """Paste mode: a draft ICP from one or a few transcripts, in a temporary workspace."""
    import tempfile

    from agent.embeddings import make_embedder
    from agent.ingest.paste_split import draft_inputs
    from agent.synthesize.runs import draft_from_inputs

    chosen = _format(fmt, out_path)
    stdin_text = None
    if "-" in paths:
        paths = [p for p in paths if p != "-"]
        stdin_text = sys.stdin.read()
        if not stdin_text.strip():
            raise UsageError("nothing on stdin: paste a transcript, e.g. `pbpaste | icp draft -`")
    settings = settings_from(engine=engine, model=model, base_url=base_url)
    with tempfile.TemporaryDirectory(prefix="icp-paste-") as folder:
        # several transcripts piped at once stay separate documents; non-research is left out
        inputs = draft_inputs(paths, stdin_text, Path(folder))
        paths, stdin_text, rejected = inputs.paths, inputs.stdin_text, inputs.rejected
        if inputs.split:
            err.print(
                f"Read {len(inputs.split)} transcripts from stdin: " + ", ".join(inputs.split)
            )
        for line in rejected:
            err.print(f"[bold red]Left out[/] {line}")
        if not paths and stdin_text is None:
            raise ICPError("this does not look like customer research, so no ICP was drafted")
        with err.status("Drafting…"):
            result, ingest = draft_from_inputs(paths, stdin_text, settings, make_embedder(settings))
    for failed in ingest.failed:
        err.print(f"[bold red]Skipped {failed.source}:[/] {failed.error}")
    for missing in ingest.missing:
        err.print(f"[bold red]Not found:[/] {missing}")
    if not any(r.status in ("ingested", "replaced") for r in ingest.results):
        raise SourceError(
            ", ".join(paths) or "stdin", "nothing could be read, so there is nothing to draft from"
        )
    _emit(render(result, chosen), out_path)
    if not ingest.ok or rejected:
        raise typer.Exit(1)


@app.command("versions")
def list_versions(workspace: Workspace_ = None, json_out: Json = False) -> None:
    """List the saved ICP versions."""
    settings = settings_from(workspace=workspace)
    ws = open_workspace(settings, must_exist=True)
    rows = ws.catalog.versions()
    ws.close()
    if json_out:
        out.print_json(
            json.dumps(
                [{"version": f"v{v}", "created_at": c, "fingerprint": f} for v, c, f in rows]
            )
        )
        return
    table = Table(title="ICP versions", title_justify="left")
    for column in ("version", "created", "input fingerprint"):
        table.add_column(column)
    for version, created, fingerprint in rows:
        table.add_row(f"v{version}", created, fingerprint)
    out.print(table)


@app.command()
def diff(
    old: Annotated[
        str | None,
        typer.Argument(help="Older version, e.g. v1 (default: the one before the latest)."),
    ] = None,
    new: Annotated[
        str | None, typer.Argument(help="Newer version, e.g. v2 (default: the latest).")
    ] = None,
    workspace: Workspace_ = None,
    json_out: Json = False,
) -> None:
    """What changed between two ICP versions: segments added or removed, support and PMF changes."""
    from agent.synthesize import versions

    settings = settings_from(workspace=workspace)
    ws = open_workspace(settings, must_exist=True)
    numbers = [v for v, _, _ in ws.catalog.versions()]
    if old is None and new is None:
        if len(numbers) < 2:
            ws.close()
            raise UsageError(
                "need two versions to compare; run `icp synthesize` again after adding research"
            )
        old_number, new_number = numbers[-2], numbers[-1]
    else:
        old_number = versions.parse_version(old or "")
        new_number = versions.parse_version(new) if new else numbers[-1]
    result = versions.diff(versions.load(ws, old_number), versions.load(ws, new_number))
    ws.close()
    if json_out:
        out.print_json(result.model_dump_json())
        return
    out.print(
        f"[bold]{result.from_version} → {result.to_version}[/]: accounts {result.accounts[0]} → {result.accounts[1]}, "
        f"documents {result.documents[0]} → {result.documents[1]}, overall PMF {result.pmf_overall[0]} → {result.pmf_overall[1]}"
    )
    for change in result.segments:
        style = {"added": "green", "removed": "red", "changed": "yellow"}.get(change.change, "dim")
        details = "; ".join(f"{field}: {a} → {b}" for field, (a, b) in change.changes.items())
        if change.new_top_pains:
            details += (
                ("; " if details else "") + "new top pains: " + ", ".join(change.new_top_pains)
            )
        out.print(f"[{style}]{change.change:8s}[/] {change.segment}  {details}")
    for trait in result.negative_icp_added:
        out.print(f"[green]+ negative ICP[/] {trait}")
    for trait in result.negative_icp_removed:
        out.print(f"[red]- negative ICP[/] {trait}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the ICP document (ICPDraft)."""
    from agent.schema.icp import ICPDraft

    sys.stdout.write(json.dumps(ICPDraft.model_json_schema(), indent=2) + "\n")


@app.command()
def score(
    accounts_file: Annotated[
        Path, typer.Argument(help="Prospects: a CSV/XLSX/JSON account export.")
    ],
    workspace: Workspace_ = None,
    version: Annotated[
        str | None, typer.Option("--version", help="Score with this ICP version (default: latest).")
    ] = None,
    json_out: Json = False,
) -> None:
    """Score prospects against the ICP scorecard: per-criterion breakdown and tier (A–D)."""
    from agent.ingest import crm
    from agent.ingest.rawfile import read_raw
    from agent.ingest.tables import read_table
    from agent.synthesize import versions
    from agent.synthesize.scoring import model_from, score_account

    settings = settings_from(workspace=workspace)
    ws = open_workspace(settings, must_exist=True)
    chosen = versions.load(ws, versions.parse_version(version)) if version else versions.latest(ws)
    ws.close()
    if chosen is None:
        raise UsageError("no ICP version yet: run `icp synthesize` first")
    if not accounts_file.is_file():
        raise UsageError(f"{accounts_file}: file not found")
    table = read_table(read_raw(accounts_file, accounts_file.name, int(settings.max_file_mb * 1e6)))
    mapping = crm.map_columns(table)
    if "name" not in mapping:
        raise SourceError(accounts_file.name, "no account/company name column")
    signal_columns = [
        h
        for h in table.header
        if any(
            word in h.lower() for word in ("signal", "trigger", "event", "note", "intent", "news")
        )
    ]
    title_columns = [h for h in table.header if "title" in h.lower() or "contact" in h.lower()]
    model = model_from(chosen.scorecard)
    results = []
    for row in table.rows:
        record = crm.record(row, mapping)
        if record is None:
            continue
        signals = " ".join(row[h] for h in signal_columns)
        title = " ".join(row[h] for h in title_columns)
        results.append(score_account(model, record, signals, title))
    results.sort(key=lambda s: -s.total)
    if json_out:
        out.print_json(
            json.dumps(
                {"icp_version": f"v{chosen.version}", "scores": [asdict(s) for s in results]},
                default=str,
            )
        )
        return
    grid = Table(title=f"Prospects scored against ICP v{chosen.version}", title_justify="left")
    for column in (
        "account",
        "score",
        "tier",
        "firmographic",
        "technographic",
        "triggers",
        "buying",
        "why",
    ):
        grid.add_column(column, overflow="fold")
    for result in results:
        blocks = result.block_points()
        why = "; ".join(f"{i.criterion}: {i.why}" for i in result.breakdown if i.points > 0)
        grid.add_row(
            result.account,
            f"{result.total:g}",
            f"{result.band} — {result.action}",
            f"{blocks.get('firmographic', 0):g}/30",
            f"{blocks.get('technographic', 0):g}/25",
            f"{blocks.get('triggers', 0):g}/25",
            f"{blocks.get('buying_likelihood', 0):g}/20",
            why,
        )
    out.print(grid)
