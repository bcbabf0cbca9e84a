"""PII redaction before text leaves the machine, OpenAI-compatible embeddings, and a Chroma
server workspace (team mode)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from helpers import write
from support.mock_openai import MockOpenAI

from agent.ingest.redaction import person_names, redact
from agent.schema import Speaker, SpeakerRole
from agent.store import Workspace

TEXT = "Dana: Reach me at dana.w@brookfieldtooling.com or (512) 555-0142, or +44 20 7946 0958. Ask Dana Whitfield."


def test_redaction_replaces_emails_phones_and_optionally_names_and_maps_back():
    redacted = redact(TEXT)
    assert (
        "dana.w@" not in redacted.text
        and "555-0142" not in redacted.text
        and "7946" not in redacted.text
    )
    assert (
        redacted.text.count("[EMAIL]") == 1
        and redacted.text.count("[PHONE]") == 2
        and redacted.replaced == 3
    )
    tail = redacted.text.index("Ask Dana")
    start, end = redacted.to_original(tail, tail + len("Ask Dana Whitfield."))
    assert TEXT[start:end] == "Ask Dana Whitfield."
    names = person_names(
        [
            Speaker(name="Dana Whitfield", role=SpeakerRole.customer),
            Speaker(name="Sam Ortiz", role=SpeakerRole.interviewer),
        ]
    )
    # both sides of the conversation are people: the interviewer's name is redacted too
    assert {"Dana Whitfield", "Dana", "Whitfield", "Sam Ortiz"} <= set(names)
    assert "Whitfield" not in redact(TEXT, names).text


def test_openai_compatible_embeddings_and_redacted_outgoing_text(
    icp, tmp_path, embedder, monkeypatch
):
    write(
        tmp_path / "r" / "a.txt",
        "Sam: How do you reach the team?\n"
        + TEXT
        + "\nSam: Thanks?\nDana: We lose six hours a week on quotes.\n",
    )
    with MockOpenAI(embedder) as mock:
        monkeypatch.setenv("ICP_BASE_URL", mock.base_url)
        monkeypatch.setenv("ICP_EMBEDDINGS", "openai")
        code, _out, err = icp("ingest", tmp_path / "r", "-w", tmp_path / "ws", "--json")
        assert code == 0, err
        sent = json.dumps([r["body"] for r in mock.requests if r["path"].endswith("/embeddings")])
    assert "dana.w@brookfieldtooling.com" not in sent and "[EMAIL]" in sent
    workspace = Workspace(tmp_path / "ws", "openai-text-embedding-3-small")
    try:
        assert workspace.vectors.count("chunks") == workspace.catalog.chunk_count() > 0
        # the local catalog keeps the original text, so quotes stay exact
        doc = workspace.catalog.documents()[0]
        assert "dana.w@brookfieldtooling.com" in doc.text
    finally:
        workspace.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    executable = shutil.which("chroma", path=os.path.dirname(sys.executable))
    if executable is None:
        pytest.skip("the chroma CLI is not installed with chromadb")
    port = _free_port()
    process = subprocess.Popen(
        [
            executable,
            "run",
            "--path",
            str(tmp_path / "server"),
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("chroma server did not start")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


def test_team_workspace_on_a_chroma_server_stores_redacted_copies(
    icp, tmp_path, chroma_server, embedder
):
    write(
        tmp_path / "r" / "a.txt",
        "Sam: How do you reach the team?\n"
        + TEXT
        + "\nSam: Thanks?\nDana: We lose six hours a week on quotes.\n",
    )
    code, _, err = icp(
        "ingest", tmp_path / "r", "-w", tmp_path / "ws", "--chroma-url", chroma_server
    )
    assert code == 0, err
    assert not (tmp_path / "ws" / "chroma").exists(), (
        "vectors went to the server, not the local folder"
    )
    import chromadb

    host, port = chroma_server.rsplit(":", 1)
    client = chromadb.HttpClient(host=host.removeprefix("http://"), port=int(port))
    collections = [c.name for c in client.list_collections()]
    chunks = next(name for name in collections if name.endswith("chunks-minilm-l6-int8"))
    stored = client.get_collection(chunks).get(include=["documents"])["documents"]
    assert (
        stored
        and not any("dana.w@" in text for text in stored)
        and any("[EMAIL]" in text for text in stored)
    )
    code, out, _ = icp(
        "ask",
        "How much time is lost on quotes?",
        "-w",
        tmp_path / "ws",
        "--chroma-url",
        chroma_server,
        "--json",
    )
    assert code == 0 and json.loads(out)["citations"]
