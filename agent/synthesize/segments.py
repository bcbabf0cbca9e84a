"""Segments from the data: accounts clustered on firmographics, technographics and evidence
themes. The number of segments (2–5) is the one with the best mean silhouette; membership
and every count come from the data, never from a model."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from agent.ingest.normalize import SIZE_BANDS, industry_label
from agent.synthesize.accounts import AccountProfile
from agent.synthesize.traits import (
    distinguishing_traits,
    own_words,
    rare_word_groups,
    shared_vocabulary_groups,
    uncommon_word_groups,
)

MIN_K, MAX_K = 2, 5
MIN_SEGMENT_ACCOUNTS = 2
# beside the CRM's own label ("Philanthropy"), the industry it maps to ("Nonprofit &
# Associations") counts half: one industry's kinds stay apart, its spellings together
INDUSTRY_SHARE = 0.5
WEIGHTS = {"industry": 1.6, "size": 0.9, "stack": 0.9, "themes": 0.8, "region": 0.3}
_BAND_INDEX = {band: index for index, (band, _, _) in enumerate(SIZE_BANDS)}


@dataclass
class Segmentation:
    labels: dict[str, int]  # account name -> cluster
    k: int
    silhouette: float
    criterion: str
    scores: dict[int, float]


def _size_value(account: AccountProfile) -> float | None:
    if account.employees:
        return math.log10(max(1, account.employees)) / 4.0
    if account.size_band in _BAND_INDEX:
        low = SIZE_BANDS[_BAND_INDEX[account.size_band]][1]
        high = SIZE_BANDS[_BAND_INDEX[account.size_band]][2] or low * 2
        return math.log10((low + high) / 2) / 4.0
    return None


def _unit(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def _raw_label(account: AccountProfile) -> str | None:
    """The CRM's label when it says more than the industry it was mapped to."""
    raw = (account.industry_raw or "").strip()
    if not raw or raw.lower() == industry_label(account.industry).lower():
        return None
    if raw == account.industry:  # an own label: already the industry itself
        return None
    return raw


def features(
    accounts: list[AccountProfile], embed, theme_vectors: dict[str, np.ndarray]
) -> np.ndarray:
    """One row per account. Industries are embedded by their label, so related industries
    (marketing agencies and outsourcing firms) sit closer than unrelated ones."""
    industries = sorted({a.industry or "unknown" for a in accounts})
    industry_vectors = dict(
        zip(
            industries,
            embed(
                [industry_label(i) if i != "unknown" else "unknown industry" for i in industries]
            ),
            strict=True,
        )
    )
    # the CRM's own words say which kind of the industry it is: "Philanthropy" and
    # "Individual & Family Services" are both nonprofits, and a grant-maker is not a charity
    # that receives grants
    raw_labels = sorted({r for a in accounts if (r := _raw_label(a))})
    raw_vectors = dict(zip(raw_labels, embed(raw_labels), strict=True)) if raw_labels else {}
    tools = sorted({t for a in accounts for t in [*a.stack, *a.stack_hints]})
    tool_index = {t: i for i, t in enumerate(tools)}
    countries = sorted({a.country or "?" for a in accounts})
    country_index = {c: i for i, c in enumerate(countries)}
    sizes = [_size_value(a) for a in accounts]
    known_sizes = [s for s in sizes if s is not None]
    default_size = float(np.median(known_sizes)) if known_sizes else 0.5
    theme_dim = next((v.shape[0] for v in theme_vectors.values()), 0)
    rows = []
    for account, size in zip(accounts, sizes, strict=True):
        industry = _unit(industry_vectors[account.industry or "unknown"])
        raw = _raw_label(account)
        if raw:
            industry = _unit(INDUSTRY_SHARE * industry + _unit(raw_vectors[raw]))
        industry = industry * WEIGHTS["industry"]
        stack = np.zeros(max(1, len(tools)), dtype=np.float32)
        for tool in [*account.stack, *account.stack_hints]:
            stack[tool_index[tool]] = 1.0
        if stack.any():
            stack = stack / np.linalg.norm(stack)
        region = np.zeros(max(1, len(countries)), dtype=np.float32)
        region[country_index[account.country or "?"]] = 1.0
        theme = theme_vectors.get(account.name)
        if theme is None:
            theme = np.zeros(theme_dim, dtype=np.float32)
        rows.append(
            np.concatenate(
                [
                    industry,
                    np.array(
                        [(size if size is not None else default_size) * 4 * WEIGHTS["size"]],
                        dtype=np.float32,
                    ),
                    stack * WEIGHTS["stack"],
                    theme * WEIGHTS["themes"],
                    region * WEIGHTS["region"],
                ]
            )
        )
    return np.vstack(rows) if rows else np.zeros((0, 1), dtype=np.float32)


