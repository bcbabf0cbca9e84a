"""The interviewer's question an answer follows. Research interviews follow a guide: thirty of
36 real interviews ask "in your opinion, what is the most pressing quality issue researchers
should try to solve?", and what follows is the answer to a user who asks the same, whatever its
words. Two uses:

- retrieval (agent.qa.retrieval): when an interviewer's question is among the passages that
  best match the user's question, the customer turns that answer it are read too;
- scoring (agent.qa.candidates): a sentence that answers an interviewer question like the
  user's scores higher (`asked_bonus`); when an interview asked the user's very question, an
  answer to an unlike one scores lower, however many of its words it shares.

Reads `SourceDocument.turns` (roles from ingest); writes spans, never text of its own."""

from __future__ import annotations

from agent.schema import SourceDocument, SpeakerRole
from agent.textspans import split_sentences

ANSWER_TURNS = 4  # customer turns read after a matching question
ASKED_FROM = 0.45  # cosine to the user's question where the bonus starts…
ASKED_SLOPE = 0.6  # …growing by this much per unit of cosine…
ASKED_BONUS = 0.24  # …up to this (0.06 at 0.55, 0.12 at 0.65, whole from 0.85: the same question)
# when some interview asked the user's question (cosine ≥ ASKED_STRONG), an answer to an unlike
# question (below ASKED_FROM) that merely shares its words scores OTHER_PENALTY less
ASKED_STRONG = 0.65
OTHER_PENALTY = 0.08


def _is_question_turn(doc: SourceDocument, index: int) -> bool:
    turn = doc.turns[index]
    return turn.role == SpeakerRole.interviewer and "?" in doc.text[turn.start : turn.end]


def question_before(doc: SourceDocument, position: int) -> tuple[int, int] | None:
    """The span of the question the customer is answering at `position`: the last sentence
    with a question mark of the last interviewer turn before it that asks one ("I see." in
    between changes nothing). None outside interviews or before the first question."""
    last = None
    for index, turn in enumerate(doc.turns):
        if turn.start > position:
            break
        if turn.role == SpeakerRole.interviewer and turn.end <= position:
            last = index if _is_question_turn(doc, index) else last
    if last is None:
        return None
    turn = doc.turns[last]
    asks = [
        (a, b) for a, b in split_sentences(doc.text, turn.start, turn.end) if "?" in doc.text[a:b]
    ]
    return asks[-1] if asks else None


def answer_positions(doc: SourceDocument, position: int) -> list[int]:
    """Start offsets of the customer turns that answer the interviewer turn at `position`, up to
    the next interviewer question (at most ANSWER_TURNS)."""
    index = next(
        (i for i, t in enumerate(doc.turns) if t.start <= position < max(t.end, t.start + 1)),
        None,
    )
    if index is None or doc.turns[index].role != SpeakerRole.interviewer:
        return []
    found: list[int] = []
    for turn in doc.turns[index + 1 :]:
        if turn.role == SpeakerRole.interviewer:
            if "?" in doc.text[turn.start : turn.end]:
                break
            continue  # "Mm-hmm." between two parts of one answer
        if turn.is_content:
            found.append(turn.start)
        if len(found) >= ANSWER_TURNS:
            break
    return found


def asked_bonus(similarity: float, best: float = 0.0) -> float:
    """The bonus of a sentence whose question is `similarity` alike to the user's, when the
    question most like it among the candidates' is `best` alike (a penalty: below zero)."""
    if best >= ASKED_STRONG and similarity < ASKED_FROM:
        return -OTHER_PENALTY
    return min(ASKED_BONUS, max(0.0, ASKED_SLOPE * (similarity - ASKED_FROM)))
