"""Command-line paths (files, folders, globs) → the files to ingest, with display names.

A path that exists is a path even when its name has glob characters (`bracket[1].txt`).
Everything left out of a folder gets a line saying why: hidden (dot) files and folders,
documentation and lock files, unsupported types, broken links and links that loop."""

from __future__ import annotations

import glob
import os
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
_GLOB_CHARS = "*?["


@dataclass
class Discovery:
    files: list[tuple[Path, str]] = field(default_factory=list)  # (path, display name)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (display name, reason)
    missing: list[str] = field(default_factory=list)


def _file_reason(path: Path) -> str | None:
    """Why a file found in a folder is not ingested, or None when it is."""
    name = path.name.lower()
    if name in _IGNORED_NAMES or path.name.startswith("~$"):
        return "documentation or lock file"
    if path.name.startswith("."):
        return "hidden file (name starts with a dot)"
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return f"unsupported file type '{path.suffix or path.name}'"
    return None


def _walk(folder: Path, found: Discovery) -> None:
    """Every file under `folder`, following links to folders once: a link back to a folder
    already on the way down (a loop) is reported, not followed."""
    base = folder.parent

    def display(path: Path) -> str:
        return str(path.relative_to(base))

    def visit(directory: Path, ancestors: frozenset[str]) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            found.skipped.append((display(directory), f"cannot list folder ({exc.strerror})"))
            return
        for entry in entries:
            path = directory / entry.name
            if entry.is_symlink() and not path.exists():
                target = os.readlink(path)
                reason = (
                    "link loop (following the link leads back to it)"
                    if _is_link_loop(path)
                    else f"broken link (its target {target} does not exist)"
                )
                found.skipped.append((display(path), reason))
            elif entry.is_dir():
                if entry.name.startswith("."):
                    found.skipped.append((display(path), "hidden folder (name starts with a dot)"))
                    continue
                real = os.path.realpath(path)
                if real in ancestors:
                    found.skipped.append(
                        (
                            display(path),
                            f"link loop (points back to {Path(real).name}/, not followed)",
                        )
                    )
                    continue
                visit(path, ancestors | {real})
            elif entry.is_file():
                left_out = _file_reason(path)
                if left_out:
                    found.skipped.append((display(path), left_out))
                else:
                    found.files.append((path, display(path)))
            else:
                found.skipped.append((display(path), "not a regular file"))

    visit(folder, frozenset({os.path.realpath(folder)}))


def _is_link_loop(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python 3.11-3.12 raise this for symlink loops
        return True
    except OSError as exc:
        return exc.errno == 40  # ELOOP
    return False


def discover(paths: list[str]) -> Discovery:
    found = Discovery()
    for given in paths:
        is_glob = any(c in given for c in _GLOB_CHARS) and not os.path.lexists(given)
        matches = sorted(glob.glob(given, recursive=True)) if is_glob else [given]
        if not matches:
            found.missing.append(given)
            continue
        for match in matches:
            path = Path(match)
            if path.is_dir():
                _walk(path, found)
            elif path.is_file():
                found.files.append((path, match if is_glob else path.name))
            elif path.is_symlink():
                reason = "link loop" if _is_link_loop(path) else "broken link"
                found.skipped.append((match, f"{reason} (its target cannot be read)"))
            else:
                found.missing.append(match)
    unique: dict[Path, str] = {}
    for path, display in found.files:
        unique.setdefault(path.resolve(), display)
    found.files = [(path, display) for path, display in unique.items()]
    return found
