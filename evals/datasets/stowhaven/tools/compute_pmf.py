#!/usr/bin/env python3
"""Recompute the gold PMF numbers for the stowhaven corpus from the survey export.

Method (Sean Ellis, as in evals/CORPUS_FORMAT.md):
  1. dedupe: respondents with an e-mail are keyed on the e-mail (trimmed, case-insensitive);
     rows without an e-mail are keyed on the whole row (identical rows are one response).
     The latest `submitted` wins. Answer text alone is never used to dedupe.
  2. drop blank answers and "N/A - I no longer use ..." answers.
  3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
Per segment: a response is linked to a CRM account by company name (normalised, legal
suffixes dropped, known abbreviations), else by e-mail domain; segment membership comes
from gold.yaml. Unlinked responses count only overall.

Usage: python tools/compute_pmf.py [corpus_dir]
"""

import csv
import os
import re
import sys
from datetime import datetime

import yaml

ROOT = (
    sys.argv[1]
    if len(sys.argv) > 1
    else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
)
SURVEY = os.path.join(ROOT, "sources", "survey", "stowhaven_pmf.csv")
CRM = os.path.join(ROOT, "sources", "crm", "stowhaven_hubspot_export.csv")
GOLD = os.path.join(ROOT, "gold.yaml")

# abbreviations respondents typed that no string rule can recover
ALIASES = {"tcsg": "Tri-County Storage Group", "fssp": "Frontier Self Storage Partners"}
SUFFIXES = re.compile(r"\b(llc|inc|co|corp|ltd|company)\b\.?")


def norm(name):
    s = (name or "").lower().replace("&", " and ")
    s = SUFFIXES.sub(" ", s)
    return re.sub(r"[^a-z0-9]", "", s)


def classify(answer):
    a = (answer or "").strip().lower()
    if not a:
        return None
    if a.startswith("n/a") or "no longer use" in a:
        return None
    if a.startswith("very"):
        return "very"
    if a.startswith("somewhat"):
        return "somewhat"
    if a.startswith("not"):
        return "not"
    raise ValueError(f"unrecognised PMF answer: {answer!r}")


def parse_ts(s):
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M"):
        try:
            return datetime.strptime(s.strip(), fmt)
        except ValueError:
            pass
    return datetime.min


def main():
    with open(CRM, newline="", encoding="utf-8-sig") as f:
        crm = list(csv.DictReader(f))
    by_name = {norm(r["Company name"]): r["Company name"] for r in crm}
    by_domain = {r["Company Domain Name"].strip().lower(): r["Company name"] for r in crm}
    with open(GOLD, encoding="utf-8") as f:
        gold = yaml.safe_load(f)
    seg_of = {a: s["id"] for s in gold["segments"] for a in s["accounts"]}

    def link(company, email):
        n = norm(company)
        if n:
            if n in ALIASES:
                return ALIASES[n]
            if n in by_name:
                return by_name[n]
            hits = [v for k, v in by_name.items() if len(n) >= 8 and k.startswith(n)]
            if len(hits) == 1:
                return hits[0]
        dom = email.strip().lower().rsplit("@", 1)[-1] if "@" in email else ""
        return by_domain.get(dom)

    with open(SURVEY, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    latest = {}
    for r in rows:
        email = (r.get("email") or "").strip().lower()
        key = ("email", email) if email else ("row", tuple(r.values()))
        if key not in latest or parse_ts(r["submitted"]) >= parse_ts(latest[key]["submitted"]):
            latest[key] = r

    overall = {"very": 0, "somewhat": 0, "not": 0}
    segs = {s["id"]: {"very": 0, "somewhat": 0, "not": 0} for s in gold["segments"]}
    for r in latest.values():
        c = classify(r["disappointed"])
        if c is None:
            continue
        overall[c] += 1
        acct = link(r.get("company", ""), r.get("email", ""))
        if acct and acct in seg_of:
            segs[seg_of[acct]][c] += 1

    def fmt(d):
        n = d["very"] + d["somewhat"] + d["not"]
        return {"very": d["very"], "n": n, "pct": round(100.0 * d["very"] / n, 1) if n else 0.0}

    out = {
        "rows": len(rows),
        "unique_responses": len(latest),
        "overall": fmt(overall),
        "segments": {k: fmt(v) for k, v in segs.items() if sum(v.values())},
    }
    print(yaml.safe_dump(out, sort_keys=False, default_flow_style=None))


if __name__ == "__main__":
    main()
