"""Opt-in LLM-as-judge rubric for Q&A answers (`icp eval --judge`): groundedness, relevance and
completeness, 1–5, from the cited quotes only. Never part of the default test run."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from agent.config import Settings
from agent.errors import UsageError
from agent.qa.models import Answer


class Judgement(BaseModel):
    groundedness: int
    relevance: int
    completeness: int
    rationale: str


def judge(answer: Answer, settings: Settings, llm: Any = None) -> Judgement | None:
    from langchain_core.messages import HumanMessage, SystemMessage

    from agent.llm import chat_model, strict_schema, structured_call
    from agent.prompts import load_prompt

    if settings.effective_engine != "openai":
        raise UsageError(
            "--judge needs an LLM: set ICP_API_KEY or ICP_BASE_URL (and --engine openai)"
        )
    prompt = load_prompt("judge_answer")
    citations = "\n".join(f"[{c.number}] {c.quote}" for c in answer.citations) or "(none)"
    system, user = prompt.render(question=answer.question, answer=answer.text, citations=citations)
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
    for field in ("groundedness", "relevance", "completeness"):
        setattr(judgement, field, max(1, min(5, getattr(judgement, field))))
    return judgement
