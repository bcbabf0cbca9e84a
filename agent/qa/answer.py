"""Answers with verified citations: extractive offline, or written by an LLM whose every
citation is checked against what was retrieved (a citation outside it is rejected)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from agent.config import Settings
from agent.embeddings import share_names
from agent.extract.grounding import locate_quote
from agent.extract.injection import as_data, instruction_spans, without
from agent.ingest.people import people_in
from agent.ingest.redaction import Placeholders, Redactor, outgoing_redactor
from agent.qa.aggregates import try_aggregate
from agent.qa.models import Answer, Citation, Filters, Passage
from agent.qa.retrieval import retrieve
from agent.store import Workspace
from agent.textspans import split_sentences

MIN_SENTENCE_SIMILARITY = 0.42
MIN_PASSAGE_SIMILARITY = 0.38
MAX_QUOTES = 5
_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|what about|how about|why|why not|same for|and what|what else|or|which of (them|those)|how many of (them|those)|tell me more|more on|what do they|how do they)\b"
    r"|\b(they|them|those|these|their|that segment|those accounts|it)\b",
    re.IGNORECASE,
)


INTENTS: list[tuple[re.Pattern[str], set[str]]] = [
    (
        re.compile(
            r"\b(start(ed)? (looking|searching|evaluating)|trigger\w*|what (made|got|prompted|pushed)|why now|kick(ed)? off|catalyst|start to look)\b",
            re.I,
        ),
        {"trigger"},
    ),
    (
        re.compile(
            r"\b(pains?|problems?|struggl\w*|frustrat\w*|hardest|difficult\w*|cost them|biggest (issue|problem)|challenges?|stall\w*|stuck)\b",
            re.I,
        ),
        {"pain"},
    ),
    (
        re.compile(
            r"\b(who (signs|decides|approves|buys|champions|blocks|evaluates|uses)|decision[- ]makers?|economic buyers?|champions?|budget (owner|holder)s?|buying committee|blockers?)\b",
            re.I,
        ),
        {"buying_role"},
    ),
    (
        re.compile(
            r"\b(why (did )?(we|deals?) (lose|lost)|lost (deals|to)|loss reasons?|why .{0,30}\blose\b)",
            re.I,
        ),
        {"loss_reason", "objection"},
    ),
    (
        re.compile(r"\b(churn\w*|cancel\w*|leave|left us|didn'?t renew|not renew\w*)\b", re.I),
        {"churn_reason"},
    ),
    (
        re.compile(
            r"\b(why (did|do) (they|customers) (buy|choose|pick|sign)|win reasons?|why (we|did we) win|results?|roi|benefits?|outcomes?|value they get|improv\w*)\b",
            re.I,
        ),
        {"win_reason", "outcome"},
    ),
    (
        re.compile(
            r"\b(instead|today|currently|workarounds?|spreadsheets?|before (using|switching)|what do they use)\b",
            re.I,
        ),
        {"workaround"},
    ),
    (
        re.compile(
            r"\b(concerns?|objections?|hesitat\w*|worr\w*|pushback|risks?|hold(ing)? (them )?back)\b",
            re.I,
        ),
        {"objection"},
    ),
    (
        re.compile(
            r"\b(trying to|goals?|jobs?[- ]to[- ]be[- ]done|need to get done|want to achieve)\b",
            re.I,
        ),
        {"job"},
    ),
    (
        re.compile(r"\b(stack|tools?|software|systems?|integrat\w*|erp|crm)\b", re.I),
        {"technographic"},
    ),
]
INTENT_BOOST = 0.12


def intent_kinds(question: str) -> set[str]:
    kinds: set[str] = set()
    for pattern, mapped in INTENTS:
        if pattern.search(question):
            kinds |= mapped
    return kinds


class CitedQuote(BaseModel):
    number: int
    quote: str


class LLMAnswer(BaseModel):
    answered: bool
    answer: str
    citations: list[CitedQuote]


_COMMON = set(
    "what which who whom whose when where why how does did do are is was were have has had the and for with about from that this these those "
    "they them their customers customer accounts account companies company people users say said think tell told mention mentions our your "
    "into over under than then there here most more much many some any each other compare compared versus like".split()
)


def unknown_terms(question: str, workspace: Workspace) -> set[str]:
    """Names and acronyms in the question ('GDPR', 'Gong', 'Dynamics') that no indexed chunk
    contains: the research cannot speak about them."""
    names = re.findall(r"(?<=\S )([A-Z][A-Za-z0-9'-]+|[A-Z]{2,})", question)
    words = {w.lower().removesuffix("'s") for w in names if w.lower() not in _COMMON}
    return {w for w in words if workspace.catalog.term_count(w) == 0}


def resolve_follow_up(question: str, history: list[tuple[str, str]] | None) -> str:
    """'what about enterprise?' after 'why do trial teams stall?' searches for both."""
    if not history:
        return question
    previous = history[-1][1] or history[-1][0]
    if _FOLLOW_UP.search(question) or len(question.split()) <= 4:
        return f"{previous} {question}"
    return question


def _sentences(
    passages: list[Passage],
    embedder: Any,
    question_vector: Any,
    document_text: dict[str, str],
    boosted: Sequence[tuple[str, int, int]] = (),
) -> list[tuple[float, Passage, int, int]]:
    spans: list[tuple[Passage, int, int]] = []
    for passage in passages:
        text = document_text[passage.doc_id]
        for a, b in split_sentences(text, passage.start, passage.end):
            if len(text[a:b].split()) >= 4:
                spans.append((passage, a, b))
    if not spans:
        return []
    vectors = embedder.embed([document_text[p.doc_id][a:b] for p, a, b in spans])
    scored = []
    for (passage, a, b), vector in zip(spans, vectors, strict=True):
        weight = 0.85 if passage.role == "interviewer" else 1.0
        bonus = (
            INTENT_BOOST
            if any(d == passage.doc_id and s < b and a < e for d, s, e in boosted)
            else 0.0
        )
        scored.append((float(vector @ question_vector) * weight + bonus, passage, a, b))
    scored.sort(key=lambda s: -s[0])
    return scored


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


def _closest(
    scored: list[tuple[float, Passage, int, int]], texts: dict[str, str]
) -> list[Citation]:
    return [
        _citation(i, p, texts[p.doc_id], a, b, s)
        for i, (s, p, a, b) in enumerate(scored[:3], start=1)
    ]


def extractive(
    question: str, resolved: str, passages: list[Passage], workspace: Workspace, embedder: Any
) -> Answer:
    texts = _texts(workspace, passages)
    query = embedder.embed([resolved])[0]
    kinds = intent_kinds(resolved)
    boosted = (
        [(e.doc_id, e.start, e.end) for e in workspace.catalog.evidence(kinds=kinds) if e.is_claim]
        if kinds
        else []
    )
    scored = _sentences(passages, embedder, query, texts, boosted)
    best_passage = max((p.dense for p in passages), default=0.0)
    if (
        not scored
        or scored[0][0] < MIN_SENTENCE_SIMILARITY
        or best_passage < MIN_PASSAGE_SIMILARITY
    ):
        text = "Not enough evidence in the research to answer this. The closest passages are listed below."
        return _not_enough(
            question, resolved, text, _closest(scored, texts), passages, "extractive", "offline"
        )
    chosen: list[tuple[float, Passage, int, int]] = []
    for item in scored:  # one quote per account first, for breadth
        if item[0] < MIN_SENTENCE_SIMILARITY:
            break
        if all(c[1].account != item[1].account or item[1].account is None for c in chosen):
            chosen.append(item)
        if len(chosen) == MAX_QUOTES:
            break
    citations = [
        _citation(i, p, texts[p.doc_id], a, b, s) for i, (s, p, a, b) in enumerate(chosen, start=1)
    ]
    accounts = sorted({c.account for c in citations if c.account})
    lead = (
        f"What customers said ({len(citations)} quote{'s' if len(citations) != 1 else ''}"
        + (f" from {len(accounts)} account{'s' if len(accounts) != 1 else ''}" if accounts else "")
        + "):"
    )
    lines = [lead] + [
        f"- “{' '.join(c.quote.split())}” — {c.account or c.source} [{c.number}]" for c in citations
    ]
    return Answer(
        question=question,
        resolved_question=resolved,
        answered=True,
        text="\n".join(lines),
        citations=citations,
        mode="extractive",
        engine="offline",
        retrieval=passages,
    )


def _header(value: str) -> str:
    """An account or file name in a passage header: data, and no parenthesis to end it early."""
    return as_data(value).replace("(", "[").replace(")", "]")


def _texts(workspace: Workspace, passages: list[Passage]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for passage in passages:
        if passage.doc_id not in texts:
            doc = workspace.catalog.document(passage.doc_id)
            texts[passage.doc_id] = doc.text if doc else ""
    return texts


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

    from agent.llm import chat_model, strict_schema, structured_call
    from agent.prompts import load_prompt

    prompt = load_prompt("answer_question")
    texts = _texts(workspace, passages)
    removed = {
        p.chunk_id: instruction_spans(texts[p.doc_id], p.start, p.end) for p in passages
    }  # passages get the same filter as extraction windows
    numbered = "\n\n".join(
        f"[{i}] ({_header(p.account or 'unknown account')}, {_header(p.source)})\n"
        + without(texts[p.doc_id], p.start, p.end, removed[p.chunk_id])
        for i, p in enumerate(passages, start=1)
    )
    past = "\n".join(f"Q: {q}" for q, _ in (history or [])[-4:]) or "(none)"
    placeholders = Placeholders()
    if redactor is not None:  # one set of placeholders for the question and the passages
        question_out = redactor(question, placeholders)
        past, numbered = redactor(past, placeholders), redactor(numbered, placeholders)
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
        answer = extractive(question, resolved, passages, workspace, embedder)
        answer.text += "\n(The model's answer was unusable; this is the extractive answer.)"
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
) -> Answer:
    """Answer one question (a follow-up is resolved against `history`: (question, resolved) pairs)."""
    resolved = resolve_follow_up(question, history)
    names_on = settings.redact_names and settings.effective_redact_pii
    known = workspace.catalog.documents() if names_on else []
    share_names(embedder, people_in(known))  # OpenAI embeddings of the question and passages
    no_filters = filters is None or not any(filters.model_dump().values())
    if no_filters:
        aggregate = try_aggregate(question, workspace, embedder)
        if aggregate is not None:
            return aggregate
    passages = retrieve(
        resolved, workspace, embedder, filters, k=k, evidence_kinds=intent_kinds(resolved)
    )
    unknown = unknown_terms(resolved, workspace)
    if (
        unknown
        and passages
        and not any(term in p.text.lower() for p in passages for term in unknown)
    ):
        text = f"Not enough evidence: nothing in the research mentions {', '.join(sorted(unknown))}. The closest passages are listed below."
        return _not_enough(
            question,
            resolved,
            text,
            _passage_citations(passages, _texts(workspace, passages)),
            passages,
            "extractive",
            "offline",
        )
    if settings.effective_engine == "openai" and passages:
        redactor = outgoing_redactor(settings, known)
        return with_llm(
            question, resolved, passages, workspace, settings, embedder, llm, history, redactor
        )
    return extractive(question, resolved, passages, workspace, embedder)
