"""The retrieval agent used when an LLM is configured: the model answers through a few tools —
search passages, count evidence by unit, read the draft's tables — in at most MAX_STEPS
steps, then writes its sentences citing evidence ids.

Nothing it writes is trusted: every cited id must be one a tool returned (its quote is that
evidence's verbatim span), every number must be one a tool returned or one written in a cited
passage. A failed check is re-asked once with the problems listed; what still fails is dropped
and counted (`rejected_citations`). A model that never finishes gets the offline answer."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from agent.config import Settings
from agent.qa.candidates import Candidate
from agent.qa.models import Answer, Citation
from agent.store import Workspace

MAX_STEPS = 6
RESULTS = 6
NUMBER = re.compile(r"(?<![\w.$])(\d+(?:\.\d+)?)(?![\w.])")
WORD_NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}

TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "search_passages",
            "description": "Find what customers said about something. Returns evidence with ids.",
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {"type": "string"},
                    "account": {"type": ["string", "null"]},
                    "kind": {
                        "type": ["string", "null"],
                        "description": "transcript, notes, win_loss, survey, or an evidence kind",
                    },
                },
                "required": ["query", "account", "kind"],
                "additionalProperties": False,
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "count_evidence",
            "description": "Count the accounts or participants that mention a topic, optionally in one segment.",
            "parameters": {
                "type": "object",
                "properties": {
                    "topic": {"type": "string"},
                    "unit": {"type": "string", "enum": ["accounts", "participants"]},
                    "segment": {"type": ["string", "null"]},
                },
                "required": ["topic", "unit", "segment"],
                "additionalProperties": False,
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "read_tables",
            "description": "Read the ICP's tables: segments (accounts, PMF, win rate), survey (answer counts), pmf.",
            "parameters": {
                "type": "object",
                "properties": {"table": {"type": "string", "enum": ["segments", "survey", "pmf"]}},
                "required": ["table"],
                "additionalProperties": False,
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "final_answer",
            "description": "The answer: sentences, each citing evidence ids from the tool results.",
            "parameters": {
                "type": "object",
                "properties": {
                    "answered": {"type": "boolean"},
                    "sentences": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "text": {"type": "string"},
                                "evidence": {"type": "array", "items": {"type": "string"}},
                            },
                            "required": ["text", "evidence"],
                            "additionalProperties": False,
                        },
                    },
                },
                "required": ["answered", "sentences"],
                "additionalProperties": False,
            },
        },
    },
]


class Sentence(BaseModel):
    text: str
    evidence: list[str]


class FinalAnswer(BaseModel):
    answered: bool
    sentences: list[Sentence]


@dataclass
class Ledger:
    """What the tools handed the model: evidence by id, and the numbers they stated."""

    evidence: dict[str, Candidate] = field(default_factory=dict)
    numbers: set[float] = field(default_factory=set)

    def add(self, candidate: Candidate) -> str:
        for key, known in self.evidence.items():
            if (known.doc_id, known.start, known.end) == (
                candidate.doc_id,
                candidate.start,
                candidate.end,
            ):
                return key
        key = f"E{len(self.evidence) + 1}"
        self.evidence[key] = candidate
        return key


def numbers_in(text: str) -> set[float]:
    found = {float(n) for n in NUMBER.findall(text)}
    found |= {
        float(WORD_NUMBERS[w])
        for w in re.findall(r"[a-z]+", text.lower())
        if w in WORD_NUMBERS and w not in ("one",)
    }
    return found


def problems(sentence: Sentence, ledger: Ledger) -> list[str]:
    """Why a sentence cannot be shown (empty: it can)."""
    found = []
    unknown = [e for e in sentence.evidence if e not in ledger.evidence]
    if unknown:
        found.append(f"cites {', '.join(unknown)}, which no tool returned")
    if not [e for e in sentence.evidence if e in ledger.evidence]:
        found.append("cites no evidence a tool returned")
    allowed = set(ledger.numbers)
    for key in sentence.evidence:
        if key in ledger.evidence:
            allowed |= numbers_in(ledger.evidence[key].text)
    invented = sorted(n for n in numbers_in(sentence.text) if n not in allowed)
    if invented:
        found.append(
            "states "
            + ", ".join(f"{n:g}" for n in invented)
            + ", which no tool result or cited passage says"
        )
    return found


class Toolbox:
    """The tools, run by code over the workspace (the model only picks the arguments)."""

    def __init__(
        self,
        workspace: Workspace,
        settings: Settings,
        embedder: Any,
        draft: Any,
        redactor: Any = None,
    ) -> None:
        from agent.ingest.redaction import Placeholders

        self.workspace, self.settings, self.embedder, self.draft = (
            workspace,
            settings,
            embedder,
            draft,
        )
        self.redactor = redactor
        self.placeholders = Placeholders()  # shared by the question, tool results and replies
        self.ledger = Ledger()

    def outgoing(self, text: str) -> str:
        """Text that leaves the machine: redacted when the settings say so."""
        return self.redactor(text, self.placeholders) if self.redactor is not None else text

    def listing(self, candidates: list[Candidate]) -> str:
        from agent.qa.answer import passages_for_model
        from agent.qa.models import Passage

        rows = []
        for candidate in candidates[:RESULTS]:
            key = self.ledger.add(candidate)
            rows.append(
                Passage(
                    chunk_id=key,
                    doc_id=candidate.doc_id,
                    source=candidate.source,
                    text=candidate.text,
                    start=candidate.start,
                    end=candidate.end,
                    account=candidate.account,
                )
            )
        # filtered for instructions, headers escaped, redacted: the same path as every answer
        text, _ = passages_for_model(rows, None, self.redactor, self.placeholders)
        for number, row in enumerate(rows, start=1):  # the model cites ids, not positions
            text = text.replace(f"[{number}] (", f"[{row.chunk_id}] (", 1)
        return text or "(nothing found)"

    def search_passages(
        self, query: str, account: str | None = None, kind: str | None = None
    ) -> str:
        from agent.qa.candidates import gather
        from agent.qa.intent import intent_kinds
        from agent.qa.models import Filters
        from agent.qa.terms import content_stems

        terms = content_stems(query)
        pool = gather(
            query,
            self.workspace,
            self.embedder,
            Filters(account=account, kind=kind),
            intent_kinds(query),
            terms,
            terms,
            "accounts",
        )
        return self.listing(pool.candidates)

    def count_evidence(self, topic: str, unit: str = "accounts", segment: str | None = None) -> str:
        from agent.qa.answer import candidate_citation, units_in_scope
        from agent.qa.counts import count_answer

        who = f"{segment} {unit}" if segment else unit
        answer = count_answer(
            f"how many {who} mention {topic}",
            self.workspace,
            self.embedder,
            self.draft,
            candidate_citation,
            units_in_scope,
        )
        if answer is None:
            return "(not a countable topic)"
        total = re.search(r" of (\d+) ", answer.text)
        if answer.count is not None:
            self.ledger.numbers.add(float(answer.count))
        if total:
            self.ledger.numbers.add(float(total.group(1)))
        cited = [
            Candidate(
                c.doc_id,
                c.source,
                c.start,
                c.end,
                c.quote,
                c.account,
                c.speaker,
                "customer",
                "transcript",
                vector=np.zeros(1, dtype=np.float32),  # not compared again
            )
            for c in answer.citations
        ]
        return answer.text.split(":")[0] + ".\n" + self.listing(cited)

    def read_tables(self, table: str) -> str:
        draft = self.draft
        if draft is None:
            return "(no ICP draft yet)"
        lines = []
        if table == "segments":
            for s in draft.segments:
                lines.append(
                    f"{s.name}: {len(s.accounts)} accounts, tier {s.tier}, PMF {s.pmf.very}/{s.pmf.n}, win rate {s.win_rate}"
                )
                self.ledger.numbers |= {float(len(s.accounts)), float(s.pmf.very), float(s.pmf.n)}
        elif table == "pmf":
            p = draft.pmf_overall
            lines.append(f"very disappointed {p.very} of {p.n} ({p.very_disappointed_pct}%)")
            self.ledger.numbers |= {
                float(p.very),
                float(p.n),
                float(round(p.very_disappointed_pct or 0)),
            }
        else:
            for cut in draft.survey_cuts:
                lines.append(
                    cut.column + ": " + ", ".join(f"{v.value} {v.responses}" for v in cut.values)
                )
                self.ledger.numbers |= {float(v.responses) for v in cut.values}
        return "\n".join(lines) or "(empty)"

    def run(self, name: str, args: dict[str, Any]) -> str:
        """Run one tool call; placeholders in its arguments are mapped back first, and what it
        returns leaves the machine, so it is redacted (search results are redacted already)."""
        args = {
            key: self.placeholders.restore(value) if isinstance(value, str) else value
            for key, value in args.items()
        }
        if name == "search_passages":
            return self._run(name, args)
        return self.outgoing(self._run(name, args))

    def _run(self, name: str, args: dict[str, Any]) -> str:
        if name == "search_passages":
            return self.search_passages(
                str(args.get("query", "")), args.get("account"), args.get("kind")
            )
        if name == "count_evidence":
            return self.count_evidence(
                str(args.get("topic", "")), str(args.get("unit") or "accounts"), args.get("segment")
            )
        if name == "read_tables":
            return self.read_tables(str(args.get("table", "segments")))
        return f"(no tool named {name})"


def answer_with_tools(
    question: str,
    resolved: str,
    workspace: Workspace,
    settings: Settings,
    embedder: Any,
    llm: Any,
    history: list[tuple[str, str]] | None,
    draft: Any,
    redactor: Any = None,
) -> Answer | None:
    """The agent's answer, or None when it did not finish (the caller answers offline)."""
    from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage

    from agent.llm import chat_model
    from agent.prompts import load_prompt

    prompt = load_prompt("research_agent")
    tools = Toolbox(workspace, settings, embedder, draft, redactor)
    past = "\n".join(f"Q: {q}" for q, _ in (history or [])[-1:]) or "(none)"
    system, user = prompt.render(question=tools.outgoing(resolved), history=tools.outgoing(past))
    model = (llm if llm is not None else chat_model(settings)).bind_tools(TOOLS)
    messages: list[Any] = [SystemMessage(system), HumanMessage(user)]
    reasked = False
    rejected = 0
    for _step in range(MAX_STEPS):
        message = model.invoke(messages)
        messages.append(message)
        calls = getattr(message, "tool_calls", None) or []
        if not calls:
            return None
        final = None
        for call in calls:
            if call["name"] == "final_answer":
                final = call
                continue
            messages.append(
                ToolMessage(
                    tools.run(call["name"], call.get("args") or {}), tool_call_id=call["id"]
                )
            )
        if final is None:
            continue
        parsed: FinalAnswer | None
        try:
            answer = FinalAnswer.model_validate(final.get("args") or {})
        except ValidationError as exc:
            parsed, error = None, str(exc)
        else:
            parsed, error = answer, ""
            for sentence in answer.sentences:  # placeholders the model wrote, mapped back first
                sentence.text = tools.placeholders.restore(sentence.text)
        if parsed is not None and not parsed.answered:
            return Answer(
                question=question,
                resolved_question=resolved,
                answered=False,
                text="Not enough evidence in the research to answer this.",
                mode="llm",
                engine=f"openai:{settings.model}",
            )
        failing = (
            {i: problems(s, tools.ledger) for i, s in enumerate(parsed.sentences)} if parsed else {}
        )
        failing = {i: p for i, p in failing.items() if p}
        if (parsed is None or failing) and not reasked:
            reasked = True
            listed = error or "; ".join(
                f"sentence {i + 1} {', and '.join(p)}" for i, p in failing.items()
            )
            messages.append(
                ToolMessage(
                    f"Not accepted: {listed}. Fix or remove those sentences and call final_answer again.",
                    tool_call_id=final["id"],
                )
            )
            continue
        if parsed is None:
            return None
        kept = [s for i, s in enumerate(parsed.sentences) if i not in failing]
        rejected += sum(len(s.evidence) for i, s in enumerate(parsed.sentences) if i in failing)
        return _answer(question, resolved, kept, tools.ledger, rejected, settings)
    return None


def _answer(
    question: str,
    resolved: str,
    sentences: list[Sentence],
    ledger: Ledger,
    rejected: int,
    settings: Settings,
) -> Answer:
    from agent.qa.answer import candidate_citation

    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    texts = []
    for sentence in sentences:
        markers = ""
        for key in dict.fromkeys(e for e in sentence.evidence if e in ledger.evidence):
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(candidate_citation(numbers[key], ledger.evidence[key]))
            markers += f"[{numbers[key]}]"
        body = re.sub(r"\s*\[E\d+\]", "", sentence.text).rstrip(". ")
        texts.append(f"{body} {markers}.")
    engine = f"openai:{settings.model}"
    if not texts:
        return Answer(
            question=question,
            resolved_question=resolved,
            answered=False,
            text="Not enough evidence: the model's sentences could not be verified, so they are not shown.",
            mode="llm",
            engine=engine,
            rejected_citations=rejected,
        )
    return Answer(
        question=question,
        resolved_question=resolved,
        answered=True,
        text=" ".join(texts),
        citations=citations,
        mode="llm",
        engine=engine,
        rejected_citations=rejected,
    )


__all__ = ["TOOLS", "answer_with_tools", "json"]
