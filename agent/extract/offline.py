"""The offline engine: sentence-level classification of customer turns with the cue patterns
and lexicons in `knowledge/` plus embedding similarity to labelled prototype sentences.

Quotes are sentence spans of the source (leading filler trimmed), so nothing is invented.
Negated, hypothetical and reported statements are flagged and never count as claims."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from agent.extract.lexicon import Lexicon, load_lexicon
from agent.extract.quantities import impact
from agent.schema import (
    BuyingRole,
    Evidence,
    EvidenceKind,
    JobType,
    SourceDocument,
    SourceKind,
    SpeakerRole,
)
from agent.textspans import split_sentences

ENGINE = "offline"
VERSION = "offline-1"

_FILLER = re.compile(
    r"^(?:(?:um+|uh+|uhm+|erm?|hmm+|so|and|but|yeah|yes|yep|well|like|okay|ok|oh|honestly|look|right|i mean|you know|sure|mm-?hmm|i think|basically|actually|no)\b[,.…—-]*\s+)+",
    re.IGNORECASE,
)
_INNER_FILLER = re.compile(
    r"\b(?:um+|uh+|you know|i mean|like|sort of|kind of),?\s+", re.IGNORECASE
)

# Decision thresholds: a kind is emitted when prototype similarity plus cue bonus reaches it.
THRESHOLDS: dict[EvidenceKind, float] = {
    EvidenceKind.pain: 0.52,
    EvidenceKind.job: 0.55,
    EvidenceKind.trigger: 0.55,
    EvidenceKind.outcome: 0.55,
    EvidenceKind.workaround: 0.55,
    EvidenceKind.objection: 0.55,
    EvidenceKind.win_reason: 0.55,
    EvidenceKind.loss_reason: 0.55,
    EvidenceKind.churn_reason: 0.55,
}
CUE_BONUS = 0.18
EXTRA_CUE_BONUS = 0.05
MAX_KINDS_PER_SENTENCE = 3


@dataclass
class Unit:
    """One sentence of a customer turn (or of a note), the thing we classify."""

    start: int
    end: int
    text: str
    speaker: str | None
    role: SpeakerRole


def quote_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim leading filler ('Um, so yeah, ') from a sentence span; keep it if little would remain."""
    sentence = text[start:end]
    match = _FILLER.match(sentence)
    if match and len(sentence) - match.end() >= 20:
        start += match.end()
    while start < end and text[start] in "-–—…,. ":
        start += 1
    return start, end


def summarise(sentence: str, limit: int = 160) -> str:
    cleaned = _INNER_FILLER.sub("", _FILLER.sub("", sentence)).strip(" -–—…,")
    cleaned = re.sub(r"\s+", " ", cleaned)
    if cleaned:
        cleaned = cleaned[0].upper() + cleaned[1:]
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rsplit(" ", 1)[0] + "…"


def units_of(doc: SourceDocument) -> list[Unit]:
    """Sentences spoken by customers (interviewer turns never count), or of notes/answers."""
    if doc.kind == SourceKind.crm:
        return []
    turns = [t for t in doc.turns if t.role != SpeakerRole.interviewer]
    spans = [(t.start, t.end, t.speaker, t.role) for t in turns] or [
        (0, len(doc.text), None, SpeakerRole.unknown)
    ]
    units: list[Unit] = []
    for start, end, speaker, role in spans:
        for a, b in split_sentences(doc.text, start, end):
            a, b = quote_span(doc.text, a, b)
            words = len(doc.text[a:b].split())
            if words < 4 or words > 120:
                continue
            units.append(Unit(a, b, doc.text[a:b], speaker, role))
    return units


