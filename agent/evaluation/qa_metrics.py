"""Q&A quality on a gold corpus: citation hit rate, answer correctness against the gold gist,
refusal of unanswerable questions, answerable questions wrongly refused, count accuracy.

Correctness is scored automatically against the gist: the gist is cut into clauses (one point
each: "a support headcount freeze", "a CSAT drop after a launch"), and a clause is covered when
at least half of its content words (stemmed) appear in what the reader is shown — the answer's
sentences and the quotes under them. A question is correct when it is answered and covers at
least half of its gist's clauses; a counting question is correct when its count is exact. The
embedding variant (a clause is covered when an answer sentence or quote is within cosine
CLAUSE_SIMILARITY of it) is computed beside it for comparison. Read clause by clause against
the answers on tidemark (40 clauses), the term scorer agreed with a human reading on about 35;
the embedding scorer marked covered clauses as missed whenever the answer's wording differed
("above it the CFO or VP Finance signs" against "…Carla Mendes (VP Finance) had to sign"), so
it undercounts badly at any threshold that keeps unrelated sentences out. The term scorer's
known error is the other way: a clause made of common words ("a data engineer quit over
on-call") can be marked covered by an unrelated sentence — hence the blind judging sheet.

`python -m agent.evaluation.qa_metrics` prints the per-corpus table and writes the blind
judging sheet (answers and gists, no scores) for a human judge."""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agent.config import Settings
from agent.evaluation.gold import Corpus, GoldQA
from agent.evaluation.metric import Metric, rounded
from agent.qa.terms import content_stems, stems
from agent.store import Workspace

CLAUSE_COVERED = 0.5  # share of a clause's content words the answer must show
QUESTION_CORRECT = 0.5  # share of the gist's clauses a correct answer covers
CLAUSE_SIMILARITY = 0.6  # the embedding variant
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_SPLIT = re.compile(r";\s+|(?<=[.!?])\s+(?=[A-Z])|,\s+(?:and\s+|or\s+|then\s+)?|\s+[-–—]\s+")


def gist_of(pair: GoldQA) -> str | None:
    """The gold gist (older corpora call it `answer`)."""
    extra = pair.model_extra or {}
    return pair.gist or extra.get("answer")


def gist_clauses(gist: str) -> list[str]:
    """The gist's points: split at ';', sentence ends, list commas and dashes; parenthetical
    examples dropped; a fragment of fewer than two content words joins the previous clause."""
    text = re.sub(r"\s*\([^)]*\)", "", gist).strip()
    clauses: list[str] = []
    for part in _SPLIT.split(text):
        part = part.strip(" .;:,")
        if not part:
            continue
        if clauses and len(content_stems(part)) < 2:
            clauses[-1] += ", " + part
        else:
            clauses.append(part)
    return clauses


def shown_text(answer: Any) -> str:
    """What the reader sees: the answer's sentences and the quotes cited under them."""
    return "\n".join([answer.text, *(c.quote for c in answer.citations)])


def term_coverage(clauses: list[str], shown: str) -> list[bool]:
    have = set(stems(shown))
    covered = []
    for clause in clauses:
        need = content_stems(clause)
        covered.append(bool(need) and len(need & have) / len(need) >= CLAUSE_COVERED)
    return covered


def embedding_coverage(clauses: list[str], shown: str, embedder: Any) -> list[bool]:
    from agent.textspans import split_sentences

    pieces = [
        shown[a:b].strip()
        for line_start, line in _lines(shown)
        for a, b in split_sentences(shown, line_start, line_start + len(line))
    ]
    pieces = [p for p in pieces if len(p.split()) >= 3]
    if not pieces or not clauses:
        return [False] * len(clauses)
    a = np.asarray(embedder.embed(clauses))
    b = np.asarray(embedder.embed(pieces))
    return [bool(row.max() >= CLAUSE_SIMILARITY) for row in a @ b.T]


