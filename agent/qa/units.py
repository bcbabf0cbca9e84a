"""Who is counted: accounts when the research is about companies, participants when it is about
people (a usability study, interviewees without a company, survey respondents).

A question that names its unit ("how many interviewees…", "how many accounts…") is counted in
that unit; otherwise the research decides: accounts when most of the documents in scope belong
to one, participants when they do not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

ACCOUNTS = "accounts"
PARTICIPANTS = "participants"

# people as such (any number); a role counts people only in the plural: "analysts say", not
# "how much analyst time"
PARTICIPANT_NOUNS = (
    r"interviewees?|participants?|people|persons?|respondents?|users|practitioners|researchers|"
    r"analysts|engineers|scientists|individuals"
)
ACCOUNT_NOUNS = (
    r"accounts?|customers?|companies|company|clients?|teams?|organi[sz]ations?|orgs?|firms?|"
    r"businesses|logos?|deals?|buyers?|contractors?|groups?|shops?|vendors?|agencies|startups?|"
    r"systems"
)
# never a part of a compound: "two-person labs" are labs
PARTICIPANT_WORDS = re.compile(rf"(?<![\w-])({PARTICIPANT_NOUNS})(?![\w-])", re.IGNORECASE)
# people of a study: "caregivers in the app study", "nurses from the usability study"
STUDY_PEOPLE = re.compile(
    r"\b(?:in|from|of)\s+(?:the|our|this)\s+(?:[\w-]+\s+){0,2}study\b", re.IGNORECASE
)
ACCOUNT_WORDS = re.compile(rf"\b({ACCOUNT_NOUNS})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    """A counted unit: its key (an account name, or the participant's file and speaker)."""

    kind: str
    key: str
    name: str


def participant_name(source: str, speaker: str | None) -> str:
    stem = PurePath(source).stem
    return f"{speaker} ({stem})" if speaker else stem


def unit_of(
    kind: str, account: str | None, source: str, doc_id: str, speaker: str | None = None
) -> Unit:
    """The unit a piece of evidence belongs to. Participants are one per source file (one per
    response for surveys, whose documents are the rows)."""
    if kind == ACCOUNTS and account:
        return Unit(ACCOUNTS, account.lower(), account)
    if kind == ACCOUNTS:  # no company named: a person, never an account made up from a file
        return Unit(PARTICIPANTS, f"?{source}", participant_name(source, speaker))
    if "#" in doc_id or source.lower().endswith((".csv", ".xlsx")):
        return Unit(PARTICIPANTS, doc_id, participant_name(source, speaker or doc_id[-6:]))
    if account:  # a person of a named account: named by it, not by the file
        return Unit(PARTICIPANTS, source, f"{speaker} ({account})" if speaker else account)
    return Unit(PARTICIPANTS, source, participant_name(source, None))


def unit_named(question: str) -> str | None:
    """The unit a question asks for, if it names one ('how many interviewees…')."""
    head = re.split(
        r"\b(?:mention|say|said|complain|describe|talk|report|raise|use|have)\w*\b",
        question,
        maxsplit=1,
    )[0]
    if PARTICIPANT_WORDS.search(head) or STUDY_PEOPLE.search(head):
        return PARTICIPANTS
    if ACCOUNT_WORDS.search(head):
        return ACCOUNTS
    return None


def unit_for(question: str, with_account: int, without_account: int) -> str:
    """The question's unit, else accounts when at least half the documents in scope have one."""
    named = unit_named(question)
    if named == ACCOUNTS and not with_account and without_account:
        return PARTICIPANTS  # "how many accounts…" over research that names no company
    if named:
        return named
    return ACCOUNTS if with_account >= without_account else PARTICIPANTS


def plural(count: int, kind: str) -> str:
    word = {ACCOUNTS: "account", PARTICIPANTS: "participant"}.get(kind, kind)
    return word if count == 1 else word + "s"
