"""The draft's themes as Q&A reads them: a label, a kind, a unit count and the evidence spans
that support it. One small adapter, so that new theme fields (units of analysis, better labels)
plug in here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

THEME_LISTS = (
    "pains",
    "jobs",
    "triggers",
    "outcomes_said",
    "workarounds",
    "objections",
    "why_they_buy",
)


@dataclass
class ThemeView:
    label: str
    kind: str
    segment: str
    units: int
    unit_kind: str = "accounts"
    spans: list[tuple[str, int, int]] = field(default_factory=list)

    def holds(self, doc_id: str, start: int, end: int) -> bool:
        return any(d == doc_id and s < end and start < e for d, s, e in self.spans)


def themes_of(draft: Any) -> list[ThemeView]:
    """Every theme of every segment (a theme's own `unit`/`participants` fields when the draft
    has them, accounts otherwise)."""
    if draft is None:
        return []
    views = []
    for segment in draft.segments:
        for name in THEME_LISTS:
            for claim in getattr(segment, name, []) or []:
                unit_kind = getattr(claim, "unit", None) or "accounts"
                units = getattr(claim, unit_kind, None)
                views.append(
                    ThemeView(
                        label=claim.label,
                        kind=claim.kind,
                        segment=segment.id,
                        units=units if isinstance(units, int) else claim.accounts,
                        unit_kind=unit_kind,
                        spans=[(r.doc_id, r.start, r.end) for r in claim.evidence],
                    )
                )
    return views


def theme_of(doc_id: str, start: int, end: int, themes: list[ThemeView]) -> ThemeView | None:
    """The best-supported theme that holds this span, if any."""
    holding = [t for t in themes if t.holds(doc_id, start, end)]
    return max(holding, key=lambda t: t.units) if holding else None
