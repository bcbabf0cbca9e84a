#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) for the kilnmark corpus.

Usage:  python tools/compute_pmf.py [corpus_dir] [--check]

Method (as in evals/CORPUS_FORMAT.md):
  1. Skip blank rows. Dedupe by respondent e-mail (trimmed, case-insensitive), keeping the
     latest submission by `ts`; rows without an e-mail dedupe on the identical whole row.
     Never dedupe on answer text alone.
  2. Classify q1; drop blank answers and "N/A - I no longer use ...".
  3. pct = 100 * very / n, n = very + somewhat + not.
Per segment, a response counts for the segment of the CRM account it links to: first by the
e-mail domain (CRM "Company Domain Name"), else by the `lab` field (explicit aliases below,
else the lab's name words being a subset of one CRM account's name words). Unlinked responses
count only overall.
"""
import csv, re, sys, os
from datetime import datetime

try:
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

# survey spellings that are not a plain word-subset of the CRM name
ALIASES = {
    "tesselate dental arts": "Tessellate Dental Arts",
    "blue water dental ceramics": "Bluewater Dental Ceramics",
    "fairhaven prosthetics": "Fairhaven Prosthetic Arts",
    "fairhaven pa": "Fairhaven Prosthetic Arts",
    "larchmont ceramics": "Larchmont Ceramic Studio",
    "bayview smiles - lakeland lab": "Bayview Smiles Partners",
    "bayview smiles in-house lab": "Bayview Smiles Partners",
    "harborview dp": "Harborview Dental Partners",
    "lindqvist c&b": "Lindqvist Crown & Bridge",
    "brighttooth lab": "Bright Tooth Lab",
    "tanaka dentures": "Tanaka Denture Studio",
}
STOP = {"dental", "lab", "labs", "laboratory", "inc", "llc", "the", "and", "co"}


def words(name):
    name = name.lower().replace("&", " and ")
    return {w for w in re.findall(r"[a-z0-9]+", name) if w not in STOP}


def domain_of(value):
    value = (value or "").strip().lower()
    value = re.sub(r"^https?://", "", value)
    value = re.sub(r"^www\.", "", value)
    return value.split("/")[0]


def classify(answer):
    a = (answer or "").strip().lower()
    if not a:
        return None
    if a.startswith("n/a"):
        return "na"
    if a.startswith("very"):
        return "very"
    if a.startswith("somewhat"):
        return "somewhat"
    if a.startswith("not"):
        return "not"
    raise ValueError(f"unrecognised PMF answer: {answer!r}")


def load_crm(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    by_domain = {domain_of(r["Company Domain Name"]): r["Company name"] for r in rows}
    names = [r["Company name"] for r in rows]
    return by_domain, names


def link(row, by_domain, names):
    email = (row.get("email") or "").strip().lower()
    if "@" in email:
        dom = email.split("@", 1)[1]
        if dom in by_domain:
            return by_domain[dom]
    lab = (row.get("lab") or "").strip()
    if not lab:
        return None
    if lab.lower() in ALIASES:
        return ALIASES[lab.lower()]
    w = words(lab)
    if not w:
        return None
    hits = [n for n in names if w <= words(n)]
    return hits[0] if len(hits) == 1 else None


def compute(corpus):
    src = os.path.join(corpus, "sources")
    by_domain, names = load_crm(os.path.join(src, "crm", "kilnmark_accounts.csv"))
    with open(os.path.join(src, "survey", "kilnmark_pmf.csv"), newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if any((v or "").strip() for v in r.values())]
    latest = {}
    for r in rows:
        email = (r.get("email") or "").strip().lower()
        key = ("email", email) if email else ("row", tuple((k, r[k]) for k in sorted(r)))
        ts = datetime.strptime(r["ts"].strip(), "%Y-%m-%d %H:%M")
        if key not in latest or ts >= latest[key][0]:
            latest[key] = (ts, r)
    seg_of = {}
    with open(os.path.join(corpus, "gold.yaml"), encoding="utf-8") as f:
        gold = yaml.safe_load(f)
    for s in gold["segments"]:
        for a in s["accounts"]:
            seg_of[a] = s["id"]
    tally = {"overall": [0, 0]}
    for _, r in latest.values():
        c = classify(r["q1"])
        if c in (None, "na"):
            continue
        acct = link(r, by_domain, names)
        keys = ["overall"] + ([seg_of[acct]] if acct in seg_of else [])
        for k in keys:
            t = tally.setdefault(k, [0, 0])
            t[1] += 1
            if c == "very":
                t[0] += 1
    out = {}
    for k, (v, n) in tally.items():
        out[k] = {"very": v, "n": n, "pct": round(100.0 * v / n, 1) if n else 0.0}
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    corpus = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    res = compute(corpus)
    print("overall:", res["overall"])
    for k in sorted(res):
        if k != "overall":
            print(f"{k}:", res[k])
    if "--check" in sys.argv:
        with open(os.path.join(corpus, "gold.yaml"), encoding="utf-8") as f:
            pmf = yaml.safe_load(f)["pmf"]
        ok = pmf["overall"] == res["overall"] and all(
            pmf["segments"].get(k) == v for k, v in res.items() if k != "overall")
        print("gold.yaml pmf matches" if ok else "MISMATCH with gold.yaml pmf")
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
