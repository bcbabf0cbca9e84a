"""The workspace lock (`write.lock`): one writer at a time across processes, readers share it.

Chroma's local client keeps each collection's HNSW segment in memory and writes it back whole;
a process whose copy is older than another process's last write would overwrite that write
(ids in the catalog whose vectors can no longer be read). So every Chroma read holds the lock
shared and every write holds it exclusively, and the lock file carries a generation token that
each writer changes: a process that sees a token it did not write drops its in-memory segments
before touching Chroma again. One lock object per workspace per process (re-entrant, shared by
threads); `on_wait` runs once, the first time this process has to wait for another one."""

from __future__ import annotations

import fcntl
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from agent.errors import WorkspaceError

LOCK_FILE = "write.lock"
_POLL_SECONDS = 0.05
_TOKEN_BYTES = 64


class WorkspaceLock:
    def __init__(self, path: Path, timeout: float = 900) -> None:
        self.path = path
        self.timeout = timeout
        self.on_wait: Callable[[], None] | None = None
        self._fd: int | None = None
        self._mutex = threading.RLock()
        self._depth = 0
        self._exclusive = False
        self._wrote = False
        self._waited = False
        self._listeners: list[Callable[[], None]] = []
        self._users = 0
        # the generation token read at the last acquire (or written at the last release)
        self.token: str | None = None

    # --- holding --------------------------------------------------------------------------
    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._hold(exclusive=False):
            yield

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._hold(exclusive=True):
            yield

    @property
    def mutex(self) -> threading.RLock:
        """The in-process part alone (threads of this process), without the file lock."""
        return self._mutex

    @property
    def held_exclusively(self) -> bool:
        return self._depth > 0 and self._exclusive

    @property
    def pending_write(self) -> bool:
        """This process wrote under the lock it still holds: the token moves at release."""
        return self._wrote

    def wrote(self) -> None:
        """Record a write to the shared stores: the token changes when the lock is released."""
        if not self.held_exclusively:
            raise WorkspaceError(f"{self.path.parent}: a write outside the workspace write lock")
        self._wrote = True

    def on_stale(self, listener: Callable[[], None]) -> Callable[[], None]:
        """`listener()` runs, with the lock held, when another process has written since this
        one last held the lock. Returns a function that removes the listener."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    @contextmanager
    def _hold(self, exclusive: bool) -> Iterator[None]:
        with self._mutex:
            if self._depth == 0:
                self._acquire(exclusive)
            elif exclusive and not self._exclusive:
                # a reader that now needs to write: not atomic, so re-check who wrote in between
                self._flock(fcntl.LOCK_EX)
                self._exclusive = True
                self._read_token()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release()

    def _acquire(self, exclusive: bool) -> None:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        self._flock(fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        self._exclusive = exclusive
        self._read_token()

    def _flock(self, mode: int) -> None:
        assert self._fd is not None
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self._fd, mode | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if not self._waited and self.on_wait is not None:
                    self._waited = True
                    self.on_wait()
                if time.monotonic() > deadline:
                    raise WorkspaceError(
                        f"{self.path.parent}: another icp process has held the workspace lock "
                        f"for {self.timeout:.0f}s"
                    ) from None
                time.sleep(_POLL_SECONDS)

    def _read_token(self) -> None:
        assert self._fd is not None
        token = os.pread(self._fd, _TOKEN_BYTES, 0).decode("ascii", "replace").strip()
        if token != self.token:
            self.token = token
            for listener in list(self._listeners):
                listener()

    def _release(self) -> None:
        assert self._fd is not None
        try:
            if self._wrote:  # our in-memory segments are the newest: keep them, move the token
                self._wrote = False
                self.token = uuid.uuid4().hex
                os.ftruncate(self._fd, 0)
                os.pwrite(self._fd, self.token.encode("ascii"), 0)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            self._exclusive = False

    def close(self) -> None:
        with self._mutex:
            if self._fd is not None and self._depth == 0:
                os.close(self._fd)
                self._fd = None


_LOCKS: dict[Path, WorkspaceLock] = {}
_LOCKS_MUTEX = threading.Lock()


def workspace_lock(root: Path) -> WorkspaceLock:
    """The process's lock object for this workspace (one per workspace, shared by every
    `Workspace` opened on it, so threads and nested calls never lock each other out)."""
    path = (root / LOCK_FILE).resolve()
    with _LOCKS_MUTEX:
        lock = _LOCKS.get(path)
        if lock is None:
            lock = _LOCKS[path] = WorkspaceLock(path)
        lock._users += 1
        return lock


def release_workspace_lock(lock: WorkspaceLock) -> None:
    with _LOCKS_MUTEX:
        lock._users -= 1
        if lock._users <= 0 and lock._depth == 0:
            _LOCKS.pop(lock.path, None)
            lock.close()
