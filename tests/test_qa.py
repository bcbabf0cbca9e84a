"""`icp ask` / `icp chat`: cited answers, filters, follow-ups, refusing what the research
cannot answer, and LLM citations verified against what was retrieved."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

import pytest
from support.mock_openai import MockOpenAI

from agent.config import load_settings
from agent.qa.answer import answer_question, resolve_follow_up
from agent.qa.models import Filters
from agent.store import Workspace


@pytest.fixture
def workspace(sample_workspace, embedder):
    ws = Workspace(sample_workspace, embedder.name)
    yield ws
    ws.close()


@contextmanager
def _interview(tmp_path, icp, embedder, *lines):
    """A workspace of one ingested interview made of `lines`."""
    from helpers import write

    write(tmp_path / "r" / "interview.txt", "".join(lines))
    assert icp("ingest", tmp_path / "r", "-w", tmp_path / "ws")[0] == 0
    workspace = Workspace(tmp_path / "ws", embedder.name)
    try:
        yield workspace
    finally:
        workspace.close()


def offline(folder):
    return load_settings(flags={"workspace": folder}, environ={})


def test_answer_cites_verbatim_spans(workspace, sample_workspace, embedder):
    answer = answer_question(
        "How long do quotes take before Quoteflow?", workspace, offline(sample_workspace), embedder
    )
    assert answer.answered and answer.mode == "extractive" and answer.citations
    for citation in answer.citations:
        doc = workspace.catalog.document(citation.doc_id)
        assert doc.text[citation.start : citation.end] == citation.quote
        assert f"[{citation.number}]" in answer.text


def test_an_account_asked_about_by_name_is_answered_from_its_own_research(
    workspace, sample_workspace, embedder
):
    """ "Why did Brookfield Tooling buy?" quoted another account's churn reason beside
    Brookfield's one sentence (and, before that, its CRM row)."""
    answer = answer_question(
        "Why did Brookfield Tooling buy?", workspace, offline(sample_workspace), embedder
    )
    assert answer.citations
    for citation in answer.citations:
        assert workspace.catalog.document(citation.doc_id).account == "Brookfield Tooling"
        assert "crm" not in citation.source


def test_filters_restrict_what_is_cited(workspace, sample_workspace, embedder):
    settings = offline(sample_workspace)
    by_account = answer_question(
        "What slows quoting down?",
        workspace,
        settings,
        embedder,
        filters=Filters(account="Brookfield Tooling"),
    )
    assert by_account.citations and {c.account for c in by_account.citations} == {
        "Brookfield Tooling"
    }
    surveys = answer_question(
        "What do users like?", workspace, settings, embedder, filters=Filters(kind="survey")
    )
    assert surveys.citations and all("survey" in c.source for c in surveys.citations)
    lost = answer_question(
        "Why did they not buy?", workspace, settings, embedder, filters=Filters(outcome="lost")
    )
    assert lost.retrieval and {p.account for p in lost.retrieval} <= {
        "Hollis Fabrication",
        "Northgate Fastener & Supply",
        "Red Mesa Machining",
        "Bellwether CNC",
        "Pinecrest Electrical Wholesale",
    }
    pains = answer_question(
        "quotes take too long", workspace, settings, embedder, filters=Filters(kind="pain")
    )
    evidence = {(e.doc_id, e.start) for e in workspace.catalog.evidence() if e.kind.value == "pain"}
    assert pains.retrieval and all((p.doc_id, p.start) in evidence for p in pains.retrieval)


def test_segment_filter_uses_the_latest_icp(workspace, sample_workspace, embedder):
    from agent.synthesize import versions

    core = next(s for s in versions.latest(workspace).segments if s.tier == "core")
    answer = answer_question(
        "What triggered the search?",
        workspace,
        offline(sample_workspace),
        embedder,
        filters=Filters(segment=core.id),
    )
    assert answer.retrieval and {p.account for p in answer.retrieval} <= set(core.accounts)


def test_follow_up_is_resolved_against_the_conversation(workspace, sample_workspace, embedder):
    history = [
        ("Why do distributors struggle with pricing?", "Why do distributors struggle with pricing?")
    ]
    assert (
        resolve_follow_up("what about job shops?", history)
        == "Why do job shops struggle with pricing?"
    )
    assert resolve_follow_up(
        "Which ERP does Brookfield Tooling run for manufacturing?", history
    ).startswith("Which ERP")
    answer = answer_question(
        "and why?", workspace, offline(sample_workspace), embedder, history=history
    )
    assert "distributors" in answer.resolved_question


def test_unanswerable_question_says_not_enough_evidence(workspace, sample_workspace, embedder):
    answer = answer_question(
        "What do customers say about our GDPR data residency in Germany?",
        workspace,
        offline(sample_workspace),
        embedder,
    )
    assert not answer.answered and answer.text.startswith("Not enough evidence") and answer.closest


def test_counting_and_comparison_come_from_the_tables(workspace, sample_workspace, embedder):
    settings = offline(sample_workspace)
    count = answer_question("How many accounts mention lead times?", workspace, settings, embedder)
    assert count.mode == "aggregate" and count.answered and count.unit == "accounts"
    assert re.match(rf"{count.count} of \d+ accounts mention lead times", count.text)
    assert len({c.account for c in count.citations}) == min(count.count, 12)
    # with no topic, the count says what it counts: the sample has 19 CRM accounts and survey
    # answers from more of them than it has conversations with ("12 accounts are in the research")
    everyone = answer_question("How many accounts mention", workspace, settings, embedder)
    assert re.fullmatch(
        r"\d+ accounts have interviews, notes or deal notes in the research \(survey answers "
        r"and CRM rows are not counted\)\.",
        everyone.text,
    )
    # "segment 2" is the document's Segment 2 (its heading's number), not every account
    from agent.synthesize import versions

    segments = versions.latest(workspace).segments
    second = answer_question(
        "How many accounts in segment 2 mention lead times?", workspace, settings, embedder
    )
    assert second.count is not None and second.count <= len(segments[1].accounts)
    assert {c.account for c in second.citations} <= set(segments[1].accounts)
    assert second.citations and second.text.startswith(f"{second.count} of ")
    best = answer_question(
        "Which segment has the highest PMF share?", workspace, settings, embedder
    )
    assert (
        best.mode == "aggregate"
        and best.text.startswith("Highest:")
        and "very disappointed" in best.text
    )


def test_llm_answer_with_verified_citations(workspace, sample_workspace, embedder):
    """The plain one-call path, used when the retrieval agent does not finish."""
    from agent.qa.research_agent import MAX_STEPS

    with MockOpenAI(embedder) as mock:
        mock.tool_script.extend(
            [[("search_passages", {"query": "quotes", "account": None, "kind": None})]] * MAX_STEPS
        )
        settings = load_settings(
            flags={"workspace": sample_workspace, "base_url": mock.base_url, "timeout": 5},
            environ={},
        )
        answer = answer_question("How long did quotes take?", workspace, settings, embedder)
        assert (
            answer.mode == "llm"
            and answer.answered
            and answer.citations
            and answer.rejected_citations == 0
        )
        for citation in answer.citations:
            assert (
                workspace.catalog.document(citation.doc_id).text[citation.start : citation.end]
                == citation.quote
            )
        body = json.dumps(mock.chat_requests()[-1]["body"])
        assert "<passages>" in body and "[1]" in body


@pytest.mark.parametrize("mode", ["outside", "invented"])
def test_llm_citation_outside_the_retrieved_set_is_rejected(
    workspace, sample_workspace, embedder, mode
):
    from agent.qa.research_agent import MAX_STEPS

    with MockOpenAI(embedder) as mock:
        mock.answer_mode = mode
        mock.tool_script.extend(
            [[("search_passages", {"query": "quotes", "account": None, "kind": None})]] * MAX_STEPS
        )
        settings = load_settings(
            flags={"workspace": sample_workspace, "base_url": mock.base_url, "timeout": 5},
            environ={},
        )
        answer = answer_question("How long did quotes take?", workspace, settings, embedder)
    assert answer.rejected_citations == 1 and not answer.citations
    assert not answer.answered and "could not be verified" in answer.text
    assert "love the product" not in answer.text and "doubled revenue" not in answer.text


def test_cli_ask_json_and_chat(sample_workspace, icp):
    code, out, _ = icp("ask", "Why did deals stall or get lost?", "-w", sample_workspace, "--json")
    data = json.loads(out)
    assert code == 0 and {"answered", "text", "citations", "retrieval"} <= set(data)
    assert all({"doc_id", "source", "quote", "start", "end"} <= set(c) for c in data["citations"])
    assert all({"dense", "lexical", "fused"} <= set(p) for p in data["retrieval"])
    code, out, _ = icp(
        "chat",
        "-w",
        sample_workspace,
        stdin="Why do job shops churn?\nwhat about distributors?\n/quit\n",
    )
    quotes = re.findall(r"^\s+\[\d+\] \S.*:\d+-\d+ ", out, re.MULTILINE)
    assert code == 0 and len(quotes) >= 2 and "you> " not in out  # no prompts when piped


def _said(text: str, account: str | None, source: str, doc: str | None = None):
    """A customer sentence as a Q&A candidate, counted in accounts (a person without one)."""
    import numpy as np

    from agent.qa.candidates import Candidate
    from agent.qa.units import ACCOUNTS, unit_of

    return Candidate(
        doc_id=doc or source,
        source=source,
        start=0,
        end=len(text),
        text=text,
        account=account,
        speaker=None,
        role="customer",
        source_kind="transcript",
        vector=np.ones(3, dtype=np.float32),
        score=0.9,
        unit=unit_of(ACCOUNTS, account, source, doc or source),
    )


def test_a_file_without_a_company_is_a_participant_never_an_account():
    """In research about companies, a usability session names no company: its speaker is counted
    and named as a participant ("One participant (Sam (ux-p3))"), never as an account made up
    from the file name."""
    from agent.qa.units import ACCOUNTS, PARTICIPANTS, unit_of

    assert unit_of(ACCOUNTS, "Harlow Foods", "a.txt", "d1").kind == ACCOUNTS
    person = unit_of(ACCOUNTS, None, "study/ux-p3.md", "d2", "Sam")
    assert person.kind == PARTICIPANTS
    assert person.name == "Sam (ux-p3)"
    assert unit_of(ACCOUNTS, None, "study/ux-p4.md", "d3").key != person.key
    # counting people in research about companies: a person of a named account is named by it
    assert unit_of(PARTICIPANTS, "Harlow Foods", "calls/2026-10-01_harlow.txt", "d4").name == (
        "Harlow Foods"
    )


def test_a_role_counts_people_only_in_the_plural():
    """ "What do analysts say…" counts people; "How much analyst time…" asks about time."""
    from agent.qa.units import PARTICIPANTS, unit_named

    assert unit_named("What do analysts say about instrument exports?") == PARTICIPANTS
    assert unit_named("How much analyst time do core labs lose transcribing results?") is None


def test_a_question_for_an_amount_needs_a_passage_that_states_one():
    """ "How much does X add to the bill?" answered by "cost isn't a worry" is no answer: an
    amount question is refused unless one of the closest sentences states an amount."""
    from types import SimpleNamespace

    from agent.qa.support import amount_missing

    def said(*texts):
        return [SimpleNamespace(text=t) for t in texts]

    vague = said("Snowflake cost isn't really a worry for us.", "It's one thing to have tickets.")
    stated = said("Snowflake cost isn't a worry.", "The queries add about $400 a month.")
    assert amount_missing("How much do the monitoring queries add to the bill?", vague)
    assert not amount_missing("How much do the monitoring queries add to the bill?", stated)
    assert amount_missing("How quickly does support answer tickets?", vague)
    assert not amount_missing("Why do customers worry about cost?", vague)  # no amount asked
    assert not amount_missing("How many accounts mention cost?", vague)  # counts are units


def test_an_amount_is_of_the_kind_asked_about_the_question_topic_and_asked_first():
    """A bill wants money or a share, "how quickly" a duration; the amount must be about the
    question's topic; a question that asks something else first is not refused for an amount."""
    from types import SimpleNamespace

    from agent.qa.support import amount_missing

    def said(*texts):
        return [SimpleNamespace(text=t) for t in texts]

    durations = said("We used to spend two weeks in February answering audit requests.")
    assert amount_missing("How much do the monitoring queries add to the bill?", durations)
    assert not amount_missing(
        "How quickly do audit requests get answered?", durations, {"audit", "request", "answer"}
    )
    assert amount_missing(
        "How quickly does our support team respond to tickets?",
        durations,
        {"support", "team", "respond", "ticket"},
    )
    assert not amount_missing("What tools do they use, and how much of it is manual?", durations)
    price = said("Our quote (~$38k) is above her authority for a monitoring tool.")
    bill = "How much do the monitoring queries add to the warehouse bill?"
    assert amount_missing(bill, price, {"monitor", "queri", "add", "warehous", "bill"})
    added = said("The monitoring queries add about $400 a month to our warehouse bill.")
    assert not amount_missing(bill, added, {"monitor", "queri", "add", "warehous", "bill"})
    # a rate of pay asked without "how much" is an amount question too
    rate = "What do agencies pay their caregivers per hour, and how does that affect recruiting?"
    hours = said("My schedulers spend twelve hours a week calling caregivers.")
    assert amount_missing(rate, hours, {"agenc", "pay", "caregiv", "hour", "recruit"})
    wage = said("We pay caregivers about $17 an hour and still lose them to the hospital.")
    assert not amount_missing(rate, wage, {"agenc", "pay", "caregiv", "hour", "recruit"})
    # "how much overtime": a sentence that measures the overtime answers, in money or share
    overtime = "How much overtime do call-offs cost core agencies?"
    topic = {"call", "agenc", "core", "overtim", "off", "cost"}
    assert not amount_missing(overtime, said("Overtime was like eleven percent of hours."), topic)
    assert amount_missing(overtime, said("Call-offs are where the overtime comes from."), topic)


