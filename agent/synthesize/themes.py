"""Themes: evidence of one kind clustered by meaning across accounts, labelled with a short
headline and a one-line description from their quotes' own words (`labels.py`), and ranked by how
many distinct accounts said it (then how often, then how confidently)."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

from agent.extract.classifier import content_words
from agent.schema import Evidence, EvidenceKind, Quantity, SourceKind
from agent.schema.icp import Claim, EvidenceRef
from agent.synthesize.costs import points_back
from agent.synthesize.labels import describe
from agent.synthesize.units import UNSURE_REASON

SIMILARITY = 0.55
MAX_QUOTES = 3
HELD_BACK_BELOW = 2  # accounts: a vague-headlined theme said by fewer is held back
# The offline engine's statements under this confidence are of the kind they say 0.66–0.75 of
# the time on held-out domains, 0.84–0.96 from it up (`python -m agent.extract.train` prints
# the bands): a theme under it (`theme_confidence`) is kept for audit, not shown.
DISPLAY_CONFIDENCE = 0.9
# A theme several accounts say is of its kind unless every one of them was misread: its
# confidence is one minus the product of each account's doubt (one minus the confidence of
# its clearest statement), counting statements from SUPPORT_FLOOR up (under it, a statement
# is as likely another kind, and many of them must not add up to a finding)
SUPPORT_FLOOR = 0.6
OFFLINE = "offline"  # `extract.offline.ENGINE`, not imported: it would load the classifier
_STOP = set(
    "a an the and or but so of to in on for with at by from as is are was were be been it its this that these those we our us i my me "
    "you your they their them he she his her just really like um uh yeah well kind sort very lot lots about also then than there here "
    "what which who when where how why not no do does did have has had can could would should will get got going thing things".split()
)


@dataclass
class Theme:
    items: list[Evidence]
    centroid: np.ndarray
    medoid: Evidence


def ref(item: Evidence) -> EvidenceRef:
    return EvidenceRef(
        doc_id=item.doc_id,
        source=item.source,
        quote=item.quote,
        start=item.start,
        end=item.end,
        account=item.account,
        speaker=item.speaker,
    )


def one_per_account(ordered: Iterable[Evidence], limit: int) -> list[Evidence]:
    """The first item of each account, in the given order, up to `limit`: breadth over repetition."""
    picked: list[Evidence] = []
    seen: set[str | None] = set()
    for item in ordered:
        if item.account not in seen:
            picked.append(item)
            seen.add(item.account)
            if len(picked) == limit:
                break
    return picked


def _distinct_quotes(items: list[Evidence]) -> list[Evidence]:
    """The first of each wording: a survey row submitted twice is one quote, not two."""
    seen: set[str] = set()
    kept = []
    for item in items:
        key = " ".join(item.quote.lower().split())
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


SHARED_WORD_SHARE = 0.05  # a word more of a kind's statements say is no theme's own


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z][a-z'-]+", text.lower())
    return {w[:5] for w in words if len(w) >= 4 and w not in _STOP}


def specific_stems(items: list[Evidence]) -> set[str]:
    """The word stems few statements of a kind say: at most SHARED_WORD_SHARE of them (at
    least three): what several accounts must share to be one finding, not a blur of a topic."""
    frequency = Counter(stem for e in items for stem in _stems(e.quote))
    common = max(3.0, SHARED_WORD_SHARE * len(items))
    return {stem for stem, n in frequency.items() if n <= common}


def theme_confidence(items: list[Evidence], specific: Collection[str] = ()) -> float:
    """How sure it is that a theme is of its kind: its clearest statement's confidence, or,
    when several accounts say the same specific thing in conversation, that not all of them
    were misread (two accounts' 0.72 and 0.69 make 0.91; one account saying it twice counts
    once). `specific`: word stems few statements of the kind say ("chemical" among laundries'
    pains, not "models" in a study of machine learning): the accounts' clearest statements
    must share one, or each stands alone. Survey answers, short and read without a
    conversation, always stand alone."""
    best = max((item.confidence for item in items), default=0.0)
    clearest: dict[str, Evidence] = {}
    for item in items:
        if item.source_kind == SourceKind.survey or item.confidence < SUPPORT_FLOOR:
            continue  # a form's short answers, read without a conversation: each stands alone
        key = item.account or f"doc:{item.doc_id}"
        if key not in clearest or item.confidence > clearest[key].confidence:
            clearest[key] = item
    if len(clearest) < 2:
        return best
    said = [_stems(item.quote) & set(specific) for item in clearest.values()]
    if not set.intersection(*said):
        return best  # alike in meaning only: a blur of a topic, not one finding
    doubt = 1.0
    for item in clearest.values():
        doubt *= 1.0 - item.confidence
    return max(best, 1.0 - doubt)


def by_confidence(items: Iterable[Evidence]) -> list[Evidence]:
    return sorted(items, key=lambda e: -e.confidence)


def _medoid(members: list[Evidence], unit: np.ndarray, vectors: dict[str, np.ndarray]) -> Evidence:
    """The member closest to the theme's centroid (confidence breaks near ties)."""
    return max(members, key=lambda m: float(vectors[m.id] @ unit) + 0.05 * m.confidence)


