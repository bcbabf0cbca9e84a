"""How much of what participants said the document rests on: reads the documents and the
finished draft, writes one `Coverage` (shares of customer and interviewer speech, and of
customer speech that the shown quotes cite), so a reader can judge how much was left out."""

from __future__ import annotations

from collections.abc import Iterable

from agent.schema import SourceDocument, SourceKind, SpeakerRole
from agent.schema.icp import Coverage, EvidenceRef, ICPDraft

SPOKEN = (SourceKind.transcript, SourceKind.notes, SourceKind.win_loss)


def _shown_refs(draft: ICPDraft) -> Iterable[EvidenceRef]:
    for segment in draft.segments:
        for claims in (
            segment.pains,
            segment.jobs,
            segment.triggers,
            segment.outcomes_said,
            segment.workarounds,
            segment.objections,
            segment.why_they_buy,
        ):
            for claim in claims:
                yield from claim.evidence
        for role in vars(segment.buying_committee).values():
            if role is not None:
                yield from role.evidence


def coverage(documents: list[SourceDocument], draft: ICPDraft) -> Coverage:
    customer = interviewer = 0
    customer_spans: dict[str, list[tuple[int, int]]] = {}
    for doc in documents:
        if doc.kind not in SPOKEN:
            continue
        if not doc.turns:
            customer += len(doc.text)
            customer_spans.setdefault(doc.doc_id, []).append((0, len(doc.text)))
            continue
        for turn in doc.turns:
            length = turn.end - turn.start
            if turn.role == SpeakerRole.interviewer:
                interviewer += length
            else:
                customer += length
                customer_spans.setdefault(doc.doc_id, []).append((turn.start, turn.end))
    cited: dict[str, set[int]] = {}
    for ref in _shown_refs(draft):
        spans = customer_spans.get(ref.doc_id, [])
        for start, end in spans:
            low, high = max(start, ref.start), min(end, ref.end)
            if low < high:
                cited.setdefault(ref.doc_id, set()).update(range(low, high))
    cited_chars = sum(len(chars) for chars in cited.values())
    total = customer + interviewer
    customer_pct = round(100 * customer / total, 1) if total else None
    interviewer_pct = round(100 * interviewer / total, 1) if total else None
    cited_pct = round(100 * cited_chars / customer, 1) if customer else None
    line = (
        f"{cited_pct:.0f}% of customer speech is quoted in this report; "
        f"{interviewer_pct:.0f}% of all speech was the interviewer's."
        if cited_pct is not None and interviewer_pct is not None
        else "No interviews or notes: nothing here quotes spoken research."
    )
    return Coverage(
        customer_speech_pct=customer_pct,
        interviewer_speech_pct=interviewer_pct,
        cited_customer_speech_pct=cited_pct,
        line=line,
    )
