"""The real-data judging protocol (see evals/REAL_DATA.md).

    python evals/real_data.py run FOLDER --name mlsss [--sample 120] [--interviewer-regex RE]
    python evals/real_data.py tally evals/reports/real-mlsss-<commit>/sheet.json

Only `report.md` is committed: the JSON files quote the research, and real data whose licence
does not allow copying must not enter the repository (`.gitignore` keeps them out).

`run` ingests and synthesizes FOLDER in a temporary workspace with the `icp` CLI, as a user
would, and writes into `evals/reports/real-<name>-<commit>/`:
- `draft.json` (the ICP as rendered), `auto.json` (counts made without a judge: accounts shown,
  evidence quotes in interviewer turns, documents and evidence per kind),
- `sheet.json`: the displayed items (top 8 of each list, every segment), shuffled, each with its
  label, quotes and a few lines of context around each quote, and empty verdict fields. The sheet
  says nothing about the engine or the scores: a blind judge fills it from the rubric alone.
`tally` counts the verdicts per section and writes `report.md` beside the sheet.

Real data whose licence does not allow copying stays outside the repository: pass its folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.store import Workspace

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the agent package of this checkout (labels, the catalog)
REPORTS = REPO / "evals" / "reports"
TOP = 8
SECTIONS = {
    "pains": "pain (a problem they have now)",
    "triggers": "trigger (the event that made them look for a solution now)",
    "jobs": "job to be done (what they are trying to get done)",
    "workarounds": "workaround (what they do today instead)",
    "objections": "objection (a reason to hesitate about buying or adopting)",
    "why_they_buy": "why they buy (a reason they chose, or a result they got)",
    "outcomes_said": "outcome (a result they got or expect)",
}
SURVEY_SECTIONS = {
    "survey_themes": "survey theme (what respondents said in answer to the question, grouped "
    "under one label and counted in respondents)",
    "survey_cuts": "survey comparison (respondents split into groups by one column, with the "
    "survey's fit question per group)",
}
SURVEY_EXAMPLES = 5  # example answers shown for a survey theme
CUTS = 8  # the document shows the first eight comparisons (SURVEY_CUTS)
ROLES = ("economic_buyer", "champion", "end_user", "technical_evaluator", "blocker")
VERDICTS = ("real", "vague", "noise", "misfiled")
LABELLED = ("pains", "triggers", "jobs", "workarounds", "objections", "survey_themes")
DEFAULT_INTERVIEWER = r"(?im)^\s*(?:interviewer|moderator|q)\s*\d*\s*\d*\s*:"
SPEAKER_LINE = r"(?m)^\s*[A-Za-z][\w .'-]{0,30}?\s*\d*\s*:"


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _icp(*args: str, workspace: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "agent", *args, "--workspace", str(workspace)]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO)


@contextmanager
def open_run(workspace: Path) -> Iterator[Workspace]:
    """The workspace a run's `icp` commands wrote (the bundled local embedder's), to read back."""
    from agent.embeddings import LocalEmbedder
    from agent.store import Workspace as Store

    store = Store(workspace, LocalEmbedder.name)
    try:
        yield store
    finally:
        store.close()


def _context(text: str, start: int, end: int, lines: int = 2) -> str:
    """The quote's lines with `lines` lines before and after, the quote marked with »«."""
    before = text.rfind("\n", 0, start)
    for _ in range(lines):
        before = text.rfind("\n", 0, max(before, 0))
    after = end
    for _ in range(lines + 1):
        found = text.find("\n", after + 1)
        after = len(text) if found < 0 else found
    return (text[before + 1 : start] + "»" + text[start:end] + "«" + text[end:after]).strip()


def _items(draft: dict) -> list[dict]:
    """Everything the reader sees that a judge can mark: the top of every list in every
    segment, then the survey findings (themes per free-text question, the fit question by
    segment column, the overall fit share)."""
    items = []
    for segment in draft["segments"]:
        unit = segment.get("unit") or draft.get("unit") or "accounts"
        for section in SECTIONS:
            for claim in segment.get(section, [])[:TOP]:
                items.append(
                    {
                        "section": section,
                        "label": claim["label"],
                        "count": _plural(claim.get("accounts", 0), claim.get("unit") or unit),
                        "refs": claim.get("evidence", []),
                    }
                )
        for role in ROLES:
            entry = (segment.get("buying_committee") or {}).get(role)
            if entry and entry.get("evidence"):
                items.append(
                    {
                        "section": "buying_committee",
                        "label": f"{role.replace('_', ' ')}: {', '.join(entry.get('titles') or []) or 'title not stated'}",
                        "count": _plural(entry.get("accounts", 0), entry.get("unit") or unit),
                        "refs": entry["evidence"],
                    }
                )
    return items + _survey_items(draft)


