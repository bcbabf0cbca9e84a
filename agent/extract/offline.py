"""The offline engine: sentence-level classification of customer turns, no network.

Each sentence of a customer turn (or of a note) gets three kinds of signal:
- cue patterns per evidence kind from knowledge/evidence_kinds.yaml;
- a nearest-neighbour vote among ~1,200 labelled example sentences (knowledge/prototypes.yaml,
  written in other B2B domains than the eval corpora), including neutral sentences and
  negated/hypothetical/reported distractors that vote for "no evidence";
- similarity to the short prototype lists of knowledge/evidence_kinds.yaml.
A weighted sum against per-kind thresholds (knowledge/offline_engine.yaml) decides the kinds.
Quotes are sentence spans of the source, so nothing is invented. Negated, hypothetical and
reported statements are flagged and never count as claims."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache

import numpy as np

from agent.extract.lexicon import Lexicon, load_lexicon
from agent.extract.quantities import impact
from agent.resources import knowledge
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
VERSION = "offline-2"

_FILLER = re.compile(
    r"^(?:(?:um+|uh+|uhm+|erm?|hmm+|so|and|but|yeah|yes|yep|well|like|okay|ok|oh|honestly|look|right|i mean|you know|sure|mm-?hmm|i think|basically|actually|no)\b[,.…—-]*\s+)+",
    re.IGNORECASE,
)
_INNER_FILLER = re.compile(
    r"\b(?:um+|uh+|you know|i mean|like|sort of|kind of),?\s+", re.IGNORECASE
)
_HEADCOUNT = re.compile(
    r"\b\d[\d,.]*\s*(k\s*)?(employees|people|staff|techs|technicians|agents|reps|locations|branches|sites|offices|trucks)\b",
    re.IGNORECASE,
)

KINDS = [k for k in EvidenceKind]
SCORED = [k for k in EvidenceKind if k not in (EvidenceKind.buying_role,)]
REASONS = {EvidenceKind.win_reason, EvidenceKind.loss_reason, EvidenceKind.churn_reason}
FLAGGABLE = {
    EvidenceKind.pain,
    EvidenceKind.trigger,
    EvidenceKind.objection,
    EvidenceKind.outcome,
    EvidenceKind.workaround,
    EvidenceKind.job,
    EvidenceKind.buying_role,
}
QUANTIFIED = {
    EvidenceKind.pain,
    EvidenceKind.outcome,
    EvidenceKind.workaround,
    EvidenceKind.firmographic,
}


@dataclass
class Unit:
    """One sentence of a customer turn (or of a note): the thing we classify."""

    start: int
    end: int
    text: str
    speaker: str | None
    role: SpeakerRole


@dataclass
class Features:
    """Signals for a batch of units; rows align with the units."""

    knn: np.ndarray  # units x len(KINDS): neighbour vote per kind
    knn_none: np.ndarray  # units: vote for "no evidence" (neutral + distractors)
    knn_distractor: np.ndarray  # units: vote for negated/hypothetical/reported
    proto: np.ndarray  # units x len(KINDS): best similarity to the kind's short prototypes
    cues: np.ndarray  # units x len(KINDS): number of cue patterns matched
    negated: np.ndarray
    hypothetical: np.ndarray
    reported: np.ndarray


def quote_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim leading filler ('Um, so yeah, ') from a sentence span; keep it if little would remain."""
    sentence = text[start:end]
    match = _FILLER.match(sentence)
    if match and len(sentence) - match.end() >= 20:
        start += match.end()
    while start < end and text[start] in "-–—…,. ":
        start += 1
    return start, end


_STAGE = re.compile(
    r"[(\[](?:laughs?|laughter|laughing|inaudible|crosstalk|pause|sighs?|chuckles?|coughs?|unintelligible)[)\]]\s*",
    re.IGNORECASE,
)


