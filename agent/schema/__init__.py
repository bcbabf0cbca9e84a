"""All Pydantic models: the data contracts between pipeline stages (see DESIGN.md)."""

from agent.schema.evidence import BuyingRole, Evidence, EvidenceKind, JobType, Quantity
from agent.schema.icp import PMF_METHOD, ICPDraft
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
    TurnForm,
)

__all__ = [
    "PMF_METHOD",
    "BuyingRole",
    "CRMRecord",
    "Chunk",
    "DealNote",
    "Evidence",
    "EvidenceKind",
    "ICPDraft",
    "JobType",
    "Outcome",
    "Quantity",
    "SourceDocument",
    "SourceKind",
    "Speaker",
    "SpeakerRole",
    "SurveyResponse",
    "Turn",
    "TurnForm",
]
