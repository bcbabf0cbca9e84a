"""Answers with verified citations.

Offline (the default) the answer synthesizes: the sentences that answer the question are
grouped by theme, one sentence per group with its count of accounts or participants, the quotes
under it. Counting, segment and survey questions are answered from the tables
(agent.qa.aggregates). With an LLM, the model writes the sentences from the retrieved passages
and every citation is checked against them (a citation outside them is rejected)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from agent.config import Settings
from agent.embeddings import share_names
from agent.extract.grounding import locate_quote
from agent.extract.injection import as_data, instruction_spans, without
from agent.qa.aggregates import try_aggregate
from agent.qa.candidates import Candidate, gather, research_order
from agent.qa.compose import compose
from agent.qa.counts import count_answer, count_scope
from agent.qa.counts import parse as count_question
from agent.qa.deal_reasons import OUTCOMES, deal_note_candidates
from agent.qa.facets import facets
from agent.qa.followups import resolve
from agent.qa.index import document_index
from agent.qa.intent import intent_kinds
from agent.qa.models import Answer, Citation, Filters, Passage, filtering
from agent.qa.retrieval import resolve_scope, retrieve
from agent.qa.scope import QuestionScope, question_scope
from agent.qa.support import absent_terms, asks_amount, judge_support
from agent.qa.survey_tables import survey_answer
from agent.qa.terms import content_stems, stem
from agent.qa.units import ACCOUNTS, PARTICIPANTS, unit_for, unit_of
from agent.schema import SourceKind
from agent.store import Workspace

if TYPE_CHECKING:
    from agent.ingest.redaction import Placeholders, Redactor

MIN_SCORE = 0.40  # a sentence scoring less is not part of an answer
# a deal note's sentence answering "why did we win/lose X" scores this much above MIN_SCORE
DEAL_NOTE_MARGIN = 0.05
MAX_RELEVANT = 24
IN_SCOPE_ENOUGH = 2
STUDY_SCOPES = frozenset({"study", "titles"})  # question scopes read from a study's files
EVERYWHERE = 0.08  # a name in more than this share of passages is the product's, not a topic

__all__ = ["answer_question", "intent_kinds", "resolve_follow_up"]


class CitedQuote(BaseModel):
    number: int
    quote: str


class LLMAnswer(BaseModel):
    answered: bool
    answer: str
    citations: list[CitedQuote]


def previous_question(history: list[tuple[str, str]] | None) -> str | None:
    """The last question as it was resolved (only the last one counts)."""
    if not history:
        return None
    question, resolved = history[-1]
    return resolved or question


def resolve_follow_up(question: str, history: list[tuple[str, str]] | None) -> str:
    """'what about enterprise?' after 'why do trial teams stall?' asks it about enterprise;
    a self-contained question is asked as it is (agent.qa.followups)."""
    return resolve(question, previous_question(history)).resolved


def _citation(number: int, passage: Passage, text: str, a: int, b: int, score: float) -> Citation:
    return Citation(
        number=number,
        doc_id=passage.doc_id,
        source=passage.source,
        quote=text[a:b],
        start=a,
        end=b,
        account=passage.account,
        speaker=passage.speaker,
        score=round(score, 3),
    )


def candidate_citation(number: int, candidate: Candidate) -> Citation:
    return Citation(
        number=number,
        doc_id=candidate.doc_id,
        source=candidate.source,
        quote=candidate.text,
        start=candidate.start,
        end=candidate.end,
        account=candidate.account,
        speaker=candidate.speaker,
        score=round(candidate.score, 3),
    )


def _not_enough(
    question: str,
    resolved: str,
    text: str,
    closest: list[Citation],
    passages: list[Passage],
    mode: str,
    engine: str,
) -> Answer:
    """An honest refusal: what is missing, and the closest passages found."""
    return Answer(
        question=question,
        resolved_question=resolved,
        answered=False,
        text=text,
        closest=closest,
        mode=mode,
        engine=engine,
        retrieval=passages,
    )


def _passage_citations(passages: list[Passage], texts: dict[str, str]) -> list[Citation]:
    return [
        _citation(i, p, texts[p.doc_id], p.start, p.end, p.fused)
        for i, p in enumerate(passages[:3], start=1)
    ]


def _texts(workspace: Workspace, passages: list[Passage]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for passage in passages:
        if passage.doc_id not in texts:
            doc = workspace.catalog.document(passage.doc_id)
            texts[passage.doc_id] = doc.text if doc else ""
    return texts


def units_in_scope(
    workspace: Workspace, unit_kind: str, doc_ids: set[str] | None
) -> tuple[int, int, int]:
    """(units, documents with an account, documents without) among the research documents in
    scope (CRM rows and survey answers are not interviews). Remembered with the document index
    (a question asks twice, over every document of a large workspace)."""
    index = document_index(workspace)
    key = ("units_in_scope", unit_kind, None if doc_ids is None else frozenset(doc_ids))
    if key not in index.memo:
        rows = [
            r
            for r in index.research
            if r.kind not in ("survey",) and (doc_ids is None or r.doc_id in doc_ids)
        ]
        with_account = sum(1 for r in rows if r.account)
        units = {
            unit_of(unit_kind, r.account, r.source, r.doc_id).key
            for r in rows
            if r.account or unit_kind == PARTICIPANTS
        }
        if len(index.memo) > 256:
            index.memo.clear()
        index.memo[key] = (len(units), with_account, len(rows) - with_account)
    return index.memo[key]


def _scope_ids(
    workspace: Workspace, filters: Filters | None, asked: QuestionScope
) -> set[str] | None:
    explicit = resolve_scope(workspace, filters).doc_ids
    if asked.doc_ids is None:
        return explicit
    return asked.doc_ids if explicit is None else explicit & asked.doc_ids


def everywhere_names(question: str, workspace: Workspace) -> set[str]:
    """Names in the question that most of the research uses (the product's own name): they
    tell nothing apart, and in a sentence vector they pull every mention of the product up."""
    total = workspace.catalog.chunk_count() or 1
    found = set()
    for name in re.findall(r"(?<=\S )([A-Z][A-Za-z0-9-]+)", question):
        if workspace.catalog.term_count(name.lower()) > EVERYWHERE * total:
            found.add(name)
    return found


def without_words(question: str, names: set[str]) -> str:
    for name in names:
        question = re.sub(rf"\b{re.escape(name)}(?:'s|’s)?\s*", "", question)
    return re.sub(r"\s+", " ", question).strip()


def without_stems(question: str, stems: set[str]) -> str:
    kept = [w for w in question.split() if not (content_stems(w) and content_stems(w) <= stems)]
    return " ".join(kept)


def offline_answer(
    question: str,
    resolved: str,
    workspace: Workspace,
    embedder: Any,
    filters: Filters | None,
    draft: Any,
) -> Answer:
    kinds = intent_kinds(resolved)
    asked = question_scope(resolved, workspace, draft)
    common = everywhere_names(resolved, workspace)
    focus = without_words(resolved, common) if common else resolved
    question_terms = content_stems(focus)
    topic = question_terms - asked.stems
    scope_ids = _scope_ids(workspace, filters, asked)
    _, with_account, without = units_in_scope(workspace, ACCOUNTS, scope_ids)
    unit_kind = unit_for(resolved, with_account, without)
    # a study's people ("UX-study participants") said it in the study or not at all: its
    # files are searched alone, not preferred among every account's research
    studied = asked.doc_ids if asked.reason in STUDY_SCOPES and asked.doc_ids else None
    pool = gather(
        focus,
        workspace,
        embedder,
        filters,
        kinds,
        question_terms,
        topic,
        unit_kind,
        preferred=asked.doc_ids,
        topic_question=without_stems(focus, asked.stems) if asked.stems else None,
        facets=facets(focus),
        only_docs=studied,
    )
    closest = [candidate_citation(i, c) for i, c in enumerate(pool.candidates[:3], start=1)]
    recorded = False  # a deal note of the accounts asked about records the reason asked for
    if asked.doc_ids is not None and kinds & set(OUTCOMES):  # "why did we win Calloway?"
        pool.candidates = sorted(
            pool.candidates
            + deal_note_candidates(
                workspace,
                embedder,
                kinds,
                asked.doc_ids,
                pool.candidates,
                unit_kind,
                MIN_SCORE + DEAL_NOTE_MARGIN,
            ),
            key=research_order,
        )
        recorded = any(
            c.source_kind == SourceKind.win_loss.value
            and c.doc_id in asked.doc_ids
            and c.score >= MIN_SCORE
            for c in pool.candidates
        )
    support = judge_support(
        focus,
        topic,
        pool.candidates,
        workspace,
        asked.stems | {stem(w) for w in common},
        kinds,
        filtered=filtering(filters),
    )
    if not support.answerable and not recorded:
        if support.missing:
            text = f"Not enough evidence: nothing in the research mentions {', '.join(support.missing)}. The closest passages are listed below."
        elif support.reason == "no amount":
            text = "Not enough evidence: the question asks for an amount and no passage found states one. The closest passages are listed below."
        else:
            text = "Not enough evidence in the research to answer this. The closest passages are listed below."
        return _not_enough(
            question, resolved, text, closest, pool.passages, "extractive", "offline"
        )
    relevant = [c for c in pool.candidates if c.score >= MIN_SCORE]
    if asked.doc_ids is not None:
        inside = [c for c in relevant if c.doc_id in asked.doc_ids]
        # an account asked about by name is answered from its own research alone: another
        # account's churn reason is no answer to "why did Brookfield Tooling buy?"
        if len(inside) >= (1 if asked.reason == "named" else IN_SCOPE_ENOUGH):
            relevant = inside
    total, _, _ = units_in_scope(
        workspace,
        unit_kind,
        asked.doc_ids
        if asked.doc_ids is not None
        and relevant
        and all(c.doc_id in asked.doc_ids for c in relevant)
        else resolve_scope(workspace, filters).doc_ids,
    )
    text, citations, _ = compose(
        relevant[:MAX_RELEVANT],
        total,
        unit_kind,
        candidate_citation,
        topic,
        amount=asks_amount(focus),
    )
    return Answer(
        question=question,
        resolved_question=resolved,
        answered=True,
        text=text,
        citations=citations,
        mode="extractive",
        engine="offline",
        retrieval=pool.passages,
        unit=unit_kind,
    )


def _header(value: str) -> str:
    """An account or file name in a passage header: data, and no parenthesis to end it early."""
    return as_data(value).replace("(", "[").replace(")", "]")


Removed = dict[str, list[tuple[int, int]]]


def passages_for_model(
    passages: list[Passage],
    texts: dict[str, str] | None = None,
    redactor: Redactor | None = None,
    placeholders: Placeholders | None = None,
) -> tuple[str, Removed]:
    """The numbered passages as they are sent to a model: the one place passage text leaves the
    machine for an answer. Instruction-like sentences and prompt markup are removed (the same
    filter as extraction windows), headers are escaped as data, and the whole is redacted with
    `redactor` (placeholders shared with the question through `placeholders`). Returns the text
    and, per passage, the removed spans (to ground quotes against the original)."""
    removed: Removed = {}
    blocks = []
    for i, p in enumerate(passages, start=1):
        if texts is not None and p.doc_id in texts:
            text, a, b = texts[p.doc_id], p.start, p.end
        else:
            text, a, b = p.text, 0, len(p.text)
        removed[p.chunk_id] = instruction_spans(text, a, b)
        blocks.append(
            f"[{i}] ({_header(p.account or 'unknown account')}, {_header(p.source)})\n"
            + without(text, a, b, removed[p.chunk_id])
        )
    numbered = "\n\n".join(blocks)
    if redactor is not None:
        numbered = redactor(numbered, placeholders)
    return numbered, removed


def with_llm(
    question: str,
    resolved: str,
    passages: list[Passage],
    workspace: Workspace,
    settings: Settings,
    embedder: Any,
    llm: Any,
    history: list[tuple[str, str]] | None,
    redactor: Redactor | None = None,
) -> Answer:
    """An answer written by the model from the retrieved passages. What is sent is filtered for
    instructions and redacted (`redactor`); placeholders in the answer are mapped back."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from agent.ingest.redaction import Placeholders
    from agent.llm import chat_model, strict_schema, structured_call
    from agent.prompts import load_prompt

    prompt = load_prompt("answer_question")
    texts = _texts(workspace, passages)
    past = "\n".join(f"Q: {q}" for q, _ in (history or [])[-4:]) or "(none)"
    placeholders = Placeholders()
    numbered, removed = passages_for_model(passages, texts, redactor, placeholders)
    if redactor is not None:  # one set of placeholders for the question and the passages
        question_out = redactor(question, placeholders)
        past = redactor(past, placeholders)
    else:
        question_out = question
    system, user = prompt.render(question=question_out, history=past, passages=numbered)
    model = llm if llm is not None else chat_model(settings)
    engine = f"openai:{settings.model}"
    reply = structured_call(
        model,
        settings,
        [SystemMessage(system), HumanMessage(user)],
        strict_schema(LLMAnswer),
        "answer",
    )
    try:
        parsed = LLMAnswer.model_validate(reply.data) if reply.data is not None else None
    except ValidationError:
        parsed = None
    if parsed is None:
        answer = offline_answer(question, resolved, workspace, embedder, None, None)
        answer.text += "\n(The model's answer was unusable; this is the offline answer.)"
        return answer
    citations: list[Citation] = []
    rejected = 0
    for cited in parsed.citations:
        if not 1 <= cited.number <= len(passages):
            rejected += 1  # points outside the retrieved set
            continue
        passage = passages[cited.number - 1]
        span = locate_quote(
            texts[passage.doc_id],
            [(passage.start, passage.end)],
            placeholders.restore(cited.quote),
            removed[passage.chunk_id],
        )
        if span is None:
            rejected += 1
            continue
        if all(c.number != cited.number or (c.start, c.end) != span for c in citations):
            citations.append(
                _citation(
                    cited.number, passage, texts[passage.doc_id], span[0], span[1], passage.fused
                )
            )
    valid = {c.number for c in citations}
    text = re.sub(
        r"\[(\d+)\]",
        lambda m: m.group(0) if int(m.group(1)) in valid else "",
        placeholders.restore(parsed.answer),
    ).strip()
    if not parsed.answered or not citations:
        reason = "Not enough evidence in the research to answer this."
        if parsed.answered and not citations:
            reason += " (The model's citations could not be verified against the retrieved passages, so its answer is not shown.)"
        refusal = _not_enough(
            question, resolved, reason, _passage_citations(passages, texts), passages, "llm", engine
        )
        refusal.rejected_citations = rejected
        return refusal
    return Answer(
        question=question,
        resolved_question=resolved,
        answered=True,
        text=text,
        citations=sorted(citations, key=lambda c: c.number),
        mode="llm",
        engine=engine,
        retrieval=passages,
        rejected_citations=rejected,
    )


def answer_question(
    question: str,
    workspace: Workspace,
    settings: Settings,
    embedder: Any,
    llm: Any = None,
    filters: Filters | None = None,
    history: list[tuple[str, str]] | None = None,
    k: int = 8,
    draft: Any = None,
) -> Answer:
    """Answer one question. A follow-up is resolved against the last of `history`'s
    (question, resolved) pairs only. `draft`: the ICP the questions are about when it is not
    saved in the workspace (paste mode); else the latest version is read."""
    resolved = resolve_follow_up(question, history)
    names_on = settings.redact_names and settings.effective_redact_pii
    known = workspace.catalog.documents() if names_on else []
    if known:
        from agent.ingest.people import people_in

        share_names(embedder, people_in(known))  # OpenAI embeddings of the question and passages
    if draft is None:
        from agent.synthesize import versions

        draft = versions.latest(workspace)
    no_filters = not filtering(filters)
    if no_filters:
        surveyed = survey_answer(resolved, draft)
        if surveyed is not None:
            surveyed.question, surveyed.resolved_question = question, resolved
            return surveyed
    if no_filters and count_question(resolved):
        # words that say who is counted ("UX-study participants": the study's file names) are
        # scope, not a topic the research must mention
        counted_who = count_scope(resolved, workspace, draft)
        missing = absent_terms(resolved, workspace, counted_who.stems)
        if missing:
            return _not_enough(
                question,
                resolved,
                f"Not enough evidence: nothing in the research mentions {', '.join(missing)} (0 accounts).",
                [],
                [],
                "aggregate",
                "tables",
            )
        counted = count_answer(
            resolved, workspace, embedder, draft, candidate_citation, units_in_scope, counted_who
        )
        if counted is not None:
            counted.question, counted.resolved_question = question, resolved
            return counted
    if no_filters:
        table = try_aggregate(resolved, workspace, embedder, draft)
        if table is not None:
            table.question, table.resolved_question = question, resolved
            return table
    redactor = None
    if settings.effective_engine == "openai":
        from agent.ingest.redaction import outgoing_redactor

        redactor = outgoing_redactor(settings, known)
        from agent.qa.research_agent import answer_with_tools

        answer = answer_with_tools(
            question, resolved, workspace, settings, embedder, llm, history, draft, redactor
        )
        if answer is not None:
            return answer
    if settings.effective_engine == "openai":  # the agent did not finish: one plain call
        passages = retrieve(
            resolved, workspace, embedder, filters, k=k, evidence_kinds=intent_kinds(resolved)
        )
        if passages:
            return with_llm(
                question, resolved, passages, workspace, settings, embedder, llm, history, redactor
            )
    return offline_answer(question, resolved, workspace, embedder, filters, draft)
