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
from agent.ingest.language import language_name
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
    skipped: list[str] = field(default_factory=list)  # one line per file kept out, and why

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
            "skipped": self.skipped,
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


def not_english(documents: list[SourceDocument]) -> list[str]:
    """One line per file whose documents (all or some) are not in English: the offline engine
    reads English only, so they are kept out of its evidence and themes."""
    by_file: dict[str, list[SourceDocument]] = {}
    for doc in documents:
        by_file.setdefault(doc.source, []).append(doc)
    lines = []
    for source, docs in sorted(by_file.items()):
        other = Counter(d.language for d in docs if d.language != "en")
        if not other:
            continue
        named = ", ".join(f"{language_name(code)} ({code})" for code in sorted(other))
        what = (
            f"written in {named}"
            if len(docs) == 1 or sum(other.values()) == len(docs)
            else f"{sum(other.values())} of {len(docs)} documents in {named}"
        )
        lines.append(
            f"{source}: {what}, kept out of the offline engine's evidence and themes "
            "(an LLM engine reads it: --engine openai)"
        )
    return lines


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
    on_windows: Callable[[int, int], None] | None = None,
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
    if not is_llm:  # the offline engine reads English only; other languages are never mixed in
        report.skipped = not_english(documents)
        documents = [d for d in documents if d.language == "en"]
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

    def store(
        doc: SourceDocument,
        fingerprint: str,
        evidence: list[Evidence],
        dropped: int,
        windows: int,
        cached: int,
    ) -> DocOutcome:
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

    def finish(outcome: DocOutcome) -> None:
        report.documents.append(outcome)
        if on_doc:
            on_doc(outcome)

    if not is_llm:
        for doc, fingerprint in pending:
            finish(store(doc, fingerprint, extractor.extract(doc), 0, 0, 0))
    else:
        _run_packs(extractor, pending, settings.concurrency, store, finish, on_windows)
    report.usage = extractor.usage.as_dict() if is_llm else Usage().as_dict()
    report.by_kind = dict(Counter(e.kind.value for e in workspace.catalog.evidence() if e.is_claim))
    return report


def _run_packs(
    extractor: Any,
    pending: list[tuple[SourceDocument, str]],
    workers: int,
    store: Any,
    finish: Any,
    on_windows: Callable[[int, int], None] | None = None,
) -> None:
    """LLM calls run concurrently pack by pack; a document is stored when all its packs are in,
    and fails as a whole when one of its packs fails. `on_windows(done, total)` after each pack."""
    from agent.extract.llm_engine import dedupe

    packs = extractor.plan([doc for doc, _ in pending])
    remaining: Counter[str] = Counter(part.doc.doc_id for pack in packs for part in pack)
    collected: dict[str, list[Evidence]] = {doc.doc_id: [] for doc, _ in pending}
    dropped: Counter[str] = Counter()
    cached: Counter[str] = Counter()
    errors: dict[str, str] = {}
    by_id = {doc.doc_id: (doc, fingerprint) for doc, fingerprint in pending}
    windows_total = sum(len(pack) for pack in packs)
    windows_done = 0
    if on_windows:
        on_windows(0, windows_total)
    for doc, fingerprint in pending:
        if doc.doc_id not in remaining:  # nothing to send (no customer text)
            finish(store(doc, fingerprint, [], 0, 0, 0))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(extractor.extract_pack, pack): pack for pack in packs}
        for future in as_completed(futures):
            pack = futures[future]
            try:
                result = future.result()
            except ICPError as exc:
                result = None
                for part in pack:
                    errors.setdefault(part.doc.doc_id, str(exc))
            windows_done += len(pack)
            if on_windows:
                on_windows(windows_done, windows_total)
            for part in pack:
                doc_id = part.doc.doc_id
                if result is not None:
                    collected[doc_id].extend(result.evidence.get(doc_id, []))
                    dropped[doc_id] += result.dropped.get(doc_id, 0)
                    cached[doc_id] += result.cached
                remaining[doc_id] -= 1
                if remaining[doc_id] == 0:
                    doc, fingerprint = by_id[doc_id]
                    if doc_id in errors:
                        finish(
                            DocOutcome(
                                doc_id, doc.source, doc.account, "failed", error=errors[doc_id]
                            )
                        )
                        continue
                    windows = sum(1 for p in packs for q in p if q.doc.doc_id == doc_id)
                    try:
                        finish(
                            store(
                                doc,
                                fingerprint,
                                dedupe(collected[doc_id]),
                                dropped[doc_id],
                                windows,
                                cached[doc_id],
                            )
                        )
                    except ICPError as exc:
                        finish(
                            DocOutcome(doc_id, doc.source, doc.account, "failed", error=str(exc))
                        )


def _plan(
    report: ExtractReport,
    extractor: Any,
    pending: list[tuple[SourceDocument, str]],
    settings: Settings,
    is_llm: bool,
    on_doc: Callable[[DocOutcome], None] | None,
) -> ExtractReport:
    docs = [doc for doc, _ in pending]
    tokens, calls = extractor.estimate(docs) if is_llm else (0, 0)
    for doc in docs:
        outcome = DocOutcome(doc.doc_id, doc.source, doc.account, "planned")
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
