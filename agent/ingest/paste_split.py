"""Several transcripts pasted (or piped) as one text → one piece per transcript.

Splits only on clear boundaries, so a single interview is never cut up:
- a separator line (`---`, `=====`, `* * *`, `___`) between two substantial parts;
- a file header: `==> a.txt <==` (head/tail), `=== a.txt ===`, `File: a.txt`, a line that
  is only a file name, a new `WEBVTT` header, a new YAML front-matter block, a Markdown `# Title`;
- a new set of speakers: the people who spoke so far never speak again and someone new does
  (an interviewer who runs both calls may carry over);
- a transcript clock that starts again (`[00:41:10]` … then `[00:00:03]`).

Each piece keeps its exact text (a slice of the input) and a title when one was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from agent.ingest import research_check
from agent.ingest.speakers import (
    find_label_turns,
    find_name_line_turns,
    find_otter_turns,
    find_turns,
)

MIN_PIECE_CHARS = 80  # shorter parts are headers or stray lines: they join a neighbour
MIN_TURNS = 2  # a speaker split needs this many turns on each side
_SEPARATOR = re.compile(r"^[ \t]*(?:([-=*_~#])[ \t]*\1[ \t]*\1[ \t]*(?:\1[ \t]*)*)$")
_FILE_NAME = r"[\w][\w .,()'&+-]{0,120}\.(?:txt|md|markdown|vtt|srt|docx|text)"
_FILE_HEADER = re.compile(
    rf"^[ \t]*(?:==>[ \t]*(?P<a>{_FILE_NAME})[ \t]*<==|"
    rf"[=\-#*]{{2,}}[ \t]*(?P<b>{_FILE_NAME})[ \t]*[=\-#*]{{2,}}|"
    rf"(?:file(?:name)?|source|transcript)[ \t]*:[ \t]*(?P<c>{_FILE_NAME})|"
    rf"(?P<d>{_FILE_NAME}))[ \t]*$",
    re.IGNORECASE,
)
_WEBVTT = re.compile(r"^WEBVTT\b.*$")
_H1 = re.compile(r"^#[ \t]+(\S.{0,150})$")
_FRONT_KEY = re.compile(r"^[A-Za-z_][\w -]{0,40}:")
# a YAML front-matter block and nothing else: the header of the transcript that follows
_FRONT_MATTER_ONLY = re.compile(r"---[ \t]*\n(?:[^\n]*\n)*?---", re.MULTILINE)
_CLOCK = re.compile(r"^[ \t]*\[?(\d{1,2}):(\d{2})(?::(\d{2}))?")


@dataclass
class PastePiece:
    """One transcript of a paste: `text == pasted[start:end]`."""

    text: str
    start: int
    end: int
    title: str | None = None
    reason: str | None = None  # why a new piece starts here (None for the first)
    speakers: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.text.split())

    def suffix(self) -> str:
        """The file type the piece would have had on disk (it picks the loader)."""
        if self.title:
            match = re.search(r"\.(vtt|srt|md|markdown|txt)$", self.title, re.IGNORECASE)
            if match:
                return "." + match.group(1).lower()
        head = self.text.lstrip()
        if head.startswith("WEBVTT"):
            return ".vtt"
        if re.match(r"\d+\s*\n\d{2}:\d{2}:\d{2},\d{3} -->", head):
            return ".srt"
        if head.startswith("---"):
            return ".md"
        return ".txt"


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) for every line, `end` excluding the newline."""
    found = []
    position = 0
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        found.append((position, position + len(stripped), stripped))
        position += len(line)
    return found


def _front_matter_at(lines: list[tuple[int, int, str]], index: int) -> bool:
    """`---` opening a YAML block: key: value lines, then a closing `---` within 30 lines."""
    if lines[index][2].strip() != "---":
        return False
    keys = 0
    for _start, _end, line in lines[index + 1 : index + 31]:
        if line.strip() == "---":
            return keys >= 1
        if _FRONT_KEY.match(line):
            keys += 1
        elif line.strip() and not line.startswith((" ", "\t", "-")):
            return False
    return False


