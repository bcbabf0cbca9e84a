"""`icp ask` and `icp chat`: questions over the customer evidence with cited answers."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Annotated

import typer

from agent.cli.app import command
from agent.cli.console import err, out
from agent.cli.options import (
    BaseUrl,
    ChromaUrl,
    Embeddings,
    Engine,
    Json,
    Model,
    Workspace_,
    open_workspace,
    settings_from,
)

Segment = Annotated[
    str | None,
    typer.Option("--segment", metavar="SEGMENT", help="Segment id or name (latest ICP version)."),
]
Account = Annotated[
    str | None, typer.Option("--account", metavar="ACCOUNT", help="Only this account.")
]
Kind = Annotated[
    str | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help="Source kind (transcript, survey, …) or evidence kind (pain, trigger, …).",
    ),
]
OutcomeOpt = Annotated[
    str | None,
    typer.Option("--outcome", metavar="OUTCOME", help="won | lost | churned | expanded | open"),
]
DateFrom = Annotated[
    str | None,
    typer.Option("--from", metavar="DATE", help="Documents dated on or after (YYYY-MM-DD)."),
]
DateTo = Annotated[
    str | None,
    typer.Option("--to", metavar="DATE", help="Documents dated on or before (YYYY-MM-DD)."),
]


def _filters(segment, account, kind, outcome, date_from, date_to):
    from agent.qa.models import Filters

    return Filters(
        segment=segment,
        account=account,
        kind=kind,
        outcome=outcome,
        date_from=date_from,
        date_to=date_to,
    )


def _answer(question: str, ws, settings, embedder, filters, history=None):
    """answer_question, with an endpoint failure (429 after retries, refused connection,
    timeout) turned into one clear line and exit 1 instead of a traceback."""
    from agent.qa.answer import answer_question

    try:
        return answer_question(question, ws, settings, embedder, filters=filters, history=history)
    except Exception as exc:
        from agent.llm import model_error

        error = model_error(exc, settings)
        if error is None:
            raise
        raise error from exc


def _quote_line(citation) -> str:
    from rich.markup import escape

    from agent.textspans import quote_text

    quote = " ".join(quote_text(citation.quote).split())
    if len(quote) > 240:
        quote = quote[:237] + "…"
    where = (
        f"{citation.source}:{citation.start}-{citation.end} ({citation.account or 'no account'})"
    )
    # the research's own brackets ("[laughs]", "[Karen]") are text, not console markup
    return f"  [bold]\\[{citation.number}][/] {escape(where)} “{escape(quote)}”"


def print_answer(answer) -> None:
    import re

    style = "" if answer.answered else "[yellow]"
    by_number = {c.number: c for c in answer.citations}
    sentences = re.split(r"(?<=\]\.)\s+", answer.text)
    if answer.answered and len(sentences) > 1 and by_number:
        for sentence in sentences:  # each sentence with the quotes it cites under it
            out.print(sentence, highlight=False)
            for number in dict.fromkeys(int(n) for n in re.findall(r"\[(\d+)\]", sentence)):
                if number in by_number:
                    out.print(_quote_line(by_number[number]), highlight=False)
        return
    out.print(f"{style}{answer.text}", highlight=False)
    cited = answer.citations or answer.closest
    if cited:
        out.print("[dim]" + ("Sources:" if answer.citations else "Closest passages:"))
        for citation in cited:
            out.print(
                _quote_line(citation),
                highlight=False,
            )
    if answer.rejected_citations:
        out.print(
            f"[dim]{answer.rejected_citations} model citation(s) could not be verified and were removed."
        )


@command(
    examples=[
        'icp ask "why do trial teams stall after the first month?"',
        'icp ask "what made enterprise buyers start looking?" --segment s2 --outcome won',
        'icp ask "how many accounts mention lead times?" --json',
    ]
)
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(metavar="QUESTION", help="The question, in quotes.")],
    workspace: Workspace_ = None,
    chroma_url: ChromaUrl = None,
    embeddings: Embeddings = None,
    segment: Segment = None,
    account: Account = None,
    kind: Kind = None,
    outcome: OutcomeOpt = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    engine: Engine = None,
    model: Model = None,
    base_url: BaseUrl = None,
    json_out: Json = False,
) -> None:
    """Ask a question; the answer cites its sources.

    Every sentence of the answer cites a source span. Counting and comparison questions are
    answered from the evidence tables and the latest ICP."""
    from agent.embeddings import LocalEmbedder, make_embedder

    if not question.strip():
        from agent.cli.help import UsageError

        raise UsageError("the question is empty", ctx=ctx)
    settings = settings_from(
        chroma_url=chroma_url,
        embeddings=embeddings,
        workspace=workspace,
        engine=engine,
        model=model,
        base_url=base_url,
    )
    embedder = make_embedder(settings, quick_start=True)
    if isinstance(embedder, LocalEmbedder):
        embedder.load_in_background()  # while the workspace opens and the answer code loads
    ws = open_workspace(settings, must_exist=True)
    try:
        answer = _answer(
            question,
            ws,
            settings,
            embedder,
            _filters(segment, account, kind, outcome, date_from, date_to),
        )
    finally:
        ws.close()
    if json_out:
        out.print_json(json.dumps(answer.model_dump(mode="json")))
    else:
        print_answer(answer)


@command(
    examples=[
        "icp chat --segment s1",
        "printf 'why do deals stall?\\nand in the lost ones?\\n' | icp chat --json",
    ]
)
def chat(
    workspace: Workspace_ = None,
    chroma_url: ChromaUrl = None,
    embeddings: Embeddings = None,
    segment: Segment = None,
    account: Account = None,
    kind: Kind = None,
    outcome: OutcomeOpt = None,
    engine: Engine = None,
    model: Model = None,
    base_url: BaseUrl = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="One JSON answer per line on stdout (JSON lines).")
    ] = False,
) -> None:
    """A conversation over the evidence.

    Follow-up questions are resolved against the history.
    Type /clear to forget the history, /quit to leave. Questions can also be piped in, one per
    line."""
    from agent.embeddings import make_embedder

    with contextlib.suppress(ImportError):  # line editing and history for input()
        import readline  # noqa: F401
    settings = settings_from(
        chroma_url=chroma_url,
        embeddings=embeddings,
        workspace=workspace,
        engine=engine,
        model=model,
        base_url=base_url,
    )
    ws = open_workspace(settings, must_exist=True)
    embedder = make_embedder(settings)
    from agent.qa.warm import warm_up

    warm_up(embedder, ws)  # the first question is then as fast as the rest
    filters = _filters(segment, account, kind, outcome, None, None)
    history: list[tuple[str, str]] = []
    interactive = sys.stdin.isatty()
    if interactive and not json_out:
        out.print(
            f"Asking the evidence in {settings.workspace} ({settings.effective_engine}). /clear forgets the conversation, /quit leaves.",
            highlight=False,
        )
    try:
        while True:
            try:
                question = _read_question(interactive and not json_out)
            except EOFError:
                break
            if not question:
                continue
            if question in ("/quit", "/exit", "quit", "exit"):
                break
            if question == "/clear":
                history.clear()
                if not json_out:
                    err.print("[dim]Conversation cleared.")
                continue
            answer = _answer(question, ws, settings, embedder, filters, history)
            if json_out:
                sys.stdout.write(json.dumps(answer.model_dump(mode="json")) + "\n")
                sys.stdout.flush()
            else:
                print_answer(answer)
            history.append((question, answer.resolved_question))
    finally:
        ws.close()


def _read_question(prompt: bool) -> str:
    """A line from the user: with the `you>` prompt on a terminal, bare when piped."""
    if prompt:
        return input("you> ").strip()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.strip()
