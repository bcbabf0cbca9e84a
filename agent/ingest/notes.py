"""Researcher notes and deal write-ups → turns that keep the page's structure.

Every heading and label line is its own turn (`heading`, `label`: never evidence); bullets and
paragraphs are turns with the section (nearest heading above) they sit in. What the vendor
side wrote about itself is `role=interviewer`: whole sections such as "My take" or "Next
steps", a bullet in the note-taker's own voice ("I asked about pricing", "we demoed the
scheduler") and such sentences inside a paragraph (split off into their own turn). A customer
quotation never leaves its bullet or sentence. Offsets are exact spans of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from agent.schema import SpeakerRole, Turn, TurnForm
from agent.textspans import split_sentences

_ATX = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(?P<text>.+?)[ \t]*#*[ \t]*$")
_BOLD_TITLE = re.compile(r"^[ \t]*(\*\*|__)(?P<text>[^*_\n]{1,80}?)[ \t]*:?[ \t]*\1[ \t]*:?[ \t]*$")
_LABEL = re.compile(
    r"^[ \t]*(?:[-*+•][ \t]+)?(?P<open>\*\*|__)?(?P<label>[A-Za-z][\w ./&'’()-]{0,30}?)[ \t]*"
    r"(?::[ \t]*(?P=open)|(?P=open)[ \t]*:|:)(?P<value>.*)$"
)
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+•▪‣◦]|\d{1,3}[.)])[ \t]+(?P<text>\S.*)$")
_RULE = re.compile(r"^[ \t]*(?:[=]{3,}|[-]{3,}|[*]{3,}|_{3,})[ \t]*$")
# a Markdown table's row ("| Store | One store, 9 staff |") and its header's rule ("|---|:--|")
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?$")
_CAPS_TITLE = re.compile(r"^[ \t]*(?=[^a-z]*[A-Z]{2})[A-Z0-9][A-Z0-9 &/'’,()-]{1,60}$")

# label lines of a deal write-up ("**Outcome:** Lost", "**Lost to:** MiseOS") and of its header,
# as the front-matter keys they stand for
DEAL_LABELS = {
    "company": "account",
    "customer": "account",
    "client": "account",
    "outcome": "outcome",
    "result": "outcome",
    "deal outcome": "outcome",
    "deal result": "outcome",
    "deal stage": "outcome",
    "lost to": "lost_to",
    "won against": "competitor",
    "competitor": "competitor",
    "competitors": "competitor",
    "competition": "competitor",
    "acv": "acv",
    "deal size": "acv",
    "deal value": "acv",
    "contract value": "acv",
}

# Label lines that carry facts about the document, not what anyone said.
LABEL_WORDS = {
    "date",
    "time",
    "when",
    "duration",
    "length",
    "location",
    "where",
    "call",
    "call type",
    "meeting",
    "meeting type",
    "format",
    "medium",
    "channel",
    "attendees",
    "participants",
    "present",
    "people",
    "interviewer",
    "interviewers",
    "interviewee",
    "interviewees",
    "moderator",
    "note taker",
    "notes by",
    "notetaker",
    "author",
    "written by",
    "prepared by",
    "account",
    "accounts",
    "contact",
    "contacts",
    "title",
    "role",
    "roles",
    "industry",
    "segment",
    "region",
    "country",
    "size",
    "employees",
    "headcount",
    "plan",
    "tier",
    "product",
    "stage",
    "status",
    "owner",
    "rep",
    "sales rep",
    "ae",
    "csm",
    "arr",
    "mrr",
    "amount",
    "close date",
    "closed",
    "renewal date",
    "churn date",
    "start date",
    "source",
    "recording",
    "transcript",
    "tags",
    "subject",
    "re",
    "from",
    "to",
    "cc",
    "email",
    "phone",
    "website",
    "linkedin",
    "type",
    "interview type",
    "tag",
    "recorded",
    "language",
    "organization",
    "organisation",
    "link",
    "url",
    "date closed",
} | set(DEAL_LABELS)  # and every deal label
_LABEL_MAX_WORDS = 12

# Sections whose text is the vendor's own view or plan, not the customer's.
VENDOR_SECTION = re.compile(
    r"^(?:(?:my|our)[ \t]+(?:own[ \t]+)?(?:take|read|reading|view|notes?|thoughts?|assessment|analysis|"
    r"recommendations?|interpretation|impressions?|opinion|conclusions?|hypothes[ie]s|plan|response)"
    r"|next[ \t]+steps?|action[ \t]+items?|actions|internal(?:[ \t]+notes?|[ \t]+only)?|follow[- \t]?ups?|"
    r"to-?dos?|recommendations?|(?:ae|rep|csm|sales|pm|researcher)['’]?s?[ \t]+(?:notes?|take|comments?|view)|"
    r"what[ \t]+we(?:['’]ll|[ \t]+will|[ \t]+should)[ \t]+do|takeaways?[ \t]+for[ \t]+us|lessons[ \t]+learned)\b",
    re.IGNORECASE,
)
# The note-taker speaking for the vendor side: what they did, thought or will do.
_PM_VOICE = re.compile(
    r"\b(?:I|we)[ \t]+(?:(?:then|also|later|briefly)[ \t]+)?(?:asked|showed|demoed|demo['’]?d|pitched|"
    r"explained|suggested|offered|promised|probed|pushed[ \t]+(?:back|(?:a[ \t]+(?:little|bit)[ \t]+)?on)|"
    r"followed[ \t]+up|reached[ \t]+out|"
    r"walked[ \t]+(?:him|her|them)[ \t]+through|told[ \t]+(?:him|her|them)|spoke[ \t]+(?:with|to)|"
    r"talked[ \t]+(?:with|to)|met[ \t]+with|interviewed|will[ \t]+follow[ \t]+up|"
    r"(?:should|need[ \t]+to)[ \t]+follow[ \t]+up)\b"
    r"|\bI[ \t]+(?:think|believe|suspect|felt|feel|got[ \t]+the[ \t]+sense|would(?:n['’]t)?|'d|doubt)\b"
    r"|\b(?:[Mm]y|[Oo]ur)[ \t]+(?:take|read|sense|guess|impression|view|recommendation|hunch)\b"
    r"|\bour[ \t]+(?:product|pricing|team|sales[ \t]+team|roadmap|offer|demo|integrations?|platform)\b",
)
_QUOTE = re.compile(r"[\"“”„«»]|(?:^|\s)['‘][^'’]{3,}['’](?:\s|[.,;:!?]|$)")


@dataclass
class _Block:
    form: TurnForm
    start: int
    end: int
    level: int = 7  # heading level (bold and caps titles rank below ######)
    table_row: bool = False


def _table_row(line: str, offset: int) -> _Block:
    """A table row as what it says: its cell of most words ("| Systems | PrintHaus POS for
    every sale |" says "PrintHaus POS for every sale"; "| Orders retyped into the ERP | High |"
    says "Orders retyped into the ERP"); the others name or grade it."""
    pipes = [i for i, char in enumerate(line) if char == "|"]
    cells = []
    for a, b in pairwise(pipes):
        a += 1
        while a < b and line[a] in " \t":
            a += 1
        end = b
        while end > a and line[end - 1] in " \t":
            end -= 1
        if end > a:
            cells.append((a, end))
    if not cells:
        return _Block(TurnForm.label, offset + pipes[0], offset + pipes[-1] + 1, table_row=True)
    a, b = max(reversed(cells), key=lambda cell: len(line[cell[0] : cell[1]].split()))
    # a row whose only words are its name ("| Budget | |") says nothing
    form = TurnForm.label if len(cells) == 1 and len(pipes) > 2 else TurnForm.bullet
    return _Block(form, offset + a, offset + b, table_row=True)


def _label_key(label: str) -> str:
    """A label's words without an aside ("Attendees (Mothgate)" → "attendees")."""
    return re.sub(r"\s*\([^)]*\)", "", label).strip().lower()


