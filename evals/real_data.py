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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
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
ROLES = ("economic_buyer", "champion", "end_user", "technical_evaluator", "blocker")
VERDICTS = ("real", "vague", "noise", "misfiled")
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
    items = []
    for segment in draft["segments"]:
        for section in SECTIONS:
            for claim in segment.get(section, [])[:TOP]:
                items.append(
                    {
                        "section": section,
                        "label": claim["label"],
                        "count": f"{claim.get('accounts', '?')} accounts",
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
                        "count": f"{entry.get('accounts', '?')} accounts",
                        "refs": entry["evidence"],
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
        sys.path.insert(0, str(REPO))
        from agent.store import Workspace

        store = Workspace(workspace, "minilm-l6-int8")
        try:
            documents = {d.doc_id: d for d in store.catalog.documents()}
            evidence = store.catalog.evidence()
        finally:
            store.close()
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
    sheet = []
    for number, item in enumerate(items, 1):
        quotes = []
        for ref in item["refs"][:3]:
            doc = documents.get(ref["doc_id"])
            quotes.append(
                {
                    "quote": ref["quote"],
                    "source": ref["source"],
                    "context": _context(doc.text, ref["start"], ref["end"]) if doc else "",
                }
            )
        sheet.append(
            {
                "item": number,
                "section": item["section"],
                "shown_as": SECTIONS.get(
                    item["section"],
                    "buying role (who decides, champions, uses, evaluates or blocks)",
                ),
                "label": item["label"],
                "count": item["count"],
                "quotes": quotes,
                "verdict": None,
                "label_specific_and_faithful": None,
                "note": "",
            }
        )
    (out / "sheet.json").write_text(json.dumps(sheet, indent=2), encoding="utf-8")
    print(
        f"{len(sheet)} items to judge in {out / 'sheet.json'}; automatic counts in {out / 'auto.json'}"
    )
    print(
        f"accounts shown: {len(auto['accounts_shown'])}; evidence claims in interviewer turns: "
        f"{len(interviewer_quotes)} of {len(claims)}"
    )
    return 0


def tally(args: argparse.Namespace) -> int:
    path = Path(args.sheet)
    sheet = json.loads(path.read_text(encoding="utf-8"))
    missing = [i["item"] for i in sheet if i.get("verdict") not in VERDICTS]
    if missing:
        print(
            f"{path}: items without a verdict ({', '.join(VERDICTS)}): {missing[:20]}",
            file=sys.stderr,
        )
        return 1
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    labels: Counter[str] = Counter()
    for item in sheet:
        counts[item["section"]][item["verdict"]] += 1
        counts["all"][item["verdict"]] += 1
        if item["section"] in ("pains", "triggers", "jobs", "workarounds", "objections"):
            value = item.get("label_specific_and_faithful")
            labels["yes" if value is True else "no" if value is False else "unjudged"] += 1
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
        f"Automatic: {len(auto.get('accounts_shown', []))} accounts shown "
        f"({', '.join(auto.get('accounts_shown', [])[:12])}); "
        f"{auto.get('evidence_claims_in_interviewer_turns', '?')} evidence claims in interviewer turns.",
    ]
    report = path.parent / "report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


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
    tally_p.add_argument("sheet")
    args = parser.parse_args(argv)
    return run(args) if args.command == "run" else tally(args)


if __name__ == "__main__":
    sys.exit(main())
