"""The offline engine's evidence classifier: one customer sentence *in its context* (the
interviewer's question before it, or the heading above a note's bullet) -> a probability per
evidence kind, plus the buying role and job type when those kinds apply.

Reads: the sentence and context embeddings (bundled MiniLM) and cue features computed here.
Writes: probabilities. The weights ship in `agent/models/evidence_classifier.npz`, trained by
`python -m agent.extract.train` from `knowledge/training/evidence/*.jsonl` (a labelled set
written apart from every eval corpus); per-kind display thresholds calibrated on held-out
domains travel in the same file."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from agent.extract.lexicon import Lexicon, load_lexicon
from agent.schema import BuyingRole, EvidenceKind, JobType

MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "evidence_classifier.npz"

KINDS: list[EvidenceKind] = list(EvidenceKind)
ROLES: list[BuyingRole] = list(BuyingRole)
JOB_TYPES: list[JobType] = list(JobType)
SOURCES = ("interview", "notes", "deal_note", "survey")
OUTCOME_WORDS = {
    "won": ("won", "win", "closed won"),
    "lost": ("lost", "loss", "closed lost"),
    "churned": ("churn", "churned", "cancel"),
}

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
STOP = frozenset(
    """a an the and or but if of to in on at for with from by as is are was were be been being
    it its this that these those there here i we you he she they me us him her them my our your
    their his so do does did done have has had not no yes just very really also too then than
    about into out up down over again like well oh um uh yeah okay ok right mean know kind sort
    thing things stuff lot bit pretty gonna wanna would could should can will may might must
    what which who whom whose when where why how all any some more most much many such own
    same other only even still yet now get got go going went say said think thought
    it's that's there's what's here's i'm we're they're you're he's she's i've we've they've
    i'd we'd i'll we'll don't didn't doesn't isn't wasn't aren't weren't can't won't
    another probably maybe honestly actually basically something someone anything everything
    one ones""".split()
)
FILLERS = frozenset("um uh uhm erm hmm mm mhm yeah yep okay ok like well so right oh".split())
FIRST_PERSON = re.compile(r"\b(?:i|we|our|ours|us|my|me|i'm|we're|i've|we've|i'd|we'd)\b", re.I)
PAST = re.compile(
    r"\b(?:used to|was|were|had|did|went|back then|last (?:year|month|quarter)|ago|before)\b", re.I
)
SOLVED = re.compile(
    r"\b(?:now (?:it|we|they|it's|we're)|no longer|not anymore|anymore|these days|since we (?:switched|moved|started)|used to)\b",
    re.I,
)
VAGUE = re.compile(
    r"^\W*(?:(?:and|so|but|yeah|well|um|uh)\W+)*"
    r"(?:(?:he|she|they|i|we)\s+(?:said|says|mentioned|noted|added|told us)\s+(?:that\s+)?)?"
    r"(?:that|this|it)(?:'s| is| was)\s+(?:the|a|kind of the|basically the)?\s*"
    r"(?:(?:main|big|biggest|real|whole|other|only)\s+){0,2}"
    r"(?:issue|problem|thing|point|deal|story|challenge|question|reason|concern|worry|headache)\b",
    re.I,
)
HEADING = re.compile(r"^\s*(?:#{1,6}\s|\*\*[^*]+\*\*\s*$|[A-Z][A-Za-z /&-]{2,40}:\s*$)")
LABEL_LINE = re.compile(r"^\s*(?:[-*]\s*)?\**[A-Z][A-Za-z ]{1,24}:\**\s+\S")
MARKUP = re.compile(r"</?[a-zA-Z][\w-]*(?:\s[^<>]*)?>|\bjavascript:|\{[^{}]*:[^{}]*\}")
MONEY = re.compile(r"[$€£]\s?\d|\b\d[\d,.]*\s?(?:k|m|dollars|bucks|grand|usd|eur)\b", re.I)
TIME_UNIT = re.compile(
    r"\b(?:hours?|minutes?|days?|weeks?|months?|quarters?|years?|hrs?|mins?)\b", re.I
)
NUMBER_WORD = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|sixty|hundred|thousand|half|dozen)\b",
    re.I,
)


def content_words(text: str) -> list[str]:
    words = (w.lower().replace("’", "'") for w in WORD.findall(text))
    return [w for w in words if w not in STOP and len(w) > 2]


def informative(text: str, lexicon: Lexicon | None = None) -> bool:
    """A sentence can become a claim only if it says something specific: a concrete object or
    action (three content words), a number with a unit, or a named tool — not 'This is the main
    issue.'"""
    if VAGUE.search(text) and len(content_words(text)) < 5:
        return False
    if len(MARKUP.findall(text)) >= 3:  # pasted markup or code is nothing a customer said
        return False
    words = content_words(text)
    if len(words) >= 3:
        return True
    lexicon = lexicon or load_lexicon()
    return bool(NUMBER_WORD.search(text) and TIME_UNIT.search(text)) or bool(lexicon.tools_in(text))


def context_text(source: str, context: str) -> str:
    """What the context embedding reads: the question or heading, prefixed by the source shape
    so that 'Why we lost' under a deal note and the same words spoken differ."""
    return f"{source}: {context.strip()}" if context.strip() else source