def _plural(n: int, unit: str) -> str:
    one = {"accounts": "account", "participants": "participant"}.get(unit, unit)
    return f"{n} {one if n == 1 else unit}"


def _group(value: str, column: str) -> str:
    """A comparison's group as the document shows it ('software_saas' → 'Software, SaaS & IT')."""
    from agent.render import labels

    if column.lower() == "industry":
        return labels.industry(value)
    if column.lower() in ("size", "company size", "size_band"):
        return labels.size_band(value)
    return value[:1].upper() + value[1:] if value.islower() else value


def _survey_items(draft: dict) -> list[dict]:
    items = []
    for question in draft.get("survey_themes") or []:
        answers = question["answers"]
        for theme in question["themes"][:TOP]:
            n = theme.get("accounts", 0)
            items.append(
                {
                    "section": "survey_themes",
                    "question": question["question"],
                    "label": theme["label"],
                    "count": f"{n} of {answers} respondents who answered ({100 * n / answers:.0f}%)"
                    if answers
                    else f"{n} respondents",
                    "refs": theme.get("evidence", []),
                    "max_quotes": SURVEY_EXAMPLES,
                }
            )
    metric_names = {
        "pmf": "very disappointed without the product (Sean Ellis)",
        "nps": "Net Promoter Score",
        "recommend": "would recommend (yes among yes / maybe / no)",
        "responses": "responses only (no fit question)",
    }
    for cut in (draft.get("survey_cuts") or [])[:CUTS]:
        rows = []
        for value in cut["values"]:
            row = {"group": _group(value["value"], cut["column"]), "responses": value["responses"]}
            if cut["metric"] == "pmf" and value.get("n"):
                row["very disappointed"] = f"{value['very_disappointed_pct']:g}% of {value['n']}"
            elif cut["metric"] == "nps" and value.get("nps_n"):
                row["NPS"] = f"{value['nps']:g} (n={value['nps_n']})"
            elif cut["metric"] == "recommend" and value.get("recommend_n"):
                row["would recommend"] = (
                    f"{value['recommend_yes_pct']:g}% of {value['recommend_n']}"
                )
            rows.append(row)
        items.append(
            {
                "section": "survey_cuts",
                "label": f"By answer to “{cut['column']}”"  # as the document shows it
                if cut["column"].endswith("?") or len(cut["column"].split()) > 4
                else f"By {cut['column']}",
                "count": f"{len(rows)} groups; compared on: {metric_names.get(cut['metric'], cut['metric'])}"
                + (
                    f"; {cut['respondents']} respondents, each could pick several options"
                    if cut.get("respondents")
                    else ""
                ),
                "rows": rows,
                "refs": [],
            }
        )
    overall = draft.get("pmf_overall") or {}
    if overall.get("n"):
        items.append(
            {
                "section": "survey_cuts",
                "label": "All respondents: very disappointed without the product (Sean Ellis)",
                "count": f"{overall['very_disappointed_pct']:g}% of {overall['n']} answers",
                "rows": [],
                "refs": [],
            }
        )
    return items


