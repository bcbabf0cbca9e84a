"""Units of analysis: accounts (companies the research names) or participants (one per
interview or notes file whose company is named nowhere, one per survey respondent). Every count
in the draft carries its unit; a participant is never shown as an account."""

from __future__ import annotations

from pathlib import Path

from agent.schema import Evidence, SourceDocument, SourceKind
from agent.schema.icp import Segment, Unit
from agent.synthesize.accounts import AccountBook, AccountProfile, fill_from_research


def add_participants(
    book: AccountBook, documents: list[SourceDocument], evidence: list[Evidence]
) -> None:
    """Interviews and notes whose company is named nowhere still count: one participant each,
    never an invented account."""
    known = {d for a in book.accounts.values() for d in a.documents}
    claims_by_doc: dict[str, list[Evidence]] = {}
    for item in evidence:
        if item.is_claim:
            claims_by_doc.setdefault(item.doc_id, []).append(item)
    for doc in documents:
        if doc.doc_id in known or doc.kind in (SourceKind.crm, SourceKind.survey):
            continue
        name = participant_name(doc.source, book.accounts)
        account = book.accounts.setdefault(name, AccountProfile(name=name, participant=True))
        account.documents.append(doc.doc_id)
        account.source_kinds.add(doc.kind.value)
        for item in claims_by_doc.get(doc.doc_id, []):
            item.account = name
            account.evidence.append(item)
        fill_from_research(account)


def participant_name(source: str, taken: dict[str, AccountProfile]) -> str:
    """'Participant (Interview 11)': the file that holds the interview, readable and unique."""
    name = f"Participant ({Path(source).stem})"
    return name if name not in taken else f"Participant ({source})"


def unit_of_analysis(accounts: list[AccountProfile], respondents: int = 0) -> Unit:
    """Accounts when the research names at least one company with evidence; else participants
    (interviews whose company is not named, survey respondents)."""
    if any(a.has_evidence and not a.participant for a in accounts):
        return "accounts"
    return "participants" if respondents or any(a.participant for a in accounts) else "accounts"


# how the reason of a theme held back under the display confidence begins (`themes._held_back`;
# the document counts such themes apart from vague ones)
UNSURE_REASON = "its statements are"


def counted_unit(segment: Segment) -> Unit:
    """What a segment's counts count: participants when it names no account."""
    return "participants" if segment.participants and not segment.accounts else "accounts"


def label_units(segment: Segment, unit: Unit) -> None:
    """Every count in the segment says what it counts."""
    for claim_list in (
        segment.pains,
        segment.jobs,
        segment.triggers,
        segment.outcomes_said,
        segment.workarounds,
        segment.objections,
        segment.why_they_buy,
    ):
        for claim in claim_list:
            claim.unit = unit
    firmo, techno = segment.firmographics, segment.technographics
    for counts in (
        firmo.industries,
        firmo.size_bands,
        firmo.regions,
        firmo.countries,
        techno.tools,
        techno.categories,
    ):
        for count in counts:
            count.unit = unit
    committee = segment.buying_committee
    for role in (
        committee.economic_buyer,
        committee.champion,
        committee.end_user,
        committee.technical_evaluator,
        committee.blocker,
    ):
        if role is not None:
            role.unit = unit
