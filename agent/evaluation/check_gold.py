"""Verify a corpus's gold labels against the documents as the loaders see them:
every quote is found in its file, every account is in the CRM export, segments are disjoint.

    python -m agent.evaluation.check_gold evals/datasets/relaypoint
"""

from __future__ import annotations

import sys
from pathlib import Path

from agent.evaluation.alignment import load_corpus_documents, locate
from agent.evaluation.gold import Corpus, load_corpus
from agent.ingest.normalize import company_key
from agent.schema import SourceKind, SpeakerRole
from agent.textspans import find_span


def problems(corpus: Corpus) -> list[str]:
    docs = load_corpus_documents(corpus)
    found: list[str] = []
    for file, loaded in docs.by_file.items():
        if not loaded:
            found.append(f"{file}: did not load")
    for item in locate(corpus, docs, corpus.gold.evidence):
        if item.doc_id is None:
            found.append(f"{item.gold.file}: quote not found: {item.gold.quote[:80]!r}")
            continue
        doc = docs.doc_for(item.gold.file)
        assert doc is not None
        turn = next((t for t in doc.turns if t.start <= item.start < t.end), None)
        if (
            doc.kind == SourceKind.transcript
            and turn is not None
            and turn.role == SpeakerRole.interviewer
        ):
            found.append(
                f"{item.gold.file}: quote is in an interviewer turn: {item.gold.quote[:80]!r}"
            )
    for distractor in corpus.gold.distractors:
        doc = docs.doc_for(distractor.file)
        if doc is None or find_span(doc.text, distractor.quote) is None:
            found.append(f"{distractor.file}: distractor not found: {distractor.quote[:80]!r}")
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
        found = problems(corpus)
        print(
            f"{corpus.name}: {len(corpus.gold.evidence)} evidence labels, {len(corpus.gold.distractors)} distractors, {len(found)} problem(s)"
        )
        for problem in found:
            print(f"  - {problem}")
        status = status or (1 if found else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
