"""Progress of a long run with counts: documents (or files) done, LLM windows done, elapsed and
ETA. A Rich bar on an interactive terminal; off a terminal a plain line at every tenth of the
work, and again whenever `every` seconds pass on slow work, so CI logs show the run moving;
nothing in --json mode."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def _clock(seconds: float) -> str:
    return str(timedelta(seconds=int(seconds)))


class RunProgress:
    """`with RunProgress(err, "Extracting", "documents") as progress:` then feed it the counts."""

    def __init__(
        self,
        console: Console,
        label: str,
        unit: str = "documents",
        quiet: bool = False,
        every: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console
        self.label = label
        self.unit = unit
        self.quiet = quiet
        self.every = every
        self.clock = clock
        self.done = 0
        self.total: int | None = None
        self.windows_done = 0
        self.windows_total = 0
        self.current = ""
        self._started = clock()
        self._last_line = self._started
        self._last_tenth = 0
        self._bar: Progress | None = None
        self._task: Any = None
        self._finished = False

    @property
    def live(self) -> bool:
        """A redrawn bar only on an interactive terminal (not piped, not TERM=dumb)."""
        return not self.quiet and self.console.is_interactive

    def __enter__(self) -> RunProgress:
        self._started = self._last_line = self.clock()
        if self.live:
            self._bar = Progress(
                TextColumn(f"[bold]{self.label}"),
                BarColumn(),
                TextColumn("{task.fields[counts]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[current]}", markup=False),  # file names, not markup
                console=self.console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("", total=None, counts="", current="")
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish(completed=exc[0] is None)

    def finish(self, completed: bool = True) -> None:
        """Take the bar down, or print the closing line off a terminal; once."""
        if self._finished:
            return
        self._finished = True
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        elif not self.quiet and completed and (self.total or self.done):
            self._line()

    # Feeding the counts (the runners' callbacks)

    def set_total(self, total: int) -> None:
        self.total = total
        self._update()

    def advance(self, current: str = "") -> None:
        self.done += 1
        self.current = current
        self._update()

    def windows(self, done: int, total: int) -> None:
        """LLM windows sent and answered so far; these drive the bar and the ETA when known."""
        self.windows_done, self.windows_total = done, total
        self._update()

    def next_stage(self, message: str) -> None:
        """This stage is over (bar down or closing line); say what the run does now."""
        self.finish()
        self.note(message)

    def note(self, message: str) -> None:
        """A message that should not tear the bar (e.g. waiting for a lock)."""
        if not self.quiet:
            self.console.print(message, highlight=False, soft_wrap=True)

    # Rendering

    def counts(self) -> str:
        total = "?" if self.total is None else f"{self.total:,}"
        text = f"{self.done:,}/{total} {self.unit}"
        if self.windows_total:
            text += f", {self.windows_done:,}/{self.windows_total:,} windows"
        return text

    def _work(self) -> tuple[int, int | None]:
        if self.windows_total:
            return self.windows_done, self.windows_total
        return self.done, self.total

    def eta(self) -> float | None:
        done, total = self._work()
        if not done or not total:
            return None
        elapsed = self.clock() - self._started
        return elapsed / done * max(total - done, 0)

    def _update(self) -> None:
        if self.quiet or self._finished:
            return
        done, total = self._work()
        if self._bar is not None:
            self._bar.update(
                self._task,
                completed=done,
                total=total,
                counts=self.counts(),
                current=self.current[-40:],
            )
            return
        tenth = int(10 * done / total) if total else 0
        now = self.clock()
        if (
            tenth > self._last_tenth and done < (total or 0)
        ) or now - self._last_line >= self.every:
            self._last_tenth = max(tenth, self._last_tenth)
            self._line()

    def _line(self) -> None:
        now = self.clock()
        self._last_line = now
        text = f"{self.label}: {self.counts()}, {_clock(now - self._started)} elapsed"
        eta = self.eta()
        done, total = self._work()
        if eta is not None and total and done < total:
            text += f", about {_clock(eta)} left"
        self.console.print(text, highlight=False, soft_wrap=True)