def test_passage_sentences_that_are_not_claims_are_not_answers():
    """Negated, hypothetical and reported sentences are distractors by the extraction's rules;
    a question answers nothing; a self-description is context, not an answer to "why"."""
    from agent.extract.lexicon import is_distractor
    from agent.extract.questions import asks
    from agent.qa.candidates import SELF_DESCRIPTION

    assert is_distractor("My friend who does BI at a hospital says their whole team quit.")
    assert is_distractor("If we ever got to fifty entities we'd need a consolidation system.")
    assert is_distractor("If the state department ever audits me, I'll wish I still had it.")
    assert is_distractor(
        "My cousin works for a big firm in Houston and he says their office types at night."
    )
    assert not is_distractor("It was the worst audit ever, if you ask me.")
    assert is_distractor("Intercompany honestly isn't a big deal for us.")
    assert not is_distractor("Quotes take us five days because engineers re-key every line.")
    assert asks("The most pressing quality issue that researchers should try to solve?")
    assert not asks("We lose about six hours a week.")
    assert not asks("My controller came from a company with a CLM and she asked, why e-mail?")
    assert SELF_DESCRIPTION.search("I'm the analytics manager, there's four of us on the team.")
    assert SELF_DESCRIPTION.search("We're a regional health system, three hospitals.")
    assert not SELF_DESCRIPTION.search("We're spending six hours a week reconciling.")
    from agent.qa.candidates import describes_itself

    # what a notes writer says of the company is context too
    assert describes_itself("Third-generation family printer, about 280 people")
    assert describes_itself("Tally & Sprout is a 35-person kitchenware brand selling direct")
    assert describes_itself("Adult day centre in Chattanooga, TN")
    assert not describes_itself("We lost two people, about 3 staff in March.")
    assert not describes_itself("Two people quit in March and nobody else knew the workbook.")
    assert not describes_itself("Harrowgate is a customer we lost over pricing.")


def test_question_intent_reads_what_is_asked_not_the_product_category():
    from agent.qa.intent import intent_kinds

    assert intent_kinds("Why do data teams start looking for an observability tool?") == {"trigger"}
    assert intent_kinds("What do analytics teams want a monitoring tool to do for them?") == {"job"}
    assert "workaround" not in intent_kinds("What stops hospitals from buying today?")
    assert "technographic" in intent_kinds("Which CRM do the accounts run?")
    assert "workaround" in intent_kinds("How do participants check their data today?")
    # what won a deal, why an account expanded: its win reasons (the deal note answers)
    assert "win_reason" in intent_kinds("What won the Ridgeway expansion?")
    assert "win_reason" in intent_kinds("Why did Ridgeway expand to all five yards?")
    # what kept a group from moving forward: its objections; what confused people: pains
    assert "objection" in intent_kinds("What kept the hospital foundations from moving forward?")
    assert intent_kinds("What did study participants find confusing in the prototype?") == {"pain"}
    # shopping for a tool is looking for one; passing on it is not buying it
    assert intent_kinds("Why do breweries start shopping for production software?") == {"trigger"}
    assert intent_kinds("When were they in the market for a new system?") == {"trigger"}
    assert "loss_reason" in intent_kinds("Why did homebrew shops pass on Hopcrest?")
    assert intent_kinds("What did they pass on to their customers?") == set()
    # what pushes a group to replace its software now: a trigger; what makes it a poor fit or
    # hard to switch to is no event
    assert intent_kinds(
        "What pushes a multi-clinic veterinary group to replace its practice software now rather "
        "than later?"
    ) == {"trigger"}
    assert "trigger" not in intent_kinds("What makes it hard for clinics to switch to Pawledger?")
    assert intent_kinds("What makes standard practice software a poor fit for shelters?") == {
        "pain"
    }
    assert "pain" in intent_kinds(
        "How do hospitals approve estimates, and where does it break down?"
    )
    # turning a product down is not buying it; who they are asks for what they say of themselves
    assert "loss_reason" in intent_kinds("Why do single-vet practices turn Pawledger down?")
    assert intent_kinds("What kinds of companies buy Pawledger?") == {"firmographic"}
    # how a group goes about buying and what slows the purchase: who decides, what objects
    asked = intent_kinds(
        "How does a port district go about buying software, and what slows the purchase?"
    )
    assert {"buying_role", "objection"} <= asked
    assert intent_kinds("What do customers think of the buying experience?") == set()


def test_how_many_things_an_account_has_is_no_count_of_accounts():
    """ "How many buses does Ridgeway run?" asks a quantity, answered by what was said; it was
    read as a count of accounts ("1 account are in the research")."""
    from agent.qa.counts import parse

    assert parse("How many buses does Ridgeway run?") is None
    assert parse("How many accounts run Samsara?") == ("accounts", "run", "Samsara")
    # people named by their work, the study they are in, an adverb before any verb
    assert parse("How many technicians in the shop-floor study still work from paper?") == (
        "technicians in the shop-floor study",
        "work",
        "from paper",
    )
    assert parse("How many drivers use the app?") == ("drivers", "use", "the app")
    # "have trouble …" counts who has it; "have a CFO" is no count of a problem
    assert parse("How many sign shops have trouble scheduling install crews?") == (
        "sign shops",
        "have trouble",
        "scheduling install crews",
    )
    assert parse("How many accounts have a CFO?") is None
    # an auxiliary before a participle is the verb ("have lost", "were trained")
    assert parse("How many accounts have lost kegs at bars?") == (
        "accounts",
        "have",
        "lost kegs at bars",
    )
    # the subject ends at the first verb, not at a verb the list knows further on
    assert parse("How many core accounts still rebuild the TTB report by hand?") == (
        "core accounts",
        "rebuild",
        "the TTB report by hand",
    )
    # a unit noun is never the verb ("group" is one too)
    assert parse("How many multi-unit group accounts say food cost runs over?") == (
        "multi-unit group accounts",
        "say",
        "food cost runs over",
    )
    # an adverb before the verb is neither ("first write", "usually enter")
    assert parse("How many participants first write readings down on paper?") == (
        "participants",
        "write",
        "readings down on paper",
    )
    assert parse(
        "In the cellar and packaging-line study, how many participants first write readings?"
    ) == (
        "participants in the cellar and packaging-line study",
        "write",
        "readings",
    )
    # a study's people of seven words are still who is counted
    from agent.qa.followups import subject_of

    assert (
        subject_of("How many participants in the cellar and packaging-line study mention it?")
        == "participants in the cellar and packaging-line study"
    )


@pytest.mark.parametrize(
    ("question", "parsed"),
    [
        (
            "Among the regional breweries, how many mention lost kegs?",
            ("regional breweries", "mention", "lost kegs"),
        ),
        (
            "Among the regional breweries, how many of them say the TTB report takes days?",
            ("regional breweries", "say", "the TTB report takes days"),
        ),
        (
            "Among the regional breweries, how many breweries count hops by hand?",
            ("regional breweries", "count", "hops by hand"),
        ),
        (
            "Among the core accounts, how many owners complain about kegs?",
            ("owners among core accounts", "complain", "about kegs"),
        ),
        (
            "Across every brewery we talked to or wrote up, how many mention spreadsheets?",
            ("breweries", "mention", "spreadsheets"),
        ),
        (
            "In the floor-worker study, how many participants say the tablet is too slow?",
            ("participants in the floor-worker study", "say", "the tablet is too slow"),
        ),
        ("Among core accounts, how many hours a week go to the TTB report?", None),
    ],
)
def test_who_is_counted_may_be_said_before_how_many(question, parsed):
    """ "Among the regional breweries, how many …" counts the regional breweries; it was no
    counting question at all (the answer listed quotes). A group that is everyone only names
    the unit; an amount ("how many hours") stays an amount."""
    from agent.qa.counts import parse

    assert parse(question) == parsed


def test_a_deal_notes_label_inside_a_paragraph_is_no_answer():
    from agent.qa.candidates import is_metadata

    assert is_metadata("Rep: Dan Okoye.")
    assert is_metadata("**Date:** 2026-10-27")
    assert is_metadata("Close date: 14 October")
    assert not is_metadata(
        "Price: nine hundred a month is more than my rent increase, for nothing."
    )
    assert not is_metadata("Hal: we doubled the presses and still run one whiteboard.")


def test_an_acronym_spelled_out_in_a_transcript_is_mentioned(tmp_path, icp, embedder):
    """Speech-to-text writes "the G P T models": "GPT" is mentioned, not absent."""
    from agent.qa.support import absent_terms

    with _interview(
        tmp_path,
        icp,
        embedder,
        "Interviewer: Which models do you use?\n"
        "Participant: Now we offer the G P T three model under the hood for summaries.\n",
    ) as workspace:
        assert absent_terms("Which teams use GPT for summaries?", workspace, set()) == []
        assert absent_terms("Which teams use GDPR tooling?", workspace, set()) == ["GDPR"]


def _candidate(text, account, score, kind="trigger", vector=None):
    import numpy as np

    from agent.qa.candidates import Candidate
    from agent.qa.units import ACCOUNTS, unit_of

    doc = f"doc-{account}"
    start = abs(hash(text)) % 1000
    candidate = Candidate(
        doc_id=doc,
        source=f"{account}.txt",
        start=start,
        end=start + len(text),
        text=text,
        account=account,
        speaker=None,
        role="customer",
        source_kind="transcript",
        vector=np.asarray(vector, dtype=np.float32),
        score=score,
        evidence_kind=kind,
    )
    candidate.unit = unit_of(ACCOUNTS, account, candidate.source, doc)
    return candidate


def test_an_answer_shows_the_breadth_of_what_was_said_each_voice_named():
    """Five accounts each give a different reason: the answer names each with its words (not
    only the two loudest sentences), and a point no second account makes is said in the
    speaker's words, never under a phrase they happened to repeat."""
    import numpy as np

    from agent.qa.answer import candidate_citation
    from agent.qa.compose import compose

    axes = np.eye(6)
    said = [
        ("Our auditors flagged a material weakness in the reconciliations.", "Harlow Foods"),
        ("The board asked for monthly numbers by the tenth working day.", "Ardent Partners"),
        ("We bought two companies last year and the entity count doubled.", "Kestrel Group"),
        ("Our senior accountant retired and took the close checklist with her.", "Pinecrest"),
        ("A new CFO joined in March and wanted a real close calendar.", "Meridian Co"),
    ]
    candidates = [
        _candidate(text, account, 0.6 - i * 0.02, vector=axes[i])
        for i, (text, account) in enumerate(said)
    ]
    text, citations, _ = compose(candidates, 9, "accounts", candidate_citation)
    assert len(citations) == 5
    for _, account in said:
        assert f"One account ({account}) says it started with “" in text
    assert [c.number for c in citations] == [1, 2, 3, 4, 5]


def test_several_points_of_one_account_are_one_sentence_and_points_come_by_relevance():
    """One account's two reasons are one sentence; a point one account makes that answers
    better comes before a point two accounts share."""
    import numpy as np

    from agent.qa.answer import candidate_citation
    from agent.qa.compose import compose

    near = np.array([1.0, 0, 0, 0])
    candidates = [
        _candidate(
            "Price was the main reason, the quote came in at eighteen thousand.",
            "Marlow",
            0.7,
            "loss_reason",
            [0, 1.0, 0, 0],
        ),
        _candidate(
            "The IT director kept asking why they could not use warehouse alerts.",
            "Marlow",
            0.6,
            "loss_reason",
            [0, 0, 1.0, 0],
        ),
        _candidate(
            "Every rep quotes from a stale price book in a spreadsheet.", "Acme", 0.55, "pain", near
        ),
        _candidate(
            "Our reps quote from last quarter's price book, it's a mess.", "Brio", 0.5, "pain", near
        ),
    ]
    text, citations, _ = compose(candidates, 4, "accounts", candidate_citation)
    marlow, shared = text.split(". Two of 4 accounts describe “")
    # the reason is a clause of its own: said, not "went elsewhere over “Price was …”"
    assert marlow.startswith("One account (Marlow) says “Price was the main reason")
    assert "[1] and “The IT director" in marlow and marlow.count("Marlow") == 1
    assert shared.endswith("[3][4].")
    assert len(citations) == 4


def test_a_thing_of_the_product_is_refused_when_only_a_customers_own_is_mentioned(
    tmp_path, icp, embedder
):
    """ "Relaypoint's mobile app": the research says "mobile app" only of a customer's own
    customers, never of the product: nothing answers it. The product's users are people, not
    a thing of the product."""
    from agent.qa.support import absent_terms

    with _interview(
        tmp_path,
        icp,
        embedder,
        "Interviewer: What does your company do?\n"
        "Participant: We sell release management software to mobile app teams.\n"
        "Interviewer: And how did Relaypoint work out?\n"
        "Participant: Relaypoint scores every ticket, and your rubric editor is the best part.\n",
    ) as workspace:
        asked = "What do customers think of Relaypoint's mobile app?"
        assert absent_terms(asked, workspace, set()) == ["Relaypoint's mobile app"]
        assert (
            absent_terms("What do they think of Relaypoint's rubric editor?", workspace, set())
            == []
        )
        assert absent_terms("Which tools do Relaypoint's customers run?", workspace, set()) == []


