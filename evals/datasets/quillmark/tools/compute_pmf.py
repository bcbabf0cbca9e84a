#!/usr/bin/env python3
"""Recompute the gold Sean Ellis PMF numbers for the quillmark corpus.

Method (as in CORPUS_FORMAT.md):
  1. Dedupe submissions: rows that share a respondent id OR an e-mail address
     (case-insensitive, trimmed) are one respondent; keep the latest `when`
     (on a tie, the row that comes later in the file). Identical whole rows are
     duplicates too. Answer text alone is never used to dedupe.
  2. Drop blank answers and N/A ("N/A", "n/a", "N/A – I no longer use ...").
  3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
Segments: a response counts for the segment of the CRM account it links to,
by organisation name (normalised) first, else by e-mail domain vs. the CRM
website. Unlinked responses count only overall.

Usage: python tools/compute_pmf.py [--json]
"""
import csv, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, '..', 'sources')
SURVEY = os.path.join(SRC, 'survey', 'quillmark_survey.csv')
CRM = os.path.join(SRC, 'crm', 'quillmark_accounts.csv')

# account -> segment id (the same assignment as gold.yaml `segments`)
SEGMENT_OF = {}
for seg, names in {
    'human-services-grantees': [
        'Harborlight Family Services', 'Riverbend Community Action', 'Meridian Youth & Family Alliance',
        'Cedar Hollow Behavioral Health', 'Northgate Housing Partners', 'Sunfield Senior Services',
        'Bridgeway Recovery Services', 'Open Door Family Centers', 'Lakeside Child & Family Agency',
        'Summit Workforce Partners', 'Mosaic Refugee Services', 'Crossroads Community Services',
        'Hearthstone Youth Services', 'Kinfolk Caregiver Network'],
    'community-foundations': [
        'Tri-County Community Foundation', 'Lakeshore Community Foundation', 'Pine Ridge Community Foundation',
        'Granite Valley Community Foundation', 'Prairie Rivers Community Trust', 'Coastal Bend Community Foundation'],
    'volunteer-run-micro': [
        'Friends of the Millbrook Library', 'Eastside Tenants Collective', 'Willow Creek Animal Rescue',
        'Hollis Street Food Pantry', 'Bayview Youth Soccer Association', 'Maple Grove Historical Society'],
    'hospital-foundations': ["St. Brendan's Hospital Foundation", 'Mercy Valley Health Foundation'],
}.items():
    for n in names:
        SEGMENT_OF[n] = seg

STOP = {'inc', 'the', 'llc', 'co'}


def norm_name(s):
    s = (s or '').lower().replace('&', ' and ').replace("'", '')
    toks = [t for t in re.split(r'[^a-z0-9]+', s) if t and t not in STOP]
    return ' '.join(toks)


def domain_of(s):
    s = (s or '').strip().lower()
    s = re.sub(r'^https?://', '', s)
    s = s.split('@')[-1].split('/')[0]
    return s[4:] if s.startswith('www.') else s


def load_crm():
    by_name, by_domain = {}, {}
    with open(CRM, newline='', encoding='utf-8-sig') as f:
        for r in csv.DictReader(f):
            name = r['Account Name'].strip()
            by_name[norm_name(name)] = name
            if r.get('Website'):
                by_domain[domain_of(r['Website'])] = name
    return by_name, by_domain


def answer(v):
    v = (v or '').strip().lower()
    if not v or v.startswith('n/a') or v.startswith('na ') or v == 'na':
        return None
    if v.startswith('very'):
        return 'very'
    if v.startswith('somewhat'):
        return 'somewhat'
    if v.startswith('not'):
        return 'not'
    return None


def dedupe(rows):
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first = {}
    for i, r in enumerate(rows):
        keys = []
        rid = (r.get('respondent') or '').strip().lower()
        em = (r.get('email_addr') or '').strip().lower()
        if rid:
            keys.append(('id', rid))
        if em:
            keys.append(('email', em))
        if not keys:
            keys.append(('row', tuple((v or '').strip() for v in r.values())))
        for k in keys:
            if k in first:
                parent[find(i)] = find(first[k])
            else:
                first[k] = i
    latest = {}
    for i, r in enumerate(rows):
        g = find(i)
        if g not in latest or (r['when'].strip(), i) >= (rows[latest[g]]['when'].strip(), latest[g]):
            latest[g] = i
    return [rows[i] for i in sorted(latest.values())]


def pct(very, n):
    return round(100.0 * very / n, 1) if n else 0.0


def main():
    with open(SURVEY, newline='', encoding='utf-8-sig') as f:
        rows = list(csv.DictReader(f))
    kept = dedupe(rows)
    by_name, by_domain = load_crm()
    overall = {'very': 0, 'n': 0}
    segs = {}
    for r in kept:
        a = answer(r['pmf'])
        if a is None:
            continue
        overall['n'] += 1
        overall['very'] += a == 'very'
        acct = by_name.get(norm_name(r['organisation'])) if r['organisation'].strip() else None
        if acct is None:
            acct = by_domain.get(domain_of(r['email_addr']))
        seg = SEGMENT_OF.get(acct)
        if seg:
            s = segs.setdefault(seg, {'very': 0, 'n': 0})
            s['n'] += 1
            s['very'] += a == 'very'
    out = {
        'method': 'sean-ellis: dedupe by respondent id or email (trimmed, case-insensitive) keeping the latest; '
                  'drop blank and N/A; pct = very / n',
        'overall': {'very': overall['very'], 'n': overall['n'], 'pct': pct(overall['very'], overall['n'])},
        'segments': {k: {'very': v['very'], 'n': v['n'], 'pct': pct(v['very'], v['n'])}
                     for k, v in sorted(segs.items())},
    }
    if '--json' in sys.argv:
        print(json.dumps(out))
    else:
        print('rows in file:', len(rows), ' respondents after dedupe:', len(kept))
        print('overall:', out['overall'])
        for k, v in out['segments'].items():
            print(f'  {k}: {v}')


if __name__ == '__main__':
    main()
