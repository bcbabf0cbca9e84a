"""Reading a file safely: size cap, empty and binary detection, text decoding."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from agent.errors import SourceError

_TEXT_ENCODINGS = ("utf-8-sig", "cp1252")
# Byte-order marks of the wide encodings (Windows tools save "Unicode" text as UTF-16 LE);
# UTF-32 first: its little-endian BOM starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


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


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16/32 by its byte-order mark, or UTF-16 without one when every other byte of a
    mostly-ASCII text is zero."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    sample = data[:4096]
    if len(sample) >= 8 and len(sample) % 2 == 0:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


def _normal_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_text(raw: RawFile) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 (BOM, or UTF-16 without one), else Windows-1252;
    newlines normalised to \\n."""
    wide = _wide_encoding(raw.data)
    if wide:
        try:
            return _normal_newlines(raw.data.decode(wide).lstrip("\ufeff"))
        except UnicodeDecodeError as exc:
            raise raw.fail(f"cannot decode text: it starts like {wide.upper()} but is not") from exc
    if looks_binary(raw.data):
        raise raw.fail("binary content where text was expected (is this really a text file?)")
    for encoding in _TEXT_ENCODINGS:
        try:
            text = raw.data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _normal_newlines(text)
    raise raw.fail("cannot decode text: not UTF-8, UTF-16 or Windows-1252")
