"""Verify a corpus's gold labels: every quote is found in its file (as written, so a corpus
is checked independently of what the loaders can read today), no quote is an interviewer's line
(by the gold `documents` speaker labels), every account is in the CRM export, segments are
disjoint. Files the loaders cannot read yet are listed as notes, not problems.

    python -m agent.evaluation.check_gold evals/datasets/relaypoint
"""

from __future__ import annotations

import sys
from pathlib import Path

from agent.evaluation.alignment import CorpusDocuments, load_corpus_documents
from agent.evaluation.gold import Corpus, load_corpus
from agent.evaluation.speakers import label_before, speaker_labels
from agent.ingest.normalize import company_key
from agent.schema import SourceKind, SpeakerRole
from agent.textspans import find_span


def raw_text(path: Path) -> str:
    """A file's text as its author wrote it (docx: its paragraphs), whatever the loaders do."""
    if path.suffix.lower() == ".docx":
        import docx

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _found(corpus: Corpus, docs: CorpusDocuments, file: str, quote: str) -> bool:
    path = corpus.sources / file
    if path.is_file() and find_span(raw_text(path), quote) is not None:
        return True
    doc = docs.doc_for(file)
    return doc is not None and find_span(doc.text, quote) is not None


def problems(corpus: Corpus, notes: list[str] | None = None) -> list[str]:
    docs = load_corpus_documents(corpus)
    found: list[str] = []
    for file, loaded in docs.by_file.items():
        if not loaded and notes is not None:
            notes.append(f"{file}: the loaders cannot read it yet")
    speakers = speaker_labels(corpus)
    for item in corpus.gold.evidence:
        if not _found(corpus, docs, item.file, item.quote):
            found.append(f"{item.file}: quote not found: {item.quote[:80]!r}")
            continue
        if item.file in speakers:
            path = corpus.sources / item.file
            if label_before(raw_text(path), item.quote, speakers[item.file]) == "interviewer":
                found.append(f"{item.file}: quote is in an interviewer turn: {item.quote[:80]!r}")
            continue
        doc = docs.doc_for(item.file)
        span = find_span(doc.text, item.quote) if doc else None
        turn = (
            next((t for t in doc.turns if t.start <= span[0] < t.end), None)
            if doc and span
            else None
        )
        if (
            doc is not None
            and doc.kind == SourceKind.transcript
            and turn is not None
            and turn.role == SpeakerRole.interviewer
        ):
            found.append(f"{item.file}: quote is in an interviewer turn: {item.quote[:80]!r}")
    for distractor in corpus.gold.distractors:
        if not _found(corpus, docs, distractor.file, distractor.quote):
            found.append(f"{distractor.file}: distractor not found: {distractor.quote[:80]!r}")
    for theme in corpus.gold.themes:
        if len(theme.label.split()) > 10:
            found.append(f"theme label over 10 words: {theme.label!r}")
        for quote in theme.quotes:
            if not _found(corpus, docs, quote.file, quote.quote):
                found.append(f"theme {theme.label!r}: quote not found: {quote.quote[:80]!r}")
    for document in corpus.gold.documents:
        if not (corpus.sources / document.file).is_file():
            found.append(f"documents: no file {document.file}")
    crm_names = {
        company_key(d.crm.name) for loaded in docs.by_file.values() for d in loaded if d.crm
    }
    seen: dict[str, str] = {}
    for segment in corpus.gold.segments:
        for account in segment.accounts:
            key = company_key(account)
            if key not in crm_names:
                found.append(f"gold account {account!r} ({segment.id}) is not in the CRM export")
            if key in seen:
                found.append(
                    f"gold account {account!r} is in two segments: {seen[key]} and {segment.id}"
                )
            seen[key] = segment.id
    segment_ids = {s.id for s in corpus.gold.segments} | {"participants"}
    for theme in corpus.gold.themes:
        if theme.segment not in segment_ids:
            found.append(f"theme {theme.label!r}: unknown segment {theme.segment!r}")
    for pair in corpus.gold.qa:
        for file in pair.files:
            if file not in docs.by_file:
                found.append(f"Q&A {pair.question[:50]!r}: no file {file}")
    return found


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    status = 0
    for folder in args:
        corpus = load_corpus(Path(folder))
        notes: list[str] = []
        found = problems(corpus, notes)
        print(
            f"{corpus.name}: {len(corpus.gold.evidence)} evidence labels, {len(corpus.gold.distractors)} distractors, {len(corpus.gold.themes)} themes, {len(found)} problem(s)"
        )
        for problem in found:
            print(f"  - {problem}")
        for note in notes:
            print(f"  (note) {note}")
        status = status or (1 if found else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
