#!/usr/bin/env python3
"""Recompute the gold PMF numbers of the hookline corpus from the Qualtrics export.

Method (Sean Ellis, as in evals/CORPUS_FORMAT.md):
  0. Qualtrics export: row 1 = column ids, row 2 = question text, row 3 = ImportId JSON.
     Rows with Finished != True are partial sessions, not respondents: dropped.
  1. Identical whole rows are one submission (export duplicates): keep one.
     Then dedupe by respondent e-mail (case-insensitive, trimmed), keeping the latest
     submission (RecordedDate). Rows without an e-mail are kept as they are (never
     deduped on answer text alone).
  2. Drop blank PMF answers and "N/A - I no longer use Hookline".
  3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
Per segment: a response counts for the segment of the CRM account it is linked to
(company name, else e-mail domain). Unlinked responses count only overall.

Usage:  python tools/compute_pmf.py [--yaml]
"""
import csv
import os
import re
import sys
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = os.path.join(HERE, "..", "sources")
SURVEY = os.path.join(SOURCES, "survey", "hookline_survey.csv")
CRM = os.path.join(SOURCES, "crm", "hookline_salesforce_accounts.csv")

SEGMENTS = {
    "multi-yard-towing": [
        "Ridgeback Towing & Recovery", "Keystone Auto Rescue Inc.", "Calder Tow Group",
        "Mercer Brothers Towing", "Lone Pine Towing Co.", "Harborview Towing Group",
        "Summit Ridge Towing", "Patriot Wrecker Service Group", "Cascade Tow & Transport",
        "Redline Recovery Holdings", "Gulf Coast Towing Group", "Northstar Towing Co",
        "Prairie Line Towing",
    ],
    "heavy-duty-recovery": [
        "Ironclad Heavy Recovery", "Big Sky Rotator & Recovery", "Tri-State Heavy Haul & Recovery",
        "Granite Heavy Wrecker", "Meridian Fleet Recovery", "Delta Rotator Services",
        "Coastal Incident Response LLC",
    ],
    "owner-operators": [
        "Hollister Towing", "Dale's Wrecker Service", "Quick Hook Towing LLC",
        "Sal's Roadside & Towing", "Two Guys Towing", "Bud's Hook & Haul", "Ace Lockout & Tow",
        "Riverbend Towing",
    ],
    "campus-parking": ["Eastbrook State University", "Ridley State University"],
}

# Survey spellings that a plain normalisation does not resolve (abbreviations, typos).
ALIASES = {
    "kar": "Keystone Auto Rescue Inc.",
    "keystone": "Keystone Auto Rescue Inc.",
    "ridgeback": "Ridgeback Towing & Recovery",
    "calder": "Calder Tow Group",
    "calder tow grp": "Calder Tow Group",
    "calder towing": "Calder Tow Group",
    "mercer bros towing": "Mercer Brothers Towing",
    "mercer brothers": "Mercer Brothers Towing",
    "lonepine towing": "Lone Pine Towing Co.",
    "lone pine towing": "Lone Pine Towing Co.",
    "harbourview towing group": "Harborview Towing Group",
    "harborview towing": "Harborview Towing Group",
    "harborview": "Harborview Towing Group",
    "summit ridge": "Summit Ridge Towing",
    "patriot wrecker": "Patriot Wrecker Service Group",
    "patriot wrecker svc group": "Patriot Wrecker Service Group",
    "cascade tow": "Cascade Tow & Transport",
    "gulf coast towing": "Gulf Coast Towing Group",
    "northstar towing": "Northstar Towing Co",
    "prairie line": "Prairie Line Towing",
    "ironclad heavy": "Ironclad Heavy Recovery",
    "ironclad": "Ironclad Heavy Recovery",
    "granite heavy": "Granite Heavy Wrecker",
    "meridian fleet": "Meridian Fleet Recovery",
    "sals roadside": "Sal's Roadside & Towing",
    "ridley state": "Ridley State University",
    "ridley state univ transportation services": "Ridley State University",
}

GENERIC_DOMAINS = {"examplemail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com"}


