"""The real-data protocol for Q&A (see evals/REAL_DATA.md, "Q&A on real research").

    python evals/real_data_qa.py ask FOLDER --name mlsss --questions QUESTIONS.json
    python evals/real_data_qa.py tally evals/reports/real-mlsss-qa-<commit>/answers.json \
        --verdicts JUDGED_SHEET.json

QUESTIONS.json is written by someone who reads the research, not the engine: ten questions a
researcher would ask, each with `answerable`, the files that answer it and a gist, and for a
"how many … mention X" question the count and the files it counted (see REAL_DATA.md).

`ask` ingests and synthesizes FOLDER in a temporary workspace with the `icp` CLI, as a user
would, asks every question with `icp ask --json` (a new process each), and writes:
- `evals/reports/real-<name>-qa-<commit>/answers.json`: every answer beside its reference;
- a blind copy for the judge (`evals/reports/blind-<name>-qa/sheet.json` and `RUBRIC.md`): each
  question, the answer's sentences and every citation with a few lines of context, nothing about
  the reference, the engine or the scores.
`tally` merges the judge's verdicts and writes `report.md`: the share of citations judged
relevant, unanswerable questions refused, answerable ones refused, and the count against the
reference count. Only `report.md` is committed (the JSON quotes the research)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from real_data import REPORTS, _commit, _context, _icp, open_run, write_report

CITATIONS_JUDGED = 5  # the first five citations of each answer, as Q&A hit@5 counts them
VERDICTS = ("relevant", "not relevant")
RUBRIC = """# Judging rubric: answers to questions about interviews

`sheet.json` lists questions a researcher asked a chat assistant about a set of interviews, with
what the assistant answered: its sentences and the passages it cited (each with a few lines of
the interview around it, the cited words between » and «). You may open the interviews to check
(the `source` field names the file; the folder is given to you separately).

For every citation, set `verdict`:
- **relevant** — the cited passage helps answer the question: the interviewee says something
  that is part of the answer (a problem asked about, a cause, a practice, a tool, a wish…).
- **not relevant** — it does not: it only repeats words of the question without answering it,
  is about something else, is the interviewer talking, or is filler.

For every question, set `refusal_verdict` when the assistant answered "Not enough evidence":
- **right** — the interviews really do not answer the question;
- **wrong** — they do (say where in `note`).
Leave it empty when the assistant answered.

Judge each citation on its own against the question; do not guess what anyone expected.
"""


def ask(args: argparse.Namespace) -> int:
    folder = Path(args.folder).resolve()
    questions = json.loads(Path(args.questions).read_text(encoding="utf-8"))["questions"]
    commit = _commit()
    out = REPORTS / f"real-{args.name}-qa-{commit}"
    out.mkdir(parents=True, exist_ok=True)
    answers = []
    with tempfile.TemporaryDirectory(prefix=f"icp-real-qa-{args.name}-") as temp:
        workspace = Path(temp) / "ws"
        for step in (("ingest", str(folder), "--json"), ("synthesize", "--format", "json")):
            done = _icp(*step, workspace=workspace)
            if done.returncode not in (0, 1):
                print(done.stdout + done.stderr, file=sys.stderr)
                return 1
        texts = _texts(workspace)
        for question in questions:
            done = _icp("ask", question["question"], "--json", workspace=workspace)
            if done.returncode != 0:
                print(f"{question['id']}: {done.stderr.strip()}", file=sys.stderr)
                return 1
            answer = json.loads(done.stdout)
            for citation in answer["citations"]:
                text = texts.get(citation["doc_id"], "")
                citation["context"] = (
                    _context(text, citation["start"], citation["end"]) if text else ""
                )
            answers.append({"reference": question, "answer": answer})
    (out / "answers.json").write_text(json.dumps(answers, indent=2), encoding="utf-8")
    blind = Path(args.blind_dir) if args.blind_dir else REPORTS / f"blind-{args.name}-qa"
    blind.mkdir(parents=True, exist_ok=True)
    (blind / "sheet.json").write_text(json.dumps(blind_sheet(answers), indent=2), "utf-8")
    (blind / "RUBRIC.md").write_text(RUBRIC, encoding="utf-8")
    print(f"wrote {out / 'answers.json'} and the blind sheet in {blind}")
    return 0


def _texts(workspace: Path) -> dict[str, str]:
    with open_run(workspace) as store:
        return {d.doc_id: d.text for d in store.catalog.documents()}


def blind_sheet(answers: list[dict]) -> list[dict]:
    """What the judge sees: the question, the answer's sentences, the first five citations."""
    sheet = []
    for number, entry in enumerate(answers, start=1):
        answer = entry["answer"]
        sheet.append(
            {
                "question_number": number,
                "question": answer["question"],
                "answered": answer["answered"],
                "answer_text": answer["text"],
                "citations": [
                    {
                        "citation": c["number"],
                        "source": c["source"].rsplit("/", 1)[-1],
                        "quote": c["quote"],
                        "context": c.get("context", ""),
                        "verdict": "",
                    }
                    for c in answer["citations"][:CITATIONS_JUDGED]
                ],
                "refusal_verdict": "",
                "note": "",
            }
        )
    return sheet


