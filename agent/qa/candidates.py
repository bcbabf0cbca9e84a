"""The sentences an answer may be built from, scored for meaning rather than phrase.

Two sources, merged: extracted evidence claims near the question (their vectors are stored, so
they cost nothing to score) and the sentences of the best hybrid-retrieved passages. Each
sentence is scored by its similarity to the question, plus what makes it an answer: evidence of
the kind the question asks for (a trigger for "what made them start looking"), words the
question did not already say, a number; minus what makes it an echo: a sentence made mostly of
the question's own words ("data quality issues" for "what data quality problems…"), a question,
an interviewer's line."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agent.extract.injection import is_instruction
from agent.extract.lexicon import is_distractor
from agent.extract.questions import asks
from agent.ingest.notes import LABEL_WORDS
from agent.qa.intent import says_kind
from agent.qa.models import Filters, Passage
from agent.qa.retrieval import resolve_scope, retrieve
from agent.qa.terms import content_stems, restatement, stem, words
from agent.qa.units import Unit, unit_of
from agent.schema import SourceDocument
from agent.store import Workspace
from agent.textspans import split_sentences

EVIDENCE_CANDIDATES = 40
PASSAGES = 10
PASSAGE_BONUS = 0.10
MAX_SENTENCES = 60
INTENT_BONUS = 0.06
KIND_FLOOR = 0.34
CLAIM_BONUS = 0.02
SCOPE_BONUS = 0.05
TOPIC_BONUS = 0.10
NUMBER_BONUS = 0.02
ECHO_PENALTY = 0.16
THIN_PENALTY = 0.06
INTERVIEWER_PENALTY = 0.12
SURVEY_PENALTY = 0.04
CONTEXT_PENALTY = 0.08
ATTRIBUTE_PENALTY = 0.06
SHORT_WORDS = 7
FACET_BONUS = 0.10  # a sentence that says one of the things a question lists
FACET_PASSAGES = 2  # passages added per listed facet
EXTRA_SENTENCES = 6  # sentences read from each passage added beyond the ranked ones
SURVEY_UNLIKE = 0.30  # a survey column's question this unlike the user's is another question
ASKED_READ = 40  # candidates whose interviewer question is compared with the user's
RARE_WEIGHT = 1.0 + math.log(1 / 0.2)  # a stem in fewer than a fifth of the passages
MIN_CONTENT_WORDS = 3  # "So yeah", "they just like": fillers say nothing
QUOTE_ENDS = " \"'”’)"  # a quoted question ends in its quote mark: `the most pressing …?"`
NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|forty|fifty|hundred|half|dozen)\b",
    re.I,
)


# who the speaker is or what the company is ("I'm the analytics manager, there's four of us",
# "We're a regional health system, three hospitals…"): context for an answer, not one, unless
# the question asks who they are
SELF_DESCRIPTION = re.compile(
    r"^\W*(?:(?:so|well|um|uh|yeah|okay|ok|and|right)\W+)*(?:"
    r"i['’]?m (?:the|a|an|one of)\b|i (?:run|lead|head|manage|own) (?:the |our |a )?\w+|"
    r"(?:we['’]re|we are) (?:a|an|about|around|roughly|basically a|mostly a)\b|"
    r"there['’]?s (?:\w+ )?(?:\w+ )of us\b|there are (?:\w+ )of us\b|"
    r"[A-Z][\w&.' -]{1,40}: (?:[\w-]+-based|an? [\w -]{2,40}(?:company|firm|lender|provider|group|agency|retailer|manufacturer|distributor|startup))\b)",
    re.IGNORECASE,
)
# what a notes writer says of the company: "Third-generation family printer, about 280
# people", "Tally & Sprout is a 35-person kitchenware brand", "Adult day centre in
# Chattanooga, TN": context for an answer, like the speaker's own description
COMPANY_DESCRIPTION = re.compile(
    r"^\W*(?:"
    r"(?![^,]*\b(?i:i|we|they|he|she|you|it|our|my|their)\b)[^.!?;:\n]{3,80},\s*"
    r"(?:~|about|around|roughly|approximately|approx\.?|some|over|under|nearly|almost)?\s*"
    r"[\d,]+\+?\s*(?:people|staff|employees|ftes?|workers|techs|technicians)\b"
    r"|[A-Z][\w&'’.-]*(?:\s+(?:&\s+)?[A-Z][\w&'’.-]*){0,4}\s+(?:is|was)\s+an?\s+(?:[\w-]+\s+){0,4}"
    r"(?:brand|company|firm|business|group|chain|operator|agency|shop|lab|laboratory|printer|"
    r"grower|nursery|distributor|manufacturer|retailer|provider|practice|clinic|nonprofit|"
    r"district|contractor|carrier|startup)\b"
    r"|(?:[A-Z]?[\w-]+\s+){1,5}in\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?,\s*[A-Z]{2}\.?$"
    r")"
)


def describes_itself(text: str) -> bool:
    """Who the speaker is or what the company is: context for an answer, not one."""
    return bool(SELF_DESCRIPTION.search(text) or COMPANY_DESCRIPTION.search(text))


CONTEXT_KINDS = {"firmographic"}
# what describes an account rather than answering why or what: a tool it runs, a company fact,
# who holds which role — an answer to a question that asks for them, context otherwise
ATTRIBUTE_KINDS = {"firmographic", "technographic", "buying_role"}

# a Markdown heading or a notes label line ("**Date:** …", "Attendees:** …" once split), never
# something a participant said
METADATA = re.compile(r"^\s*(?:#{1,6}\s|\**[A-Z][^:\n]{0,40}:\*\*|\*\*[^*\n]{1,60}\*\*\s*:?\s*$)")
_PLAIN_LABEL = re.compile(r"^\s*([A-Za-z][\w /&-]{0,24}?)\s*:\s+\S")
METADATA_WORDS = 8


def is_metadata(sentence: str) -> bool:
    """A heading or a label line, bold ("**Date:** …") or plain and short ("Rep: Dan Okoye."
    inside a deal note's paragraph): what the document is, not what anyone said."""
    if METADATA.match(sentence):
        return True
    label = _PLAIN_LABEL.match(sentence)
    return (
        label is not None
        and label.group(1).lower() in LABEL_WORDS
        and len(sentence.split()) <= METADATA_WORDS
    )


@dataclass
class Candidate:
    doc_id: str
    source: str
    start: int
    end: int
    text: str
    account: str | None
    speaker: str | None
    role: str
    source_kind: str
    vector: np.ndarray
    similarity: float = 0.0
    score: float = 0.0
    evidence_id: str | None = None
    evidence_kind: str | None = None
    unit: Unit | None = None
    passage_bonus: float = 0.0  # found by the hybrid (dense + BM25) passage ranking, by rank
    asked: str = ""  # the interviewer question it answers (filled for counting)

    def overlaps(self, doc_id: str, start: int, end: int) -> bool:
        return self.doc_id == doc_id and self.start < end and start < self.end


@dataclass
class Pool:
    """What was found for one question."""

    question_vector: np.ndarray
    candidates: list[Candidate]
    passages: list[Passage]
    texts: dict[str, str] = field(default_factory=dict)


_SENTENCE_CACHE: dict[tuple[str, int, int], np.ndarray] = {}
_CACHE_LIMIT = 50_000


def embed_spans(embedder: Any, spans: list[tuple[str, int, int, str]]) -> list[np.ndarray]:
    """Sentence vectors, remembered in the process (chat and the web server ask again)."""
    missing = [s for s in spans if (s[0], s[1], s[2]) not in _SENTENCE_CACHE]
    if missing:
        if len(_SENTENCE_CACHE) > _CACHE_LIMIT:
            _SENTENCE_CACHE.clear()
        vectors = embedder.embed([text for _, _, _, text in missing])
        for (doc_id, a, b, _), vector in zip(missing, vectors, strict=True):
            _SENTENCE_CACHE[(doc_id, a, b)] = np.asarray(vector, dtype=np.float32)
    return [_SENTENCE_CACHE[(d, a, b)] for d, a, b, _ in spans]


def research_order(candidate: Candidate) -> tuple[float, str, int]:
    """Best score first; equal scores in the research's order (a file, then its place), so the
    same question gets the same answer every run."""
    return (-candidate.score, candidate.source, candidate.start)


def documents(workspace: Workspace, doc_ids: set[str]) -> dict[str, SourceDocument | None]:
    return {doc_id: workspace.catalog.document(doc_id) for doc_id in doc_ids}


def add_asked_bonus(
    candidates: list[Candidate],
    docs: dict[str, SourceDocument | None],
    workspace: Workspace,
    query: np.ndarray,
    question_terms: set[str],
) -> None:
    """A sentence that answers an interviewer question like the user's scores more (unless it
    only echoes the question: fewer than three words of its own), one that
    answers an unlike question less when some interview asked the user's (agent.qa.asked).
    The best ASKED_READ candidates; each question is compared by the vector of its passage,
    embedded at ingest (nothing is embedded here)."""
    from agent.qa.asked import asked_bonus, question_before

    spans: dict[tuple[str, int], list[Candidate]] = {}
    for candidate in sorted(candidates, key=lambda c: -c.score)[:ASKED_READ]:
        doc = docs.get(candidate.doc_id)
        if doc is None or candidate.role == "interviewer":
            continue
        span = question_before(doc, candidate.start)
        if span is not None and len(content_stems(candidate.text) - question_terms) >= 3:
            spans.setdefault((doc.doc_id, span[0]), []).append(candidate)
    if not spans:
        return
    chunks = workspace.catalog.chunks_covering(list(spans))
    vectors = workspace.vectors.vectors("chunks", sorted({c.chunk_id for c in chunks.values()}))
    alike = {
        key: float(vectors[chunk.chunk_id] @ query)
        for key, chunk in chunks.items()
        if chunk.chunk_id in vectors
    }
    if not alike:
        return
    best = max(alike.values())
    for key, similarity in alike.items():
        bonus = asked_bonus(similarity, best)
        for candidate in spans[key]:
            candidate.score += bonus


def add_asked_text(candidates: list[Candidate], docs: dict[str, SourceDocument | None]) -> None:
    """Each customer sentence's interviewer question ("What does a delivery day look like?"
    for "I check it in on a clipboard"), so a count can read the topic across the two."""
    from agent.qa.asked import question_before

    for candidate in candidates:
        doc = docs.get(candidate.doc_id)
        if doc is None or candidate.role == "interviewer" or not doc.turns:
            continue
        span = question_before(doc, candidate.start)
        if span is not None:
            candidate.asked = doc.text[span[0] : span[1]]


def add_read_kind(candidates: list[Candidate], workspace: Workspace, kinds: set[str]) -> None:
    """A sentence that extraction also read as a kind the question asks for, under its
    display threshold ("We had a DEA inspection at our Stillwater clinic in June…", a trigger
    at 0.50), or that says what it is in the words a question for that kind uses ("The trigger
    was buying two marinas in Beaufort"), scores half the intent bonus."""
    doc_ids = sorted({c.doc_id for c in candidates if c.evidence_kind not in kinds})
    read: dict[str, list[tuple[int, int]]] = {}
    for doc_id, start, end in workspace.catalog.evidence_spans(doc_ids, sorted(kinds)):
        read.setdefault(doc_id, []).append((start, end))
    for candidate in candidates:
        if candidate.evidence_kind in kinds:
            continue  # scored for its kind already
        if says_kind(candidate.text, kinds) or any(
            start < candidate.end and candidate.start < end
            for start, end in read.get(candidate.doc_id, ())
        ):
            candidate.score += INTENT_BONUS / 2


def add_survey_question_fit(
    candidates: list[Candidate],
    docs: dict[str, SourceDocument | None],
    embedder: Any,
    query: np.ndarray,
) -> None:
    """A survey answer answers its column's question: "Support managers at growing B2B
    software companies" answers "who would benefit most?", not "why do they start looking?".
    An answer to a question clearly unlike the user's (cosine below SURVEY_UNLIKE) scores
    OTHER_PENALTY less, when interviews or notes are among the candidates. No bonus the other way: a survey's columns are all about the product,
    and short answers must not crowd out what interviews say. The few distinct questions are
    embedded once per process."""
    from agent.qa.asked import OTHER_PENALTY

    if all(c.source_kind == "survey" for c in candidates):
        return  # a survey-only question or workspace: nothing else to prefer
    by_question: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        doc = docs.get(candidate.doc_id)
        if doc is None or candidate.source_kind != "survey":
            continue
        turn = next((t for t in doc.turns if t.start <= candidate.start < t.end), None)
        if turn is not None and turn.section:
            by_question.setdefault(turn.section, []).append(candidate)
    if not by_question:
        return
    questions = list(by_question)
    vectors = embed_spans(embedder, [(f"survey question: {q}", 0, 0, q) for q in questions])
    for question, vector in zip(questions, vectors, strict=True):
        if float(vector @ query) < SURVEY_UNLIKE:
            for candidate in by_question[question]:
                candidate.score -= OTHER_PENALTY


def _distinct(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per span (an evidence item of two kinds is one sentence), and one per
    identical text within a source (the same survey answer typed by many respondents is
    grouped by meaning later, not cited twice)."""
    best: dict[tuple[str, int, int], Candidate] = {}
    for candidate in candidates:
        key = (candidate.doc_id, candidate.start, candidate.end)
        kept = best.get(key)
        if kept is None or candidate.score > kept.score:
            best[key] = candidate
    return list(best.values())


def score(
    candidate: Candidate,
    question_terms: set[str],
    topic_terms: set[str],
    kinds: set[str],
    preferred: set[str] | None,
    topic_weights: dict[str, float] | None = None,
) -> float:
    value = candidate.similarity + candidate.passage_bonus
    if candidate.evidence_kind:
        value += CLAIM_BONUS + (INTENT_BONUS if candidate.evidence_kind in kinds else 0.0)
    mine = content_stems(candidate.text)
    novel = mine - question_terms
    echo = restatement(candidate.text, question_terms)
    if echo >= 0.5:
        value -= ECHO_PENALTY * (echo - 0.3) / 0.7
    if len(novel) < 3:
        value -= THIN_PENALTY
    if topic_weights:  # the topic's rarer words count more ("scraping", not "data")
        said = sum(w for t, w in topic_weights.items() if t in mine)
        value += TOPIC_BONUS * said / sum(topic_weights.values())
    elif topic_terms:
        value += TOPIC_BONUS * len(mine & topic_terms) / len(topic_terms)
    if NUMBER.search(candidate.text):
        value += NUMBER_BONUS
    if candidate.role == "interviewer":
        value -= INTERVIEWER_PENALTY
    if candidate.source_kind == "survey":
        value -= SURVEY_PENALTY
    if len(candidate.text.split()) < SHORT_WORDS:
        value -= THIN_PENALTY
    if preferred is not None and candidate.doc_id in preferred:
        value += SCOPE_BONUS
    if (
        kinds
        and not kinds & CONTEXT_KINDS
        and (candidate.evidence_kind in CONTEXT_KINDS or describes_itself(candidate.text))
    ):
        value -= CONTEXT_PENALTY
    if kinds and candidate.evidence_kind in ATTRIBUTE_KINDS - kinds:
        value -= ATTRIBUTE_PENALTY
    return value


def topic_weights(workspace: Workspace, question: str, topic: set[str]) -> dict[str, float]:
    """Each topic word's weight: its inverse document frequency in the research (a word in
    every passage, like "data" in a study of data quality, tells no answer from another).
    Words the research never uses are left out: no sentence can say them."""
    total = workspace.catalog.chunk_count() or 1
    weights: dict[str, float] = {}
    for word in words(question):
        key = stem(word)
        if key in topic and key not in weights:
            found = workspace.catalog.term_count(word)
            if found:
                weights[key] = math.log((total + 1) / (found + 1)) + 1.0
    return weights


def facet_keys(workspace: Workspace, facets: list[str]) -> list[set[str]]:
    """Each facet's key: its rarest stem when that one is rare (in fewer than a fifth of the
    passages): "scrape" of "web scraping", "api" of "third-party APIs" (a sentence about "the
    API" is about it); all its stems when every one is common."""
    keys = []
    for facet in facets:
        facet_stems = content_stems(facet)
        weights = topic_weights(workspace, facet, facet_stems)
        rarest = max(weights, key=lambda s: (weights[s], s), default=None)
        if rarest is not None and weights[rarest] >= RARE_WEIGHT:
            keys.append({rarest})
        elif facet_stems:
            keys.append(facet_stems)
    return keys


def says_a_facet(said: set[str], keys: list[set[str]]) -> bool:
    """Whether a sentence's stems hold every key stem of one facet; a longer form counts
    ("scraper" says "scrape")."""

    def has(key: str) -> bool:
        return key in said or (len(key) >= 4 and any(s.startswith(key) for s in said))

    return any(key_set and all(has(k) for k in key_set) for key_set in keys)


# a sentence that stops where its point begins: "the thing that makes the most difference is."
LEAD_IN = re.compile(
    r"\b(?:the|a|an|of|to|like|as|because|and|or|but|with|for|that)\W*$|:\s*$|"
    r"\bthe\s+(?:\w+\s+){0,3}(?:thing|problem|issue|point|difference|reason|challenge|key|answer)s?\b"
    r"[^.;!?]{0,60}\b(?:is|are|was|were)\W*$",
    re.IGNORECASE,
)


def joined_lead_ins(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans, a lead-in joined to the sentence after it when that one follows on the
    same line ("…what makes the most difference is. Data quality, how representative…"): a
    quote that stops before its point is cited with it."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        a, b = spans[i]
        if (
            i + 1 < len(spans)
            and LEAD_IN.search(text[a:b].rstrip(".…"))
            and "\n" not in text[b : spans[i + 1][0]]
        ):
            out.append((a, spans[i + 1][1]))
            i += 2
            continue
        out.append((a, b))
        i += 1
    return out


WHY = re.compile(r"^\W*(?:why|what (?:made|got|pushed|prompted)|how come)\b", re.IGNORECASE)


def _about_a_record(question: str, kinds: set[str]) -> bool:
    """Whether a CRM record can answer: a question for what an account is or runs, or one whose
    kind is unknown and that asks no "why"."""
    return bool(kinds & ATTRIBUTE_KINDS) if kinds else not WHY.search(question)


def _sentences(
    text: str, passage: Passage, answers: dict[str, list[tuple[int, int]]]
) -> list[tuple[int, int]]:
    """The passage's sentences; in a survey row, only those of its free-text answers."""
    if passage.doc_id not in answers:
        return split_sentences(text, passage.start, passage.end)
    return [
        span
        for start, end in answers[passage.doc_id]
        if start < passage.end and passage.start < end
        for span in split_sentences(text, max(start, passage.start), min(end, passage.end))
    ]


def gather(
    question: str,
    workspace: Workspace,
    embedder: Any,
    filters: Filters | None,
    kinds: set[str],
    question_terms: set[str],
    topic_terms: set[str],
    unit_kind: str,
    preferred: set[str] | None = None,
    passages_k: int = PASSAGES,
    topic_question: str | None = None,
    only_docs: set[str] | None = None,
    evidence_k: int = EVIDENCE_CANDIDATES,
    max_sentences: int = MAX_SENTENCES,
    facets: list[str] | None = None,
    answering: bool = True,
) -> Pool:
    """`question` is embedded and searched; `topic_question` (the question without the group
    it is about: "what slows down deals" for "…deals with fintech companies"), when given, is
    averaged in, so sentences that only name the group do not outrank those that answer.
    `facets` (agent.qa.facets) are searched one by one, and a sentence that says a facet's
    rarer words scores FACET_BONUS more. `answering`: sentences are scored by the question
    they answer (an interview's, a survey column's); off for counting."""
    vectors = embedder.embed([question] + ([topic_question] if topic_question else []))
    query = np.asarray(vectors[0], dtype=np.float32)
    topic_query = np.asarray(vectors[1], dtype=np.float32) if topic_question else None
    passages = retrieve(
        question,
        workspace,
        embedder,
        filters,
        k=passages_k + FACET_PASSAGES * len(facets or []),
        evidence_kinds=kinds,
        query_vector=query,
        preferred_docs=preferred,
        only_docs=only_docs,
        facets=facets,
    )
    scope = resolve_scope(workspace, filters)
    clauses: list[dict[str, Any]] = [{"claim": True}]
    allowed = scope.doc_ids
    if only_docs is not None:
        allowed = only_docs if allowed is None else allowed & only_docs
    if allowed is not None:
        clauses.append({"doc_id": {"$in": sorted(allowed) or ["-"]}})
    if scope.evidence_kind:
        clauses.append({"kind": scope.evidence_kind})
    where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
    hits = workspace.vectors.query("evidence", query, evidence_k, where)
    if kinds and not scope.evidence_kind:
        # what the question asks for, searched on its own: "why do they start looking" is
        # answered by triggers, which may be less like the question's words than its topic is
        of_kind = {"kind": {"$in": sorted(kinds)}}
        more = workspace.vectors.query(
            "evidence", query, evidence_k // 2, {"$and": [*clauses, of_kind]}
        )
        seen = {h[0] for h in hits}
        hits = [*hits, *(h for h in more if h[0] not in seen)]
    items = {e.id: e for e in workspace.catalog.evidence(ids=[h[0] for h in hits])} if hits else {}
    # a CRM record says what an account is, never why or what it wants
    records_answer = _about_a_record(question, kinds)
    candidates: list[Candidate] = []
    for eid, similarity, vector in hits:
        item = items.get(eid)
        if item is None or not item.is_claim or is_instruction(item.quote):
            continue
        if scope.source_kind and item.source_kind.value != scope.source_kind:
            continue
        if item.source_kind.value == "crm" and not records_answer:
            continue
        candidates.append(
            Candidate(
                doc_id=item.doc_id,
                source=item.source,
                start=item.start,
                end=item.end,
                text=item.quote,
                account=item.account,
                speaker=item.speaker,
                role=item.speaker_role.value,
                source_kind=item.source_kind.value,
                vector=vector,
                similarity=similarity,
                evidence_id=item.id,
                evidence_kind=item.kind.value,
            )
        )
    if only_docs is not None:
        passages = [p for p in passages if p.doc_id in only_docs]
    doc_ids = {p.doc_id for p in passages} | {c.doc_id for c in candidates}
    docs = documents(workspace, doc_ids)
    texts = {doc_id: doc.text if doc else "" for doc_id, doc in docs.items()}
    spans: list[tuple[str, int, int, str]] = []
    meta: list[Passage] = []
    # passages added for a listed facet or an answer to a matching question bring their own
    # sentences beyond the budget of the ranked ones
    budget = max_sentences + EXTRA_SENTENCES * max(0, len(passages) - passages_k)
    structure = {  # headings and label lines of notes: what they name is no one's answer
        doc_id: [(t.start, t.end) for t in doc.turns if not t.is_content]
        for doc_id, doc in docs.items()
        if doc is not None
    }
    answers = {  # a survey row's answers: its company, size and score columns are no sentence
        doc_id: [(t.start, t.end) for t in doc.turns if t.is_content]
        for doc_id, doc in docs.items()
        if doc is not None and doc.kind.value == "survey"
    }
    for passage in passages:
        if len(spans) >= budget:
            break
        if passage.kind == "crm" and not records_answer:
            continue
        text = texts[passage.doc_id]
        for a, b in joined_lead_ins(text, _sentences(text, passage, answers)):
            sentence = text[a:b]
            if len(sentence.split()) < 4 or is_instruction(sentence) or is_metadata(sentence):
                continue  # too short; text aimed at a model; a heading or a notes label line
            if any(s <= a < e for s, e in structure.get(passage.doc_id, ())):
                continue
            if is_distractor(sentence):
                continue  # negated, hypothetical or reported: extraction keeps it from claims too
            if any(c.overlaps(passage.doc_id, a, b) for c in candidates):
                continue
            spans.append((passage.doc_id, a, b, sentence))
            meta.append(passage)
            if len(spans) >= budget:
                break
    for (doc_id, a, b, sentence), vector, passage in zip(
        spans, embed_spans(embedder, spans), meta, strict=True
    ):
        candidates.append(
            Candidate(
                doc_id=doc_id,
                source=passage.source,
                start=a,
                end=b,
                text=sentence,
                account=passage.account,
                speaker=passage.speaker,
                role=passage.role,
                source_kind=passage.kind,
                vector=vector,
                similarity=float(vector @ query),
            )
        )
    if topic_query is not None:
        for candidate in candidates:
            candidate.similarity = (
                candidate.similarity + float(candidate.vector @ topic_query)
            ) / 2
    for candidate in candidates:  # what the question asks for is near it whatever its words
        if candidate.evidence_kind in kinds:
            candidate.similarity = max(candidate.similarity, KIND_FLOOR)
    rank_of: dict[int, int] = {}
    for rank, passage in enumerate(passages):
        for candidate in candidates:
            if candidate.overlaps(passage.doc_id, passage.start, passage.end):
                rank_of.setdefault(id(candidate), rank)
    for candidate in candidates:
        found = rank_of.get(id(candidate))
        candidate.passage_bonus = (
            PASSAGE_BONUS * (1 - found / max(len(passages), 1)) if found is not None else 0.0
        )
    weights = topic_weights(workspace, question, topic_terms)
    for candidate in candidates:
        candidate.unit = unit_of(
            unit_kind, candidate.account, candidate.source, candidate.doc_id, candidate.speaker
        )
        candidate.score = score(candidate, question_terms, topic_terms, kinds, preferred, weights)
    if kinds and answering:
        add_read_kind(candidates, workspace, kinds)
    if answering:  # a count asks who mentions it, whatever they were answering
        add_asked_bonus(candidates, docs, workspace, query, question_terms)
        add_survey_question_fit(candidates, docs, embedder, query)
    else:  # but what they were answering may name what the sentence leaves unsaid
        add_asked_text(candidates, docs)
    if facets:
        keys = facet_keys(workspace, facets)
        for candidate in candidates:
            if says_a_facet(content_stems(candidate.text), keys):
                candidate.score += FACET_BONUS
    candidates = [
        c
        for c in _distinct(candidates)
        if len(content_stems(c.text)) >= MIN_CONTENT_WORDS and not asks(c.text.rstrip(QUOTE_ENDS))
    ]
    candidates.sort(key=research_order)
    return Pool(query, candidates, passages, texts)
