"""Research-repository highlight exports (Dovetail, Condens, EnjoyHQ, a spreadsheet of quotes):
one row per quote, with the note or interview it came from and its tags. They are no survey:
the rows are a few participants' words, not one respondent each. Read as notes, one document
per note (or participant), each highlight a bullet whose context is its tags ("pain:audit-prep")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.ingest.tables import Table
from agent.schema import SpeakerRole, Turn, TurnForm

_TEXT = re.compile(
    r"^(?:highlights?|quotes?|excerpts?|snippets?|clips?|verbatims?)(?:[ _](?:text|content))?$",
    re.IGNORECASE,
)
_NOTE = re.compile(
    r"^(?:note(?:[ _]title)?|interview|session|transcript|document|call|source(?:[ _]note)?)$",
    re.IGNORECASE,
)
_PARTICIPANT = re.compile(
    r"^(?:participant|interviewee|speaker|person|customer)(?:[ _]name)?$", re.I
)
_TAGS = re.compile(r"^(?:tags?|labels?|codes?|themes?)$", re.IGNORECASE)


@dataclass
class HighlightColumns:
    text: str
    note: str | None
    participant: str | None
    tags: str | None


def highlight_columns(table: Table) -> HighlightColumns | None:
    """The columns of a highlights export, or None: a quote column beside the note or the
    participant it came from."""

    def find(pattern: re.Pattern[str]) -> str | None:
        return next((h for h in table.header if pattern.match(h.strip())), None)

    text = find(_TEXT)
    note, participant = find(_NOTE), find(_PARTICIPANT)
    if text is None or (note is None and participant is None):
        return None
    return HighlightColumns(text, note, participant, find(_TAGS))


@dataclass
class HighlightNote:
    """One note's highlights as a notes document: its title, text and one bullet turn each."""

    title: str
    text: str
    turns: list[Turn]
    participants: list[str]


def highlight_notes(table: Table, columns: HighlightColumns) -> list[HighlightNote]:
    groups: dict[str, list[dict[str, str]]] = {}
    for row in table.rows:
        quote = " ".join(row.get(columns.text, "").split())
        if not quote:
            continue
        key = (
            (row.get(columns.note or "", "") or "").strip()
            or (row.get(columns.participant or "", "") or "").strip()
            or "highlights"
        )
        groups.setdefault(key, []).append(row)
    notes = []
    for title, rows in groups.items():
        text, turns, seen = "", [], set()
        people: list[str] = []
        for row in rows:
            quote = " ".join(row[columns.text].split())
            if quote.lower() in seen:  # the same quote highlighted twice is said once
                continue
            seen.add(quote.lower())
            person = (row.get(columns.participant or "", "") or "").strip()
            if person and person not in people:
                people.append(person)
            tags = (row.get(columns.tags or "", "") or "").strip()
            start = len(text) + 2
            text += f"- {quote}\n"
            turns.append(
                Turn(
                    speaker=person or None,
                    role=SpeakerRole.customer,
                    start=start,
                    end=start + len(quote),
                    form=TurnForm.bullet,
                    section=tags or None,
                )
            )
        notes.append(HighlightNote(title, text, turns, people))
    return notes
