"""Entry point: the Typer app, error handling and exit codes (0 ok, 1 some inputs failed, 2 usage)."""

from __future__ import annotations

import os
import sys

import click
import typer

from agent.errors import ICPError

app = typer.Typer(
    name="icp",
    help="Turn customer research into an evidence-backed Ideal Customer Profile.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from agent.cli import evals, extract, qa, sources, synthesis, upkeep, web  # noqa: F401  (commands register themselves on import)


def _say(message: str, error: bool = False) -> None:
    if error and sys.stderr.isatty():
        message = f"\033[31m{message}\033[0m"
    print(message, file=sys.stderr)


def run(args: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (tests call this directly)."""
    _register()
    try:
        result = app(args=args, prog_name="icp", standalone_mode=False)
    except click.exceptions.Exit as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # typer turns Ctrl-C into Exit(130)
            _say(
                "Interrupted: files already stored are kept; run the same command again to resume."
            )
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            _say(
                "Interrupted: files already stored are kept; run the same command again to resume."
            )
            return 130
        _say("Aborted.")
        return 1
    except ICPError as exc:
        if os.environ.get("ICP_RAISE_ERRORS") == "1":
            raise
        _say(f"Error: {exc}", error=True)
        return exc.exit_code
    except KeyboardInterrupt:
        _say("Interrupted: files already stored are kept; run the same command again to resume.")
        return 130
    if result == 130:  # typer turns Ctrl-C into Exit(130), which click returns in this mode
        _say("Interrupted: files already stored are kept; run the same command again to resume.")
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())