def test_a_count_is_scoped_by_who_is_counted_not_by_words_of_the_topic(monkeypatch):
    """ "How many accounts say an auditor (… a single audit) pushed them?" counts every
    account: "audit" in the topic is no audit-firm industry to count inside. The scope is read
    from who is counted only."""
    from agent.qa import counts
    from agent.qa.candidates import Pool
    from agent.qa.scope import QuestionScope

    asked = []

    def scope(question, workspace, draft):
        asked.append(question)
        return QuestionScope()

    monkeypatch.setattr(counts, "question_scope", scope)
    monkeypatch.setattr(counts, "gather", lambda *a, **k: Pool(None, [], []))
    answer = counts.count_answer(
        "How many accounts say an auditor (a finding or a single audit) pushed them to look?",
        None,
        None,
        None,
        None,
        lambda workspace, unit, ids: (9, 9, 0),
    )
    assert asked == ["How many accounts mention it?"]
    assert answer is not None and not answer.answered  # nothing about it: none of the 9
    assert "none of the 9 accounts" in answer.text
    # any verb after a subject that names its unit; the subject alone is the scope
    counts.count_answer(
        "How many usability-study participants copy instrument exports into Excel by hand?",
        None,
        None,
        None,
        None,
        lambda workspace, unit, ids: (4, 0, 4),
    )
    assert asked[-1] == "How many usability-study participants mention it?"
    assert counts.parse("How many deals did we lose?") is None  # an auxiliary is no verb


def test_an_answer_quotes_the_clause_that_says_most_as_a_piece_of_the_quote():
    """The words quoted inside an answer sentence are a contiguous piece of the cited quote:
    its clause that says most (the question's topic first), without the fillers it opens with,
    marked "…" where it is cut."""
    from agent.qa.compose import exemplar

    quote = "So yeah. We lost a week of orders to that sync, and nobody noticed until Monday."
    assert exemplar(quote) == "We lost a week of orders to that sync"
    spoken = "Uh, I mean, the labels from the vendor were wrong in a third of the images."
    assert exemplar(spoken) == "The labels from the vendor were wrong in a third of the images"
    said = "It was fine for a while, but then the nightly sync to the warehouse stopped silently."
    assert exemplar(said, topic={"sync", "warehous"}) == (
        "…then the nightly sync to the warehouse stopped silently"
    )
    long = "We " + " ".join(f"w{i}" for i in range(30))
    assert exemplar(long).endswith("…") and len(exemplar(long).split()) == 16
    for text in (quote, spoken, said):
        piece = exemplar(text, topic={"sync"}).strip("…")
        assert piece.lower() in text.lower()


def test_an_answer_to_how_much_or_how_long_quotes_the_clause_that_states_the_amount():
    """Asked how long something takes, the answer sentence quotes the clause with the amount,
    not the longer one that only names the task (the amount was left to the quote below)."""
    from agent.qa.compose import exemplar
    from agent.qa.support import asks_amount

    quote = (
        "We retype every order from the quote into the ERP, and it takes about six hours a week."
    )
    assert exemplar(quote) == "We retype every order from the quote into the ERP"
    assert exemplar(quote, amount=True) == "…it takes about six hours a week"
    assert asks_amount("How many hours a week do they spend retyping orders?")
    assert asks_amount("How long does month-end close take?")
    assert not asks_amount("How many accounts mention retyping orders?")
    assert not asks_amount("Why do they retype orders?")


def test_a_rare_topic_word_weighs_more_than_one_every_passage_uses():
    """In a study of data quality "data" is in every passage: a sentence that says "scraping"
    answers "what problems come with scraped data" more than one that says "data"."""
    from types import SimpleNamespace

    from agent.qa.candidates import topic_weights
    from agent.qa.terms import content_stems

    seen = {"data": 95, "scraping": 3, "problems": 40}
    catalog = SimpleNamespace(
        chunk_count=lambda: 100, term_count=lambda word: seen.get(word.lower(), 0)
    )
    question = "What problems come with data from scraping or vendors?"
    topic = content_stems(question)
    weights = topic_weights(SimpleNamespace(catalog=catalog), question, topic)
    by_word = {w: weights[next(iter(content_stems(w)))] for w in ("data", "scraping", "problems")}
    assert by_word["scraping"] > by_word["problems"] > by_word["data"]
    assert next(iter(content_stems("vendors"))) not in weights  # never said: no sentence has it


def test_a_specialised_term_the_research_never_uses_is_refused(tmp_path, icp, embedder):
    """ "Have any teams used federated learning?" on interviews that never say "federated": a
    specialised word no passage uses is absent. A common word said otherwise ("effort") is
    left to the meaning check, and a rare word beside a said one ("plumbers and handymen")
    names a group the research speaks of."""
    from agent.qa.support import absent_terms

    with _interview(
        tmp_path,
        icp,
        embedder,
        "Interviewer: How do you handle sensitive data?\n"
        "Participant: The hospital's data never leaves their servers, so we train on site.\n"
        "Participant: Our plumbers log every job on paper and the setup took nine months.\n"
        "Participant: QuickBooks does our invoicing, and the office retypes the job sheets.\n",
    ) as workspace:
        asked = "Have any of the teams used federated learning for the owner's sensitive data?"
        assert absent_terms(asked, workspace, set()) == ["federated"]
        assert absent_terms("How much effort did the setup take?", workspace, set()) == []
        assert absent_terms("Why do plumbers and handymen log jobs?", workspace, set()) == []
        # another form of a common verb ("transcribed") makes the word common: meaning decides
        assert absent_terms("How long does transcribing job sheets take?", workspace, set()) == []
        # QuickBooks is said, its integration never: a feature named by the tool is absent
        assert absent_terms(
            "Do customers use the QuickBooks integration to invoice?", workspace, set()
        ) == ["QuickBooks integration"]


def test_the_thing_a_which_or_what_question_asks_about_must_be_said(tmp_path, icp, embedder):
    """ "Which cleaning chemicals do the breweries run through their keg washers?" on research
    that speaks of kegs and cleaning but never of chemicals was answered with quotes about kegs
    (a gold corpus). The thing asked about is absent when its words are never said together;
    a category the research fills with names ("which payroll systems": ADP) and an amount
    ("what share of") need no saying, and "terms of the loan" says "loan terms". A yes/no
    question's object is the thing it asks about too ("did any brewery take out a bank loan")."""
    from agent.qa.support import absent_terms

    with _interview(
        tmp_path,
        icp,
        embedder,
        "Interviewer: How do you handle cleaning and payroll?\n"
        "Participant: Cleaning the kegs in the keg washer takes the crew most of Monday.\n"
        "Participant: Hours get re-keyed into ADP for payroll every Friday by hand.\n"
        "Participant: The terms of the loan were fine, the bank was quick.\n",
    ) as workspace:
        asked = "Which cleaning chemicals do the breweries run through their keg washers?"
        assert absent_terms(asked, workspace, set()) == ["cleaning chemicals"]
        assert absent_terms("What hourly pay do cellar workers earn?", workspace, set()) == [
            "hourly pay"
        ]
        assert (
            absent_terms("Which payroll systems do they re-key hours into?", workspace, set()) == []
        )
        assert absent_terms("What share of kegs do they clean on Monday?", workspace, set()) == []
        assert absent_terms("What loan terms did the bank offer?", workspace, set()) == []
        assert absent_terms(
            "How do breweries set the entry fees they charge for festivals?", workspace, set()
        ) == ["entry fees"]
        assert absent_terms("How do they handle the kegs on Monday?", workspace, set()) == []
        lease = "Did any brewery take out an equipment lease to pay for new kegs?"
        assert absent_terms(lease, workspace, set()) == ["equipment lease"]
        assert absent_terms("Did anyone mention the keg washer?", workspace, set()) == []
        # with no auxiliary, the subject is the thing asked about, unless it is a group the
        # research is about ("which crews use ADP": who is asked, not what)
        suppliers = "Which chemical suppliers offer free delivery to breweries?"
        assert absent_terms(suppliers, workspace, set()) == ["chemical suppliers"]
        assert absent_terms("Which teams use ADP for payroll?", workspace, set()) == []


def test_a_share_answers_a_money_question_only_when_it_is_of_money():
    """ "How much did temp-agency spend fall?" is not answered by "thirty percent of the temps
    they promised show up": a percentage is money only in a sentence about money."""
    from types import SimpleNamespace

    from agent.qa.support import amount_missing

    def said(*texts):
        return [SimpleNamespace(text=t) for t in texts]

    asked = "How much did customers' temp-agency spend fall after the rollout?"
    topic = {"temp", "agenc", "spend", "fall", "rollout"}
    shows = said(
        "We use two temp agencies and maybe thirty percent of the temps they promised show."
    )
    assert amount_missing(asked, shows, topic)
    fell = said("Our temp agency spend fell about twelve percent the first quarter.")
    assert not amount_missing(asked, fell, topic)


def test_counting_accounts_never_counts_a_person_of_a_study_without_a_company():
    """ "How many accounts say …" over research that also holds a usability study: a participant
    with no company is no account, however close their sentence."""

    from agent.qa.counts import counted
    from agent.qa.units import ACCOUNTS

    def said(text, account, source):
        return _said(text, account, source)

    pool = [
        said("The agency confirms twenty and fourteen show up.", "Kestrel Logistics", "k.txt"),
        said("The temps they send are never the number we ordered.", None, "ux-study_P3.txt"),
    ]
    assert list(counted(pool, "temp agency sends fewer workers", ACCOUNTS)) == ["kestrel logistics"]


def test_a_topic_that_denies_something_counts_the_sentences_that_deny_it():
    """ "… charges get paid without anyone checking them": "nobody looks at those accessorial
    lines" says it; for a topic that denies nothing, a sentence that does is penalised."""
    from agent.qa.counts import COUNT_MIN, DENIAL_PENALTY, counted
    from agent.qa.units import ACCOUNTS

    nobody = _said("Most of the time nobody looks at those accessorial lines.", "Tillman", "t.txt")
    nobody.score = COUNT_MIN + DENIAL_PENALTY / 2
    topic = "detention, liftgate or reweigh charges get paid without anyone checking them"
    assert list(counted([nobody], topic, ACCOUNTS)) == ["tillman"]
    assert list(counted([nobody], "liftgate and reweigh charges we pay", ACCOUNTS)) == []


def test_a_pmf_question_about_a_segment_gets_that_segments_share():
    """ "What share of core-segment respondents would be very disappointed?" reads the core
    segment's Sean Ellis share (with everyone's and the other segments' beside it, to one
    decimal as researchers report them), not everyone's alone."""
    from types import SimpleNamespace

    from agent.qa.survey_tables import survey_answer
    from agent.schema.icp import PMF

    def segment(name, tier, very, n):
        pct = 100 * very / n if n else None
        return SimpleNamespace(
            name=name, tier=tier, accounts=["A"], pmf=PMF(very=very, n=n, very_disappointed_pct=pct)
        )

    draft = SimpleNamespace(
        survey_cuts=[],
        pmf_overall=PMF(very=32, n=62, very_disappointed_pct=51.6),
        segments=[segment("3PL warehouses", "core", 25, 42), segment("Bakeries", "adjacent", 2, 6)],
    )
    core = survey_answer(
        "What share of core-segment respondents would be very disappointed?", draft
    )
    assert core is not None and core.answered and core.count == 25
    assert "25 of 42 (59.5%) in 3PL warehouses" in core.text and "32 of 62" in core.text
    assert "2 of 6 (33.3%) in Bakeries" in core.text  # the other segments, to compare with
    draft.segments.append(segment("Small shops", "core", 0, 4))
    both = survey_answer("What share of core respondents would be very disappointed?", draft)
    assert both is not None and "together 25 of 46 (54.3%)" in both.text
    assert "0 of 4 (0%) in Small shops" in both.text
    everyone = survey_answer("What share of respondents would be very disappointed?", draft)
    assert everyone is not None and everyone.count == 32 and "3PL" not in everyone.text


def _ingest_and_ask(tmp_path, icp, embedder, question: str):
    """`icp ingest` the files written under tmp_path/r, then answer offline as `icp ask` does."""
    assert icp("ingest", tmp_path / "r", "-w", tmp_path / "ws")[0] == 0
    workspace = Workspace(tmp_path / "ws", embedder.name)
    try:
        return answer_question(question, workspace, offline(tmp_path / "ws"), embedder)
    finally:
        workspace.close()


def test_who_is_counted_is_no_topic_the_research_must_mention(tmp_path, icp, embedder):
    """ "How many UX-study participants say …": "UX-study" names the study's files (who is
    counted), not something a passage must say."""
    from helpers import write

    for n in (1, 2):
        write(
            tmp_path / "r" / f"2026-10-1{n}_ux-study_P{n}.txt",
            f"Moderator: Tell me about your week as a shift supervisor.\n"
            f"P{n}: I run the early shift at a cold-storage site, about ninety people.\n"
            f"Moderator: How do swaps reach you?\n"
            f"P{n}: Swap requests get lost in the WhatsApp group, nobody knows who agreed.\n"
            f"Moderator: And call-outs?\n"
            f"P{n}: I text people from my own phone until somebody takes the shift.\n",
        )
    write(
        tmp_path / "r" / "2026-10-01_kestrel-logistics_ops.txt",
        "Interviewer: How do you schedule?\nDana: We build the week in Excel by hand.\n"
        "Interviewer: How long does it take?\nDana: Every Thursday afternoon, four hours at least.\n",
    )
    answer = _ingest_and_ask(
        tmp_path,
        icp,
        embedder,
        "How many UX-study participants say swap requests get lost in chat groups?",
    )
    assert answer.answered, answer.text
    assert answer.text.startswith("2 of 2"), answer.text


