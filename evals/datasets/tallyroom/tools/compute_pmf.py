#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) numbers for the tallyroom corpus.

Method (as in CORPUS_FORMAT.md):
  1. dedupe by respondent e-mail (trimmed, case-insensitive), keeping the latest submission;
     rows without an e-mail are deduped on identical answers (identical whole rows collapse too);
  2. drop blank answers and "N/A – I no longer use Tallyroom";
  3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
A response counts for the segment of the account it links to: company name first, else the
e-mail domain matched against the CRM website. Unlinked responses count only overall.

Usage: python tools/compute_pmf.py [corpus_dir] [--json]
"""
import csv, io, json, os, re, sys, unicodedata
from datetime import datetime

SEGMENTS = {
    'multi-unit-groups': ['Harrow & Vine Hospitality', 'Copperline Restaurant Group', 'Marrow Street Kitchens',
                          'Pellham Table Group', 'Ridgeback Burger Co.', 'Tidewater Oyster Bar Group',
                          'Sable & Sage Restaurants', 'Juniper Row Hospitality', 'Basil & Brick Pizzeria Group',
                          'Emberhouse Grill Co.', 'Driftwood Taphouse Group', 'Lantern & Loaf Bakery Cafés',
                          'Saffron Hall Restaurant Group', 'Hollis Creek Smokehouse', 'Kiln & Clover Hospitality'],
    'caterers-commissaries': ['Fennwick Catering & Events', 'Northgate Commissary Kitchen', 'Lark & Ladle Catering',
                              'Silverbell Events & Catering', 'Greenhook Commissary'],
    'single-independents': ['Osteria Pinella', 'The Crooked Spoon', "Mabel's Counter", "Nonna Vee's Trattoria",
                            "Ruby's Noodle Bar", 'Blue Heron Diner'],
    'school-nutrition': ['Cedar Hollow Unified', 'Pine Basin Public Schools'],
}
# spellings in the survey that no normalisation rule catches
ALIASES = {
    'marrow st': 'Marrow Street Kitchens',
    'pine basin ps food and nutrition': 'Pine Basin Public Schools',
}
STOP = {'the', 'inc', 'llc', 'co', 'company', 'group', 'grp', 'rg', 'restaurant', 'restaurants',
        'hospitality', 'kitchens'}


def norm(name):
    s = unicodedata.normalize('NFKD', name).encode('ascii', 'ignore').decode().lower()
    s = s.replace('&', ' and ').replace('+', ' and ').replace("'", '')
    toks = [t for t in re.split(r'[^a-z0-9]+', s) if t and t not in STOP]
    toks = [t[:-1] if len(t) > 3 and t.endswith('s') else t for t in toks]
    return ' '.join(toks)


def pmf_class(ans):
    a = (ans or '').strip().lower()
    if not a:
        return None
    if a.startswith('n/a'):
        return None
    if a.startswith('very'):
        return 'very'
    if a.startswith('somewhat'):
        return 'somewhat'
    if a.startswith('not'):
        return 'not'
    raise ValueError(ans)


def load_crm(path):
    lines = open(path, encoding='utf-8').read().splitlines()
    rows = list(csv.DictReader(lines[1:], delimiter=';'))  # first line is export metadata
    out = {}
    for r in rows:
        dom = re.sub(r'^(https?://)?(www\.)?', '', (r['Website'] or '').strip().lower()).rstrip('/')
        out[r['Organization'].strip()] = dom
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    root = args[0] if args else os.path.join(os.path.dirname(__file__), '..')
    crm = load_crm(os.path.join(root, 'sources/crm/tallyroom_accounts.csv'))
    seg_of = {a: s for s, accts in SEGMENTS.items() for a in accts}
    by_key = {norm(a): a for a in crm}
    by_dom = {d: a for a, d in crm.items() if d}

    def link(company, email):
        k = norm(company or '')
        if k:
            if k in by_key:
                return by_key[k]
            if k in ALIASES:
                return ALIASES[k]
            hits = [a for kk, a in by_key.items() if kk.startswith(k + ' ') or kk == k]
            if len(hits) == 1:
                return hits[0]
        dom = (email or '').strip().lower().rpartition('@')[2]
        return by_dom.get(dom)

    raw = open(os.path.join(root, 'sources/survey/tallyroom_survey.csv'), encoding='cp1252', newline='').read()
    rows = list(csv.DictReader(io.StringIO(raw)))
    Q = 'How would you feel if you could no longer use Tallyroom?'
    latest = {}
    for r in rows:
        ts = datetime.strptime(r['Timestamp'].strip(), '%m/%d/%Y %H:%M:%S')
        email = (r['Email Address'] or '').strip().lower()
        key = ('email', email) if email else ('answers',) + tuple((v or '').strip() for k, v in r.items() if k != 'Timestamp')
        if key not in latest or ts >= latest[key][0]:
            latest[key] = (ts, r)
    tally = {'overall': {'very': 0, 'n': 0}}
    for s in SEGMENTS:
        tally[s] = {'very': 0, 'n': 0}
    for ts, r in latest.values():
        c = pmf_class(r[Q])
        if c is None:
            continue
        acct = link(r['Restaurant group / company'], r['Email Address'])
        buckets = ['overall'] + ([seg_of[acct]] if acct in seg_of else [])
        for b in buckets:
            tally[b]['n'] += 1
            tally[b]['very'] += c == 'very'
    def fmt(t):
        return {'very': t['very'], 'n': t['n'], 'pct': round(100 * t['very'] / t['n'], 1) if t['n'] else 0.0}
    result = {'method': 'sean-ellis: dedupe by email keeping latest; drop blank and N/A; pct = very / n',
              'overall': fmt(tally['overall']),
              'segments': {s: fmt(tally[s]) for s in SEGMENTS if tally[s]['n']}}
    if '--json' in sys.argv:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"rows read: {len(rows)}, unique respondents: {len(latest)}")
        o = result['overall']
        print(f"overall: {o['very']}/{o['n']} = {o['pct']}%")
        for s, v in result['segments'].items():
            print(f"  {s}: {v['very']}/{v['n']} = {v['pct']}%")


if __name__ == '__main__':
    main()
