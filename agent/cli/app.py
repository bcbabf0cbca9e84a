"""Entry point: the Typer app, error handling and exit codes (0 ok, 1 some inputs failed or
nothing to work on, 2 usage). Bare `icp` prints the help and exits 0, as gh does."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from agent import __version__
from agent.cli import console
from agent.cli.help import ClickError, ICPCommand, ICPGroup, UsageError, usage_message
from agent.errors import ICPError

INTERRUPTED = "Interrupted: files already stored are kept; run the same command again to resume."


class ICPApp(typer.Typer):
    """Every command gets plain help (ICPCommand), also one registered with `@app.command()`."""

    def command(  # type: ignore[override]
        self, name: str | None = None, *, cls: type[ICPCommand] | None = None, **kwargs: Any
    ) -> Callable[[Any], Any]:
        return super().command(name, cls=cls or ICPCommand, **kwargs)


app = ICPApp(
    name="icp",
    cls=ICPGroup,
    help="Turn customer research into an evidence-backed Ideal Customer Profile.",
    epilog="""
        icp ingest interviews/ notes/ survey.csv   # load research into ./.icp
        icp synthesize -o icp.html                 # extract evidence, build and save the ICP
        icp ask "why do trial teams stall?"        # cited answers from the evidence
        pbpaste | icp draft -                      # a quick draft from one pasted transcript
        icp serve                                  # the same in a local web page
    """,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no boxes, no ANSI codes, "[env: ...]" shown as written
    context_settings={"help_option_names": ["-h", "--help"]},
)


def command(name: str | None = None, examples: Sequence[str] = ()) -> Callable[[Any], Any]:
    """Register an `icp` command with plain help; `examples` become its Examples section."""
    return app.command(name, epilog="\n".join(examples) or None)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", "-V", is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    if version:
        console.out.print(f"icp {__version__}", highlight=False)
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        console.out.print(ctx.get_help(), highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(0)


def _register() -> None:
    from agent.cli import evals, extract, qa, sources, synthesis, upkeep, web  # noqa: F401  (commands register themselves on import)


def run(args: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (tests call this directly)."""
    console.setup()
    _register()
    try:
        result = app(args=args, prog_name="icp", standalone_mode=False)
    except UsageError as exc:
        console.error(f"Error: {usage_message(exc)}")
        return exc.exit_code
    except ClickError as exc:
        console.error(f"Error: {exc.format_message()}")
        return exc.exit_code
    except typer.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            console.error(INTERRUPTED)
            return 130
        console.error("Aborted.")
        return 1
    except ICPError as exc:
        if os.environ.get("ICP_RAISE_ERRORS") == "1":
            raise
        console.error(f"Error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        console.error(INTERRUPTED)
        return 130
    if result == 130:  # typer turns Ctrl-C into Exit(130), which it returns in this mode
        console.error(INTERRUPTED)
    return result if isinstance(result, int) else 0


def main() -> None:
    raise SystemExit(run())
