"""Speaker turns in transcript text, in the shapes real exports take, and who the interviewer is.

Shapes: `Name: text`, `Name (Role): text`, `[00:01:02] Name: text`, Otter (`Name  0:42`
then the text on the next lines), a name alone on its line then the text (Google Meet and Zoom
copy-pastes), `Interviewer:`/`Interviewee:` and `Q:`/`A:` labels.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from agent.schema import Speaker, SpeakerRole, Turn
from agent.textspans import UPPER

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_NAME_WORD = rf"[{UPPER}][\w.'’\-]*|de|da|van|von|del|la|le|di|du|[0-9]{{1,2}}"
_NAME = rf"(?:{_NAME_WORD})(?:[ \t]+(?:{_NAME_WORD})){{0,4}}"
_GENERIC = (
    r"(?:interviewer|interviewee|moderator|participant|respondent|researcher|customer|host|guest|"
    r"client|speaker|q|a|question|answer|int|resp)(?:[ \t_]*\d{1,2})*"
)
_BOLD_OPEN = r"(?:\*\*|__|<(?:b|strong)>)"  # Markdown or HTML bold around a label
_BOLD_CLOSE = r"(?:\*\*|__|</(?:b|strong)>)"
LABEL_LINE = re.compile(
    rf"^[ \t]*(?:[\[(]?(?P<ts>{_TS})[\])]?[ \t]*(?:[-–—][ \t]*)?)?"
    rf"{_BOLD_OPEN}?(?P<name>(?i:{_GENERIC})|{_NAME})"
    r"(?:[ \t]*\((?P<title>[^()\n]{1,100})\))?"
    rf"{_BOLD_CLOSE}?[ \t]*:{_BOLD_CLOSE}?(?:[ \t]+|$)(?P<text>.*)$",
    re.MULTILINE,
)
# "Q. How did…" / "A. We…", "Q - How did…": question and answer labels closed by a full stop
# or a dash, read only when both occur at least twice (a list "A. First point" is no interview)
DOTTED_LABEL = re.compile(
    rf"^[ \t]*(?:[\[(]?(?P<ts>{_TS})[\])]?[ \t]*)?(?P<name>(?i:q|a|question|answer))"
    r"(?:\.|[ \t]+[-–—])(?P<title>(?!))?[ \t]+(?P<text>\S.*)$",
    re.MULTILINE,
)
# a diarized export's "[SPEAKER_1]" (or "[Dana]") on its own line, the words below it
BRACKET_HEADER = re.compile(
    rf"^[ \t]*\[(?P<name>{_NAME}|(?i:{_GENERIC})|(?i:speaker)[ _]?\d{{1,2}})\][ \t]*"
    r"(?P<ts>(?!))?$",
    re.MULTILINE,
)
OTTER_HEADER = re.compile(
    rf"^(?:\*\*|__)?(?P<name>{_NAME}|(?i:{_GENERIC}))(?:\*\*|__)?[ \t]+(?:\|[ \t]*)?"
    rf"\[?(?P<ts>{_TS})\]?[ \t]*$",
    re.MULTILINE,
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
INTERVIEWER_LABELS = {
    "interviewer",
    "moderator",
    "researcher",
    "facilitator",
    "host",
    "q",
    "question",
    "int",
    "ux researcher",
    "user researcher",
}
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
    "user",
    "p",
}
_NUMBERED = re.compile(r"[ \t_\-]*\d{1,2}$")
INTERVIEWER_TITLE = re.compile(
    r"\b(interviewer|moderator|ux research|user research|researcher|customer research|research lead|facilitator|host)\b",
    re.IGNORECASE,
)


def _clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().strip("*_")).strip()


def _label_key(name: str) -> str:
    return _clean_name(name).lower()


def _generic_key(name: str) -> str:
    """'Interviewer 2', 'Interviewer2', 'interviewer2 2', 'P1' → 'interviewer' / 'p'."""
    key = _label_key(name)
    while _NUMBERED.search(key) and _NUMBERED.sub("", key):
        key = _NUMBERED.sub("", key)
    return key


def label_role(name: str) -> SpeakerRole | None:
    """The role a generic label says (numbered and respelled variants too), or None for names."""
    key = _generic_key(name)
    if key in INTERVIEWER_LABELS:
        return SpeakerRole.interviewer
    if key in CUSTOMER_LABELS:
        return SpeakerRole.customer
    return None


def find_label_turns(text: str, start: int = 0) -> list[tuple[Turn, str | None]]:
    """Turns from `Name: text` style labels (with optional timestamps and titles), else from
    `Q.` / `A.` labels."""
    return _label_turns(text, start, LABEL_LINE) or _dotted_turns(text, start)


def _dotted_turns(text: str, start: int) -> list[tuple[Turn, str | None]]:
    keys = Counter(_label_key(m.group("name"))[0] for m in DOTTED_LABEL.finditer(text, start))
    if keys["q"] < 2 or keys["a"] < 2:
        return []
    return _label_turns(text, start, DOTTED_LABEL)


def _speaker_labels(pattern: re.Pattern[str], text: str, start: int) -> list[re.Match[str]]:
    """The pattern's matches whose name is a speaker, not a metadata label ("Date", "Notes")."""
    return [
        m for m in pattern.finditer(text, start) if _label_key(m.group("name")) not in NOT_SPEAKERS
    ]


