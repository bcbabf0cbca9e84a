"""Where the shipped data folders (`prompts/`, `knowledge/`) live.

In a wheel they are packaged under `agent/_data/`; in a source checkout they sit at the
repository root beside `agent/`.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import yaml

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name


def prompts_dir() -> Path:
    return data_dir("prompts")


def knowledge_dir() -> Path:
    return data_dir("knowledge")


@cache
def knowledge(name: str) -> dict:
    """A `knowledge/NAME.yaml` file as a dict (cached: these files never change at run time)."""
    path = knowledge_dir() / f"{name}.yaml"
    with path.open(encoding="utf-8") as handle:
        # libyaml's parser when PyYAML was built with it (about 10x faster than pure Python)
        data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def code_digest(package: str) -> str:
    """A short digest of a package's code (`agent/<package>/*.py`): what it read or built
    with an older release is read or built again, whether or not a version string was bumped."""
    return _digest(list((_PACKAGE_DIR / package).glob("*.py")))


@cache
def knowledge_digest() -> str:
    """A short digest of every `knowledge/*.yaml` file, for the same purpose."""
    return _digest(list(knowledge_dir().glob("*.yaml")))
