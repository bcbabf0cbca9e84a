"""Issue #14: a file name with glob characters is a path when it exists; everything a folder
walk leaves out (dot-files, dot-folders, broken links, link loops) gets a line saying why."""

from __future__ import annotations

import json
import os

from helpers import write

from agent.ingest.discover import discover

TRANSCRIPT = "Sam: How do quotes get approved?\nDana: Our CFO signs everything.\nSam: Always?\nDana: Always.\n"


def test_existing_name_with_brackets_is_a_path_not_a_glob(tmp_path, icp):
    path = write(tmp_path / "bracket[1].txt", TRANSCRIPT)
    found = discover([str(path)])
    assert [p.name for p, _ in found.files] == ["bracket[1].txt"] and not found.missing
    code, out, err = icp("ingest", str(path), "--workspace", tmp_path / "ws", "--json")
    assert code == 0, err
    assert json.loads(out)["files"][0]["status"] == "ingested"
    # a real glob still globs, and one that matches nothing is still reported
    write(tmp_path / "b1.txt", TRANSCRIPT)
    assert {p.name for p, _ in discover([str(tmp_path / "b[0-9].txt")]).files} == {"b1.txt"}
    assert discover([str(tmp_path / "z[0-9].txt")]).missing == [str(tmp_path / "z[0-9].txt")]


def test_dot_files_broken_links_and_link_loops_are_reported(tmp_path, icp):
    folder = tmp_path / "research"
    write(folder / "call.txt", TRANSCRIPT)
    write(folder / ".draft.txt", TRANSCRIPT)
    write(folder / ".git" / "notes.md", "internal")
    write(folder / "sub" / "more.txt", TRANSCRIPT)
    os.symlink("..", folder / "sub" / "up")  # a folder link back to an ancestor
    os.symlink("loop-b.txt", folder / "loop-a.txt")
    os.symlink("loop-a.txt", folder / "loop-b.txt")
    os.symlink("gone.txt", folder / "dangling.txt")
    found = discover([str(folder)])
    assert sorted(display for _, display in found.files) == [
        "research/call.txt",
        "research/sub/more.txt",
    ]
    reasons = dict(found.skipped)
    assert "hidden file" in reasons["research/.draft.txt"]
    assert "hidden folder" in reasons["research/.git"]
    assert "link loop" in reasons["research/sub/up"]
    assert "link loop" in reasons["research/loop-a.txt"]
    assert "link loop" in reasons["research/loop-b.txt"]
    assert "broken link" in reasons["research/dangling.txt"]
    code, out, _ = icp("ingest", str(folder), "--workspace", tmp_path / "ws", "--json")
    files = {f["source"]: f for f in json.loads(out)["files"]}
    assert code == 0
    assert files["research/.draft.txt"]["status"] == "skipped"
    assert "link loop" in files["research/sub/up"]["error"]
    # the human summary says it too, one line per left-out path
    code, out, _ = icp("ingest", str(folder), "--workspace", tmp_path / "ws2")
    assert "research/.draft.txt" in out and "hidden file" in out and "link loop" in out