def summarise(sentence: str, limit: int = 160) -> str:
    cleaned = _INNER_FILLER.sub("", _FILLER.sub("", _STAGE.sub("", sentence))).strip(" -–—…,")
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
            if words < 3 or words > 120:
                continue
            units.append(Unit(a, b, doc.text[a:b], speaker, role))
    return units


@cache
def engine_params() -> dict:
    return knowledge("offline_engine")


class Prototypes:
    """The labelled example sentences, embedded once per embedder."""

    def __init__(self, embedder) -> None:
        examples = knowledge("prototypes")["examples"]
        self.texts = [e["text"] for e in examples]
        self.labels = np.zeros((len(examples), len(KINDS)), dtype=np.float32)
        self.none = np.zeros(len(examples), dtype=np.float32)
        self.distractor = np.zeros(len(examples), dtype=np.float32)
        self.job_types: list[str | None] = []
        self.roles: list[str | None] = []
        for row, example in enumerate(examples):
            for kind in example.get("kinds") or []:
                self.labels[row, KINDS.index(EvidenceKind(kind))] = 1.0
            if not example.get("kinds"):
                self.none[row] = 1.0
                if example.get("why"):
                    self.distractor[row] = 1.0
            self.job_types.append(example.get("job_type"))
            self.roles.append(example.get("role"))
        self.vectors = _cached_vectors(embedder, self.texts)


def _cached_vectors(embedder, texts: list[str]) -> np.ndarray:
    """Example-sentence vectors, cached on disk per embedder and text set: computing them takes
    seconds locally (and costs tokens with OpenAI embeddings), so each CLI run should not."""
    import hashlib
    import os
    from pathlib import Path

    digest = hashlib.sha256(("\n".join(texts) + "|" + embedder.name).encode()).hexdigest()[:20]
    base = (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "icp-agent"
        / "prototypes"
    )
    path = base / f"{embedder.name}-{digest}.npy"
    try:
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    except (OSError, ValueError):
        pass
    vectors = embedder.embed(texts)
    try:
        base.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(temporary, vectors)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only home: compute again next time
    return vectors


_PROTOTYPES: dict[str, Prototypes] = {}
_PROTOTYPES_LOCK = threading.Lock()


