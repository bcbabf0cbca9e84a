#!/usr/bin/env python3
"""Recompute the gold Sean Ellis PMF score for the hopcrest corpus.

Method (evals/CORPUS_FORMAT.md):
  1. dedupe by respondent e-mail (case-insensitive, trimmed), keeping the latest `submitted`;
     rows without an e-mail are deduped only when the whole row is identical
     (never on answer text alone);
  2. drop blank answers and "N/A - I no longer use ...";
  3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
Per segment: a response counts for the segment of the CRM account it links to
(company name first, then e-mail domain); unlinked responses count only overall.

Usage: python tools/compute_pmf.py [--json]
"""
import csv, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
SURVEY = os.path.join(CORPUS, 'sources/survey/hopcrest_pmf.csv')
CRM = os.path.join(CORPUS, 'sources/crm/hopcrest_hubspot_export.csv')
GOLD = os.path.join(CORPUS, 'gold.yaml')

GENERIC = {'llc', 'inc', 'co', 'company', 'the', 'and', 'bc', 'brewing', 'brewery', 'brewng',
           'brew', 'ales', 'supply', 'homebrew', 'brewpub', 'nano'}
FREEMAIL = {'gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com'}


def tokens(name):
    s = name.lower().replace('&', ' and ')
    s = re.sub(r'[^a-z0-9 ]+', ' ', s)
    return {t for t in s.split() if t not in GENERIC}


def classify(ans):
    a = (ans or '').strip().lower()
    if not a or a.startswith('n/a'):
        return None
    if a.startswith('very'):
        return 'very'
    if a.startswith('somewhat'):
        return 'somewhat'
    if a.startswith('not'):
        return 'not'
    return None


def load_segments():
    try:
        import yaml
        with open(GOLD) as f:
            gold = yaml.safe_load(f) or {}
        return {a: s['id'] for s in gold.get('segments', []) for a in s['accounts']}
    except FileNotFoundError:
        return {}


def main():
    crm = list(csv.DictReader(open(CRM, newline='', encoding='utf-8')))
    by_domain = {r['Company Domain Name'].strip().lower(): r['Company name'] for r in crm}
    crm_tokens = [(r['Company name'], tokens(r['Company name'])) for r in crm]

    def link(company, email):
        ct = tokens(company or '')
        if ct:
            hits = [n for n, t in crm_tokens if t and (t <= ct or ct <= t)]
            if len(hits) == 1:
                return hits[0]
        dom = (email or '').strip().lower().rpartition('@')[2]
        if dom and dom not in FREEMAIL:
            return by_domain.get(dom)
        return None

    rows = list(csv.DictReader(open(SURVEY, newline='', encoding='utf-8-sig')))
    latest, seen_rows = {}, set()
    for r in rows:
        em = (r.get('email') or '').strip().lower()
        if em:
            if em not in latest or r['submitted'] >= latest[em]['submitted']:
                latest[em] = r
        else:
            key = tuple(sorted(r.items()))
            if key not in seen_rows:
                seen_rows.add(key)
                latest[('noemail', len(seen_rows))] = r
    seg_of = load_segments()
    overall = {'very': 0, 'n': 0}
    per = {}
    for r in latest.values():
        c = classify(r['disappointed'])
        if c is None:
            continue
        overall['n'] += 1
        overall['very'] += c == 'very'
        acct = link(r.get('company'), r.get('email'))
        seg = seg_of.get(acct)
        if seg:
            d = per.setdefault(seg, {'very': 0, 'n': 0})
            d['n'] += 1
            d['very'] += c == 'very'

    def pct(d):
        return {'very': d['very'], 'n': d['n'], 'pct': round(100.0 * d['very'] / d['n'], 1) if d['n'] else 0.0}

    result = {'rows': len(rows), 'unique_respondents': len(latest),
              'overall': pct(overall), 'segments': {k: pct(v) for k, v in sorted(per.items())}}
    if '--json' in sys.argv:
        print(json.dumps(result))
    else:
        print(f"rows={result['rows']} unique={result['unique_respondents']}")
        print('overall', result['overall'])
        for k, v in result['segments'].items():
            print(f'  {k:10s}', v)


if __name__ == '__main__':
    main()
