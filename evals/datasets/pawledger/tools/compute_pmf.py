#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) numbers for the pawledger corpus.

Method (evals/CORPUS_FORMAT.md):
 1. dedupe by respondent e-mail (trimmed, case-insensitive), keeping the latest
    `submitted`; rows without an e-mail dedupe on identical whole rows (all answer
    fields, company, role, clinics, timestamp) - never on free text alone;
 2. drop blank answers and "N/A - I no longer use it";
 3. pct = 100 * very / n, n = very + somewhat + not.
A response counts for the segment of the account it links to: the company name
(normalised; small typos tolerated), else the e-mail domain matched to the CRM
"Company Domain Name". Unlinked responses count only overall.

Usage: python tools/compute_pmf.py [corpus_dir]
"""
import csv, difflib, os, re, sys
from datetime import datetime

try:
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SURVEY = os.path.join(ROOT, "sources/survey/pawledger_pmf.csv")
CRM = os.path.join(ROOT, "sources/crm/pawledger_hubspot_export.csv")
GOLD = os.path.join(ROOT, "gold.yaml")


def norm(name):
    s = (name or "").lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9 ]", " ", s)
    s = re.sub(r"\b(llc|inc|ltd|co|the)\b", " ", s)
    return " ".join(s.split())


def answer(raw):
    a = (raw or "").strip().lower()
    if not a or a.startswith("n/a"):
        return None
    if a.startswith("very"):
        return "very"
    if a.startswith("somewhat"):
        return "somewhat"
    if a.startswith("not"):
        return "not"
    return None


def load_segments():
    seg_of = {}
    if yaml and os.path.exists(GOLD):
        g = yaml.safe_load(open(GOLD)) or {}
        for s in g.get("segments") or []:
            for acc in s.get("accounts") or []:
                seg_of[acc] = s["id"]
    return seg_of


def main():
    crm = list(csv.DictReader(open(CRM, newline="", encoding="utf-8-sig")))
    by_name = {norm(r["Company name"]): r["Company name"] for r in crm}
    by_domain = {r["Company Domain Name"].strip().lower(): r["Company name"] for r in crm}
    seg_of = load_segments()

    def link(company, email):
        n = norm(company)
        if n:
            if n in by_name:
                return by_name[n]
            close = difflib.get_close_matches(n, list(by_name), n=1, cutoff=0.92)
            if close:
                return by_name[close[0]]
        dom = (email or "").strip().lower().rpartition("@")[2]
        return by_domain.get(dom)

    rows = list(csv.DictReader(open(SURVEY, newline="", encoding="utf-8-sig")))
    latest = {}
    for r in rows:
        email = (r.get("email") or "").strip().lower()
        if email:
            key = ("email", email)
        else:
            key = ("row",) + tuple((r.get(c) or "").strip() for c in
                                   ("disappointed", "nps", "best_thing", "change_one_thing",
                                    "company", "role", "clinics", "submitted"))
        ts = datetime.strptime(r["submitted"].strip(), "%Y-%m-%d %H:%M:%S")
        if key not in latest or ts >= latest[key][0]:
            latest[key] = (ts, r)

    tally = {"overall": {"very": 0, "n": 0}}
    for _, r in latest.values():
        a = answer(r["disappointed"])
        if a is None:
            continue
        acc = link(r.get("company"), r.get("email"))
        buckets = ["overall"]
        if acc and seg_of.get(acc):
            buckets.append(seg_of[acc])
        for b in buckets:
            t = tally.setdefault(b, {"very": 0, "n": 0})
            t["n"] += 1
            t["very"] += a == "very"

    print(f"rows={len(rows)} deduped={len(latest)}")
    for b, t in tally.items():
        pct = round(100.0 * t["very"] / t["n"], 1) if t["n"] else 0.0
        print(f"{b}: {{very: {t['very']}, n: {t['n']}, pct: {pct}}}")


if __name__ == "__main__":
    main()
