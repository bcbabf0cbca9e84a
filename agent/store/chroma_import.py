"""Loading chromadb without a development-time check that costs every process 0.2 s.

chromadb marks its methods with the `overrides` package's `@override`, which, when each class
is created, compares the method's signature with its base class's (reading the type hints of
both). chromadb's classes are fixed by the pinned release, so the comparison can only ever pass;
it runs for about a hundred methods while chromadb imports and its client starts, a quarter of
that import's time in `icp ask`. While Chroma loads, the signature comparison is switched off
(the rest of `@override`, docstrings and `@final` checks, still runs) and then restored."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_MUTEX = threading.Lock()


def _skip(*_args: Any, **_kwargs: Any) -> None:
    return None


@contextmanager
def unchecked_overrides() -> Iterator[None]:
    """Within the block, `overrides` does not compare signatures (when its layout is the
    known one; otherwise nothing changes)."""
    try:
        checks = importlib.import_module("overrides.overrides")
    except ImportError:
        yield
        return
    with _MUTEX:
        original = getattr(checks, "ensure_signature_is_compatible", None)
        if original is None:
            yield
            return
        setattr(checks, "ensure_signature_is_compatible", _skip)  # noqa: B010
        try:
            yield
        finally:
            setattr(checks, "ensure_signature_is_compatible", original)  # noqa: B010
