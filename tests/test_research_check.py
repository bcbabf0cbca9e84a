"""The "does this look like customer research" check: never rejects the bundled sample, the
eval corpora's transcripts and notes, or a short real interview; rejects gibberish, program
code and software documentation. `icp draft` and the page then draft no ICP."""

from __future__ import annotations

import random
import string

from conftest import REPO, SAMPLE

from agent.ingest.research_check import check

RESEARCH = sorted(
    p
    for p in [*SAMPLE.rglob("*"), *(REPO / "evals" / "datasets").glob("*/sources/**/*")]
    if p.suffix in (".txt", ".md", ".vtt", ".srt")
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
    assert len(RESEARCH) >= 50
    rejected = {p.name: check(p.read_text(errors="replace")).reason for p in RESEARCH}
    assert {name: why for name, why in rejected.items() if why} == {}
    assert check(SHORT_INTERVIEW).ok


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
