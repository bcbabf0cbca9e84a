#!/usr/bin/env python3
"""Verify gold.yaml of the FieldCrew corpus against its source files.

Checks:
  * every evidence / distractor quote occurs verbatim (whitespace collapsed) in
    its file, inside ONE speaker turn (never spanning two speakers), and never in
    an interviewer turn;
      - .docx: paragraphs (python-docx), "Name: text" paragraphs are turns;
      - .vtt / .srt: header, cue numbers, timing lines and NOTE blocks dropped,
        the "Name:" prefix stripped, cue texts joined with spaces, consecutive
        cues of the same speaker merged into one turn;
      - .txt / .md: YAML front matter dropped; plain "Name:" labels,
        "[hh:mm:ss] Name:" / "hh:mm:ss Name:" and Otter "Name  m:ss" headers
        start turns (a label counts as a speaker only if it starts >= 2 lines,
        so notes with "Next steps:" style headings stay speakerless);
      - deals/*.md: front matter dropped, body is one segment;
  * vocabularies: kind, job_type, role, impact fields, why;
  * every transcript and deal file has evidence, and every evidence file exists;
  * evidence accounts and segment accounts exist in the CRM export; segments are
    disjoint and together cover every CRM account;
  * no distractor overlaps an evidence quote; the prompt-injection line is not labelled;
  * the pmf block equals a fresh run of tools/compute_pmf.py;
  * qa: 12 answerable with existing files, 4 unanswerable.
Exit code 0 when everything passes.
"""
from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DATASET = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE.parent
SRC = DATASET / "sources"
sys.path.insert(0, str(HERE))
import compute_pmf  # noqa: E402

KINDS = {"pain", "job", "trigger", "outcome", "workaround", "objection", "buying_role",
         "firmographic", "technographic", "win_reason", "loss_reason", "churn_reason"}
JOB_TYPES = {"functional", "emotional", "social"}
ROLES = {"economic_buyer", "champion", "end_user", "technical_evaluator", "blocker"}
PERIODS = {"day", "week", "month", "quarter", "year"}
WHY = {"negated", "hypothetical", "reported"}
STAFF = {"ravi menon", "tess morgan", "owen pak", "interviewer", "q"}

WS = re.compile(r"\s+")


def ws(s: str) -> str:
    return WS.sub(" ", s).strip()