def _label_turns(text: str, start: int, pattern: re.Pattern[str]) -> list[tuple[Turn, str | None]]:
    matches = _speaker_labels(pattern, text, start)
    if not matches:
        return []
    names = Counter(_label_key(m.group("name")) for m in matches)
    # A real transcript repeats its speakers; one-off "Label:" lines are prose, not turns,
    # unless the label says a role ("Interviewer2:" speaking once).
    speakers = {n for n, c in names.items() if c >= 2 or label_role(n) is not None}
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
    """Otter exports: `Name  0:42` (or `**Name**  0:42` in Markdown) on its own line, the
    words on the following lines; what comes before the first one is the details header. Also
    a diarized export's `[SPEAKER_1]` on its own line."""
    headers = _speaker_labels(OTTER_HEADER, text, start)
    if len(headers) < 3:
        headers = _speaker_labels(BRACKET_HEADER, text, start)
        names = Counter(_label_key(m.group("name")) for m in headers)
        if len(names) < 2 or min(names.values()) < 2:
            return []  # "[Intro]", "[Music]": a one-off tag is no speaker
    if len(headers) < 3:
        return []
    return _header_turns(text, headers)


def _header_turns(text: str, headers: list[re.Match[str]]) -> list[tuple[Turn, str | None]]:
    """One turn per header line (its `name`, its `ts`): the words up to the next header."""
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


NAME_LINE = re.compile(
    rf"^(?:\*\*|__)?(?P<name>{_NAME}|(?i:{_GENERIC}))(?:\*\*|__)?[ \t]*(?P<ts>(?!))?\n(?=[ \t]*\S)",
    re.MULTILINE,
)


def find_name_line_turns(text: str, start: int = 0) -> list[tuple[Turn, str | None]]:
    """A speaker's name alone on its line, the words on the next line (Google Meet and Zoom
    copy-pastes, many note-takers' exports: "Theo Marchetti" then what Theo said). Read as
    turns only when it is plainly a conversation: at least two names that each speak at least
    twice, turns that mostly alternate between speakers, and someone who asks a question; a
    heading repeated in notes ("Background" twice) is none of these."""
    headers = _speaker_labels(NAME_LINE, text, start)
    names = Counter(_label_key(m.group("name")) for m in headers)
    if len(headers) < 4 or sum(1 for n in names.values() if n >= 2) < 2:
        return []
    keys = [_label_key(m.group("name")) for m in headers]
    if sum(a != b for a, b in pairwise(keys)) < 0.6 * (len(keys) - 1):
        return []
    turns = _header_turns(text, headers)
    if not any(asks(text[t.start : t.end]) for t, _ in turns):
        return []
    return turns


def find_turns(text: str, start: int = 0) -> list[tuple[Turn, str | None]]:
    """Turns of whichever shape the text takes: header lines (Otter, `[SPEAKER_1]`), then
    `Name: text` labels, then a name alone on its line."""
    return (
        find_otter_turns(text, start)
        or find_label_turns(text, start)
        or find_name_line_turns(text, start)
    )