def _place(item: Evidence) -> tuple[str, int, int, str]:
    """Where an item is in the research: its file (as the research names it), its span and
    kind; the same wherever the research folder is."""
    return (item.source, item.start, item.end, item.kind.value)


def _said(item: Evidence) -> int:
    """How much a statement says: its distinct content words."""
    return len(set(content_words(item.quote)))


def cluster(
    items: list[Evidence], vectors: dict[str, np.ndarray], threshold: float = SIMILARITY
) -> list[Theme]:
    """Greedy leader clustering in order of confidence: each item joins the most similar theme
    centroid at or above `threshold`, else starts a theme. O(items × themes) with running
    sums, so thousands of items per kind stay fast."""
    # equally confident items: the one that says most first, then in the research's order
    # (file, then place), never by id: ids hash the file's absolute path, and the same
    # research read from another folder must give the same themes
    ordered = [
        e
        for e in sorted(items, key=lambda e: (-e.confidence, -_said(e), *_place(e)))
        if e.id in vectors
    ]
    if not ordered:
        return []
    dimension = len(vectors[ordered[0].id])
    sums = np.zeros((len(ordered), dimension), dtype=np.float32)
    norms = np.zeros(len(ordered), dtype=np.float32)
    groups: list[list[Evidence]] = []
    for item in ordered:
        vector = vectors[item.id]
        count = len(groups)
        if count:
            similarities = (sums[:count] @ vector) / np.maximum(norms[:count], 1e-9)
            best = int(similarities.argmax())
            if similarities[best] >= threshold:
                groups[best].append(item)
                sums[best] += vector
                norms[best] = float(np.linalg.norm(sums[best]))
                continue
        groups.append([item])
        sums[count] = vector
        norms[count] = float(np.linalg.norm(vector))
    themes = []
    for index, members in enumerate(groups):
        unit = sums[index] / max(float(norms[index]), 1e-9)
        themes.append(Theme(items=members, centroid=unit, medoid=_medoid(members, unit, vectors)))
    return themes


def merge_close(
    themes: list[Theme], vectors: dict[str, np.ndarray], threshold: float
) -> list[Theme]:
    """Join themes whose centroids are at least `threshold` alike, closest pair first (greedy
    leader clustering splits one request worded many ways, "speed" / "faster loading time" /
    "reduce startup time", when the statements are as short as survey answers)."""
    themes = list(themes)
    while len(themes) > 1:
        centroids = np.stack([t.centroid for t in themes])
        similarity = centroids @ centroids.T
        np.fill_diagonal(similarity, -1.0)
        a, b = np.unravel_index(int(similarity.argmax()), similarity.shape)
        if similarity[a, b] < threshold:
            break
        members = themes[a].items + themes[b].items
        total = np.sum([vectors[m.id] for m in members], axis=0)
        unit = total / max(float(np.linalg.norm(total)), 1e-9)
        themes = [t for i, t in enumerate(themes) if i not in (a, b)]
        themes.append(Theme(items=members, centroid=unit, medoid=_medoid(members, unit, vectors)))
    return themes