def _marked_boundaries(text: str) -> list[tuple[int, int, str, str | None]]:
    """(cut start, piece start, reason, title) from separators and headers.

    The text from `cut start` to `piece start` (a separator line) belongs to neither piece."""
    lines = _lines(text)
    cuts: list[tuple[int, int, str, str | None]] = []
    seen_content = False
    index = 0
    while index < len(lines):
        start, _end, line = lines[index]
        if not line.strip():
            index += 1
            continue
        if _front_matter_at(lines, index):
            if seen_content:
                cuts.append((start, start, "a new front-matter block", None))
            # skip to the closing line: its `---` is not a separator, and a title right
            # after the front matter belongs to the same document
            index += 1
            while index < len(lines) and lines[index][2].strip() != "---":
                index += 1
            index += 1
            seen_content = False
            continue
        header = _FILE_HEADER.match(line)
        if header and seen_content:
            name = next(g for g in header.group("a", "b", "c", "d") if g)
            cuts.append((start, start, "a file header", name.strip()))
        elif _WEBVTT.match(line) and seen_content:
            cuts.append((start, start, "a new WEBVTT header", None))
        elif _H1.match(line) and seen_content:
            cuts.append((start, start, "a new title", _H1.match(line).group(1).strip()))  # type: ignore[union-attr]
        elif _SEPARATOR.match(line) and not header:
            following = lines[index + 1][0] if index + 1 < len(lines) else len(text)
            if seen_content:
                cuts.append((start, following, "a separator line", None))
            index += 1
            continue
        seen_content = True
        index += 1
    return cuts


def _speaker_boundaries(text: str) -> list[tuple[int, int, str, str | None]]:
    """Where the set of speakers changes for good, or the transcript clock starts again."""
    # both shapes: two pasted exports may come from different tools
    turns = sorted(find_otter_turns(text) + find_label_turns(text), key=lambda t: t[0].start)
    turns = turns or find_name_line_turns(text)
    if len(turns) < 2 * MIN_TURNS:
        return []
    speakers = [(t.speaker or "").lower() for t, _title in turns]
    line_starts = [text.rfind("\n", 0, t.start) + 1 for t, _title in turns]
    cuts: list[tuple[int, int, str, str | None]] = []
    piece_start = 0
    for j in range(MIN_TURNS, len(turns) - MIN_TURNS + 1):
        before = set(speakers[piece_start:j])
        if speakers[j] in before:
            continue  # a new conversation starts with someone not heard in this one
        after = set(speakers[j:])
        gone, carried = before - after, before & after
        if not gone or len(carried) > 1:
            continue  # nobody left for good, or more than an interviewer carried over
        last_gone = max(i for i in range(piece_start, j) if speakers[i] in gone)
        k = last_gone + 1  # the new conversation may open with the interviewer's line
        if k - piece_start < MIN_TURNS:
            continue
        cut = _title_line_before(text, turns[last_gone][0].start, line_starts[k])
        cuts.append((cut, cut, "a new set of speakers", None))
        piece_start = k
    clock_cuts = _clock_restarts(text, turns, line_starts)
    return cuts + clock_cuts


def _title_line_before(text: str, turn_start: int, next_line: int) -> int:
    """A short title line after a blank line, just before the next conversation, goes with it."""
    gap = text.rfind("\n\n", turn_start, next_line)
    if gap < 0:
        return next_line
    line_start = gap + 2
    while line_start < next_line and text[line_start] in "\r\n":
        line_start += 1
    line = text[line_start:next_line].strip()
    if line and "\n" not in line and len(line) <= 80 and not line.endswith((".", "?", "!")):
        return line_start
    return next_line


def _clock_restarts(
    text: str, turns, line_starts: list[int]
) -> list[tuple[int, int, str, str | None]]:
    cuts: list[tuple[int, int, str, str | None]] = []
    previous = -1
    for (turn, _title), line_start in zip(turns, line_starts, strict=True):
        if not turn.timestamp:
            continue
        parts = [int(p) for p in re.findall(r"\d+", turn.timestamp)[:3]]
        seconds = (
            parts[0] * 3600 + parts[1] * 60 + parts[2]
            if len(parts) == 3
            else parts[0] * 60 + parts[1]
        )
        if previous >= 120 and seconds + 60 < previous and seconds < 60:
            cuts.append((line_start, line_start, "a transcript clock that starts again", None))
        previous = seconds
    return cuts


def _title_of(text: str) -> str | None:
    """A short first line that is not a speaker turn reads as the piece's title."""
    for line in text.splitlines():
        stripped = line.strip().strip("#=*-_ ").strip()
        if not stripped:
            continue
        header = _FILE_HEADER.match(line)
        if header:
            return next(g for g in header.group("a", "b", "c", "d") if g).strip()
        if (
            len(stripped) <= 80
            and ":" not in stripped[:40]
            and not stripped.endswith((".", "?", "!"))
        ):
            return stripped
        return None
    return None