def _label_form(label: str, value: str) -> bool:
    words = value.strip().strip("*_").split()
    return _label_key(label) in LABEL_WORDS and len(words) <= _LABEL_MAX_WORDS


def _lines(text: str, start: int) -> list[tuple[int, str]]:
    out = []
    position = start
    for line in text[start:].split("\n"):
        out.append((position, line))
        position += len(line) + 1
    return out


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " \t\n*_>":
        a += 1
    while b > a and text[b - 1] in " \t\n*_:":
        b -= 1
    return a, b


def _blocks(text: str, start: int) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    current_lines = 0

    def close() -> None:
        nonlocal current, current_lines
        if current is not None:
            blocks.append(current)
        current, current_lines = None, 0

    for offset, line in _lines(text, start):
        end = offset + len(line)
        if not line.strip():
            close()
            continue
        if _TABLE_RULE.match(line):
            close()
            if blocks and blocks[-1].table_row:  # the row above is the table's header
                blocks[-1].form = TurnForm.label
            continue
        if _TABLE_ROW.match(line):
            close()
            blocks.append(_table_row(line, offset))
            continue
        if _RULE.match(line):
            if current is not None and current.form == TurnForm.paragraph and current_lines == 1:
                current.form, current.level = TurnForm.heading, 2 if "-" in line else 1
            close()
            continue
        atx = _ATX.match(line)
        bold = _BOLD_TITLE.match(line)
        label = _LABEL.match(line)
        bullet = _BULLET.match(line)
        if atx:
            close()
            blocks.append(
                _Block(TurnForm.heading, offset + atx.start("text"), end, len(atx.group(1)))
            )
        elif bold:
            close()
            form = (
                TurnForm.label
                if _label_key(bold.group("text")) in LABEL_WORDS
                else TurnForm.heading
            )
            blocks.append(_Block(form, offset + bold.start("text"), end))
        elif label and (
            _label_form(label.group("label"), label.group("value"))
            # the header's properties ("**Format:** in person … ~70 min. Not recorded, …"):
            # facts about the note however long, before anything else is written
            or (
                _label_key(label.group("label")) in LABEL_WORDS
                and all(b.form in (TurnForm.label, TurnForm.heading) for b in blocks)
                and current is None
            )
        ):
            close()
            blocks.append(_Block(TurnForm.label, offset + label.start("label"), end))
        elif label and not label.group("value").strip() and len(label.group("label").split()) <= 6:
            close()  # "Pain points:" alone on its line introduces a section
            blocks.append(_Block(TurnForm.heading, offset + label.start("label"), end))
        elif bullet:
            close()
            current = _Block(TurnForm.bullet, offset + bullet.start("text"), end)
            current_lines = 1
        elif current is not None and (
            current.form == TurnForm.bullet or not _CAPS_TITLE.match(line)
        ):
            current.end = end  # a continuation line of the bullet or paragraph
            current_lines += 1
        elif _CAPS_TITLE.match(line) and len(line.split()) <= 6:
            close()
            blocks.append(_Block(TurnForm.heading, offset, end))
        else:
            current = _Block(TurnForm.paragraph, offset, end)
            current_lines = 1
    close()
    return blocks