def _kmeans(
    matrix: np.ndarray, k: int, seed: int, iterations: int = 100
) -> tuple[np.ndarray, float]:
    rng = np.random.default_rng(seed)
    n = matrix.shape[0]
    centres = [matrix[rng.integers(n)]]
    for _ in range(1, k):  # k-means++
        distances = np.min(
            ((matrix[:, None, :] - np.array(centres)[None, :, :]) ** 2).sum(-1), axis=1
        )
        total = distances.sum()
        probabilities = distances / total if total > 0 else np.full(n, 1.0 / n)
        centres.append(matrix[rng.choice(n, p=probabilities)])
    centre_matrix = np.array(centres)
    labels = np.zeros(n, dtype=int)
    for _ in range(iterations):
        distances = ((matrix[:, None, :] - centre_matrix[None, :, :]) ** 2).sum(-1)
        new_labels = distances.argmin(axis=1)
        if np.array_equal(new_labels, labels) and _ > 0:
            break
        labels = new_labels
        for cluster in range(k):
            members = matrix[labels == cluster]
            if len(members):
                centre_matrix[cluster] = members.mean(axis=0)
    inertia = float(((matrix - centre_matrix[labels]) ** 2).sum())
    return labels, inertia


def silhouette(matrix: np.ndarray, labels: np.ndarray) -> float:
    clusters = np.unique(labels)
    if len(clusters) < 2:
        return -1.0
    squared = (matrix**2).sum(1)
    distances = np.sqrt(np.maximum(squared[:, None] + squared[None, :] - 2 * matrix @ matrix.T, 0))
    scores = []
    for i in range(len(labels)):
        same = labels == labels[i]
        if same.sum() <= 1:
            scores.append(0.0)
            continue
        a = distances[i, same].sum() / (same.sum() - 1)
        b = min(distances[i, labels == c].mean() for c in clusters if c != labels[i])
        scores.append((b - a) / max(a, b) if max(a, b) > 0 else 0.0)
    return float(np.mean(scores))


