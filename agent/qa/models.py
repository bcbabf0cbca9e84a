"""What a question gets back: an answer whose every citation is a verified source span."""

from __future__ import annotations

from typing import Any, TypeGuard

from pydantic import BaseModel, Field


class Filters(BaseModel):
    """Optional retrieval filters (all combine with AND)."""

    segment: str | None = Field(
        None, description="Segment id or name (from the latest ICP version)."
    )
    account: str | None = None
    kind: str | None = Field(
        None,
        description="Source kind (transcript, notes, win_loss, survey, crm) or evidence kind (pain, trigger, …).",
    )
    outcome: str | None = Field(
        None, description="won, lost, churned, expanded or open (the account's deal outcome)."
    )
    date_from: str | None = Field(None, description="ISO date; documents dated on or after.")
    date_to: str | None = Field(None, description="ISO date; documents dated on or before.")


def filtering(filters: Filters | None) -> TypeGuard[Filters]:
    """Whether any filter is set (an empty `Filters()` narrows nothing)."""
    return filters is not None and any(filters.model_dump().values())


class Citation(BaseModel):
    number: int = Field(description="The [n] used in the answer text.")
    doc_id: str
    source: str = Field(description="File name of the source.")
    quote: str = Field(description="Verbatim span of the source.")
    start: int
    end: int
    account: str | None = None
    speaker: str | None = None
    score: float = Field(0.0, description="Retrieval score (fused rank score).")


class Passage(BaseModel):
    """A retrieved span with its scores (dense similarity, BM25, fused)."""

    chunk_id: str
    doc_id: str
    source: str
    text: str
    start: int
    end: int
    account: str | None = None
    speaker: str | None = None
    role: str = "unknown"
    kind: str = "transcript"
    dense: float = 0.0
    lexical: float = 0.0
    fused: float = 0.0


class Answer(BaseModel):
    question: str
    resolved_question: str = Field(
        description="The question after resolving follow-ups against the conversation."
    )
    answered: bool = Field(
        description="False when the evidence is too weak: the answer then says so."
    )
    text: str
    citations: list[Citation] = Field(default_factory=list)
    closest: list[Citation] = Field(
        default_factory=list, description="When not answered: the closest passages found."
    )
    mode: str = Field(
        description="extractive (offline), llm, or aggregate (counted from the ICP tables)."
    )
    engine: str
    retrieval: list[Passage] = Field(default_factory=list)
    rejected_citations: int = Field(
        0, description="LLM citations that pointed outside the retrieved set, removed."
    )
    unit: str | None = Field(None, description="What the answer counts: accounts or participants.")
    count: int | None = Field(
        None, description="For counting questions: how many accounts or participants."
    )


def table_answer(
    question: str,
    text: str,
    answered: bool = True,
    citations: list[Citation] | None = None,
    unit: str | None = None,
    count: int | None = None,
) -> Answer:
    """An answer counted from the ICP, evidence or survey tables (no text retrieval)."""
    return Answer(
        question=question,
        resolved_question=question,
        answered=answered,
        text=text,
        citations=citations or [],
        mode="aggregate",
        engine="tables",
        unit=unit,
        count=count,
    )


def cite(number: int, ref: Any) -> Citation:
    """A citation of a verified span (an evidence item, a claim's reference, a CRM line)."""
    return Citation(
        number=number,
        doc_id=ref.doc_id,
        source=ref.source,
        quote=ref.quote,
        start=ref.start,
        end=ref.end,
        account=ref.account,
        speaker=ref.speaker,
    )