def key_phrases(items: list[Evidence], top: int = 3) -> list[str]:
    counts: Counter[str] = Counter()
    for item in items:
        tokens = [
            t
            for t in re.findall(r"[a-z][a-z'-]+", item.quote.lower())
            if t not in _STOP and len(t) > 2
        ]
        for n in (2, 3):
            for i in range(len(tokens) - n + 1):
                counts[" ".join(tokens[i : i + n])] += 1
    return [phrase for phrase, count in counts.most_common(top) if count > 1]


def typical_cost(items: list[Evidence]) -> tuple[Quantity | None, int]:
    """The median stated quantity of the most common unit/period among the theme's items."""
    quantities = [e.quantity for e in items if e.quantity is not None]
    if not quantities:
        return None, 0
    groups: dict[tuple[str, str | None], list[Quantity]] = defaultdict(list)
    for quantity in quantities:
        groups[(quantity.unit, quantity.period)].append(quantity)
    (unit, period), members = max(groups.items(), key=lambda kv: (len(kv[1]), kv[0][1] is not None))
    amounts = sorted(q.amount for q in members)
    median = statistics.median(amounts)
    closest = min(members, key=lambda q: abs(q.amount - median))
    return Quantity(amount=round(median, 2), unit=unit, period=period, text=closest.text), len(
        members
    )


def ranked_claims(
    items: list[Evidence],
    vectors: dict[str, np.ndarray],
    accounts_with_evidence: int,
    min_accounts_for_claim: int,
    limit: int = 8,
    merge: float | None = None,
    min_accounts: int = 1,
) -> tuple[list[Claim], list[Claim]]:
    """Themes of one kind as ranked claims (distinct-account support first), split into those
    shown (up to `limit`) and those held back: said by a single source under a headline that
    names nothing specific or no longer reads (`Claim.held_back` says why; kept for audit).
    `merge`: join themes whose centroids are at least this alike (short statements such as
    survey answers).
    `min_accounts`: keep only themes that many accounts (or documents) share."""
    if not items:
        return [], []
    themes = cluster(items, vectors)
    if merge is not None:
        themes = merge_close(themes, vectors, merge)
    if min_accounts > 1:  # only themes that many sources share (labelled only those)
        themes = [
            t
            for t in themes
            if len({e.account or f"doc:{e.doc_id}" for e in t.items}) >= min_accounts
        ]
        if not themes:
            return [], []
    # the clearest statements first: close to the theme and confidently of its kind; one that
    # only says what the sentence before it costs ("That's four hours a day") comes last
    ordered = [
        sorted(
            theme.items,
            key=lambda e: (
                points_back(e),
                -(float(vectors[e.id] @ theme.centroid) + e.confidence),
            ),
        )
        for theme in themes
    ]
    # a theme is named by what it is, not by what it costs
    names = describe(
        [
            [e.quote for e in group if not points_back(e)] or [e.quote for e in group]
            for group in ordered
        ],
        items[0].kind.value,
    )
    # words few statements of the kind say: what several accounts must share to add up
    specific = specific_stems(items)
    ranked: list[tuple[Claim, float, int, tuple[str, int, int, str]]] = []
    for theme, representatives, named in zip(themes, ordered, names, strict=True):
        accounts = {e.account or f"doc:{e.doc_id}" for e in theme.items}
        cost, cost_mentions = typical_cost(theme.items)
        chosen = one_per_account(_distinct_quotes(representatives), MAX_QUOTES)
        job_types = Counter(e.job_type for e in theme.items if e.job_type)
        confidence = round(theme_confidence(theme.items, specific), 3)
        claim = Claim(
            label=named.label,
            description=named.description,
            kind=theme.medoid.kind.value,
            job_type=job_types.most_common(1)[0][0] if job_types else None,
            accounts=len(accounts),
            mentions=len(theme.items),
            share=round(len(accounts) / accounts_with_evidence, 2)
            if accounts_with_evidence
            else 0.0,
            cost=cost,
            cost_mentions=cost_mentions,
            thin=len(accounts) < min_accounts_for_claim,
            confidence=confidence,
            held_back=_held_back(theme.items, named.vague, len(accounts), confidence),
            evidence=[ref(e) for e in chosen],
        )
        ranked.append((claim, claim.confidence, _said(theme.medoid), _place(theme.medoid)))
    # ties (most themes of one account) go to the most confident theme, never to the label's
    # alphabetical order: rewording a label must not change what is shown
    # then to the theme whose clearest statement says the most (distinct content words: "It
    # happens at fetching data" says less than what a missing value cost), then to the
    # research's order
    ranked.sort(key=lambda r: (-r[0].accounts, -r[0].mentions, -r[1], -r[2], r[3]))
    shown = [claim for claim, *_ in ranked if claim.held_back is None]
    held = [claim for claim, *_ in ranked if claim.held_back is not None]
    return shown[:limit], held[:limit]


