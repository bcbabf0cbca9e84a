#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) for the brindle corpus from the survey file.

Method (see evals/CORPUS_FORMAT.md):
  1. Dedupe respondents: rows that share a resp_id OR an e-mail address (case-insensitive,
     trimmed) are the same respondent; keep the latest submission (by ts; ties -> later in
     the file). Identical whole rows are duplicates too. Never dedupe on answer text alone.
  2. Drop blank answers and "N/A ..." answers.
  3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
Per segment: a response counts for the segment of the account it links to (company name in
`site`, normalised; else e-mail domain matched to the CRM website). Unlinked responses count
only overall.

Usage: python tools/compute_pmf.py [corpus_dir]   (prints the `pmf:` YAML block)
"""
import csv
import re
import sys
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
SURVEY = ROOT / "sources/survey/brindle_survey.csv"
CRM = ROOT / "sources/crm/brindle_accounts.csv"
GOLD = ROOT / "gold.yaml"

SUFFIXES = {"inc", "llc", "co", "ltd", "corp", "company", "the"}


def norm_name(s: str) -> str:
    s = s.lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    words = [w for w in s.split() if w not in SUFFIXES]
    return " ".join(words)


def parse_ts(s: str) -> datetime:
    s = s.strip()
    for fmt in ("%Y-%m-%d %H:%M", "%m/%d/%Y %I:%M %p", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(s, fmt)
        except ValueError:
            pass
    raise ValueError(f"unparsed timestamp: {s!r}")


def bucket(ans: str):
    a = (ans or "").strip().lower()
    if not a or a.startswith("n/a"):
        return None
    if a.startswith("very"):
        return "very"
    if a.startswith("somewhat"):
        return "somewhat"
    if a.startswith("not"):
        return "not"
    return None


def main():
    with open(CRM, newline="", encoding="utf-8") as f:
        crm = list(csv.DictReader(f))
    by_name = {norm_name(r["Account Name"]): r["Account Name"] for r in crm}
    by_domain = {r["Website"].strip().lower(): r["Account Name"] for r in crm if r["Website"].strip()}

    gold = yaml.safe_load(open(GOLD, encoding="utf-8"))
    seg_of = {a: s["id"] for s in gold["segments"] for a in s["accounts"]}

    with open(SURVEY, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))

    # union-find on resp_id / email
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen = {}
    for i, r in enumerate(rows):
        keys = [("id", r["resp_id"].strip())]
        em = r["email_addr"].strip().lower()
        if em:
            keys.append(("em", em))
        else:
            keys.append(("row", tuple(v.strip() for v in r.values())))
        for k in keys:
            if k in seen:
                parent[find(i)] = find(seen[k])
            else:
                seen[k] = i
    groups = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    kept = []
    for idxs in groups.values():
        best = max(idxs, key=lambda i: (parse_ts(rows[i]["ts"]), i))
        kept.append(rows[best])

    overall = {"very": 0, "n": 0}
    segs = {}
    for r in kept:
        b = bucket(r["nodisappoint"])
        if b is None:
            continue
        overall["n"] += 1
        overall["very"] += b == "very"
        acct = by_name.get(norm_name(r["site"])) if r["site"].strip() else None
        if acct is None and "@" in r["email_addr"]:
            acct = by_domain.get(r["email_addr"].strip().lower().split("@", 1)[1])
        seg = seg_of.get(acct)
        if seg:
            d = segs.setdefault(seg, {"very": 0, "n": 0})
            d["n"] += 1
            d["very"] += b == "very"

    def fmt(d):
        return {"very": d["very"], "n": d["n"], "pct": round(100.0 * d["very"] / d["n"], 1) if d["n"] else 0.0}

    out = {
        "pmf": {
            "method": "sean-ellis: dedupe by resp_id or email (case-insensitive, trimmed) keeping latest ts; "
                      "identical rows are duplicates; drop blank and N/A; pct = very / n",
            "overall": fmt(overall),
            "segments": {s: fmt(segs[s]) for s in [x["id"] for x in gold["segments"]] if s in segs},
        },
        "_rows": {"raw": len(rows), "respondents": len(kept)},
    }
    print(yaml.safe_dump(out, sort_keys=False, allow_unicode=True))


if __name__ == "__main__":
    main()