class OfflineExtractor:
    engine = ENGINE

    def __init__(self, embedder, lexicon: Lexicon | None = None) -> None:
        self.embedder = embedder
        self.lexicon = lexicon or load_lexicon()
        self._prototype_keys: list[str] = []
        self._prototype_vectors: np.ndarray | None = None

    @property
    def fingerprint(self) -> str:
        return f"{VERSION}:{self.lexicon.fingerprint}:{self.embedder.name}"

    def _prototypes(self) -> tuple[list[str], np.ndarray]:
        if self._prototype_vectors is None:
            keys: list[str] = []
            sentences: list[str] = []
            for key, examples in self.lexicon.prototypes.items():
                for example in examples:
                    keys.append(key)
                    sentences.append(example)
            self._prototype_keys = keys
            self._prototype_vectors = self.embedder.embed(sentences)
        return self._prototype_keys, self._prototype_vectors

    def similarities(self, vectors: np.ndarray) -> dict[str, np.ndarray]:
        """For each prototype group, the best cosine similarity of every unit (shape: units)."""
        keys, prototypes = self._prototypes()
        if len(vectors) == 0:
            return {}
        scores = vectors @ prototypes.T
        groups: dict[str, np.ndarray] = {}
        for key in dict.fromkeys(keys):
            columns = [i for i, k in enumerate(keys) if k == key]
            groups[key] = scores[:, columns].max(axis=1)
        return groups

    def extract(self, doc: SourceDocument) -> list[Evidence]:
        units = units_of(doc)
        if not units:
            return []
        vectors = self.embedder.embed([u.text for u in units])
        sims = self.similarities(vectors)
        evidence: list[Evidence] = []
        for index, unit in enumerate(units):
            unit_sims = {k: float(v[index]) for k, v in sims.items()}
            evidence.extend(self._classify(doc, unit, unit_sims))
        return evidence

    # --- classification of one sentence ------------------------------------------------
    def _score(self, kind: EvidenceKind, sentence: str, sims: dict[str, float]) -> float:
        hits = self.lexicon.matches(self.lexicon.cues.get(kind, []), sentence)
        if kind == EvidenceKind.job:
            similarity = max((v for k, v in sims.items() if k.startswith("job:")), default=0.0)
            hits += self.lexicon.matches(
                [p for ps in self.lexicon.job_types.values() for p in ps], sentence
            )
        else:
            similarity = sims.get(kind.value, 0.0)
        bonus = (CUE_BONUS + EXTRA_CUE_BONUS * min(hits - 1, 2)) if hits else 0.0
        return similarity + bonus

    def _classify(self, doc: SourceDocument, unit: Unit, sims: dict[str, float]) -> list[Evidence]:
        sentence = unit.text
        lexicon = self.lexicon
        negated = lexicon.matches(lexicon.negation, sentence) > 0
        hypothetical = lexicon.matches(lexicon.hypothetical, sentence) > 0
        reported = lexicon.matches(lexicon.reported, sentence) > 0
        candidates: list[tuple[float, EvidenceKind, dict]] = []

        deal_outcome = doc.deal.outcome if doc.deal else None
        reason_kind = {
            "won": EvidenceKind.win_reason,
            "expanded": EvidenceKind.win_reason,
            "lost": EvidenceKind.loss_reason,
            "churned": EvidenceKind.churn_reason,
        }.get(deal_outcome or "")
        for kind in (
            EvidenceKind.pain,
            EvidenceKind.job,
            EvidenceKind.trigger,
            EvidenceKind.outcome,
            EvidenceKind.workaround,
            EvidenceKind.objection,
        ):
            score = self._score(kind, sentence, sims)
            if score >= THRESHOLDS[kind]:
                extra: dict = {}
                if kind == EvidenceKind.job:
                    extra["job_type"] = self._job_type(sentence, sims)
                candidates.append((score, kind, extra))
        for kind in (EvidenceKind.win_reason, EvidenceKind.loss_reason, EvidenceKind.churn_reason):
            score = self._score(kind, sentence, sims)
            # In a deal note every reason sentence belongs to the note's outcome.
            if reason_kind is not None:
                if kind == reason_kind and (
                    score >= THRESHOLDS[kind] - 0.1 or lexicon.matches(lexicon.cues[kind], sentence)
                ):
                    candidates.append((score + 0.1, kind, {}))
            elif score >= THRESHOLDS[kind] + 0.1:
                candidates.append((score, kind, {}))

        candidates.sort(key=lambda c: -c[0])
        candidates = candidates[:MAX_KINDS_PER_SENTENCE]

        role = self._buying_role(sentence, sims)
        if role is not None:
            candidates.append((0.7, EvidenceKind.buying_role, {"role": role}))
        tools = [name for name, category in lexicon.tools_in(sentence) if category != "other"]
        if tools or (
            lexicon.matches(lexicon.cues[EvidenceKind.technographic], sentence)
            and sims.get("technographic", 0) > 0.45
        ):
            candidates.append((0.8 if tools else 0.6, EvidenceKind.technographic, {"tools": tools}))
        if lexicon.matches(lexicon.cues[EvidenceKind.firmographic], sentence) and (
            sims.get("firmographic", 0) > 0.3 or _HEADCOUNT.search(sentence)
        ):
            candidates.append((0.7, EvidenceKind.firmographic, {}))

        quantity = impact(sentence)
        results: list[Evidence] = []
        for score, kind, extra in candidates:
            summary = summarise(sentence)
            if kind == EvidenceKind.technographic and extra.get("tools"):
                summary = "Uses " + ", ".join(extra["tools"])
            results.append(
                Evidence(
                    kind=kind,
                    job_type=extra.get("job_type"),
                    role=extra.get("role"),
                    summary=summary,
                    quote=sentence,
                    doc_id=doc.doc_id,
                    source=doc.source,
                    source_kind=doc.kind,
                    start=unit.start,
                    end=unit.end,
                    account=doc.account,
                    speaker=unit.speaker,
                    speaker_role=unit.role,
                    quantity=quantity
                    if kind
                    in (
                        EvidenceKind.pain,
                        EvidenceKind.outcome,
                        EvidenceKind.workaround,
                        EvidenceKind.firmographic,
                    )
                    else None,
                    negated=negated and kind in _FLAGGABLE,
                    hypothetical=hypothetical and kind in _FLAGGABLE,
                    reported=reported and kind in _FLAGGABLE,
                    confidence=round(min(1.0, max(0.0, score)), 3),
                    engine=ENGINE,
                )
            )
        return results

    def _job_type(self, sentence: str, sims: dict[str, float]) -> JobType:
        for job_type in (JobType.emotional, JobType.social):
            if self.lexicon.matches(self.lexicon.job_types.get(job_type, []), sentence):
                return job_type
        best = max(
            JobType,
            key=lambda t: (
                sims.get(f"job:{t.value}", 0.0) + (0.05 if t == JobType.functional else 0.0)
            ),
        )
        return best

    def _buying_role(self, sentence: str, sims: dict[str, float]) -> BuyingRole | None:
        scores: dict[BuyingRole, float] = {}
        for role, patterns in self.lexicon.role_phrases.items():
            hits = self.lexicon.matches(patterns, sentence)
            if hits:
                scores[role] = sims.get(f"buying_role:{role.value}", 0.0) + 0.3 + 0.05 * hits
        if not scores:
            return None
        return max(scores, key=lambda r: scores[r])


_HEADCOUNT = re.compile(
    r"\b\d[\d,.]*\s*(k\s*)?(employees|people|staff|techs|technicians|agents|reps|locations|branches|sites|offices|trucks)\b",
    re.IGNORECASE,
)
_FLAGGABLE = {
    EvidenceKind.pain,
    EvidenceKind.trigger,
    EvidenceKind.objection,
    EvidenceKind.outcome,
    EvidenceKind.workaround,
    EvidenceKind.job,
}