def test_should_we_pursue_a_segment_is_answered_from_the_draft():
    """ "Should we pursue the selective segment?" reads the draft: the segment's tier and why,
    whether it is a hypothesis, and what its accounts raise most, each cited; not sentences
    that merely share its words ("We're a 410-bed hospital")."""
    from types import SimpleNamespace

    from agent.qa.aggregates import try_aggregate
    from agent.schema.icp import PMF, Claim, EvidenceRef, Outcomes

    quote = "Infection control gave us minimums per unit and I check them by hand."
    ref = EvidenceRef(
        doc_id="d1", source="evs.txt", quote=quote, start=0, end=len(quote), account="St. Aldric"
    )
    pain = Claim(
        label="Unit minimums checked by hand",
        kind="pain",
        accounts=1,
        mentions=1,
        share=0.5,
        evidence=[ref],
    )
    hospitals = SimpleNamespace(
        name="Healthcare, 1001–5000 employees",
        accounts=["Calloway Regional", "St. Aldric"],
        tier="selective",
        tier_reason="Unproven: win rate unknown — only 1 closed deal",
        hypothesis=True,
        hypothesis_reason="only 2 accounts with research evidence (at least 3 needed)",
        outcomes=Outcomes(lost=1, open=1),
        pmf=PMF(),
        pains=[pain],
    )
    core = SimpleNamespace(name="Logistics", accounts=["Kestrel"], tier="core", pains=[])
    from agent.schema.icp import Competitor, CompetitorDeal

    lost = CompetitorDeal(
        account="Calloway Regional", outcome="lost", source="d.md", evidence=[ref]
    )
    kronos = Competitor(name="UKG", details=["existing Kronos add-on"], deals=[lost])
    draft = SimpleNamespace(segments=[core, hospitals], version=2, competition=[kronos])
    answer = try_aggregate("Should we pursue the selective segment?", None, None, draft)
    assert answer is not None and answer.answered
    assert answer.text.startswith("“Healthcare, 1001–5000 employees”, 2 accounts (Calloway")
    assert "tier selective" in answer.text and "A hypothesis: only 2 accounts" in answer.text
    assert "“Unit minimums checked by hand” (1 account) [1]" in answer.text
    assert answer.citations[0].quote == quote and "Logistics" not in answer.text
    # the segment's deals against a competitor, cited
    assert (
        "In deals: lost Calloway Regional against UKG (existing Kronos add-on) [2]" in answer.text
    )
    assert try_aggregate("Why do hospitals want minimums checked?", None, None, draft) is None
    # asked as "is there enough evidence to target …": the same verdict
    asked = "Is there enough evidence to target the selective segment?"
    enough = try_aggregate(asked, None, None, draft)
    assert enough is not None and "A hypothesis: only 2 accounts" in enough.text
    assert try_aggregate("Is there enough evidence about minimums?", None, None, draft) is None


def test_a_question_naming_two_industries_is_about_both():
    """ "Why do 3PL and e-commerce fulfilment operators start looking?" is about the logistics
    and the e-commerce accounts; "3PL" counts though short (its digit), "it" or "AI" never."""
    from agent.qa.index import DocRow
    from agent.qa.scope import industry_accounts

    crm = [
        DocRow("c1", "crm", "Kestrel", "crm.csv", None, "logistics_transportation", "Kestrel"),
        DocRow("c2", "crm", "Harlow", "crm.csv", None, "retail_ecommerce", "Harlow"),
        DocRow("c3", "crm", "Acme", "crm.csv", None, "software_saas", "Acme"),
    ]
    asked = "Why do 3PL and e-commerce fulfilment operators start looking?"
    assert industry_accounts(asked, crm)[0] == {"Kestrel", "Harlow"}
    assert industry_accounts("Why do they use AI for it?", crm)[0] == set()


def test_the_industry_a_question_is_about_is_read_from_its_subject_first():
    """ "Why do mid-size manufacturers and distributors start looking for a freight audit tool?"
    is about manufacturers (in the plural too) and distributors, not freight companies or
    auditors; "the two wineries" finds the CRM's own labels "Winery" and "Wine & Spirits"."""
    from agent.qa.index import DocRow
    from agent.qa.scope import industry_accounts

    crm = [
        DocRow("c1", "crm", "Keller", "crm.csv", None, "wholesale_distribution", "Keller"),
        DocRow("c2", "crm", "Ridgeline", "crm.csv", None, "manufacturing", "Ridgeline"),
        DocRow("c3", "crm", "Haulwell", "crm.csv", None, "logistics_transportation", "Haulwell"),
        DocRow("c4", "crm", "Tally CPA", "crm.csv", None, "professional_services", "Tally CPA"),
        DocRow("c5", "crm", "Vinterra", "crm.csv", None, "Wine & Spirits", "Vinterra"),
        DocRow("c6", "crm", "Maple Hollow", "crm.csv", None, "Winery", "Maple Hollow"),
        DocRow("c7", "crm", "Fernleaf", "crm.csv", None, "Cosmetics", "Fernleaf"),
    ]
    asked = "Why do mid-size manufacturers and distributors start looking for a freight audit tool?"
    assert industry_accounts(asked, crm)[0] == {"Keller", "Ridgeline"}
    wineries = "What do the two wineries need, and did the product fit?"
    assert industry_accounts(wineries, crm)[0] == {"Vinterra", "Maple Hollow"}
    # no subject that names a group: the whole question is read, as before
    deals = "What slows down deals with freight companies?"
    assert industry_accounts(deals, crm)[0] == {"Haulwell"}
    # what a "which X do <group> …" question asks about is no group: "chemicals" named the
    # manufacturing accounts, so the absent chemicals were scope, not a topic to refuse
    washers = "Which cleaning chemicals do the wineries run through their barrel washers?"
    assert industry_accounts(washers, crm) == ({"Vinterra", "Maple Hollow"}, {"wineri"})
    assert industry_accounts("Which freight companies do we lose to?", crm)[0] == {"Haulwell"}


def test_accounts_a_question_describes_by_what_the_crm_says_of_them():
    """ "community foundations" and "hospital foundations" are nonprofits like everyone in a
    grants product's CRM: their names and the CRM's own labels tell them apart; "very small"
    keeps the smallest size band; words every account or no account has narrow nothing."""
    from agent.qa.described import described_accounts
    from agent.qa.index import DocRow

    def row(name: str, industry: str, raw: str, band: str) -> DocRow:
        return DocRow(name, "crm", name, "crm.csv", None, industry, name, None, raw, band)

    crm = [
        row("Lakeshore Community Foundation", "nonprofit", "Foundation", "11-50"),
        row("Prairie Rivers Community Trust", "nonprofit", "Grantmaking Foundation", "11-50"),
        row("Tri-County Community Foundation", "nonprofit", "Philanthropy", "11-50"),
        row("St. Brendan's Hospital Foundation", "healthcare", "Hospital & Health Care", "11-50"),
        row("Mercy Valley Health Foundation", "healthcare", "Healthcare - Foundation", "11-50"),
        row("Cedar Hollow Behavioral Health", "healthcare", "Mental Health Care", "201-500"),
        row("Riverbend Community Action", "nonprofit", "Non-Profit", "51-200"),
        row("Harborlight Family Services", "nonprofit", "Individual & Family Services", "201-500"),
        row("Meridian Youth Alliance", "nonprofit", "Non-Profit", "201-500"),
        row("Sunfield Senior Services", "nonprofit", "Nonprofit", "201-500"),
        row("Crossroads Services", "nonprofit", "Human Services", "201-500"),
        row("Eastside Tenants Collective", "nonprofit", "Civic & Social Organization", "1-10"),
        row("Friends of the Millbrook Library", "Libraries", "Libraries", "1-10"),
        row("Willow Creek Animal Rescue", "Animal Welfare", "Animal Welfare", "1-10"),
    ]

    def found(subject: str) -> set[str] | None:
        described = described_accounts(subject, crm)
        return None if described is None else described.accounts

    assert found("community foundations") == {
        "Lakeshore Community Foundation",
        "Prairie Rivers Community Trust",
        "Tri-County Community Foundation",
    }
    assert found("the hospital foundations") == {
        "St. Brendan's Hospital Foundation",
        "Mercy Valley Health Foundation",
    }
    assert found("very small volunteer-run nonprofits") == {
        "Eastside Tenants Collective",
        "Friends of the Millbrook Library",
        "Willow Creek Animal Rescue",
    }
    assert found("mid-size human-services nonprofits") is None  # everyone: no narrowing
    assert found("customers") is None
    assert found("finance teams at foundations") is not None  # the companies come after "at"
    assert found("Medicaid agencies") is None  # "medicaid" is not "medical" grown
    assert found("nonprofits") is None  # said alone, a word most accounts have is no kind
    assert found("single-location nonprofits") == found("very small nonprofits")
    # one of what a business has: its smallest accounts ("single-vet practices")
    assert found("single-office nonprofits") == found("one-office nonprofits")
    assert found("single-office nonprofits") == found("very small nonprofits")
    assert found("foundation group accounts") == found("foundations")  # "group" says no kind
    agencies = [
        row("Pixel & Pine Agency", "media_marketing", "Marketing & Advertising", "11-50"),
        row("Frontline Assist", "professional_services", "BPO / Outsourced Support", "11-50"),
        row("Brightloop", "software_saas", "Computer Software", "51-200"),
        row("Loomwork", "software_saas", "SaaS", "51-200"),
        row("Tessellate", "software_saas", "Software", "51-200"),
    ]
    # in a dental-lab CRM, "dental" is everyone's word: it lets "labs" (most names, not all:
    # "Larkspur Dental Studio") narrow nothing
    labs = [
        row(f"{name} Dental {kind}", "healthcare", "Dental Laboratories", "11-50")
        for name, kind in [
            ("Ashgrove", "Laboratory"),
            ("Brightwater", "Lab"),
            ("Sorrel Ridge", "Lab"),
            ("Juniper", "Lab"),
            ("Quarry Hill", "Lab"),
            ("Larkspur", "Studio"),
            ("Westbrook", "Studio"),
            ("Fenwick", "Prosthetics"),
        ]
    ]
    assert described_accounts("mid-size dental labs", labs) is None
    assert described_accounts("dental studios", labs) is not None  # a word few have narrows
    described = described_accounts("agencies and BPOs", agencies)
    assert described is not None  # "agencies": the plural of "agency"; "BPOs": an acronym
    assert described.accounts == {"Pixel & Pine Agency", "Frontline Assist"}
    # "school-bus contractors": the words of a compound describe together, and "school" in
    # it is no school (no education industry, no account with "School" in its name alone)
    buses = [
        row("Gruber School Bus", "logistics_transportation", "Transportation", "1-10"),
        row(
            "Blue Heron School Transportation",
            "logistics_transportation",
            "Transportation",
            "51-200",
        ),
        row("Pinecrest Student Carriers", "education", "Education Services", "201-500"),
        row("Maple Ridge School Transit", "education", "Education Services", "51-200"),
        row("Bellwether Bus Lines", "logistics_transportation", "Transportation", "201-500"),
        row("Copperfield Bus Company", "logistics_transportation", "Transportation", "51-200"),
        row("Old Mill Transit", "logistics_transportation", "Bus Services", "51-200"),
        row("Carelink Mobility", "healthcare", "Hospital & Health Care", "51-200"),
    ]
    assert described_accounts("school-bus contractor accounts", buses) is None
    from agent.qa.scope import industry_accounts

    assert industry_accounts("How many school-bus contractors rebuild routes?", buses)[0] == set()
    assert industry_accounts("How many schools rebuild routes?", buses)[0] == {
        "Pinecrest Student Carriers",
        "Maple Ridge School Transit",
    }
    # a compound's part in another form of its word ("printer" for "Printing"), and a head
    # noun no account's name or label says ("shop")
    printers = [
        row("Dunmore Commercial Print", "manufacturing", "Commercial Printing", "51-200"),
        row("Brightmark Press", "manufacturing", "Commercial Printing", "201-500"),
        row("Tamsin Printing Co.", "manufacturing", "Printing", "51-200"),
        row("Keel Sign Co.", "manufacturing", "Signage", "11-50"),
        row("Lumen Sign & Display", "retail", "Sign Manufacturing", "11-50"),
        row("Harrow Large Format", "manufacturing", "Printing & Publishing", "11-50"),
        row("Calder State University", "education", "Higher Education", "501-1000"),
    ]
    assert described_accounts("commercial-printer accounts", printers).accounts == {
        "Dunmore Commercial Print",
        "Brightmark Press",
    }
    assert described_accounts("sign-shop owners", printers).accounts == {
        "Keel Sign Co.",
        "Lumen Sign & Display",
    }
    # a describing word nobody's CRM text says narrows to nobody, never to the head noun's
    # accounts ("letterpress" is no account's word; "printing" is many)
    assert described_accounts("letterpress-printing shops", printers) is None
    # the CRM files only some printers under "Commercial Printing": when the segment holding
    # them is the one the CRM calls printers, "commercial printers" are that segment
    from types import SimpleNamespace

    from agent.qa.described import head_accounts
    from agent.qa.scope import _segment_of_kind

    assert head_accounts("commercial printers", printers) == {
        "Dunmore Commercial Print",
        "Brightmark Press",
        "Tamsin Printing Co.",
        "Harrow Large Format",
    }
    core = SimpleNamespace(
        name="Manufacturing, 51–500 employees",
        accounts=["Dunmore Commercial Print", "Brightmark Press", "Tamsin Printing Co."],
    )
    signs = SimpleNamespace(
        name="Signage", accounts=["Keel Sign Co.", "Lumen Sign & Display", "Harrow Large Format"]
    )
    draft = SimpleNamespace(segments=[signs, core])
    commercial = described_accounts("commercial printers", printers).accounts
    question = "How many commercial printers mention it?"
    assert _segment_of_kind(question, commercial, printers, draft) is core
    # a group the CRM names by its head noun in only a few of a segment's accounts stays itself
    assert (
        _segment_of_kind("How many sign shops mention it?", {"Keel Sign Co."}, printers, draft)
        is None
    )