class OfflineExtractor:
    engine = ENGINE

    def __init__(
        self, embedder, lexicon: Lexicon | None = None, params: dict | None = None
    ) -> None:
        self.embedder = embedder
        self.lexicon = lexicon or load_lexicon()
        self.params = params or engine_params()
        self._short_keys: list[str] = []
        self._short_vectors: np.ndarray | None = None

    @property
    def fingerprint(self) -> str:
        return f"{VERSION}:{self.lexicon.fingerprint}:{self.embedder.name}"

    @property
    def prototypes(self) -> Prototypes:
        with _PROTOTYPES_LOCK:
            if self.embedder.name not in _PROTOTYPES:
                _PROTOTYPES[self.embedder.name] = Prototypes(self.embedder)
            return _PROTOTYPES[self.embedder.name]

    def _short(self) -> tuple[list[str], np.ndarray]:
        if self._short_vectors is None:
            keys: list[str] = []
            sentences: list[str] = []
            for key, examples in self.lexicon.prototypes.items():
                for example in examples:
                    keys.append(key)
                    sentences.append(example)
            self._short_keys = keys
            self._short_vectors = self.embedder.embed(sentences)
        return self._short_keys, self._short_vectors

    # --- signals ----------------------------------------------------------------
    def featurize(self, units: list[Unit], vectors: np.ndarray) -> Features:
        n = len(units)
        protos = self.prototypes
        k = int(self.params["knn"]["k"])
        power = float(self.params["knn"]["power"])
        sims = vectors @ protos.vectors.T
        top = np.argsort(-sims, axis=1)[:, :k]
        weights = np.clip(np.take_along_axis(sims, top, axis=1), 0, None) ** power
        totals = np.clip(weights.sum(axis=1, keepdims=True), 1e-9, None)
        knn = np.einsum("uk,ukc->uc", weights, protos.labels[top]) / totals
        knn_none = (weights * protos.none[top]).sum(axis=1) / totals[:, 0]
        knn_distractor = (weights * protos.distractor[top]).sum(axis=1) / totals[:, 0]
        keys, short = self._short()
        short_sims = vectors @ short.T
        proto = np.zeros((n, len(KINDS)), dtype=np.float32)
        for index, kind in enumerate(KINDS):
            columns = [
                i
                for i, key in enumerate(keys)
                if key == kind.value or key.startswith(kind.value + ":")
            ]
            if columns:
                proto[:, index] = short_sims[:, columns].max(axis=1)
        cues = np.zeros((n, len(KINDS)), dtype=np.float32)
        negated = np.zeros(n, dtype=bool)
        hypothetical = np.zeros(n, dtype=bool)
        reported = np.zeros(n, dtype=bool)
        lexicon = self.lexicon
        job_patterns = [p for patterns in lexicon.job_types.values() for p in patterns]
        for row, unit in enumerate(units):
            sentence = unit.text
            for index, kind in enumerate(KINDS):
                patterns = lexicon.cues.get(kind, [])
                if kind == EvidenceKind.buying_role:
                    patterns = [p for ps in lexicon.role_phrases.values() for p in ps]
                hits = lexicon.matches(patterns, sentence)
                if kind == EvidenceKind.job:
                    hits += lexicon.matches(job_patterns, sentence)
                cues[row, index] = hits
            negated[row] = lexicon.matches(lexicon.negation, sentence) > 0
            hypothetical[row] = lexicon.matches(lexicon.hypothetical, sentence) > 0
            reported[row] = lexicon.matches(lexicon.reported, sentence) > 0
        return Features(knn, knn_none, knn_distractor, proto, cues, negated, hypothetical, reported)

    def scores(self, features: Features) -> np.ndarray:
        """units x len(KINDS) decision scores; a kind is emitted when score >= its threshold."""
        weights = self.params["weights"]
        cue_bonus = np.where(
            features.cues > 0,
            weights["cue"] + weights["extra_cue"] * np.clip(features.cues - 1, 0, 2),
            0.0,
        )
        return (
            weights["knn"] * features.knn
            + weights["proto"] * features.proto
            + cue_bonus
            - weights["none"] * features.knn_none[:, None]
        )

    # --- extraction ---------------------------------------------------------------
    def extract(self, doc: SourceDocument) -> list[Evidence]:
        units = units_of(doc)
        if not units:
            return []
        vectors = self.embedder.embed([u.text for u in units])
        features = self.featurize(units, vectors)
        return self.decide(doc, units, features, vectors)

    def decide(
        self, doc: SourceDocument, units: list[Unit], features: Features, vectors: np.ndarray
    ) -> list[Evidence]:
        scores = self.scores(features)
        thresholds = self.params["thresholds"]
        max_kinds = int(self.params["max_kinds_per_sentence"])
        reason_kind = {
            "won": EvidenceKind.win_reason,
            "expanded": EvidenceKind.win_reason,
            "lost": EvidenceKind.loss_reason,
            "churned": EvidenceKind.churn_reason,
        }.get(doc.deal.outcome if doc.deal and doc.deal.outcome else "")
        note_bonus = float(self.params["deal_note_reason_bonus"])
        evidence: list[Evidence] = []
        for row, unit in enumerate(units):
            sentence = unit.text
            chosen: list[tuple[float, EvidenceKind, dict]] = []
            for index, kind in enumerate(KINDS):
                if kind == EvidenceKind.buying_role:
                    continue
                score = float(scores[row, index])
                threshold = float(thresholds[kind.value])
                if kind in REASONS:
                    if reason_kind is not None:
                        # in a deal note, reasons belong to the note's outcome
                        if kind != reason_kind:
                            continue
                        score += note_bonus
                    elif doc.kind != SourceKind.win_loss:
                        threshold += float(self.params["reason_outside_notes_penalty"])
                if kind == EvidenceKind.firmographic and _HEADCOUNT.search(sentence):
                    score += float(self.params["headcount_bonus"])
                if kind == EvidenceKind.technographic:
                    tools = [
                        name
                        for name, category in self.lexicon.tools_in(sentence)
                        if category != "other"
                    ]
                    if tools:
                        score += float(self.params["tool_bonus"])
                if score >= threshold:
                    chosen.append((score, kind, {}))
            chosen.sort(key=lambda c: -c[0])
            chosen = chosen[:max_kinds]
            role = self._buying_role(
                sentence, vectors[row], float(scores[row, KINDS.index(EvidenceKind.buying_role)])
            )
            if role is not None:
                chosen.append(
                    (
                        float(scores[row, KINDS.index(EvidenceKind.buying_role)]),
                        EvidenceKind.buying_role,
                        {"role": role},
                    )
                )
            flags = (
                bool(features.negated[row]),
                bool(features.hypothetical[row]),
                bool(features.reported[row]),
            )
            if features.knn_distractor[row] >= float(self.params["distractor_vote"]):
                flags = (flags[0] or not flags[1], flags[1], flags[2])
            quantity = impact(sentence)
            for score, kind, extra in chosen:
                summary = summarise(sentence)
                if kind == EvidenceKind.technographic:
                    tools = [
                        name
                        for name, category in self.lexicon.tools_in(sentence)
                        if category != "other"
                    ]
                    if tools:
                        summary = "Uses " + ", ".join(tools)
                flaggable = kind in FLAGGABLE
                evidence.append(
                    Evidence(
                        kind=kind,
                        job_type=self._job_type(sentence, vectors[row])
                        if kind == EvidenceKind.job
                        else None,
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
                        quantity=quantity if kind in QUANTIFIED else None,
                        negated=flags[0] and flaggable,
                        hypothetical=flags[1] and flaggable,
                        reported=flags[2] and flaggable,
                        confidence=round(min(1.0, max(0.0, score)), 3),
                        engine=ENGINE,
                    )
                )
        return evidence

    def _neighbours(
        self, vector: np.ndarray, kind: EvidenceKind, attribute: str, k: int = 7
    ) -> dict[str, float]:
        protos = self.prototypes
        column = KINDS.index(kind)
        rows = np.nonzero(protos.labels[:, column])[0]
        if len(rows) == 0:
            return {}
        sims = protos.vectors[rows] @ vector
        order = np.argsort(-sims)[:k]
        votes: dict[str, float] = {}
        values = getattr(protos, attribute)
        for index in order:
            value = values[rows[index]]
            if value:
                votes[value] = votes.get(value, 0.0) + max(0.0, float(sims[index])) ** 2
        return votes

    def _job_type(self, sentence: str, vector: np.ndarray) -> JobType:
        for job_type in (JobType.emotional, JobType.social):
            if self.lexicon.matches(self.lexicon.job_types.get(job_type, []), sentence):
                return job_type
        votes = self._neighbours(vector, EvidenceKind.job, "job_types")
        return JobType(max(votes, key=lambda v: votes[v])) if votes else JobType.functional

    def _buying_role(self, sentence: str, vector: np.ndarray, score: float) -> BuyingRole | None:
        """Role phrases decide; without one, a strong neighbour vote for a role can."""
        phrase_hits = {
            role: self.lexicon.matches(patterns, sentence)
            for role, patterns in self.lexicon.role_phrases.items()
        }
        phrase_hits = {role: hits for role, hits in phrase_hits.items() if hits}
        votes = self._neighbours(vector, EvidenceKind.buying_role, "roles")
        if phrase_hits:
            return max(phrase_hits, key=lambda r: (phrase_hits[r], votes.get(r.value, 0.0)))
        if score >= float(self.params["thresholds"]["buying_role"]) and votes:
            return BuyingRole(max(votes, key=lambda v: votes[v]))
        return None
