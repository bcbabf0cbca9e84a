"""Hybrid retrieval over the workspace chunks: dense (Chroma) and lexical (SQLite FTS5 BM25)
fused by reciprocal rank, customer turns preferred over interviewer turns, then MMR for
diversity. Filters narrow by segment, account, kind, deal outcome and date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from agent.errors import UsageError
from agent.ingest.normalize import company_key
from agent.qa.models import Filters, Passage, filtering
from agent.schema import EvidenceKind, SourceKind
from agent.store import Workspace

RRF_K = 60
CANDIDATES = 60
FACET_CANDIDATES = 10  # passages each listed facet adds to the fusion (lexical, its words)
FACET_RRF_WEIGHT = 1.0
FACET_SURE = 2  # passages of each facet's own ranking always kept
ASKED_SOURCES = 2  # interviewer questions like the user's whose answers are read…
ASKED_MATCH = 0.55  # …when this alike to it (a guide's question asked in other words)
ASKED_CHUNKS = 1  # answer passages read per such question
INTERVIEWER_WEIGHT = 0.4
MMR_LAMBDA = 0.75


@dataclass
class Scope:
    """The filters resolved to what Chroma and the catalog can test."""

    doc_ids: set[str] | None = None
    source_kind: str | None = None
    evidence_kind: str | None = None

    def allows(self, doc_id: str, kind: str) -> bool:
        if self.doc_ids is not None and doc_id not in self.doc_ids:
            return False
        return self.source_kind is None or kind == self.source_kind


def resolve_scope(workspace: Workspace, filters: Filters | None) -> Scope:
    if not filtering(filters):
        return Scope()
    scope = Scope()
    documents = workspace.catalog.documents()
    allowed: set[str] | None = None

    def narrow(ids: set[str]) -> None:
        nonlocal allowed
        allowed = ids if allowed is None else allowed & ids

    if filters.kind:
        kind = filters.kind.lower()
        if kind in {k.value for k in SourceKind}:
            scope.source_kind = kind
        elif kind in {k.value for k in EvidenceKind}:
            scope.evidence_kind = kind
        else:
            raise UsageError(
                f"unknown kind {filters.kind!r}: use a source kind ({', '.join(k.value for k in SourceKind)}) or an evidence kind ({', '.join(k.value for k in EvidenceKind)})"
            )
    accounts: set[str] | None = None
    if filters.account:
        wanted = company_key(filters.account)
        accounts = {
            d.account
            for d in documents
            if d.account and (company_key(d.account) == wanted or wanted in company_key(d.account))
        }
        if not accounts:
            raise UsageError(f"no account matches {filters.account!r}")
    if filters.segment or filters.outcome:
        from agent.synthesize import versions
        from agent.synthesize.accounts import build_accounts

        if filters.segment:
            draft = versions.latest(workspace)
            if draft is None:
                raise UsageError("--segment needs an ICP version: run `icp synthesize` first")
            wanted_segment = filters.segment.lower()
            segment = next(
                (
                    s
                    for s in draft.segments
                    if s.id.lower() == wanted_segment
                    or s.id.lower().startswith(wanted_segment + "-")
                ),
                None,
            ) or next((s for s in draft.segments if wanted_segment in s.name.lower()), None)
            if segment is None:
                raise UsageError(
                    f"no segment matches {filters.segment!r}; segments: {', '.join(f'{s.id} ({s.name})' for s in draft.segments)}"
                )
            members = set(segment.accounts)
            accounts = members if accounts is None else accounts & members
        if filters.outcome:
            book = build_accounts([d.model_copy(deep=True) for d in documents], [])
            with_outcome = {
                name for name, a in book.accounts.items() if a.outcome == filters.outcome.lower()
            }
            accounts = with_outcome if accounts is None else accounts & with_outcome
    if accounts is not None:
        keys = {company_key(a) for a in accounts}
        narrow({d.doc_id for d in documents if d.account and company_key(d.account) in keys})
    if filters.date_from or filters.date_to:
        start = _date(filters.date_from) or dt.date.min
        end = _date(filters.date_to) or dt.date.max
        narrow({d.doc_id for d in documents if d.date and start <= d.date <= end})
    scope.doc_ids = allowed
    return scope


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"not an ISO date: {value!r} (use YYYY-MM-DD)") from exc


def _where(scope: Scope) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if scope.doc_ids is not None:
        clauses.append({"doc_id": {"$in": sorted(scope.doc_ids) or ["-"]}})
    if scope.source_kind:
        clauses.append({"kind": scope.source_kind})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


KIND_WEIGHT = {"survey": 0.8, "crm": 0.6}
PREFERRED_BOOST = 1.6
EVIDENCE_RRF_WEIGHT = 1.0


def accounts_in_question(question: str, workspace: Workspace) -> set[str]:
    """Accounts of the industries a question names ('fintech', 'SaaS', 'clinics'): a soft
    preference, not a filter."""
    from agent.ingest.normalize import _fold, industry_matches
    from agent.qa.index import known_accounts

    known = known_accounts(workspace)
    named = set(known.directory.mentioned(question))
    if named:  # 'What did Keller Mechanical see…' is about Keller Mechanical
        return named
    folded = _fold(question)
    industries = {industry for length, industry, _match in industry_matches(folded) if length >= 4}
    industries.discard("other")
    if not industries:
        return set()
    return {name for name, industry in known.crm if industry in industries}


def retrieve(
    question: str,
    workspace: Workspace,
    embedder: Any,
    filters: Filters | None = None,
    k: int = 8,
    evidence_kinds: set[str] | None = None,
    query_vector: np.ndarray | None = None,
    preferred_docs: set[str] | None = None,
    only_docs: set[str] | None = None,
    facets: list[str] | None = None,
) -> list[Passage]:
    """The best k passages. `preferred_docs` (the documents the question is about, see
    agent.qa.scope) are boosted; without it, accounts of the industries or names the question
    mentions are. `facets` (agent.qa.facets: "public datasets", "web scraping" of a question
    that lists them) are each searched by their words, one more ranking apiece, so a passage
    about one of them is found although the whole question is about all."""
    scope = resolve_scope(workspace, filters)
    if only_docs is not None:
        scope.doc_ids = only_docs if scope.doc_ids is None else scope.doc_ids & only_docs
    query = query_vector if query_vector is not None else embedder.embed([question])[0]
    if scope.evidence_kind:
        return _retrieve_evidence(query, workspace, scope, k)
    preferred = (
        set()
        if preferred_docs is not None
        else {company_key(a) for a in accounts_in_question(question, workspace)}
    )
    dense = workspace.vectors.query("chunks", query, CANDIDATES, _where(scope))
    lexical = [(cid, score) for cid, score in workspace.catalog.bm25(question, CANDIDATES * 2)]
    by_facet = [workspace.catalog.bm25(facet, FACET_CANDIDATES) for facet in facets or []]
    fused: dict[str, float] = {}
    dense_score = {cid: sim for cid, sim, _ in dense}
    vectors = {cid: vec for cid, _, vec in dense}
    for rank, (cid, _sim, _vec) in enumerate(dense):
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank)
    lexical_score: dict[str, float] = {}
    chunks = {
        c.chunk_id: c
        for c in workspace.catalog.chunks(
            [cid for cid, _ in lexical]
            + [cid for ranking in by_facet for cid, _ in ranking]
            + list(dense_score)
        )
    }
    rank = 0
    for cid, score in lexical:
        chunk = chunks.get(cid)
        if chunk is None or not scope.allows(chunk.doc_id, chunk.kind.value):
            continue
        lexical_score[cid] = score
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank)
        rank += 1
        if rank >= CANDIDATES:
            break
    for ranking in by_facet:
        rank = 0
        for cid, _score in ranking:
            chunk = chunks.get(cid)
            if chunk is None or not scope.allows(chunk.doc_id, chunk.kind.value):
                continue
            fused[cid] = fused.get(cid, 0.0) + FACET_RRF_WEIGHT / (RRF_K + rank)
            rank += 1
    if evidence_kinds:
        # what the question asks for (triggers, pains, who signs…) as extracted evidence: a third ranking
        clauses: list[dict[str, Any]] = [{"kind": {"$in": sorted(evidence_kinds)}}, {"claim": True}]
        if scope.doc_ids is not None:
            clauses.append({"doc_id": {"$in": sorted(scope.doc_ids) or ["-"]}})
        hits = workspace.vectors.query("evidence", query, CANDIDATES, {"$and": clauses})
        items = (
            {e.id: e for e in workspace.catalog.evidence(ids=[eid for eid, _, _ in hits])}
            if hits
            else {}
        )
        chunk_rows = workspace.catalog.chunks_covering(
            [(items[eid].doc_id, items[eid].start) for eid, _, _ in hits if eid in items]
        )
        for rank, (eid, _sim, _vec) in enumerate(hits):
            item = items.get(eid)
            chunk = chunk_rows.get((item.doc_id, item.start)) if item else None
            if chunk is None or not scope.allows(chunk.doc_id, chunk.kind.value):
                continue
            chunks[chunk.chunk_id] = chunk
            fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + EVIDENCE_RRF_WEIGHT / (
                RRF_K + rank
            )
    missing = [cid for cid in fused if cid not in vectors]
    if missing:
        vectors.update(workspace.vectors.vectors("chunks", missing))
    passages = []
    for cid, score in fused.items():
        chunk = chunks.get(cid)
        if chunk is None:
            continue
        weight = INTERVIEWER_WEIGHT if chunk.role.value == "interviewer" else 1.0
        weight *= KIND_WEIGHT.get(chunk.kind.value, 1.0)
        if (preferred and chunk.account and company_key(chunk.account) in preferred) or (
            preferred_docs and chunk.doc_id in preferred_docs
        ):
            weight *= PREFERRED_BOOST
        similarity = dense_score.get(cid)
        if similarity is None and cid in vectors:
            similarity = float(vectors[cid] @ query)
        passages.append(
            _passage(
                chunk,
                dense=round(similarity or 0.0, 4),
                lexical=round(lexical_score.get(cid, 0.0), 4),
                fused=round(score * weight, 6),
            )
        )
    passages.sort(key=lambda p: -p.fused)
    chosen = mmr(passages[:CANDIDATES], vectors, query, k)
    chosen += _answers_to_asked(workspace, passages, chosen, scope)
    if by_facet:  # each listed facet's best passages, whatever the whole question prefers
        by_id = {p.chunk_id: p for p in passages}
        taken = {p.chunk_id for p in chosen}
        for ranking in by_facet:
            added = 0
            for cid, _score in ranking:
                passage = by_id.get(cid)
                if added >= FACET_SURE or passage is None or passage.role == "interviewer":
                    continue  # the interviewer's list is the question again, not an answer
                added += 1
                if cid not in taken:
                    taken.add(cid)
                    chosen.append(passage)
    return chosen


def _passage(chunk: Any, dense: float, lexical: float, fused: float) -> Passage:
    return Passage(
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        source=chunk.source,
        text=chunk.text,
        start=chunk.start,
        end=chunk.end,
        account=chunk.account,
        speaker=chunk.speaker,
        role=chunk.role.value,
        kind=chunk.kind.value,
        dense=dense,
        lexical=lexical,
        fused=fused,
    )


def _answers_to_asked(
    workspace: Workspace, passages: list[Passage], chosen: list[Passage], scope: Scope
) -> list[Passage]:
    """The customer turns that answer the interviewer questions most like the user's (among
    the best ASKED_SOURCES passages that are interviewer turns alike enough): a guide's
    question matches the user's better than its answers do (agent.qa.asked)."""
    from agent.qa.asked import answer_positions

    asked = [p for p in passages[:CANDIDATES] if p.role == "interviewer" and p.dense >= ASKED_MATCH]
    taken = {p.chunk_id for p in chosen}
    added: list[Passage] = []
    for question in asked[:ASKED_SOURCES]:
        doc = workspace.catalog.document(question.doc_id)
        if doc is None:
            continue
        positions = [(doc.doc_id, at) for at in answer_positions(doc, question.start)]
        covering = workspace.catalog.chunks_covering(positions)
        for key in positions[:ASKED_CHUNKS]:
            chunk = covering.get(key)
            if chunk is None or chunk.chunk_id in taken:
                continue
            if not scope.allows(chunk.doc_id, chunk.kind.value):
                continue
            taken.add(chunk.chunk_id)
            added.append(_passage(chunk, dense=question.dense, lexical=0.0, fused=question.fused))
    return added


