"""Run the whole pipeline on a gold corpus in a throwaway workspace and score it.

Every metric carries its value and an explanation (what was counted), so a report reads on
its own. Thresholds for the CI gate live in evals/thresholds.yaml."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agent import __version__
from agent.config import Settings
from agent.evaluation.alignment import (
    OVERLAP,
    CorpusDocuments,
    distractors_extracted,
    locate,
    score_evidence,
)
from agent.evaluation.displayed import reader_metrics
from agent.evaluation.gold import Corpus
from agent.evaluation.metric import Metric, rounded, unit_key
from agent.evaluation.segments import adjusted_rand_index
from agent.extract.runner import run_extraction
from agent.ingest.batch import ingest_paths
from agent.schema.icp import ICPDraft
from agent.store import Workspace
from agent.synthesize import versions
from agent.synthesize.accounts import build_accounts
from agent.synthesize.inputs import inputs_from_workspace
from agent.synthesize.pipeline import synthesize
from agent.synthesize.survey import pmf


class KindRow(BaseModel):
    kind: str
    gold: int
    predicted: int
    precision: float | None
    recall: float | None
    f1: float | None


class EvalReport(BaseModel):
    dataset: str
    dataset_version: str
    engine: str
    model: str | None = None
    prompt_versions: list[str] = Field(default_factory=list)
    icp_agent_version: str = __version__
    created_at: dt.datetime
    seconds: float
    metrics: dict[str, Metric]
    evidence: list[KindRow]
    segments: list[dict[str, Any]] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def value(self, name: str) -> float | None:
        metric = self.metrics.get(name)
        return metric.value if metric else None


def evaluate(
    corpus: Corpus,
    settings: Settings,
    embedder: Any,
    llm: Any = None,
    qa: bool = True,
    judge: bool = False,
) -> EvalReport:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"icp-eval-{corpus.name}-") as folder:
        run_settings = settings.model_copy(update={"workspace": Path(folder), "chroma_url": None})
        workspace = Workspace(Path(folder), embedder.name)
        try:
            ingest = ingest_paths([str(corpus.sources)], workspace, embedder, run_settings)
            extraction = run_extraction(workspace, run_settings, embedder, llm=llm)
            inputs = inputs_from_workspace(workspace, embedder)
            draft = synthesize(inputs, embedder.embed)
            versions.save(
                workspace, draft
            )  # segment questions are answered from the latest version
            qa_metrics = (
                _qa_metrics(corpus, workspace, run_settings, embedder, llm, judge)
                if qa and corpus.gold.qa
                else {}
            )
        finally:
            workspace.close()
    documents = inputs.documents
    evidence = inputs.evidence
    docs_by_file = CorpusDocuments()
    prefix = corpus.sources.name + "/"
    for doc in documents:
        docs_by_file.by_file.setdefault(doc.source.removeprefix(prefix), []).append(doc)
    metrics: dict[str, Metric] = {}
    notes: list[str] = []
    failed = [r for r in ingest.results if r.status == "failed"]
    if failed:
        notes.append(
            "files that failed to load: " + "; ".join(f"{r.source}: {r.error}" for r in failed)
        )

    # grounding: every stored quote must be the exact source span
    by_id = {d.doc_id: d for d in documents}
    grounded = sum(
        1
        for e in evidence
        if by_id.get(e.doc_id) and by_id[e.doc_id].text[e.start : e.end] == e.quote
    )
    dropped = sum(d.dropped for d in extraction.documents)
    total_quotes = len(evidence) + dropped
    metrics["quote_grounding"] = Metric(
        name="quote grounding rate",
        value=rounded(grounded / len(evidence)) if evidence else None,
        detail=f"{grounded} of {len(evidence)} stored quotes are exact source spans; {dropped} of {total_quotes} model quotes were ungrounded and dropped",
    )

    located = locate(corpus, docs_by_file, corpus.gold.evidence)
    unlocated = [g for g in located if g.doc_id is None]
    if unlocated:
        notes.append(
            f"{len(unlocated)} gold quotes not found in the loaded documents (check_gold reports them)"
        )
    labelled = {g.doc_id for g in located if g.doc_id}
    scores = score_evidence(located, evidence, labelled)
    rows = [
        KindRow(
            kind=k,
            gold=s.gold,
            predicted=s.predicted,
            precision=rounded(s.precision),
            recall=rounded(s.recall),
            f1=rounded(s.f1),
        )
        for k, s in scores.items()
    ]
    tp = sum(s.true_positive_predictions for s in scores.values())
    predicted = sum(s.predicted for s in scores.values())
    recalled = sum(s.recalled_gold for s in scores.values())
    gold_total = sum(s.gold for s in scores.values())
    precision = tp / predicted if predicted else None
    recall = recalled / gold_total if gold_total else None
    metrics["evidence_precision"] = Metric(
        name="evidence precision (micro)",
        value=rounded(precision),
        detail=f"{tp} of {predicted} predicted claims overlap a gold label of the same kind (span overlap ≥ {OVERLAP:.0%} of the shorter)",
    )
    metrics["evidence_recall"] = Metric(
        name="evidence recall (micro)",
        value=rounded(recall),
        detail=f"{recalled} of {gold_total} gold labels found",
    )
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    metrics["evidence_f1"] = Metric(
        name="evidence F1 (micro)",
        value=rounded(f1),
        detail="harmonic mean of micro precision and recall",
    )
    macro = [s.f1 for s in scores.values() if s.f1 is not None and s.gold]
    metrics["evidence_f1_macro"] = Metric(
        name="evidence F1 (macro over kinds)",
        value=rounded(sum(macro) / len(macro)) if macro else None,
        detail=f"mean F1 over {len(macro)} kinds",
    )

    leaked, total, quotes = distractors_extracted(corpus, docs_by_file, evidence, {"pain"})
    metrics["distractor_pain_rate"] = Metric(
        name="distractors extracted as pains",
        value=rounded(leaked / total) if total else None,
        detail=f"{leaked} of {total} negated/hypothetical/reported statements became pain claims"
        + (f": {quotes[:3]}" if quotes else ""),
    )
    leaked_any, _, _ = distractors_extracted(
        corpus,
        docs_by_file,
        evidence,
        {"pain", "trigger", "objection", "outcome", "workaround", "job"},
    )
    metrics["distractor_claim_rate"] = Metric(
        name="distractors extracted as any claim",
        value=rounded(leaked_any / total) if total else None,
        detail=f"{leaked_any} of {total} became a pain, job, trigger, outcome, workaround or objection claim",
    )

    quantities = _quantity_accuracy(located, evidence)
    metrics["quantity_accuracy"] = quantities

    segment_metrics, segment_rows = _segment_metrics(corpus, draft)
    metrics.update(segment_metrics)
    metrics.update(_pmf_metrics(corpus, inputs))
    metrics.update(reader_metrics(corpus, docs_by_file, draft, embedder.embed))
    metrics.update(qa_metrics)
    return EvalReport(
        dataset=corpus.name,
        dataset_version=corpus.gold.version,
        engine=extraction.engine,
        model=extraction.model,
        prompt_versions=[extraction.prompt_version] if extraction.prompt_version else [],
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        seconds=round(time.perf_counter() - started, 1),
        metrics=metrics,
        evidence=rows,
        segments=segment_rows,
        notes=notes,
    )


def _quantity_accuracy(located, evidence) -> Metric:
    """Of gold labels with a stated impact that were found, how often the matched prediction
    carries the same amount and unit."""
    from agent.evaluation.alignment import overlaps

    checked = correct = 0
    for item in located:
        if item.doc_id is None or item.gold.impact is None:
            continue
        matches = [
            e
            for e in evidence
            if e.doc_id == item.doc_id
            and e.kind == item.gold.kind
            and e.is_claim
            and overlaps(e.start, e.end, item.start, item.end)
        ]
        if not matches:
            continue
        checked += 1
        gold = item.gold.impact
        if any(
            e.quantity
            and abs(e.quantity.amount - gold.amount) <= max(0.01, 0.05 * abs(gold.amount))
            and unit_key(e.quantity.unit) == unit_key(gold.unit)
            for e in matches
        ):
            correct += 1
    return Metric(
        name="quantified impact accuracy",
        value=rounded(correct / checked) if checked else None,
        detail=f"{correct} of {checked} found gold impacts have the same amount and unit",
    )


def _predicted_segments(draft: ICPDraft) -> dict[str, str]:
    return {account: segment.id for segment in draft.segments for account in segment.accounts}


def _segment_metrics(
    corpus: Corpus, draft: ICPDraft
) -> tuple[dict[str, Metric], list[dict[str, Any]]]:
    from agent.ingest.normalize import company_key

    gold_of = {company_key(a): s for a, s in corpus.gold.segment_of().items()}
    predicted = {company_key(a): s for a, s in _predicted_segments(draft).items()}
    shared = sorted(set(gold_of) & set(predicted))
    ari = (
        adjusted_rand_index([gold_of[a] for a in shared], [predicted[a] for a in shared])
        if shared
        else None
    )
    metrics = {
        "segment_ari": Metric(
            name="segment recovery (adjusted Rand index)",
            value=rounded(ari),
            detail=f"over {len(shared)} of {len(gold_of)} gold accounts; {len(draft.segments)} predicted vs {len(corpus.gold.segments)} gold segments",
        ),
    }
    rows: list[dict[str, Any]] = []
    hypothesis_hits = 0
    negative_ok = 0
    negative_total = 0
    for gold_segment in corpus.gold.segments:
        keys = [company_key(a) for a in gold_segment.accounts]
        votes = Counter(predicted[k] for k in keys if k in predicted)
        match = next(
            (s for s in draft.segments if votes and s.id == votes.most_common(1)[0][0]), None
        )
        predicted_hypothesis = bool(match and match.hypothesis)
        hypothesis_hits += predicted_hypothesis == gold_segment.hypothesis
        row = {
            "gold": gold_segment.id,
            "predicted": match.name if match else None,
            "accounts_in_match": votes.most_common(1)[0][1] if votes else 0,
            "gold_accounts": len(keys),
            "hypothesis": {"gold": gold_segment.hypothesis, "predicted": predicted_hypothesis},
            "tier": match.tier if match else None,
        }
        if gold_segment.negative:
            negative_total += 1
            not_recommended = bool(match and match.tier in ("defer", "selective"))
            negative_ok += not_recommended
            row["negative_not_recommended"] = not_recommended
        rows.append(row)
    metrics["hypothesis_accuracy"] = Metric(
        name="hypothesis-tag accuracy",
        value=rounded(hypothesis_hits / len(corpus.gold.segments)),
        detail=f"{hypothesis_hits} of {len(corpus.gold.segments)} gold segments whose best-matching predicted segment has the same hypothesis tag",
    )
    gold_traits = {(t.dimension, t.value) for t in corpus.gold.negative_icp}
    found_traits = {(t.dimension, t.value) for t in draft.negative_icp}
    hit = gold_traits & found_traits
    metrics["negative_icp_recall"] = Metric(
        name="negative-ICP recall",
        value=rounded(len(hit) / len(gold_traits)) if gold_traits else None,
        detail=f"{len(hit)} of {len(gold_traits)} gold traits found: {sorted(hit)}; missed {sorted(gold_traits - hit)}",
    )
    metrics["losing_segment_not_recommended"] = Metric(
        name="losing segment tiered defer/selective",
        value=rounded(negative_ok / negative_total) if negative_total else None,
        detail=f"{negative_ok} of {negative_total} gold losing segments are not core/adjacent",
    )
    return metrics, rows


def _pmf_metrics(corpus: Corpus, inputs) -> dict[str, Metric]:
    """PMF exactness: our Sean Ellis shares (our dedupe and account linking) against gold, per
    gold segment (accounts as in gold, so clustering errors do not mask survey errors)."""
    gold = corpus.gold.pmf
    if gold is None:
        return {}
    from agent.ingest.normalize import company_key

    book = build_accounts([d.model_copy(deep=True) for d in inputs.documents], [])
    responses_by_key = {
        company_key(name): account.responses for name, account in book.accounts.items()
    }
    all_responses = [
        r for a in book.accounts.values() for r in a.responses
    ] + book.unlinked_responses
    overall = pmf(all_responses)
    checks = [("overall", overall.very, overall.n, gold.overall.very, gold.overall.n)]
    for segment in corpus.gold.segments:
        if segment.id not in gold.segments:
            continue
        members = [r for a in segment.accounts for r in responses_by_key.get(company_key(a), [])]
        share = pmf(members)
        expected = gold.segments[segment.id]
        checks.append((segment.id, share.very, share.n, expected.very, expected.n))
    exact = [c for c in checks if c[1] == c[3] and c[2] == c[4]]
    detail = "; ".join(f"{name}: {very}/{n} vs gold {gv}/{gn}" for name, very, n, gv, gn in checks)
    return {
        "pmf_exact": Metric(
            name="PMF exactness",
            value=rounded(len(exact) / len(checks)),
            detail=f"{len(exact)} of {len(checks)} shares exact — {detail}",
        )
    }


def _qa_metrics(
    corpus: Corpus,
    workspace: Workspace,
    settings: Settings,
    embedder: Any,
    llm: Any,
    judge: bool = False,
) -> dict[str, Metric]:
    """Citation hit rate, correctness against the gold gist, refusals, counts
    (agent.evaluation.qa_metrics)."""
    from agent.evaluation.qa_metrics import qa_metrics

    return qa_metrics(corpus, workspace, settings, embedder, llm, judge)
