"""A file edited so that it equals another file (issue #14): it is reported as a duplicate, and
its old content must not stay indexed — documents, chunks, vectors and evidence all go, and the
user is told."""

from __future__ import annotations

import json

from helpers import write

from agent.store import Workspace

FIRST = (
    "Sam: How do quotes get built today?\n"
    "Dana: I run revenue ops at Brookfield Tooling, we rebuild every quote in the Vexorium sheet.\n"
    "Sam: What does that cost you?\n"
    "Dana: We lose about six hours a week reconciling Vexorium quotes against the ERP.\n"
)
OTHER = (
    "Sam: How do quotes get built today?\n"
    "Lee: I run sales ops at Harbor Freightworks and our quotes take four days to go out.\n"
    "Sam: What does that cost you?\n"
    "Lee: We lose deals every month because approvals sit in someone's inbox for days.\n"
)


def test_file_edited_into_a_copy_of_another_loses_its_old_content(icp, tmp_path):
    folder, root = tmp_path / "r", tmp_path / "ws"
    write(folder / "a.txt", FIRST)
    write(folder / "b.txt", OTHER)
    assert icp("ingest", folder, "-w", root)[0] == 0
    assert icp("extract", "-w", root)[0] == 0
    ws = Workspace(root, "minilm-l6-int8")
    try:
        old = next(f for f in ws.catalog.files() if f.source == "r/a.txt")
        assert ws.catalog.evidence_count(
            d.doc_id for d in ws.catalog.documents_of_files([old.file_id])
        )
    finally:
        ws.close()

    write(folder / "a.txt", OTHER)  # a.txt now has exactly b.txt's content
    code, out, err = icp("ingest", folder, "-w", root, "--json")
    assert code == 0, err
    by_source = {f["source"]: f for f in json.loads(out)["files"]}
    assert by_source["r/a.txt"]["status"] == "duplicate"
    assert "previous content was removed" in by_source["r/a.txt"]["error"]
    assert by_source["r/b.txt"]["status"] == "unchanged"

    ws = Workspace(root, "minilm-l6-int8")
    try:
        assert [f.source for f in ws.catalog.files()] == ["r/b.txt"]
        assert ws.catalog.documents_of_files([old.file_id]) == []
        assert not any("Vexorium" in c.text for c in ws.catalog.chunks())
        assert not any("Vexorium" in e.quote for e in ws.catalog.evidence())
        for content in ("chunks", "evidence"):  # no vector left without its row
            assert ws.vectors.ids(content) == set(ws.catalog.ids(content))
    finally:
        ws.close()
    code, out, _ = icp("ask", "how long do quotes take to reconcile?", "-w", root, "--json")
    assert code == 0 and "Vexorium" not in out
