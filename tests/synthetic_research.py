"""Small synthetic research for synthesis tests: transcripts, evidence spans and CRM rows built
in code, so a test states exactly what the research says (no corpus, no workspace)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import load, write

from agent.schema import CRMRecord, Evidence, EvidenceKind, SourceDocument, SourceKind
from agent.synthesize.pipeline import SynthesisInputs


def transcript(folder: Path, name: str, customer_lines: list[str]) -> SourceDocument:
    """An interview where the interviewer asks and 'Dana' answers with each line."""
    text = "".join(f"Interviewer: Tell me more?\nDana: {line}\n" for line in customer_lines)
    return load(write(folder / name, text)).documents[0]


def evidence_in(doc: SourceDocument, sentence: str, kind: EvidenceKind) -> Evidence:
    start = doc.text.index(sentence)
    return Evidence(
        kind=kind,
        summary=sentence,
        quote=sentence,
        doc_id=doc.doc_id,
        source=doc.source,
        source_kind=doc.kind,
        start=start,
        end=start + len(sentence),
        confidence=0.95,  # a clear statement: themes under 0.9 are kept for audit, not shown
        engine="offline",
    )


def statement(
    quote: str,
    account: str | None,
    doc_id: str,
    source: str,
    confidence: float = 0.95,
    engine: str = "offline",
) -> Evidence:
    """A pain statement of an interview, its quote the whole of a document of its own."""
    return Evidence(
        kind=EvidenceKind.pain,
        summary=quote,
        quote=quote,
        doc_id=doc_id,
        source=source,
        source_kind=SourceKind.transcript,
        start=0,
        end=len(quote),
        account=account,
        confidence=confidence,
        engine=engine,
    )


def crm_row(record: CRMRecord) -> SourceDocument:
    slug = record.name.lower().replace(" ", "-")
    return SourceDocument(
        doc_id=f"crm-{slug}",
        source="crm.csv",
        path="crm.csv",
        kind=SourceKind.crm,
        account=record.name,
        account_attribution="crm",
        text=record.name,
        content_hash="crm",
        crm=record,
    )


def inputs(documents: list[SourceDocument], evidence: list[Evidence], embedder) -> SynthesisInputs:
    vectors = (
        dict(
            zip(
                [e.id for e in evidence],
                np.asarray(embedder.embed([e.quote for e in evidence]), dtype=np.float32),
                strict=True,
            )
        )
        if evidence
        else {}
    )
    return SynthesisInputs(
        documents=documents,
        evidence=evidence,
        vectors=vectors,
        files=len({d.source for d in documents}),
        engine="offline",
    )


PAINS = [
    "Our data labels are wrong all the time and nobody checks them.",
    "The labels in our training data are often wrong.",
    "Wrong labels in the data cost us weeks of debugging.",
    "Monitoring models in production is something we do by hand.",
]


def anonymous_interviews(folder: Path) -> tuple[list[SourceDocument], list[Evidence]]:
    """Four interviews whose companies are anonymised ('Company 1'…): no account anywhere."""
    docs, evidence = [], []
    for index, pain in enumerate(PAINS, start=1):
        doc = transcript(
            folder, f"Interview {index}.txt", [f"I'm a data scientist at Company {index}.", pain]
        )
        docs.append(doc)
        evidence.append(evidence_in(doc, pain, EvidenceKind.pain))
    return docs, evidence
