#!/usr/bin/env python3
"""Compute the Sean Ellis PMF figures for the sample sprint survey.

Implements the method in evals/CORPUS_FORMAT.md ("PMF method"):

1. dedupe by respondent email (case-insensitive, trimmed), keeping the latest
   submission by timestamp; rows without an email dedupe on identical answers
   (every column except the timestamp);
2. drop blank answers and "N/A - I no longer use ..." answers;
3. very_disappointed_pct = 100 * very / n, where n counts the remaining
   very / somewhat / not answers.

Per segment, a response counts for the segment of the CRM account it is linked
to: by company name first (normalised, see `norm_company`), else by the email
domain matching the account's website domain. Unlinked responses count only
overall.

Standard library only. Usage:  python tools/compute_pmf.py [--rows] [--json]
"""
from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURVEY = ROOT / "sources" / "survey" / "quoteflow-pmf-survey.csv"
CRM = ROOT / "sources" / "crm" / "quoteflow-crm.csv"

# Segment membership of every CRM account (same table as README.md / EXPECTED.md).
SEGMENTS = {
    "midmarket-discrete-mfg": [
        "Brookfield Tooling", "Halvorsen Pump & Valve", "Keystone Fluid Controls",
        "Marlow Precision Components", "Tamarack Motion Systems",
        "Cedar Ridge Conveyor Systems", "Ridgeline Hydraulics", "Prairie Gear Works",
    ],
    "industrial-distributors": [
        "Gulfline Industrial Supply", "Northgate Fastener & Supply",
        "Summit Bearing & Transmission", "Lakeshore Fluid Power",
        "Pinecrest Electrical Wholesale", "Ironbridge Industrial Distribution",
    ],
    "job-shops": [
        "Dutch Creek Machine", "Hollis Fabrication", "Red Mesa Machining",
        "Two Rivers Laser & Weld", "Bellwether CNC",
    ],
}
ACCOUNT_SEGMENT = {a: s for s, accts in SEGMENTS.items() for a in accts}

SUFFIXES = {"inc", "llc", "co", "corp", "corporation", "ltd", "company", "the"}


def norm_company(name: str) -> str:
    s = name.lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    words = [w for w in s.split() if w not in SUFFIXES]
    return " ".join(words)


def norm_domain(url_or_domain: str) -> str:
    d = url_or_domain.strip().lower()
    d = re.sub(r"^https?://", "", d).split("/")[0]
    return d[4:] if d.startswith("www.") else d


def find_col(headers: list[str], *needles: str) -> str:
    for h in headers:
        hl = h.lower()
        if all(n in hl for n in needles):
            return h
    raise KeyError(f"no column containing {needles!r} in {headers!r}")


def norm_answer(raw: str) -> str:
    """Return one of: very, somewhat, not, na, blank."""
    s = " ".join(raw.strip().lower().split())
    if not s:
        return "blank"
    if s.startswith("n/a") or "no longer use" in s:
        return "na"
    if s.startswith("very"):
        return "very"
    if s.startswith("somewhat"):
        return "somewhat"
    if s.startswith("not"):
        return "not"
    raise ValueError(f"unrecognised PMF answer: {raw!r}")


def load_crm() -> tuple[dict[str, str], dict[str, str]]:
    by_name, by_domain = {}, {}
    with open(CRM, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            name = row["Account Name"].strip()
            by_name[norm_company(name)] = name
            by_domain[norm_domain(row["Website"])] = name
    return by_name, by_domain


def link(company: str, email: str, by_name: dict, by_domain: dict) -> tuple[str | None, str]:
    key = norm_company(company)
    if key:
        if key in by_name:
            return by_name[key], "name"
        # unique prefix match either way round ("Halvorsen" / "Dutch Creek Machine Works")
        hits = {v for k, v in by_name.items()
                if k.startswith(key + " ") or key.startswith(k + " ")}
        if len(hits) == 1:
            return hits.pop(), "name-prefix"
    if "@" in email:
        dom = norm_domain(email.strip().split("@", 1)[1])
        if dom in by_domain:
            return by_domain[dom], "domain"
    return None, "unlinked"


def main(argv: list[str]) -> int:
    by_name, by_domain = load_crm()
    with open(SURVEY, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        headers = reader.fieldnames or []
        rows = list(reader)

    c_ts = find_col(headers, "submitted")
    c_email = find_col(headers, "email")
    c_company = find_col(headers, "company")
    c_pmf = find_col(headers, "no longer use")

    # 1. dedupe, keeping the latest submission
    latest: dict[tuple, dict] = {}
    for row in rows:
        email = row[c_email].strip().lower()
        key = ("email", email) if email else (
            "answers",) + tuple(row[h].strip() for h in headers if h != c_ts)
        ts = datetime.strptime(row[c_ts].strip(), "%Y-%m-%d %H:%M:%S")
        if key not in latest or ts >= latest[key]["_ts"]:
            latest[key] = dict(row, _ts=ts)
    deduped = sorted(latest.values(), key=lambda r: r["_ts"])

    overall = Counter()
    per_segment: dict[str, Counter] = defaultdict(Counter)
    per_account: dict[str, Counter] = defaultdict(Counter)
    detail = []
    for row in deduped:
        ans = norm_answer(row[c_pmf])
        account, how = link(row[c_company], row[c_email], by_name, by_domain)
        # consistency check: name and domain must never point at different accounts
        if how.startswith("name") and "@" in row[c_email]:
            dom = norm_domain(row[c_email].strip().split("@", 1)[1])
            if dom in by_domain and by_domain[dom] != account:
                raise SystemExit(f"name/domain disagree: {row}")
        seg = ACCOUNT_SEGMENT.get(account) if account else None
        overall[ans] += 1
        if seg:
            per_segment[seg][ans] += 1
            per_account[account][ans] += 1
        else:
            per_segment["(unlinked)"][ans] += 1
        detail.append((row[c_ts], row[c_email].strip(), row[c_company].strip(), ans, account, how))

    def summary(c: Counter) -> dict:
        n = c["very"] + c["somewhat"] + c["not"]
        return {"very": c["very"], "somewhat": c["somewhat"], "not": c["not"], "n": n,
                "na": c["na"], "blank": c["blank"],
                "pct": round(100 * c["very"] / n, 1) if n else None}

    result = {
        "rows_raw": len(rows),
        "rows_after_dedupe": len(deduped),
        "duplicates_removed": len(rows) - len(deduped),
        "overall": summary(overall),
        "segments": {s: summary(per_segment[s]) for s in list(SEGMENTS) + ["(unlinked)"]},
        "accounts": {a: summary(c) for a, c in sorted(per_account.items())},
    }
    if "--rows" in argv:
        for d in detail:
            print("\t".join(str(x) for x in d))
        print()
    if "--json" in argv:
        print(json.dumps(result, indent=2))
    else:
        o = result["overall"]
        print(f"rows: {result['rows_raw']} raw, {result['rows_after_dedupe']} after dedupe "
              f"({result['duplicates_removed']} duplicates removed)")
        print(f"dropped: {o['blank']} blank, {o['na']} N/A")
        print(f"overall: very {o['very']} / n {o['n']} = {o['pct']}% "
              f"(somewhat {o['somewhat']}, not {o['not']})")
        for s, v in result["segments"].items():
            print(f"  {s:24s} very {v['very']:2d} / n {v['n']:2d} = {v['pct']}%  "
                  f"(somewhat {v['somewhat']}, not {v['not']}, N/A {v['na']}, blank {v['blank']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
