"""`icp extract` over a workspace: which documents need extraction, run the engine, store
grounded evidence (catalog + Chroma), and report per-document status, tokens and cost."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Literal

from agent.config import Settings
from agent.errors import ICPError
from agent.extract.offline import OfflineExtractor
from agent.extract.windows import injection_spans
from agent.llm import Usage, estimate_cost
from agent.schema import Evidence, SourceDocument, SourceKind
from agent.store import Workspace

DocStatus = Literal["extracted", "unchanged", "failed", "planned"]


@dataclass
class DocOutcome:
    doc_id: str
    source: str
    account: str | None
    status: DocStatus
    evidence: int = 0
    claims: int = 0
    dropped: int = 0
    error: str | None = None
    windows: int = 0
    cached_windows: int = 0


@dataclass
class ExtractReport:
    engine: str
    model: str | None
    prompt_version: str | None
    documents: list[DocOutcome] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    estimate: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> list[DocOutcome]:
        return [d for d in self.documents if d.status == "failed"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "model": self.model,
            "prompt_version": self.prompt_version,
            "dry_run": self.dry_run,
            "documents": [d.__dict__ for d in self.documents],
            "usage": self.usage,
            "estimate": self.estimate,
            "by_kind": self.by_kind,
            "dropped_quotes": sum(d.dropped for d in self.documents),
            "failed": len(self.failed),
        }


def make_extractor(
    settings: Settings, workspace: Workspace | None, embedder: Any, llm: Any = None
) -> Any:
    if settings.effective_engine == "openai":
        from agent.extract.llm_engine import LLMExtractor

        return LLMExtractor(settings, workspace.catalog if workspace else None, llm=llm)
    return OfflineExtractor(embedder)


def _fingerprint(extractor: Any, doc: SourceDocument) -> str:
    text = hashlib.sha256(f"{doc.account}|{doc.kind}|{doc.text}".encode()).hexdigest()[:20]
    return f"{extractor.fingerprint}:{text}"


def extractable(workspace: Workspace) -> list[SourceDocument]:
    return [d for d in workspace.catalog.documents() if d.kind != SourceKind.crm]


def drop_injected(doc: SourceDocument, evidence: list[Evidence]) -> list[Evidence]:
    """Evidence never quotes text that tries to instruct a model (it is data, not a claim)."""
    spans = injection_spans(doc)
    return [e for e in evidence if not any(a < e.end and e.start < b for a, b in spans)]


def run_extraction(
    workspace: Workspace,
    settings: Settings,
    embedder: Any,
    llm: Any = None,
    dry_run: bool = False,
    force: bool = False,
    on_doc: Callable[[DocOutcome], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ExtractReport:
    extractor = make_extractor(settings, workspace, embedder, llm)
    is_llm = settings.effective_engine == "openai"
    report = ExtractReport(
        engine=extractor.engine,
        model=settings.model if is_llm else None,
        prompt_version=extractor.prompt.key if is_llm else None,
        dry_run=dry_run,
    )
    documents = extractable(workspace)
    pending: list[tuple[SourceDocument, str]] = []
    for doc in documents:
        fingerprint = _fingerprint(extractor, doc)
        previous = workspace.catalog.extraction(doc.doc_id)
        if not force and previous and previous[1] == fingerprint:
            outcome = DocOutcome(
                doc.doc_id, doc.source, doc.account, "unchanged", dropped=previous[2]
            )
            report.documents.append(outcome)
            continue
        pending.append((doc, fingerprint))
    if on_total:
        on_total(len(pending))
    if dry_run:
        return _plan(report, extractor, pending, settings, is_llm, on_doc)

    def work(doc: SourceDocument, fingerprint: str) -> DocOutcome:
        try:
            if is_llm:
                result = extractor.extract(doc)
                evidence, dropped, windows, cached = (
                    result.evidence,
                    result.dropped,
                    result.windows,
                    result.cached_windows,
                )
            else:
                evidence, dropped, windows, cached = extractor.extract(doc), 0, 0, 0
            evidence = drop_injected(doc, evidence)
            vectors = embedder.embed([e.quote for e in evidence])
            file_id = workspace.file_id_of(doc.doc_id) or ""
            workspace.store_evidence(
                doc, file_id, extractor.engine, fingerprint, evidence, dropped, vectors
            )
            return DocOutcome(
                doc.doc_id,
                doc.source,
                doc.account,
                "extracted",
                len(evidence),
                sum(e.is_claim for e in evidence),
                dropped,
                windows=windows,
                cached_windows=cached,
            )
        except ICPError as exc:
            return DocOutcome(doc.doc_id, doc.source, doc.account, "failed", error=str(exc))

    workers = settings.concurrency if is_llm else 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(work, doc, fp) for doc, fp in pending]
        for future in as_completed(futures):
            outcome = future.result()
            report.documents.append(outcome)
            if on_doc:
                on_doc(outcome)
    report.usage = extractor.usage.as_dict() if is_llm else Usage().as_dict()
    report.by_kind = dict(Counter(e.kind.value for e in workspace.catalog.evidence() if e.is_claim))
    return report


def _plan(
    report: ExtractReport,
    extractor: Any,
    pending: list[tuple[SourceDocument, str]],
    settings: Settings,
    is_llm: bool,
    on_doc: Callable[[DocOutcome], None] | None,
) -> ExtractReport:
    tokens = 0
    calls = 0
    for doc, _ in pending:
        if is_llm:
            doc_tokens, doc_calls = extractor.estimate(doc)
        else:
            doc_tokens, doc_calls = 0, 0
        tokens += doc_tokens
        calls += doc_calls
        outcome = DocOutcome(doc.doc_id, doc.source, doc.account, "planned", windows=doc_calls)
        report.documents.append(outcome)
        if on_doc:
            on_doc(outcome)
    output, cost = estimate_cost(settings.model, tokens) if is_llm else (0, 0.0)
    report.estimate = {
        "calls": calls,
        "input_tokens": tokens,
        "output_tokens": output,
        "cost_usd": None if cost is None else round(cost, 4),
    }
    return report
