#!/usr/bin/env python3
"""Compute the Sean Ellis PMF figures for the FieldCrew corpus.

Method (CORPUS_FORMAT.md):
  1. dedupe by respondent email (case-insensitive, trimmed), keeping the latest
     submission by timestamp; rows without an email are deduped on identical
     answers (every column except the timestamp), keeping the latest;
  2. drop blank answers and "N/A - I no longer use ..." answers;
  3. very_disappointed_pct = 100 * very / n, n = very + somewhat + not.
Per segment, a response counts for the segment of the CRM account it links to:
by company name first (normalised: case, punctuation, "&"/"and", legal suffixes
such as Inc./LLC/Co./Ltd.), else by the email domain matching the account's CRM
domain. Unlinked responses count only overall.

Usage:
  python tools/compute_pmf.py [DATASET_DIR]          # print the figures
  python tools/compute_pmf.py [DATASET_DIR] --write  # also rewrite gold.yaml's pmf block
  python tools/compute_pmf.py [DATASET_DIR] --rows   # print every row's decision
Needs openpyxl and PyYAML.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import openpyxl
import yaml

METHOD = "sean-ellis: dedupe by email keeping latest; drop blank and N/A; pct = very / n"
LEGAL = {"inc", "llc", "ltd", "co", "corp", "corporation", "company", "limited", "lp", "llp", "pllc"}


def norm_name(s: str | None) -> str:
    if not s:
        return ""
    s = s.lower().replace("&", " and ")
    s = re.sub(r"[’'`]", "", s)
    s = re.sub(r"[^a-z0-9]+", " ", s).split()
    while s and s[-1] in LEGAL:
        s.pop()
    return " ".join(s)


def norm_domain(s: str | None) -> str:
    if not s:
        return ""
    s = s.strip().lower()
    s = re.sub(r"^https?://", "", s)
    s = s.split("/")[0]
    if s.startswith("www."):
        s = s[4:]
    return s


def classify(ans) -> str | None:
    """Return 'very' | 'somewhat' | 'not' | 'na' | None (blank)."""
    if ans is None:
        return None
    a = re.sub(r"\s+", " ", str(ans)).strip().lower()
    if not a:
        return None
    if a.startswith("n/a") or a.startswith("na ") or "no longer use" in a:
        return "na"
    if a.startswith("very"):
        return "very"
    if a.startswith("somewhat"):
        return "somewhat"
    if a.startswith("not"):
        return "not"
    raise ValueError(f"unrecognised PMF answer: {ans!r}")


def find_col(headers, *needles, exclude=()):
    for i, h in enumerate(headers):
        hl = (h or "").lower()
        if all(n in hl for n in needles) and not any(x in hl for x in exclude):
            return i
    raise KeyError(needles)


def to_dt(v):
    if isinstance(v, dt.datetime):
        return v
    return dt.datetime.fromisoformat(str(v).strip())


def load(dataset: Path):
    survey = next((dataset / "sources" / "survey").glob("*.xlsx"))
    ws = openpyxl.load_workbook(survey, data_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    headers = [str(h) if h is not None else "" for h in rows[0]]
    body = [list(r) for r in rows[1:] if any(c not in (None, "") for c in r)]
    crm = json.loads((dataset / "sources" / "crm" / "fieldcrew-accounts.json").read_text(encoding="utf-8"))
    gold = yaml.safe_load((dataset / "gold.yaml").read_text(encoding="utf-8"))
    return headers, body, crm, gold


def compute(dataset: Path, show_rows: bool = False):
    headers, body, crm, gold = load(dataset)
    c_ts = find_col(headers, "timestamp")
    c_email = find_col(headers, "email")
    c_company = find_col(headers, "company", exclude=("size", "type of company"))
    c_pmf = find_col(headers, "no longer use")

    by_name = {norm_name(a["name"]): a["name"] for a in crm}
    by_domain = {norm_domain(a.get("domain")): a["name"] for a in crm if a.get("domain")}
    seg_of = {acc: s["id"] for s in gold["segments"] for acc in s["accounts"]}

    # 1. dedupe
    latest: dict = {}
    for idx, r in enumerate(body):
        email = (r[c_email] or "").strip().lower() if isinstance(r[c_email], str) else ""
        if email:
            key = ("email", email)
        else:
            key = ("answers",) + tuple("" if v is None else str(v).strip() for j, v in enumerate(r) if j != c_ts)
        ts = to_dt(r[c_ts])
        if key not in latest or ts >= latest[key][0]:
            latest[key] = (ts, idx, r)

    counts = {"overall": {"very": 0, "n": 0}}
    for s in gold["segments"]:
        counts[s["id"]] = {"very": 0, "n": 0}
    kept_idx = {v[1] for v in latest.values()}
    for idx, r in enumerate(body):
        cls = classify(r[c_pmf])
        company = r[c_company] if isinstance(r[c_company], str) else ""
        email = r[c_email] if isinstance(r[c_email], str) else ""
        account = by_name.get(norm_name(company))
        how = "name" if account else ""
        if not account and "@" in email:
            account = by_domain.get(norm_domain(email.split("@", 1)[1]))
            how = "domain" if account else ""
        seg = seg_of.get(account) if account else None
        if idx not in kept_idx:
            status = "duplicate (older)"
        elif cls in (None, "na"):
            status = "dropped (blank)" if cls is None else "dropped (N/A)"
        else:
            status = cls
            counts["overall"]["n"] += 1
            counts["overall"]["very"] += cls == "very"
            if seg:
                counts[seg]["n"] += 1
                counts[seg]["very"] += cls == "very"
        if show_rows:
            print(f"{idx + 2:>4} {status:<18} {seg or '-':<24} {account or '-':<32} via {how or '-':<6} {email!r} {company!r}")

    def pct(c):
        return {"very": c["very"], "n": c["n"], "pct": round(100.0 * c["very"] / c["n"], 1) if c["n"] else 0.0}

    return {
        "method": METHOD,
        "overall": pct(counts["overall"]),
        "segments": {s["id"]: pct(counts[s["id"]]) for s in gold["segments"]},
    }


def render(pmf: dict) -> str:
    def f(d):
        return "{very: %d, n: %d, pct: %s}" % (d["very"], d["n"], d["pct"])
    lines = ["pmf:", f'  method: "{pmf["method"]}"', f"  overall: {f(pmf['overall'])}", "  segments:"]
    for k, v in pmf["segments"].items():
        lines.append(f"    {k}: {f(v)}")
    return "\n".join(lines) + "\n"


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    dataset = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    pmf = compute(dataset, show_rows="--rows" in argv)
    block = render(pmf)
    print(block, end="")
    if "--write" in argv:
        gp = dataset / "gold.yaml"
        text = gp.read_text(encoding="utf-8")
        new, k = re.subn(r"(?ms)^pmf:\n.*?(?=^qa:)", block, text)
        if k != 1:
            sys.exit("could not find the pmf block in gold.yaml")
        gp.write_text(new, encoding="utf-8")
        print("gold.yaml pmf block updated")


if __name__ == "__main__":
    main(sys.argv[1:])
