"""`icp ingest` into a workspace: summaries, idempotence, replacement, forgetting, bad input,
interrupted and concurrent ingests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO, SAMPLE
from helpers import write

from agent.config import load_settings
from agent.ingest.loader import READER
from agent.store import Workspace
from agent.synthesize.inputs import inputs_from_workspace

TRANSCRIPT = (
    "Sam: How do quotes get built today?\n"
    "Dana: I run revenue ops at Brookfield Tooling, and honestly it's a mess.\n"
    "Sam: Why is that?\n"
    "Dana: We lose about six hours a week reconciling quotes against the ERP.\n"
)


def open_ws(path: Path) -> Workspace:
    return Workspace(path, "minilm-l6-int8")


def counts(path: Path) -> tuple[int, int, int, int]:
    """(files, documents, chunks in catalog, chunk vectors in Chroma)."""
    ws = open_ws(path)
    try:
        return (
            len(ws.catalog.files()),
            ws.catalog.document_count(),
            ws.catalog.chunk_count(),
            ws.vectors.count("chunks"),
        )
    finally:
        ws.close()


def test_sample_sprint_ingests_with_summary(icp, workspace_dir):
    code, out, err = icp("ingest", SAMPLE, "--workspace", workspace_dir)
    assert code == 0, err
    for kind in ("transcript", "notes", "win_loss", "survey", "crm"):
        assert kind in out
    assert "Brookfield Tooling" in out
    files, documents, chunks, vectors = counts(workspace_dir)
    assert files == 17 and chunks == vectors and documents > 70


def test_attribution_by_front_matter_file_name_and_conversation(icp, workspace_dir):
    code, out, _ = icp("ingest", SAMPLE, "-w", workspace_dir, "--json")
    assert code == 0
    report = json.loads(out)
    by_file = {Path(f["source"]).name: f for f in report["files"]}
    assert by_file["2026-03-04_revops-interview.txt"]["accounts"] == [
        "Brookfield Tooling"
    ]  # conversation only
    assert by_file["2026-01-27_keystone-fluid-controls_sales-ops.txt"]["accounts"] == [
        "Keystone Fluid Controls"
    ]  # file name
    assert by_file["2026-02-24_summit-bearing-transmission.srt"]["accounts"] == [
        "Summit Bearing & Transmission"
    ]
    assert by_file["interview-2026-01-20-a.md"]["accounts"] == [
        "Halvorsen Pump & Valve"
    ]  # front matter
    assert by_file["customer-interview-2026-02-05.docx"]["accounts"] == [
        "Marlow Precision Components"
    ]
    ws = open_ws(workspace_dir)
    docs = {d.source.split("/")[-1]: d for d in ws.catalog.documents(kinds=["transcript"])}
    ws.close()
    assert docs["2026-03-04_revops-interview.txt"].account_attribution == "conversation"
    assert (
        docs["2026-01-27_keystone-fluid-controls_sales-ops.txt"].account_attribution == "file_name"
    )
    # survey company spellings resolve to the CRM's names ('Gulfline' -> 'Gulfline Industrial Supply')
    survey_accounts = set(next(f for f in report["files"] if f["kind"] == "survey")["accounts"])
    crm_accounts = set(next(f for f in report["files"] if f["kind"] == "crm")["accounts"])
    assert "Gulfline" not in survey_accounts and "Gulfline Industrial Supply" in survey_accounts
    assert len(survey_accounts - crm_accounts) <= 3


def test_a_file_read_by_older_readers_is_read_again(icp, tmp_path, workspace_dir):
    """When the readers change (a speaker-role rule, say), an unchanged file stored by the older
    version is read again, once: its documents are not left stale, nothing is duplicated."""
    folder = tmp_path / "research"
    write(folder / "a.txt", TRANSCRIPT)
    write(folder / "b.txt", TRANSCRIPT.replace("Brookfield Tooling", "Gulfline Supply"))
    assert icp("ingest", folder, "-w", workspace_dir)[0] == 0
    before = counts(workspace_dir)
    ws = open_ws(workspace_dir)
    try:
        assert {f.reader for f in ws.catalog.files()} == {READER}
        with ws.catalog.transaction() as db:  # as an older version stored a.txt
            db.execute(
                "UPDATE file_readers SET reader='readers-1' WHERE file_id IN "
                "(SELECT file_id FROM files WHERE source LIKE '%a.txt')"
            )
    finally:
        ws.close()
    code, out, _ = icp("ingest", folder, "-w", workspace_dir, "--json")
    statuses = {Path(f["source"]).name: f["status"] for f in json.loads(out)["files"]}
    assert code == 0 and statuses == {"a.txt": "replaced", "b.txt": "unchanged"}
    assert counts(workspace_dir) == before
    code, out, _ = icp("ingest", folder, "-w", workspace_dir, "--json")
    assert {f["status"] for f in json.loads(out)["files"]} == {"unchanged"}
    # a.txt is now stored after b.txt; synthesis still reads the research in its own order
    ws = open_ws(workspace_dir)
    try:
        stored = [Path(d.source).name for d in ws.catalog.documents()]
        read = [Path(d.source).name for d in inputs_from_workspace(ws, None).documents]
    finally:
        ws.close()
    assert stored == ["b.txt", "a.txt"] and read == ["a.txt", "b.txt"]


def test_reingest_unchanged_does_nothing_and_changed_file_replaces_its_chunks(
    icp, tmp_path, workspace_dir
):
    folder = tmp_path / "research"
    write(folder / "a.txt", TRANSCRIPT)
    write(
        folder / "b.txt",
        TRANSCRIPT.replace("Dana", "Lee").replace("Brookfield Tooling", "Gulfline Supply"),
    )
    assert icp("ingest", folder, "-w", workspace_dir)[0] == 0
    before = counts(workspace_dir)
    code, out, _ = icp("ingest", folder, "-w", workspace_dir, "--json")
    assert code == 0 and {f["status"] for f in json.loads(out)["files"]} == {"unchanged"}
    assert counts(workspace_dir) == before
    write(
        folder / "a.txt",
        TRANSCRIPT + "Sam: Anything else?\nDana: Onboarding a new rep takes three weeks.\n",
    )
    code, out, _ = icp("ingest", folder, "-w", workspace_dir, "--json")
    statuses = {Path(f["source"]).name: f["status"] for f in json.loads(out)["files"]}
    assert statuses == {"a.txt": "replaced", "b.txt": "unchanged"}
    files, documents, chunks, vectors = counts(workspace_dir)
    assert (files, documents) == (2, 2) and chunks == vectors == before[
        2
    ] + 2  # one more question, one more answer


def test_same_content_under_another_name_is_a_duplicate(icp, tmp_path, workspace_dir):
    write(tmp_path / "one" / "a.txt", TRANSCRIPT)
    write(tmp_path / "two" / "copy.txt", TRANSCRIPT)
    icp("ingest", tmp_path / "one", "-w", workspace_dir)
    code, out, _ = icp("ingest", tmp_path / "two", "-w", workspace_dir, "--json")
    assert code == 0
    assert json.loads(out)["files"][0]["status"] == "duplicate"
    assert counts(workspace_dir)[0] == 1


def test_forget_removes_documents_chunks_and_vectors(icp, tmp_path, workspace_dir):
    write(tmp_path / "r" / "a.txt", TRANSCRIPT)
    write(tmp_path / "r" / "b.txt", TRANSCRIPT.replace("Brookfield", "Summit"))
    icp("ingest", tmp_path / "r", "-w", workspace_dir)
    code, out, _ = icp("forget", "r/a.txt", "-w", workspace_dir)
    assert code == 0 and "Forgot r/a.txt" in out
    files, documents, chunks, vectors = counts(workspace_dir)
    assert (files, documents) == (1, 1) and chunks == vectors
    code, _, err = icp("forget", "nope.txt", "-w", workspace_dir)
    assert code == 1 and "No source matches" in err


def test_bad_files_fail_alone_with_reasons_and_good_files_are_stored(icp, tmp_path, workspace_dir):
    folder = tmp_path / "batch"
    write(folder / "good.txt", TRANSCRIPT)
    write(folder / "empty.txt", "   \n")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (folder / "undecodable.md").write_bytes(
        b"caf\x81 \x8d\x8f\x90 \x9d bad bytes in neither utf-8 nor cp1252"
    )
    write(folder / "broken.csv", 'Account Name,Industry,Employees\n"Acme,SaaS,10\nBeta,SaaS,20\n')
    write(folder / "broken.vtt", "WEBVTT\n\n1\n00:00:01.000 -> 00:00:02.000\nSam: hi\n")
    write(folder / "notvtt.vtt", "Sam: hello\n")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    write(folder / "image.png", "not an image")
    code, out, _err = icp("ingest", folder, "-w", workspace_dir, "--json")
    report = json.loads(out)
    reasons = {Path(f["source"]).name: (f["status"], f["error"]) for f in report["files"]}
    assert code == 1
    assert reasons["good.txt"][0] == "ingested"
    assert reasons["empty.txt"] == ("failed", "file is empty")
    assert "binary content" in reasons["binary.txt"][1]
    assert "cannot decode" in reasons["undecodable.md"][1]
    assert "malformed CSV" in reasons["broken.csv"][1]
    assert "malformed WebVTT at line 4" in reasons["broken.vtt"][1]
    assert "first line must be WEBVTT" in reasons["notvtt.vtt"][1]
    assert "not a readable Word .docx" in reasons["broken.docx"][1]
    assert reasons["image.png"][0] == "skipped"
    assert counts(workspace_dir)[:2] == (1, 1)


def test_size_cap(icp, tmp_path, workspace_dir, monkeypatch):
    monkeypatch.setenv("ICP_MAX_FILE_MB", "1")
    write(tmp_path / "huge.txt", "word " * 300_000)
    code, out, _ = icp("ingest", tmp_path / "huge.txt", "-w", workspace_dir, "--json")
    assert code == 1 and "over the 1 MB limit" in json.loads(out)["files"][0]["error"]


def test_missing_path_is_an_error_but_the_rest_is_stored(icp, tmp_path, workspace_dir):
    write(tmp_path / "a.txt", TRANSCRIPT)
    code, _, err = icp("ingest", tmp_path / "a.txt", tmp_path / "nope", "-w", workspace_dir)
    assert code == 1 and "Not found" in err
    assert counts(workspace_dir)[0] == 1


def test_interrupted_ingest_resumes_without_duplicates(icp, tmp_path, workspace_dir, monkeypatch):
    from agent.store.catalog import Catalog

    folder = tmp_path / "batch"
    for index in range(4):
        write(folder / f"t{index}.txt", TRANSCRIPT.replace("six", str(index + 6)))
    original = Catalog.replace_file
    calls = {"n": 0}

    def crash_on_third(self, entry, documents, chunks):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the process dies after Chroma got the vectors, before the manifest
        return original(self, entry, documents, chunks)

    monkeypatch.setattr(Catalog, "replace_file", crash_on_third)
    code, _, err = icp("ingest", folder, "-w", workspace_dir)
    assert code == 130 and "run the same command again to resume" in err
    monkeypatch.setattr(Catalog, "replace_file", original)
    ws = open_ws(workspace_dir)
    stored_before = len(ws.catalog.files())
    orphan_vectors = ws.vectors.count("chunks") - ws.catalog.chunk_count()
    ws.close()
    assert stored_before == 2 and orphan_vectors > 0
    code, out, _ = icp("ingest", folder, "-w", workspace_dir, "--json")
    assert code == 0
    assert sorted(f["status"] for f in json.loads(out)["files"]) == [
        "ingested",
        "ingested",
        "unchanged",
        "unchanged",
    ]
    files, documents, chunks, vectors = counts(workspace_dir)
    assert (files, documents) == (4, 4) and chunks == vectors


def test_two_ingests_into_one_workspace_at_once(tmp_path, workspace_dir):
    for batch in ("a", "b"):
        for index in range(6):
            write(
                tmp_path / batch / f"{batch}{index}.txt",
                TRANSCRIPT.replace("six", f"{index + 2}{batch}"),
            )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "agent",
                "ingest",
                str(tmp_path / batch),
                "-w",
                str(workspace_dir),
                "--json",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for batch in ("a", "b")
    ]
    outputs = [p.communicate(timeout=240) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    files, documents, chunks, vectors = counts(workspace_dir)
    assert (files, documents) == (12, 12) and chunks == vectors


def test_stdin_and_globs(icp, tmp_path, workspace_dir):
    code, out, _ = icp("ingest", "-", "-w", workspace_dir, "--json", stdin=TRANSCRIPT)
    assert code == 0 and json.loads(out)["files"][0]["source"] == "pasted text"
    write(tmp_path / "g" / "x1.txt", TRANSCRIPT.replace("six", "seven"))
    write(tmp_path / "g" / "x2.md", TRANSCRIPT.replace("six", "eight"))
    code, out, _ = icp("ingest", str(tmp_path / "g" / "*.txt"), "-w", workspace_dir, "--json")
    assert code == 0 and [Path(f["source"]).name for f in json.loads(out)["files"]] == ["x1.txt"]


def test_sources_and_config(icp, tmp_path, workspace_dir, monkeypatch):
    write(tmp_path / "a.txt", TRANSCRIPT)
    icp("ingest", tmp_path / "a.txt", "-w", workspace_dir)
    code, out, _ = icp("sources", "-w", workspace_dir, "--json")
    assert code == 0 and json.loads(out)[0]["accounts"] == ["Brookfield Tooling"]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-1234567890abcdef")
    code, out, _ = icp("config", "--json")
    data = json.loads(out)
    assert data["api_key"] == "sk-…cdef" and "1234567890" not in out
    assert data["effective_engine"] == "openai" and data["effective_redact_pii"] is True
    code, _, err = icp("sources", "-w", tmp_path / "nothing-here")
    assert code == 2 and "no workspace" in err


def test_settings_precedence(tmp_path, monkeypatch):
    write(tmp_path / ".env", "ICP_MODEL=from-dotenv\nICP_TIMEOUT=11\nICP_CONCURRENCY=3\n")
    write(
        tmp_path / "ws" / "config.yaml",
        "model: from-workspace\ntimeout: 22\nconcurrency: 5\nmax_retries: 7\n",
    )
    monkeypatch.setenv("ICP_TIMEOUT", "33")
    settings = load_settings(
        flags={"workspace": tmp_path / "ws", "concurrency": 9}, dotenv_path=tmp_path / ".env"
    )
    assert settings.model == "from-dotenv"  # .env beats workspace config
    assert settings.timeout == 33  # env beats .env
    assert settings.concurrency == 9  # flag beats everything
    assert settings.max_retries == 7  # workspace config beats default
    assert settings.effective_engine == "offline" and settings.effective_redact_pii is False


def _open_catalog(path: str, start: float) -> str | None:
    import time

    from agent.store.catalog import Catalog

    while time.time() < start:
        pass
    try:
        Catalog(Path(path)).close()
        return None
    except Exception as exc:  # reported to the test, which names it
        return f"{type(exc).__name__}: {exc}"


def test_processes_opening_a_new_workspace_at_once_all_get_its_catalog(tmp_path):
    """Two `icp ingest` runs started together on a new workspace: SQLite answers "database is
    locked" to the switch to write-ahead logging without waiting (about one open in 25 here
    before the switch was retried); every process must open the catalog."""
    import multiprocessing
    import time

    context = multiprocessing.get_context("fork")
    failures = []
    with context.Pool(4) as pool:
        for round_ in range(30):
            path = str(tmp_path / f"w{round_}" / "catalog.sqlite")
            Path(path).parent.mkdir()
            start = time.time() + 0.05
            failures += [f for f in pool.starmap(_open_catalog, [(path, start)] * 4) if f]
    assert failures == []
