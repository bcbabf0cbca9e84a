"""CI quality gates: minimum metric values per dataset and engine (evals/thresholds.yaml)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from agent.errors import UsageError
from agent.evaluation.gold import datasets_dir

LOWER_IS_BETTER = {
    "distractor_pain_rate",
    "distractor_claim_rate",
    "displayed_noise",
    "invented_accounts",
    "qa_answerable_refused",
}


def thresholds_file() -> Path:
    return datasets_dir().parent / "thresholds.yaml"


def check_thresholds(reports: list[Any], engine: str, path: Path | None = None) -> list[str]:
    path = path or thresholds_file()
    if not path.is_file():
        raise UsageError(f"{path}: no thresholds file")
    limits = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(engine, {})
    failures = []
    for report in reports:
        for name, limit in (limits.get(report.dataset) or {}).items():
            value = report.value(name)
            if value is None:
                failures.append(f"{report.dataset}: {name} was not measured (threshold {limit})")
            elif name in LOWER_IS_BETTER and value > limit:
                failures.append(
                    f"{report.dataset}: {name} = {value:.3f}, above the maximum {limit}"
                )
            elif name not in LOWER_IS_BETTER and value < limit:
                failures.append(
                    f"{report.dataset}: {name} = {value:.3f}, below the minimum {limit}"
                )
    return failures


def load_previous(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the previous report ({exc})") from exc
    return {r["dataset"]: r for r in data.get("reports", [])}