def cue_features(text: str, context: str, source: str, lexicon: Lexicon) -> list[float]:
    # imported here: its patterns take 0.05 s to compile, which `icp ask` (which reads this
    # module for content_words) never needs
    from agent.extract.quantities import impact

    words = WORD.findall(text)
    n = max(1, len(words))
    lower = [w.lower() for w in words]
    content = content_words(text)
    context_words = set(content_words(context))
    overlap = len(set(content) & context_words) / max(1, len(set(content)))
    ctx = context.lower()
    features = [
        float(lexicon.matches(lexicon.negation, text) > 0),
        float(lexicon.matches(lexicon.hypothetical, text) > 0),
        float(lexicon.matches(lexicon.reported, text) > 0),
        float(bool(FIRST_PERSON.search(text))),
        float(bool(PAST.search(text))),
        float(bool(SOLVED.search(text))),
        float(bool(NUMBER_WORD.search(text))),
        float(bool(MONEY.search(text))),
        float(bool(TIME_UNIT.search(text))),
        float(impact(text) is not None),
        min(3.0, float(len(lexicon.tools_in(text)))),
        float(any(lexicon.matches(p, text) for p in lexicon.role_phrases.values())),
        float(any(lexicon.matches(p, text) for p in lexicon.role_titles.values())),
        float(text.rstrip().endswith("?")),
        float(np.log1p(len(words)) / 4),
        sum(w in FILLERS for w in lower) / n,
        len(content) / n,
        float(bool(VAGUE.search(text))),
        float(bool(HEADING.match(text))),
        float(bool(LABEL_LINE.match(text))),
        float(context.rstrip().endswith("?")),
        float(not context.strip()),
        overlap,
        float(informative(text, lexicon)),
    ]
    features += [float(source == s) for s in SOURCES]
    features += [float(any(w in ctx for w in words_)) for words_ in OUTCOME_WORDS.values()]
    return features


N_CUES = 24 + len(SOURCES) + len(OUTCOME_WORDS)


@dataclass
class Sentence:
    """One sentence to classify, with what came before it."""

    text: str
    context: str = ""
    source: str = "interview"  # interview | notes | deal_note | survey


def design_matrix(sentences: list[Sentence], embed, lexicon: Lexicon | None = None) -> np.ndarray:
    """Rows of [sentence vector, context vector, their product, cue features]."""
    lexicon = lexicon or load_lexicon()
    texts = [s.text for s in sentences]
    contexts = [context_text(s.source, s.context) for s in sentences]
    unique = sorted(set(contexts))
    vectors = np.asarray(embed(texts + unique), dtype=np.float32)
    sentence_vectors = vectors[: len(texts)]
    context_index = {c: i for i, c in enumerate(unique)}
    context_vectors = vectors[len(texts) :][[context_index[c] for c in contexts]]
    cues = np.asarray(
        [cue_features(s.text, s.context, s.source, lexicon) for s in sentences], dtype=np.float32
    )
    return np.hstack([sentence_vectors, context_vectors, sentence_vectors * context_vectors, cues])


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(x, -30, 30)))


def _softmax(x: np.ndarray) -> np.ndarray:
    z = np.exp(x - x.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


@dataclass
class EvidenceClassifier:
    """One-hidden-layer networks: kinds (sigmoid), roles and job types (softmax heads). Trained
    as an ensemble of a few seeds whose weights are stacked on a leading axis; predictions are
    their mean (steadier probabilities, so a display threshold holds its precision at a lower
    cut). Unstacked weights are one network."""

    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w_kind: np.ndarray
    b_kind: np.ndarray
    w_role: np.ndarray
    b_role: np.ndarray
    w_job: np.ndarray
    b_job: np.ndarray
    thresholds: np.ndarray  # per kind: the display threshold (calibrated precision)
    version: str = ""

    def _members(self) -> list[tuple[np.ndarray, ...]]:
        weights: tuple[np.ndarray, ...] = (
            *(self.w1, self.b1, self.w_kind, self.b_kind),
            *(self.w_role, self.b_role, self.w_job, self.b_job),
        )
        if self.w1.ndim == 2:
            return [weights]
        return [tuple(w[i] for w in weights) for i in range(self.w1.shape[0])]

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(kind probabilities, role distribution, job-type distribution) per row: the mean
        over the ensemble's networks."""
        z = (x - self.mean) / self.scale
        outputs = []
        for w1, b1, w_kind, b_kind, w_role, b_role, w_job, b_job in self._members():
            h = _relu(z @ w1 + b1)
            outputs.append(
                (
                    _sigmoid(h @ w_kind + b_kind),
                    _softmax(h @ w_role + b_role),
                    _softmax(h @ w_job + b_job),
                )
            )
        kinds, roles, jobs = (np.mean([o[i] for o in outputs], axis=0) for i in range(3))
        return kinds, roles, jobs

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {
            k: v for k, v in self.__dict__.items() if isinstance(v, np.ndarray)
        }
        arrays["version"] = np.array(self.version)
        arrays["kinds"] = np.array([k.value for k in KINDS])
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> EvidenceClassifier:
        with np.load(path) as data:
            kinds = [str(k) for k in data["kinds"]]
            if kinds != [k.value for k in KINDS]:
                raise ValueError(f"{path}: trained for kinds {kinds}; retrain the classifier")
            arrays = {k: data[k] for k in data.files if k not in ("version", "kinds")}
            version = str(data["version"]).split("+")[0]  # the digest is added below
        # the weights' own digest in the version: a retrained model re-extracts every workspace
        # (its fingerprint changes) even when nobody bumps the version string
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        return cls(**arrays, version=f"{version}+{digest}")


_LOCK = threading.Lock()


@cache
def _load_cached(path: str) -> EvidenceClassifier:
    return EvidenceClassifier.load(Path(path))


def bundled_classifier() -> EvidenceClassifier:
    with _LOCK:
        return _load_cached(str(MODEL_PATH))