def norm_name(s):
    s = (s or "").lower().replace("&", " and ").replace("’", "'")
    s = re.sub(r"[^a-z0-9 ]+", " ", s.replace("'", ""))
    words = [w for w in s.split() if w not in {"inc", "llc", "co", "the"}]
    return " ".join(words)


def domain_of(value):
    v = (value or "").strip().lower()
    if "@" in v:
        v = v.split("@", 1)[1]
    v = re.sub(r"^https?://", "", v)
    v = v.split("/", 1)[0]
    if v.startswith("www."):
        v = v[4:]
    return v


def load_crm():
    by_name, by_domain = {}, {}
    with open(CRM, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            name = row["Account Name"].strip()
            by_name[norm_name(name)] = name
            d = domain_of(row.get("Website", ""))
            if d:
                by_domain[d] = name
    for alias, name in ALIASES.items():
        by_name.setdefault(norm_name(alias), name)
    return by_name, by_domain


def classify(answer):
    a = re.sub(r"\s+", " ", (answer or "").strip().lower())
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
    return None


def load_responses():
    with open(SURVEY, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[3:]          # skip question-text row and ImportId row
    recs = [dict(zip(header, r)) for r in data if any(c.strip() for c in r)]
    recs = [r for r in recs if r.get("Finished", "").strip().lower() == "true"]
    # identical whole rows: keep one
    seen, unique = set(), []
    for r in recs:
        key = tuple(r[h] for h in header)
        if key in seen:
            continue
        seen.add(key)
        unique.append(r)
    # dedupe by e-mail, latest RecordedDate wins
    latest, no_email = {}, []
    for r in unique:
        email = r.get("RecipientEmail", "").strip().lower()
        if not email:
            no_email.append(r)
            continue
        when = datetime.strptime(r["RecordedDate"].strip(), "%Y-%m-%d %H:%M:%S")
        if email not in latest or when >= latest[email][0]:
            latest[email] = (when, r)
    return [v[1] for v in latest.values()] + no_email, len(recs), len(unique)


def link(r, by_name, by_domain):
    company = norm_name(r.get("Q4_1", ""))
    if company and company in by_name:
        return by_name[company]
    d = domain_of(r.get("RecipientEmail", ""))
    if d and d not in GENERIC_DOMAINS and d in by_domain:
        return by_domain[d]
    return None


def pct(very, n):
    return round(100.0 * very / n, 1) if n else 0.0


def main():
    by_name, by_domain = load_crm()
    responses, n_finished, n_unique = load_responses()
    seg_of = {a: s for s, accs in SEGMENTS.items() for a in accs}
    overall = {"very": 0, "somewhat": 0, "not": 0}
    per_seg = {s: {"very": 0, "somewhat": 0, "not": 0} for s in SEGMENTS}
    unlinked = 0
    for r in responses:
        c = classify(r.get("Q1"))
        if c is None:
            continue
        overall[c] += 1
        acc = link(r, by_name, by_domain)
        if acc is None:
            unlinked += 1
            continue
        per_seg[seg_of[acc]][c] += 1

    def summary(d):
        n = d["very"] + d["somewhat"] + d["not"]
        return {"very": d["very"], "n": n, "pct": pct(d["very"], n)}

    out = {"overall": summary(overall), "segments": {s: summary(d) for s, d in per_seg.items()}}
    if "--yaml" in sys.argv:
        o = out["overall"]
        print("pmf:")
        print('  method: "sean-ellis: drop unfinished rows; dedupe identical rows, then by email keeping latest; '
              'drop blank and N/A; pct = very / n"')
        print(f"  overall: {{very: {o['very']}, n: {o['n']}, pct: {o['pct']}}}")
        print("  segments:")
        for s, v in out["segments"].items():
            print(f"    {s}: {{very: {v['very']}, n: {v['n']}, pct: {v['pct']}}}")
    else:
        print(f"finished rows: {n_finished}, after identical-row dedupe: {n_unique}, "
              f"respondents after e-mail dedupe: {len(responses)}, unlinked PMF answers: {unlinked}")
        o = out["overall"]
        print(f"overall: very={o['very']} n={o['n']} pct={o['pct']}")
        for s, v in out["segments"].items():
            print(f"{s}: very={v['very']} n={v['n']} pct={v['pct']}")
    return out


if __name__ == "__main__":
    main()
