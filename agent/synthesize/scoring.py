"""The 100-point scorecard derived from the segments (30 firmographic, 25 technographic,
25 triggers, 20 buying likelihood), prospect scoring, and win/churn by score band."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from agent.ingest.normalize import industry_label
from agent.resources import knowledge
from agent.schema import CRMRecord
from agent.schema.icp import NegativeTrait, ScoreBand, Scorecard, ScoreCriterion, Segment
from agent.synthesize.accounts import AccountProfile

TIER_SHARE = {"core": 1.0, "adjacent": 0.6, "selective": 0.25, "defer": 0.0}


@dataclass
class ScoringModel:
    """Points per value, derived from the draft; serialised into the draft's scorecard."""

    industry: dict[str, float] = field(default_factory=dict)
    size: dict[str, float] = field(default_factory=dict)
    country: dict[str, float] = field(default_factory=dict)
    tools: dict[str, float] = field(default_factory=dict)
    triggers: dict[str, list[str]] = field(default_factory=dict)  # trigger label -> keywords
    buyer_titles: list[str] = field(default_factory=list)
    negative: list[tuple[str, str]] = field(default_factory=list)


def _blocks() -> dict:
    return knowledge("scorecard")["blocks"]


def build_model(
    segments: list[Segment], negative: list[NegativeTrait], accounts: dict[str, AccountProfile]
) -> ScoringModel:
    blocks = _blocks()
    firmo = blocks["firmographic"]["parts"]
    model = ScoringModel()
    for segment in segments:
        share = TIER_SHARE[segment.tier] * (0.7 if segment.hypothesis else 1.0)
        for count in segment.firmographics.industries:
            model.industry[count.value] = max(
                model.industry.get(count.value, 0.0), firmo["industry"] * share
            )
        for count in segment.firmographics.size_bands:
            model.size[count.value] = max(model.size.get(count.value, 0.0), firmo["size"] * share)
        for count in segment.firmographics.countries:
            model.country[count.value] = max(
                model.country.get(count.value, 0.0), firmo["region"] * share
            )
        for claim in segment.triggers[:4]:
            if segment.tier in ("core", "adjacent"):
                model.triggers.setdefault(
                    claim.label,
                    _keywords(claim.label + " " + " ".join(e.quote for e in claim.evidence)),
                )
        if segment.buying_committee.economic_buyer:
            model.buyer_titles.extend(segment.buying_committee.economic_buyer.titles)
        if segment.buying_committee.champion:
            model.buyer_titles.extend(segment.buying_committee.champion.titles)
    # technographic points: tools used by won/expanded accounts, weighted by how much more often
    good = [a for a in accounts.values() if a.good]
    bad = [a for a in accounts.values() if a.bad]
    good_tools = Counter(t for a in good for t in a.stack)
    bad_tools = Counter(t for a in bad for t in a.stack)
    weights = {}
    for tool, users in good_tools.items():
        lift = ((users + 0.5) / (len(good) + 1)) / ((bad_tools[tool] + 0.5) / (len(bad) + 1))
        if users >= 2 and lift > 1.2:
            weights[tool] = users * min(lift, 4.0)
    top = dict(sorted(weights.items(), key=lambda kv: -kv[1])[:6])
    total = sum(top.values())
    points = blocks["technographic"]["points"]
    for tool, weight in top.items():
        model.tools[tool] = (
            round(min(points * 0.6, points * weight / total * 1.6), 1) if total else 0.0
        )
    model.negative = [(t.dimension, t.value) for t in negative if t.dimension != "segment"]
    for dimension, value in model.negative:
        if dimension == "industry":
            model.industry[value] = 0.0
        elif dimension == "size_band":
            model.size[value] = 0.0
        elif dimension == "stack":
            model.tools.pop(value, None)
    model.buyer_titles = sorted(set(model.buyer_titles))
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
}


def _keywords(text: str) -> list[str]:
    words = [w for w in re.findall(r"[a-z][a-z'-]{3,}", text.lower()) if w not in _GENERIC]
    return [w for w, _ in Counter(words).most_common(6)]