def run(args: argparse.Namespace) -> int:
    folder = Path(args.folder).resolve()
    if not folder.exists():
        print(f"{folder}: no such folder", file=sys.stderr)
        return 2
    commit = _commit()
    out = REPORTS / f"real-{args.name}-{commit}"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"icp-real-{args.name}-") as temp:
        workspace = Path(temp) / "ws"
        ingest = _icp("ingest", str(folder), "--json", workspace=workspace)
        if ingest.returncode not in (0, 1):
            print(ingest.stdout + ingest.stderr, file=sys.stderr)
            return 1
        draft_path = out / "draft.json"
        synth = _icp(
            "synthesize", "--format", "json", "--out", str(draft_path), workspace=workspace
        )
        if synth.returncode != 0 or not draft_path.is_file():
            print(synth.stdout + synth.stderr, file=sys.stderr)
            return 1
        with open_run(workspace) as store:
            documents = {d.doc_id: d for d in store.catalog.documents()}
            evidence = store.catalog.evidence()
    draft = json.loads(draft_path.read_text(encoding="utf-8"))
    interviewer = re.compile(args.interviewer_regex)
    speaker = re.compile(SPEAKER_LINE)

    def in_interviewer_turn(doc_id: str, start: int) -> bool:
        doc = documents.get(doc_id)
        if doc is None:
            return False
        labels = list(speaker.finditer(doc.text, 0, start + 1))
        return bool(labels) and bool(interviewer.match(labels[-1].group(0)))

    claims = [e for e in evidence if e.is_claim]
    interviewer_quotes = [e for e in claims if in_interviewer_turn(e.doc_id, e.start)]
    auto = {
        "folder": str(folder),
        "commit": commit,
        "date": dt.date.today().isoformat(),
        "documents": Counter(d.kind.value for d in documents.values()),
        "evidence_claims_by_kind": Counter(e.kind.value for e in claims),
        "evidence_claims_in_interviewer_turns": len(interviewer_quotes),
        "interviewer_examples": [e.quote[:120] for e in interviewer_quotes[:10]],
        "accounts_shown": sorted({a for s in draft["segments"] for a in s["accounts"]}),
        "segments": [
            {"name": s["name"], "accounts": len(s["accounts"]), "hypothesis": s["hypothesis"]}
            for s in draft["segments"]
        ],
    }
    (out / "auto.json").write_text(json.dumps(auto, indent=2, default=dict), encoding="utf-8")

    items = _items(draft)
    rng = random.Random(args.seed)
    if len(items) > args.sample:
        by_section: dict[str, list[dict]] = defaultdict(list)
        for item in items:
            by_section[item["section"]].append(item)
        share = args.sample / len(items)
        items = [
            i
            for group in by_section.values()
            for i in rng.sample(group, max(1, round(len(group) * share)))
        ]
    rng.shuffle(items)
    sheet = [_sheet_item(number, item, documents) for number, item in enumerate(items, 1)]
    (out / "sheet.json").write_text(json.dumps(sheet, indent=2), encoding="utf-8")
    blind = Path(args.blind_dir) if args.blind_dir else REPORTS / f"blind-{args.name}"
    blind.mkdir(parents=True, exist_ok=True)
    (blind / "sheet.json").write_text(json.dumps(blind_copy(sheet), indent=2), encoding="utf-8")
    (blind / "RUBRIC.md").write_text(rubric(), encoding="utf-8")
    counts = Counter(item["section"] for item in sheet)
    print(
        f"{len(sheet)} items to judge in {out / 'sheet.json'} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); "
        f"automatic counts in {out / 'auto.json'}"
    )
    print(f"for the blind judge: {blind / 'sheet.json'} and {blind / 'RUBRIC.md'} (nothing else)")
    print(
        f"accounts shown: {len(auto['accounts_shown'])}; evidence claims in interviewer turns: "
        f"{len(interviewer_quotes)} of {len(claims)}"
    )
    return 0


def _sheet_item(number: int, item: dict, documents: dict) -> dict:
    survey = item["section"] in SURVEY_SECTIONS
    quotes = []
    for ref in item["refs"][: item.get("max_quotes", 3)]:
        doc = documents.get(ref["doc_id"])
        quote = {"quote": ref["quote"], "source": ref["source"]}
        if not survey:  # a survey answer's context is the rest of that response: not needed
            quote["context"] = _context(doc.text, ref["start"], ref["end"]) if doc else ""
        quotes.append(quote)
    entry = {
        "item": number,
        "section": item["section"],
        "shown_as": SECTIONS.get(item["section"])
        or SURVEY_SECTIONS.get(item["section"])
        or "buying role (who decides, champions, uses, evaluates or blocks)",
    }
    if item.get("question"):
        entry["question"] = item["question"]
    entry |= {"label": item["label"], "count": item["count"]}
    if "rows" in item:
        entry["rows"] = item["rows"]
    if quotes or not survey:
        entry["quotes"] = quotes
    entry |= {"verdict": None}
    if item["section"] in LABELLED:
        entry["label_specific_and_faithful"] = None
    if survey:
        entry["count_plausible"] = None
    entry["note"] = ""
    return entry


BLIND_KEYS = (
    "item", "shown_as", "question", "label", "count", "rows", "quotes",
    "verdict", "label_specific_and_faithful", "count_plausible", "note",
)  # fmt: skip


def blind_copy(sheet: list[dict]) -> list[dict]:
    """The sheet as the blind judge gets it: the item number (verdicts are merged back by it),
    what the section means in words, and what the reader sees; no internal section names, no
    commit, no engine, nothing from the run beside it."""
    return [{k: item[k] for k in BLIND_KEYS if k in item} for item in sheet]


