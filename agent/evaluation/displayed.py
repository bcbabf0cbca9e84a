"""Metrics of what the reader sees: computed on the rendered draft (`ICPDraft`), not on the
evidence store. Reads the draft's displayed lists (the top items of each section), the gold
labels and the documents; writes `Metric`s, each with the line that explains what was counted.

An item shown in a section is *relevant* when most of its quotes overlap a gold label of a kind
that section may show, and *noise* when most of its quotes are a heading, a metadata line, a
question, a fragment, interviewer speech or a gold distractor."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from agent.evaluation.alignment import CorpusDocuments, LocatedGold, locate, overlaps
from agent.evaluation.gold import Corpus, GoldTheme
from agent.evaluation.metric import Metric, rounded, unit_key
from agent.evaluation.speakers import label_before, speaker_labels
from agent.ingest.normalize import company_key
from agent.schema import SourceDocument, SourceKind, SpeakerRole
from agent.schema.icp import Claim, EvidenceRef, ICPDraft, Segment
from agent.textspans import copies_quote, find_span, padded

TOP = 8  # items shown per list
UNLABELLED = "unlabelled"  # a quote from survey free text, which the gold does not label
PAIN_AT = 5
TRIGGER_AT = 8
JOB_AT = 5
THEME_SIMILARITY = 0.6  # cosine between a shown theme and a gold theme (label or quotes)
LABEL_SIMILARITY = 0.5  # cosine between a shown label and the gold label it should name
MAX_LABEL_WORDS = 10

# section of a segment -> the gold kinds an item shown there may be
SECTIONS: dict[str, set[str]] = {
    "pains": {"pain"},
    "triggers": {"trigger"},
    "jobs": {"job"},
    "workarounds": {"workaround"},
    "objections": {"objection", "loss_reason", "churn_reason"},
    "why_they_buy": {"win_reason", "outcome"},
    "outcomes_said": {"outcome", "win_reason"},
}
ROLE_FIELDS = ("economic_buyer", "champion", "end_user", "technical_evaluator", "blocker")
THEME_SECTIONS = ("pains", "triggers", "jobs", "workarounds", "objections")
KIND_SECTION = {"pain": "pains", "trigger": "triggers", "job": "jobs"}  # gold theme kinds

METADATA_LABEL = re.compile(
    r"^\s*(?:[-*]\s*)?\**\s*(?:date|attendees?|participants?|account|company|customer|"
    r"interviewers?|interviewee|location|duration|recording|owner|stage|outcome|acv|"
    r"competitor|subject|re|from|to|cc|time|title|role|prepared by|notes? by|tags?)\s*:",
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+")
FILLERS = {
    "um",
    "uh",
    "like",
    "you",
    "know",
    "yeah",
    "so",
    "well",
    "right",
    "okay",
    "ok",
    "mm",
    "hmm",
}
STOP = {
    "the",
    "a",
    "an",
    "and",
    "or",
    "of",
    "to",
    "in",
    "on",
    "for",
    "with",
    "at",
    "by",
    "from",
    "is",
    "are",
    "was",
    "were",
    "be",
    "it",
    "its",
    "that",
    "this",
    "we",
    "our",
    "they",
    "their",
    "i",
    "my",
    "you",
    "your",
    "as",
    "not",
    "no",
    "but",
    "so",
    "do",
    "does",
    "did",
    "have",
    "has",
    "had",
    "into",
    "out",
    "up",
    "than",
    "then",
    "too",
    "very",
    "just",
    "about",
    "over",
    "via",
}


@dataclass
class Shown:
    """One item the reader sees: a section entry with its label and quotes."""

    segment: str
    section: str
    label: str
    refs: list[EvidenceRef]
    claim: Claim | None = None
    # per quote: match | noise:<why> | other | unlabelled (survey free text: the gold labels none)
    verdicts: list[str] = field(default_factory=list)

    @property
    def judged(self) -> list[str]:
        return [v for v in self.verdicts if v != UNLABELLED]

    @property
    def relevant(self) -> bool:
        judged = self.judged
        return bool(judged) and judged.count("match") * 2 >= len(judged)

    @property
    def noise(self) -> str | None:
        judged = self.judged
        reasons = [v.split(":", 1)[1] for v in judged if v.startswith("noise:")]
        if judged and len(reasons) * 2 >= len(judged) and reasons:
            return Counter(reasons).most_common(1)[0][0]
        return None


def shown_items(draft: ICPDraft) -> list[Shown]:
    items: list[Shown] = []
    for segment in draft.segments:
        for section in SECTIONS:
            for claim in list(getattr(segment, section))[:TOP]:
                items.append(Shown(segment.id, section, claim.label, list(claim.evidence), claim))
        for name in ROLE_FIELDS:
            role = getattr(segment.buying_committee, name)
            if role is not None and role.evidence:
                items.append(Shown(segment.id, "buying_committee", name, list(role.evidence)))
    return items


@dataclass
class Judge:
    """Everything needed to judge one quote: documents, gold spans, distractors, speakers."""

    corpus: Corpus
    docs: CorpusDocuments
    located: list[LocatedGold]
    by_id: dict[str, SourceDocument]
    file_of: dict[str, str]
    distractors: dict[str, list[tuple[int, int]]]
    speakers: dict[str, dict[str, str]]

    @classmethod
    def build(cls, corpus: Corpus, docs: CorpusDocuments) -> Judge:
        by_id = {d.doc_id: d for loaded in docs.by_file.values() for d in loaded}
        file_of = {d.doc_id: file for file, loaded in docs.by_file.items() for d in loaded}
        distractors: dict[str, list[tuple[int, int]]] = {}
        for item in corpus.gold.distractors:
            doc = docs.doc_for(item.file)
            span = find_span(doc.text, item.quote) if doc else None
            if doc and span:
                distractors.setdefault(doc.doc_id, []).append(span)
        return cls(
            corpus,
            docs,
            locate(corpus, docs, corpus.gold.evidence),
            by_id,
            file_of,
            distractors,
            speaker_labels(corpus),
        )

    def gold_kinds_at(self, ref: EvidenceRef) -> set[str]:
        return {
            g.gold.kind.value
            for g in self.located
            if g.doc_id == ref.doc_id and overlaps(ref.start, ref.end, g.start, g.end)
        }

    def noise(self, ref: EvidenceRef) -> str | None:
        quote = ref.quote.strip()
        doc = self.by_id.get(ref.doc_id)
        line = _line_of(doc.text, ref.start) if doc else quote
        if line.lstrip().startswith("#") or quote.startswith("#"):
            return "heading"
        if METADATA_LABEL.match(quote) or (METADATA_LABEL.match(line) and _is_label_line(line)):
            return "metadata"
        if quote.endswith("?"):
            return "question"
        words = [w for w in WORD.findall(quote.lower()) if w not in FILLERS]
        if len(words) < 4:
            return "fragment"
        if any(overlaps(ref.start, ref.end, *s) for s in self.distractors.get(ref.doc_id, [])):
            return "distractor"
        if doc is not None and self._interviewer(doc, ref):
            return "interviewer"
        return None

    def _interviewer(self, doc: SourceDocument, ref: EvidenceRef) -> bool:
        file = self.file_of.get(doc.doc_id)
        labels = self.speakers.get(file or "")
        if labels:  # the gold says who speaks: independent of our speaker parser
            return label_before(doc.text, ref.quote, labels, start=ref.start) == "interviewer"
        turn = next((t for t in doc.turns if t.start <= ref.start < t.end), None)
        return turn is not None and turn.role == SpeakerRole.interviewer

    def verdict(self, ref: EvidenceRef, kinds: set[str]) -> str:
        doc = self.by_id.get(ref.doc_id)
        if doc is not None and doc.kind == SourceKind.survey:
            return UNLABELLED  # CORPUS_FORMAT: survey free text is not labelled
        if self.gold_kinds_at(ref) & kinds:
            return "match"
        reason = self.noise(ref)
        return f"noise:{reason}" if reason else "other"


def _line_of(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)]


def _is_label_line(line: str) -> bool:
    return bool(re.match(r"^\s*(?:[-*]\s*)?\*\*[^*\n]{1,30}:\*\*", line)) or len(line) < 90


def displayed_precision(items: list[Shown], judge: Judge) -> dict[str, Metric]:
    for item in items:
        kinds = SECTIONS.get(item.section, {"buying_role"})
        item.verdicts = [judge.verdict(ref, kinds) for ref in item.refs]
    judged = [i for i in items if i.judged]
    unjudged = sum(1 for i in items if i.verdicts and not i.judged)
    relevant = [i for i in judged if i.relevant]
    noisy = [i for i in judged if i.noise]
    reasons = Counter(i.noise for i in noisy)
    examples = "; ".join(f"{i.section}: {i.refs[0].quote[:50]!r}" for i in noisy[:3])
    by_section = Counter(i.section for i in judged)
    hits = Counter(i.section for i in relevant)
    per_section = ", ".join(f"{s} {hits[s]}/{n}" for s, n in sorted(by_section.items()))
    return {
        "displayed_precision": Metric(
            name="displayed-item precision",
            value=rounded(len(relevant) / len(judged)) if judged else None,
            detail=f"{len(relevant)} of {len(judged)} items shown (top {TOP} per list) have most quotes on a gold label of the section's kind ({per_section})"
            + (
                f"; {unjudged} items quoting only survey free text (unlabelled in the gold) not judged"
                if unjudged
                else ""
            ),
        ),
        "displayed_noise": Metric(
            name="displayed-item noise share",
            value=rounded(len(noisy) / len(judged)) if judged else None,
            detail=f"{len(noisy)} of {len(judged)} shown items are mostly noise ({dict(reasons)})"
            + (f", e.g. {examples}" if examples else ""),
        ),
    }


Embed = Callable[[list[str]], Sequence[Sequence[float]]]


def _unit_vectors(embed: Embed, texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, 1))
    vectors = np.asarray(embed(texts), dtype=float)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def _centroid(vectors: np.ndarray) -> np.ndarray:
    mean = vectors.mean(axis=0)
    return mean / (np.linalg.norm(mean) or 1)


@dataclass
class ThemeMatcher:
    """Matches shown themes to gold themes: a shared quote, or a close label or quote centroid."""

    judge: Judge
    embed: Embed
    gold_spans: dict[int, list[tuple[str, int, int]]] = field(default_factory=dict)
    gold_vectors: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def prepare(self, themes: list[GoldTheme]) -> None:
        for index, theme in enumerate(themes):
            spans = []
            for quote in theme.quotes:
                doc = self.judge.docs.doc_for(quote.file)
                span = find_span(doc.text, quote.quote) if doc else None
                if doc and span:
                    spans.append((doc.doc_id, *span))
            self.gold_spans[index] = spans
            vectors = _unit_vectors(self.embed, [theme.label] + [q.quote for q in theme.quotes])
            label = vectors[0]
            quotes = _centroid(vectors[1:]) if len(vectors) > 1 else label
            self.gold_vectors[index] = (label, quotes)

    def similarity(self, index: int, item: Shown, cache: dict[int, np.ndarray]) -> float:
        key = id(item)
        if key not in cache:
            vectors = _unit_vectors(self.embed, [item.label] + [r.quote for r in item.refs])
            cache[key] = np.stack(
                [vectors[0], _centroid(vectors[1:] if len(vectors) > 1 else vectors)]
            )
        label, quotes = self.gold_vectors[index]
        mine = cache[key]
        return float(max(mine[0] @ label, mine[1] @ quotes))

    def shares_quote(self, index: int, item: Shown) -> bool:
        return any(
            ref.doc_id == doc_id and overlaps(ref.start, ref.end, start, end)
            for ref in item.refs
            for doc_id, start, end in self.gold_spans[index]
        )


def _segment_match(corpus: Corpus, draft: ICPDraft) -> dict[str, str | None]:
    """gold segment id -> predicted segment id holding most of its accounts."""
    predicted = {company_key(a): segment.id for segment in draft.segments for a in segment.accounts}
    matches: dict[str, str | None] = {}
    for gold in corpus.gold.segments:
        votes = Counter(predicted[k] for a in gold.accounts if (k := company_key(a)) in predicted)
        matches[gold.id] = votes.most_common(1)[0][0] if votes else None
    return matches


def theme_metrics(
    corpus: Corpus, draft: ICPDraft, items: list[Shown], judge: Judge, embed: Embed
) -> dict[str, Metric]:
    themes = corpus.gold.themes
    if not themes:
        note = "no gold themes in this corpus"
        return {
            "theme_recall_pains_at_5": Metric(
                name="theme recall, pains @5", value=None, detail=note
            ),
            "theme_recall_triggers_at_8": Metric(
                name="theme recall, triggers @8", value=None, detail=note
            ),
            **_label_metrics(items, [], None, embed),
        }
    matcher = ThemeMatcher(judge, embed)
    matcher.prepare(themes)
    matches = _segment_match(corpus, draft)
    cache: dict[int, np.ndarray] = {}
    depth = {"pain": PAIN_AT, "trigger": TRIGGER_AT, "job": JOB_AT}
    found: dict[str, list[bool]] = {"pain": [], "trigger": [], "job": []}
    missed: dict[str, list[str]] = {"pain": [], "trigger": [], "job": []}
    matched_gold_label: dict[int, str] = {}  # id(item) -> gold label it matches
    for index, theme in enumerate(themes):
        kind = theme.kind.value
        if kind not in KIND_SECTION:
            continue
        target = matches.get(theme.segment)
        pool = [
            i
            for i in items
            if i.section == KIND_SECTION[kind] and (target is None or i.segment == target)
        ]
        ranked: dict[str, list[Shown]] = {}
        for item in pool:
            ranked.setdefault(item.segment, []).append(item)
        candidates = [i for group in ranked.values() for i in group[: depth[kind]]]
        hit = None
        for item in candidates:
            if matcher.shares_quote(index, item) or (
                matcher.similarity(index, item, cache) >= THEME_SIMILARITY
            ):
                hit = item
                break
        found[kind].append(hit is not None)
        if hit is None:
            missed[kind].append(theme.label)
        for item in pool:
            if id(item) not in matched_gold_label and (
                matcher.shares_quote(index, item)
                or matcher.similarity(index, item, cache) >= THEME_SIMILARITY
            ):
                matched_gold_label[id(item)] = theme.label

    def recall(kind: str, at: int) -> Metric:
        hits = found[kind]
        return Metric(
            name=f"theme recall, {kind}s @{at}",
            value=rounded(sum(hits) / len(hits)) if hits else None,
            detail=f"{sum(hits)} of {len(hits)} gold {kind} themes are among the top {at} shown in their segment (shared quote or cosine ≥ {THEME_SIMILARITY})"
            + (f"; missed {missed[kind][:3]}" if missed[kind] else ""),
        )

    return {
        "theme_recall_pains_at_5": recall("pain", PAIN_AT),
        "theme_recall_triggers_at_8": recall("trigger", TRIGGER_AT),
        "theme_recall_jobs_at_5": recall("job", JOB_AT),
        **_label_metrics(items, themes, matched_gold_label, embed),
    }


def _tokens(text: str) -> list[str]:
    return [w.lower().strip("'’") for w in WORD.findall(text)]


def copied_from_quote(label: str, quotes: list[str]) -> bool:
    """A label is copied when it is cut short with '…', or is (most of) a quote: a verbatim run
    of at least four of its words covering 70% of it, or a label of a few words that is itself
    nearly a whole quote."""
    if label.rstrip().endswith(("…", "...")):
        return True
    words = [w for w in _tokens(label) if w not in FILLERS]
    if not words:
        return False
    for quote in quotes:
        quote_words = [w for w in _tokens(quote) if w not in FILLERS]
        if copies_quote(words, padded(quote_words), len(quote_words)):
            return True
    return False


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _tokens(text) if w not in STOP and len(w) >= 4}


def _label_metrics(
    items: list[Shown],
    themes: list[GoldTheme],
    matched: dict[int, str] | None,
    embed: Embed,
) -> dict[str, Metric]:
    labelled = [i for i in items if i.section in THEME_SECTIONS and i.claim is not None]
    if not labelled:
        return {}
    copied = [i for i in labelled if copied_from_quote(i.label, [r.quote for r in i.refs])]
    long = [i for i in labelled if len(i.label.split()) > MAX_LABEL_WORDS]
    metrics = {
        "label_not_copied": Metric(
            name="theme labels not copied from a quote",
            value=rounded(1 - len(copied) / len(labelled)),
            detail=f"{len(labelled) - len(copied)} of {len(labelled)} shown theme labels are not a quote cut short or a verbatim run of its quotes"
            + (f"; e.g. {copied[0].label[:60]!r}" if copied else ""),
        ),
        "label_short": Metric(
            name=f"theme labels of at most {MAX_LABEL_WORDS} words",
            value=rounded(1 - len(long) / len(labelled)),
            detail=f"{len(labelled) - len(long)} of {len(labelled)} shown theme labels",
        ),
    }
    if themes and matched is not None:
        # only the sections the gold has themes for: a workaround's label has no gold theme to
        # name, so counting it would measure the gold's coverage, not the label
        sections = {KIND_SECTION[t.kind.value] for t in themes if t.kind.value in KIND_SECTION}
        named_in = [i for i in labelled if i.section in sections]
        pairs = [(i, matched[id(i)]) for i in named_in if id(i) in matched]
        named = 0
        if pairs:
            mine = _unit_vectors(embed, [i.label for i, _ in pairs])
            gold = _unit_vectors(embed, [g for _, g in pairs])
            for (item, gold_label), a, b in zip(pairs, mine, gold, strict=True):
                named += (
                    bool(_stems(item.label) & _stems(gold_label))
                    or float(a @ b) >= LABEL_SIMILARITY
                )
        metrics["label_names_gold"] = Metric(
            name="theme labels that name their gold theme",
            value=rounded(named / len(named_in)) if named_in else None,
            detail=f"{named} of {len(named_in)} shown {'/'.join(sorted(sections))} labels (the sections the gold has themes for) match a gold theme and share a content word with its label (or cosine ≥ {LABEL_SIMILARITY}); {len(pairs)} matched a gold theme at all; {named} of all {len(labelled)} theme labels shown",
        )
    return metrics


def attribution_metrics(
    corpus: Corpus, docs: CorpusDocuments, draft: ICPDraft
) -> dict[str, Metric]:
    expected = _expected_accounts(corpus)
    checked = correct = 0
    wrong: list[str] = []
    for file, account in expected.items():
        loaded = docs.by_file.get(file) or []
        if len(loaded) != 1:
            continue
        checked += 1
        got = loaded[0].account
        if (got and company_key(got)) == (account and company_key(account)):
            correct += 1
        else:
            wrong.append(f"{file}: {got!r} instead of {account!r}")
    gold_accounts = {company_key(a) for s in corpus.gold.segments for a in s.accounts}
    shown = {a for s in draft.segments for a in s.accounts}
    invented = sorted(a for a in shown if company_key(a) not in gold_accounts)
    return {
        "account_attribution": Metric(
            name="account attribution accuracy",
            value=rounded(correct / checked) if checked else None,
            detail=f"{correct} of {checked} research files attributed to the right account (or to none when none is named)"
            + (f"; e.g. {wrong[:2]}" if wrong else ""),
        ),
        "invented_accounts": Metric(
            name="invented accounts shown",
            value=float(len(invented)),
            detail=f"{len(invented)} accounts in segments are not accounts of the research"
            + (f": {invented[:6]}" if invented else ""),
        ),
    }


def _expected_accounts(corpus: Corpus) -> dict[str, str | None]:
    if corpus.gold.documents:
        return {d.file: d.account for d in corpus.gold.documents}
    votes: dict[str, Counter[str]] = {}
    for item in corpus.gold.evidence:  # older corpora: the account their labels carry
        if item.account:
            votes.setdefault(item.file, Counter())[item.account] += 1
    return {file: counter.most_common(1)[0][0] for file, counter in votes.items()}


def stack_metrics(corpus: Corpus, docs: CorpusDocuments, draft: ICPDraft) -> dict[str, Metric]:
    known: set[str] = {t.lower() for tools in corpus.gold.stack.values() for t in tools}
    texts = [g.quote.lower() for g in corpus.gold.evidence if g.kind.value == "technographic"]
    for loaded in docs.by_file.values():
        for doc in loaded:
            if doc.crm:
                known.update(t.lower() for t in doc.crm.stack)
                if doc.crm.erp:
                    known.add(doc.crm.erp.lower())
    shown = [(s.id, c.value) for s in draft.segments for c in s.technographics.tools[:TOP]]
    wrong = [
        tool
        for _, tool in shown
        if tool.lower() not in known
        and not any(re.search(rf"(?<!\w){re.escape(tool.lower())}(?!\w)", t) for t in texts)
    ]
    return {
        "stack_precision": Metric(
            name="stack-detection precision",
            value=rounded(1 - len(wrong) / len(shown)) if shown else None,
            detail=f"{len(shown) - len(wrong)} of {len(shown)} tools shown (top {TOP} per segment) are in the gold stack, the CRM or a gold technographic quote"
            + (f"; wrong: {sorted(set(wrong))[:6]}" if wrong else ""),
        )
    }


def cost_metrics(items: list[Shown], judge: Judge) -> dict[str, Metric]:
    costs = [i for i in items if i.claim is not None and i.claim.cost is not None]
    correct = 0
    wrong: list[str] = []
    for item in costs:
        cost = item.claim.cost  # type: ignore[union-attr]
        assert cost is not None
        ok = False
        for gold in judge.located:
            impact = gold.gold.impact
            if impact is None or find_span(gold.gold.quote, cost.text) is None:
                continue
            if abs(impact.amount - cost.amount) <= max(0.01, 0.05 * abs(impact.amount)) and (
                unit_key(impact.unit) == unit_key(cost.unit)
            ):
                ok = True
                break
        correct += ok
        if not ok:
            wrong.append(f"{cost.amount:g} {cost.unit} from {cost.text!r}")
    return {
        "displayed_cost_accuracy": Metric(
            name="displayed-cost accuracy",
            value=rounded(correct / len(costs)) if costs else None,
            detail=f"{correct} of {len(costs)} costs shown match a gold impact (amount and unit) stated in the same words"
            + (f"; wrong: {wrong[:3]}" if wrong else ""),
        )
    }


def segment_gate_metrics(corpus: Corpus, draft: ICPDraft) -> dict[str, Metric]:
    by_account: dict[str, Segment] = {company_key(a): s for s in draft.segments for a in s.accounts}
    thin = [s for s in corpus.gold.segments if s.thin] or [
        s for s in corpus.gold.segments if s.hypothesis
    ]
    kept = 0
    swallowed: list[str] = []
    for gold in thin:
        inside = {
            by_account[k].name
            for a in gold.accounts
            if (k := company_key(a)) in by_account and not by_account[k].hypothesis
        }
        kept += not inside
        if inside:
            swallowed.append(f"{gold.id} inside {sorted(inside)}")
    metrics = {
        "thin_group_hypothesis": Metric(
            name="thin distinct group kept a hypothesis",
            value=rounded(kept / len(thin)) if thin else None,
            detail=f"{kept} of {len(thin)} thin gold groups have no account inside a validated segment"
            + (f"; {swallowed}" if swallowed else ""),
        )
    }
    gold_pmf = corpus.gold.pmf
    if gold_pmf and gold_pmf.segments:
        matches = _segment_match(corpus, draft)
        segments = {s.id: s for s in draft.segments}
        within = checked = 0
        rows = []
        for gold_id, share in gold_pmf.segments.items():
            if share.n == 0:
                continue
            checked += 1
            match = segments.get(matches.get(gold_id) or "")
            value = match.pmf.very_disappointed_pct if match else None
            ok = value is not None and abs(value - share.pct) <= 3
            within += ok
            rows.append(f"{gold_id} {value if value is None else round(value, 1)} vs {share.pct}")
        metrics["pmf_segment_within_3"] = Metric(
            name="PMF per segment within 3 points",
            value=rounded(within / checked) if checked else None,
            detail=f"{within} of {checked} gold segments' PMF matched by the shown segment holding most of their accounts: "
            + "; ".join(rows),
        )
    return metrics


def reader_metrics(
    corpus: Corpus, docs: CorpusDocuments, draft: ICPDraft, embed: Embed
) -> dict[str, Metric]:
    judge = Judge.build(corpus, docs)
    items = shown_items(draft)
    metrics: dict[str, Metric] = {}
    metrics.update(displayed_precision(items, judge))
    metrics.update(theme_metrics(corpus, draft, items, judge, embed))
    metrics.update(attribution_metrics(corpus, docs, draft))
    metrics.update(stack_metrics(corpus, docs, draft))
    metrics.update(cost_metrics(items, judge))
    metrics.update(segment_gate_metrics(corpus, draft))
    metrics["scorecard_sum"] = Metric(
        name="scorecard points add up to 100",
        value=1.0 if abs(sum(c.points for c in draft.scorecard.criteria) - 100) < 0.5 else 0.0,
        detail=f"criteria sum to {sum(c.points for c in draft.scorecard.criteria):g} points",
    )
    return metrics
