#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) for the tidemark corpus from the survey export.

Method (evals/CORPUS_FORMAT.md):
  1. Dedupe respondents: rows that share a respondent id OR an e-mail (trimmed,
     case-insensitive) are one respondent; keep the latest submission by `ts`.
     Identical whole rows therefore collapse too. Rows are never merged on answer
     text alone (two people may type the same free text).
  2. Drop blank `pmf_q` answers and "N/A - I no longer use ..." answers.
  3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
Per segment: a response counts for the segment of the CRM account it links to
(company name first, else the e-mail domain against the CRM website). Unlinked
responses count only overall.

Usage:  python tools/compute_pmf.py            (prints the `pmf:` block for gold.yaml)
        python tools/compute_pmf.py --check    (also compares with gold.yaml)
"""
import csv
import json
import re
import sys
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SURVEY = ROOT / "sources" / "survey" / "tidemark_survey.csv"
CRM = ROOT / "sources" / "crm" / "tidemark_accounts.json"
GOLD = ROOT / "gold.yaml"

SUFFIXES = {"inc", "llc", "ltd", "co", "corp", "corporation", "plc", "company", "the"}
# spellings that neither the suffix rule nor the first-word rule resolve
ALIASES = {
    "st brennan regional health": "Saint Brennan Regional Health",
    "tallow st outfitters": "Tallow Street Outfitters",
}


def norm_company(name):
    s = name.lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    words = [w for w in s.split() if w not in SUFFIXES]
    return " ".join(words)


def domain_of(url):
    s = (url or "").strip().lower()
    s = re.sub(r"^https?://", "", s)
    s = s.split("/")[0]
    return s[4:] if s.startswith("www.") else s


def load_accounts():
    recs = json.loads(CRM.read_text(encoding="utf-8"))
    by_name, by_domain = {}, {}
    for r in recs:
        name = r["Account Name"].strip()
        by_name[norm_company(name)] = name
        d = domain_of(r.get("Website"))
        if d:
            by_domain[d] = name
    return by_name, by_domain


def link(company, email, by_name, by_domain):
    c = norm_company(company or "")
    if c:
        if c in ALIASES:
            return ALIASES[c]
        if c in by_name:
            return by_name[c]
        # "Larchmont" -> "Larchmont Payments": a unique CRM name that starts with it
        hits = [v for k, v in by_name.items() if k == c or k.startswith(c + " ")]
        if len(hits) == 1:
            return hits[0]
    e = (email or "").strip().lower()
    if "@" in e:
        return by_domain.get(e.split("@", 1)[1])
    return None


def answer(raw):
    s = " ".join((raw or "").split()).lower()
    if not s:
        return None
    if s.startswith("n/a") or s in {"na", "n.a."}:
        return None
    if s.startswith("very"):
        return "very"
    if s.startswith("somewhat"):
        return "somewhat"
    if s.startswith("not"):
        return "not"
    raise ValueError(f"unrecognised PMF answer: {raw!r}")


def dedupe(rows):
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first = {}
    for i, r in enumerate(rows):
        keys = []
        if r["id"].strip():
            keys.append(("id", r["id"].strip()))
        if r["email"].strip():
            keys.append(("email", r["email"].strip().lower()))
        keys.append(("row", tuple(v.strip() for v in r.values())))
        for k in keys:
            if k in first:
                parent[find(i)] = find(first[k])
            else:
                first[k] = i
    groups = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    keep = []
    for idxs in groups.values():
        latest = max(idxs, key=lambda i: (datetime.fromisoformat(rows[i]["ts"].replace("Z", "+00:00")), i))
        keep.append(rows[latest])
    return keep


def compute():
    with SURVEY.open(encoding="utf-8-sig", newline="") as f:
        rows = [{k.strip(): (v or "") for k, v in r.items()} for r in csv.DictReader(f)]
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8")) if GOLD.exists() else {}
    seg_of = {a: s["id"] for s in gold.get("segments", []) for a in s["accounts"]}
    by_name, by_domain = load_accounts()
    kept = dedupe(rows)
    tally = {"overall": {"very": 0, "n": 0}}
    for s in gold.get("segments", []):
        tally[s["id"]] = {"very": 0, "n": 0}
    for r in kept:
        a = answer(r["pmf_q"])
        if a is None:
            continue
        acct = link(r["company"], r["email"], by_name, by_domain)
        targets = ["overall"]
        if acct and acct in seg_of:
            targets.append(seg_of[acct])
        for t in targets:
            tally[t]["n"] += 1
            tally[t]["very"] += a == "very"
    out = {"method": "sean-ellis: dedupe by respondent id or email (trimmed, case-insensitive) keeping the latest ts; "
                     "drop blank and N/A; pct = very / n; segment by linked CRM account (company, else email domain)"}
    pct = lambda d: round(100.0 * d["very"] / d["n"], 1) if d["n"] else 0.0
    out["overall"] = {"very": tally["overall"]["very"], "n": tally["overall"]["n"], "pct": pct(tally["overall"])}
    out["segments"] = {k: {"very": v["very"], "n": v["n"], "pct": pct(v)} for k, v in tally.items() if k != "overall"}
    return out, len(rows), len(kept)


def main():
    pmf, n_rows, n_kept = compute()
    print(f"# {n_rows} rows, {n_kept} respondents after dedupe", file=sys.stderr)
    print(yaml.safe_dump({"pmf": pmf}, sort_keys=False, allow_unicode=True, width=1000), end="")
    if "--check" in sys.argv:
        gold = yaml.safe_load(GOLD.read_text(encoding="utf-8")).get("pmf")
        if gold != pmf:
            print("MISMATCH with gold.yaml pmf", file=sys.stderr)
            sys.exit(1)
        print("# matches gold.yaml", file=sys.stderr)


if __name__ == "__main__":
    main()
