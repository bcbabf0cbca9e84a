"""`icp synthesize`, `icp draft`, `icp versions`, `icp diff`, `icp schema`, `icp score`."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from agent.cli.app import command
from agent.cli.console import err, error, hint, out
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
from agent.errors import ICPError, SourceError, UsageError, WorkspaceError

Format = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", metavar="FORMAT", help="md | json | html (default: from --out, else md)"
    ),
]
Out = Annotated[
    Path | None,
    typer.Option("--out", "-o", metavar="FILE", help="Write the document to this file."),
]


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


def _emit(text: str, out_path: Path | None, quiet: bool = False) -> None:
    if out_path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(text, encoding="utf-8")
    if not quiet:
        err.print(f"Wrote {out_path}", highlight=False, soft_wrap=True)


def _print_json(data: Any) -> None:
    """One JSON document on stdout, never coloured or wrapped."""
    sys.stdout.write(json.dumps(data, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _require_research(ws: Any, folder: Path) -> None:
    """Synthesis needs research documents: CRM exports alone describe accounts, not customers."""
    files = ws.catalog.files()
    if not any(f.documents for f in files):
        raise WorkspaceError(
            f"no research in the workspace {folder}: add interviews, notes, win/loss or survey "
            f"files with `icp ingest PATH...`, then run `icp synthesize` again"
        )
    if all((f.kind or "") == "crm" for f in files if f.documents):
        raise WorkspaceError(
            f"the workspace {folder} holds only CRM exports (accounts, no customer voice): add "
            f"interviews, notes, win/loss or survey files with `icp ingest PATH...` first"
        )


@command(
    examples=[
        "icp synthesize -o icp.html          # extract new documents, save v1, v2, …",
        "icp synthesize -o icp.md --no-extract",
        "icp synthesize -f json > icp.json",
        "icp synthesize --json -o icp.html | jq .version",
    ]
)
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
    json_out: Annotated[
        bool,
        typer.Option(
            "--json",
            help='A JSON summary on stdout (version, counts, extraction, the ICP under "icp").',
        ),
    ] = False,
) -> None:
    """Build the ICP and save it as the next version.

    Extracts evidence from new documents first (unless --no-extract). When the inputs have not
    changed, the version stays the same."""
    from agent.embeddings import make_embedder
    from agent.synthesize.runs import synthesize_workspace

    if json_out and out_path is None and fmt is not None:
        raise UsageError("--json prints a summary on stdout: write the document with --out FILE")
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
    try:
        _require_research(ws, settings.workspace)
        with RunProgress(err, "Extracting", quiet=json_out) as progress:
            callbacks = {
                "on_total": progress.set_total,
                "on_doc": lambda d: progress.advance(d.source),
                "on_windows": progress.windows,
            }
            draft, created, report = synthesize_workspace(
                ws,
                settings,
                make_embedder(settings),
                extract_first=not no_extract,
                progress=callbacks,
                on_extract=lambda _: progress.next_stage("Synthesizing segments…"),
            )
    finally:
        ws.close()
    failed = report is not None and bool(report.failed)
    if json_out:
        if out_path is not None:
            _emit(render(draft, chosen), out_path, quiet=True)
        _print_json(
            {
                "version": f"v{draft.version}",
                "created": created,
                "engine": draft.engine,
                "segments": len(draft.segments),
                "accounts": draft.corpus.accounts,
                "documents": sum(draft.corpus.documents.values()),
                "out": str(out_path) if out_path is not None else None,
                "format": chosen if out_path is not None else None,
                "extraction": report.as_dict() if report is not None else None,
                "warnings": draft.warnings,
                "icp": draft.model_dump(mode="json"),
            }
        )
    else:
        _emit(render(draft, chosen), out_path)
        status = (
            f"Saved as v{draft.version}."
            if created
            else f"Inputs unchanged: still v{draft.version}."
        )
        segments = len(draft.segments)
        engine_words = (
            "offline engine"
            if draft.engine == "offline"
            else f"LLM engine ({draft.provenance.model or draft.engine})"
        )
        err.print(
            f"{status} {segments} segment{'s' if segments != 1 else ''}, {engine_words}.",
            highlight=False,
            soft_wrap=True,
        )
        if not failed:
            where = workspace_flag(settings)
            hint(
                f'Next: icp ask{where} "why do deals stall?" for cited answers, '
                f"or icp serve{where} to read it in the browser."
            )
    if failed:
        raise typer.Exit(1)


@command(
    examples=[
        "pbpaste | icp draft -                 # Markdown on stdout",
        "icp draft interview1.txt call.vtt -o draft.html",
        "icp draft call.txt --json | jq '.icp.segments[].name'",
    ]
)
def draft(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="FILE", help="Transcript files, or '-' for stdin (paste)."),
    ],
    out_path: Out = None,
    fmt: Format = None,
    engine: Engine = None,
    model: Model = None,
    base_url: BaseUrl = None,
    json_out: Annotated[
        bool,
        typer.Option(
            "--json", help='JSON on stdout: each input\'s status and the draft under "icp".'
        ),
    ] = False,
) -> None:
    """A quick draft ICP from one or a few transcripts.

    Paste mode: the whole pipeline in a temporary workspace; nothing is kept."""
    import tempfile

    from agent.embeddings import make_embedder
    from agent.ingest.paste_split import draft_inputs
    from agent.synthesize.runs import draft_from_inputs

    if json_out and out_path is None and fmt is not None:
        raise UsageError("--json prints JSON on stdout: write the document with --out FILE")
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
        error(f"Skipped {failed.source}: {failed.error}")
    for missing in ingest.missing:
        error(f"Not found: {missing}")
    if not any(r.status in ("ingested", "replaced") for r in ingest.results):
        raise SourceError(
            ", ".join(paths) or "stdin", "nothing could be read, so there is nothing to draft from"
        )
    if json_out:
        if out_path is not None:
            _emit(render(result, chosen), out_path, quiet=True)
        _print_json(
            {
                "ok": ingest.ok,
                "inputs": [
                    {"source": r.source, "status": r.status, "kind": r.kind, "error": r.error}
                    for r in ingest.results
                ],
                "missing": ingest.missing,
                "out": str(out_path) if out_path is not None else None,
                "icp": result.model_dump(mode="json"),
            }
        )
    else:
        _emit(render(result, chosen), out_path)
    if not ingest.ok or rejected:
        raise typer.Exit(1)


@command("versions", examples=["icp versions", "icp versions --json"])
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


@command(
    examples=[
        "icp diff                # the latest version against the one before",
        "icp diff v1 v3 --json",
    ]
)
def diff(
    old: Annotated[
        str | None,
        typer.Argument(
            metavar="OLD", help="Older version, e.g. v1 (default: the one before the latest)."
        ),
    ] = None,
    new: Annotated[
        str | None,
        typer.Argument(metavar="NEW", help="Newer version, e.g. v2 (default: the latest)."),
    ] = None,
    workspace: Workspace_ = None,
    json_out: Json = False,
) -> None:
    """Compare two ICP versions.

    Segments added or removed, support and PMF changes, new top pains."""
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


@command(examples=["icp schema > icp.schema.json"])
def schema() -> None:
    """Print the JSON Schema of the ICP document."""
    from agent.schema.icp import ICPDraft

    sys.stdout.write(json.dumps(ICPDraft.model_json_schema(), indent=2) + "\n")


@command(
    examples=[
        "icp score prospects.csv",
        "icp score hubspot-export.xlsx --version v2 --json > scores.json",
    ]
)
def score(
    accounts_file: Annotated[
        Path,
        typer.Argument(metavar="ACCOUNTS", help="Prospects: a CSV/XLSX/JSON account export."),
    ],
    workspace: Workspace_ = None,
    version: Annotated[
        str | None,
        typer.Option(
            "--version", metavar="VERSION", help="Score with this ICP version (default: latest)."
        ),
    ] = None,
    json_out: Json = False,
) -> None:
    """Score prospects against the ICP scorecard.

    A per-criterion breakdown and a tier (A–D) for every account in the file."""
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