def split_paste(text: str) -> list[PastePiece]:
    """The transcripts in one pasted text, in order (one piece when nothing clearly splits it)."""
    pieces: list[PastePiece] = []
    start, reason, title = 0, None, None
    for cut_start, piece_start, cut_reason, cut_title in _marked_boundaries(text):
        if cut_start > start:
            pieces.append(PastePiece(text[start:cut_start], start, cut_start, title, reason))
            start, reason, title = piece_start, cut_reason, cut_title
    pieces.append(PastePiece(text[start:], start, len(text), title, reason))
    by_speakers: list[PastePiece] = []
    for piece in pieces:  # within each marked part, a change of speakers splits again
        begin, why, name = piece.start, piece.reason, piece.title
        for cut, _same, cut_reason, _title in _speaker_boundaries(piece.text):
            at = piece.start + cut
            if at > begin:
                by_speakers.append(PastePiece(text[begin:at], begin, at, name, why))
                begin, why, name = at, cut_reason, None
        by_speakers.append(PastePiece(text[begin : piece.end], begin, piece.end, name, why))
    merged = _merge_small(by_speakers, text)
    for piece in merged:
        piece.title = piece.title or _title_of(piece.text)
        turns = find_turns(piece.text)
        piece.speakers = list(dict.fromkeys(t.speaker for t, _ in turns if t.speaker))
    return merged


def _merge_small(pieces: list[PastePiece], text: str) -> list[PastePiece]:
    """Parts without enough words to be research (a header line, a stray separator, a front-
    matter block alone) join the next part (or the previous one at the end)."""
    kept: list[PastePiece] = []
    carry: PastePiece | None = None
    for piece in pieces:
        if carry is not None:
            piece = PastePiece(
                text[carry.start : piece.end],
                carry.start,
                piece.end,
                carry.title or piece.title,
                carry.reason,
            )
            carry = None
        body = piece.text.strip()
        if len(body) < MIN_PIECE_CHARS or _FRONT_MATTER_ONLY.fullmatch(body):
            carry = piece  # a header line, a stray separator, a front-matter block: it heads on
            continue
        kept.append(piece)
    if carry is not None:
        if kept:
            last = kept.pop()
            kept.append(
                PastePiece(
                    text[last.start : carry.end], last.start, carry.end, last.title, last.reason
                )
            )
        else:
            kept.append(carry)
    if kept:
        kept[0].reason = None
    return kept


def piece_names(pieces: list[PastePiece]) -> list[str]:
    """File names for the pieces: the file header when there was one, else `pasted-N`."""
    names: list[str] = []
    for number, piece in enumerate(pieces, start=1):
        title = piece.title if piece.title and _FILE_HEADER.fullmatch(piece.title) else None
        base = re.sub(r"[^\w .()&,'+-]+", "_", title).strip(" ._") if title else ""
        name = base if base else f"pasted-{number}{piece.suffix()}"
        if name in names:
            stem, dot, suffix = name.rpartition(".")
            name = f"{stem}-{number}.{suffix}" if dot else f"{name}-{number}"
        names.append(name)
    return names


@dataclass
class DraftInputs:
    """What `icp draft` ingests once a paste is split and non-research is left out."""

    paths: list[str]
    stdin_text: str | None
    split: list[str] = field(default_factory=list)  # the pieces' names when stdin was split
    rejected: list[str] = field(default_factory=list)  # "name: reason" of what was left out


def draft_inputs(paths: list[str], stdin_text: str | None, folder: Path) -> DraftInputs:
    """Split piped text into its transcripts (written to `folder`, each its own document) and
    leave out pieces and text files that do not look like customer research."""
    result = DraftInputs(paths=[], stdin_text=None)
    for path in paths:
        file = Path(path)
        if file.suffix.lower() in (".txt", ".md", ".markdown") and file.is_file():
            verdict = research_check.check(file.read_text(encoding="utf-8", errors="replace"))
            if not verdict.ok:
                result.rejected.append(f"{path}: {verdict.message}")
                continue
        result.paths.append(path)
    if stdin_text is None:
        return result
    pieces = split_paste(stdin_text)
    names = piece_names(pieces)
    kept = []
    for piece, name in zip(pieces, names, strict=True):
        verdict = research_check.check(piece.text)
        if verdict.ok:
            kept.append((piece, name))
        else:
            result.rejected.append(f"{name if len(pieces) > 1 else 'stdin'}: {verdict.message}")
    if len(pieces) == 1:
        result.stdin_text = stdin_text if kept else None
        return result
    result.split = [f"{p.title or n} ({p.words} words)" for p, n in zip(pieces, names, strict=True)]
    for piece, name in kept:
        target = folder / name
        target.write_text(piece.text, encoding="utf-8")
        result.paths.append(str(target))
    return result
