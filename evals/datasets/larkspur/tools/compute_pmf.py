#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) for the larkspur corpus.

Usage:  python tools/compute_pmf.py [CORPUS_DIR]      (default: the folder above tools/)

Method (as in evals/CORPUS_FORMAT.md and the corpus BRIEF):
 1. Dedupe respondents: two rows are the same respondent when they share the response id
    (`rid`) or the e-mail (`mail`, trimmed, case-insensitive); identical whole rows are
    duplicates too. Keep the latest `submitted` row. Never dedupe on answer text alone.
 2. Map `how_disappointed` to very / somewhat / not; drop blanks and "N/A ..." answers.
 3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
 Per segment: a response is linked to a CRM account by company name (`org`, normalised:
 case, punctuation, "&"/"and", legal suffixes, or a unique whole-word prefix match), else by
 the e-mail domain matched to the CRM website; segment membership comes from gold.yaml.
 Unlinked responses count only in the overall figure.
Standard library only, except PyYAML to read the segment list from gold.yaml.
"""
import csv
import re
import sys
from pathlib import Path

SUFFIXES = {"inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company", "the"}
FREE_MAIL = {"gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "proton.me"}


def norm_name(s):
    s = (s or "").lower().replace("&", " and ")
    toks = re.findall(r"[a-z0-9]+", s)
    while toks and toks[-1] in SUFFIXES:
        toks.pop()
    while toks and toks[0] == "the":
        toks.pop(0)
    return toks


def domain_of(s):
    s = (s or "").strip().lower()
    s = re.sub(r"^https?://", "", s)
    s = s.split("/")[0]
    if s.startswith("www."):
        s = s[4:]
    return s


def answer(s):
    a = (s or "").strip().lower()
    if not a or a.startswith("n/a") or a == "na":
        return None
    if "very" in a:
        return "very"
    if a.startswith("somewhat"):
        return "somewhat"
    if a.startswith("not"):
        return "not"
    return None


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def dedupe(rows):
    # union-find over rid / e-mail / identical whole row
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i, j):
        parent[find(i)] = find(j)

    seen = {}
    for i, r in enumerate(rows):
        keys = []
        if (r.get("rid") or "").strip():
            keys.append(("rid", r["rid"].strip()))
        if (r.get("mail") or "").strip():
            keys.append(("mail", r["mail"].strip().lower()))
        keys.append(("row", tuple((k, (v or "").strip()) for k, v in sorted(r.items()))))
        for k in keys:
            if k in seen:
                union(i, seen[k])
            else:
                seen[k] = i
    groups = {}
    for i, r in enumerate(rows):
        groups.setdefault(find(i), []).append((r.get("submitted", ""), i))
    keep = [rows[max(g)[1]] for g in groups.values()]
    return keep


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    survey = read_csv(next((root / "sources" / "survey").glob("*.csv")))
    crm = read_csv(next((root / "sources" / "crm").glob("*.csv")))
    import yaml
    gold = yaml.safe_load((root / "gold.yaml").read_text(encoding="utf-8"))
    seg_of = {a: s["id"] for s in gold["segments"] for a in s["accounts"]}

    by_name = {tuple(norm_name(r["Account Name"])): r["Account Name"] for r in crm}
    by_domain = {domain_of(r["Website"]): r["Account Name"] for r in crm}

    def link(r):
        t = tuple(norm_name(r.get("org")))
        if t:
            if t in by_name:
                return by_name[t]
            cands = {v for k, v in by_name.items()
                     if k[:len(t)] == t or t[:len(k)] == k}
            if len(cands) == 1:
                return cands.pop()
        mail = (r.get("mail") or "").strip().lower()
        if "@" in mail:
            d = mail.split("@", 1)[1]
            if d not in FREE_MAIL and d in by_domain:
                return by_domain[d]
        return None

    rows = dedupe(survey)
    tally = {}
    unlinked = 0
    for r in rows:
        a = answer(r.get("how_disappointed"))
        if a is None:
            continue
        acct = link(r)
        seg = seg_of.get(acct) if acct else None
        if acct is None:
            unlinked += 1
        for key in ["__overall__"] + ([seg] if seg else []):
            t = tally.setdefault(key, {"very": 0, "n": 0})
            t["n"] += 1
            t["very"] += a == "very"

    def fmt(t):
        pct = round(100.0 * t["very"] / t["n"], 1) if t["n"] else 0.0
        return f"{{very: {t['very']}, n: {t['n']}, pct: {pct}}}"

    print(f"# rows in file: {len(survey)}; respondents after dedupe: {len(rows)}; "
          f"scored answers without a linked account: {unlinked}")
    print("pmf:")
    print('  method: "sean-ellis: dedupe by rid or email (case-insensitive, trimmed) and identical rows, '
          'keeping the latest; drop blank and N/A; pct = very / n"')
    print(f"  overall: {fmt(tally['__overall__'])}")
    print("  segments:")
    for s in gold["segments"]:
        if s["id"] in tally:
            print(f"    {s['id']}: {fmt(tally[s['id']])}")


if __name__ == "__main__":
    main()
