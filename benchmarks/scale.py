"""Scaled copies of the bundled sample sprint for benchmarks: N transcripts with distinct
account names (the sample's 10 interviews, repeated with renamed companies), plus the notes,
survey and CRM export."""

from __future__ import annotations

import resource
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "sample-sprint" / "sources"
sys.path.insert(0, str(REPO))


def scaled_sprint(target: Path, transcripts: int) -> Path:
    """A research folder with `transcripts` interview files (text formats copied verbatim,
    account names made unique per copy) and the sample's deals, survey and CRM export."""
    if target.exists():
        shutil.rmtree(target)
    for folder in ("deals", "survey", "crm"):
        shutil.copytree(SAMPLE / folder, target / folder)
    originals = sorted(
        p for p in (SAMPLE / "transcripts").iterdir() if p.suffix in {".txt", ".md", ".vtt", ".srt"}
    )
    (target / "transcripts").mkdir(parents=True)
    written = 0
    copy = 0
    while written < transcripts:
        for path in originals:
            if written >= transcripts:
                break
            text = path.read_text(encoding="utf-8")
            if copy:
                # unique content per copy (so nothing is a duplicate) without touching the structure
                text = text.replace("Brookfield Tooling", f"Brookfield Tooling {copy}").replace(
                    "Quoteflow", f"Quoteflow{copy}"
                )
                text += "\n" if path.suffix in {".vtt", ".srt"} else f"\n\n(copy {copy})\n"
            name = f"{path.stem}-{copy}{path.suffix}"
            (target / "transcripts" / name).write_text(text, encoding="utf-8")
            written += 1
        copy += 1
    return target


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