def test_a_segment_is_named_only_by_words_that_tell_it_apart():
    """ "mid-size Medicaid home-care agencies" are not the segment named "Home Care, 1–10
    employees" when most home-care agencies sit in another segment, nor a segment of another
    size; "what holds back X" reads X as the subject."""
    from types import SimpleNamespace

    from agent.qa.followups import subject_of
    from agent.qa.scope import segments_named
    from agent.schema.icp import Count, Firmographics

    def segment(sid: str, name: str, accounts: list[str], band: str) -> SimpleNamespace:
        firmographics = Firmographics(size_bands=[Count(value=band, accounts=len(accounts))])
        return SimpleNamespace(
            id=sid, name=name, accounts=accounts, tier="selective", firmographics=firmographics
        )

    core = segment(
        "s1",
        "Healthcare & Life Sciences, 51–500 employees",
        ["Brightwater Home Care", "Lone Pine Home Care", "Harborview Home Care", "Tidewater"],
        "201-500",
    )
    small = segment(
        "s2",
        "Home Care, 1–10 employees, companion agencies",
        ["Sunny Days Home Care", "Golden Years Helpers", "Hearthside Companions"],
        "1-10",
    )
    draft = SimpleNamespace(segments=[core, small])
    assert segments_named("Why do Medicaid home-care agencies start looking?", draft)[0] == []
    assert segments_named("Why do mid-size companions agencies churn?", draft)[0] == []
    assert segments_named("Why do small companion agencies churn?", draft)[0] == [small]
    from agent.qa.units import PARTICIPANTS, unit_named

    assert unit_named("How many caregivers in the app study say changes come by text") == (
        PARTICIPANTS
    )
    assert subject_of("What holds back very small private-pay agencies from buying?") == (
        "very small private-pay agencies"
    )


def test_a_quote_with_its_own_subject_is_said_not_wanted():
    """'wants to “I want …”' and 'says it started with “He said …”' read wrong: such a quote is
    introduced by 'says'; a phrase keeps the verb of its kind."""
    from agent.qa.compose import verb_for

    assert verb_for("job", "I want the regional directors looking at overtime") == "say"
    assert verb_for("job", "Have the sanitation crew's start follow production") == "want to"
    assert verb_for("workaround", "We export a CSV every Friday") == "say"
    assert verb_for("workaround", "A shared spreadsheet per site") == "get by with"
    # a quote that is a clause of its own is said; a noun phrase is wanted, not "wanted to"
    assert verb_for("job", "A student could pick up a job at a machine") == "say"
    assert verb_for("churn_reason", "Staff were entering every job twice") == "say"
    assert verb_for("win_reason", "The EFI Fiery connector working on day one mattered") == "say"
    assert verb_for("job", "The next job and what paper to pull for it") == "want"
    assert verb_for("trigger", "We launched version three in January") == "say it started with"
    assert verb_for("trigger", "He said he was hired to make support measurable") == "say"
    assert verb_for("pain", "I check those against the schedule by hand") == "describe"


def test_the_things_a_question_lists_are_its_facets():
    from agent.qa.facets import facets

    assert facets(
        "What problems do interviewees run into when they use external data such as public "
        "datasets, third-party APIs, data vendors or web scraping, and how do they deal with them?"
    ) == ["public datasets", "third-party APIs", "data vendors", "web scraping"]
    assert facets("Which tools such as Great Expectations or Deequ do teams use?") == [
        "Great Expectations",
        "Deequ",
    ]
    # two alternatives without a word announcing examples are the topic, not a list
    assert facets("What problems come with manually collected or human-labelled data?") == []
    assert facets("Which concerns do buyers raise about implementation effort and timing?") == []
    # clauses joined by "and" are no list
    assert facets("What do startups say about their close, and why do they churn or not buy?") == []


def test_a_sentence_about_one_listed_facet_scores_higher(monkeypatch):
    from agent.qa import candidates

    class Catalog:  # "data" is in every passage, "scraping" and "api" in few
        def chunk_count(self):
            return 100

        def term_count(self, word):
            return {"data": 90, "web": 30, "scraping": 4, "apis": 6, "third": 8, "party": 8}.get(
                word.lower(), 1
            )

    workspace = type("W", (), {"catalog": Catalog()})()
    keys = candidates.facet_keys(workspace, ["third-party APIs", "web scraping"])
    said = candidates.content_stems
    assert candidates.says_a_facet(said("The scrapers broke whenever the website changed."), keys)
    assert candidates.says_a_facet(said("Sometimes the API was just not available."), keys)
    assert keys == [{"api"}, {"scrape"}]
    assert not candidates.says_a_facet(said("We clean the data before training."), keys)


GUIDE = (
    "Interviewer 1: Thanks for joining. Did you ever use external data, so public datasets, "
    "third party APIs or web scraping?\n"
    "Interviewee: Yes, a lot.\n"
    "Interviewer 1: Mm-hmm.\n"
    "Interviewee: Even when we buy, once in a while the APIs just don't return calls.\n"
    "Interviewer 1: I see. And in your opinion, what is the most pressing quality issue "
    "researchers should try to solve?\n"
    "Interviewee: For me the most pressing issue is label noise in the training data.\n"
)


def test_an_answer_knows_the_interviewer_question_it_follows(tmp_path):
    from helpers import load, write

    from agent.qa.asked import answer_positions, asked_bonus, question_before

    doc = load(write(tmp_path / "Interview 11.txt", GUIDE)).documents[0]
    text = doc.text
    api = text.index("Even when we buy")
    noise = text.index("For me the most")
    asked = question_before(doc, api)
    assert asked is not None and text[asked[0] : asked[1]].startswith("Did you ever use")
    # "I see." opens the next question's turn: the last question asked is the one answered
    asked = question_before(doc, noise)
    assert asked is not None
    assert text[asked[0] : asked[1]].startswith("And in your opinion, what is the most pressing")
    assert question_before(doc, text.index("Thanks for joining")) is None
    # the answers to the first question run past a backchannel, up to the next question
    first = text.index("Did you ever use")
    assert [text[p : p + 10] for p in answer_positions(doc, first)] == ["Yes, a lot", "Even when "]
    assert answer_positions(doc, api) == []  # not an interviewer turn
    assert asked_bonus(0.40) == 0.0 and asked_bonus(0.55) == pytest.approx(0.06)
    assert asked_bonus(0.65) == pytest.approx(0.12) and asked_bonus(0.95) == pytest.approx(0.24)
    # an answer to another question, when some interview asked the user's very question
    assert asked_bonus(0.40, best=0.8) < 0 and asked_bonus(0.40, best=0.6) == 0.0


def test_the_answer_to_a_guide_question_like_the_users_comes_first(tmp_path, icp, embedder):
    """The user asks what the guide asked, in other words; the answer to it shares few of the
    question's words, and a sentence that repeats them answers another question."""
    lines = (
        "Interviewer: How do you evaluate the quality of your model?\n",
        "Interviewee: We check quality problems in the dashboards the researchers use and "
        "compare the metrics every week.\n",
        "Interviewer: In your opinion, what is the most pressing quality issue researchers "
        "should try to solve?\n",
        "Interviewee: Honestly, label noise: annotators disagree on a third of the images and "
        "nobody audits them.\n",
        "Interviewer: Who else is on your team?\n",
        "Interviewee: Two data engineers and a product manager who owns the roadmap.\n",
    )
    with _interview(tmp_path, icp, embedder, *lines) as workspace:
        answer = answer_question(
            "What do interviewees see as the most pressing quality problem that researchers "
            "should work on?",
            workspace,
            offline(tmp_path / "ws"),
            embedder,
        )
    assert answer.answered
    assert answer.citations[0].quote.startswith("Honestly, label noise")


def test_a_name_described_by_a_word_is_absent_only_when_the_name_is(tmp_path, icp, embedder):
    """'PE-backed' is a group the research speaks of when it says 'PE'; 'VC-backed' is not."""
    lines = (
        "Interviewer: What held you back from buying?\n",
        "Dana: Our PE sponsor froze every new software contract until the next add-on deal "
        "closes, so the close tool waits.\n",
        "Dana: And the integration with our four ERPs looked like six months of work.\n",
    )
    with _interview(tmp_path, icp, embedder, *lines) as workspace:
        settings = offline(tmp_path / "ws")
        pe = answer_question(
            "What stops PE-backed groups from buying?", workspace, settings, embedder
        )
        vc = answer_question(
            "What stops VC-backed groups from buying?", workspace, settings, embedder
        )
    assert pe.answered and "PE sponsor" in pe.citations[0].quote
    assert not vc.answered and "VC-backed" in vc.text


def test_a_thing_written_with_a_letter_and_a_hyphen_is_absent_when_never_said(
    tmp_path, icp, embedder
):
    """ "e-signature" is a thing, not a description of a group: absent when never said."""
    lines = (
        "Interviewer: How do award documents get signed today?\n",
        "Dana: The program officer prints the award letter, signs it and scans it back.\n",
        "Dana: Then we file the scan in the shared drive under the funder's folder.\n",
    )
    with _interview(tmp_path, icp, embedder, *lines) as workspace:
        settings = offline(tmp_path / "ws")
        signature = answer_question(
            "What do customers say about e-signature for award documents?",
            workspace,
            settings,
            embedder,
        )
    assert not signature.answered and "e-signature" in signature.text
    from agent.qa.support import unmentioned_terms

    def nowhere(word: str, research_only: bool) -> bool:
        return True

    # a hyphenated description of a group is the scope's business, never an absent thing
    assert unmentioned_terms("What stops in-house teams and UX-study people?", set(), nowhere) == []


def test_a_word_made_of_a_common_word_or_a_common_owner_is_no_absent_term(tmp_path, icp, embedder):
    """ "unusable" is "usable" negated and the research may say "can't use"; "the Brewer's
    Report of Operations" is a form brewers file, not a thing of a product called Brewer.
    Neither refuses a question whose other words the research says. A specialised word built
    the same way is still absent: "refinancing" is no negation of "financing"."""
    from agent.qa.support import absent_terms, unmentioned_terms
    from agent.qa.terms import common_word

    assert common_word("unusable") and common_word("understaffed")
    assert not common_word("refinancing") and not common_word("hallucinations")
    lines = (
        "Interviewer: How do you file the monthly report to the tax bureau?\n",
        "Dana: The brewer copies the tank counts into a spreadsheet, then types the report "
        "of operations into the portal by hand.\n",
        "Dana: With gloves on, the tablet on the cellar floor is useless.\n",
    )
    with _interview(tmp_path, icp, embedder, *lines) as workspace:
        asked = "How many brewers put together the Brewer's Report of Operations by hand?"
        assert absent_terms(asked, workspace, set()) == []
        gloves = "How many say gloves make tablets unusable on the cellar floor?"
        assert absent_terms(gloves, workspace, set()) == []

    def nowhere(word: str, research_only: bool) -> bool:
        return True

    assert unmentioned_terms("Do they ask about refinancing the fleet?", set(), nowhere) == [
        "refinancing"
    ]


def test_a_quote_that_stops_before_its_point_is_cited_with_it():
    from agent.qa.candidates import joined_lead_ins
    from agent.textspans import split_sentences

    def cut(text):
        return [text[a:b] for a, b in joined_lead_ins(text, split_sentences(text))]

    said = "The thing that makes the most difference is. Data quality, honestly. Then we retrain."
    assert cut(said) == [
        "The thing that makes the most difference is. Data quality, honestly.",
        "Then we retrain.",
    ]
    assert cut("There are two problems: Missing values. Drift.") == [
        "There are two problems: Missing values.",
        "Drift.",
    ]
    # a whole sentence that ends on "is" is no lead-in, nor is the next speaker's line
    assert cut("I do not know what it is. We retrain monthly.") == [
        "I do not know what it is.",
        "We retrain monthly.",
    ]
    assert cut("The main problem is.\nInterviewer: Which one?") == [
        "The main problem is.",
        "Interviewer: Which one?",
    ]


