"""Competition in deals: the competitors win/loss and churn notes name in their front matter,
grouped with every deal's outcome and the note's own words; in the document and in Q&A."""

from __future__ import annotations

import json

from helpers import write
from synthetic_research import evidence_in

from agent.config import load_settings
from agent.qa.answer import answer_question
from agent.schema import DealNote, Evidence, EvidenceKind, SourceDocument, SourceKind
from agent.store import Workspace
from agent.synthesize.competition import competition


def _note(account: str, outcome: str, competitor: str, body: str) -> str:
    return (
        f"---\naccount: {account}\noutcome: {outcome}\ncompetitor: {competitor}\n---\n"
        f"# {account}\n\n{body}\n"
    )


def _doc(doc_id: str, text: str, competitor: str | None, outcome: str = "lost") -> SourceDocument:
    return SourceDocument(
        doc_id=doc_id,
        source=f"deals/{doc_id}.md",
        path=f"/x/{doc_id}.md",
        kind=SourceKind.win_loss,
        account=doc_id.title(),
        text=text,
        content_hash=doc_id,
        deal=DealNote(outcome=outcome, competitor=competitor),
    )


def _reason(doc: SourceDocument, sentence: str, kind: EvidenceKind) -> Evidence:
    return evidence_in(doc, sentence, kind).model_copy(update={"account": doc.account})


def test_competitors_are_grouped_by_name_with_each_deal_cited_in_the_notes_words():
    lost = _doc(
        "parcel",
        "---\ncompetitor: Maestro QA\n---\nContext: 16 agents on Intercom.\n"
        "- Lost to Maestro QA after a pilot on our side.\n"
        "Follow-up in Q4: their contract is one year.\n",
        "Maestro QA",
    )
    won = _doc(
        "cobalt",
        "---\ncompetitor: MaestroQA\n---\nStack: Zendesk, MaestroQA trial, Okta.\n"
        "We won against MaestroQA on the calibration view.\n",
        "MaestroQA",
        "won",
    )
    quo = _doc(
        "pixel",
        "---\ncompetitor: none (back to spreadsheet)\n---\nThey churned.\n",
        "none (back to spreadsheet)",
        "churned",
    )
    nobody = _doc("bright", "---\ncompetitor: none\n---\nExpanded.\n", "none", "expanded")
    unknown = _doc("quiet", "---\ncompetitor: n/a\n---\nLost.\n", "n/a")
    evidence = [
        _reason(lost, "Follow-up in Q4: their contract is one year.", EvidenceKind.loss_reason),
        _reason(lost, "Context: 16 agents on Intercom.", EvidenceKind.loss_reason),
    ]
    found = competition([lost, won, quo, nobody, unknown], evidence)
    assert [c.name for c in found] == ["Maestro QA", "Status quo"]
    maestro, status_quo = found
    assert [(d.account, d.outcome) for d in maestro.deals] == [
        ("Parcel", "lost"),
        ("Cobalt", "won"),
    ]
    assert maestro.count("won") == 1 and maestro.count("lost") == 1
    # the sentence about the contest, not the stack line that only lists the tool; no bullet mark
    assert maestro.deals[0].evidence[0].quote == "Lost to Maestro QA after a pilot on our side."
    assert maestro.deals[1].evidence[0].quote == "We won against MaestroQA on the calibration view."
    # a reason, but never a follow-up line
    assert maestro.deals[0].evidence[1].quote == "Context: 16 agents on Intercom."
    assert status_quo.status_quo and status_quo.details == ["back to spreadsheet"]
    # the body never names it: the front-matter line is quoted, verbatim
    assert status_quo.deals[0].evidence[0].quote == "competitor: none (back to spreadsheet)"
    for doc, deal in ((lost, maestro.deals[0]), (quo, status_quo.deals[0])):
        for ref in deal.evidence:
            assert doc.text[ref.start : ref.end] == ref.quote