def _held_back(
    items: list[Evidence], vague: str | None, accounts: int, confidence: float
) -> str | None:
    """Why a theme is kept for audit instead of shown, or None."""
    if vague and accounts < HELD_BACK_BELOW:
        # one source and a headline that names nothing: more likely a stray sentence than a
        # finding (a theme many sources share stands on its count, whatever its headline)
        return f"one source, and its headline names nothing specific or does not read ({vague})"
    if confidence < DISPLAY_CONFIDENCE and all(e.engine == OFFLINE for e in items):
        return (
            f"{UNSURE_REASON} {confidence:.2f} confident; the offline engine shows "
            f"themes from {DISPLAY_CONFIDENCE} up (under it, its statements are of the kind it "
            "says only two times in three on research it was not trained on)"
        )
    return None


SHARED = 8  # themes shared across the research, shown at the top of the document


def _shares_a_specific_word(claim: Claim, specific: set[str]) -> bool:
    """Every quote shown (each of another account) says a word few statements of its kind
    say (`specific_stems`)."""
    quotes = [_stems(r.quote) for r in claim.evidence]
    seen: Counter[str] = Counter()
    for stems in quotes:
        seen.update(stems)
    return any(n == len(quotes) >= 2 and stem in specific for stem, n in seen.items())


def shared_claims(
    evidence: list[Evidence],
    vectors: dict[str, np.ndarray],
    kinds: Iterable[EvidenceKind],
    min_accounts_for_claim: int,
    limit: int = SHARED,
) -> list[Claim]:
    """Themes at least two accounts (or participants) share across the whole research, whatever
    segment each is in: what the research says more than once, most shared first."""
    with_evidence = len({e.account or f"doc:{e.doc_id}" for e in evidence}) or 1
    found: list[Claim] = []
    for kind in kinds:
        items = [e for e in evidence if e.kind == kind]
        claims, _ = ranked_claims(
            items, vectors, with_evidence, min_accounts_for_claim, limit, min_accounts=2
        )
        specific = specific_stems(items)
        # a theme shared by meaning alone ("data", said in every other sentence of a study
        # about data) is a blur, not a finding: its accounts must share a word few others say
        found.extend(c for c in claims if _shares_a_specific_word(c, specific))
    found.sort(key=lambda c: (-c.accounts, -c.mentions, -c.confidence, c.label))
    return found[:limit]
