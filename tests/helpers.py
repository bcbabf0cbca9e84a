"""Small helpers shared by tests."""

from __future__ import annotations

from pathlib import Path

from agent.ingest.loader import LoadedFile, load_file
from agent.ingest.rawfile import read_raw


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def load(path: Path) -> LoadedFile:
    return load_file(read_raw(path, path.name, 50_000_000))


def spoken(doc, role: str | None = None) -> list[tuple[str | None, str]]:
    """(speaker, text) of each turn, optionally of one role."""
    return [
        (t.speaker, doc.text[t.start : t.end])
        for t in doc.turns
        if role is None or t.role.value == role
    ]
