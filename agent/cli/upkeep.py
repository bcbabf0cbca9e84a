"""`icp forget` and `icp doctor`: taking sources out of a workspace, and checking its vectors."""

from __future__ import annotations

import fnmatch
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from agent.cli.app import command
from agent.cli.options import ChromaUrl, Embeddings, Json, Workspace_, open_workspace, settings_from

out = Console()
err = Console(stderr=True)


def plural(count: int, noun: str) -> str:
    """agent.render.labels.plural, imported when a report is printed (the render package is
    not loaded for the other commands, `icp ask` among them)."""
    from agent.render.labels import plural as render_plural

    return render_plural(count, noun)


def _waiting() -> None:
    err.print("[yellow]Waiting for another icp process to finish writing this workspace…")


@command(
    examples=[
        "icp forget interviews/acme-2024-03.txt",
        "icp forget 'crm/*.csv'",
        "icp forget acme-2024-03.txt --purge",
    ]
)
def forget(
    names: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME", help="Source names, paths or globs as shown by `icp sources`."
        ),
    ],
    purge: Annotated[
        bool,
        typer.Option(
            "--purge", help="Also rewrite saved ICP versions without the sources' quotes."
        ),
    ] = False,
    workspace: Workspace_ = None,
    chroma_url: ChromaUrl = None,
    embeddings: Embeddings = None,
    json_out: Json = False,
) -> None:
    """Remove sources from the workspace.

    Their documents, chunks, vectors, evidence and cached LLM answers go; the stores are
    compacted; saved versions that quote them are marked (or with --purge rewritten)."""
    from agent.embeddings import make_embedder
    from agent.store.forget import forget_sources, purge_quoted
    from agent.store.rebuild import CatalogVectors

    settings = settings_from(chroma_url=chroma_url, embeddings=embeddings, workspace=workspace)
    ws = open_workspace(settings, must_exist=True)
    try:
        ws.on_wait(_waiting)
        entries = ws.catalog.files()
        chosen, unmatched = [], []
        for name in names:
            hits = [e for e in entries if _matches(name, e.source, e.path, e.file_id)]
            if not hits:
                unmatched.append(name)
            chosen += [e for e in hits if e not in chosen]
        vectors = CatalogVectors(ws, make_embedder(settings), settings)
        report = forget_sources(ws, chosen, vectors, purge=purge)
        if unmatched and purge:  # sources forgotten earlier that saved versions still quote
            late = purge_quoted(ws, lambda source: any(_matches(n, source) for n in unmatched))
            unmatched = [n for n in unmatched if not any(_matches(n, s) for s in late.sources)]
            report.sources += late.sources
            report.versions_purged += late.versions_purged
            report.compacted = report.compacted or late.compacted
    finally:
        ws.close()
    if json_out:
        out.print_json(
            json.dumps({**report.as_dict(), "removed": report.sources, "not_found": unmatched})
        )
    else:
        _print_forget(report)
        for name in unmatched:
            err.print(f"[bold red]No source matches[/] {name!r} (see `icp sources`)")
    if unmatched:
        raise typer.Exit(1)


def _matches(name: str, source: str, path: str = "", file_id: str = "") -> bool:
    return (
        fnmatch.fnmatch(source, name)
        or bool(path and fnmatch.fnmatch(path, name))
        or source.endswith("/" + name)
        or bool(file_id and file_id.startswith(name))
    )


def _print_forget(report) -> None:
    for source in report.sources:
        out.print(f"Forgot {source}", highlight=False)
    if report.documents or report.chunks:
        out.print(
            f"Removed {plural(report.documents, 'document')}, {plural(report.chunks, 'chunk')} "
            f"and their vectors, {plural(report.evidence, 'evidence item')}, "
            f"{plural(report.cached_answers, 'cached LLM answer')}."
        )
    if report.versions_purged:
        out.print(f"Rewrote {_versions(report.versions_purged)} without their quotes and passages.")
    if report.versions_marked:
        out.print(
            f"Saved {_versions(report.versions_marked)} "
            f"{'quotes' if len(report.versions_marked) == 1 else 'quote'} them and "
            f"{'is' if len(report.versions_marked) == 1 else 'are'} marked; "
            "`icp forget --purge` with the same names removes those quotes."
        )
    if report.compacted:
        kept = " except in the marked versions" if report.versions_marked else ""
        out.print(
            f"Compacted the vectors and the catalog: the text is no longer in the workspace{kept}."
        )
    for note in report.notes:
        err.print(f"[yellow]Note:[/] {note}")


def _versions(numbers: list[int]) -> str:
    return ("version " if len(numbers) == 1 else "versions ") + ", ".join(f"v{n}" for n in numbers)


@command(examples=["icp doctor", "icp doctor --check --json"])
def doctor(
    check_only: Annotated[
        bool, typer.Option("--check", help="Only report; do not repair anything.")
    ] = False,
    workspace: Workspace_ = None,
    chroma_url: ChromaUrl = None,
    embeddings: Embeddings = None,
    json_out: Json = False,
) -> None:
    """Check the workspace's vectors and repair them.

    Every chunk and evidence item must have a readable vector; what has not is embedded again
    from the catalog text. Exit 1 if something is left broken."""
    from agent.embeddings import make_embedder
    from agent.store.doctor import run_doctor
    from agent.store.rebuild import CatalogVectors

    settings = settings_from(chroma_url=chroma_url, embeddings=embeddings, workspace=workspace)
    ws = open_workspace(settings, must_exist=True)
    try:
        ws.on_wait(_waiting)
        vectors = None if check_only else CatalogVectors(ws, make_embedder(settings), settings)
        report = run_doctor(ws, vectors)
    finally:
        ws.close()
    if json_out:
        out.print_json(json.dumps(report.as_dict()))
    else:
        _print_doctor(report)
    if not report.ok:
        raise typer.Exit(1)


def _print_doctor(report) -> None:
    table = Table(title="Vectors", title_justify="left")
    for column in ("collection", "rows", "missing", "unreadable", "without a row"):
        table.add_column(column, justify="left" if column == "collection" else "right")
    for check in report.found:
        table.add_row(
            check.collection,
            str(check.rows),
            str(len(check.missing)),
            str(len(check.unreadable)),
            str(len(check.strays)),
        )
    out.print(table)
    if report.catalog != "ok":
        err.print(f"[bold red]The catalog file is damaged:[/] {report.catalog}")
    if report.repair is not None:
        repair = report.repair
        out.print(
            f"Repaired: {plural(repair.embedded, 'vector')} embedded again from the catalog "
            f"text, {repair.copied} copied, {plural(repair.dropped, 'stray record')} dropped."
        )
    final = report.left if report.left is not None else report.found
    broken = sum(len(c.missing) + len(c.unreadable) for c in final)
    strays = sum(len(c.strays) for c in final)
    if report.ok:
        rows = ", ".join(f"{c.rows} {c.content}" for c in final)
        out.print(f"[green]OK:[/] every catalog row has a readable vector ({rows}).")
    elif report.left is None and report.catalog == "ok":
        err.print(
            f"[bold red]{plural(broken, 'row')} without a readable vector, "
            f"{plural(strays, 'stray vector')}[/]: "
            "run `icp doctor` without --check to repair."
        )
    else:
        err.print(
            f"[bold red]Not repaired:[/] {plural(broken, 'row')} still without a readable "
            f"vector, {plural(strays, 'stray vector')} (is the embeddings endpoint reachable?)."
        )