def _pm_voice(sentence: str) -> bool:
    return bool(_PM_VOICE.search(sentence)) and not _QUOTE.search(sentence)


def _split_voice(text: str, a: int, b: int) -> list[tuple[int, int, bool]]:
    """A paragraph as runs of sentences: (start, end, written in the note-taker's voice)."""
    runs: list[tuple[int, int, bool]] = []
    for s, e in split_sentences(text, a, b):
        voice = _pm_voice(text[s:e])
        if runs and runs[-1][2] == voice:
            runs[-1] = (runs[-1][0], e, voice)
        else:
            runs.append((s, e, voice))
    return runs or [(a, b, False)]


def note_turns(text: str, start: int = 0) -> list[Turn]:
    """Turns of speakerless notes from `start` (after any front matter) to the end."""
    turns: list[Turn] = []
    section: str | None = None
    vendor_level: int | None = None  # heading level of the vendor section we are in
    for block in _blocks(text, start):
        a, b = _trimmed(text, block.start, block.end)
        if b <= a:
            continue
        if block.form == TurnForm.heading:
            if vendor_level is not None and block.level <= vendor_level:
                vendor_level = None
            title = text[a:b].strip().rstrip(":").strip()
            turns.append(Turn(start=a, end=b, form=TurnForm.heading, section=section))
            section = title
            if vendor_level is None and VENDOR_SECTION.match(title):
                vendor_level = block.level
            continue
        if block.form == TurnForm.label:
            turns.append(Turn(start=a, end=b, form=TurnForm.label, section=section))
            continue
        if vendor_level is not None:
            turns.append(
                Turn(start=a, end=b, role=SpeakerRole.interviewer, form=block.form, section=section)
            )
            continue
        if block.form == TurnForm.bullet:
            role = SpeakerRole.interviewer if _pm_voice(text[a:b]) else SpeakerRole.unknown
            turns.append(Turn(start=a, end=b, role=role, form=TurnForm.bullet, section=section))
            continue
        for s, e, voice in _split_voice(text, a, b):
            role = SpeakerRole.interviewer if voice else SpeakerRole.unknown
            turns.append(Turn(start=s, end=e, role=role, form=TurnForm.paragraph, section=section))
    return turns


