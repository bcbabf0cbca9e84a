#!/usr/bin/env python
"""Compute the Sean Ellis PMF figures for the relaypoint corpus.

Method (evals/CORPUS_FORMAT.md):
  1. dedupe by respondent email (case-insensitive, trimmed), keeping the latest submission;
     rows without an email dedupe on identical answers (all fields except the timestamp);
  2. drop blank answers and "N/A - I no longer use Relaypoint";
  3. very_disappointed_pct = 100 * very / n, n = remaining very + somewhat + not answers.
Per segment: a response counts for the segment of the CRM account it is linked to
(company name first, else the email domain). Unlinked responses count only overall.

Usage:  python tools/compute_pmf.py [dataset_dir]      (prints the pmf block as YAML)
"""
import csv
import datetime as dt
import os
import re
import sys
import unicodedata

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DATASET = os.path.dirname(HERE)

SUFFIXES = {"inc", "llc", "ltd", "co", "corp", "corporation", "company", "the", "limited"}


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def norm_company(name):
    s = fold(name or "").lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    toks = [t for t in s.split() if t not in SUFFIXES]
    return " ".join(toks)


def norm_domain(site):
    s = (site or "").strip().lower()
    s = re.sub(r"^https?://", "", s)
    s = re.sub(r"^www\.", "", s)
    return s.split("/")[0]


def norm_answer(a):
    s = (a or "").strip().lower().replace("’", "'")
    s = re.sub(r"\s+", " ", s)
    if not s:
        return "blank"
    if s.startswith("n/a") or s.startswith("na ") or "no longer use" in s:
        return "na"
    if s.startswith("very disappointed"):
        return "very"
    if s.startswith("somewhat disappointed"):
        return "somewhat"
    if s.startswith("not disappointed"):
        return "not"
    raise ValueError(f"unknown PMF answer: {a!r}")


def parse_ts(s):
    s = s.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(s, fmt)
        except ValueError:
            pass
    raise ValueError(f"bad timestamp {s!r}")


def find_col(header, *needles, exclude=()):
    for i, h in enumerate(header):
        hl = h.lower()
        if all(n in hl for n in needles) and not any(x in hl for x in exclude):
            return i
    raise KeyError(needles)


def load_crm(dataset):
    path = os.path.join(dataset, "sources", "crm", "relaypoint-crm-export.csv")
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_name, by_domain = {}, {}
    for r in rows:
        by_name[norm_company(r["Account Name"])] = r["Account Name"]
        by_domain[norm_domain(r["Website"])] = r["Account Name"]
    return by_name, by_domain


def load_segments(dataset):
    with open(os.path.join(dataset, "gold.yaml"), encoding="utf-8") as f:
        gold = yaml.safe_load(f)
    seg_of = {}
    for s in gold["segments"]:
        for a in s["accounts"]:
            seg_of[a] = s["id"]
    return [s["id"] for s in gold["segments"]], seg_of


def load_survey(dataset):
    path = os.path.join(dataset, "sources", "survey", "relaypoint-pmf-2026.csv")
    with open(path, encoding="cp1252", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def compute(dataset=DATASET, seg_ids=None, seg_of=None):
    if seg_of is None:
        seg_ids, seg_of = load_segments(dataset)
    by_name, by_domain = load_crm(dataset)
    header, rows = load_survey(dataset)
    c_ts = find_col(header, "submitted")
    c_email = find_col(header, "email")
    c_company = find_col(header, "company", exclude=("size",))
    c_pmf = find_col(header, "no longer use")

    latest = {}
    for r in rows:
        email = r[c_email].strip().lower()
        if email:
            key = ("email", email)
        else:
            key = ("answers",) + tuple(x.strip() for i, x in enumerate(r) if i != c_ts)
        t = parse_ts(r[c_ts])
        if key not in latest or t >= latest[key][0]:
            latest[key] = (t, r)

    def link(r):
        acc = by_name.get(norm_company(r[c_company]))
        if acc:
            return acc
        email = r[c_email].strip().lower()
        if "@" in email:
            return by_domain.get(email.split("@", 1)[1])
        return None

    tally = {"overall": {"very": 0, "n": 0}}
    for sid in seg_ids:
        tally[sid] = {"very": 0, "n": 0}
    stats = {"rows": len(rows), "respondents": len(latest), "blank": 0, "na": 0, "unlinked": 0}
    for t, r in latest.values():
        a = norm_answer(r[c_pmf])
        if a in ("blank", "na"):
            stats[a] += 1
            continue
        acc = link(r)
        buckets = ["overall"]
        if acc and acc in seg_of:
            buckets.append(seg_of[acc])
        else:
            stats["unlinked"] += 1
        for b in buckets:
            tally[b]["n"] += 1
            if a == "very":
                tally[b]["very"] += 1
    for v in tally.values():
        v["pct"] = round(100.0 * v["very"] / v["n"], 1) if v["n"] else 0.0
    return tally, stats


def pmf_block(tally):
    return {
        "method": "sean-ellis: dedupe by email keeping latest; drop blank and N/A; pct = very / n",
        "overall": tally["overall"],
        "segments": {k: v for k, v in tally.items() if k != "overall"},
    }


if __name__ == "__main__":
    ds = sys.argv[1] if len(sys.argv) > 1 else DATASET
    tally, stats = compute(ds)
    print("# survey:", stats)
    print(yaml.safe_dump({"pmf": pmf_block(tally)}, sort_keys=False, default_flow_style=None))
