"""The `icp` command line: parses arguments, calls the core, renders results. No logic of its own."""

from agent.cli.app import app, main, run

__all__ = ["app", "main", "run"]
