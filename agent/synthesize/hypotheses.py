"""Hypothesis tags from evidence counts (rules in knowledge/hypotheses.yaml), never from a model."""

from __future__ import annotations

from agent.resources import knowledge
from agent.synthesize.accounts import AccountProfile


def rules() -> dict:
    return knowledge("hypotheses")


def segment_hypothesis(
    members: list[AccountProfile], unit: str = "accounts"
) -> tuple[bool, str | None]:
    rule = rules()["segment"]
    evidence_kinds = set(rule["evidence_kinds"])
    with_evidence = [a for a in members if a.source_kinds & evidence_kinds]
    kinds = sorted({k for a in members for k in a.source_kinds if k in evidence_kinds})
    reasons = []
    if len(with_evidence) < rule["min_distinct_accounts"]:
        what = "participant(s)" if unit == "participants" else "account(s)"
        reasons.append(
            f"only {len(with_evidence)} {what} with research evidence (at least {rule['min_distinct_accounts']} needed)"
        )
    if len(kinds) < rule["min_source_kinds"]:
        what = f"only {kinds[0]} evidence" if kinds else "no research evidence"
        reasons.append(f"{what} (at least {rule['min_source_kinds']} source kinds needed)")
    return (True, "; ".join(reasons)) if reasons else (False, None)


def min_accounts_per_claim() -> int:
    return int(rules()["claim"]["min_distinct_accounts"])


def hypothesis_label() -> str:
    return str(rules()["label"])