def test_the_document_shows_competition_and_says_when_no_note_names_one(tmp_path, icp):
    folder = tmp_path / "deals"
    write(
        folder / "parcelwise_lost.md",
        _note(
            "Parcelwise",
            "lost",
            "MaestroQA",
            "Lost to MaestroQA after a two-week pilot. Their Head of Support had run MaestroQA "
            "at her previous company, so switching felt cheaper to her.",
        ),
    )
    write(
        folder / "cobaltline_won.md",
        _note(
            "Cobaltline",
            "won",
            "MaestroQA",
            "Competitive against MaestroQA; we won on the calibration view the QA leads loved.",
        ),
    )
    write(
        folder / "kinetic_lost.md",
        _note("Kinetic CX", "lost", "Scorebuddy", "They chose Scorebuddy because it was cheaper."),
    )
    files = [str(p) for p in sorted(folder.iterdir())]
    code, out, err = icp("draft", *files, "--format", "json")
    assert code == 0, err
    draft = json.loads(out)
    names = [
        (c["name"], [(d["account"], d["outcome"]) for d in c["deals"]])
        for c in draft["competition"]
    ]
    assert names == [
        ("MaestroQA", [("Cobaltline", "won"), ("Parcelwise", "lost")]),
        ("Scorebuddy", [("Kinetic CX", "lost")]),
    ]
    code, out, err = icp("draft", *files)
    assert code == 0, err
    section = out.split("## Competition in deals", 1)[1].split("\n## ", 1)[0]
    assert "MaestroQA · 2 deals · won 1 · lost 1" in section
    assert "“Lost to MaestroQA after a two-week pilot.”" in section

    write(tmp_path / "other" / "interview.txt", "Interviewer: Hi?\nAna: We use Excel for quotes.\n")
    code, out, err = icp("draft", str(tmp_path / "other" / "interview.txt"))
    assert code == 0, err
    assert "## Competition in deals\n\n*No win/loss or churn note names a competitor" in out


def test_which_competitors_is_answered_from_the_deal_notes(sample_workspace, embedder):
    workspace = Workspace(sample_workspace, embedder.name)
    try:
        settings = load_settings(flags={"workspace": sample_workspace}, environ={})
        answer = answer_question(
            "Which competitors come up in our deals?", workspace, settings, embedder
        )
        assert answer.answered and answer.mode == "aggregate"
        assert answer.text.startswith("4 deal notes name 4 competitors or alternatives")
        assert "ShopQuote: 1 deal — lost Hollis Fabrication [" in answer.text
        assert "Status quo (back to Excel): 1 deal — churned" in answer.text
        for citation in answer.citations:
            doc = workspace.catalog.document(citation.doc_id)
            assert doc.text[citation.start : citation.end] == citation.quote
        # a question about one deal's reasons is not the competition table
        why = answer_question(
            "Why did Hollis Fabrication go with a competitor?", workspace, settings, embedder
        )
        assert not why.text.startswith("4 deal notes")
    finally:
        workspace.close()


def test_a_deal_write_up_with_label_lines_names_its_competitor_in_a_sentence(tmp_path):
    """ "**Lost to:** MiseOS" is read as the deal's competitor; the citation is the note's own
    sentence about the contest, never its header of label lines joined into one."""
    from helpers import load, write

    from agent.synthesize.competition import competition

    text = (
        "# Night Owl Kitchens — Closed Lost\n\n**Account:** Night Owl Kitchens (Chicago, IL)\n"
        "**Date closed:** 2024-04-30\n**Outcome:** Lost\n**Lost to:** MiseOS\n\n**Why:**\n"
        "- Price was not the issue — MiseOS is about the same price.\n"
        "- Menus change every day and the tool wants a fixed recipe.\n"
    )
    doc = load(write(tmp_path / "night-owl.md", text)).documents[0]
    (rival,) = competition([doc], [])
    assert rival.name == "MiseOS" and [d.outcome for d in rival.deals] == ["lost"]
    quotes = [r.quote for d in rival.deals for r in d.evidence]
    assert quotes[0] == "Price was not the issue — MiseOS is about the same price."
    assert not any("Date closed" in q for q in quotes)