def _lines(text: str) -> list[tuple[int, str]]:
    out, position = [], 0
    for line in text.split("\n"):
        out.append((position, line))
        position += len(line) + 1
    return out


def answer_count(answer: Any) -> int | None:
    """The answer's count: the structured field, else the first number of its first sentence."""
    count = getattr(answer, "count", None)
    if count is not None:
        return int(count)
    first = re.split(r"(?<=[.!?:])\s", answer.text.strip(), maxsplit=1)[0].lower()
    match = re.search(r"\b(\d+|" + "|".join(NUMBER_WORDS) + r")\b", first)
    if not match:
        return None
    token = match.group(1)
    return int(token) if token.isdigit() else NUMBER_WORDS[token]


@dataclass
class QARow:
    """One gold question and what Q&A answered, with every score."""

    question: str
    answerable: bool
    answered: bool
    hit: bool | None = None
    gist: str | None = None
    clauses: list[str] = field(default_factory=list)
    covered_terms: list[bool] = field(default_factory=list)
    covered_embedding: list[bool] = field(default_factory=list)
    gold_count: int | None = None
    count: int | None = None
    unit: str | None = None
    gold_unit: str | None = None
    text: str = ""
    quotes: list[dict[str, str]] = field(default_factory=list)
    cited_files: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool | None:
        if not self.answerable or (self.gist is None and self.gold_count is None):
            return None
        if not self.answered:
            return False
        if self.gold_count is not None:
            return self.count == self.gold_count
        return sum(self.covered_terms) >= QUESTION_CORRECT * len(self.clauses)

    @property
    def correct_embedding(self) -> bool | None:
        if self.correct is None or self.gold_count is not None:
            return self.correct
        if not self.answered:
            return False
        return sum(self.covered_embedding) >= QUESTION_CORRECT * len(self.clauses)


def qa_rows(
    corpus: Corpus,
    workspace: Workspace,
    settings: Settings,
    embedder: Any,
    llm: Any = None,
    on_answer: Any = None,
) -> list[QARow]:
    from agent.qa.answer import answer_question

    prefix = corpus.sources.name + "/"
    rows = []
    for pair in corpus.gold.qa:
        answer = answer_question(pair.question, workspace, settings, embedder, llm=llm)
        if on_answer is not None:
            on_answer(pair, answer)
        cited = [c.source.removeprefix(prefix) for c in answer.citations[:5]]
        gist = gist_of(pair) if pair.answerable else None
        clauses = gist_clauses(gist) if gist else []
        shown = shown_text(answer)
        rows.append(
            QARow(
                question=pair.question,
                answerable=pair.answerable,
                answered=answer.answered,
                hit=any(f in cited for f in pair.files) if pair.answerable else None,
                gist=gist,
                clauses=clauses,
                covered_terms=term_coverage(clauses, shown) if answer.answered else [],
                covered_embedding=embedding_coverage(clauses, shown, embedder)
                if answer.answered and clauses
                else [],
                gold_count=pair.count,
                gold_unit=pair.count_unit,
                count=answer_count(answer) if pair.count is not None else None,
                unit=getattr(answer, "unit", None),
                text=answer.text,
                quotes=[
                    {"n": str(c.number), "source": c.source.removeprefix(prefix), "quote": c.quote}
                    for c in answer.citations
                ],
                cited_files=cited,
            )
        )
    return rows


