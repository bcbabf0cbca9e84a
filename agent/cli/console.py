"""The two consoles every command prints to (results on stdout, messages and progress on stderr).

They are set up again at the start of each run, so `NO_COLOR` and whether stdout/stderr are
terminals are read when the command runs, never at import. Off a terminal Rich writes no ANSI
codes and draws no spinners; `NO_COLOR` (any non-empty value, https://no-color.org) turns off
colour and every other style too."""

from __future__ import annotations

import os
from collections.abc import Mapping

from rich.console import Console
from rich.markup import escape

out = Console()
err = Console(stderr=True)


def plain(environ: Mapping[str, str] | None = None) -> bool:
    """True when the user asked for no colour (`NO_COLOR` set and not empty)."""
    return bool((os.environ if environ is None else environ).get("NO_COLOR"))


def setup(environ: Mapping[str, str] | None = None) -> None:
    """Re-read the environment into `out` and `err` (same objects, so module imports stay valid)."""
    # Console.__init__ only assigns attributes: calling it again re-detects the terminal.
    if plain(environ):
        Console.__init__(out, color_system=None)
        Console.__init__(err, stderr=True, color_system=None)
    else:
        Console.__init__(out)
        Console.__init__(err, stderr=True)


def error(message: str) -> None:
    """One line on stderr (never wrapped, never read as markup), red on a colour terminal."""
    err.print(escape(message), style="red", highlight=False, soft_wrap=True)


def hint(message: str) -> None:
    """A next step, dimmed on a terminal."""
    err.print(escape(message), style="dim", highlight=False, soft_wrap=True)
