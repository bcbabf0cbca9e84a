"""The 100-point scorecard derived from the segments (30 firmographic, 25 technographic,
25 triggers, 20 buying likelihood by default; a part the research says nothing about gives its
points to the others, so the criteria always add up to 100), prospect scoring, and win/churn by
score band."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.ingest.normalize import industry_label
from agent.resources import knowledge
from agent.schema import CRMRecord
from agent.schema.icp import (
    Claim,
    NegativeTrait,
    ScoreBand,
    Scorecard,
    ScoreCriterion,
    Segment,
)
from agent.synthesize.accounts import AccountProfile

TIER_SHARE = {"core": 1.0, "adjacent": 0.6, "selective": 0.25, "defer": 0.0}
TOTAL = 100.0
# the scorecard's parts: (block, part) -> where its default points come from in scorecard.yaml
PARTS = (
    ("firmographic", "industry"),
    ("firmographic", "size"),
    ("firmographic", "region"),
    ("technographic", "stack"),
    ("triggers", "triggers"),
    ("buying_likelihood", "decision_access"),
    ("buying_likelihood", "low_friction"),
    ("buying_likelihood", "no_negative_traits"),
)


@dataclass
class ScoringModel:
    """Points per value, derived from the draft; serialised into the draft's scorecard.
    `weights` holds each part's maximum: they add up to 100 (parts the research says nothing
    about give their points to the others)."""

    industry: dict[str, float] = field(default_factory=dict)
    size: dict[str, float] = field(default_factory=dict)
    country: dict[str, float] = field(default_factory=dict)
    tools: dict[str, float] = field(default_factory=dict)
    triggers: dict[str, list[str]] = field(default_factory=dict)  # trigger label -> keywords
    buyer_titles: list[str] = field(default_factory=list)
    negative: list[tuple[str, str]] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)  # part -> why it has no points

    def weight(self, part: str) -> float:
        return self.weights.get(part, default_weights()[part])


def _blocks() -> dict:
    return knowledge("scorecard")["blocks"]


def default_weights() -> dict[str, float]:
    blocks = _blocks()
    weights: dict[str, float] = {}
    for block, part in PARTS:
        spec = blocks[block]
        weights[part] = float(spec["parts"][part] if "parts" in spec else spec["points"])
    return weights


def rebalance(weights: dict[str, float], available: set[str]) -> dict[str, float]:
    """Weights of the available parts scaled to add up to exactly 100 (one decimal)."""
    kept = {part: w for part, w in weights.items() if part in available}
    total = sum(kept.values())
    if not kept or total <= 0:
        return {part: 0.0 for part in weights}
    scaled = {part: round(w * TOTAL / total, 1) for part, w in kept.items()}
    largest = max(scaled, key=lambda p: scaled[p])
    scaled[largest] = round(scaled[largest] + TOTAL - sum(scaled.values()), 1)
    return {part: scaled.get(part, 0.0) for part in weights}


def build_model(
    segments: list[Segment], negative: list[NegativeTrait], accounts: dict[str, AccountProfile]
) -> ScoringModel:
    model = ScoringModel()
    shares: dict[str, dict[str, float]] = {"industry": {}, "size": {}, "country": {}}
    for segment in segments:
        share = TIER_SHARE[segment.tier] * (0.7 if segment.hypothesis else 1.0)
        values = {
            "industry": [c.value for c in segment.firmographics.industries],
            "size": [c.value for c in segment.firmographics.size_bands],
            "country": [c.value for c in segment.firmographics.countries],
        }
        for dimension, found in values.items():
            for value in found:
                shares[dimension][value] = max(shares[dimension].get(value, 0.0), share)
        for claim in segment.triggers[:4]:
            asked = claim.label.rstrip("…. ").endswith("?") or all(
                e.quote.rstrip().endswith("?") for e in claim.evidence
            )
            if segment.tier in ("core", "adjacent") and not asked:  # a question is no event
                model.triggers.setdefault(claim.label, _keywords(claim))
        if segment.buying_committee.economic_buyer:
            model.buyer_titles.extend(segment.buying_committee.economic_buyer.titles)
        if segment.buying_committee.champion:
            model.buyer_titles.extend(segment.buying_committee.champion.titles)
    # technographic points: tools used by won/expanded accounts, weighted by how much more often
    good = [a for a in accounts.values() if a.good]
    bad = [a for a in accounts.values() if a.bad]
    good_tools = Counter(t for a in good for t in a.stack)
    bad_tools = Counter(t for a in bad for t in a.stack)
    tool_weights = {}
    for tool, users in good_tools.items():
        lift = ((users + 0.5) / (len(good) + 1)) / ((bad_tools[tool] + 0.5) / (len(bad) + 1))
        if users >= 2 and lift > 1.2:
            tool_weights[tool] = users * min(lift, 4.0)
    model.negative = [(t.dimension, t.value) for t in negative if t.dimension != "segment"]
    for dimension, value in model.negative:
        key = {"industry": "industry", "size_band": "size", "country": "country"}.get(dimension)
        if key:
            shares[key][value] = 0.0
        elif dimension == "stack":
            tool_weights.pop(value, None)
    model.buyer_titles = sorted(set(model.buyer_titles))
    evidence = {
        "industry": any(shares["industry"].values()),
        "size": any(shares["size"].values()),
        "region": any(shares["country"].values()),
        "stack": bool(tool_weights),
        "triggers": bool(model.triggers),
        "decision_access": True,
        "low_friction": True,
        "no_negative_traits": bool(model.negative),
    }
    model.unknown = {
        part: why
        for part, why in {
            "industry": "no industry known for the segments' accounts",
            "size": "no company size known",
            "region": "no country known",
            "stack": "no tool used more often by won than by lost accounts (needs deal outcomes and stack)",
            "triggers": "no trigger events in the research of the core or adjacent segments",
            "no_negative_traits": "no negative-ICP trait (needs lost or churned deals)",
        }.items()
        if not evidence[part]
    }
    model.weights = rebalance(default_weights(), {p for p, known in evidence.items() if known})
    for dimension, part in (("industry", "industry"), ("size", "size"), ("country", "region")):
        points = {
            v: round(model.weights[part] * share, 1) for v, share in shares[dimension].items()
        }
        setattr(model, dimension, points)
    top = dict(sorted(tool_weights.items(), key=lambda kv: (-kv[1], kv[0]))[:6])
    total = sum(top.values())
    stack_points = model.weights["stack"]
    for tool, weight in top.items():
        model.tools[tool] = round(min(stack_points * 0.6, stack_points * weight / total * 1.6), 1)
    return model


_GENERIC = {
    "we",
    "our",
    "the",
    "and",
    "a",
    "to",
    "of",
    "in",
    "it",
    "that",
    "was",
    "for",
    "on",
    "so",
    "is",
    "with",
    "they",
    "i",
    "us",
    "when",
    "just",
    "new",
    "this",
    "then",
    "there",
    "what",
    "were",
    "have",
    "been",
    "about",
    "like",
    "really",
    "going",
    "because",
    "which",
    "would",
    "could",
    "said",
    "basically",
    "honestly",
    "actually",
    "sales",
    "champion",
    "their",
    "them",
    "from",
    "into",
    "over",
    "after",
}


def _keywords(claim: Claim) -> list[str]:
    """Words that signal the trigger in a prospect's notes: what the quotes say, not who (names
    and other capitalised words in the middle of a sentence are people, places or companies)."""
    words: Counter[str] = Counter()
    for text in [claim.label, *(e.quote for e in claim.evidence)]:
        for match in re.finditer(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\b", text):
            words[match.group(0).lower()] -= 100  # a name: never a keyword
        for word in re.findall(r"[a-z][a-z'-]{3,}", text):
            if word not in _GENERIC:
                words[word] += 1
    return [w for w, count in words.most_common(6) if count > 0]


def _values(points: dict[str, float], label: Callable[[str], str], rest: str) -> str:
    ranked = sorted(points.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = [f"{label(v)} {p:g}" for v, p in ranked[:6] if p > 0]
    zero = [label(v) for v, p in ranked if p == 0]
    text = " · ".join(shown) if shown else "none"
    if zero:
        text += f" · {', '.join(zero[:3])} 0 (negative ICP)"
    return text + f" · {rest} 0"


def scorecard(model: ScoringModel) -> Scorecard:
    """One criterion per part, whose points are its maximum: the criteria add up to 100. Each
    rule says how a prospect earns them, in a sales rep's words."""
    weights = {part: model.weight(part) for _, part in PARTS}
    criteria: list[ScoreCriterion] = []

    def add(block: str, part: str, name: str, rule: str) -> None:
        if part in model.unknown:
            criteria.append(
                ScoreCriterion(
                    block=block,
                    criterion=name,
                    points=0.0,
                    rule=f"unknown — {model.unknown[part]}; its points go to the other criteria",
                )
            )
        else:
            criteria.append(
                ScoreCriterion(block=block, criterion=name, points=weights[part], rule=rule)
            )

    add(
        "firmographic",
        "industry",
        "Industry",
        "Points by the prospect's industry: "
        + _values(model.industry, industry_label, "other industries"),
    )
    add(
        "firmographic",
        "size",
        "Company size",
        "Points by employee count: "
        + _values(model.size, lambda v: f"{v} employees", "other sizes"),
    )
    add(
        "firmographic",
        "region",
        "Country",
        "Points by headquarters country: " + _values(model.country, str, "other countries"),
    )
    tools = sorted(model.tools.items(), key=lambda kv: (-kv[1], kv[0]))
    add(
        "technographic",
        "stack",
        "Stack",
        "Runs "
        + " · ".join(f"{tool} {points:g}" for tool, points in tools)
        + f" (added up, at most {weights['stack']:g})",
    )
    per_trigger = round(weights["triggers"] / 2, 1)
    examples = "; ".join(f"“{label}”" for label in list(model.triggers)[:3])
    add(
        "triggers",
        "triggers",
        "A recent trigger event",
        f"{per_trigger:g} for each event in the last 90 days like the ones that made customers buy "
        f"(at most two): {examples}",
    )
    titles = ", ".join(model.buyer_titles[:5])
    add(
        "buying_likelihood",
        "decision_access",
        "Reaches the decision-maker",
        "Our contact is "
        + (
            f"a {titles} or another VP, head or owner"
            if titles
            else "a VP, head, director or owner"
        ),
    )
    add(
        "buying_likelihood",
        "low_friction",
        "Low purchase friction",
        "No security review, procurement or RFP mentioned in the notes",
    )
    add(
        "buying_likelihood",
        "no_negative_traits",
        "None of the negative-ICP traits",
        "Not " + "; not ".join(_negative_label(d, v) for d, v in model.negative),
    )
    bands = [dict(b) for b in knowledge("scorecard")["bands"]]
    return Scorecard(
        criteria=criteria,
        bands=bands,
        points={
            "industry": model.industry,
            "size": model.size,
            "country": model.country,
            "tools": model.tools,
            "weights": weights,
        },
        trigger_keywords=model.triggers,
        buyer_titles=model.buyer_titles,
        negative=[f"{d}={v}" for d, v in model.negative],
    )


