"""Issue #14: non-English research is detected, said per file, stored on the document, and
kept out of the offline engine's evidence (never silently mixed into English themes)."""

from __future__ import annotations

import json

from helpers import load, write

from agent.ingest.language import detect

GERMAN = (
    "Interviewer: Wie werden Angebote heute freigegeben?\n"
    "Kunde: Alles über zehn Prozent geht an unseren Finanzchef, und das dauert oft mehrere Tage.\n"
    "Interviewer: Wie viele Angebote sind das pro Woche?\n"
    "Kunde: Ungefähr vierzig, und die meisten warten auf ihn. Wir verlieren dadurch Aufträge.\n"
)
ENGLISH = (
    "Interviewer: How do quotes get approved today?\n"
    "Customer: Anything over ten percent goes to our CFO, and that often takes several days.\n"
    "Interviewer: How many quotes a week is that?\n"
    "Customer: About forty, and most of them wait on him. We lose orders because of it.\n"
)


def test_detect():
    assert detect(ENGLISH) == "en"
    assert detect(GERMAN) == "de"
    assert detect("Nous reconstruisons chaque devis dans Excel puis nous le ressaisissons.") == "fr"
    assert detect("Na") is None  # too short to tell


def test_non_english_file_is_reported_and_flagged(tmp_path, icp):
    german = load(write(tmp_path / "src" / "interview-de.txt", GERMAN))
    english = load(write(tmp_path / "src" / "interview-en.txt", ENGLISH))
    assert german.documents[0].metadata["language"] == "de"
    assert german.documents[0].language == "de"
    assert any("German (de)" in w for w in german.warnings)
    assert english.documents[0].metadata["language"] == "en" and not english.warnings
    code, out, _ = icp("ingest", str(tmp_path / "src"), "--workspace", tmp_path / "ws", "--json")
    files = {f["source"]: f for f in json.loads(out)["files"]}
    assert code == 0
    assert any("German" in w for w in files["src/interview-de.txt"]["warnings"])
    assert not files["src/interview-en.txt"]["warnings"]


def test_survey_rows_in_another_language_are_flagged_one_by_one(tmp_path):
    text = (
        "Submitted At,How would you feel if you could no longer use Relaypoint?,What is the main benefit you receive?\n"
        "2026-03-01,Very disappointed,We finally score every ticket and the coaching is much faster than before\n"
        "2026-03-02,Somewhat disappointed,Less manual review for the team leads every single week\n"
        "2026-03-03,Very disappointed,Wir bewerten endlich jedes Ticket und das Coaching geht viel schneller als früher\n"
        "2026-03-04,Not disappointed,Reports\n"
    )
    loaded = load(write(tmp_path / "pmf.csv", text))
    languages = [d.metadata["language"] for d in loaded.documents]
    assert languages == ["en", "en", "de", "en"]
    assert any("1 of 4 documents are in German (de)" in w for w in loaded.warnings)


def test_offline_extraction_skips_non_english_documents(tmp_path, icp):
    write(tmp_path / "src" / "interview-de.txt", GERMAN)
    write(tmp_path / "src" / "interview-en.txt", ENGLISH)
    workspace = tmp_path / "ws"
    assert icp("ingest", str(tmp_path / "src"), "--workspace", workspace)[0] == 0
    code, out, _ = icp("extract", "--workspace", workspace, "--json")
    assert code == 0
    extracted = {d["source"] for d in json.loads(out)["documents"]}
    assert extracted == {"src/interview-en.txt"}


FRENCH = (
    "Intervieweur: Comment les devis sont-ils validés aujourd'hui ?\n"
    "Cliente: Tout ce qui dépasse dix pour cent part chez notre directeur financier, et cela prend souvent plusieurs jours.\n"
    "Intervieweur: Combien de devis par semaine ?\n"
    "Cliente: Environ quarante, et la plupart attendent sa signature. Nous perdons des commandes à cause de cela.\n"
)


def test_french_interview_is_kept_out_of_offline_evidence_with_a_line(tmp_path, icp):
    """Issue #12: a document not in English never reaches the offline engine or the themes;
    the extraction and the draft say which file and why, per file."""
    write(tmp_path / "src" / "entretien-fr.txt", FRENCH)
    write(tmp_path / "src" / "interview-en.txt", ENGLISH)
    workspace = tmp_path / "ws"
    assert icp("ingest", str(tmp_path / "src"), "--workspace", workspace)[0] == 0
    code, out, _ = icp("extract", "--workspace", workspace, "--json")
    data = json.loads(out)
    assert code == 0 and {d["source"] for d in data["documents"]} == {"src/interview-en.txt"}
    [line] = data["skipped"]
    assert line.startswith("src/entretien-fr.txt: written in French (fr), kept out of the offline")
    code, out, _ = icp("extract", "--workspace", workspace, "--force")
    assert code == 0 and "Not read: src/entretien-fr.txt: written in French (fr)" in out
    code, out, _ = icp("synthesize", "--workspace", workspace, "--format", "json")
    draft = json.loads(out)
    assert any("entretien-fr.txt: written in French" in w for w in draft["warnings"])
    quoted = json.dumps(draft["segments"])
    assert "directeur financier" not in quoted and "Environ quarante" not in quoted


def test_the_offline_engine_itself_reads_english_only(tmp_path, embedder):
    from agent.extract.offline import OfflineExtractor

    doc = load(write(tmp_path / "entretien-fr.txt", FRENCH)).documents[0]
    assert doc.language == "fr" and OfflineExtractor(embedder).extract(doc) == []