def _retrieve_evidence(
    query: np.ndarray, workspace: Workspace, scope: Scope, k: int
) -> list[Passage]:
    """Evidence-kind filter (e.g. --kind pain): search the extracted quotes of that kind."""
    clauses: list[dict[str, Any]] = [{"kind": scope.evidence_kind}, {"claim": True}]
    if scope.doc_ids is not None:
        clauses.append({"doc_id": {"$in": sorted(scope.doc_ids) or ["-"]}})
    hits = workspace.vectors.query("evidence", query, CANDIDATES, {"$and": clauses})
    evidence = {e.id: e for e in workspace.catalog.evidence(ids=[eid for eid, _, _ in hits])}
    passages = []
    vectors = {}
    for rank, (eid, similarity, vector) in enumerate(hits):
        item = evidence.get(eid)
        if item is None:
            continue
        vectors[eid] = vector
        passages.append(
            Passage(
                chunk_id=eid,
                doc_id=item.doc_id,
                source=item.source,
                text=item.quote,
                start=item.start,
                end=item.end,
                account=item.account,
                speaker=item.speaker,
                role=item.speaker_role.value,
                kind=item.source_kind.value,
                dense=round(similarity, 4),
                fused=round(1.0 / (RRF_K + rank), 6),
            )
        )
    return mmr(passages, vectors, query, k)


def mmr(
    passages: list[Passage],
    vectors: dict[str, np.ndarray],
    query: np.ndarray,
    k: int,
    weight: float = MMR_LAMBDA,
) -> list[Passage]:
    """Maximal marginal relevance: relevant first, then different from what is already chosen."""
    if not passages:
        return []
    top = max(p.fused for p in passages) or 1.0
    relevance = {p.chunk_id: p.fused / top for p in passages}
    chosen: list[Passage] = []
    pool = list(passages)
    while pool and len(chosen) < k:

        def value(candidate: Passage) -> float:
            vector = vectors.get(candidate.chunk_id)
            if vector is None or not chosen:
                return relevance[candidate.chunk_id]
            redundancy = (
                max(float(vector @ vectors[c.chunk_id]) for c in chosen if c.chunk_id in vectors)
                if any(c.chunk_id in vectors for c in chosen)
                else 0.0
            )
            return weight * relevance[candidate.chunk_id] - (1 - weight) * redundancy

        best = max(pool, key=value)
        chosen.append(best)
        pool.remove(best)
    return chosen