def header_labels(text: str, turns: list[Turn], limit: int = 12) -> dict[str, str]:
    """`Account:` (or Company/Customer/Client) and `Date:` labels near the top, as front-matter keys."""
    found: dict[str, str] = {}
    for turn in turns[:limit]:
        if turn.form != TurnForm.label:
            continue
        line = text[turn.start : turn.end]
        match = re.match(
            r"(?P<label>[^:*_]+?)[ \t]*(?:\*\*|__)?[ \t]*:[ \t]*(?:\*\*|__)?[ \t]*(?P<value>.+)$",
            line,
        )
        if not match:
            continue
        key = match.group("label").strip().lower()
        key = DEAL_LABELS.get(key, key)
        if key in {"account", "date", "outcome", "lost_to", "competitor", "acv"}:
            value = match.group("value").strip().strip("*_").strip()
            if key == "account":  # "Night Owl Kitchens (Chicago, IL)": the name, not its place
                value = account_name(value)
                if not reads_as_a_name(value):
                    continue  # "Customer: We retype every order…" is a speaker, not an account
            found.setdefault(key, value)
    return found


# what a writer adds after a company's name: "Pinecrest Dental Ceramics · on site", "X | Zoom"
NAME_ADDITION = r"\s+[·|•]\s+"


def account_name(value: str) -> str:
    """An `Account:` label's name without what the note adds after it: its place ("Night Owl
    Kitchens (Chicago, IL)") or the call's ("Pinecrest Dental Ceramics · on site")."""
    value = re.sub(NAME_ADDITION + ".*$", "", value)
    return re.sub(r"\s*\([^()]*\)\s*$", "", value) or value


ACCOUNT_NAME_WORDS = 8
_SPEECH_START = re.compile(
    r"^(?:i|we|you|they|he|she|it|our|my|their|this|that|so|well|yeah|um|uh|and|but)\b", re.I
)


def reads_as_a_name(value: str) -> bool:
    """Whether a label's value (`Customer: …`, `Company: …`) can be a company's name: a few
    words, one phrase, not speech ("Customer: We retype every order by hand. …" is a turn)."""
    value = value.strip()
    return (
        bool(value)
        and len(value.split()) <= ACCOUNT_NAME_WORDS
        and not re.search(r"[a-z]{3,}[.!?]\s+\S", value)  # a sentence ends ("St. Aldric" does not)
        and not _SPEECH_START.match(value)
    )
