"""Reading a file safely: size cap, empty and binary detection, text decoding."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from agent.errors import SourceError

_TEXT_ENCODINGS = ("utf-8-sig", "cp1252")


@dataclass(frozen=True)
class RawFile:
    path: Path
    source: str  # name shown to users: relative to the folder the user ingested
    data: bytes

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    def fail(self, reason: str) -> SourceError:
        return SourceError(self.source, reason)


def read_raw(path: Path, source: str, max_bytes: int) -> RawFile:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(source, f"cannot read file ({exc.strerror or exc})") from exc
    if size > max_bytes:
        raise SourceError(
            source,
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit (ICP_MAX_FILE_MB)",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(source, f"cannot read file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise SourceError(source, "file is empty")
    return RawFile(path=path, source=source, data=data)


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(4, len(sample) // 100)


def decode_text(raw: RawFile) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; newlines normalised to \\n."""
    if looks_binary(raw.data):
        raise raw.fail("binary content where text was expected (is this really a text file?)")
    for encoding in _TEXT_ENCODINGS:
        try:
            text = raw.data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise raw.fail("cannot decode text: not UTF-8 and not Windows-1252")
