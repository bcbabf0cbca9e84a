"""Issue #12 item 7, honest emptiness: objections, why they buy and the buying committee are
decided from evidence about a purchase (deal notes, deals, stated buying roles). Research
without any says 'no evidence in this research' and what is missing, never keyword matches."""

from __future__ import annotations

import json

import numpy as np
from helpers import write
from test_synthesis import latest

from agent.render.outline import no_evidence
from agent.schema import (
    BuyingRole,
    DealNote,
    Evidence,
    EvidenceKind,
    SourceDocument,
    SourceKind,
)
from agent.synthesize.buying import NO_CONTEXT, SECTIONS, buying_context
from agent.synthesize.pipeline import SynthesisInputs, synthesize

# practitioners talking about their work: no purchase, no vendor, nobody signing anything
PRACTITIONER = (
    "Interviewer: Can you tell me about your role?\n"
    "Riley: I'm the lead data scientist on a team of four, and we train forecasting models for the warehouses.\n"
    "Interviewer: What are the main quality issues you have run into?\n"
    "Riley: My main concern is label noise, because annotators disagree on about a third of the images.\n"
    "Riley: I'm worried the validation set leaks into training when we re-split the data every month.\n"
    "Interviewer: How do you deal with it today?\n"
    "Riley: We wrote a script that hashes every image and drops duplicates before each split.\n"
    "Riley: Since we started doing that the accuracy numbers finally match what we see in production.\n"
    "Interviewer: Who else is involved?\n"
    "Riley: My manager reviews the model cards, and the platform engineers own the pipelines.\n"
)


def test_interviews_without_buying_context_say_no_evidence(tmp_path, icp):
    for n, name in enumerate(("Riley", "Sasha", "Noor")):
        text = PRACTITIONER.replace("Riley", name).replace("four", ("four", "six", "nine")[n])
        write(tmp_path / "src" / f"interview-{n + 1}.txt", text)
    files = [str(p) for p in sorted((tmp_path / "src").iterdir())]
    code, out, err = icp("draft", *files, "--format", "json")
    assert code == 0, err
    draft = json.loads(out)
    assert draft["segments"]
    for segment in draft["segments"]:
        assert segment["unknown"] == dict.fromkeys(SECTIONS, NO_CONTEXT)
        assert segment["objections"] == [] and segment["why_they_buy"] == []
        assert not any(segment["buying_committee"].values())
    code, out, err = icp("draft", *files)
    assert code == 0, err
    said = "No evidence in this research: no deal notes or buying roles."
    for heading in ("### Objections", "### Why they buy", "### Buying committee"):
        assert f"{heading}\n\n*{said}*" in out, heading
    assert "No buyer, champion or user named yet." not in out


def _doc(doc_id: str, text: str, kind=SourceKind.transcript, account=None, deal=None):
    return SourceDocument(
        doc_id=doc_id,
        source=f"{doc_id}.txt",
        path=f"/r/{doc_id}.txt",
        kind=kind,
        account=account,
        text=text,
        content_hash=doc_id,
        deal=deal,
    )


def _deal(doc_id: str, text: str, account: str, outcome: str) -> SourceDocument:
    """A win/loss or churn note of `account` with its outcome."""
    return _doc(doc_id, text, SourceKind.win_loss, account, DealNote(outcome=outcome))


def _claim(doc: SourceDocument, sentence: str, kind: EvidenceKind, role=None) -> Evidence:
    start = doc.text.index(sentence)
    return Evidence(
        kind=kind,
        role=role,
        summary=sentence,
        quote=sentence,
        doc_id=doc.doc_id,
        source=doc.source,
        source_kind=doc.kind,
        start=start,
        end=start + len(sentence),
        account=doc.account,
        confidence=0.95,
        engine="offline",
    )


def _draft(embedder, documents: list[SourceDocument], items: list[Evidence]):
    vectors = dict(
        zip(
            [e.id for e in items], np.asarray(embedder.embed([e.quote for e in items])), strict=True
        )
    )
    return synthesize(
        SynthesisInputs(documents, items, vectors, files=len(documents), engine="offline"),
        embedder.embed,
    )


def test_buying_context_decides_from_deals_and_stated_roles():
    interview = _doc("i1", "My main concern is label noise. I'm the lead data scientist.")
    deal = _deal(
        "d1",
        "The price was too high for them. Our CFO signs anything over twenty thousand.",
        "Hollis",
        "lost",
    )
    concern = _claim(interview, "My main concern is label noise.", EvidenceKind.objection)
    title = _claim(
        interview, "I'm the lead data scientist.", EvidenceKind.buying_role, BuyingRole.champion
    )
    price = _claim(deal, "The price was too high for them.", EvidenceKind.objection)
    signs = _claim(
        deal,
        "Our CFO signs anything over twenty thousand.",
        EvidenceKind.buying_role,
        BuyingRole.economic_buyer,
    )
    alone = buying_context([interview], [concern, title], [])
    assert not alone.any and not alone.admits(concern) and not alone.admits(title)
    both = buying_context([interview, deal], [concern, title, price, signs], [])
    assert both.admits(price) and both.admits(signs)
    # the interview has no deal and states no role: its keyword matches still do not count
    assert not both.admits(concern) and not both.admits(title)


