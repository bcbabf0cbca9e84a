#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) numbers for the moorline corpus.

Method (evals/CORPUS_FORMAT.md):
  1. Dedupe: respondents are keyed by e-mail (trimmed, lower-cased); when a
     respondent submitted more than once, the latest `submitted` wins. Rows with
     no e-mail are only collapsed when the whole row (every column except `id`)
     is identical. Free-text answers are never used as a key on their own.
  2. Drop blank answers and any "N/A ..." answer.
  3. pct = 100 * very / n, n = very + somewhat + not (one decimal).

Segment attribution: a response belongs to the account its `company` names
(case, punctuation, "LLC"/"Inc"/"Co" ignored; one-letter typos tolerated),
else the account whose CRM "Company Domain Name" matches the e-mail domain.
Unlinked responses count only in `overall`. Account -> segment comes from
gold.yaml `segments`.

Usage: python3 tools/compute_pmf.py [corpus_dir]
"""
import csv
import difflib
import os
import re
import sys
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(HERE)
SURVEY = os.path.join(ROOT, "sources", "survey", "moorline_pmf.csv")
CRM = os.path.join(ROOT, "sources", "crm", "moorline_hubspot_export.csv")
GOLD = os.path.join(ROOT, "gold.yaml")


def norm(name):
    s = (name or "").lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    s = re.sub(r"\b(llc|inc|co|ltd|the)\b", " ", s)
    return " ".join(s.split())


def classify(raw):
    a = (raw or "").strip().lower()
    if not a or a.startswith("n/a"):
        return None
    for key in ("very", "somewhat", "not"):
        if a.startswith(key):
            return key
    return None


def segments_from_gold():
    """account name -> segment id (PyYAML if present, else a tiny parser)."""
    if not os.path.exists(GOLD):
        return {}
    try:
        import yaml
        g = yaml.safe_load(open(GOLD, encoding="utf-8")) or {}
        return {a: s["id"] for s in g.get("segments") or [] for a in s.get("accounts") or []}
    except ImportError:
        out, seg, in_acc = {}, None, False
        for line in open(GOLD, encoding="utf-8"):
            if re.match(r"^\S", line) and not line.startswith("segments:"):
                if seg is not None or out:
                    break
            m = re.match(r"^\s*-?\s*id:\s*(.+)$", line)
            if m:
                seg, in_acc = m.group(1).strip().strip("'\""), False
            elif re.match(r"^\s*accounts:\s*$", line):
                in_acc = True
            elif in_acc and re.match(r"^\s*-\s+", line):
                out[line.split("-", 1)[1].strip().strip("'\"")] = seg
            elif re.match(r"^\s*\w+:", line):
                in_acc = False
        return out


def main():
    crm = list(csv.DictReader(open(CRM, newline="", encoding="utf-8-sig")))
    by_name = {norm(r["Company name"]): r["Company name"] for r in crm}
    by_domain = {r["Company Domain Name"].strip().lower(): r["Company name"] for r in crm}
    seg_of = segments_from_gold()

    def link(company, email):
        n = norm(company)
        if n in by_name:
            return by_name[n]
        if n:
            close = difflib.get_close_matches(n, list(by_name), n=1, cutoff=0.93)
            if close:
                return by_name[close[0]]
        domain = (email or "").strip().lower().rpartition("@")[2]
        return by_domain.get(domain)

    rows = list(csv.DictReader(open(SURVEY, newline="", encoding="utf-8-sig")))
    latest = {}
    for r in rows:
        email = (r.get("email") or "").strip().lower()
        if email:
            key = ("email", email)
        else:
            key = ("row",) + tuple((r.get(c) or "").strip() for c in r if c != "id")
        when = datetime.strptime(r["submitted"].strip(), "%Y-%m-%d %H:%M:%S")
        if key not in latest or when >= latest[key][0]:
            latest[key] = (when, r)

    tally = {"overall": [0, 0]}
    for _, r in latest.values():
        a = classify(r.get("disappointed"))
        if a is None:
            continue
        buckets = ["overall"]
        acc = link(r.get("company"), r.get("email"))
        if acc and acc in seg_of:
            buckets.append(seg_of[acc])
        for b in buckets:
            t = tally.setdefault(b, [0, 0])
            t[0] += a == "very"
            t[1] += 1

    print(f"rows={len(rows)} respondents={len(latest)}")
    for b, (very, n) in tally.items():
        pct = round(100.0 * very / n, 1) if n else 0.0
        print(f"{b}: {{very: {very}, n: {n}, pct: {pct}}}")


if __name__ == "__main__":
    main()
