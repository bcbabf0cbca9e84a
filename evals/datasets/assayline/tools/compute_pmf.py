#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) for the assayline corpus from the raw survey export.

Method (as in evals/CORPUS_FORMAT.md):
  1. Dedupe respondents: rows sharing a respondent id (rid) OR an e-mail (case-insensitive,
     trimmed) are the same respondent; keep the latest `submitted`. Identical whole rows are
     duplicates too. Rows with neither rid nor e-mail dedupe only on identical answers.
     Never dedupe on free-text answers alone.
  2. Drop blank answers and "N/A - I no longer use it".
  3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
Per segment: a response counts for the segment of the CRM account it links to, by company
name (normalised: case, punctuation, legal suffixes) else by e-mail domain (CRM Website).
Unlinked responses count only overall.

Usage: python tools/compute_pmf.py [corpus_dir]   (prints YAML for gold.yaml's `pmf`)
"""
import csv, os, re, sys
from datetime import datetime

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(HERE)
SURVEY = os.path.join(CORPUS, "sources", "survey", "assayline_survey.csv")
CRM = os.path.join(CORPUS, "sources", "crm", "assayline_accounts.csv")
GOLD = os.path.join(CORPUS, "gold.yaml")

SUFFIXES = {"inc", "llc", "ltd", "co", "corp", "the"}


def norm_name(s):
    s = re.sub(r"[^a-z0-9 ]+", " ", (s or "").lower().replace("&", " and "))
    return " ".join(w for w in s.split() if w not in SUFFIXES)


def parse_ts(s):
    s = (s or "").strip()
    for fmt in ("%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(s, fmt)
        except ValueError:
            pass
    return datetime.min


def answer(s):
    a = (s or "").strip().lower()
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
    with open(GOLD, encoding="utf-8") as f:
        gold = yaml.safe_load(f)
    seg_of = {}
    order = []
    for seg in gold["segments"]:
        order.append(seg["id"])
        for acc in seg.get("accounts") or []:
            seg_of[acc] = seg["id"]
    return seg_of, order


def load_crm():
    by_name, by_domain = {}, {}
    with open(CRM, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            name = row["Account Name"].strip()
            by_name[norm_name(name)] = name
            dom = (row.get("Website") or "").strip().lower()
            dom = re.sub(r"^https?://", "", dom).removeprefix("www.").strip("/")
            if dom:
                by_domain[dom] = name
    return by_name, by_domain


def link(org, mail, by_name, by_domain):
    n = norm_name(org)
    if n:
        if n in by_name:
            return by_name[n]
        # a shortened or extended spelling ("Bellwether", "Kestrel Analytical LLC")
        cands = [full for key, full in by_name.items()
                 if key.startswith(n + " ") or n.startswith(key + " ") or key == n]
        if len(cands) == 1:
            return cands[0]
    dom = (mail or "").strip().lower().rpartition("@")[2]
    return by_domain.get(dom)


def dedupe(rows):
    # union-find over rid / e-mail / whole-row identity
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen = {}
    for i, r in enumerate(rows):
        keys = []
        rid = r["rid"].strip()
        mail = r["mail"].strip().lower()
        if rid:
            keys.append(("rid", rid))
        if mail:
            keys.append(("mail", mail))
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
    for idx in groups.values():
        kept.append(rows[max(idx, key=lambda i: (parse_ts(rows[i]["submitted"]), i))])
    return kept


def pct(c):
    n = c["very"] + c["somewhat"] + c["not"]
    return {"very": c["very"], "n": n, "pct": round(100.0 * c["very"] / n, 1) if n else 0.0}


def main():
    seg_of, order = load_segments()
    by_name, by_domain = load_crm()
    with open(SURVEY, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    kept = dedupe(rows)
    overall = {"very": 0, "somewhat": 0, "not": 0}
    segs = {}
    for r in kept:
        a = answer(r["how_disappointed"])
        if a is None:
            continue
        overall[a] += 1
        acc = link(r["org"], r["mail"], by_name, by_domain)
        seg = seg_of.get(acc) if acc else None
        if seg:
            segs.setdefault(seg, {"very": 0, "somewhat": 0, "not": 0})[a] += 1
    out = {
        "method": "sean-ellis: dedupe by rid or email (and identical rows) keeping latest; "
                  "drop blank and N/A; pct = very / n",
        "overall": pct(overall),
        "segments": {s: pct(segs[s]) for s in order if s in segs},
    }
    print(f"# rows={len(rows)} respondents={len(kept)}", file=sys.stderr)
    print(yaml.safe_dump({"pmf": out}, sort_keys=False, default_flow_style=None))


if __name__ == "__main__":
    main()