def scorecard(model: ScoringModel) -> Scorecard:
    blocks = _blocks()
    criteria: list[ScoreCriterion] = []
    firmographic = (
        (model.industry, lambda v: f"Industry: {industry_label(v)}", "industry is {}"),
        (model.size, lambda v: f"Size: {v} employees", "size band is {}"),
        (model.country, lambda v: f"Country: {v}", "country is {}"),
    )
    for points_by_value, name, rule in firmographic:
        for value, points in sorted(points_by_value.items(), key=lambda kv: -kv[1]):
            criteria.append(
                ScoreCriterion(
                    block="firmographic",
                    criterion=name(value),
                    points=round(points, 1),
                    rule=rule.format(value),
                )
            )
    for tool, points in model.tools.items():
        criteria.append(
            ScoreCriterion(
                block="technographic",
                criterion=f"Uses {tool}",
                points=points,
                rule=f"stack includes {tool} (capped at {blocks['technographic']['points']} in total)",
            )
        )
    per_trigger = blocks["triggers"]["points"] / 2
    for trigger, words in model.triggers.items():
        criteria.append(
            ScoreCriterion(
                block="triggers",
                criterion=f"Trigger: {trigger}",
                points=per_trigger,
                rule=f"signals mention {', '.join(words[:4])} (two triggers max)",
            )
        )
    likelihood = blocks["buying_likelihood"]["parts"]
    titles = ", ".join(model.buyer_titles[:5]) or "an economic buyer or champion title"
    criteria.append(
        ScoreCriterion(
            block="buying_likelihood",
            criterion="Access to the decision-maker",
            points=likelihood["decision_access"],
            rule=f"a contact whose title matches {titles}",
        )
    )
    criteria.append(
        ScoreCriterion(
            block="buying_likelihood",
            criterion="Low purchase friction",
            points=likelihood["low_friction"],
            rule="no security review / procurement / RFP signal",
        )
    )
    criteria.append(
        ScoreCriterion(
            block="buying_likelihood",
            criterion="No negative-ICP trait",
            points=likelihood["no_negative_traits"],
            rule="none of the negative-ICP traits",
        )
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
        },
        trigger_keywords=model.triggers,
        buyer_titles=model.buyer_titles,
        negative=[f"{d}={v}" for d, v in model.negative],
    )


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
    blocks = _blocks()
    breakdown: list[ScoreItem] = []

    def add(block: str, criterion: str, earned: float, maximum: float, why: str) -> None:
        breakdown.append(ScoreItem(block, criterion, round(earned, 1), maximum, why))

    firmo = blocks["firmographic"]["parts"]
    industry_points = model.industry.get(record.industry or "", 0.0)
    add(
        "firmographic",
        "industry",
        industry_points,
        firmo["industry"],
        industry_label(record.industry) if record.industry else "industry unknown",
    )
    size_points = model.size.get(record.size_band or "", 0.0)
    add(
        "firmographic",
        "size",
        size_points,
        firmo["size"],
        f"{record.size_band} employees" if record.size_band else "size unknown",
    )
    country_points = model.country.get(record.country or "", 0.0)
    add(
        "firmographic",
        "region",
        country_points,
        firmo["region"],
        record.country or "country unknown",
    )
    tech_max = blocks["technographic"]["points"]
    matched = [t for t in record.stack if t in model.tools]
    tech_points = min(tech_max, sum(model.tools[t] for t in matched))
    add(
        "technographic",
        "stack",
        tech_points,
        tech_max,
        ", ".join(matched) if matched else "no ICP stack signal",
    )
    trigger_max = blocks["triggers"]["points"]
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
    likelihood = blocks["buying_likelihood"]["parts"]
    title = contact_title.lower()
    access = (
        likelihood["decision_access"]
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
        likelihood["decision_access"],
        contact_title or "no contact title",
    )
    friction = [f for f in knowledge("scorecard")["friction_signals"] if f in lowered]
    add(
        "buying_likelihood",
        "low friction",
        0 if friction else likelihood["low_friction"],
        likelihood["low_friction"],
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
        0 if negatives else likelihood["no_negative_traits"],
        likelihood["no_negative_traits"],
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
