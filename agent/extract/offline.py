"""The offline engine: each customer sentence classified *in its context*, no network.

Reads a `SourceDocument`; writes `Evidence`. The unit is one sentence of a customer turn (or a
bullet or paragraph of notes) together with its context: the interviewer's question before the
answer, the heading above the bullet, the outcome and section of a deal note, or the survey
question. Headings, label lines (`**Date:**`), questions, echoes and sentences that say nothing
specific are never evidence. A trained classifier (`agent/extract/classifier.py`) gives a
probability per kind; a kind under its calibrated display threshold is kept with its confidence
for audit (`below_display_threshold`) and never counted or shown. Negated, hypothetical and
reported statements are flagged and never count as claims. Quotes are sentence spans of the
source, so nothing is invented."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from agent.extract.classifier import (
    HEADING,
    JOB_TYPES,
    LABEL_LINE,
    ROLES,
    EvidenceClassifier,
    Sentence,
    bundled_classifier,
    content_words,
    design_matrix,
    informative,
)
from agent.extract.lexicon import Lexicon, load_lexicon
from agent.extract.quantities import impact
from agent.extract.questions import asks
from agent.resources import code_digest
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
VERSION = "offline-7"  # 7: a statement ending in a tag or reported question is no question; 6: a claim kind within AMBIGUOUS_MARGIN of another is not shown; 5: one claim kind shown per sentence, spoken decimals; 4: money in k

_FILLER = re.compile(
    r"^(?:(?:um+|uh+|uhm+|erm?|hmm+|so|and|but|yeah|yes|yep|well|like|okay|ok|oh|honestly|look|right|i mean|you know|sure|mm-?hmm|i think|basically|actually|no)\b[,.…—-]*\s+)+",
    re.IGNORECASE,
)
_INNER_FILLER = re.compile(
    r"\b(?:um+|uh+|you know|i mean|like|sort of|kind of),?\s+", re.IGNORECASE
)

KINDS = list(EvidenceKind)
CANDIDATE_FLOOR = 0.3  # a kind at or above this probability is kept (shown or for audit)
MAX_KINDS = 2
# A claim kind is shown only when it leads every other claim kind of the sentence by this much:
# on held-out domains the top kind was right for 53% of sentences within 0.3 of a second claim
# kind and 89% beyond (`python -m agent.extract.train` prints it).
AMBIGUOUS_MARGIN = 0.3
CONTEXT_CHARS = 300
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
# What a sentence says about the account (who is involved, its size, its tools) may stand beside
# what it is about; but it is about one thing: on held-out training domains the top claim kind
# shown was right 88% of the time and a second claim kind on the same sentence 32% (n=65)
# (`python -m agent.extract.train` prints both), so only the top one is shown.
ATTRIBUTES = {EvidenceKind.technographic, EvidenceKind.firmographic, EvidenceKind.buying_role}
QUANTIFIED = {
    EvidenceKind.pain,
    EvidenceKind.outcome,
    EvidenceKind.workaround,
    EvidenceKind.firmographic,
}


@dataclass
class Unit:
    """One sentence of a customer turn (or of a note), with the context it answers."""

    start: int
    end: int
    text: str
    speaker: str | None
    role: SpeakerRole
    context: str = ""
    source: str = "interview"  # interview | notes | deal_note | survey


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


def _source_shape(doc: SourceDocument) -> str:
    if doc.kind == SourceKind.win_loss:
        return "deal_note"
    if doc.kind == SourceKind.notes:
        return "notes"
    if doc.kind == SourceKind.survey:
        return "survey"
    return "interview" if doc.turns else "notes"


def _last_sentences(text: str, limit: int = CONTEXT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else "…" + text[-limit:].split(" ", 1)[-1]


def _heading_text(line: str) -> str:
    return line.strip().lstrip("#").strip().strip("*").strip().rstrip(":").strip()


def _is_structure(line: str) -> bool:
    """A heading or a label line: context, never evidence."""
    stripped = line.strip()
    return bool(HEADING.match(stripped)) or bool(
        LABEL_LINE.match(stripped) and len(stripped) < 90 and stripped.count(" ") < 12
    )


def _line_units(
    doc: SourceDocument, start: int, end: int, base_context: str
) -> list[tuple[int, int, str]]:
    """Notes without parsed structure: split into lines, headings become the context of what
    follows them, label lines are skipped."""
    spans: list[tuple[int, int, str]] = []
    context = base_context
    cursor = start
    for line in doc.text[start:end].splitlines(keepends=True):
        a, b = cursor, cursor + len(line.rstrip("\r\n"))
        cursor += len(line)
        if not doc.text[a:b].strip():
            continue
        if HEADING.match(doc.text[a:b].strip()):
            context = _heading_text(doc.text[a:b])
            continue
        if _is_structure(doc.text[a:b]):
            continue
        spans.append((a, b, context))
    return spans


# a whole sentence in parentheses or brackets: the writer's aside ("(He laughed at his own
# joke.)", "(Noting this because our pitch opened on the dispatch board.)"), nobody's words
ASIDE = re.compile(r"^\s*(?:\([^()]{12,}\)|\[[^\[\]]{12,}\])[.!]?\s*$")


def _is_aside(sentence: str) -> bool:
    return bool(ASIDE.match(sentence))


def units_of(doc: SourceDocument) -> list[Unit]:
    """Sentences spoken by customers (interviewer turns never count), or of notes/answers, each
    with its context."""
    if doc.kind == SourceKind.crm:
        return []
    shape = _source_shape(doc)
    outcome = doc.deal.outcome if doc.deal and doc.deal.outcome else ""
    base = doc.title or "" if shape == "survey" else ""
    regions: list[tuple[int, int, str | None, SpeakerRole, str]] = []
    question = ""
    for turn in doc.turns:
        if not turn.is_content:  # headings and label lines name things; never evidence
            continue
        if turn.role == SpeakerRole.interviewer:
            question = _last_sentences(doc.text[turn.start : turn.end])
            continue
        section = getattr(turn, "section", None) or ""
        context = question if shape == "interview" else section
        regions.append((turn.start, turn.end, turn.speaker, turn.role, context))
    if not doc.turns:
        regions = [(0, len(doc.text), None, SpeakerRole.unknown, base)]
    units: list[Unit] = []
    for start, end, speaker, role, context in regions:
        pieces = (
            _line_units(doc, start, end, context)
            if shape != "interview" or not doc.turns
            else [(start, end, context)]
        )
        for a0, b0, piece_context in pieces:
            if shape == "deal_note":
                piece_context = f"{outcome} — {piece_context}".strip(" —")
            for a, b in split_sentences(doc.text, a0, b0):
                a, b = quote_span(doc.text, a, b)
                sentence = doc.text[a:b]
                words = len(sentence.split())
                if words < 3 or words > 120 or _is_structure(sentence) or _is_aside(sentence):
                    continue
                units.append(Unit(a, b, sentence, speaker, role, piece_context, shape))
    return units


def _echo(unit: Unit) -> bool:
    """The customer asking something, or repeating the question back before answering."""
    text = unit.text.strip()
    if asks(text):
        return True
    mine = set(content_words(text))
    asked = set(content_words(unit.context))
    return bool(mine) and len(mine) <= 6 and len(mine & asked) / len(mine) >= 0.8


class OfflineExtractor:
    engine = ENGINE

    def __init__(
        self,
        embedder,
        lexicon: Lexicon | None = None,
        classifier: EvidenceClassifier | None = None,
    ) -> None:
        self.embedder = embedder
        self.lexicon = lexicon or load_lexicon()
        self._classifier = classifier

    @property
    def classifier(self) -> EvidenceClassifier:
        if self._classifier is None:
            self._classifier = bundled_classifier()
        return self._classifier

    @property
    def fingerprint(self) -> str:
        return (
            f"{VERSION}-{code_digest('extract')}:{self.classifier.version}:"
            f"{self.lexicon.fingerprint}:{self.embedder.name}"
        )

    def extract(self, doc: SourceDocument) -> list[Evidence]:
        if doc.language != "en":  # English only: other languages are never mixed into themes
            return []
        units = [u for u in units_of(doc) if not _echo(u) and informative(u.text, self.lexicon)]
        if not units:
            return []
        x = design_matrix(
            [Sentence(u.text, u.context, u.source) for u in units],
            self.embedder.embed,
            self.lexicon,
        )
        kinds, roles, jobs = self.classifier.predict(x)
        return self.decide(doc, units, kinds, roles, jobs)

    def decide(
        self,
        doc: SourceDocument,
        units: list[Unit],
        kinds: np.ndarray,
        roles: np.ndarray,
        jobs: np.ndarray,
    ) -> list[Evidence]:
        thresholds = self.classifier.thresholds
        reason_kind = {
            "won": EvidenceKind.win_reason,
            "expanded": EvidenceKind.win_reason,
            "lost": EvidenceKind.loss_reason,
            "churned": EvidenceKind.churn_reason,
        }.get(doc.deal.outcome if doc.deal and doc.deal.outcome else "")
        evidence: list[Evidence] = []
        for row, unit in enumerate(units):
            sentence = unit.text
            tools = [n for n, category in self.lexicon.tools_in(sentence) if category != "other"]
            probabilities = kinds[row].copy()
            if reason_kind is not None:  # in a deal note, reasons belong to the note's outcome
                own = KINDS.index(reason_kind)
                for kind in REASONS - {reason_kind}:
                    other = KINDS.index(kind)
                    probabilities[own] = max(probabilities[own], probabilities[other])
                    probabilities[other] = 0.0
            if not tools:  # a stack claim names a tool
                tech = KINDS.index(EvidenceKind.technographic)
                probabilities[tech] = min(probabilities[tech], thresholds[tech] - 0.01)
            order = [i for i in np.argsort(-probabilities) if probabilities[i] >= CANDIDATE_FLOOR]
            chosen = order[:MAX_KINDS]
            if not chosen:
                continue
            negated = (
                self.lexicon.matches(self.lexicon.negation, sentence) > 0
                or self.lexicon.matches(self.lexicon.resolved, sentence) > 0
            )
            hypothetical = self.lexicon.matches(self.lexicon.hypothetical, sentence) > 0
            reported = self.lexicon.matches(self.lexicon.reported, sentence) > 0
            quantity = impact(sentence)
            claim_shown = False
            for index in chosen:
                kind = KINDS[index]
                probability = float(probabilities[index])
                flaggable = kind in FLAGGABLE
                hidden = (
                    probability < float(thresholds[index])
                    or (claim_shown and kind not in ATTRIBUTES)
                    or (
                        kind not in ATTRIBUTES
                        and probability - _best_other(probabilities, index) < AMBIGUOUS_MARGIN
                    )
                )
                claim_shown = claim_shown or (not hidden and kind not in ATTRIBUTES)
                summary = (
                    "Uses " + ", ".join(tools)
                    if kind == EvidenceKind.technographic and tools
                    else summarise(sentence)
                )
                evidence.append(
                    Evidence(
                        kind=kind,
                        job_type=self._job_type(sentence, jobs[row])
                        if kind == EvidenceKind.job
                        else None,
                        role=self._buying_role(sentence, roles[row])
                        if kind == EvidenceKind.buying_role
                        else None,
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
                        negated=negated and flaggable,
                        hypothetical=hypothetical and flaggable,
                        reported=reported and flaggable,
                        confidence=round(min(1.0, max(0.0, probability)), 3),
                        below_display_threshold=hidden,
                        engine=ENGINE,
                    )
                )
        return evidence

    def _job_type(self, sentence: str, distribution: np.ndarray) -> JobType:
        for job_type in (JobType.emotional, JobType.social):
            if self.lexicon.matches(self.lexicon.job_types.get(job_type, []), sentence):
                return job_type
        return JOB_TYPES[int(np.argmax(distribution))]

    def _buying_role(self, sentence: str, distribution: np.ndarray) -> BuyingRole:
        """Role phrases decide; without one, the classifier's role head does."""
        hits = {
            role: self.lexicon.matches(patterns, sentence)
            for role, patterns in self.lexicon.role_phrases.items()
        }
        hits = {role: n for role, n in hits.items() if n}
        if hits:
            return max(hits, key=lambda r: (hits[r], distribution[ROLES.index(r)]))
        return ROLES[int(np.argmax(distribution))]


def _best_other(probabilities: np.ndarray, index: int) -> float:
    """The highest probability of another claim kind of the sentence (attributes do not compete)."""
    others = [
        float(p)
        for i, (kind, p) in enumerate(zip(KINDS, probabilities, strict=True))
        if i != index and kind not in ATTRIBUTES
    ]
    return max(others, default=0.0)