def metrics_from_rows(rows: list[QARow]) -> dict[str, Metric]:
    answerable = [r for r in rows if r.answerable]
    unanswerable = [r for r in rows if not r.answerable]
    metrics: dict[str, Metric] = {}
    hits = sum(bool(r.hit) for r in answerable)
    metrics["qa_hit_at_5"] = Metric(
        name="Q&A citation hit rate at 5",
        value=rounded(hits / len(answerable)) if answerable else None,
        detail=f"{hits} of {len(answerable)} answerable questions cite a supporting file in the first 5 citations",
    )
    graded = [r for r in answerable if r.correct is not None]
    if graded:
        correct = [r for r in graded if r.correct]
        missed = [r.question[:50] for r in graded if not r.correct]
        metrics["qa_correctness"] = Metric(
            name="Q&A answer correctness (against the gold gist)",
            value=rounded(len(correct) / len(graded)),
            detail=f"{len(correct)} of {len(graded)} answerable questions with a gist are answered and cover ≥ {QUESTION_CORRECT:.0%} of the gist's clauses (counts: exact)"
            + (f"; wrong: {missed[:4]}" if missed else ""),
        )
        by_embedding = sum(bool(r.correct_embedding) for r in graded)
        metrics["qa_correctness_embedding"] = Metric(
            name="Q&A answer correctness, embedding scorer (comparison)",
            value=rounded(by_embedding / len(graded)),
            detail=f"{by_embedding} of {len(graded)}: a gist clause is covered when an answer sentence or quote has cosine ≥ {CLAUSE_SIMILARITY}",
        )
        clauses = [r for r in graded if r.clauses]
        if clauses:
            mean = sum(sum(r.covered_terms) / len(r.clauses) for r in clauses) / len(clauses)
            metrics["qa_gist_coverage"] = Metric(
                name="Q&A gist clauses covered (mean)",
                value=rounded(mean),
                detail=f"mean share of gist clauses covered over {len(clauses)} questions (refused = 0)",
            )
    counted = [r for r in answerable if r.gold_count is not None]
    if counted:
        exact = sum(r.count == r.gold_count for r in counted)
        metrics["qa_count_accuracy"] = Metric(
            name="Q&A count accuracy",
            value=rounded(exact / len(counted)),
            detail=f"{exact} of {len(counted)} counting questions exact: "
            + "; ".join(f"{r.count} vs gold {r.gold_count} {r.gold_unit or ''}" for r in counted),
        )
    refused_answerable = [r for r in answerable if not r.answered]
    metrics["qa_answerable_refused"] = Metric(
        name="answerable questions wrongly refused",
        value=rounded(len(refused_answerable) / len(answerable)) if answerable else None,
        detail=f"{len(refused_answerable)} of {len(answerable)}"
        + (f": {[r.question[:50] for r in refused_answerable]}" if refused_answerable else ""),
    )
    if unanswerable:
        refused = sum(not r.answered for r in unanswerable)
        metrics["qa_refusal"] = Metric(
            name="unanswerable questions refused",
            value=rounded(refused / len(unanswerable)),
            detail=f"{refused} of {len(unanswerable)} unanswerable questions got 'not enough evidence'",
        )
    return metrics


def qa_metrics(
    corpus: Corpus,
    workspace: Workspace,
    settings: Settings,
    embedder: Any,
    llm: Any = None,
    judge: bool = False,
) -> dict[str, Metric]:
    from agent.ingest.people import people_in

    judgements = []
    names = people_in(workspace.catalog.documents()) if judge and settings.redact_names else set()

    def grade(pair: GoldQA, answer: Any) -> None:
        if judge and pair.answerable and answer.answered:
            from agent.evaluation.judge import judge as llm_judge

            verdict = llm_judge(answer, settings, llm, names=names)
            if verdict is not None:
                judgements.append(verdict)

    rows = qa_rows(corpus, workspace, settings, embedder, llm, on_answer=grade)
    metrics = metrics_from_rows(rows)
    for name in ("groundedness", "relevance", "completeness") if judgements else ():
        mean = sum(getattr(j, name) for j in judgements) / len(judgements)
        metrics[f"judge_{name}"] = Metric(
            name=f"LLM judge: {name} (1–5)",
            value=rounded(mean),
            detail=f"mean over {len(judgements)} answered questions (opt-in rubric, prompts/judge_answer.md)",
        )
    return metrics


