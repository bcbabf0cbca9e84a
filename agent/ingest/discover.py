"""Command-line paths (files, folders, globs) → the files to ingest, with display names."""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path

from agent.ingest.loader import SUPPORTED_SUFFIXES

_IGNORED_NAMES = {
    "readme.md",
    "readme.txt",
    "license",
    "license.txt",
    "expected.md",
    ".ds_store",
    "thumbs.db",
}


@dataclass
class Discovery:
    files: list[tuple[Path, str]] = field(default_factory=list)  # (path, display name)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (display name, reason)
    missing: list[str] = field(default_factory=list)


def _walk(folder: Path, found: Discovery) -> None:
    base = folder.parent
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        display = str(path.relative_to(base))
        if path.name.lower() in _IGNORED_NAMES or path.name.startswith("~$"):
            found.skipped.append((display, "documentation or lock file"))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            found.skipped.append((display, f"unsupported file type '{path.suffix or path.name}'"))
        else:
            found.files.append((path, display))


def discover(paths: list[str]) -> Discovery:
    found = Discovery()
    for given in paths:
        matches = (
            sorted(glob.glob(given, recursive=True)) if any(c in given for c in "*?[") else [given]
        )
        if not matches:
            found.missing.append(given)
            continue
        for match in matches:
            path = Path(match)
            if path.is_dir():
                _walk(path, found)
            elif path.is_file():
                found.files.append(
                    (path, path.name if not any(c in given for c in "*?[") else match)
                )
            else:
                found.missing.append(match)
    unique: dict[Path, str] = {}
    for path, display in found.files:
        unique.setdefault(path.resolve(), display)
    found.files = [(path, display) for path, display in unique.items()]
    return found
