#!/usr/bin/env python
"""Check gold.yaml of the relaypoint corpus against its sources.

Checks:
  * every evidence / distractor quote occurs verbatim (whitespace collapsed) in its file;
    .docx is read paragraph by paragraph (python-docx); .vtt/.srt drop the header, cue numbers,
    timing lines and NOTE blocks, strip the `Name:` prefix and join the cue texts with spaces;
  * a quote lies inside one speaker's turn (never spans two speakers) and never inside an
    interviewer (Relaypoint staff) turn;
  * labels are well formed (kind, job_type, role, impact, account, why);
  * every transcript and deal note has evidence; no quote is both evidence and distractor;
  * every account in gold (segments, evidence) is a row of the CRM export; segments are disjoint
    and cover every CRM account;
  * the pmf block equals what tools/compute_pmf.py computes from the survey CSV;
  * qa: 12 answerable + 4 unanswerable, every cited file exists.
Exit code 1 on any failure.

Usage: python tools/verify_gold.py [dataset_dir]
"""
import csv
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import compute_pmf  # noqa: E402

KINDS = {"pain", "job", "trigger", "outcome", "workaround", "objection", "buying_role", "firmographic",
         "technographic", "win_reason", "loss_reason", "churn_reason"}
JOB_TYPES = {"functional", "emotional", "social"}
ROLES = {"economic_buyer", "champion", "end_user", "technical_evaluator", "blocker"}
WHY = {"negated", "hypothetical", "reported"}
PERIODS = {"day", "week", "month", "quarter", "year"}
STAFF = ("Sam Ortiz", "Lena Fischer", "Lena", "Aiko Tanaka", "Marcus Bell", "Interviewer", "Q")

LABEL_RE = re.compile(
    r"^(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s+)?"          # optional timestamp
    r"(?P<name>[A-ZÀ-Ý][\w.'’\- ]{0,40}?)"                # speaker name
    r"(?P<role>\s*\([^)]*\))?:\s")                        # optional (role / title)
OTTER_RE = re.compile(r"^(?P<name>[A-ZÀ-Ý][\w.'’\- ]{0,40}?)  \d{1,2}:\d{2}(?::\d{2})?\s*$")
TIMING_RE = re.compile(r"-->")


def ws(s):
    return re.sub(r"\s+", " ", s).strip()


def is_staff(speaker, role):
    if speaker is None:
        return False
    if role and "relaypoint" in role.lower():
        return True
    return speaker.strip() in STAFF


def strip_front_matter(text):
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5:]
    return text


