#!/usr/bin/env python3
"""Recompute the gold PMF (Sean Ellis) numbers for the presswick corpus.

Usage:  python tools/compute_pmf.py [corpus_dir] [--check] [--json]

Reads sources/survey/presswick_survey.csv (Typeform export), sources/crm/presswick_accounts.json
(to link respondents to accounts) and the segment lists in gold.yaml.

Method
1. Dedupe: respondents with an e-mail are keyed on the trimmed, lower-cased e-mail and only the
   latest submission ("Submitted At") counts. Rows without an e-mail are only collapsed when the
   whole row is identical (a double export); answer text alone never dedupes.
2. Drop blank PMF answers and "N/A - I no longer use ..." answers.
3. very_disappointed_pct = 100 * very / n, where n = very + somewhat + not.
Per segment, a response counts for the segment of the account it links to: first by the Company
field (normalised, plus the hand-checked spelling variants in ALIASES), else by the e-mail domain
matched against the CRM website. Personal mail domains never link. Unlinked responses count only
in the overall numbers.
"""
import csv, json, re, sys
from pathlib import Path

PMF_COL = "How would you feel if you could no longer use Presswick?"
PERSONAL = {"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com"}
# Spelling variants seen in the survey that normalisation alone does not resolve (checked by hand).
ALIASES = {
    "brightmark": "Brightmark Press",
    "corliss": "Corliss Graphics",
    "tamsin print": "Tamsin Printing Co.",
    "northfold lithographing": "Northfold Litho",
    "alder finch": "Alder & Finch Printing",
    "cobalt litho": "Cobalt Lithographers",
    "cobalt": "Cobalt Lithographers",
    "dunmore commercial printing": "Dunmore Commercial Print",
    "dunmore commercial": "Dunmore Commercial Print",
    "dunmore": "Dunmore Commercial Print",
    "greyfield": "Greyfield Printing",
    "marlow print": "Marlow Print Solutions",
    "marlow": "Marlow Print Solutions",
    "sutter vale": "Sutter & Vale Printers",
    "vantage wraps": "Vantage Wraps & Graphics",
    "keel signs": "Keel Sign Co.",
    "mosaic exhibits": "Mosaic Exhibit Graphics",
    "mosaic": "Mosaic Exhibit Graphics",
    "summit wide format": "Summit Wide Format",
    "summit": "Summit Wide Format",
    "printhaus dover": "PrintHaus Express - Dover",
    "printhaus express dover de": "PrintHaus Express - Dover",
    "printhaus express 52 salem": "PrintHaus Express - Salem",
    "quicksheet elm street": "QuickSheet Print Center - Elm St",
    "eastmoor u document services": "Eastmoor University",
}
SUFFIXES = {"inc", "llc", "co", "company", "ltd", "the", "and"}


def norm_name(s):
    s = (s or "").lower().replace("&", " and ")
    words = [w for w in re.split(r"[^a-z0-9]+", s) if w and w not in SUFFIXES]
    return " ".join(words)


def norm_domain(website):
    w = (website or "").lower().strip()
    w = re.sub(r"^https?://", "", w)
    w = re.sub(r"^www\.", "", w)
    return w.split("/")[0]


def classify(ans):
    a = (ans or "").strip().lower().replace("’", "'").replace("–", "-")
    if not a:
        return None
    if a.startswith("n/a"):
        return "na"
    if a.startswith("very"):
        return "very"
    if a.startswith("somewhat"):
        return "somewhat"
    if a.startswith("not disappointed"):
        return "not"
    raise ValueError(f"unknown PMF answer {ans!r}")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    import yaml
    gold = yaml.safe_load((root / "gold.yaml").read_text(encoding="utf-8"))
    seg_of = {acct: s["id"] for s in gold["segments"] for acct in s["accounts"]}
    crm = json.loads((root / "sources/crm/presswick_accounts.json").read_text(encoding="utf-8"))
    by_name = {norm_name(r["name"]): r["name"] for r in crm}
    by_domain = {}
    for r in crm:
        by_domain.setdefault(norm_domain(r["website"]), set()).add(r["name"])
    aliases = {norm_name(k): v for k, v in ALIASES.items()}

    with open(root / "sources/survey/presswick_survey.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))

    latest = {}
    for i, row in enumerate(rows):
        email = (row.get("Email") or "").strip().lower()
        key = ("email", email) if email else ("row", tuple(row.values()))
        prev = latest.get(key)
        if prev is None or row["Submitted At"] >= prev[1]["Submitted At"]:
            latest[key] = (i, row)

    def segment(row):
        n = norm_name(row.get("Company"))
        acct = by_name.get(n) or aliases.get(n)
        if acct:
            return seg_of.get(acct)
        email = (row.get("Email") or "").strip().lower()
        if "@" in email:
            dom = email.split("@", 1)[1]
            if dom not in PERSONAL and dom in by_domain:
                segs = {seg_of.get(a) for a in by_domain[dom]}
                if len(segs) == 1:
                    return segs.pop()
        return None

    tally = {"overall": {"very": 0, "n": 0}}
    for _, row in sorted(latest.values(), key=lambda x: x[0]):
        c = classify(row[PMF_COL])
        if c in (None, "na"):
            continue
        buckets = ["overall"]
        s = segment(row)
        if s:
            buckets.append(s)
        for b in buckets:
            t = tally.setdefault(b, {"very": 0, "n": 0})
            t["n"] += 1
            t["very"] += c == "very"

    def pct(t):
        return round(100.0 * t["very"] / t["n"], 1) if t["n"] else 0.0

    result = {
        "method": "sean-ellis: dedupe by email keeping latest (no-email rows only on identical whole rows); drop blank and N/A; pct = very / n",
        "overall": {**tally["overall"], "pct": pct(tally["overall"])},
        "segments": {k: {**v, "pct": pct(v)} for k, v in sorted(tally.items()) if k != "overall"},
    }
    if "--json" in sys.argv:
        print(json.dumps(result))
        return 0
    print(f"overall: very={result['overall']['very']} n={result['overall']['n']} pct={result['overall']['pct']}")
    for k, v in result["segments"].items():
        print(f"{k}: very={v['very']} n={v['n']} pct={v['pct']}")
    if "--check" in sys.argv:
        g = gold.get("pmf") or {}
        ok = g.get("overall") == result["overall"] and g.get("segments") == result["segments"]
        print("gold.pmf matches" if ok else "MISMATCH with gold.pmf")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