def tally(args: argparse.Namespace) -> int:
    path = Path(args.answers)
    answers = json.loads(path.read_text(encoding="utf-8"))
    judged = json.loads(Path(args.verdicts).read_text(encoding="utf-8"))
    by_number = {q["question_number"]: q for q in judged}
    lines = [
        f"# Real-data Q&A judgement: {path.parent.name}",
        "",
        "| # | question | reference | answered | citations relevant | note |",
        "|---|---|---|---|---|---|",
    ]
    relevant = total = 0
    refused_right = unanswerable = answerable_refused = answerable = 0
    count_lines = []
    missing = []
    for number, entry in enumerate(answers, start=1):
        reference, answer = entry["reference"], entry["answer"]
        verdicts = by_number.get(number, {})
        marks = [c.get("verdict") for c in verdicts.get("citations", [])]
        if answer["answered"] and any(m not in VERDICTS for m in marks):
            missing.append(number)
        good = sum(m == "relevant" for m in marks)
        if answer["answered"]:
            relevant += good
            total += len(marks)
        if reference["answerable"]:
            answerable += 1
            answerable_refused += not answer["answered"]
        else:
            unanswerable += 1
            refused_right += not answer["answered"]
        if reference.get("count") is not None:
            said = answer.get("count")
            error = (
                abs(said - reference["count"]) / reference["count"]
                if said is not None and reference["count"]
                else None
            )
            count_lines.append(
                f"Count question {number}: answered {said if said is not None else 'no count'}, "
                f"reference {reference['count']}"
                + (f" (off by {100 * error:.0f}%; target within 15%)" if error is not None else "")
            )
        shown = f"{good} of {len(marks)}" if answer["answered"] else "refused"
        lines.append(
            f"| {number} | {reference['question']} | "
            f"{'answerable' if reference['answerable'] else 'unanswerable'} | "
            f"{'yes' if answer['answered'] else 'no'} | {shown} | "
            f"{(verdicts.get('note') or '').replace('|', '/')[:160]} |"
        )
    if missing:
        print(
            f"{args.verdicts}: citations without a verdict in questions {missing}", file=sys.stderr
        )
        return 1
    lines += [
        "",
        f"Citations judged relevant: {relevant} of {total}"
        + (f" ({100 * relevant / total:.0f}%; target ≥ 70%)" if total else ""),
        f"Unanswerable questions refused: {refused_right} of {unanswerable} (target all)",
        f"Answerable questions refused: {answerable_refused} of {answerable} (target none)",
        *count_lines,
    ]
    write_report(path.parent, lines)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ask_p = sub.add_parser("ask", help="ingest, synthesize, ask, write the blind sheet")
    ask_p.add_argument("folder")
    ask_p.add_argument("--name", required=True)
    ask_p.add_argument("--questions", required=True)
    ask_p.add_argument("--blind-dir", help="default evals/reports/blind-NAME-qa")
    tally_p = sub.add_parser("tally", help="merge the judged sheet and write report.md")
    tally_p.add_argument("answers")
    tally_p.add_argument("--verdicts", required=True)
    args = parser.parse_args(argv)
    return ask(args) if args.command == "ask" else tally(args)


if __name__ == "__main__":
    sys.exit(main())