def segment_accounts(accounts: list[AccountProfile], matrix: np.ndarray) -> Segmentation:
    """k in 2..5 with the best mean silhouette (ties: fewer segments); k-means with k-means++
    seeding, 10 deterministic restarts, lowest inertia kept."""
    names = [a.name for a in accounts]
    n = len(accounts)
    if n < 4:
        return Segmentation(
            {name: 0 for name in names}, 1, 0.0, f"{n} accounts: too few to split, one segment", {}
        )
    scores: dict[int, float] = {}
    best: tuple[float, int, np.ndarray] | None = None
    for k in range(MIN_K, min(MAX_K, n - 1) + 1):
        runs = [_kmeans(matrix, k, seed) for seed in range(10)]
        labels, _ = min(runs, key=lambda run: run[1])
        if len(np.unique(labels)) < k or np.bincount(labels).min() < MIN_SEGMENT_ACCOUNTS:
            continue  # a single account is an outlier, not a segment
        score = silhouette(matrix, labels)
        scores[k] = round(score, 3)
        if best is None or score > best[0] + 1e-3:
            best = (score, k, labels)
    if best is None:
        return Segmentation(
            {name: 0 for name in names},
            1,
            0.0,
            "accounts are indistinguishable: one segment",
            scores,
        )
    score, k, labels = best
    ordered = _relabel(labels)
    criterion = (
        f"k-means on industry, size, stack and evidence themes for k = {MIN_K}..{min(MAX_K, n - 1)}; "
        f"k = {k} has the best mean silhouette among splits without single-account segments ({score:.2f}; all: {', '.join(f'k={key}: {value:.2f}' for key, value in scores.items())})"
    )
    return Segmentation(
        {name: int(label) for name, label in zip(names, ordered, strict=True)},
        k,
        score,
        criterion,
        scores,
    )


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Stable cluster numbers: largest cluster first."""
    sizes = {label: int((labels == label).sum()) for label in np.unique(labels)}
    order = sorted(sizes, key=lambda label: (-sizes[label], int(np.argmax(labels == label))))
    mapping = {label: index for index, label in enumerate(order)}
    return np.array([mapping[label] for label in labels])


MAX_DISTINCT_GROUP = 3  # accounts; a larger group is left to the clustering
# in a segment most of whose accounts share one industry, another industry stands out; in a
# mixed-industry segment it says little, and something else must set the group sharply apart
# (two nonprofits on Financial Edge among companies on NetSuite, not two logistics firms on
# NetSuite like half of their segment)
LED_SHARE = 0.5
SHARP_CONTRAST = 0.8
MIXED_GROUP_CONTRAST = 0.5  # three accounts of three industries, none leading a segment
# what a small group talks about is a sharp trait too: at least this many words both (all)
# of its accounts say and none of the (at least MIN_AROUND) accounts around them say
# (two ski resorts' "chairlift" and "gondola" among in-house elevator teams)
OWN_WORDS = 2
MIN_AROUND = 3
# with no trait in the data to tell them apart (two orthotics clinics filed under healthcare
# among dental labs, all of one size), a group whose accounts alone in all the research say
# at least RARE_WORDS rare words ("orthotics", "prosthetics") is a kind of its own
RARE_WORDS = 2
# a group the clustering split across segments (one turnout-gear shop filed under "Public
# Safety" among laundries, the other under "Protective Equipment Services" among dry cleaners)
# is one kind of customer when the words its accounts alone say weigh this much together
# (traits.uncommon_word_groups: "loaner", "inspects", "turnout", "cleaned", "volunteer")
SPLIT_GROUP_WEIGHT = 5.0


LOSING_SHARE = 0.75  # of the accounts with a deal outcome


def _losing(accounts: list[AccountProfile]) -> float:
    """The share of lost or churned deals among the accounts with an outcome (-1: none known
    among fewer than two)."""
    known = [a for a in accounts if a.good or a.bad]
    if len(known) < 2:
        return -1.0
    return sum(a.bad for a in known) / len(known)


def _own_words(group: list[AccountProfile], around: list[AccountProfile]) -> list[str]:
    """The words that set a small group apart (`OWN_WORDS` or more), else none."""
    if len(around) < MIN_AROUND:
        return []
    found = own_words(group, around)
    return found if len(found) >= OWN_WORDS else []


def _sharp_traits(
    group: list[AccountProfile], around: list[AccountProfile], contrast: float | None = None
) -> bool:
    """Whether a trait besides the industry (stack, size, outcome) sets the group apart: any
    in a segment one industry leads, a sharp one in a mixed-industry segment; with
    `contrast`, one held at least that much more than around, wherever the group is."""
    others = [t for t in distinguishing_traits(group, around) if t.dimension != "industry"]
    if not others:
        return False
    if contrast is not None:
        return any(t.contrast >= contrast for t in others)
    known = Counter(a.industry for a in around if a.industry and a.industry != "other")
    led = bool(known) and known.most_common(1)[0][1] >= LED_SHARE * len(around)
    return led or any(t.contrast >= SHARP_CONTRAST for t in others)


def _set_apart(
    label: str,
    group: list[AccountProfile],
    around: list[AccountProfile],
    contrast: float | None = None,
) -> str | None:
    """The group's name in the criterion when something besides the industry sets it apart
    from the accounts around it (a trait held sharply — `contrast`: see `_sharp_traits` —,
    or words only its accounts say, then named), else None."""
    if _sharp_traits(group, around, contrast):
        return label
    found = _own_words(group, around)
    return _saying(label, found) if found else None


def _industries(group: list[AccountProfile]) -> str:
    """A group's industries in the criterion ("Museums and Retail & E-commerce")."""
    return " and ".join(
        sorted({industry_label(a.industry) for a in group if a.industry}) or ["accounts"]
    )


def _saying(label: str, found: list[str]) -> str:
    """A group's name in the criterion with the words only it says ("…, saying 'gondola'")."""
    return f"{label}, saying {', '.join(repr(w) for w in found[:3])}"


