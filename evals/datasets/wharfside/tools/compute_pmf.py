#!/usr/bin/env python3
"""Recompute the gold Sean Ellis PMF numbers for the wharfside corpus.

Method (evals/CORPUS_FORMAT.md):
  1. Dedupe submissions: two rows belong to the same respondent when they share a
     resp_id or a contact e-mail (case-insensitive, trimmed); identical whole rows are
     duplicates too. Keep the latest submission (by `created`; file order breaks ties).
     Rows are never deduped on free-text answers alone.
  2. Drop blank answers and "N/A ..." answers to `disapp`.
  3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
Segments: a response counts for the segment of the CRM account it links to, by company
name (case/punctuation/legal-suffix insensitive) or else by e-mail domain. Responses not
linked to any account count only overall.

Usage: python tools/compute_pmf.py [--json]
"""
import csv, json, re, sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SURVEY = HERE / "sources/survey/wharfside_survey.csv"
CRM = HERE / "sources/crm/wharfside_accounts.csv"
GOLD = HERE / "gold.yaml"

SUFFIXES = {"inc", "llc", "co", "corp", "corporation", "company", "ltd", "the"}


def norm_company(name):
    words = re.sub(r"[^a-z0-9& ]+", " ", (name or "").lower()).split()
    while words and words[-1] in SUFFIXES:
        words.pop()
    return " ".join(words)


def load_segments():
    """Account -> segment id, read from the `segments:` block of gold.yaml only."""
    try:
        import yaml
        data = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
        segs = data["segments"]
    except Exception:  # pragma: no cover - fallback without PyYAML
        raise SystemExit("PyYAML is needed to read segments from gold.yaml")
    return {acct: s["id"] for s in segs for acct in s["accounts"]}


def classify(answer):
    a = (answer or "").strip().lower()
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
    acct_seg = load_segments()
    by_name, by_domain = {}, {}
    with CRM.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            name = row["Company name"].strip()
            by_name[norm_company(name)] = name
            dom = (row.get("Company Domain Name") or "").strip().lower()
            if dom:
                by_domain[dom] = name

    with SURVEY.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))

    # union-find over rows sharing resp_id, e-mail, or identical whole content
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen = {}
    for i, r in enumerate(rows):
        keys = []
        rid = (r.get("resp_id") or "").strip()
        email = (r.get("contact") or "").strip().lower()
        if rid:
            keys.append(("id", rid))
        if email:
            keys.append(("email", email))
        keys.append(("row", tuple((k, (v or "").strip()) for k, v in sorted(r.items()))))
        for k in keys:
            if k in seen:
                parent[find(i)] = find(seen[k])
            else:
                seen[k] = i

    latest = {}
    for i, r in enumerate(rows):
        root = find(i)
        t = datetime.strptime(r["created"].strip(), "%Y-%m-%d %H:%M")
        if root not in latest or (t, i) >= latest[root][0]:
            latest[root] = ((t, i), r)
    kept = [r for _, r in latest.values()]

    def link(r):
        name = by_name.get(norm_company(r.get("co")))
        if name:
            return name
        email = (r.get("contact") or "").strip().lower()
        if "@" in email:
            return by_domain.get(email.split("@", 1)[1])
        return None

    tallies = {"overall": {"very": 0, "n": 0}}
    for r in kept:
        c = classify(r.get("disapp"))
        if c is None:
            continue
        buckets = ["overall"]
        acct = link(r)
        if acct and acct in acct_seg:
            buckets.append(acct_seg[acct])
        for b in buckets:
            t = tallies.setdefault(b, {"very": 0, "n": 0})
            t["n"] += 1
            t["very"] += c == "very"

    def fmt(t):
        return {"very": t["very"], "n": t["n"], "pct": round(100.0 * t["very"] / t["n"], 1) if t["n"] else 0.0}

    seg_order = list(dict.fromkeys(acct_seg.values()))
    result = {
        "method": "sean-ellis: dedupe by resp_id or email (and identical rows) keeping latest; drop blank and N/A; pct = very / n",
        "overall": fmt(tallies["overall"]),
        "segments": {s: fmt(tallies[s]) for s in seg_order if s in tallies},
        "raw_rows": len(rows),
        "respondents_after_dedupe": len(kept),
    }
    if "--json" in sys.argv:
        result.pop("raw_rows"); result.pop("respondents_after_dedupe")
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
