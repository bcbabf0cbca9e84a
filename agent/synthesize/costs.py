"""The cost shown beside a theme: one stated in a quote the reader sees, read exactly (amount,
unit, period and the words that said it), or none. A median across different statements is
no quote: when no shown quote states a cost unambiguously, the quotes stand alone."""

from __future__ import annotations

from agent.extract.quantities import stated_cost
from agent.schema.icp import Claim


def show_stated_cost(claim: Claim) -> Claim:
    """Replace the theme's cost with the first one a shown quote states (in quote order)."""
    stated = [cost for ref in claim.evidence if (cost := stated_cost(ref.quote)) is not None]
    claim.cost = stated[0] if stated else None
    claim.cost_mentions = len(stated)
    return claim
