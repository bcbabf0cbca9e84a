"""Opt-in LLM-as-judge rubric for Q&A answers (`icp eval --judge`): groundedness, relevance and
completeness, 1–5, from the cited quotes only. Never part of the default test run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from agent.config import Settings
from agent.errors import UsageError
from agent.ingest.people import name_parts
from agent.ingest.redaction import Placeholders, outgoing_redactor
from agent.qa.models import Answer


class Judgement(BaseModel):
    groundedness: int
    relevance: int
    completeness: int
    rationale: str


def judge(
    answer: Answer, settings: Settings, llm: Any = None, names: Iterable[str] = ()
) -> Judgement | None:
    """Grade one answer. What is sent is redacted like every other outgoing text (`names`: the
    person names the research reveals; the answer's speakers are always included)."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from agent.llm import chat_model, strict_schema, structured_call
    from agent.prompts import load_prompt

    if settings.effective_engine != "openai":
        raise UsageError(
            "--judge needs an LLM: set ICP_API_KEY or ICP_BASE_URL (and --engine openai)"
        )
    prompt = load_prompt("judge_answer")
    citations = "\n".join(f"[{c.number}] {c.quote}" for c in answer.citations) or "(none)"
    question, text = answer.question, answer.text
    placeholders = Placeholders()
    redactor = outgoing_redactor(settings)
    if redactor is not None:
        if settings.redact_names:
            speakers = [c.speaker for c in answer.citations] + [p.speaker for p in answer.retrieval]
            redactor.add_names([*names, *(n for s in speakers if s for n in name_parts(s))])
        question, text, citations = (
            redactor(value, placeholders) for value in (question, text, citations)
        )
    system, user = prompt.render(question=question, answer=text, citations=citations)
    reply = structured_call(
        llm if llm is not None else chat_model(settings),
        settings,
        [SystemMessage(system), HumanMessage(user)],
        strict_schema(Judgement),
        "judgement",
    )
    if reply.data is None:
        return None
    try:
        judgement = Judgement.model_validate(reply.data)
    except ValidationError:
        return None
    judgement.rationale = placeholders.restore(judgement.rationale)
    for field in ("groundedness", "relevance", "completeness"):
        setattr(judgement, field, max(1, min(5, getattr(judgement, field))))
    return judgement
