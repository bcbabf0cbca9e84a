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
  vets or blocks (roles.yaml phrase patterns; "end users see it" counts for end users only and
  gives no buying context, "a big fan of proxies" is a preference, not a role), or it names a
  title of that role in a deal note.

Where nothing is left, the section says so and what is missing ('unknown — no deal notes or
buying roles in this research'), like the other 'unknown — …' statements of the draft.
"""

from __future__ import annotations

import re
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


# roles in the purchase itself; using a product every day (end users) is no buying context
PURCHASE_ROLES = (
    BuyingRole.economic_buyer,
    BuyingRole.champion,
    BuyingRole.technical_evaluator,
    BuyingRole.blocker,
)
# a preference is no role: "I'm a big fan of proxies that mimic the business metrics"
_PREFERENCE = re.compile(
    r"\b(?:big|biggest|huge|great|internal) (?:fan|advocate|supporter|believer|champion)s? of\b",
    re.IGNORECASE,
)


def _stated(sentence: str, roles: Iterable[BuyingRole]) -> bool:
    preferences = [m.span() for m in _PREFERENCE.finditer(sentence)]
    lexicon = load_lexicon()
    for role in roles:
        for pattern in lexicon.role_phrases.get(role, []):
            for match in pattern.finditer(sentence):
                if not any(a < match.end() and match.start() < b for a, b in preferences):
                    return True
    return False


def stated_role(item: Evidence) -> bool:
    """The sentence says what someone does in the purchase: signs or approves it, pushed for
    it, vetted it, blocked it (a role phrase of roles.yaml); for an end user, that they use it.
    A preference ('a big fan of …') states no role."""
    extra = (BuyingRole.end_user,) if item.role == BuyingRole.end_user else ()
    return _stated(item.quote, PURCHASE_ROLES + extra)


def states_purchase_role(item: Evidence) -> bool:
    """A stated role in the purchase itself (not an end user's): buying context for its
    document."""
    return _stated(item.quote, PURCHASE_ROLES)


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
        if item.kind == EvidenceKind.buying_role:  # stated, in research about a purchase
            if item.doc_id in self.deal_documents:
                return stated_role(item) or _titled(item)
            return item.doc_id in self.role_documents and stated_role(item)
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
    roles = {
        e.doc_id for e in claims if e.kind == EvidenceKind.buying_role and states_purchase_role(e)
    }
    return BuyingContext(deal_documents=deals, role_documents=roles)