def separate_distinct_groups(
    segmentation: Segmentation, accounts: list[AccountProfile]
) -> Segmentation:
    """A small group sharing an industry that leads no segment (two clinics among SaaS
    companies) becomes its own segment instead of being absorbed into a larger one, when
    something besides the industry sets it apart too (its stack, size or deal outcomes, or
    words only its accounts say: two ski resorts' "chairlift" and "gondola"); so do
    two or three accounts of industries other than their segment's leader, none leading a
    segment (two water utilities, one filed under government, among university labs); so do
    two or three accounts that alone in all the research say rare words (two orthotics and
    prosthetics clinics among dental labs, all filed under healthcare); and so do two or
    three accounts of a size band nobody else in their segment has whose deal
    outcomes nobody else shares (two adult day centres that bought, among small agencies that
    did not). The hypothesis rules then tag it (too few accounts with evidence)."""
    labels = dict(segmentation.labels)
    clusters: dict[int, list[AccountProfile]] = {}
    for account in accounts:
        clusters.setdefault(labels[account.name], []).append(account)
    # cluster -> its most common known industries (two tied: both lead it; one account of
    # each industry leads nothing: a kids' party business, a recreation centre, a chair rental)
    leader_of: dict[int, set[str]] = {}
    for label, members in clusters.items():
        known = Counter(a.industry for a in members if a.industry and a.industry != "other")
        most = max(known.values(), default=0)
        if most >= 2:
            leader_of[label] = {industry for industry, n in known.items() if n == most}
    leaders = set().union(*leader_of.values()) if leader_of else set()
    holders: dict[str, list[AccountProfile]] = {}
    for account in accounts:
        if account.industry and account.industry != "other" and account.industry not in leaders:
            holders.setdefault(account.industry, []).append(account)
    moved: list[str] = []
    next_label = max(labels.values(), default=-1) + 1

    def keep_apart(group: list[AccountProfile], described: str) -> None:
        nonlocal next_label
        for account in group:
            labels[account.name] = next_label
        moved.append(f"{described} ({len(group)})")
        next_label += 1

    for industry, holding in sorted(holders.items()):
        if not 2 <= len(holding) <= MAX_DISTINCT_GROUP:
            continue
        # a minority wherever it sits: no segment is made of it
        if any(
            sum(1 for a in holding if labels[a.name] == label) * 2 >= len(members)
            for label, members in clusters.items()
        ):
            continue
        # the industry's accounts the clustering placed together first: one it placed in
        # another segment for its size, stack and themes (a behavioral-health agency among
        # human-services agencies, beside two hospital foundations among grant-makers) is
        # another kind of customer that the CRM files under the same industry
        by_cluster: dict[int, list[AccountProfile]] = {}
        for account in holding:
            by_cluster.setdefault(labels[account.name], []).append(account)
        placed = [g for g in by_cluster.values() if len(g) >= 2]
        for group in [*placed, holding] if len(by_cluster) > 1 else [holding]:
            names = {a.name for a in group}
            around = [
                a
                for a in accounts
                if a.name not in names and labels[a.name] in {labels[g.name] for g in group}
            ]
            described = _set_apart(industry_label(industry), group, around)
            if described is None:
                continue  # only the industry differs: the clustering's call stands
            keep_apart(group, described)
            break
    # the accounts of other industries left inside a segment led by one industry (two water
    # utilities, one filed under government, among university labs): a small group that leads
    # nothing and that something besides the industry sets apart is a group of its own too
    for label, members in sorted(clusters.items()):
        if label not in leader_of:
            continue
        group = [
            a
            for a in members
            if labels[a.name] == label
            and a.industry
            and a.industry != "other"
            and a.industry not in leaders
        ]
        # all of them together (a water utility filed under utilities and one under
        # government), else each industry's own two or three (two prop rental houses among
        # event rental companies and hotels)
        by_industry: dict[str, list[AccountProfile]] = {}
        for account in group:
            by_industry.setdefault(account.industry or "", []).append(account)
        for candidate in [group, *(by_industry.values() if len(by_industry) > 1 else [])]:
            if not 2 <= len(candidate) <= MAX_DISTINCT_GROUP or len(candidate) * 2 >= len(members):
                continue
            names = {a.name for a in candidate}
            if any(labels[a.name] != label for a in candidate):
                continue  # moved already
            around = [a for a in members if a.name not in names]
            industries = " and ".join(sorted({industry_label(a.industry) for a in candidate}))
            # three accounts of three industries share nothing by their labels: a trait they
            # clearly hold more than the accounts around them (three volunteer-run groups of
            # 1–10 people among foundations of 11–50, not three party-rental owners on
            # Facebook among party-rental owners of their size) or words only they say make
            # them a group
            mixed = len({a.industry for a in candidate}) == len(candidate) > 2
            contrast = MIXED_GROUP_CONTRAST if mixed else None
            described = _set_apart(industries, candidate, around, contrast)
            if described is None:
                continue
            keep_apart(candidate, described)
            break
    # two or three accounts of a segment that alone say rare words (two orthotics and
    # prosthetics clinics among dental labs, all filed under healthcare)
    # (found once over all the research; a group split across segments is none)
    remaining = {
        label: [a for a in members if labels[a.name] == label]
        for label, members in clusters.items()
    }
    for group, said in rare_word_groups(accounts, MAX_DISTINCT_GROUP, RARE_WORDS):
        label = labels[group[0].name]
        if any(labels[a.name] != label for a in group) or label not in remaining:
            continue  # in two segments, or an account of it moved with an earlier group
        left = len(remaining[label])
        if left - len(group) < MIN_AROUND or len(group) * 2 >= left:
            continue
        keep_apart(group, _saying(_industries(group), said))
        remaining[label] = [a for a in remaining[label] if a not in group]

    # two or three accounts that alone say many words for how much they say, wherever the
    # clustering put them (two university print shops filed under "Higher Education" and
    # "Government - Local" among quick-print franchise stores)
    def apart_by_words(group: list[AccountProfile], said: list[str], around: int) -> None:
        """Keep a word group apart unless an account of it moved already or it is a large
        part of a segment it sits in (or leaves fewer than `around` accounts there)."""
        homes = {labels[a.name] for a in group}
        if any(a not in remaining.get(labels[a.name], []) for a in group):
            return  # an account already moved with another group
        if any(
            sum(1 for a in group if labels[a.name] == home) * 2 >= len(remaining[home])
            or len(remaining[home]) - len(group) < around
            for home in homes
        ):
            return  # a large part of a segment: the clustering's call stands
        for home in homes:
            remaining[home] = [a for a in remaining[home] if a not in group]
        keep_apart(group, _saying(_industries(group), said))

    for group, said in shared_vocabulary_groups(accounts, MAX_DISTINCT_GROUP):
        apart_by_words(group, said, MIN_AROUND)
    # two or three accounts the clustering split across segments that alone in all the
    # research say uncommon words (two turnout-gear shops, one among laundries, one among dry
    # cleaners), each a small part of its segment
    for group, said in uncommon_word_groups(accounts, MAX_DISTINCT_GROUP, SPLIT_GROUP_WEIGHT):
        if len({labels[a.name] for a in group}) >= 2:  # one segment's group: the rule above
            apart_by_words(group, said, 0)
    # a size band only two or three accounts of a segment have, whose deal outcomes set them
    # apart too (two adult day centres that bought, among small agencies that did not)
    for label, members in sorted(clusters.items()):
        current = [a for a in members if labels[a.name] == label]
        bands = Counter(a.size_band for a in current if a.size_band)
        for band, count in sorted(bands.items()):
            group = [a for a in current if a.size_band == band]
            if not 2 <= count <= MAX_DISTINCT_GROUP or count * 2 >= len(current):
                continue
            names = {a.name for a in group}
            around = [a for a in current if a.name not in names]
            traits = distinguishing_traits(group, around)
            outcome = next((t for t in traits if t.dimension == "outcome" and t.outside == 0), None)
            if outcome is None:
                continue
            keep_apart(group, f"{band} employees, {outcome.label}")
            break
    # the accounts of one size band that lose where the rest of their segment wins (five
    # owner-operators with one to ten buses, all lost or churned, among contractors that
    # bought): the research's losing group, never a part of its best segment
    for label, members in sorted(clusters.items()):
        current = [a for a in members if labels[a.name] == label]
        for band in sorted({a.size_band for a in current if a.size_band}):
            group = [a for a in current if a.size_band == band]
            around = [a for a in current if a.size_band != band]
            if len(group) < 2 or len(group) * 2 >= len(current):
                continue
            if _losing(group) >= LOSING_SHARE and _losing(around) <= 1 - LOSING_SHARE:
                keep_apart(group, f"{band} employees, mostly lost or churned")
                break
    if not moved:
        return segmentation
    # clusters emptied by the move disappear; numbers stay stable
    order = sorted(set(labels.values()))
    renumber = {old: new for new, old in enumerate(order)}
    return Segmentation(
        {name: renumber[label] for name, label in labels.items()},
        len(order),
        segmentation.silhouette,
        segmentation.criterion
        + "; kept apart as small distinct groups or losing groups: "
        + ", ".join(moved),
        segmentation.scores,
    )


def segment_units(
    accounts: list[AccountProfile],
    unit: str,
    embed: Callable[[list[str]], Any],
    theme_vectors: dict[str, np.ndarray],
) -> Segmentation:
    """Accounts clustered on firmographics, stack and themes. Participants whose company is not
    named have no firmographics to place them by: beside named accounts they are one group of
    their own; when nobody names a company they are clustered among themselves."""
    named = [a for a in accounts if not a.participant] if unit == "accounts" else accounts
    matrix = features(named, embed, theme_vectors) if named else np.zeros((0, 1))
    segmentation = separate_distinct_groups(segment_accounts(named, matrix), named)
    others = [a for a in accounts if a.name not in segmentation.labels]
    if others:
        group = max(segmentation.labels.values(), default=-1) + 1
        segmentation.labels.update({a.name: group for a in others})
        segmentation.criterion += (
            f"; {len(others)} participant(s) whose company is not named form a group of their own"
        )
    return segmentation
