#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) numbers for the sprigline corpus.

Usage:  python tools/compute_pmf.py [corpus_dir] [--check]

Method (as in CORPUS_FORMAT.md):
  1. Read the responses sheet of sources/survey/sprigline_survey.xlsx (the first sheet is a
     cover sheet; the responses sheet is the one whose header row starts with "Response #").
  2. Dedupe by respondent e-mail (case-insensitive, trimmed), keeping the latest submission
     by Date. Rows without an e-mail dedupe on identical answers (the whole row apart from
     the running "Response #"). Never dedupe on answer text alone for rows with an e-mail.
  3. Drop blank answers and "N/A - I no longer use ..." answers.
  4. very_disappointed_pct = 100 * very / n, where n counts very + somewhat + not.
  5. Per segment: a response counts for the segment of the CRM account it is linked to,
     by company name (normalised, since respondents spell it their own way), else by the
     e-mail domain matching the CRM domain. Unlinked responses count only overall.
Segment membership (account -> segment) is read from gold.yaml; the CRM gives domains.
"""
import datetime as dt
import json
import os
import re
import sys

import openpyxl

GENERIC = {"garden", "gardens", "centre", "centres", "center", "centers", "gc", "co", "company", "inc",
           "llc", "ltd", "the", "group", "and", "home", "h", "g", "growers", "grower", "nursery",
           "wholesale", "greenhouses", "greenhouse", "shop", "market", "markets", "plant", "plants",
           "barn", "supply", "family", "farms", "botanical", "arboretum", "gifts", "of"}
NUM = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five"}


def name_key(name):
    s = (name or "").lower().replace("&", " and ").replace("’", "").replace("'", "")
    toks = [NUM.get(t, t) for t in re.findall(r"[a-z0-9]+", s)]
    return [t for t in toks if t not in GENERIC]


def clean_domain(d):
    d = (d or "").strip().lower()
    d = re.sub(r"^https?://", "", d)
    d = re.sub(r"^www\.", "", d)
    return d.strip("/")


def link(company, email, accounts):
    """accounts: list of (name, key, domain). Returns the CRM account name or None."""
    key = name_key(company)
    if key:
        joined = "".join(key)
        hits = [a for a in accounts
                if a[1] and ("".join(a[1]) == joined or set(key) <= set(a[1]) or set(a[1]) <= set(key))]
        if len(hits) == 1:
            return hits[0][0]
    dom = email.split("@")[-1].strip().lower() if email and "@" in email else ""
    for name, _, d in accounts:
        if dom and dom == d:
            return name
    return None


def bucket(answer):
    a = (answer or "").strip().lower().replace("–", "-").replace("’", "'")
    if not a or a.startswith("n/a"):
        return None
    if a.startswith("very"):
        return "very"
    if a.startswith("somewhat"):
        return "somewhat"
    if a.startswith("not"):
        return "not"
    return None


def load_rows(path):
    wb = openpyxl.load_workbook(path, data_only=True)
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        for i, r in enumerate(rows):
            if r and r[0] == "Response #":
                hdr = [str(h).strip() if h is not None else "" for h in r]
                return [dict(zip(hdr, x)) for x in rows[i + 1:] if any(v is not None for v in x)]
    raise SystemExit("no responses sheet found")


def col(row, prefix):
    for k, v in row.items():
        if k.startswith(prefix):
            return v
    return None


def as_time(v):
    if isinstance(v, dt.datetime):
        return v
    return dt.datetime.fromisoformat(str(v).strip())


def dedupe(rows):
    latest, anon = {}, {}
    for r in rows:
        email = (col(r, "E-mail") or "").strip().lower()
        if email:
            if email not in latest or as_time(col(r, "Date")) >= as_time(col(latest[email], "Date")):
                latest[email] = r
        else:
            sig = tuple((k, str(v)) for k, v in r.items() if k != "Response #")
            anon.setdefault(sig, r)
    return list(latest.values()) + list(anon.values())


def pct(c):
    n = c["very"] + c["somewhat"] + c["not"]
    return {"very": c["very"], "n": n, "pct": round(100.0 * c["very"] / n, 1) if n else None}


def compute(corpus):
    src = os.path.join(corpus, "sources")
    crm = json.load(open(os.path.join(src, "crm", "sprigline_accounts.json"), encoding="utf-8"))
    accounts = [(r["company"]["name"], name_key(r["company"]["name"]), clean_domain(r["company"].get("domain")))
                for r in crm["records"]]
    seg_of = {}
    gold_path = os.path.join(corpus, "gold.yaml")
    if os.path.exists(gold_path):
        import yaml
        gold = yaml.safe_load(open(gold_path, encoding="utf-8"))
        for s in gold.get("segments", []):
            for a in s["accounts"]:
                seg_of[a] = s["id"]
    rows = dedupe(load_rows(os.path.join(src, "survey", "sprigline_survey.xlsx")))
    overall = {"very": 0, "somewhat": 0, "not": 0}
    segs = {}
    for r in rows:
        b = bucket(col(r, "Q1"))
        if b is None:
            continue
        overall[b] += 1
        acct = link(col(r, "Garden centre"), col(r, "E-mail") or "", accounts)
        seg = seg_of.get(acct)
        if seg:
            segs.setdefault(seg, {"very": 0, "somewhat": 0, "not": 0})[b] += 1
    return {"method": "sean-ellis: dedupe by email keeping latest (no-email rows on identical rows); "
                      "drop blank and N/A; pct = very / n",
            "overall": pct(overall),
            "segments": {k: pct(v) for k, v in sorted(segs.items())},
            "responses_after_dedupe": len(rows)}


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    corpus = args[0] if args else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    res = compute(corpus)
    print(json.dumps(res, indent=2))
    if "--check" in sys.argv:
        import yaml
        gold = yaml.safe_load(open(os.path.join(corpus, "gold.yaml"), encoding="utf-8"))["pmf"]
        ok = gold["overall"] == res["overall"] and gold["segments"] == res["segments"]
        print("gold matches" if ok else "MISMATCH with gold.yaml")
        sys.exit(0 if ok else 1)
