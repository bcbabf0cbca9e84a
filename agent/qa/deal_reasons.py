"""'Why did we win Calloway?', 'Why did Tally & Sprout churn?': a deal note of the account
asked about, with the outcome asked about, is the record of why. Its sentences answer the
question whatever their words ("Second reason was timing. We committed to a go-live for the
June close…" shares no word with "why did we win"), so they join the candidates in the note's
order, scored just above the lowest score an answer keeps. Headings, label lines, the note's
byline, company descriptions, and negated, hypothetical or reported sentences stay out."""

from __future__ import annotations

import re
from typing import Any

from agent.extract.lexicon import is_distractor
from agent.qa.candidates import (
    MIN_CONTENT_WORDS,
    Candidate,
    describes_itself,
    documents,
    embed_spans,
    is_metadata,
)
from agent.qa.index import document_index
from agent.qa.terms import content_stems
from agent.qa.units import unit_of
from agent.schema import SourceKind, SpeakerRole
from agent.store import Workspace
from agent.textspans import split_sentences

OUTCOMES = {  # the reason kind a question asks for -> the deal outcomes that record it
    "win_reason": {"won", "expanded"},
    "loss_reason": {"lost"},
    "churn_reason": {"churned"},
}
MAX_SENTENCES = 12  # of one note: a write-up, not a transcript
STEP = 0.001  # the note's order, kept among equals
# who wrote the note or what the company is: context, not a reason ("Notes from Jordan Pike
# (AE)", "Tally & Sprout is a 35-person kitchenware brand")
CONTEXT = re.compile(
    r"^\W*(?:(?:notes?|written|prepared|summary) (?:from|by)\b|[A-Z][\w&.' -]{1,40} is an? "
    r"(?:\d[\w-]*|[\w-]+-person|small|mid-size|large)\b)",
    re.IGNORECASE,
)


# what a reason sounds like in a rep's write-up ("Lost on price", "not worth it", "too many
# steps", "$150 a month"): these come before the rest of the note
REASON = re.compile(
    r"\b(?:lost on|lost to|because|due to|reasons?|pric(?:e|es|ed|ing)|costs?|expensive|"
    r"cheap\w*|not worth|worth it|too (?:many|much|complex|expensive|slow|hard|big)|point of|"
    r"went with|chose|instead of|switch\w*|budget|(?:a|per) (?:month|year|seat|user)|"
    r"never (?:finished|used|adopted|set up|got|needed)|"
    r"did(?:n't| not)|does(?:n't| not)|do(?:n't| not)|could(?:n't| not)|would(?:n't| not)|won't)\b"
    r"|\$\s?\d",
    re.IGNORECASE,
)
# how the deal came in and was processed ("Inbound from the August webinar", "cancellation
# processed Oct 15"): the record's administration, never a reason
ADMINISTRATION = re.compile(
    r"\b(?:inbound|outbound|webinar|referred by|referral from|came in (?:through|via|from)|"
    r"lead source|processed|exit call notes?|ticket (?:number|#)|"
    r"(?:requested|booked|asked for|scheduled) (?:a|the) (?:demo|trial|call)|signed up for)\b",
    re.IGNORECASE,
)
ADMINISTRATION_DROP = 0.1  # below the lowest score an answer keeps
ANNOUNCEMENT_WORDS = 6  # "Second reason was timing.": what it is comes next


def deal_note_candidates(
    workspace: Workspace,
    embedder: Any,
    kinds: set[str],
    doc_ids: set[str] | None,
    have: list[Candidate],
    unit_kind: str,
    floor: float,
) -> list[Candidate]:
    """The content sentences of the asked-about accounts' deal notes whose outcome the question
    asks about, not already among `have`, each scored `floor` (less a little per position);
    those among `have` are lifted to that score."""
    outcomes = set().union(*(OUTCOMES[k] for k in kinds if k in OUTCOMES))
    if not outcomes or not doc_ids:
        return []
    notes = {  # the index knows each document's kind and outcome: only these notes are read
        row.doc_id
        for row in document_index(workspace).rows
        if row.doc_id in doc_ids and row.kind == SourceKind.win_loss and row.outcome in outcomes
    }
    spans: list[tuple[Any, int, int, str, float]] = []
    for doc in documents(workspace, notes).values():
        if doc is None:
            continue
        sentences = [
            span
            for turn in doc.turns
            if turn.is_content
            for span in split_sentences(doc.text, turn.start, turn.end)
        ]
        kept: list[tuple[int, int]] = []
        for a, b in sentences:
            sentence = doc.text[a:b]
            if len(kept) >= MAX_SENTENCES:
                break
            if is_metadata(sentence) or describes_itself(sentence) or CONTEXT.match(sentence):
                continue
            if len(content_stems(sentence)) < MIN_CONTENT_WORDS or is_distractor(sentence):
                continue
            if ADMINISTRATION.search(sentence):
                for candidate in have:  # found by a word of the question ("cancel"): no reason
                    if candidate.overlaps(doc.doc_id, a, b):
                        candidate.score = min(candidate.score, floor - ADMINISTRATION_DROP)
                continue
            kept.append((a, b))
        # the sentences that give a reason first, then the rest, each in the note's order; a
        # sentence that says what a short one announced ("Second reason was timing. We
        # committed to a go-live…") gives the reason too
        reasons: set[int] = set()
        for index, (a, b) in enumerate(kept):
            announced = (
                index - 1 in reasons
                and len(doc.text[kept[index - 1][0] : kept[index - 1][1]].split())
                <= ANNOUNCEMENT_WORDS
            )
            if announced or REASON.search(doc.text[a:b]):
                reasons.add(index)
        order = sorted(range(len(kept)), key=lambda i: i not in reasons)
        for taken, index in enumerate(order):
            a, b = kept[index]
            sentence = doc.text[a:b]
            floor_here = floor - STEP * taken
            said = [c for c in have if c.overlaps(doc.doc_id, a, b)]
            for candidate in said:  # found already, ranked by its words: it answers all the same
                candidate.score = max(candidate.score, floor_here)
            if not said:
                spans.append((doc, a, b, sentence, floor_here))
    if not spans:
        return []
    vectors = embed_spans(embedder, [(doc.doc_id, a, b, text) for doc, a, b, text, _ in spans])
    found = []
    for (doc, a, b, sentence, score), vector in zip(spans, vectors, strict=True):
        candidate = Candidate(
            doc_id=doc.doc_id,
            source=doc.source,
            start=a,
            end=b,
            text=sentence,
            account=doc.account,
            speaker=None,
            role=SpeakerRole.customer.value,
            source_kind=doc.kind.value,
            vector=vector,
            similarity=floor,
        )
        candidate.unit = unit_of(unit_kind, doc.account, doc.source, doc.doc_id)
        candidate.score = score
        found.append(candidate)
    return found
