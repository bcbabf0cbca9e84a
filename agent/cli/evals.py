"""`icp eval`: run the gold corpora through the pipeline and print the quality table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from agent.cli.app import command
from agent.cli.console import err, out
from agent.cli.options import BaseUrl, Engine, Json, Model, settings_from
from agent.errors import UsageError


@command(
    "eval",
    examples=[
        "icp eval --check                 # the CI quality gate",
        "icp eval -d relaypoint --compare evals/reports/offline-20260101-120000.json",
        "icp eval --engine openai --judge --json > report.json",
    ],
)
def eval_command(
    dataset: Annotated[
        list[str] | None,
        typer.Option(
            "--dataset", "-d", metavar="NAME", help="Dataset name (repeatable; default: all)."
        ),
    ] = None,
    engine: Engine = None,
    model: Model = None,
    base_url: BaseUrl = None,
    datasets: Annotated[
        Path | None,
        typer.Option(
            "--datasets", metavar="DIR", help="Folder of datasets (default: evals/datasets)."
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="FILE",
            help="Write the JSON report here (default: evals/reports/<engine>-<date>.json).",
        ),
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option("--compare", metavar="FILE", help="A previous JSON report: show what moved."),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when a metric is below evals/thresholds.yaml.")
    ] = False,
    judge: Annotated[
        bool,
        typer.Option(
            "--judge", help="Also grade Q&A answers with an LLM judge (opt-in; needs an LLM)."
        ),
    ] = False,
    json_out: Json = False,
) -> None:
    """Measure quality on the gold-labelled corpora.

    Extraction and synthesis metrics, each with what was counted; --check fails below the
    thresholds in evals/thresholds.yaml."""
    from agent.embeddings import make_embedder
    from agent.evaluation.gates import check_thresholds, load_previous
    from agent.evaluation.gold import find_corpora
    from agent.evaluation.runner import evaluate

    settings = settings_from(engine=engine, model=model, base_url=base_url)
    if judge and settings.effective_engine != "openai":
        raise UsageError(
            "--judge needs an LLM: set ICP_API_KEY or ICP_BASE_URL (or pass --base-url)"
        )
    corpora = find_corpora(dataset, datasets)
    embedder = make_embedder(settings)
    reports = []
    for corpus in corpora:
        with err.status(f"Evaluating {corpus.name} ({settings.effective_engine})…"):
            reports.append(evaluate(corpus, settings, embedder, judge=judge))
    payload = {
        "engine": settings.effective_engine,
        "reports": [r.model_dump(mode="json") for r in reports],
    }
    target = (
        report
        or Path("evals/reports")
        / f"{settings.effective_engine}-{reports[0].created_at:%Y%m%d-%H%M%S}.json"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    previous = load_previous(compare) if compare else {}
    failures = check_thresholds(reports, settings.effective_engine) if check else []
    if json_out:
        out.print_json(json.dumps({**payload, "threshold_failures": failures}))
    else:
        for result in reports:
            _print(result, previous.get(result.dataset))
        if len(reports) > 1:
            _print_reader_table(reports)
        err.print(f"Report written to {target}")
        for failure in failures:
            err.print(f"[bold red]Below threshold:[/] {failure}")
    if failures:
        raise typer.Exit(1)


def _delta(value: float | None, before: float | None) -> str:
    if value is None or before is None:
        return ""
    change = value - before
    if abs(change) < 0.0005:
        return "="
    return f"{change:+.3f}"


def _print(result, previous) -> None:
    title = (
        f"{result.dataset} v{result.dataset_version} — engine {result.engine}"
        + (f" ({result.model})" if result.model else "")
        + f" — {result.seconds:.0f}s"
    )
    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    table.add_column("value", justify="right")
    if previous:
        table.add_column("Δ", justify="right")
    table.add_column("what was counted", overflow="fold")
    for key, metric in result.metrics.items():
        value = "—" if metric.value is None else f"{metric.value:.3f}"
        row = [metric.name, value]
        if previous:
            row.append(_delta(metric.value, previous.get("metrics", {}).get(key, {}).get("value")))
        row.append(metric.detail)
        table.add_row(*row)
    out.print(table)
    kinds = Table(title="Evidence by kind", title_justify="left")
    for column in ("kind", "gold", "predicted", "precision", "recall", "F1"):
        kinds.add_column(column, justify="right" if column != "kind" else "left")
    for row in result.evidence:
        kinds.add_row(
            row.kind,
            str(row.gold),
            str(row.predicted),
            _fmt(row.precision),
            _fmt(row.recall),
            _fmt(row.f1),
        )
    out.print(kinds)
    for note in result.notes:
        err.print(f"[yellow]Note:[/] {note}")


# What the reader sees, one column per corpus (agent/evaluation/displayed.py explains each).
READER_METRICS = [
    "displayed_precision",
    "displayed_noise",
    "theme_recall_pains_at_5",
    "theme_recall_triggers_at_8",
    "label_not_copied",
    "label_short",
    "label_names_gold",
    "account_attribution",
    "invented_accounts",
    "stack_precision",
    "displayed_cost_accuracy",
    "thin_group_hypothesis",
    "pmf_segment_within_3",
    "scorecard_sum",
    "evidence_f1",
    "qa_hit_at_5",
    "qa_refusal",
]


def _print_reader_table(reports) -> None:
    table = Table(title="What the reader sees, per corpus", title_justify="left")
    table.add_column("metric")
    for result in reports:
        table.add_column(result.dataset, justify="right")
    for key in READER_METRICS:
        names = [r.metrics[key].name for r in reports if key in r.metrics]
        if not names:
            continue
        table.add_row(
            names[0],
            *[_fmt(r.metrics[key].value) if key in r.metrics else "—" for r in reports],
        )
    out.print(table)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
