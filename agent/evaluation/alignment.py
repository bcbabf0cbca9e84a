"""Gold quotes located in the documents as our loaders see them, and predictions matched to them.

A prediction matches a gold label when both are in the same document, have the same kind,
and their character spans overlap by at least half of the shorter span (OVERLAP)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from agent.evaluation.gold import Corpus, GoldEvidence
from agent.ingest.loader import load_file
from agent.ingest.rawfile import read_raw
from agent.schema import Evidence, EvidenceKind, SourceDocument
from agent.textspans import find_span

OVERLAP = 0.5


@dataclass
class LocatedGold:
    gold: GoldEvidence
    doc_id: str | None
    start: int = -1
    end: int = -1


@dataclass
class CorpusDocuments:
    """The corpus loaded without a workspace: file (relative to sources/) -> documents."""

    by_file: dict[str, list[SourceDocument]] = field(default_factory=dict)

    def doc_for(self, file: str) -> SourceDocument | None:
        docs = self.by_file.get(file)
        return docs[0] if docs else None


def load_corpus_documents(corpus: Corpus) -> CorpusDocuments:
    loaded = CorpusDocuments()
    for path in sorted(corpus.sources.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            relative = str(path.relative_to(corpus.sources))
            try:
                loaded.by_file[relative] = load_file(read_raw(path, relative, 10**9)).documents
            except Exception:
                loaded.by_file[relative] = []
    return loaded


def locate(corpus: Corpus, docs: CorpusDocuments, items: list[GoldEvidence]) -> list[LocatedGold]:
    located = []
    for item in items:
        doc = docs.doc_for(item.file)
        span = find_span(doc.text, item.quote) if doc else None
        if doc is None or span is None:
            located.append(LocatedGold(item, None))
        else:
            located.append(LocatedGold(item, doc.doc_id, *span))
    return located


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    shared = min(a_end, b_end) - max(a_start, b_start)
    shorter = min(a_end - a_start, b_end - b_start)
    return shorter > 0 and shared >= OVERLAP * shorter


@dataclass
class KindScore:
    kind: str
    gold: int = 0
    predicted: int = 0
    true_positive_predictions: int = 0
    recalled_gold: int = 0

    @property
    def precision(self) -> float | None:
        return self.true_positive_predictions / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.recalled_gold / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if not p or not r:
            return 0.0 if p is not None and r is not None else None
        return 2 * p * r / (p + r)


def score_evidence(
    located: list[LocatedGold], predictions: list[Evidence], labelled_docs: set[str]
) -> dict[str, KindScore]:
    """Precision and recall per kind over the documents that carry gold labels."""
    scores: dict[str, KindScore] = {k.value: KindScore(k.value) for k in EvidenceKind}
    gold_by_doc_kind: dict[tuple[str, str], list[LocatedGold]] = defaultdict(list)
    for item in located:
        scores[item.gold.kind.value].gold += 1
        if item.doc_id:
            gold_by_doc_kind[(item.doc_id, item.gold.kind.value)].append(item)
    recalled: set[int] = set()
    for prediction in predictions:
        if prediction.doc_id not in labelled_docs or not prediction.is_claim:
            continue
        score = scores[prediction.kind.value]
        score.predicted += 1
        hits = [
            g
            for g in gold_by_doc_kind.get((prediction.doc_id, prediction.kind.value), [])
            if overlaps(prediction.start, prediction.end, g.start, g.end)
        ]
        if hits:
            score.true_positive_predictions += 1
            recalled.update(id(g) for g in hits)
    for item in located:
        if id(item) in recalled:
            scores[item.gold.kind.value].recalled_gold += 1
    return scores


def distractors_extracted(
    corpus: Corpus, docs: CorpusDocuments, predictions: list[Evidence], kinds: set[str]
) -> tuple[int, int, list[str]]:
    """(distractors found as claims of `kinds`, total distractors, the quotes that leaked)."""
    leaked: list[str] = []
    total = 0
    for distractor in corpus.gold.distractors:
        doc = docs.doc_for(distractor.file)
        span = find_span(doc.text, distractor.quote) if doc else None
        if doc is None or span is None:
            continue
        total += 1
        for prediction in predictions:
            if (
                prediction.doc_id == doc.doc_id
                and prediction.is_claim
                and prediction.kind.value in kinds
                and overlaps(prediction.start, prediction.end, *span)
            ):
                leaked.append(distractor.quote)
                break
    return len(leaked), total, leaked


def unlocated(located: list[LocatedGold]) -> list[GoldEvidence]:
    return [item.gold for item in located if item.doc_id is None]
