"""Speaker turns in transcript text, in the shapes real exports take, and who the interviewer is.

Shapes: `Name: text`, `Name (Role): text`, `[00:01:02] Name: text`, Otter (`Name  0:42`
then the text on the next lines), `Interviewer:`/`Interviewee:` and `Q:`/`A:` labels.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from agent.schema import Speaker, SpeakerRole, Turn

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_NAME_WORD = r"[A-Z][\w.'’\-]*|de|da|van|von|del|la|le|di|du|[0-9]{1,2}"
_NAME = rf"(?:{_NAME_WORD})(?:[ \t]+(?:{_NAME_WORD})){{0,4}}"
_GENERIC = (
    r"interviewer|interviewee|moderator|participant|respondent|researcher|customer|host|guest|"
    r"client|speaker[ \t]*\d{1,2}|q|a|question|answer|int|resp"
)
LABEL_LINE = re.compile(
    rf"^[ \t]*(?:\[?(?P<ts>{_TS})\]?[ \t]*(?:[-–—][ \t]*)?)?"
    rf"(?:\*\*|__)?(?P<name>(?i:{_GENERIC})|{_NAME})"
    r"(?:[ \t]*\((?P<title>[^()\n]{1,100})\))?"
    r"(?:\*\*|__)?[ \t]*:(?:\*\*|__)?(?:[ \t]+|$)(?P<text>.*)$",
    re.MULTILINE,
)
OTTER_HEADER = re.compile(
    rf"^(?P<name>{_NAME}|(?i:{_GENERIC}))[ \t]+(?P<ts>{_TS})[ \t]*$", re.MULTILINE
)

# Labels that start metadata lines in notes, never speakers.
NOT_SPEAKERS = {
    "date",
    "account",
    "accounts",
    "attendees",
    "participants",
    "note",
    "notes",
    "summary",
    "action items",
    "next steps",
    "subject",
    "title",
    "location",
    "duration",
    "outcome",
    "competitor",
    "agenda",
    "background",
    "context",
    "pros",
    "cons",
    "quote",
    "takeaway",
    "takeaways",
    "key takeaways",
    "why",
    "update",
    "re",
    "fwd",
    "from",
    "to",
    "cc",
    "time",
    "recording",
    "source",
    "company",
    "role",
    "industry",
    "segment",
    "tags",
    "status",
    "owner",
    "acv",
    "stage",
    "result",
    "decision",
    "reason",
    "reasons",
    "example",
    "tl;dr",
    "interview",
    "call",
    "meeting",
    "transcript",
    "topic",
    "observations",
    "highlights",
    "follow up",
    "follow-up",
    "verdict",
    "contact",
    "website",
    "phone",
    "email",
    "ps",
    "p.s",
    "warning",
    "important",
    "tip",
    "step",
    "goal",
    "goals",
    "problem",
    "solution",
    "win reason",
    "loss reason",
    "churn reason",
    "primary reason",
    "open questions",
}
INTERVIEWER_LABELS = {"interviewer", "moderator", "researcher", "host", "q", "question", "int"}
CUSTOMER_LABELS = {
    "interviewee",
    "participant",
    "respondent",
    "customer",
    "guest",
    "client",
    "a",
    "answer",
    "resp",
}
INTERVIEWER_TITLE = re.compile(
    r"\b(interviewer|moderator|ux research|user research|researcher|customer research|research lead|facilitator|host)\b",
    re.IGNORECASE,
)


def _clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().strip("*_")).strip()


def _label_key(name: str) -> str:
    return _clean_name(name).lower()


def find_label_turns(text: str, start: int = 0) -> list[tuple[Turn, str | None]]:
    """Turns from `Name: text` style labels (with optional timestamps and titles)."""
    matches = [
        m
        for m in LABEL_LINE.finditer(text, start)
        if _label_key(m.group("name")) not in NOT_SPEAKERS
    ]
    if not matches:
        return []
    names = Counter(_label_key(m.group("name")) for m in matches)
    # A real transcript repeats its speakers; one-off "Label:" lines are prose, not turns.
    speakers = {n for n, c in names.items() if c >= 2}
    matches = [m for m in matches if _label_key(m.group("name")) in speakers]
    if len(matches) < 3 or (
        len(speakers) < 2 and not speakers & (INTERVIEWER_LABELS | CUSTOMER_LABELS)
    ):
        return []
    turns: list[tuple[Turn, str | None]] = []
    for index, match in enumerate(matches):
        body_start = match.start("text")
        body_end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body_start, body_end = _trim(text, body_start, body_end)
        if body_end <= body_start:
            continue
        turns.append(
            (
                Turn(
                    speaker=_clean_name(match.group("name")),
                    start=body_start,
                    end=body_end,
                    timestamp=match.group("ts"),
                ),
                (match.group("title") or "").strip() or None,
            )
        )
    return turns


def find_otter_turns(text: str, start: int = 0) -> list[tuple[Turn, str | None]]:
    """Otter exports: `Name  0:42` on its own line, the words on the following lines."""
    headers = [
        m
        for m in OTTER_HEADER.finditer(text, start)
        if _label_key(m.group("name")) not in NOT_SPEAKERS
    ]
    if len(headers) < 3:
        return []
    turns: list[tuple[Turn, str | None]] = []
    for index, header in enumerate(headers):
        body_start = header.end()
        body_end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        body_start, body_end = _trim(text, body_start, body_end)
        if body_end > body_start:
            turns.append(
                (
                    Turn(
                        speaker=_clean_name(header.group("name")),
                        start=body_start,
                        end=body_end,
                        timestamp=header.group("ts"),
                    ),
                    None,
                )
            )
    return turns


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraph_turns(text: str, start: int = 0) -> list[Turn]:
    """Speakerless notes: one pseudo-turn per paragraph, role unknown."""
    turns = []
    for match in re.finditer(r"[^\n](?:.|\n(?!\s*\n))*", text[start:]):
        a, b = _trim(text, start + match.start(), start + match.end())
        if b > a:
            turns.append(Turn(speaker=None, role=SpeakerRole.unknown, start=a, end=b))
    return turns


def unify_speaker_names(turns: list[tuple[Turn, str | None]]) -> None:
    """'Dana' and 'Dana Whitfield' in one transcript are one person."""
    full = {t.speaker for t, _ in turns if t.speaker and " " in t.speaker}
    for turn, _ in turns:
        if turn.speaker and " " not in turn.speaker:
            candidates = [f for f in full if f.split(" ")[0].lower() == turn.speaker.lower()]
            if len(candidates) == 1:
                turn.speaker = candidates[0]


def assign_roles(
    text: str,
    turns: list[Turn],
    titles: dict[str, str | None],
    interviewers: Iterable[str] = (),
    customers: Iterable[str] = (),
    vendor_names: Iterable[str] = (),
) -> list[Speaker]:
    """Decide interviewer vs customer per speaker: explicit labels and front matter first,
    then titles, then conversational behaviour (who asks the questions)."""
    named_interviewers = {n.lower() for n in interviewers}
    named_customers = {n.lower() for n in customers}
    vendors = [v.lower() for v in vendor_names if v]
    by_speaker: dict[str, list[Turn]] = defaultdict(list)
    order: list[str] = []
    for turn in turns:
        if turn.speaker is None:
            continue
        if turn.speaker not in by_speaker:
            order.append(turn.speaker)
        by_speaker[turn.speaker].append(turn)

    roles: dict[str, SpeakerRole] = {}
    for name in order:
        key = name.lower()
        title = (titles.get(name) or "").lower()
        first_word = key.split(" ")[0]
        if (
            key in named_interviewers
            or first_word in named_interviewers
            or key in INTERVIEWER_LABELS
        ):
            roles[name] = SpeakerRole.interviewer
        elif key in named_customers or first_word in named_customers or key in CUSTOMER_LABELS:
            roles[name] = SpeakerRole.customer
        elif title and (INTERVIEWER_TITLE.search(title) or any(v in title for v in vendors)):
            roles[name] = SpeakerRole.interviewer

    def stats(name: str) -> tuple[float, float]:
        spoken = by_speaker[name]
        questions = sum(1 for t in spoken if "?" in text[t.start : t.end][-160:])
        words = sum(len(text[t.start : t.end].split()) for t in spoken)
        return questions / len(spoken), words / len(spoken)

    unknown = [n for n in order if n not in roles]
    if unknown and SpeakerRole.interviewer not in roles.values() and len(order) > 1:

        def score(name: str) -> float:
            ratio, avg_words = stats(name)
            return ratio - min(avg_words, 120) / 400 + (0.1 if name == order[0] else 0.0)

        best = max(unknown, key=score)
        if stats(best)[0] >= 0.25:
            roles[best] = SpeakerRole.interviewer
    for name in order:
        if name in roles:
            continue
        ratio, avg_words = stats(name)
        has_customer = SpeakerRole.customer in roles.values()
        second_interviewer = (
            ratio >= 0.6 and avg_words < 25 and has_customer and len(by_speaker[name]) >= 3
        )
        roles[name] = SpeakerRole.interviewer if second_interviewer else SpeakerRole.customer

    for turn in turns:
        if turn.speaker is not None:
            turn.role = roles[turn.speaker]
    return [Speaker(name=n, title=titles.get(n), role=roles[n]) for n in order]
