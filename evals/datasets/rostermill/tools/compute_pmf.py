#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) numbers for the rostermill corpus.

Usage (from the corpus folder):
    python tools/compute_pmf.py            # human-readable
    python tools/compute_pmf.py --json     # the `pmf` block of gold.yaml as JSON

Method (as in CORPUS_FORMAT.md):
 1. read sources/survey/rostermill_pmf.xlsx; skip fully blank rows;
 2. dedupe by respondent e-mail (case-insensitive, trimmed), keeping the latest
    `Submitted At`; rows without an e-mail dedupe on identical answers (so an
    identical whole row exported twice counts once). Never dedupe on free text alone;
 3. drop blank PMF answers and "N/A - I no longer use Rostermill";
 4. very_disappointed_pct = 100 * very / n, n = very + somewhat + not;
 5. a response counts for the segment of the CRM account it links to: agency name
    first (normalised: case, punctuation, "&"/"and", Inc/LLC dropped, spaces dropped),
    else the e-mail domain against the CRM `domain`. Unlinked responses count only
    overall.

Needs openpyxl (and PyYAML to read the segment lists from gold.yaml).
"""
import json, os, re, sys
from datetime import datetime

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
SURVEY = os.path.join(CORPUS, 'sources', 'survey', 'rostermill_pmf.xlsx')
CRM = os.path.join(CORPUS, 'sources', 'crm', 'rostermill_accounts.json')
METHOD = 'sean-ellis: dedupe by email (trimmed, case-insensitive) keeping latest; no-email rows dedupe on identical answers; drop blank and N/A; pct = very / n'

COL_TS = 'Submitted At'
COL_EMAIL = 'Your work email'
COL_AGENCY = 'Agency name'
COL_PMF = 'How would you feel if you could no longer use Rostermill?'
STOP = {'llc', 'inc', 'co', 'ltd', 'the', 'corp'}


def norm_name(s):
    s = (s or '').lower().replace('&', ' and ')
    toks = [t for t in re.split(r'[^a-z0-9]+', s) if t and t not in STOP]
    return ''.join(toks)


def classify(ans):
    a = re.sub(r'\s+', ' ', str(ans or '')).strip().lower()
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
    raise ValueError('unknown PMF answer: %r' % ans)


def load_segments():
    env = os.environ.get('ROSTERMILL_SEGMENTS')
    if env:
        return json.loads(env)
    import yaml
    gold = yaml.safe_load(open(os.path.join(CORPUS, 'gold.yaml'), encoding='utf-8'))
    return {s['id']: s['accounts'] for s in gold['segments']}


def main():
    segs = load_segments()
    seg_of = {a: sid for sid, accts in segs.items() for a in accts}
    crm = json.load(open(CRM, encoding='utf-8'))
    by_name = {norm_name(c['name']): c['name'] for c in crm}
    by_domain = {c['domain'].lower().removeprefix('www.'): c['name'] for c in crm if c.get('domain')}

    ws = openpyxl.load_workbook(SURVEY, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    hdr = [str(h).strip() if h is not None else '' for h in rows[0]]
    ix = {h: i for i, h in enumerate(hdr)}
    latest = {}
    for order, r in enumerate(rows[1:]):
        if all(v is None or str(v).strip() == '' for v in r):
            continue
        email = str(r[ix[COL_EMAIL]] or '').strip().lower()
        if email:
            key = ('email', email)
        else:
            key = ('answers',) + tuple(str(v or '').strip() for i, v in enumerate(r) if hdr[i] not in ('#', COL_TS))
        ts = r[ix[COL_TS]]
        ts = ts if isinstance(ts, datetime) else datetime.strptime(str(ts).strip(), '%Y-%m-%d %H:%M:%S')
        if key not in latest or (ts, order) >= latest[key][0]:
            latest[key] = ((ts, order), r)

    tot = {'very': 0, 'n': 0}
    per = {sid: {'very': 0, 'n': 0} for sid in segs}
    for (_, r) in latest.values():
        c = classify(r[ix[COL_PMF]])
        if c is None:
            continue
        acct = by_name.get(norm_name(r[ix[COL_AGENCY]])) if r[ix[COL_AGENCY]] else None
        if acct is None:
            email = str(r[ix[COL_EMAIL]] or '').strip().lower()
            if '@' in email:
                acct = by_domain.get(email.split('@', 1)[1])
        tot['n'] += 1
        tot['very'] += c == 'very'
        sid = seg_of.get(acct)
        if sid:
            per[sid]['n'] += 1
            per[sid]['very'] += c == 'very'

    def fmt(d):
        return {'very': d['very'], 'n': d['n'], 'pct': round(100.0 * d['very'] / d['n'], 1) if d['n'] else 0.0}
    out = {'method': METHOD, 'overall': fmt(tot), 'segments': {sid: fmt(d) for sid, d in per.items() if d['n']}}
    if '--json' in sys.argv:
        print(json.dumps(out))
    else:
        print('overall      very=%(very)d n=%(n)d pct=%(pct).1f' % out['overall'])
        for sid, d in out['segments'].items():
            print('%-24s very=%d n=%d pct=%.1f' % (sid, d['very'], d['n'], d['pct']))


if __name__ == '__main__':
    main()