def test_who_signs_is_answered_from_the_buying_committee():
    """'Who signs off?' is answered from the draft's buying committees: each role with its
    titles, its count and its quotes cited, the role asked for first; a segment the question
    names narrows it; research without roles falls through to retrieval."""
    from types import SimpleNamespace

    from agent.qa.aggregates import try_aggregate
    from agent.schema.icp import BuyingCommittee, EvidenceRef, Role

    def ref(quote: str) -> EvidenceRef:
        return EvidenceRef(doc_id="d", source="s.txt", quote=quote, start=0, end=len(quote))

    committee = BuyingCommittee(
        champion=Role(
            role="champion", titles=["QA lead"], accounts=3, evidence=[ref("I'm the champion.")]
        ),
        economic_buyer=Role(
            role="economic_buyer",
            titles=["CFO", "CEO"],
            accounts=8,
            evidence=[ref("Our CFO signs anything over 25k."), ref("Our CEO co-signs over 15k.")],
        ),
    )
    saas = SimpleNamespace(
        name="Software, SaaS & IT", accounts=["A", "B"], tier="core", buying_committee=committee
    )
    empty = SimpleNamespace(
        name="Clinics", accounts=["C"], tier="defer", buying_committee=BuyingCommittee()
    )
    draft = SimpleNamespace(segments=[saas, empty], version=3, competition=[])
    answer = try_aggregate("Who signs off on the purchase?", None, None, draft)
    assert answer is not None and answer.answered
    assert answer.text.startswith(
        "“Software, SaaS & IT” — signs (economic buyer): CFO, CEO — 8 accounts [1][2]; "
        "champions it: QA lead — 3 accounts [3]."
    )
    assert (
        "Clinics" not in answer.text
        and [c.quote for c in answer.citations][2] == "I'm the champion."
    )
    # who champions it: the champion first
    assert "— champions it: QA lead" in try_aggregate("Who champions it?", None, None, draft).text
    nobody = SimpleNamespace(segments=[empty], version=3, competition=[])
    assert try_aggregate("Who signs off on the purchase?", None, None, nobody) is None


def test_a_survey_answer_to_another_columns_question_ranks_lower(embedder):
    import numpy as np

    from agent.qa.asked import OTHER_PENALTY
    from agent.qa.candidates import add_survey_question_fit
    from agent.schema import SourceDocument, SourceKind, SpeakerRole, Turn

    who = "Who do you think would benefit most from Relaypoint?"
    why = "What made you start looking for a QA tool?"
    text = "Support managers at growing SaaS companies\nOur CSAT dropped after the pricing launch"
    cut = text.index("\n")
    survey = SourceDocument(
        doc_id="row1",
        source="survey.csv",
        path="/x/survey.csv",
        kind=SourceKind.survey,
        text=text,
        content_hash="h",
        turns=[
            Turn(role=SpeakerRole.customer, start=0, end=cut, section=who),
            Turn(role=SpeakerRole.customer, start=cut + 1, end=len(text), section=why),
        ],
    )
    vector = np.zeros(4, dtype=np.float32)
    answers = [
        _candidate(text[:cut], "A", 0.6, vector=vector),
        _candidate(text[cut + 1 :], "B", 0.6, vector=vector),
    ]
    for candidate, start in zip(answers, (0, cut + 1), strict=True):
        candidate.doc_id, candidate.source_kind, candidate.start = "row1", "survey", start
    spoken = _candidate("We hired a new head of support.", "C", 0.6, vector=vector)
    query = np.asarray(embedder.embed(["Why do support leaders start looking for a QA tool?"])[0])
    add_survey_question_fit([*answers, spoken], {"row1": survey}, embedder, query)
    assert answers[0].score == pytest.approx(0.6 - OTHER_PENALTY)  # answers "who benefits"
    assert answers[1].score == pytest.approx(0.6) and spoken.score == pytest.approx(0.6)
    # survey answers alone: nothing else to prefer, nothing changes
    answers[0].score = 0.6
    add_survey_question_fit(answers[:1], {"row1": survey}, embedder, query)
    assert answers[0].score == pytest.approx(0.6)


def test_a_survey_rows_company_and_score_columns_are_never_quoted():
    """A survey row's passage starts with its company, size and score columns; only its
    free-text answers are sentences anyone said."""
    from agent.qa.candidates import _sentences
    from agent.qa.models import Passage

    text = (
        "Company: Pipwick\nCompany size: 11-50\nIndustry: Agency\nhow_disappointed: Not "
        "disappointed\nq9_txt: We only sign about forty contracts a year. A sheet is enough."
    )
    answer = text.index("We only")
    passage = Passage(
        chunk_id="c",
        doc_id="row1",
        source="survey.csv",
        text=text,
        start=0,
        end=len(text),
        kind="survey",
    )
    said = [text[a:b] for a, b in _sentences(text, passage, {"row1": [(answer, len(text))]})]
    assert said == ["We only sign about forty contracts a year.", "A sheet is enough."]
    # an interview's passage is read whole
    assert _sentences(text, passage, {})[0][0] == 0


def test_a_crm_record_answers_what_an_account_is_never_why():
    """ "Why did Ridgeway expand?" cited the CRM row ("Account Name: … Fleet Size: 320 …")."""
    from agent.qa.candidates import _about_a_record

    assert not _about_a_record("Why did Ridgeway expand?", set())
    assert not _about_a_record("What won the Ridgeway expansion?", {"win_reason", "outcome"})
    assert _about_a_record("Which ERP does Ridgeway run?", {"technographic"})
    assert _about_a_record("How many buses does Ridgeway run?", set())


def test_of_n_accounts_counts_accounts_only():
    """A survey respondent in a group of account statements is said apart, never counted as
    one of the accounts."""
    import numpy as np

    from agent.qa.candidates import Candidate
    from agent.qa.compose import Group, sentence_for
    from agent.qa.units import ACCOUNTS

    def said(doc: str, account: str | None, source: str, text: str) -> Candidate:
        return _said(text, account, source, doc)

    members = [
        said("d1", "Delmont", "deals/delmont.md", "Work orders get lost between shifts."),
        said("s1#3", None, "survey/pmf.csv", "work orders dont get lost"),
    ]
    text = sentence_for(Group(members, np.ones(3)), 10, ACCOUNTS)
    assert text.startswith("One account (Delmont) and 1 participant"), text
    members.append(said("d2", "Okemah", "okemah.txt", "Paper work orders vanish overnight."))
    text = sentence_for(Group(members, np.ones(3)), 10, ACCOUNTS)
    assert text.startswith("Two of 10 accounts and 1 participant"), text


def test_segment_pmf_falls_back_to_the_surveys_own_groups(workspace):
    """Respondents who are not the segmented accounts: "which segment has the highest PMF?" is
    answered by the survey's group column, not refused; with no groups either, refused."""
    from agent.qa.aggregates import which_segment
    from agent.schema.icp import PMF, SurveyCut, SurveyCutValue
    from agent.synthesize import versions

    draft = versions.latest(workspace)
    assert draft is not None
    for segment in draft.segments:
        segment.pmf = PMF()
    draft.survey_cuts = [
        SurveyCut(
            column="industry",
            metric="pmf",
            values=[
                SurveyCutValue(value="Private/IOU", responses=18, very_disappointed_pct=35.3, n=17),
                SurveyCutValue(
                    value="government_public", responses=22, very_disappointed_pct=66.7, n=21
                ),
            ],
        )
    ]
    answer = which_segment("Which segment has the highest PMF share?", draft)
    assert (
        answer.answered
        and "Government & Public Sector: 67% very disappointed (n=21)" in answer.text
    )
    assert answer.text.index("Government") < answer.text.index("Private/IOU")
    draft.survey_cuts = []
    refused = which_segment("Which segment has the highest PMF share?", draft)
    assert not refused.answered and "PMF needs at least" in refused.text
    assert "PMF" not in which_segment("Which segment has the best win rate?", draft).text


def test_a_notes_heading_or_label_line_is_never_an_answer(tmp_path, icp, embedder):
    """A churn write-up's title ("… – churn post-mortem") and its label lines name the document;
    the reasons are its bullets."""
    from helpers import write

    from agent.qa.candidates import gather
    from agent.qa.terms import content_stems

    write(
        tmp_path / "r" / "delmont-churned.md",
        "---\naccount: Delmont County Sewer Authority\noutcome: churned\n---\n"
        "# Delmont County Sewer Authority – churn post-mortem\n\n"
        "**Why they churned:** see below for the full churn story\n\n"
        "## Why they churned\n"
        "- The renewal quote went up twelve percent with a list price change.\n"
        "- Their champion left in January for a job at a private utility.\n",
    )
    assert icp("ingest", tmp_path / "r", "-w", tmp_path / "ws")[0] == 0
    workspace = Workspace(tmp_path / "ws", embedder.name)
    try:
        terms = content_stems("Why did Delmont churn?")
        pool = gather(
            "Why did Delmont churn?", workspace, embedder, None, set(), terms, terms, "accounts"
        )
        said = [c.text for c in pool.candidates]
        assert any("renewal quote" in s for s in said)
        assert not any("post-mortem" in s or "full churn story" in s for s in said), said
    finally:
        workspace.close()


def test_a_one_word_alternative_is_an_object_of_the_part_before_not_a_topic():
    from agent.qa.counts import alternatives

    stuck, cfo = alternatives(
        "contract approvals get stuck waiting on the general counsel or the CFO"
    )
    assert {"cfo", "stuck", "wait", "approv"} <= cfo and "counsel" not in cfo
    assert "counsel" in stuck
    assert alternatives("noisy alerts or on-call fatigue") == [
        {"noisi", "alert"},
        {"call", "fatigu"},
    ]
    assert alternatives("missing data") == [{"miss", "data"}]


def test_a_one_word_alternative_before_the_rest_takes_what_the_rest_says():
    """'tags, forms or effects on their own phone' is tags, forms or effects *on their own
    phone*: a sentence that only says "form" is not about it."""
    from agent.qa.counts import alternatives

    assert alternatives("tags, forms or effects on their own phone") == [
        {"tag", "phone"},
        {"form", "phone"},
        {"effect", "phone"},
    ]
    attribution, roas = alternatives("attribution or ROAS numbers shift without warning")
    assert {"attribut", "number", "shift", "warn"} <= attribution and "roa" not in attribution
    assert {"roa", "number", "shift"} <= roas and "attribut" not in roas
    # a one-word topic alone stays one
    assert alternatives("pricing") == [{"price"}]


def test_a_count_with_a_verb_of_its_own_counts_who_does_it(monkeypatch):
    """'How many accounts push back on per-entity pricing?' searches for pushing back on the
    price, not for the price; 'how many accounts mention pricing' for the price alone."""
    from agent.qa import counts

    searched: list[str] = []

    def fake_gather(question, *args, **kwargs):
        searched.append(question)
        raise StopIteration

    monkeypatch.setattr(counts, "gather", fake_gather)
    monkeypatch.setattr(counts, "unit_for", lambda *a: counts.ACCOUNTS)
    scope = counts.QuestionScope()
    units = lambda *a: (3, 3, 0)  # noqa: E731
    for question in (
        "How many accounts push back on per-entity pricing?",
        "How many accounts mention per-entity pricing?",
        "How many usability-study participants copy exports into spreadsheets?",
    ):
        with pytest.raises(StopIteration):
            counts.count_answer(question, None, None, None, None, units, asked=scope)
    assert searched == [
        "push back on per-entity pricing",
        "per-entity pricing",
        "copy exports into spreadsheets",
    ]


def test_why_we_won_an_account_is_answered_from_its_won_deal_note(tmp_path, icp, embedder):
    """A won deal note is the record of why: its reasons answer "Why did we win X?" whatever
    their words; its front matter, byline and a lost note of another account do not."""
    from helpers import write

    write(
        tmp_path / "r" / "deals" / "2026-04-08_calloway_won.md",
        "---\naccount: Calloway Building Products\noutcome: won\ncompetitor: BlackLine\n---\n"
        "Notes from Marcus Webb (AE).\n\n"
        "Why we won: intercompany matching went from four days to under one in the pilot.\n\n"
        "Second reason was timing. We committed to a go-live for the June close, which the CFO "
        "had made a hard condition; BlackLine's earliest start date was August.\n\n"
        "Third, the audit story: their new auditors added about $60k in fees last year.\n",
    )
    write(
        tmp_path / "r" / "deals" / "2026-05-02_harlow_lost.md",
        "---\naccount: Harlow Foods\noutcome: lost\ncompetitor: BlackLine\n---\n"
        "They went with BlackLine because their auditors already knew it.\n",
    )
    answer = _ingest_and_ask(tmp_path, icp, embedder, "Why did we win Calloway Building Products?")
    assert answer.answered, answer.text
    quoted = " ".join(c.quote for c in answer.citations)
    assert "go-live for the June close" in quoted and "$60k" in quoted, answer.text
    assert "Marcus Webb" not in quoted and "account:" not in quoted
    assert "auditors already knew it" not in quoted


def test_one_industry_word_only_one_segments_name_has_names_it():
    """ "regional laundry accounts": one word of the industries that name one segment and no
    other ("… / Industrial Laundry, 51–500 employees"), a weaker reading than a segment's
    name; a tool in a name names nothing."""
    from types import SimpleNamespace

    from agent.qa.scope import segment_by_industry_word, segments_named

    def segment(name: str, accounts: list[str]) -> SimpleNamespace:
        return SimpleNamespace(name=name, accounts=accounts, firmographics=None, tier="core")

    core = segment(
        "Linen Supply / Textile Rental / Industrial Laundry, 51–500 employees, on Samsara",
        ["Bellwether Linen", "Millrace Laundry Group", "Cascade Textile"],
    )
    cleaners = segment("Retail, 1–10 employees, on Square", ["Suds & Fold Laundry", "Pelham"])
    hospitals = segment("Healthcare & Life Sciences, 1001–5000 employees", ["Meridian Valley"])
    draft = SimpleNamespace(segments=[core, cleaners, hospitals])
    asked = "How many regional laundry accounts mention soil counts disputed at invoice time?"
    assert segments_named(asked, draft)[0] == []  # one word is no segment's name
    assert segment_by_industry_word(asked, draft)[0] == [core]
    for other in ("How many Samsara accounts mention soil counts?", "How many accounts say so?"):
        assert segment_by_industry_word(other, draft)[0] == [], other
    # a word two segments' names have names neither
    twice = SimpleNamespace(
        segments=[core, segment("Laundry Services, 11–50 employees", ["Spin Cycle"])]
    )
    assert segment_by_industry_word(asked, twice)[0] == []