def _negative_label(dimension: str, value: str) -> str:
    if dimension == "industry":
        return industry_label(value)
    if dimension == "size_band":
        return f"{value} employees"
    if dimension == "stack":
        return f"on {value}"
    return value


def model_from(card: Scorecard) -> ScoringModel:
    """The scoring model stored in a draft's scorecard (for `icp score`)."""
    return ScoringModel(
        industry=dict(card.points.get("industry", {})),
        size=dict(card.points.get("size", {})),
        country=dict(card.points.get("country", {})),
        tools=dict(card.points.get("tools", {})),
        triggers={k: list(v) for k, v in card.trigger_keywords.items()},
        buyer_titles=list(card.buyer_titles),
        negative=[tuple(n.split("=", 1)) for n in card.negative],  # type: ignore[misc]
        weights=dict(card.points.get("weights", {})),
    )


@dataclass
class ScoreItem:
    block: str
    criterion: str
    points: float
    max: float
    why: str


@dataclass
class Score:
    account: str
    total: float
    band: str
    action: str
    breakdown: list[ScoreItem]

    def block_points(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for item in self.breakdown:
            totals[item.block] = totals.get(item.block, 0.0) + item.points
        return totals


def _band(total: float) -> tuple[str, str]:
    for band in knowledge("scorecard")["bands"]:
        if total >= band["min"]:
            return band["name"], band["action"]
    return "D", ""


def score_account(
    model: ScoringModel, record: CRMRecord, signals: str = "", contact_title: str = ""
) -> Score:
    breakdown: list[ScoreItem] = []

    def add(block: str, criterion: str, earned: float, maximum: float, why: str) -> None:
        breakdown.append(ScoreItem(block, criterion, round(earned, 1), maximum, why))

    industry_points = model.industry.get(record.industry or "", 0.0)
    add(
        "firmographic",
        "industry",
        industry_points,
        model.weight("industry"),
        industry_label(record.industry) if record.industry else "industry unknown",
    )
    size_points = model.size.get(record.size_band or "", 0.0)
    add(
        "firmographic",
        "size",
        size_points,
        model.weight("size"),
        f"{record.size_band} employees" if record.size_band else "size unknown",
    )
    country_points = model.country.get(record.country or "", 0.0)
    add(
        "firmographic",
        "region",
        country_points,
        model.weight("region"),
        record.country or "country unknown",
    )
    tech_max = model.weight("stack")
    matched = [t for t in record.stack if t in model.tools]
    tech_points = min(tech_max, sum(model.tools[t] for t in matched))
    add(
        "technographic",
        "stack",
        tech_points,
        tech_max,
        ", ".join(matched) if matched else "no ICP stack signal",
    )
    trigger_max = model.weight("triggers")
    lowered = signals.lower()
    hits = [
        label
        for label, words in model.triggers.items()
        if words and sum(1 for w in words[:4] if w in lowered) >= 2
    ]
    generic = _generic_triggers(lowered)
    trigger_points = min(
        trigger_max, trigger_max / 2 * (len(hits) + (1 if generic and not hits else 0))
    )
    add(
        "triggers",
        "trigger events",
        trigger_points,
        trigger_max,
        "; ".join(hits) or (", ".join(generic) if generic else "no trigger signal"),
    )
    title = contact_title.lower()
    access = (
        model.weight("decision_access")
        if title
        and (
            any(t.lower() in title for t in model.buyer_titles)
            or re.search(r"\b(vp|head|director|chief|cfo|coo|ceo|owner|founder)\b", title)
        )
        else 0
    )
    add(
        "buying_likelihood",
        "decision access",
        access,
        model.weight("decision_access"),
        contact_title or "no contact title",
    )
    friction = [f for f in knowledge("scorecard")["friction_signals"] if f in lowered]
    add(
        "buying_likelihood",
        "low friction",
        0 if friction else model.weight("low_friction"),
        model.weight("low_friction"),
        ", ".join(friction) if friction else "no friction signal",
    )
    negatives = [
        f"{d}={v}"
        for d, v in model.negative
        if (d == "industry" and record.industry == v)
        or (d == "size_band" and record.size_band == v)
        or (d == "stack" and v in record.stack)
        or (d == "country" and record.country == v)
    ]
    add(
        "buying_likelihood",
        "no negative trait",
        0 if negatives else model.weight("no_negative_traits"),
        model.weight("no_negative_traits"),
        ", ".join(negatives) if negatives else "none",
    )
    total = round(sum(item.points for item in breakdown), 1)
    band, action = _band(total)
    return Score(account=record.name, total=total, band=band, action=action, breakdown=breakdown)


def _generic_triggers(text: str) -> list[str]:
    taxonomy = knowledge("methodology")["triggers"]
    return [
        name.replace("_", " ")
        for name, words in taxonomy.items()
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words)
    ]


def validation_bands(model: ScoringModel, accounts: list[AccountProfile]) -> list[ScoreBand]:
    """Win and churn rate by score band on accounts with a CRM outcome (in-sample)."""
    bands = knowledge("scorecard")["score_bands_for_validation"]
    rows = []
    scored = []
    for account in accounts:
        if not account.in_crm or account.outcome in (None, "open"):
            continue
        record = CRMRecord(
            name=account.name,
            industry=account.industry,
            size_band=account.size_band,
            country=account.country,
            stack=account.stack,
        )
        scored.append((score_account(model, record).total, account))
    for low, high in bands:
        members = [a for total, a in scored if low <= total < high]
        won = sum(1 for a in members if a.good)
        lost = sum(1 for a in members if a.outcome == "lost")
        churned = sum(1 for a in members if a.outcome == "churned")
        closed = won + lost + churned
        rows.append(
            ScoreBand(
                band=f"{low}–{min(high, 100)}",
                accounts=len(members),
                won=won,
                lost=lost,
                churned=churned,
                win_rate=round(won / closed, 2) if closed else None,
                churn_rate=round(churned / len(members), 2) if members else None,
            )
        )
    return rows
