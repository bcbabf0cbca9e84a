"""A measured value with the line that says what was counted, shared by every scorer."""

from __future__ import annotations

from pydantic import BaseModel


class Metric(BaseModel):
    name: str
    value: float | None
    detail: str = ""


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def unit_key(unit: str) -> str:
    """Units compared loosely: plural, abbreviations and currency signs folded."""
    unit = unit.lower().rstrip("s")
    return {"dollar": "usd", "$": "usd", "hr": "hour", "min": "minute", "point": "percent"}.get(
        unit, unit
    )
