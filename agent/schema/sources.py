"""What the loaders produce: source documents, their speakers and turns, and indexed chunks."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class SourceKind(StrEnum):
    """Where a piece of research came from; the hypothesis rules count distinct kinds."""

    transcript = "transcript"
    notes = "notes"
    win_loss = "win_loss"
    survey = "survey"
    crm = "crm"


class SpeakerRole(StrEnum):
    interviewer = "interviewer"
    customer = "customer"
    unknown = "unknown"


class TurnForm(StrEnum):
    """What a turn is on the page; extraction reads `speech`, `paragraph` and `bullet` turns and
    skips `heading` and `label` turns (they name things, they are never evidence)."""

    speech = "speech"  # a spoken turn of a transcript
    paragraph = "paragraph"  # prose in notes or deal write-ups
    bullet = "bullet"  # one list item (with its continuation lines)
    heading = "heading"  # a Markdown heading, a bold title line or a `Title:` line alone
    label = "label"  # a `**Date:** …`, `Attendees:`, `Account:` style label line


Outcome = Literal["won", "lost", "churned", "expanded", "open"]
PMFAnswer = Literal["very", "somewhat", "not", "na"]
RecommendAnswer = Literal["yes", "maybe", "no"]
Attribution = Literal[
    "front_matter", "file_name", "conversation", "crm", "column", "email_domain", "folder"
]


class Speaker(BaseModel):
    name: str = Field(description="Name as written in the source (or a generic label).")
    title: str | None = Field(None, description="Job title or role as written, when given.")
    role: SpeakerRole = Field(
        SpeakerRole.unknown, description="Interviewer (vendor side) or customer."
    )


class Turn(BaseModel):
    """One speaker turn, or one block of notes; `start`/`end` are character offsets of its text
    in `SourceDocument.text` (labels, list markers and heading marks excluded)."""

    speaker: str | None = None
    role: SpeakerRole = SpeakerRole.unknown
    start: int
    end: int
    timestamp: str | None = None
    form: TurnForm = Field(
        TurnForm.speech, description="speech, paragraph, bullet, heading, label."
    )
    section: str | None = Field(
        None,
        description="Text of the nearest heading above (notes and deal write-ups), e.g. 'Why they churned'.",
    )

    @property
    def is_content(self) -> bool:
        """Speech, prose or a bullet: what extraction reads (headings and labels never are)."""
        return self.form not in (TurnForm.heading, TurnForm.label)


class CRMRecord(BaseModel):
    """One account row of a CRM export, normalised."""

    name: str
    domain: str | None = None
    industry: str | None = Field(None, description="Industry id from knowledge/industries.yaml.")
    industry_raw: str | None = None
    employees: int | None = None
    employees_raw: str | None = None
    size_band: str | None = Field(
        None, description="1-10, 11-50, 51-200, 201-500, 501-1000, 1001-5000, 5001+"
    )
    locations: int | None = Field(
        None, description="Locations, sites, branches or facilities the account runs."
    )
    revenue_usd: float | None = None
    revenue_raw: str | None = None
    region: str | None = Field(None, description="ISO 3166-2 subdivision, e.g. US-TX, CA-ON.")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2.")
    stack: list[str] = Field(default_factory=list, description="Canonical tool names.")
    erp: str | None = None
    stage: Outcome | None = None
    stage_raw: str | None = None
    acv: float | None = None
    expansion_arr: float | None = None
    close_date: dt.date | None = None


class DealNote(BaseModel):
    """Front matter of a win/loss or churn note."""

    outcome: Outcome | None = None
    acv: float | None = None
    competitor: str | None = None


class SurveyResponse(BaseModel):
    """One survey submission with the fields the PMF and segment analysis use."""

    respondent: str | None = Field(None, description="Email (lower-cased) when the survey has one.")
    company: str | None = None
    role: str | None = None
    size_band: str | None = None
    industry: str | None = None
    submitted_at: str | None = None
    pmf_answer: PMFAnswer | None = Field(None, description="Sean Ellis answer, normalised.")
    pmf_raw: str | None = None
    nps: int | None = Field(None, ge=0, le=10)
    recommend: RecommendAnswer | None = Field(
        None, description='"Would you recommend …?" answered yes / maybe / no (normalised).'
    )
    segments: dict[str, str] = Field(
        default_factory=dict, description="Segment columns as answered."
    )
    answers: dict[str, str] = Field(
        default_factory=dict, description="Free-text answers by question."
    )


class SourceDocument(BaseModel):
    """One unit of research as loaded: a transcript, a note, a survey response or a CRM row."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(description="Stable id: file content identity + position in the file.")
    source: str = Field(
        description="File name as the user knows it (relative to the ingested folder)."
    )
    path: str = Field(description="Absolute path at ingest time.")
    part: str | None = Field(None, description="Position inside the file (e.g. 'row 12').")
    kind: SourceKind
    account: str | None = None
    account_attribution: Attribution | None = None
    date: dt.date | None = None
    title: str | None = None
    speakers: list[Speaker] = Field(default_factory=list)
    turns: list[Turn] = Field(default_factory=list)
    text: str = Field(description="The source text; every quote and offset refers to it.")
    content_hash: str = Field(description="sha256 of the file bytes this document came from.")
    metadata: dict[str, Any] = Field(default_factory=dict)
    crm: CRMRecord | None = None
    deal: DealNote | None = None
    survey: SurveyResponse | None = None

    @property
    def language(self) -> str:
        """ISO 639-1 code detected at ingest (`metadata["language"]`); 'en' when not recorded."""
        return str(self.metadata.get("language") or "en")

    def customer_turns(self) -> list[Turn]:
        """Turns that can be evidence: not the interviewer's, not headings or labels."""
        return [t for t in self.turns if t.role != SpeakerRole.interviewer and t.is_content]


class Chunk(BaseModel):
    """A token-bounded span of one document, as indexed in Chroma."""

    chunk_id: str
    doc_id: str
    source: str
    kind: SourceKind
    account: str | None = None
    speaker: str | None = None
    role: SpeakerRole = SpeakerRole.unknown
    start: int
    end: int
    text: str
    tokens: int