def test_synthesis_fills_the_sections_from_deal_notes_only(embedder):
    interview = _doc(
        "i1",
        "My main concern is label noise in the annotations. "
        "We hash every image and drop duplicates before each split.",
    )
    deal = _deal(
        "d1",
        "Lost on price: fifteen thousand a year was more than the whole software budget. "
        "The owner signs off on any purchase over five thousand dollars.",
        "Hollis Fabrication",
        "lost",
    )
    evidence = [
        _claim(
            interview, "My main concern is label noise in the annotations.", EvidenceKind.objection
        ),
        _claim(
            interview,
            "We hash every image and drop duplicates before each split.",
            EvidenceKind.workaround,
        ),
    ]

    alone = _draft(embedder, [interview], evidence)
    assert all(s.unknown == dict.fromkeys(SECTIONS, NO_CONTEXT) for s in alone.segments)
    assert not any(s.objections for s in alone.segments)
    with_deal = [
        *evidence,
        _claim(
            deal,
            "Lost on price: fifteen thousand a year was more than the whole software budget.",
            EvidenceKind.objection,
        ),
        _claim(
            deal,
            "The owner signs off on any purchase over five thousand dollars.",
            EvidenceKind.buying_role,
            BuyingRole.economic_buyer,
        ),
    ]
    draft = _draft(embedder, [interview, deal], with_deal)
    hollis = next(s for s in draft.segments if "Hollis Fabrication" in s.accounts)
    assert [r.doc_id for c in hollis.objections for r in c.evidence] == ["d1"]
    assert hollis.buying_committee.economic_buyer is not None
    assert "objections" not in hollis.unknown and "buying_committee" not in hollis.unknown
    shown = [r.doc_id for s in draft.segments for c in s.objections for r in c.evidence]
    assert "i1" not in shown  # the interview's concern is no objection to buying anything


def test_no_evidence_in_words():
    assert no_evidence(NO_CONTEXT) == "No evidence in this research: no deal notes or buying roles."
    assert no_evidence("unknown — no deal notes or buying roles in this segment's research") == (
        "No evidence in this segment's research: no deal notes or buying roles."
    )


def test_research_with_deals_still_shows_the_sections(sample_workspace, embedder):
    draft = latest(sample_workspace, embedder)
    assert any(s.objections for s in draft.segments)
    assert any(s.why_they_buy for s in draft.segments)
    assert any(any(vars(s.buying_committee).values()) for s in draft.segments)
    assert not any(NO_CONTEXT in s.unknown.values() for s in draft.segments)


def test_what_states_a_buying_role():
    from agent.synthesize.buying import stated_role, states_purchase_role

    doc = _doc(
        "i1",
        "I'm a big fan of proxies that mimic the business metrics. "
        "Then end users see it in production and think it sucks. "
        "Our CFO signs off on anything over twenty thousand. "
        "She was the one who pushed for it internally.",
    )

    def role(sentence, which):
        return _claim(doc, sentence, EvidenceKind.buying_role, which)

    fan = role("I'm a big fan of proxies that mimic the business metrics.", BuyingRole.champion)
    users = role("Then end users see it in production and think it sucks.", BuyingRole.end_user)
    cfo = role("Our CFO signs off on anything over twenty thousand.", BuyingRole.economic_buyer)
    pushed = role("She was the one who pushed for it internally.", BuyingRole.champion)
    assert not stated_role(fan) and not states_purchase_role(fan)  # a preference
    assert stated_role(users) and not states_purchase_role(users)  # using it is no purchase
    assert states_purchase_role(cfo) and states_purchase_role(pushed)
    assert not buying_context([doc], [fan, users], []).any
    assert buying_context([doc], [fan, users, cfo], []).role_documents == {"i1"}


def test_end_users_alone_make_no_committee():
    doc = _doc("i1", "Then end users see it in production and think it sucks.")
    users = _claim(
        doc,
        "Then end users see it in production and think it sucks.",
        EvidenceKind.buying_role,
        BuyingRole.end_user,
    )
    assert not buying_context([doc], [users], []).admits(users)


def test_outcomes_and_reasons_to_buy_come_from_accounts_that_kept_the_product(embedder):
    """What a churned or lost account calls a result is why it left (the fieldcrew eval showed
    "I was spending maybe five hours a week cleaning up jobs" from a churn interview under both
    "Outcomes said" and "Why they buy")."""
    won = _deal(
        "w1",
        "Month-end close went from twelve days to five after the rollout.",
        "Alder Foods",
        "won",
    )
    churned = _deal(
        "c1",
        "I was spending five hours a week cleaning up jobs that did not close right.",
        "Birch Plumbing",
        "churned",
    )
    evidence = [
        _claim(won, won.text, EvidenceKind.outcome),
        _claim(churned, churned.text, EvidenceKind.outcome),
    ]
    draft = _draft(embedder, [won, churned], evidence)
    said = {r.doc_id for s in draft.segments for c in s.outcomes_said for r in c.evidence}
    buy = {r.doc_id for s in draft.segments for c in s.why_they_buy for r in c.evidence}
    assert said == {"w1"} and buy == {"w1"}