def segments_for(path):
    """Return (raw_text, [(speaker, is_staff, text), ...]) for a source file."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".docx":
        import docx
        paras = [p.text for p in docx.Document(path).paragraphs]
        raw = "\n".join(paras)
        segs = []
        for p in paras:
            m = LABEL_RE.match(p)
            if m:
                segs.append((m.group("name"), is_staff(m.group("name"), m.group("role")), p[m.end():]))
            else:
                segs.append((None, False, p))
        return raw, segs
    text = open(path, encoding="utf-8").read()
    if ext in (".vtt", ".srt"):
        lines = text.splitlines()
        segs, i, cur = [], 0, None
        texts = []
        while i < len(lines):
            line = lines[i]
            s = line.strip()
            if s == "WEBVTT" or s.startswith("WEBVTT "):
                i += 1
                continue
            if s == "NOTE" or s.startswith("NOTE "):
                while i < len(lines) and lines[i].strip():
                    i += 1
                continue
            if not s or s.isdigit() or TIMING_RE.search(s):
                i += 1
                continue
            m = LABEL_RE.match(s)
            if m:
                cur = (m.group("name"), is_staff(m.group("name"), m.group("role")))
                s = s[m.end():]
            if cur is None:
                cur = (None, False)
            segs.append((cur[0], cur[1], s))
            texts.append(s)
            i += 1
        return " ".join(texts), segs
    if "/deals/" in path.replace(os.sep, "/"):
        return text, [(None, False, strip_front_matter(text))]
    body = strip_front_matter(text)
    lines = body.splitlines()
    names = [m.group("name") for m in (LABEL_RE.match(l) or OTTER_RE.match(l) for l in lines) if m]
    if len(names) < 5 or len(set(names)) > 6:  # researcher notes without speakers
        return text, [(None, False, body)]
    segs, cur, buf = [], None, []

    def flush():
        if cur is not None or buf:
            segs.append((cur[0] if cur else None, cur[1] if cur else False, " ".join(buf)))

    for line in lines:
        mo = OTTER_RE.match(line)
        ml = LABEL_RE.match(line)
        if mo:
            flush()
            cur, buf = (mo.group("name"), is_staff(mo.group("name"), None)), []
        elif ml:
            flush()
            cur, buf = (ml.group("name"), is_staff(ml.group("name"), ml.group("role"))), [line[ml.end():]]
        else:
            buf.append(line)
    flush()
    return text, segs


def locate(quote, segs):
    """Find quote in the joined segment text; return list of covered segments for each hit."""
    joined, spans, pos = [], [], 0
    for sp, staff, t in segs:
        t = ws(t)
        spans.append((pos, pos + len(t), sp, staff))
        joined.append(t)
        pos += len(t) + 1
    full = " ".join(joined)
    q = ws(quote)
    hits, start = [], 0
    while True:
        k = full.find(q, start)
        if k == -1:
            break
        end = k + len(q)
        covered = [(sp, staff) for a, b, sp, staff in spans if a < end and b > k]
        hits.append(covered)
        start = k + 1
    return hits


def main(ds):
    errors = []
    src = os.path.join(ds, "sources")
    gold = yaml.safe_load(open(os.path.join(ds, "gold.yaml"), encoding="utf-8"))

    # ---- CRM / segments -----------------------------------------------------
    with open(os.path.join(src, "crm", "relaypoint-crm-export.csv"), encoding="utf-8", newline="") as f:
        crm = {r["Account Name"] for r in csv.DictReader(f)}
    seen = {}
    for s in gold["segments"]:
        for a in s["accounts"]:
            if a in seen:
                errors.append(f"account {a!r} in segments {seen[a]} and {s['id']}")
            seen[a] = s["id"]
            if a not in crm:
                errors.append(f"segment account {a!r} not in CRM export")
    for a in crm - set(seen):
        errors.append(f"CRM account {a!r} is in no segment")
    hyp = [s["id"] for s in gold["segments"] if s.get("hypothesis")]
    neg = [s["id"] for s in gold["segments"] if s.get("negative")]
    if not hyp or not neg:
        errors.append("need at least one hypothesis segment and one negative segment")

    # ---- evidence / distractors ---------------------------------------------
    cache = {}

    def check_quote(item, what):
        rel = item["file"]
        path = os.path.join(src, rel)
        if not os.path.exists(path):
            errors.append(f"{what}: missing file {rel}")
            return
        if rel not in cache:
            cache[rel] = segments_for(path)
        raw, segs = cache[rel]
        q = item["quote"]
        if ws(q) not in ws(raw):
            errors.append(f"{what}: quote not in {rel}: {q!r}")
            return
        hits = locate(q, segs)
        ok = [h for h in hits if len({sp for sp, _ in h}) == 1 and not any(st for _, st in h)]
        if not hits:
            errors.append(f"{what}: quote not inside any turn of {rel}: {q!r}")
        elif not ok:
            errors.append(f"{what}: quote spans speakers or is an interviewer line in {rel}: {q!r} -> {hits}")

    ev_keys = set()
    per_file = {}
    for i, e in enumerate(gold["evidence"]):
        what = f"evidence[{i}]"
        if e.get("kind") not in KINDS:
            errors.append(f"{what}: bad kind {e.get('kind')!r}")
        if e["kind"] == "job" and e.get("job_type") not in JOB_TYPES:
            errors.append(f"{what}: job without valid job_type")
        if e["kind"] != "job" and "job_type" in e:
            errors.append(f"{what}: job_type on {e['kind']}")
        if e["kind"] == "buying_role" and e.get("role") not in ROLES:
            errors.append(f"{what}: buying_role without valid role")
        if e["kind"] != "buying_role" and "role" in e:
            errors.append(f"{what}: role on {e['kind']}")
        if "impact" in e:
            imp = e["impact"]
            if not isinstance(imp.get("amount"), (int, float)) or not imp.get("unit"):
                errors.append(f"{what}: malformed impact {imp}")
            if imp.get("period") and imp["period"] not in PERIODS:
                errors.append(f"{what}: bad period {imp}")
        if e.get("account") not in seen:
            errors.append(f"{what}: account {e.get('account')!r} not in a segment / CRM")
        check_quote(e, what)
        ev_keys.add((e["file"], ws(e["quote"])))
        per_file[e["file"]] = per_file.get(e["file"], 0) + 1
    for i, d in enumerate(gold.get("distractors", [])):
        what = f"distractor[{i}]"
        if d.get("why") not in WHY:
            errors.append(f"{what}: bad why {d.get('why')!r}")
        check_quote(d, what)
        if (d["file"], ws(d["quote"])) in ev_keys:
            errors.append(f"{what}: also labelled as evidence: {d['quote']!r}")
    for sub in ("transcripts", "deals"):
        for fn in sorted(os.listdir(os.path.join(src, sub))):
            rel = f"{sub}/{fn}"
            if per_file.get(rel, 0) == 0:
                errors.append(f"{rel}: no evidence labelled")

    # ---- pmf -----------------------------------------------------------------
    tally, stats = compute_pmf.compute(ds)
    want = compute_pmf.pmf_block(tally)
    got = gold.get("pmf", {})
    if got.get("overall") != want["overall"]:
        errors.append(f"pmf overall {got.get('overall')} != recomputed {want['overall']}")
    for k, v in want["segments"].items():
        if got.get("segments", {}).get(k) != v:
            errors.append(f"pmf {k} {got.get('segments', {}).get(k)} != recomputed {v}")

    # ---- qa ------------------------------------------------------------------
    qa = gold.get("qa", [])
    n_ans = sum(1 for q in qa if q["answerable"])
    n_un = sum(1 for q in qa if not q["answerable"])
    if n_ans < 12 or n_un < 4:
        errors.append(f"qa: {n_ans} answerable / {n_un} unanswerable")
    for q in qa:
        for f in q.get("files", []):
            if not os.path.exists(os.path.join(src, f)):
                errors.append(f"qa file missing: {f}")
        if q["answerable"] and not q.get("files"):
            errors.append(f"qa answerable without files: {q['question']}")

    # ---- report ----------------------------------------------------------------
    kinds = {}
    for e in gold["evidence"]:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    print(f"evidence: {len(gold['evidence'])} labels over {len(per_file)} files; distractors: {len(gold.get('distractors', []))}")
    for k in sorted(kinds):
        print(f"  {k:15s} {kinds[k]}")
    print("pmf:", want["overall"], {k: v for k, v in want["segments"].items()})
    print("survey:", stats)
    if errors:
        print(f"\nFAILED: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    print("\nOK: gold.yaml is consistent with the sources")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(HERE)))