def strip_front_matter(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[end + 4:]
    return text


LABEL = re.compile(r"^([A-Z][^:\n]{0,80}?):\s+(.*)$")
TS_LABEL = re.compile(r"^\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s+([^:\n]{1,80}?):\s*(.*)$")
OTTER = re.compile(r"^(\S.{0,60}?)  (\d{1,2}:\d{2}(?::\d{2})?)\s*$")


def turns_from_lines(lines: list[str]) -> list[tuple[str | None, str]]:
    """Group lines into (speaker, text) turns."""
    def label_of(line):
        m = TS_LABEL.match(line)
        if m:
            return m.group(1).strip(), m.group(2)
        m = OTTER.match(line)
        if m:
            return m.group(1).strip(), ""
        m = LABEL.match(line)
        if m:
            return m.group(1).strip(), m.group(2)
        return None

    counts = collections.Counter(l[0] for l in (label_of(x) for x in lines) if l)
    speakers = {k for k, v in counts.items() if v >= 2}
    turns: list[list] = []
    cur = [None, []]
    for line in lines:
        lab = label_of(line)
        if lab and lab[0] in speakers:
            if cur[1]:
                turns.append(cur)
            cur = [lab[0], [lab[1]]]
        elif not line.strip() and cur[0] is None:
            # speakerless text: a blank line ends a paragraph
            if cur[1]:
                turns.append(cur)
            cur = [None, []]
        else:
            cur[1].append(line)
    if cur[1]:
        turns.append(cur)
    return [(sp, ws(" ".join(parts))) for sp, parts in turns if ws(" ".join(parts))]


def load_cues(text: str) -> list[tuple[str | None, str]]:
    text = text.lstrip("\ufeff")
    blocks = re.split(r"\n\s*\n", text.strip())
    turns: list[list] = []
    for b in blocks:
        lines = [l for l in b.splitlines()]
        if not lines:
            continue
        if lines[0].startswith("WEBVTT") or lines[0].startswith("NOTE"):
            continue
        body = [l for l in lines if "-->" not in l and not re.fullmatch(r"\d+", l.strip())]
        if not body:
            continue
        m = LABEL.match(body[0])
        if m:
            spk, first = m.group(1).strip(), m.group(2)
        else:
            spk, first = (turns[-1][0] if turns else None), body[0]
        txt = ws(" ".join([first] + body[1:]))
        if turns and turns[-1][0] == spk:
            turns[-1][1] += " " + txt
        else:
            turns.append([spk, txt])
    return [(s, ws(t)) for s, t in turns]


def load_docx(path: Path) -> list[tuple[str | None, str]]:
    import docx
    paras = [p.text for p in docx.Document(str(path)).paragraphs]
    return turns_from_lines([p for p in paras if p.strip()])


def segments_of(rel: str) -> list[tuple[str | None, str]]:
    path = SRC / rel
    if rel.startswith("deals/"):
        return [(None, ws(strip_front_matter(path.read_text(encoding="utf-8"))))]
    suf = path.suffix.lower()
    if suf == ".docx":
        return load_docx(path)
    if suf in (".vtt", ".srt"):
        return load_cues(path.read_text(encoding="utf-8"))
    return turns_from_lines(strip_front_matter(path.read_text(encoding="utf-8")).splitlines())


def is_interviewer(speaker: str | None) -> bool:
    if not speaker:
        return False
    s = speaker.lower()
    return "fieldcrew" in s or s in STAFF or s.split(" (")[0] in STAFF


def main() -> int:
    errors: list[str] = []
    gold = yaml.safe_load((DATASET / "gold.yaml").read_text(encoding="utf-8"))
    crm = json.loads((SRC / "crm" / "fieldcrew-accounts.json").read_text(encoding="utf-8"))
    crm_names = [a["name"] for a in crm]
    cache: dict[str, list] = {}

    def locate(rel: str, quote: str, where: str):
        if not (SRC / rel).exists():
            errors.append(f"{where}: file not found: {rel}")
            return
        if rel not in cache:
            cache[rel] = segments_of(rel)
        q = ws(quote)
        hits = [sp for sp, txt in cache[rel] if q in txt]
        if not hits:
            whole = " ".join(t for _, t in cache[rel])
            if q in whole:
                errors.append(f"{where}: quote spans two turns/speakers in {rel}: {quote[:70]!r}")
            else:
                errors.append(f"{where}: quote not found in {rel}: {quote[:70]!r}")
            return
        if all(is_interviewer(sp) for sp in hits):
            errors.append(f"{where}: quote only found in an interviewer turn in {rel}: {quote[:70]!r}")

    ev = gold.get("evidence") or []
    per_kind = collections.Counter()
    per_file = collections.Counter()
    for i, e in enumerate(ev):
        where = f"evidence[{i}]"
        k = e.get("kind")
        per_kind[k] += 1
        per_file[e.get("file")] += 1
        if k not in KINDS:
            errors.append(f"{where}: bad kind {k!r}")
        if k == "job" and e.get("job_type") not in JOB_TYPES:
            errors.append(f"{where}: job without valid job_type")
        if k != "job" and "job_type" in e:
            errors.append(f"{where}: job_type on non-job")
        if k == "buying_role" and e.get("role") not in ROLES:
            errors.append(f"{where}: buying_role without valid role")
        if k != "buying_role" and "role" in e:
            errors.append(f"{where}: role on non-buying_role")
        imp = e.get("impact")
        if imp is not None:
            if not isinstance(imp.get("amount"), (int, float)) or not isinstance(imp.get("unit"), str):
                errors.append(f"{where}: bad impact {imp}")
            if "period" in imp and imp["period"] not in PERIODS:
                errors.append(f"{where}: bad impact period {imp}")
        if e.get("account") not in crm_names:
            errors.append(f"{where}: account not in CRM: {e.get('account')!r}")
        if "ignore previous instructions" in e.get("quote", "").lower():
            errors.append(f"{where}: prompt-injection line must not be labelled")
        locate(e.get("file", ""), e.get("quote", ""), where)

    # duplicate labels (same file, kind, quote)
    seen = collections.Counter((e["file"], e["kind"], ws(e["quote"])) for e in ev)
    for key, n in seen.items():
        if n > 1:
            errors.append(f"duplicate evidence label: {key}")

    dis = gold.get("distractors") or []
    ev_quotes = collections.defaultdict(list)
    for e in ev:
        ev_quotes[e["file"]].append(ws(e["quote"]))
    for i, d in enumerate(dis):
        where = f"distractors[{i}]"
        if d.get("why") not in WHY:
            errors.append(f"{where}: bad why {d.get('why')!r}")
        if "ignore previous instructions" in d.get("quote", "").lower():
            errors.append(f"{where}: prompt-injection line must not be labelled")
        locate(d.get("file", ""), d.get("quote", ""), where)
        q = ws(d.get("quote", ""))
        for eq in ev_quotes[d.get("file")]:
            if q in eq or eq in q:
                errors.append(f"{where}: distractor overlaps evidence quote {eq[:60]!r}")

    # every source file labelled
    for sub in ("transcripts", "deals"):
        for p in sorted((SRC / sub).iterdir()):
            rel = f"{sub}/{p.name}"
            if per_file[rel] == 0:
                errors.append(f"no evidence for {rel}")

    # segments
    seg_accounts = collections.Counter()
    for s in gold["segments"]:
        for a in s["accounts"]:
            seg_accounts[a] += 1
            if a not in crm_names:
                errors.append(f"segment {s['id']}: account not in CRM: {a!r}")
    for a, n in seg_accounts.items():
        if n > 1:
            errors.append(f"account in more than one segment: {a!r}")
    for a in crm_names:
        if a not in seg_accounts:
            errors.append(f"CRM account in no segment: {a!r}")
    if not any(s.get("hypothesis") for s in gold["segments"]):
        errors.append("no hypothesis segment")
    if not any(s.get("negative") for s in gold["segments"]):
        errors.append("no negative segment")

    # pmf
    fresh = compute_pmf.compute(DATASET)
    if gold.get("pmf") != fresh:
        errors.append(f"pmf block differs from a fresh computation:\n  gold:  {gold.get('pmf')}\n  fresh: {fresh}")

    # qa
    qa = gold.get("qa") or []
    ans = [q for q in qa if q.get("answerable")]
    una = [q for q in qa if not q.get("answerable")]
    if len(ans) != 12 or len(una) != 4:
        errors.append(f"qa: expected 12 answerable + 4 unanswerable, got {len(ans)} + {len(una)}")
    for q in ans:
        if not q.get("files"):
            errors.append(f"qa without files: {q['question']}")
        for f in q.get("files", []):
            if not (SRC / f).exists():
                errors.append(f"qa file missing: {f}")

    print(f"evidence labels: {len(ev)}")
    for k in sorted(per_kind):
        print(f"  {k:<15} {per_kind[k]}")
    print(f"distractors: {len(dis)} ({dict(collections.Counter(d['why'] for d in dis))})")
    print(f"pmf: {fresh['overall']} | " + ", ".join(f"{k} {v['pct']}% ({v['very']}/{v['n']})" for k, v in fresh["segments"].items()))
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  -", e)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
