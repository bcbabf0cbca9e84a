"""ICP versions in the workspace (v1, v2, …) and what changed between two of them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agent.errors import UsageError
from agent.schema.icp import ICPDraft, Segment
from agent.store import Workspace


def save(workspace: Workspace, draft: ICPDraft) -> tuple[ICPDraft, bool]:
    """Store the draft as a new version unless the latest has the same input fingerprint.
    Returns (the stored draft, whether a new version was created)."""
    versions = workspace.catalog.versions()
    if versions and versions[-1][2] == draft.provenance.fingerprint:
        return load(workspace, versions[-1][0]), False
    draft.version = (versions[-1][0] if versions else 0) + 1
    number = workspace.catalog.save_version(draft.provenance.fingerprint, draft.model_dump_json())
    draft.version = number
    return draft, True


def parse_version(text: str) -> int:
    cleaned = text.strip().lower().removeprefix("v")
    if not cleaned.isdigit():
        raise UsageError(f"not a version: {text!r} (use v1, v2, … as listed by `icp versions`)")
    return int(cleaned)


def load(workspace: Workspace, number: int) -> ICPDraft:
    data = workspace.catalog.version(number)
    if data is None:
        known = (
            ", ".join(f"v{v}" for v, _, _ in workspace.catalog.versions())
            or "none yet (run `icp synthesize`)"
        )
        raise UsageError(f"no ICP version v{number} in {workspace.root}; versions: {known}")
    return ICPDraft.model_validate_json(data)


def latest(workspace: Workspace) -> ICPDraft | None:
    versions = workspace.catalog.versions()
    return load(workspace, versions[-1][0]) if versions else None


def _match(old: list[Segment], new: list[Segment]) -> list[tuple[Segment | None, Segment | None]]:
    """Pair segments across versions by account (or participant) overlap (Jaccard >= 0.5), else
    by name."""
    pairs: list[tuple[Segment | None, Segment | None]] = []
    unmatched_new = list(new)
    for before in old:
        best, best_score = None, 0.0
        for after in unmatched_new:
            a = {*before.accounts, *before.participants}
            b = {*after.accounts, *after.participants}
            score = len(a & b) / len(a | b) if a | b else 0.0
            if after.name == before.name:
                score = max(score, 0.5)
            if score > best_score:
                best, best_score = after, score
        if best is not None and best_score >= 0.5:
            pairs.append((before, best))
            unmatched_new.remove(best)
        else:
            pairs.append((before, None))
    pairs += [(None, after) for after in unmatched_new]
    return pairs


class SegmentChange(BaseModel):
    change: Literal["added", "removed", "changed", "same"]
    segment: str
    changes: dict[str, tuple[str, str]] = Field(
        default_factory=dict, description="field -> (before, after)"
    )
    new_top_pains: list[str] = Field(default_factory=list)


class VersionDiff(BaseModel):
    from_version: str
    to_version: str
    segments: list[SegmentChange]
    negative_icp_added: list[str]
    negative_icp_removed: list[str]
    pmf_overall: tuple[float | None, float | None]
    accounts: tuple[int, int]
    documents: tuple[int, int]


def _pmf(segment: Segment) -> str:
    return f"{segment.pmf.very_disappointed_pct}% (n={segment.pmf.n})" if segment.pmf.n else "n/a"


def diff(old: ICPDraft, new: ICPDraft) -> VersionDiff:
    segments: list[SegmentChange] = []
    for before, after in _match(old.segments, new.segments):
        if before is None and after is not None:
            segments.append(
                SegmentChange(
                    change="added",
                    segment=after.name,
                    changes={"accounts": ("0", str(len(after.accounts))), "tier": ("", after.tier)},
                )
            )
            continue
        if after is None and before is not None:
            segments.append(
                SegmentChange(
                    change="removed",
                    segment=before.name,
                    changes={
                        "accounts": (str(len(before.accounts)), "0"),
                        "tier": (before.tier, ""),
                    },
                )
            )
            continue
        assert before is not None and after is not None
        pairs = {
            "name": (before.name, after.name),
            "tier": (before.tier, after.tier),
            "accounts_with_evidence": (str(before.support.accounts), str(after.support.accounts)),
            "accounts": (str(len(before.accounts)), str(len(after.accounts))),
            "pmf": (_pmf(before), _pmf(after)),
            "hypothesis": (str(before.hypothesis), str(after.hypothesis)),
            "win_rate": (str(before.win_rate), str(after.win_rate)),
        }
        changes = {field: pair for field, pair in pairs.items() if pair[0] != pair[1]}
        known = {q.label for q in before.pains}
        new_pains = [p.label for p in after.pains[:5] if p.label not in known]
        segments.append(
            SegmentChange(
                change="changed" if changes or new_pains else "same",
                segment=after.name,
                changes=changes,
                new_top_pains=new_pains,
            )
        )
    old_traits = {t.trait for t in old.negative_icp}
    new_traits = {t.trait for t in new.negative_icp}
    return VersionDiff(
        from_version=f"v{old.version}",
        to_version=f"v{new.version}",
        segments=segments,
        negative_icp_added=sorted(new_traits - old_traits),
        negative_icp_removed=sorted(old_traits - new_traits),
        pmf_overall=(old.pmf_overall.very_disappointed_pct, new.pmf_overall.very_disappointed_pct),
        accounts=(old.corpus.accounts, new.corpus.accounts),
        documents=(sum(old.corpus.documents.values()), sum(new.corpus.documents.values())),
    )
