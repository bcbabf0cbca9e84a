"""All Pydantic models: the data contracts between pipeline stages (see DESIGN.md)."""

from agent.schema.evidence import BuyingRole, Evidence, EvidenceKind, JobType, Quantity
from agent.schema.sources import (
    Chunk,
    CRMRecord,
    DealNote,
    Outcome,
    SourceDocument,
    SourceKind,
    Speaker,
    SpeakerRole,
    SurveyResponse,
    Turn,
)

__all__ = [
    "BuyingRole",
    "CRMRecord",
    "Chunk",
    "DealNote",
    "Evidence",
    "EvidenceKind",
    "JobType",
    "Outcome",
    "Quantity",
    "SourceDocument",
    "SourceKind",
    "Speaker",
    "SpeakerRole",
    "SurveyResponse",
    "Turn",
]