def rubric() -> str:
    """The judge's part of REAL_DATA.md (not the results, which would tell earlier verdicts)."""
    text = (REPO / "evals" / "REAL_DATA.md").read_text(encoding="utf-8")
    start = text.index("## The blind judge")
    end = text.index("Then `python evals/real_data.py tally")
    return (
        "# Judging rubric\n\nFill in `verdict` (and the other empty fields) for every item of "
        "`sheet.json`.\n\n"
        + text[start:end].strip().removeprefix("## The blind judge").strip()
        + "\n"
    )


def tally(args: argparse.Namespace) -> int:
    path = Path(args.sheet)
    sheet = json.loads(path.read_text(encoding="utf-8"))
    if args.verdicts:  # the judged blind copy: its fields merged back by item number
        judged = {i["item"]: i for i in json.loads(Path(args.verdicts).read_text(encoding="utf-8"))}
        for item in sheet:
            for key in ("verdict", "label_specific_and_faithful", "count_plausible", "note"):
                if key in judged.get(item["item"], {}):
                    item[key] = judged[item["item"]][key]
        path.write_text(json.dumps(sheet, indent=2), encoding="utf-8")
    missing = [i["item"] for i in sheet if i.get("verdict") not in VERDICTS]
    if missing:
        print(
            f"{path}: items without a verdict ({', '.join(VERDICTS)}): {missing[:20]}",
            file=sys.stderr,
        )
        return 1
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    labels: Counter[str] = Counter()
    plausible: Counter[str] = Counter()
    for item in sheet:
        counts[item["section"]][item["verdict"]] += 1
        counts["all"][item["verdict"]] += 1
        if item["section"] in LABELLED:
            value = item.get("label_specific_and_faithful")
            labels["yes" if value is True else "no" if value is False else "unjudged"] += 1
        if item["section"] in SURVEY_SECTIONS:
            value = item.get("count_plausible")
            plausible["yes" if value is True else "no" if value is False else "unjudged"] += 1
    auto_path = path.parent / "auto.json"
    auto = json.loads(auto_path.read_text(encoding="utf-8")) if auto_path.is_file() else {}
    lines = [
        f"# Real-data judgement: {path.parent.name}",
        "",
        f"Folder: `{auto.get('folder', '?')}` · commit `{auto.get('commit', '?')}` · run {auto.get('date', '?')}",
        "",
        "| section | items | real | vague | noise | misfiled | real % | noise % |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for section in sorted(counts, key=lambda s: (s == "all", s)):
        c = counts[section]
        n = sum(c.values())
        lines.append(
            f"| {section} | {n} | {c['real']} | {c['vague']} | {c['noise']} | {c['misfiled']} "
            f"| {100 * c['real'] / n:.0f}% | {100 * c['noise'] / n:.0f}% |"
        )
    judged = labels["yes"] + labels["no"]
    lines += [
        "",
        f"Theme labels judged specific and faithful: {labels['yes']} of {judged}"
        + (f" ({100 * labels['yes'] / judged:.0f}%)" if judged else ""),
        "",
    ]
    if plausible:
        counted = plausible["yes"] + plausible["no"]
        lines += [
            f"Survey counts judged plausible: {plausible['yes']} of {counted}"
            + (f" ({100 * plausible['yes'] / counted:.0f}%)" if counted else ""),
            "",
        ]
    lines += [
        f"Automatic: {len(auto.get('accounts_shown', []))} accounts shown "
        f"({', '.join(auto.get('accounts_shown', [])[:12])}); "
        f"{auto.get('evidence_claims_in_interviewer_turns', '?')} evidence claims in interviewer turns.",
    ]
    write_report(path.parent, lines)
    return 0


def write_report(folder: Path, lines: list[str]) -> None:
    """`report.md` in the run's folder (the one file of a run that is committed), and on screen."""
    (folder / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="ingest, synthesize, write the judging sheet")
    run_p.add_argument("folder")
    run_p.add_argument("--name", required=True)
    run_p.add_argument("--sample", type=int, default=120)
    run_p.add_argument("--seed", type=int, default=7)
    run_p.add_argument("--interviewer-regex", default=DEFAULT_INTERVIEWER)
    tally_p = sub.add_parser("tally", help="count a judged sheet's verdicts")
    run_p.add_argument(
        "--blind-dir", help="where the blind judge's copy goes (default evals/reports/blind-NAME)"
    )
    tally_p.add_argument("sheet")
    tally_p.add_argument("--verdicts", help="the judged blind copy, merged in by item number")
    args = parser.parse_args(argv)
    return run(args) if args.command == "run" else tally(args)


if __name__ == "__main__":
    sys.exit(main())