def test_a_segment_is_named_by_the_size_of_its_companies():
    """'very small companies', 'early startups', 'enterprises': the segment most of whose
    accounts are in the smallest (largest) size band, when one is that small (large)."""
    from types import SimpleNamespace

    from agent.qa.scope import segments_named
    from agent.schema.icp import Count

    def segment(name: str, bands: dict[str, int]) -> SimpleNamespace:
        counts = [Count(value=v, accounts=n) for v, n in bands.items()]
        firmographics = SimpleNamespace(size_bands=counts)
        return SimpleNamespace(name=name, accounts=["a"], firmographics=firmographics, tier="core")

    mid = segment("Manufacturing, 201–1000 employees", {"201-500": 5, "501-1000": 3})
    # one outlier account of 1,001–5,000 does not make the small segment large
    small = segment("Software, 11–50 employees", {"11-50": 7, "1001-5000": 1})
    nonprofit = segment("Nonprofit, 51–200 employees", {"51-200": 2})
    big = segment("Healthcare, 1001+ employees", {"1001-5000": 2})
    draft = SimpleNamespace(segments=[mid, small, nonprofit, big])
    assert segments_named("Why do very small companies churn?", draft)[0] == [small]
    assert segments_named("What do seed-stage startups say about their close?", draft)[0] == [small]
    assert segments_named("What do large enterprises need?", draft)[0] == [big]
    assert segments_named("Which tools do they use?", draft)[0] == []
    no_small = SimpleNamespace(segments=[mid, big])
    assert segments_named("Why do very small companies churn?", no_small)[0] == []
    # companies sized by their people: one- and two-person labs, solo practices, owner-operators
    for asked in (
        "Why do one- and two-person labs not buy, or cancel?",
        "What do solo practices say about price?",
        "Why don't small owner-operators buy or stay?",
        "Why do small dental labs churn?",
    ):
        assert segments_named(asked, draft)[0] == [small], asked
    assert segments_named("Why do two-thousand-person companies buy?", draft)[0] != [small]


def test_a_segment_is_named_by_the_rare_words_only_its_accounts_say():
    """'orthotics and prosthetics clinics': the segment whose name quotes those words, even
    when an account of another segment has one of them in its name."""
    from types import SimpleNamespace

    from agent.qa.scope import segments_named

    core = SimpleNamespace(
        name="Healthcare & Life Sciences, 11–200 employees",
        accounts=["Fenwick Dental Prosthetics", "Larkspur Dental Studio"],
        tier="core",
    )
    clinics = SimpleNamespace(
        name="Healthcare & Life Sciences saying ‘prosthetic’ and ‘orthotics’, 11–50 employees",
        accounts=["Penmoor Orthopedic Workshop", "Stridewell Mobility Clinic"],
        tier="selective",
    )
    draft = SimpleNamespace(segments=[core, clinics])
    asked = "Is there a case for selling to orthotics and prosthetics clinics?"
    assert segments_named(asked, draft)[0] == [clinics]
    from agent.qa.aggregates import PURSUE

    assert PURSUE.search(asked)
    assert not PURSUE.search("What is the case for the remake tracker?")


def test_the_people_of_a_study_are_its_interviews_that_name_no_company(monkeypatch):
    """'technicians in the shop-floor study': the interviews without an account, beside the
    research about accounts, even when their file names do not say the study's name; a
    compound ('two-person labs') names no people."""
    from agent.qa import scope
    from agent.qa.index import DocRow, DocumentIndex
    from agent.qa.units import PARTICIPANT_WORDS

    rows = [
        DocRow("t1", "transcript", "Larkspur Dental Studio", "t/larkspur.txt", None),
        DocRow("t2", "transcript", "Keystone Ceramics Lab", "t/keystone.txt", None),
        DocRow("p1", "transcript", None, "t/2026-11-10_P1_tech-interview.txt", None),
        DocRow("p2", "transcript", None, "t/2026-11-11_P2.txt", None),
        DocRow("s1", "survey", None, "survey/pmf.csv", None),
    ]
    monkeypatch.setattr(scope, "document_index", lambda workspace: DocumentIndex(rows))
    asked = "How many technicians in the shop-floor study still work from the paper ticket?"
    found = scope.question_scope(asked, workspace=None)
    assert (found.doc_ids, found.reason) == ({"p1", "p2"}, "study")
    # research about accounts alone has no study to narrow to
    monkeypatch.setattr(scope, "document_index", lambda workspace: DocumentIndex(rows[:2]))
    assert scope.question_scope(asked, workspace=None).doc_ids is None
    assert PARTICIPANT_WORDS.search("one- and two-person labs") is None
    assert PARTICIPANT_WORDS.search("people in the study")


def test_people_named_by_their_work_are_the_study_whose_files_name_that_work(monkeypatch):
    """'veterinary technicians' beside clinic groups: the interviews that name no company and
    whose files say "vet-tech-study"; the accounts whose files say "veterinary" are not them, and
    workers no study file names scope nothing."""
    from agent.qa import scope
    from agent.qa.index import DocRow, DocumentIndex

    rows = [
        DocRow("t1", "transcript", "Cedar Ridge", "t/2026-08-11_cedar-ridge-veterinary.vtt", None),
        DocRow(
            "d1", "deal", "Sunny Acres", "deals/2026-10-02_sunny-acres-veterinary_lost.md", None
        ),
        DocRow("p1", "transcript", None, "t/2026-10-07_vet-tech-study_P1.txt", None),
        DocRow("p2", "transcript", None, "t/2026-10-08_vet-tech-study_P2.txt", None),
    ]
    monkeypatch.setattr(scope, "document_index", lambda workspace: DocumentIndex(rows))
    asked = "What would veterinary technicians need from a tablet app to use it mid-shift?"
    found = scope.question_scope(asked, workspace=None)
    assert (found.doc_ids, found.reason) == ({"p1", "p2"}, "study")
    drivers = "What would veterinary drivers need from a tablet app?"
    assert scope.question_scope(drivers, workspace=None).doc_ids is None


def test_a_tier_word_before_a_group_names_the_segments_of_that_tier():
    """ "core legal teams", "mid-market (core) accounts": the core segments; "core features",
    "the core problem" or a noun's modifier ("university core facilities") name none."""
    from types import SimpleNamespace

    from agent.qa.scope import segments_named

    core = SimpleNamespace(name="Software, 201–1000 employees", accounts=["a"], tier="core")
    other = SimpleNamespace(name="Education, 1001+ employees", accounts=["b"], tier="selective")
    draft = SimpleNamespace(segments=[core, other])
    for asked in (
        "What do core legal teams want from us?",
        "How many of the interviewed mid-market (core) accounts describe intercompany?",
        "Which ERP systems do FieldCrew's core HVAC customers run?",
        "Why do core data teams start looking?",
    ):
        assert segments_named(asked, draft)[0] == [core], asked
    for asked in (
        "Which core features matter most?",
        "What is the core problem?",
        "Why do university core facilities and teaching labs not buy?",
    ):
        assert segments_named(asked, draft)[0] != [core], asked


def test_choosing_another_vendor_asks_for_loss_reasons_and_not_staying_for_churn():
    from agent.qa.intent import intent_kinds

    assert "loss_reason" in intent_kinds("Why did Canopy Analytical choose another vendor?")
    assert "loss_reason" in intent_kinds("Why did they pick someone else?")
    assert "churn_reason" in intent_kinds("Why do teaching labs not buy or not stay?")
    assert "loss_reason" not in intent_kinds("Which tools did they choose?")


def test_a_count_over_conversations_never_counts_survey_answers():
    """ "6 of 5 accounts": the total counts the interviews and notes in scope, so a survey
    answer is not counted beside them; a survey-only workspace counts its respondents."""
    from types import SimpleNamespace

    from agent.qa.counts import counted
    from agent.qa.units import ACCOUNTS, Unit

    def said(account, kind):
        return SimpleNamespace(
            unit=Unit(ACCOUNTS, account.lower(), account),
            role="customer",
            source_kind=kind,
            text="Detention charges get paid without anyone checking.",
            score=0.9,
        )

    found = [said("Ridgeline", "transcript"), said("Ashgrove", "survey")]
    assert set(counted(found, "detention charges paid", ACCOUNTS)) == {"ridgeline"}
    assert set(counted(found, "detention charges paid", ACCOUNTS, surveys=True)) == {
        "ridgeline",
        "ashgrove",
    }


def test_a_negation_after_the_group_is_no_part_of_who_is_asked_about():
    from agent.qa.followups import subject_of

    asked = "Why did very small shippers not buy the product or leave it?"
    assert subject_of(asked) == "very small shippers"
    assert subject_of("Why do trial teams stall?") == "trial teams"


def test_people_before_at_say_their_job_and_the_companies_after_it_their_industry():
    from agent.qa.index import DocRow
    from agent.qa.scope import industry_accounts

    crm = [
        DocRow("c1", "crm", None, "crm.csv", None, industry="financial_services", crm_name="A"),
        DocRow("c2", "crm", None, "crm.csv", None, industry="manufacturing", crm_name="B"),
    ]
    asked = "Why do finance teams at multi-entity manufacturers start looking for a close tool?"
    assert industry_accounts(asked, crm)[0] == {"B"}
    assert industry_accounts("Why do finance companies start looking?", crm)[0] == {"A"}


def test_which_tools_accounts_run_is_answered_from_their_stacks(tmp_path, icp, embedder):
    """ "Which accounting systems do X run?" lists each tool with the accounts that run it,
    from the CRM's stack columns and what customers said they use; a tool they left is not
    theirs, accounts with no tool of the kind are counted as unknown, and a kind of tool the
    lexicon has no category for ("instrument software") is left to retrieval."""
    from helpers import write

    from agent.qa.stack import stack_question

    write(
        tmp_path / "r" / "crm" / "accounts.csv",
        "Account Name,Industry,Employees,Tech Stack\n"
        "Alder Roofing,Roofing,80,QuickBooks Online; Samsara\n"
        "Birch Roofing,Roofing,60,Sage Intacct / Excel\n"
        "Cedar Roofing,Roofing,40,\n"
        "Dune Foods,Food Production,900,SAP S/4HANA\n",
    )
    write(
        tmp_path / "r" / "transcripts" / "2026-05-02_cedar-roofing.txt",
        "Interviewer: What do you run the business on?\n"
        "Dana (Cedar Roofing): Billing is QuickBooks Online, and the crews' trucks have Geotab "
        "for GPS.\n"
        "Interviewer: Anything else?\n"
        "Dana (Cedar Roofing): We looked at Sage Intacct last year but it was too much.\n",
    )
    assert icp("ingest", tmp_path / "r", "-w", tmp_path / "ws")[0] == 0
    assert icp("extract", "-w", tmp_path / "ws")[0] == 0
    workspace = Workspace(tmp_path / "ws", embedder.name)
    try:

        def ask(question: str):
            return answer_question(question, workspace, offline(tmp_path / "ws"), embedder)

        books = ask("Which accounting systems do the roofing companies run?")
        assert books.mode == "aggregate", books.text
        assert "of the 3 accounts" in books.text, books.text
        assert "2 run QuickBooks (Alder Roofing, Cedar Roofing)" in books.text, books.text
        assert "1 runs Sage Intacct (Birch Roofing)" in books.text, books.text  # not Cedar's
        assert "SAP" not in books.text  # Dune Foods is no roofing company
        quoted = " ".join(c.quote for c in books.citations)
        assert "Billing is QuickBooks Online" in quoted  # the customer's words first
        assert "Tech Stack: QuickBooks Online; Samsara" in quoted  # then the CRM row's line
        fleet = ask("Which GPS or telematics systems do the roofing companies run?")
        assert "1 runs Samsara (Alder Roofing)" in fleet.text, fleet.text
        assert "1 runs Geotab (Cedar Roofing)" in fleet.text, fleet.text
        assert "does not say for 1" in fleet.text, fleet.text
        erp = ask("Which ERP systems do food producers use?")
        assert "1 runs SAP S/4HANA (Dune Foods)" in erp.text, erp.text  # "S/4HANA" is one tool
    finally:
        workspace.close()
    assert stack_question("Which instrument software do labs need us to connect to?") is None
    assert stack_question("Which tools do they want next year?") is None
    assert stack_question("What problems do they have?") is None
    assert stack_question("What CRM do our customers use?") == {"crm"}
    assert stack_question("Which other tools do they use?") == set()


