#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) numbers for the benchwell corpus.

Usage: python tools/compute_pmf.py [corpus_dir]

Method (as in evals/CORPUS_FORMAT.md):
 1. Dedupe submissions, keeping the latest (by the `ts` column): rows with an
    e-mail dedupe on the e-mail (trimmed, case-insensitive); rows without an
    e-mail dedupe only when the whole row is identical (an export glitch).
    Never dedupe on free-text answers alone.
 2. Drop blank PMF answers and "N/A - I no longer use ...".
 3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
Segments: a response counts for the segment of the CRM account it links to
(company name after normalisation, else the e-mail domain, else a close
spelling of the company name); unlinked responses count only overall.
"""
import csv, difflib, json, os, re, sys

import yaml

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SURVEY = os.path.join(root, 'sources', 'survey', 'benchwell_pmf.csv')
CRM = os.path.join(root, 'sources', 'crm', 'benchwell_hubspot_export.csv')
GOLD = os.path.join(root, 'gold.yaml')


def norm_name(s):
    s = (s or '').lower().replace('&', ' and ')
    s = re.sub(r'[^a-z0-9 ]+', ' ', s)
    words = [w for w in s.split() if w not in ('llc', 'inc', 'the', 'co', 'corp')]
    return ' '.join(words)


def answer(v):
    v = (v or '').strip().lower()
    if not v or v.startswith('n/a'):
        return None
    if v.startswith('very'):
        return 'very'
    if v.startswith('somewhat'):
        return 'somewhat'
    if v.startswith('not'):
        return 'not'
    return None


def main():
    with open(CRM, encoding='utf-8-sig', newline='') as f:
        crm = list(csv.DictReader(f))
    by_name = {norm_name(r['Company name']): r['Company name'] for r in crm}
    by_domain = {r['Company Domain Name'].strip().lower(): r['Company name'] for r in crm if r['Company Domain Name'].strip()}
    seg_of = {}
    gold = yaml.safe_load(open(GOLD, encoding='utf-8')) if os.path.exists(GOLD) else {}
    for seg in gold.get('segments', []):
        for a in seg['accounts']:
            seg_of[a] = seg['id']

    with open(SURVEY, encoding='utf-8-sig', newline='') as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: r['ts'].strip())          # stable: latest last
    latest = {}
    for r in rows:
        email = (r.get('contact') or '').strip().lower()
        key = ('email', email) if email else ('row', tuple((k, (v or '').strip()) for k, v in sorted(r.items())))
        latest[key] = r
    kept = list(latest.values())

    def link(r):
        n = norm_name(r.get('org'))
        if n and n in by_name:
            return by_name[n]
        email = (r.get('contact') or '').strip().lower()
        if '@' in email:
            dom = email.split('@', 1)[1]
            if dom in by_domain:
                return by_domain[dom]
        if n:
            best = difflib.get_close_matches(n, list(by_name), n=1, cutoff=0.9)
            if best:
                return by_name[best[0]]
        return None

    tot = {'very': 0, 'n': 0}
    segs = {}
    for r in kept:
        a = answer(r.get('q1_disapp'))
        if a is None:
            continue
        tot['n'] += 1
        tot['very'] += a == 'very'
        acct = link(r)
        sid = seg_of.get(acct) if acct else None
        if sid:
            s = segs.setdefault(sid, {'very': 0, 'n': 0})
            s['n'] += 1
            s['very'] += a == 'very'

    def pct(d):
        return dict(very=d['very'], n=d['n'], pct=round(100.0 * d['very'] / d['n'], 1) if d['n'] else 0.0)

    out = {
        'method': 'sean-ellis: dedupe by email (trimmed, case-insensitive) keeping latest; rows without email dedupe only on identical whole rows; drop blank and N/A; pct = very / n',
        'rows_in_file': len(rows), 'responses_after_dedupe': len(kept),
        'overall': pct(tot),
        'segments': {k: pct(v) for k, v in sorted(segs.items())},
    }
    print(json.dumps(out, indent=2))


if __name__ == '__main__':
    main()
