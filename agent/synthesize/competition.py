"""Competition in deals: who each win/loss or churn note says the deal was against.

Reads the deal notes' front matter (`competitor:` or `lost_to:`, parsed at ingest into
`DealNote.competitor`) and the evidence extracted from the same notes; writes one `Competitor`
per name with every deal it was in, each deal cited with the note's own sentence naming the
competitor (the front-matter line when the body never names it) and its clearest win, loss or
churn reason. Names are grouped as written, ignoring case and punctuation ("Maestro QA" is
"MaestroQA"); "none" is no competitor unless the note says what replaced the product
("none (back to spreadsheet)"), which counts as the status quo, like "status quo", "in-house" or
"Excel". Nothing is inferred from interviews: a competitor a customer merely mentions is not a
deal lost to it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.schema import SourceDocument
from agent.schema.evidence import Evidence
from agent.schema.icp import Competitor, CompetitorDeal, EvidenceRef
from agent.synthesize.themes import ref
from agent.textspans import split_sentences

UNKNOWN = re.compile(r"^\W*(?:unknown|n/?a|tbd|tbc|not known|\?+|-+)?\W*$", re.IGNORECASE)
NONE = re.compile(r"^\W*(?:none|no one|nobody|no competitor|no vendor)\W*$", re.IGNORECASE)
STATUS_QUO = re.compile(
    r"^\W*(?:none|nothing|no (?:vendor|competitor|tool)|status[- ]quo|do(?:ing)? nothing|"
    r"in[- ]?house|home[- ]?grown|built (?:it )?(?:themselves|in[- ]?house)|build|"
    r"spreadsheets?|excel|google sheets|manual(?: process)?|pen and paper)\b",
    re.IGNORECASE,
)
REASONS = {
    "won": ("win_reason",),
    "expanded": ("win_reason", "outcome"),
    "lost": ("loss_reason", "objection"),
    "churned": ("churn_reason", "objection"),
}
# a sentence about the contest, not one that lists the stack ("Genesys, Verint call recording")
CONTEST = re.compile(
    r"\b(?:lost|lose|won|win|against|versus|vs\.?|chose|choose|picked|went with|switch\w*|"
    r"moved|instead|replac\w*|compet\w*|cheaper|expensive|pric\w*|better|worse|weaker|"
    r"stronger|shortlist\w*|pilot|evaluat\w*|incumbent)\b",
    re.IGNORECASE,
)
WHY = re.compile(r"\b(?:why|reasons?|because|lost|won|win|churn\w*|decid\w*|decision)\b", re.I)
AFTERWARDS = re.compile(r"^\W*(?:follow[- ]?up|next steps?|action items?|to ?do)\b", re.I)
BULLET = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL)


def competition(documents: Iterable[SourceDocument], evidence: list[Evidence]) -> list[Competitor]:
    """Competitors named by deal notes, most deals first (then by name)."""
    by_doc: dict[str, list[Evidence]] = {}
    for item in evidence:
        by_doc.setdefault(item.doc_id, []).append(item)
    found: dict[str, Competitor] = {}
    for doc in documents:
        deal = doc.deal
        named = deal.competitor if deal is not None else None
        if deal is None or not named or UNKNOWN.match(named):
            continue
        name, detail = _split(named)
        if NONE.match(name) and not detail:
            continue  # the deal had no competitor
        status_quo = bool(STATUS_QUO.match(name))
        shown = "Status quo" if status_quo else name
        key = "status quo" if status_quo else re.sub(r"[^a-z0-9]", "", name.lower())
        competitor = found.setdefault(key, Competitor(name=shown, status_quo=status_quo))
        extra = detail  # "status quo (HubSpot reporting)", "none (back to spreadsheet)"
        if status_quo and not NONE.match(name) and not re.match(r"(?i)status[- ]quo$", name):
            extra = name + (f" ({detail})" if detail else "")  # "Excel", "in-house"
        if extra and extra not in competitor.details:
            competitor.details.append(extra)
        outcome = deal.outcome
        refs: list[EvidenceRef] = []
        for found_ref in (
            _naming(doc, name, named),
            _reason(doc, by_doc.get(doc.doc_id, []), outcome),
        ):
            if found_ref and all(
                found_ref.end <= r.start or r.end <= found_ref.start for r in refs
            ):
                refs.append(found_ref)
        competitor.deals.append(
            CompetitorDeal(account=doc.account, outcome=outcome, source=doc.source, evidence=refs)
        )
    return sorted(found.values(), key=lambda c: (-len(c.deals), c.status_quo, c.name.lower()))


def _split(named: str) -> tuple[str, str | None]:
    """'status quo (HubSpot reporting)' -> ('status quo', 'HubSpot reporting')."""
    match = re.match(r"^\s*(.*?)\s*\((.*)\)\s*$", named)
    if match and match.group(1):
        return match.group(1).strip(), match.group(2).strip() or None
    return named.strip(), None


def _naming(doc: SourceDocument, name: str, named: str) -> EvidenceRef | None:
    """The note's first body sentence that names the competitor, else its front-matter line."""
    text = doc.text
    front = FRONT_MATTER.match(text)
    body_start = front.end() if front else 0
    if not STATUS_QUO.match(name):
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        # sentences of the note's content, never of its label lines ("**Lost to:** MiseOS")
        regions = [(t.start, t.end) for t in doc.turns if t.is_content and t.end > body_start] or [
            (body_start, len(text))
        ]
        naming = [
            (start, end)
            for a, b in regions
            for start, end in split_sentences(text, max(a, body_start), b)
            if pattern.search(text[start:end])
        ]
        contest = [(a, b) for a, b in naming if CONTEST.search(text[a:b])]
        if contest or naming:
            return _span(doc, *(contest or naming)[0])
    line = re.search(
        rf"^[ \t]*\**(?:competitor|lost[ _]to|won against)\**[ \t]*:\**[ \t]*{re.escape(named)}[ \t]*$",
        text,
        re.IGNORECASE | re.MULTILINE,
    )
    if line:
        start = line.start() + len(line.group(0)) - len(line.group(0).lstrip())
        return _span(doc, start, line.end())
    return None


def _span(doc: SourceDocument, start: int, end: int) -> EvidenceRef:
    bullet = BULLET.match(doc.text[start:end])
    start += bullet.end() if bullet else 0
    return EvidenceRef(
        doc_id=doc.doc_id,
        source=doc.source,
        quote=doc.text[start:end],
        start=start,
        end=end,
        account=doc.account,
    )


def _reason(doc: SourceDocument, items: list[Evidence], outcome: str | None) -> EvidenceRef | None:
    """The note's first reason for its outcome: of the kind the outcome calls for, under a
    "Why we lost" heading rather than elsewhere, not a follow-up or next step. The first one,
    as notes lead with the primary reason (the extractor's confidence does not rank them)."""
    kinds = REASONS.get(outcome or "", ())
    reasons = [
        e
        for e in items
        if e.kind.value in kinds
        and not e.negated
        and not e.hypothetical
        and e.is_claim
        and not AFTERWARDS.match(e.quote)
    ]
    if not reasons:
        return None

    def under_why(item: Evidence) -> bool:
        turn = next((t for t in doc.turns if t.start <= item.start < t.end), None)
        return bool(turn and turn.section and WHY.search(turn.section))

    best = max(reasons, key=lambda e: (-kinds.index(e.kind.value), under_why(e), -e.start))
    return ref(best)