def test_a_deal_notes_reasons_come_before_how_the_deal_came_in(tmp_path, icp, embedder):
    """A rep's write-up opens with how the deal came in and was processed; the sentences that
    give a reason answer "why" first, and the administration is never quoted as a reason."""
    from helpers import write

    write(
        tmp_path / "r" / "deals" / "2026-09-12_juniper-sweeps_lost.md",
        "---\naccount: Juniper Sweeps\noutcome: lost\n---\n"
        "Inbound from the August webinar; cancellation of the trial processed Sep 12. "
        "Her office manager requested a demo after the county added a permit rule. "
        "Owner-operator, one van, based near Tucson, mostly homes and two cafes.\n\n"
        "Lost on price: Rosa said $90 a month is what she pays for the van insurance. "
        "She keeps every job in a paper diary and her customers text her.\n",
    )
    answer = _ingest_and_ask(tmp_path, icp, embedder, "Why did we lose Juniper Sweeps?")
    assert answer.answered, answer.text
    quoted = [c.quote for c in answer.citations]
    assert "Lost on price" in quoted[0], quoted
    assert not any(w in q for q in quoted for w in ("webinar", "processed", "demo")), quoted


def test_a_count_never_counts_what_another_company_does_or_might_do():
    from agent.qa.counts import counted

    found = counted(
        [
            _said("Our office types every ticket in at night.", "Alder", "alder.txt"),
            _said(
                "My cousin works for a big firm and he says their office types tickets at night.",
                "Birch",
                "birch.txt",
            ),
            _said(
                "If the state ever audits me, I'll wish we typed tickets in.", "Cedar", "cedar.txt"
            ),
            _said(
                "Back when I was at Northwind they typed every ticket in at night.",
                "Dogwood",
                "dogwood.txt",
            ),
        ],
        "office typing tickets at night",
    )
    assert [c.account for c in found.values()] == ["Alder"]


def test_a_group_named_by_what_only_its_accounts_talk_about_is_that_segment():
    """'mosquito control districts', filed under government and environmental services: the
    words of the question that only a segment's accounts' research says name that segment;
    a word many accounts say, or words that pick no whole segment, name nobody."""
    from types import SimpleNamespace

    from agent.qa.scope import _said_only_by_a_segment

    said = {
        "mosquito": {"Delta District", "Kettle MAD"},
        "districts": {"Delta District"},
        "control": {"Alder Pest", "Birch Pest", "Cedar Pest", "Delta District"},
        "larvicide": {"Kettle MAD"},
    }
    catalog = SimpleNamespace(
        term_accounts=lambda w, limit: set(sorted(said.get(w, set()))[:limit])
    )
    workspace = SimpleNamespace(catalog=catalog)
    districts = SimpleNamespace(
        name="Government, 1–50 employees", accounts=["Delta District", "Kettle MAD"]
    )
    pests = SimpleNamespace(
        name="Pest Control", accounts=["Alder Pest", "Birch Pest", "Cedar Pest"]
    )
    draft = SimpleNamespace(segments=[pests, districts])
    found = _said_only_by_a_segment(
        "What is different about mosquito control districts as customers?", workspace, draft
    )
    assert found is not None and found[0] == {"Delta District", "Kettle MAD"}
    assert _said_only_by_a_segment("Why do larvicide buyers churn?", workspace, draft) is None
    assert _said_only_by_a_segment("Why do pest control firms buy?", workspace, draft) is None


@pytest.mark.parametrize(
    "question, numbers",
    [
        ("How many accounts in segment 2 mention lead times?", [2]),
        ("what do segments 1 and 3 say about pricing?", [1, 3]),
        ("Why does Segment #1 churn?", [1]),
        ("how many accounts in segment 4 mention pricing?", []),  # the document has three
        ("what do companies in the segment 1-10 employees say?", []),  # a size band
        ("what do companies in segment 11–50 say?", []),
        ("what do segment 1 to 10 employee shops say?", []),
    ],
)
def test_a_segment_named_by_its_number_is_the_documents_segment(question, numbers):
    from types import SimpleNamespace

    from agent.qa.scope import segments_named

    draft = SimpleNamespace(
        segments=[
            SimpleNamespace(name=name, tier=tier, accounts=[f"{name} Co"], hypothesis=False)
            for name, tier in [("Alpha", "core"), ("Beta", "adjacent"), ("Gamma", "selective")]
        ]
    )
    segments, label, _ = segments_named(question, draft, with_accounts=True)
    if numbers:
        assert segments == [draft.segments[n - 1] for n in numbers]
        assert label.startswith(f"Segment {numbers[0]} ({draft.segments[numbers[0] - 1].name})")
    else:
        assert not label.startswith("Segment")


def test_a_question_for_no_kind_of_evidence_needs_a_sentence_close_in_meaning(
    tmp_path, icp, embedder
):
    """ "What payment terms or credit-card processing do printers use?" on research that says
    "a credit union" and "longer term" shares words with it and answers nothing: a question
    that asks for no kind of evidence (no trigger, objection, pain …) and no reason is refused
    unless one of the closest sentences is close in meaning. A question asking why is answered
    in the reason's own words and is not held to it."""
    with _interview(
        tmp_path,
        icp,
        embedder,
        "Interviewer: Tell me about the shop.\n"
        "Participant: Third-generation family printer, about 280 people.\n"
        "Participant: In August we printed twelve thousand pieces for a credit union off a "
        "proof that hadn't been approved.\n"
        "Participant: Then, longer term, real job costing, so I know which customers make us "
        "money.\n"
        "Participant: The reprint cost us four thousand dollars and nobody charged it to the "
        "job.\n",
    ) as workspace:
        settings = offline(tmp_path / "ws")
        far = answer_question(
            "What payment terms or credit-card processing do printers use with their customers?",
            workspace,
            settings,
            embedder,
        )
        assert not far.answered and far.text.startswith("Not enough evidence")
        close = answer_question(
            "What happened with the credit union job?", workspace, settings, embedder
        )
        assert close.answered and "credit union" in close.text
        # no sentence is that close to it (0.40), but a reason is said in its own words
        why = answer_question(
            "Why does the family shop care about proofs?", workspace, settings, embedder
        )
        assert why.answered and "proof" in why.text


def test_a_sentence_read_as_the_kind_asked_for_under_its_threshold_ranks_higher(workspace):
    """'We had a DEA inspection in June…', read as a trigger at 0.50 (kept for audit, not shown),
    is a passage sentence of a "what pushes them to replace it now" question: it scores half
    the intent bonus, as does "The trigger was …"; a sentence read as another kind, or as
    nothing, is left as it is."""
    from types import SimpleNamespace

    from agent.qa.candidates import INTENT_BONUS, add_read_kind

    stored = workspace.catalog.evidence()
    one, kind = stored[0].doc_id, stored[0].kind.value
    spans = workspace.catalog.evidence_spans([one], [kind])
    assert sorted(spans) == sorted(
        (e.doc_id, e.start, e.end) for e in stored if e.doc_id == one and e.kind.value == kind
    )
    assert workspace.catalog.evidence_spans([], [kind]) == []

    read = [("d", 0, 40, "trigger"), ("d", 50, 90, "objection")]
    catalog = SimpleNamespace(
        evidence_spans=lambda doc_ids, kinds: [
            (d, a, b) for d, a, b, k in read if d in doc_ids and k in kinds
        ]
    )
    fake = SimpleNamespace(catalog=catalog)
    trigger = _candidate("We had a DEA inspection at our clinic in June.", "A", 0.5, kind=None)
    other = _candidate("My concern is that most software is built for day clinics.", "A", 0.5, None)
    nothing = _candidate("We run six clinics around Columbus.", "A", 0.5, kind=None)
    for candidate, (start, end) in ((trigger, (0, 40)), (other, (50, 90)), (nothing, (100, 140))):
        candidate.doc_id, candidate.start, candidate.end = "d", start, end
    said = _candidate(
        "The trigger was buying two marinas in Beaufort in the spring.", "B", 0.5, None
    )
    said.doc_id, said.start, said.end = "e", 0, 60
    add_read_kind([trigger, other, nothing, said], fake, {"trigger"})
    assert trigger.score == pytest.approx(0.5 + INTENT_BONUS / 2)
    assert other.score == nothing.score == 0.5
    # what it is, said in the words of a question for that kind
    assert said.score == pytest.approx(0.5 + INTENT_BONUS / 2)


def test_accounts_a_question_describes_by_how_many_places_they_run():
    """ "multi-location" and "single-location" read the CRM's count of locations when it has
    one for most accounts; without it, one place is the smallest size band and "multi-site"
    narrows nothing by itself."""
    from agent.qa.described import described_accounts
    from agent.qa.index import DocRow

    def row(name: str, band: str, locations: int | None) -> DocRow:
        return DocRow(
            name,
            "crm",
            name,
            "crm.csv",
            None,
            "death_care",
            name,
            None,
            "Death Care",
            band,
            locations,
        )

    crm = [
        row("Harrowgate Memorial Group", "51-200", 11),
        row("Ardent Rest Partners", "201-500", 22),
        row("Meridian Lane Funeral Group", "11-50", 5),
        row("Dunmore & Sons Funeral Home", "1-10", 1),
        row("Kettleby Funeral Chapel", "1-10", 1),
        row("Hollis Creek Memorial Park", "11-50", 1),
        row("Larchmont Health", "5001+", None),
    ]

    def found(subject: str, rows=crm) -> set[str] | None:
        described = described_accounts(subject, rows)
        return None if described is None else described.accounts

    assert found("multi-location groups") == {
        "Harrowgate Memorial Group",
        "Ardent Rest Partners",
        "Meridian Lane Funeral Group",
    }
    # a size band would have left out Meridian Lane (11-50) and kept nobody's one home apart
    assert found("single-location homes") == {
        "Dunmore & Sons Funeral Home",
        "Kettleby Funeral Chapel",
        "Hollis Creek Memorial Park",
    }
    assert found("multi site operators") == found("multi-location groups")
    unknown = [
        DocRow(
            r.doc_id,
            "crm",
            r.account,
            "crm.csv",
            None,
            r.industry,
            r.crm_name,
            None,
            r.industry_raw,
            r.size_band,
        )
        for r in crm
    ]
    assert found("single-location homes", unknown) == found("very small homes", unknown)
    assert found("multi-location groups", unknown) is None


def test_the_group_of_a_question_ends_before_more_verbs_of_research():
    from agent.qa.followups import subject_of

    assert (
        subject_of("Why did single-location family funeral homes turn Benchwell down or cancel it?")
        == "single-location family funeral homes"
    )
    assert subject_of("Why do small clinics cancel after the trial?") == "small clinics"
    assert subject_of("How many removal technicians photograph forms on their phone?") == (
        "removal technicians"
    )


def test_a_count_reads_the_topic_across_an_answer_and_its_question(tmp_path, icp, embedder):
    """ "How many … count deliveries on paper or a clipboard?": "I check it in on a clipboard",
    answering "What does a delivery day look like?", says it (sprigline's receiving clerk was
    left out: the sentence never says "delivery"). The question alone says nothing: an answer
    must say what sets the topic apart."""
    from agent.qa.counts import counted

    answered = _candidate("I check it in on a clipboard and then my manager types it in.", "A", 0.3)
    answered.asked = "What does a delivery day look like?"
    unasked = _candidate("I keep a clipboard for the fridge temperatures.", "B", 0.3)
    unasked.asked = "How do you log temperatures?"
    echoed = _candidate("Yeah, that's how it goes most weeks, honestly.", "C", 0.3)
    echoed.asked = "Do you count deliveries on a clipboard?"
    found = counted([answered, unasked, echoed], "deliveries on paper or a clipboard")
    assert set(found) == {answered.unit.key}

    with _interview(
        tmp_path,
        icp,
        embedder,
        "Researcher: What does a delivery day look like?\n",
        "Kim: Chaos. I check it in on a clipboard and then my manager types it in later.\n",
        "Researcher: And dead plants?\n",
        "Kim: We toss them at the end of the month and nobody knows why the numbers are off.\n",
    ) as workspace:
        from agent.qa.candidates import gather

        pool = gather(
            "count deliveries on a clipboard",
            workspace,
            embedder,
            None,
            set(),
            {"deliveri", "clipboard"},
            {"deliveri", "clipboard"},
            "participants",
            answering=False,
        )
        clipboard = next(c for c in pool.candidates if "clipboard" in c.text)
        assert clipboard.asked == "What does a delivery day look like?"


def test_an_open_question_about_a_studys_people_is_answered_from_the_study(tmp_path, icp, embedder):
    """ "What problems did UX-study participants have …?" in research that also holds account
    interviews: the study's files are searched alone. When fewer than two of its sentences came
    up among every account's, accounts' sentences answered beside them (quillmark's UX
    question quoted an audit finding and a late grant report)."""
    from helpers import write

    for n, said in (
        (1, "In the prototype the status colours were hard to read, overdue looks like pending."),
        (2, "I mostly use the search box, it found every order I typed."),
    ):
        write(
            tmp_path / "r" / f"2026-10-1{n}_ux-study_P{n}.txt",
            f"Moderator: Here is the prototype. What do you see?\nP{n}: {said}\n"
            f"Moderator: Anything else?\nP{n}: The search worked fine for me, honestly.\n",
        )
    for n, name in enumerate(("Kestrel Logistics", "Harbor Foods", "Pine Freight"), start=1):
        write(
            tmp_path / "r" / f"2026-09-0{n}_{name.split()[0].lower()}_ops.txt",
            f"Interviewer: What problems did you see in the prototype we showed {name}?\n"
            "Dana: The problem with the prototype is the status colours, overdue looks like pending.\n"
            "Interviewer: Anything else?\nDana: Exporting the rota to payroll is a problem every week.\n",
        )
    answer = _ingest_and_ask(
        tmp_path,
        icp,
        embedder,
        "What problems did UX-study participants have with the prototype?",
    )
    assert answer.answered, answer.text
    assert answer.citations
    assert all("ux-study" in c.source for c in answer.citations), answer.text