_LINE_BREAK_TAG = re.compile(r"(?:<br\s*/?>|</p>|</div>)\s*$", re.IGNORECASE)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding space or a trailing HTML line break ("…delay.<br>")."""
    while start < end and text[start].isspace():
        start += 1
    while True:
        while end > start and text[end - 1].isspace():
            end -= 1
        tag = _LINE_BREAK_TAG.search(text, start, end)
        if not tag:
            return start, end
        end = tag.start()


def line_turns(text: str, start: int = 0) -> list[Turn]:
    """A transcript without speaker labels (Whisper's .txt): one turn per line, role unknown."""
    turns = []
    for match in re.finditer(r"[^\n]+", text[start:]):
        a, b = _trim(text, start + match.start(), start + match.end())
        if b > a:
            turns.append(Turn(start=a, end=b))
    return turns


def unify_speaker_names(turns: list[tuple[Turn, str | None]]) -> None:
    """'Dana' and 'Dana Whitfield' in one transcript are one person; so are 'Interviewer1'
    and 'Interviewer 1' (the spelling used most is kept)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for turn, _ in turns:
        if turn.speaker:
            spellings[re.sub(r"[\s_]+", "", turn.speaker.lower())][turn.speaker] += 1
    for turn, _ in turns:
        if turn.speaker:
            turn.speaker = spellings[re.sub(r"[\s_]+", "", turn.speaker.lower())].most_common(1)[0][
                0
            ]
    full = {t.speaker for t, _ in turns if t.speaker and " " in t.speaker}
    for turn, _ in turns:
        if turn.speaker and " " not in turn.speaker:
            candidates = [f for f in full if f.split(" ")[0].lower() == turn.speaker.lower()]
            if len(candidates) == 1:
                turn.speaker = candidates[0]


_QUESTION_START = re.compile(
    r"^\W*(?:so|and|okay|ok|right|great|and then|um|uh)?[ ,]*"
    r"(?:how|what|why|when|where|which|who|could you|can you|would you|do you|did you|does|"
    r"is there|are there|have you|tell me|walk me through|talk me through|describe)\b",
    re.IGNORECASE,
)


def asks(spoken: str) -> bool:
    """A turn that asks: it ends in (or near) a question mark, or a short turn that opens
    like a question ('how do you handle…' without the mark, as speech-to-text writes it)."""
    return "?" in spoken[-160:] or (
        len(spoken.split()) < 40 and bool(_QUESTION_START.match(spoken))
    )


_JOB_WORDS = re.compile(
    r"\b(?:vp|svp|evp|vice|president|director|head|manager|lead|chief|officer|ceo|cfo|coo|cto|"
    r"cio|owner|founder|engineer|engineering|product|operations|ops|sales|finance|marketing|"
    r"analyst|administrator|admin|controller|senior|sr|junior|principal|staff|associate|"
    r"specialist|coordinator|consultant|partner|research|researcher|it)\b",
    re.IGNORECASE,
)


def _organisation(title: str | None) -> str | None:
    """The company a speaker's title names before its comma ("Closewise, Product" →
    "closewise"), or None when that part is a job ("Director, Operations")."""
    if not title or "," not in title:
        return None
    first = title.split(",", 1)[0].strip()
    if not first or _JOB_WORDS.search(first):
        return None
    return first.lower()


@dataclass
class RoleDecision:
    """Who is who in one transcript, and on what basis."""

    speakers: list[Speaker]
    basis: str  # labels | front_matter | titles | questions | uncertain
    doubt: str | None = None  # why the roles are uncertain, for the ingest summary


def assign_roles(
    text: str,
    turns: list[Turn],
    titles: dict[str, str | None],
    interviewers: Iterable[str] = (),
    customers: Iterable[str] = (),
    vendor_names: Iterable[str] = (),
) -> RoleDecision:
    """Decide interviewer vs customer per speaker: front matter and role labels first
    ('Interviewer 2:', 'Moderator:', 'Q:'), then titles, then conversational behaviour (who
    asks the questions). Behaviour with a weak or split signal marks the roles uncertain."""
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
    bases: set[str] = set()
    for name in order:
        key = name.lower()
        title = (titles.get(name) or "").lower()
        first_word = key.split(" ")[0]
        by_label = label_role(name)
        if key in named_interviewers or first_word in named_interviewers:
            roles[name] = SpeakerRole.interviewer
            bases.add("front_matter")
        elif key in named_customers or first_word in named_customers:
            roles[name] = SpeakerRole.customer
            bases.add("front_matter")
        elif by_label is not None:
            roles[name] = by_label
            bases.add("labels")
        elif title and (INTERVIEWER_TITLE.search(title) or any(v in title for v in vendors)):
            roles[name] = SpeakerRole.interviewer
            bases.add("titles")
    # a colleague of an interviewer, by the company their title names ("Raj (Closewise,
    # Solutions Engineering)" beside "Maya (Closewise, Product)"), is on the interviewer's side
    colleagues = {
        _organisation(titles.get(n)) for n, role in roles.items() if role == SpeakerRole.interviewer
    } - {None}
    for name in order:
        if name not in roles and _organisation(titles.get(name)) in colleagues:
            roles[name] = SpeakerRole.interviewer
            bases.add("titles")

    def stats(name: str) -> tuple[float, float]:
        spoken = by_speaker[name]
        questions = sum(1 for t in spoken if asks(text[t.start : t.end]))
        words = sum(len(text[t.start : t.end].split()) for t in spoken)
        return questions / len(spoken), words / len(spoken)

    doubt: str | None = None
    unknown = [n for n in order if n not in roles]
    if unknown and SpeakerRole.interviewer not in roles.values() and len(order) > 1:

        def score(name: str) -> float:
            ratio, avg_words = stats(name)
            return ratio - min(avg_words, 120) / 400 + (0.1 if name == order[0] else 0.0)

        ranked = sorted(unknown, key=score, reverse=True)
        best = ranked[0]
        ratio = stats(best)[0]
        if ratio >= 0.25:
            roles[best] = SpeakerRole.interviewer
            bases.add("questions")
            runner_up = stats(ranked[1])[0] if len(ranked) > 1 else 0.0
            if ratio < 0.4:
                doubt = f"{best} asks in only {ratio:.0%} of their turns"
            elif runner_up >= 0.4 and runner_up > ratio - 0.15:
                doubt = f"{best} and {ranked[1]} ask questions about as often"
        else:
            doubt = "nobody asks questions, so no one could be told apart as the interviewer"
    # A second interviewer (a colleague on the call) asks in at least half of their turns and
    # speaks in short turns; decided after everyone else, so that the call's opener is judged
    # like anyone else, and at least one customer always remains.
    measured = {n: stats(n) for n in order if n not in roles}
    # The one who opens the call hosts it: their turns are short beside the answers of the one
    # who answers most (a colleague's 17-word questions beside a customer's 28-word answers);
    # anyone else's must be short outright, as a customer also asks the vendor now and then.
    answerer = min(measured.values(), key=lambda s: s[0], default=(0.0, 0.0))
    seconds = [
        n
        for n, (ratio, avg_words) in measured.items()
        if ratio >= 0.5
        and len(by_speaker[n]) >= 3
        and (avg_words < 15 or (n == order[0] and avg_words < 0.6 * answerer[1]))
    ]
    if seconds and SpeakerRole.customer not in roles.values() and len(seconds) == len(measured):
        seconds.remove(min(seconds, key=lambda n: measured[n][0]))
    for name in measured:
        roles[name] = SpeakerRole.interviewer if name in seconds else SpeakerRole.customer
    if seconds:
        bases.add("questions")

    for turn in turns:
        if turn.speaker is not None:
            turn.role = roles[turn.speaker]
    speakers = [Speaker(name=n, title=titles.get(n), role=roles[n]) for n in order]
    if doubt:
        return RoleDecision(speakers, "uncertain", doubt)
    for basis in ("questions", "titles", "labels", "front_matter"):
        if basis in bases:
            return RoleDecision(speakers, basis)
    return RoleDecision(speakers, "single_speaker" if len(order) == 1 else "none")
