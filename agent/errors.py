"""User-facing errors. Only the CLI turns them into a message and an exit code."""

from __future__ import annotations


class ICPError(Exception):
    """An error a user can act on; the message names the file or setting and the reason."""

    exit_code = 1


class UsageError(ICPError):
    """The command line or configuration asks for something impossible."""

    exit_code = 2


class SourceError(ICPError):
    """One input file could not be loaded; the rest of the batch goes on."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class WorkspaceError(ICPError):
    """The workspace is missing, locked too long, or inconsistent."""


class ModelError(ICPError):
    """The language model endpoint failed after retries, or kept returning invalid output."""

    def __init__(self, message: str, attempts: int = 0, last_output: str | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_output = last_output
