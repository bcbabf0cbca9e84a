"""Buying context: which research can speak about buying at all.

Objections, reasons to buy and the buying committee are about a purchase. Research that holds
no purchase (practitioners interviewed about their work, with no deal notes, no deals in a CRM
and no buying role stated) gives the classifier nothing real to find there, and whatever it
finds is keyword noise. So these sections are decided from evidence that exists:

- a document has buying context when it is a deal note (win/loss or churn write-up, or deal
  front matter), belongs to an account with a deal (a CRM stage or a deal note's outcome), or
  states a buying role in a customer's words ("our CFO signs off", "I pushed for it");
- objections and reasons to buy (win, loss and churn reasons, and the outcomes that stand in
  for reasons to buy) count only from documents with buying context;
- a buying role counts only when it is stated: the sentence says who signs, approves, pushes,
  vets or blocks (roles.yaml phrase patterns), or it names a title of that role in a deal note.

Where nothing is left, the section says so and what is missing ('unknown — no deal notes or
buying roles in this research'), like the other 'unknown — …' statements of the draft.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from agent.extract.lexicon import load_lexicon
from agent.schema import BuyingRole, Evidence, EvidenceKind, SourceDocument, SourceKind
from agent.synthesize.accounts import AccountProfile

# kinds that speak about a purchase: counted only from documents with buying context
BUYING_KINDS = {
    EvidenceKind.objection,
    EvidenceKind.win_reason,
    EvidenceKind.loss_reason,
    EvidenceKind.churn_reason,
}
SECTIONS = ("buying_committee", "objections", "why_they_buy")
NO_CONTEXT = "unknown — no deal notes or buying roles in this research"
NO_CONTEXT_SEGMENT = "unknown — no deal notes or buying roles in this segment's research"


def stated_role(item: Evidence) -> bool:
    """The sentence says what someone does in the purchase (signs, approves, pushed for it,
    vetted it, blocked it): a role phrase of any buying role."""
    lexicon = load_lexicon()
    return any(
        pattern.search(item.quote)
        for patterns in lexicon.role_phrases.values()
        for pattern in patterns
    )


def _titled(item: Evidence) -> bool:
    role = item.role
    if role is None:
        return False
    patterns = load_lexicon().role_titles.get(BuyingRole(role), [])
    return any(pattern.search(item.quote) for pattern in patterns)


@dataclass
class BuyingContext:
    """The documents that can speak about buying, and why."""

    deal_documents: set[str] = field(default_factory=set)
    role_documents: set[str] = field(default_factory=set)

    @property
    def documents(self) -> set[str]:
        return self.deal_documents | self.role_documents

    @property
    def any(self) -> bool:
        return bool(self.documents)

    def admits(self, item: Evidence) -> bool:
        """Whether a claim may count in the buying sections (other kinds always may)."""
        if item.kind == EvidenceKind.buying_role:
            return stated_role(item) or (item.doc_id in self.deal_documents and _titled(item))
        if item.kind in BUYING_KINDS:
            return item.doc_id in self.documents
        return True

    def covers(self, members: Iterable[AccountProfile]) -> bool:
        """Whether any of these accounts or participants has a document with buying context."""
        documents = self.documents
        return any(d in documents for a in members for d in a.documents)

    def missing(self, members: Iterable[AccountProfile]) -> dict[str, str]:
        """Per buying section, what is missing when nothing can stand behind it."""
        if not self.any:
            return dict.fromkeys(SECTIONS, NO_CONTEXT)
        if not self.covers(members):
            return dict.fromkeys(SECTIONS, NO_CONTEXT_SEGMENT)
        return {}


def buying_context(
    documents: list[SourceDocument], claims: list[Evidence], accounts: Iterable[AccountProfile]
) -> BuyingContext:
    """Deal documents (deal notes, and every document of an account with a deal) and documents
    where a customer states a buying role."""
    deals = {
        d.doc_id
        for d in documents
        if d.kind == SourceKind.win_loss or (d.deal is not None and d.deal.outcome)
    }
    for account in accounts:
        if account.outcome:
            deals.update(account.documents)
    roles = {e.doc_id for e in claims if e.kind == EvidenceKind.buying_role and stated_role(e)}
    return BuyingContext(deal_documents=deals, role_documents=roles)
