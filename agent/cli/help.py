"""Help and usage errors in the manner of gh, uv and llm: plain text, upper-case metavars (DIR,
FILE, QUESTION) instead of Python types, an Examples section on every command, commands in
the order of the workflow, and one-line usage errors with a "did you mean".

Typer 0.29 ships its own copy of click as `typer._click` and raises only that copy's
exceptions (the separately installed `click` package is a different module whose classes
never match), so the error classes are imported from there."""

from __future__ import annotations

import difflib
from typing import Any

from typer._click import exceptions as click_errors
from typer.core import TyperCommand, TyperGroup

# The order people use the commands in; anything not listed (a new command) comes last.
WORKFLOW = (
    "ingest",
    "extract",
    "synthesize",
    "draft",
    "ask",
    "chat",
    "serve",
    "sources",
    "forget",
    "versions",
    "diff",
    "score",
    "schema",
    "config",
    "doctor",
    "eval",
)

UsageError = click_errors.UsageError
ClickError = click_errors.ClickException


def _metavar(param: Any) -> str:
    return param.metavar or (param.name or "value").upper()


def _is_flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False) or getattr(param, "count", False))


def label(param: Any) -> str:
    """`-w, --workspace DIR`, `--json`, `PATH...`: what the user types, never a Python type."""
    if param.param_type_name == "argument":
        return _metavar(param) + ("..." if param.nargs != 1 else "")
    names = sorted(param.opts, key=lambda o: (o.startswith("--"), o))
    text = ", ".join(names)
    if param.secondary_opts:
        text += " / " + ", ".join(param.secondary_opts)
    if not _is_flag(param):
        text += f" {_metavar(param)}"
    return text if names[0].startswith("-") and not names[0].startswith("--") else "    " + text


def _usage_pieces(command: Any, ctx: Any) -> list[str]:
    pieces = [command.options_metavar] if command.options_metavar else []
    for param in command.get_params(ctx):
        if param.param_type_name != "argument":
            continue
        name = label(param)
        pieces.append(name if param.required else f"[{name}]")
    return pieces


def _write_params(command: Any, ctx: Any, formatter: Any) -> None:
    arguments: list[tuple[str, str]] = []
    options: list[tuple[str, str]] = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        row = (label(param), record[1])
        (arguments if param.param_type_name == "argument" else options).append(row)
    for title, rows in (("Arguments", arguments), ("Options", options)):
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)


def _write_examples(command: Any, formatter: Any) -> None:
    """The epilog holds the examples, one command line per line, written as they are."""
    if not command.epilog:
        return
    with formatter.section("Examples"):
        for line in command.epilog.strip().splitlines():
            formatter.write(f"{'':>{formatter.current_indent}}{line.strip()}\n")


class ICPCommand(TyperCommand):
    """One `icp` command with plain help."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return _usage_pieces(self, ctx)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        _write_params(self, ctx, formatter)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        _write_examples(self, formatter)


class ICPGroup(TyperGroup):
    """`icp` itself: commands in workflow order, and a suggestion for a mistyped command."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = list(self.commands)
        known = [n for n in WORKFLOW if n in self.commands]
        return known + sorted(n for n in names if n not in WORKFLOW)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            suggestion = f"; did you mean '{close[0]}'?" if close else ""
            ctx.fail(f"unknown command '{name}'{suggestion}")
        return super().resolve_command(ctx, args)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        _write_params(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        _write_examples(self, formatter)


def usage_message(exc: Any) -> str:
    """One line for a usage error: what is wrong, the closest valid spelling, where help is."""
    ctx = exc.ctx
    path = ctx.command_path if ctx is not None else "icp"
    if isinstance(exc, click_errors.NoSuchOption):
        message = f"unknown option '{exc.option_name}' for '{path}'"
        if exc.possibilities:
            options = " or ".join(f"'{p}'" for p in sorted(exc.possibilities))
            message += f"; did you mean {options}?"
    elif isinstance(exc, click_errors.MissingParameter) and exc.param is not None:
        message = f"missing {exc.param.param_type_name} {label(exc.param).strip()}"
        if ctx is not None:
            message += f" (usage: {path} {' '.join(_usage_pieces(ctx.command, ctx))})"
    else:
        message = exc.format_message()
        if message.startswith("Got unexpected extra argument"):
            message += "; put a value that contains spaces in quotes"
    end = "" if message.endswith(("?", ".")) else "."
    return f"{message}{end} See '{path} --help'."
