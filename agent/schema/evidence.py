"""Evidence: a claim extracted from research, always carrying its verbatim quote."""

from __future__ import annotations

import hashlib
from enum import StrEnum

from pydantic import BaseModel, Field

from agent.schema.sources import SourceKind, SpeakerRole


class EvidenceKind(StrEnum):
    pain = "pain"
    job = "job"
    trigger = "trigger"
    outcome = "outcome"
    workaround = "workaround"
    objection = "objection"
    buying_role = "buying_role"
    firmographic = "firmographic"
    technographic = "technographic"
    win_reason = "win_reason"
    loss_reason = "loss_reason"
    churn_reason = "churn_reason"


class JobType(StrEnum):
    functional = "functional"
    emotional = "emotional"
    social = "social"


class BuyingRole(StrEnum):
    economic_buyer = "economic_buyer"
    champion = "champion"
    end_user = "end_user"
    technical_evaluator = "technical_evaluator"
    blocker = "blocker"


class Quantity(BaseModel):
    """A quantified impact as stated: 'about six hours a week' -> 6 hours / week."""

    amount: float
    unit: str = Field(description="hours, minutes, days, weeks, months, usd, percent, people, …")
    period: str | None = Field(None, description="day, week, month, quarter, year, or None.")
    text: str = Field(description="The words that stated it, verbatim.")


class Evidence(BaseModel):
    """One grounded claim. `quote` is exactly `SourceDocument.text[start:end]`."""

    id: str = ""
    kind: EvidenceKind
    job_type: JobType | None = Field(None, description="For jobs: functional, emotional or social.")
    role: BuyingRole | None = Field(None, description="For buying_role evidence.")
    summary: str = Field(description="Short normalised statement of the claim.")
    quote: str = Field(description="Verbatim span of the source.")
    doc_id: str
    source: str
    source_kind: SourceKind
    start: int
    end: int
    account: str | None = None
    speaker: str | None = None
    speaker_role: SpeakerRole = SpeakerRole.unknown
    quantity: Quantity | None = None
    negated: bool = Field(
        False, description="The statement denies the claim ('was never a problem')."
    )
    hypothetical: bool = Field(
        False, description="The statement is conditional or imagined ('if we ever…')."
    )
    reported: bool = Field(
        False, description="Someone else's experience, reported ('a friend at X told me…')."
    )
    confidence: float = Field(0.5, ge=0, le=1)
    below_display_threshold: bool = Field(
        False,
        description="Kept with its confidence for audit and Q&A, but under the calibrated display "
        "threshold of its kind: never counted or shown as a finding.",
    )
    engine: str = Field(description="offline, or openai:<model>.")

    def model_post_init(self, __context: object) -> None:
        if not self.id:
            key = f"{self.doc_id}|{self.kind}|{self.start}|{self.end}|{self.job_type}|{self.role}"
            self.id = hashlib.sha1(key.encode()).hexdigest()[:16]

    @property
    def is_claim(self) -> bool:
        """Negated, hypothetical and reported statements, and those under the display threshold,
        are kept for audit but never count as claims."""
        return not (
            self.negated or self.hypothetical or self.reported or self.below_display_threshold
        )
