"""Person names the research itself reveals, for name redaction (`ICP_REDACT_NAMES=1`).

No NER model ships offline from PyPI from its authors (spaCy's English models are published on
their release page, only third-party re-uploads are on PyPI), so names come from where the
research labels people: speaker labels (both sides), front matter people fields
(participants, interviewer, attendees…) and CRM contact columns. Each full name and each of its
parts ("Dana Whitfield", "Dana", "Whitfield") is redacted wherever it appears, in any document."""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.ingest.speakers import CUSTOMER_LABELS, INTERVIEWER_LABELS
from agent.schema import SourceDocument, SourceKind

# front matter keys whose values are people
PEOPLE_KEYS = {
    "participants",
    "participant",
    "interviewee",
    "interviewees",
    "interviewer",
    "interviewers",
    "attendees",
    "contact",
    "contacts",
    "champion",
    "author",
    "owner",
    "moderator",
    "customer",
}
# CRM / table headers whose values are people
PEOPLE_COLUMN = re.compile(
    r"\b(contact|champion|owner|person|full ?name|first ?name|last ?name|signer|"
    r"decision ?maker|buyer|respondent name|interviewee|rep)\b",
    re.IGNORECASE,
)
_GENERIC = INTERVIEWER_LABELS | CUSTOMER_LABELS | {"speaker", "unknown", "team", "vendor"}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "mx"}
_NAME_PART = re.compile(r"^[A-ZÀ-Ý][A-Za-zÀ-ÿ'’-]+\.?$")
_NOT_NAMES = {"the", "and", "our", "team", "ops", "sales", "finance", "vp", "ceo", "cfo", "cto"}


def name_parts(name: str) -> list[str]:
    """A person name and the parts a speaker may use alone; [] if it does not look like one."""
    name = re.sub(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>", " ", name)
    name = " ".join(name.strip(" \t\"'`*_-").split())
    if not name or name.lower() in _GENERIC or re.fullmatch(r"(?i)speaker\s*\d+", name):
        return []
    words = [w for w in name.split() if w.lower().rstrip(".") not in _HONORIFICS]
    if not 1 <= len(words) <= 4 or not all(_NAME_PART.match(w) for w in words):
        return []
    words = [w.rstrip(".") for w in words]
    if any(w.lower() in _NOT_NAMES for w in words):
        return []
    parts = [w for w in words if len(w) >= 2]
    return [" ".join(words), *parts] if len(words) > 1 else parts


def _split_people(value: object) -> list[str]:
    text = str(value or "")
    text = re.sub(r"\([^)]*\)", " ", text)  # "Dana Whitfield (VP Ops)"
    pieces = re.split(r"[,;/&\n\[\]'\"]|\band\b", text)
    return [p.strip() for p in pieces if p.strip()]


def people_in(documents: Iterable[SourceDocument]) -> set[str]:
    """Names (and their parts) that speaker labels, front matter and CRM contacts reveal."""
    names: set[str] = set()
    for doc in documents:
        for speaker in doc.speakers:
            names.update(name_parts(speaker.name))
        for turn in doc.turns:
            if turn.speaker:
                names.update(name_parts(turn.speaker))
        for key, value in doc.metadata.items():
            if str(key).lower() in PEOPLE_KEYS:
                for person in _split_people(value):
                    names.update(name_parts(person))
        if doc.kind == SourceKind.crm:
            for line in doc.text.splitlines():
                header, _, value = line.partition(":")
                if value and PEOPLE_COLUMN.search(header) and "@" not in value:
                    for person in _split_people(value):
                        names.update(name_parts(person))
    return names


def person_names(speakers: Iterable[object]) -> list[str]:
    """Speaker names and their parts (both sides of the conversation)."""
    names: list[str] = []
    for speaker in speakers:
        names.extend(name_parts(str(getattr(speaker, "name", "") or "")))
    return names
