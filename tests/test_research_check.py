"""The "does this look like customer research" check: never rejects the bundled sample, the
eval corpora's transcripts and notes, a short real interview or an interview in German;
rejects gibberish, program code, software documentation, licences and data dictionaries.
`icp draft` and the page then draft no ICP; `icp ingest` skips the file with its reason."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

from conftest import REPO, SAMPLE
from helpers import write

from agent.ingest.research_check import check

RESEARCH = sorted(
    p
    for p in [*SAMPLE.rglob("*"), *(REPO / "evals" / "datasets").glob("*/sources/**/*")]
    if p.suffix in (".txt", ".md", ".markdown", ".vtt", ".srt")
)
REALDATA = REPO / "tests" / "data" / "realdata"
GERMAN = (
    "Interviewer: Wie werden Angebote heute freigegeben?\n"
    "Kunde: Alles über zehn Prozent geht an unseren Finanzchef, und das dauert oft mehrere Tage.\n"
    "Interviewer: Wie viele Angebote sind das pro Woche?\n"
    "Kunde: Ungefähr vierzig, und die meisten warten auf ihn. Wir verlieren dadurch Aufträge.\n"
)
MIT = (
    "Copyright (c) 2024 Example Corp\n\nPermission is hereby granted, free of charge, to any "
    "person obtaining a copy of this software, to deal in the Software without restriction.\n\n"
    'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, '
    "INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY. IN NO EVENT SHALL THE "
    "AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM.\n"
)
SHORT_INTERVIEW = (
    "Sam: What is hardest about quoting?\n"
    "Dana: We lose about six hours a week reconciling quotes against the ERP.\n"
    "Sam: Why?\nDana: Everything lives in spreadsheets.\n"
)


def gibberish(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(
        "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 9)))
        for _ in range(150)
    )


def test_research_is_never_rejected():
    corpora = {p.relative_to(REPO).parts[2] for p in RESEARCH if p.is_relative_to(REPO / "evals")}
    assert corpora == {
        "assayline",
        "benchwell",
        "hookline",
        "brindle",
        "closewise",
        "fieldcrew",
        "hopcrest",
        "kilnmark",
        "larkspur",
        "moorline",
        "pawledger",
        "presswick",
        "quillmark",
        "relaypoint",
        "rostermill",
        "sprigline",
        "stowhaven",
        "tallyroom",
        "tidemark",
        "wharfside",
    }
    assert len(RESEARCH) >= 100
    rejected = {p.name: check(p.read_text(errors="replace")).reason for p in RESEARCH}
    assert {name: why for name, why in rejected.items() if why} == {}
    assert check(SHORT_INTERVIEW).ok
    assert check(GERMAN).ok  # research in another language is research (the engine flags it)


def test_licences_and_data_dictionaries_are_rejected_with_a_reason():
    verdicts = {
        "CC0": check((REALDATA / "jupyter-2015-ux" / "LICENSE-CC0.txt").read_text()),
        "MIT file": check((REALDATA / "mybinder-2020" / "LICENSE").read_text()),
        "MIT text": check(MIT),
    }
    assert {name: v.reason for name, v in verdicts.items()} == dict.fromkeys(
        verdicts, "it reads as a software or data licence"
    )
    readme = check((REALDATA / "jupyter-2015-ux" / "_upstream_README.md").read_text())
    assert not readme.ok and "data dictionary" in readme.reason
    assert not check((REALDATA / "mybinder-2020" / "README.md").read_text()).ok


def test_icp_ingest_skips_what_is_not_research_and_goes_on(icp, tmp_path):
    folder = tmp_path / "research"
    write(folder / "brookfield.txt", SHORT_INTERVIEW)
    write(folder / "interview-de.txt", GERMAN)
    write(
        folder / "LICENSE-CC0.txt", (REALDATA / "jupyter-2015-ux" / "LICENSE-CC0.txt").read_text()
    )
    write(
        folder / "_upstream_README.md",
        (REALDATA / "jupyter-2015-ux" / "_upstream_README.md").read_text(),
    )
    write(folder / "helper.md", (REPO / "agent" / "render" / "outline.py").read_text())
    write(folder / "scratch.txt", gibberish(4))
    code, out, _err = icp("ingest", folder, "-w", tmp_path / "ws", "--json")
    files = {Path(f["source"]).name: f for f in json.loads(out)["files"]}
    assert code == 0  # skipped files are not failures
    assert {name: f["status"] for name, f in files.items()} == {
        "brookfield.txt": "ingested",
        "interview-de.txt": "ingested",
        "LICENSE-CC0.txt": "skipped",
        "_upstream_README.md": "skipped",
        "helper.md": "skipped",
        "scratch.txt": "skipped",
    }
    assert "licence" in files["LICENSE-CC0.txt"]["error"]
    assert "data dictionary" in files["_upstream_README.md"]["error"]
    assert "English words" in files["scratch.txt"]["error"]
    assert all(
        f["error"].startswith("does not look like customer research")
        for f in files.values()
        if f["status"] == "skipped"
    )
    code, out, _err = icp("sources", "-w", tmp_path / "ws", "--json")
    assert code == 0 and "LICENSE" not in out and "helper.md" not in out
    code, _out, err = icp("ingest", folder / "LICENSE-CC0.txt", "-w", tmp_path / "ws2")
    assert code == 0 and "LICENSE-CC0.txt" in _out + err and "licence" in _out + err


def test_gibberish_code_and_docs_are_rejected_with_a_reason():
    negatives = {
        "gibberish": gibberish(1),
        "more gibberish": gibberish(2),
        "lorem ipsum": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. "
        * 6,
        "python": (REPO / "agent" / "render" / "outline.py").read_text(),
        "javascript": (REPO / "agent" / "web" / "static" / "app.js").read_text(),
        "css": (REPO / "agent" / "web" / "static" / "app.css").read_text(),
        "a README": (REPO / "README.md").read_text(),
        "design notes": (REPO / "DESIGN.md").read_text(),
        "a Makefile": (REPO / "Makefile").read_text(),
        "two words": "hello there",
    }
    verdicts = {name: check(text) for name, text in negatives.items()}
    assert {name for name, v in verdicts.items() if v.ok} == set()
    assert "English words" in verdicts["gibberish"].reason
    assert "does not look like customer research" in verdicts["python"].message


def test_icp_draft_on_gibberish_makes_no_icp(icp):
    code, out, err = icp("draft", "-", stdin=gibberish(3))
    assert code == 1 and out == ""
    assert "does not look like customer research" in err


def test_icp_synthesize_on_an_empty_workspace_says_so_and_exits_1(icp, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.csv").write_text("nothing,here\n")
    icp("ingest", folder, "-w", tmp_path / "ws")  # fails: neither a survey nor a CRM export
    code, _out, err = icp("synthesize", "-w", tmp_path / "ws")
    assert code == 1 and "no research in" in err and "icp ingest" in err
    assert "Saved as" not in err


def test_a_deal_note_in_the_third_person_is_research_by_its_front_matter():
    # a win/loss note about "the owners" and "the crew", with no "we" or "they" in it: its
    # front matter names the account and the outcome; its keys are no one's words
    body = (
        "Expansion from $31k to $44k ACV: crew scheduling add-on plus seats for the new Dayton "
        "warehouse. Anita Kowalczyk (GM) signed; Beth in finance re-checked the QuickBooks "
        "Online sync for the new location. What drove it: overtime ran $61k over budget in "
        "August, and the owners approved the add-on after seeing that number. Dayton opened in "
        "March with an almost entirely new crew. The crew schedule pulls from the event and "
        "its load list, so crew leads see the route and the truck on their phones. A year "
        "without a double-booking made the expansion an easy internal sell. Risks: crew leads "
        "are attached to the group text; phone battery life on long install days. Phased "
        "rollout: Columbus in March, Dayton and Newark in April, ahead of May seasonal hiring."
    )
    meta = (
        "---\naccount: Kestrel Party & Tent\noutcome: expanded\nacv: 44k\ncompetitor: none\n---\n"
    )
    assert check(meta + body).ok
    assert not check(body).ok  # without it, nothing says whose work this is
    plain = "---\ntitle: Release checklist\nversion: 2\n---\n" + body
    assert not check(plain).ok
