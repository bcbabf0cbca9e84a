#!/usr/bin/env python3
"""Recompute the gold PMF numbers of the closewise corpus from the raw survey export.

Method (Sean Ellis, as in evals/CORPUS_FORMAT.md):
  1. Dedupe respondents. Two rows are the same respondent when they share a resp_id or an
     e-mail (case-insensitive, trimmed); rows without an e-mail are also the same respondent
     when all their answers are identical. Keep the LATEST submission of each respondent.
     Answer text alone is never a reason to dedupe (two people may write the same thing).
  2. Drop blank answers and "N/A - I no longer use Closewise" (any dash, any case).
  3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.

Per segment: a response counts for the segment of the CRM account it is linked to - first by
company name (normalised; a shortened name such as "Tessaro" matches "Tessaro Staffing Group"
when that is unambiguous), else by e-mail domain against the CRM website column. Responses
linked to no account count only overall.

Usage:  python tools/compute_pmf.py            (from the corpus folder, or give its path)
Prints the `pmf:` block for gold.yaml.
"""
from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

try:
    import yaml  # PyYAML
except ImportError:  # pragma: no cover
    yaml = None

STOP = {"inc", "llc", "ltd", "co", "corp", "corporation", "company", "group", "the", "plc",
        "pvt", "uk", "us", "usa", "and"}


def norm_name(name: str) -> tuple[str, ...]:
    s = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    s = s.replace("&", " and ")
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    return tuple(t for t in s.split() if t not in STOP)


def norm_domain(value: str) -> str:
    s = (value or "").strip().lower()
    s = re.sub(r"^[a-z]+://", "", s)
    s = s.split("/")[0]
    if "@" in s:
        s = s.split("@", 1)[1]
    return s[4:] if s.startswith("www.") else s


def norm_answer(value: str) -> str | None:
    s = " ".join((value or "").strip().lower().split())
    if not s or s.startswith("n/a") or s.startswith("na ") or "no longer use" in s:
        return None
    if s.startswith("very"):
        return "very"
    if s.startswith("somewhat"):
        return "somewhat"
    if s.startswith("not"):
        return "not"
    return None


def load_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, r in enumerate(rows):
        r["_order"] = i
        r["_email"] = (r.get("email") or "").strip().lower()
    return rows


def dedupe(rows: list[dict]) -> list[dict]:
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    seen: dict[str, int] = {}
    answer_cols = ["co", "role", "size", "industry", "pmf_q", "nps", "q7_open", "biggest_gap", "other_tool"]
    for i, r in enumerate(rows):
        keys = ["id:" + (r.get("resp_id") or "").strip().lower()]
        if r["_email"]:
            keys.append("email:" + r["_email"])
        else:
            keys.append("answers:" + "\x1f".join((r.get(c) or "").strip().lower() for c in answer_cols))
        for k in keys:
            if k in seen:
                union(i, seen[k])
            else:
                seen[k] = i
    groups: dict[int, list[dict]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(find(i), []).append(r)
    return [max(g, key=lambda r: ((r.get("submitted") or "").strip(), r["_order"])) for g in groups.values()]


def load_crm(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [{"name": r["Account Name"].strip(), "tokens": norm_name(r["Account Name"]),
             "domain": norm_domain(r.get("Website", ""))} for r in rows]


def link(row: dict, crm: list[dict]) -> str | None:
    tokens = norm_name(row.get("co", ""))
    if tokens:
        exact = [a for a in crm if a["tokens"] == tokens]
        if len(exact) == 1:
            return exact[0]["name"]
        prefix = [a for a in crm if a["tokens"][: len(tokens)] == tokens]
        if len(prefix) == 1:
            return prefix[0]["name"]
    dom = norm_domain(row["_email"]) if row["_email"] else ""
    if dom:
        hits = [a for a in crm if a["domain"] == dom]
        if len(hits) == 1:
            return hits[0]["name"]
    return None


def pct(very: int, n: int) -> float | None:
    return round(100.0 * very / n, 1) if n else None


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    rows = load_rows(root / "sources/survey/closewise_pmf_export.csv")
    crm = load_crm(root / "sources/crm/closewise_accounts.csv")
    segments: dict[str, str] = {}
    seg_order: list[str] = []
    if yaml is not None and (root / "gold.yaml").exists():
        gold = yaml.safe_load((root / "gold.yaml").read_text(encoding="utf-8"))
        for seg in gold.get("segments", []):
            seg_order.append(seg["id"])
            for acc in seg.get("accounts", []):
                segments[acc] = seg["id"]

    kept = dedupe(rows)
    overall = {"very": 0, "n": 0}
    per_seg = {s: {"very": 0, "n": 0} for s in seg_order}
    unlinked = 0
    for r in kept:
        ans = norm_answer(r.get("pmf_q", ""))
        if ans is None:
            continue
        overall["n"] += 1
        overall["very"] += ans == "very"
        acc = link(r, crm)
        seg = segments.get(acc) if acc else None
        if seg is None:
            unlinked += 1
            continue
        per_seg[seg]["n"] += 1
        per_seg[seg]["very"] += ans == "very"

    print(f"# {len(rows)} rows, {len(kept)} respondents after dedupe, "
          f"{overall['n']} valid answers ({unlinked} not linked to an account)")
    print("pmf:")
    print('  method: "sean-ellis: dedupe by resp_id or email (rows without email: identical answers) '
          'keeping latest; drop blank and N/A; pct = very / n"')
    print(f"  overall: {{very: {overall['very']}, n: {overall['n']}, pct: {pct(overall['very'], overall['n'])}}}")
    print("  segments:")
    for s in seg_order:
        v = per_seg[s]
        print(f"    {s}: {{very: {v['very']}, n: {v['n']}, pct: {pct(v['very'], v['n'])}}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