def judging_sheet(rows_by_corpus: dict[str, list[QARow]], seed: int = 15) -> dict[str, Any]:
    """A blind sheet: each question with the answer as shown and the gold gist, shuffled, no
    scores and no engine; the judge fills `verdict` (correct | partly | wrong | refused-ok |
    refused-wrong) and `relevant_quotes`."""
    items = []
    for name, rows in rows_by_corpus.items():
        for row in rows:
            items.append(
                {
                    "corpus": name,
                    "question": row.question,
                    "gist": row.gist
                    or ("(the research cannot answer this)" if not row.answerable else None),
                    "gold_count": row.gold_count,
                    "answer": row.text,
                    "quotes": row.quotes,
                    "verdict": None,
                    "relevant_quotes": None,
                    "note": "",
                }
            )
    random.Random(seed).shuffle(items)
    for number, item in enumerate(items, start=1):
        item["id"] = number
    return {
        "rubric": (
            "For each item read the answer and the quotes under it against the gist. verdict: "
            "'correct' (says what the gist says, or most of it, and the count is right), 'partly' "
            "(some of it), 'wrong' (something else, or a wrong count), 'refused-ok' (refused a "
            "question the research cannot answer), 'refused-wrong' (refused an answerable one). "
            "relevant_quotes: how many of the quotes support the answer's point."
        ),
        "items": items,
    }


def main(argv: list[str] | None = None) -> None:
    """Build (or reuse) a workspace per corpus, answer its gold questions, print the table and
    optionally write the per-question rows and the blind judging sheet."""
    import argparse

    from agent.embeddings import LocalEmbedder
    from agent.evaluation.gold import find_corpora

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--dataset", "-d", action="append")
    parser.add_argument("--datasets", type=Path)
    parser.add_argument(
        "--workspaces", type=Path, help="Keep built workspaces here and reuse them."
    )
    parser.add_argument("--rows", type=Path, help="Write every row as JSON here.")
    parser.add_argument("--sheet", type=Path, help="Write the blind judging sheet here.")
    args = parser.parse_args(argv)
    embedder = LocalEmbedder()
    rows_by_corpus: dict[str, list[QARow]] = {}
    for corpus in find_corpora(args.dataset, args.datasets):
        rows_by_corpus[corpus.name] = _corpus_rows(corpus, embedder, args.workspaces)
        metrics = metrics_from_rows(rows_by_corpus[corpus.name])
        print(f"\n{corpus.name}")
        for key, metric in metrics.items():
            value = "—" if metric.value is None else f"{metric.value:.3f}"
            print(f"  {key:28s} {value:>6s}  {metric.detail[:150]}")
    if args.rows:
        args.rows.parent.mkdir(parents=True, exist_ok=True)
        args.rows.write_text(
            json.dumps(
                {n: [asdict(r) for r in rows] for n, rows in rows_by_corpus.items()}, indent=2
            ),
            encoding="utf-8",
        )
    if args.sheet:
        args.sheet.parent.mkdir(parents=True, exist_ok=True)
        args.sheet.write_text(json.dumps(judging_sheet(rows_by_corpus), indent=2), "utf-8")


def _corpus_rows(corpus: Corpus, embedder: Any, keep: Path | None) -> list[QARow]:
    import tempfile

    from agent.config import load_settings
    from agent.ingest.batch import ingest_paths
    from agent.synthesize.runs import synthesize_workspace

    with tempfile.TemporaryDirectory(prefix=f"icp-qa-{corpus.name}-") as temp:
        folder = (keep / corpus.name) if keep else Path(temp)
        settings = load_settings(flags={"workspace": str(folder)}, environ={})
        fresh = not (folder / "catalog.sqlite").exists()
        workspace = Workspace(folder, embedder.name)
        try:
            if fresh:
                ingest_paths([str(corpus.sources)], workspace, embedder, settings)
                synthesize_workspace(workspace, settings, embedder)
            return qa_rows(corpus, workspace, settings, embedder)
        finally:
            workspace.close()


if __name__ == "__main__":
    main()
