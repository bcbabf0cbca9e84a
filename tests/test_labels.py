"""Words for people (agent/render/labels.py): what the Markdown, the HTML and the page say
instead of internal names."""

from __future__ import annotations

import datetime as dt

from agent.render import labels
from agent.render.outline import words


def test_plurals_ranges_and_names():
    assert labels.plural(1, "account") == "1 account"
    assert labels.plural(2, "segment") == "2 segments"
    assert labels.plural(0, "account") == "0 accounts"
    assert labels.fix_plurals("only 1 account(s) with evidence, 3 source(s)") == (
        "only 1 account with evidence, 3 sources"
    )
    assert labels.employees(80, 80) == "80 employees"
    assert labels.employees(80, 1200) == "80–1,200 employees"
    assert labels.size_band("201-500") == "201–500 employees"
    assert labels.size_band("5000+") == "5,000+ employees"
    assert labels.role("end_user") == "End user"
    assert labels.title("REPS") == "Reps" and labels.title("VP Sales") == "VP Sales"
    assert labels.industry("wholesale_distribution") == "Wholesale & Distribution"
    assert labels.industry("underwater_basket_weaving") == "Underwater basket weaving"
    assert labels.source_kind("win_loss") == "Win/loss notes"
    assert labels.source_kind("win_loss", 1) == "1 win/loss note"
    assert labels.source_kind("crm", 19) == "19 CRM accounts"
    assert labels.score_block("buying_likelihood") == "Buying likelihood"
    assert labels.money_range(33_000, 33_000) == "$33k"


def test_dates_and_engine_in_words():
    assert labels.date(dt.datetime(2026, 12, 4, 17, 27)) == "4 Dec 2026, 17:27 UTC"
    assert labels.date(dt.date(2027, 3, 4)) == "4 Mar 2027"
    assert labels.date("2026-12-04T17:27:00+00:00") == "4 Dec 2026, 17:27 UTC"
    assert "offline" not in labels.engine("offline").split()[0]
    assert "no language model" in labels.engine("offline")


def test_generated_sentences_lose_internal_names():
    assert words("industry is wholesale_distribution") == "industry is Wholesale & Distribution"
    assert words("3 segment(s), engine: offline") == "3 segments, read offline (no language model)"
    assert words("only win_loss evidence") == "only win/loss notes evidence"


def test_citations_never_show_an_email_address():
    citer = labels.Citer()
    assert citer.who("d1", "Brookfield Tooling", "dana@brookfield.com") == "Brookfield Tooling"
    assert citer.who("d2", None, "dana@brookfield.com") == "respondent 1"
    assert citer.who("d3", None, None) == "respondent 2"
    assert citer.who("d2", None, "dana@brookfield.com") == "respondent 1"  # stable per document
    assert citer.who("d4", None, "Priya Nair") == "Priya Nair"
    assert labels.without_emails("write to a.b@c.io now") == "write to [e-mail] now"


def test_a_quantity_alone_names_nothing_even_abbreviated():
    from agent.synthesize.labels import names_nothing

    assert names_nothing("70 min") and names_nothing("2 hrs")
    assert names_nothing("Six hours") and names_nothing("20 minutes")
    assert names_nothing("10 hours a week merging reports") is None


def test_a_quote_from_bold_notes_reads_without_its_markers():
    from agent.render.labels import industry
    from agent.textspans import quote_text, split_sentences

    assert (
        quote_text("Michelle Okoro, Director of Utilities** – economic buyer, signed.")
        == "Michelle Okoro, Director of Utilities – economic buyer, signed."
    )
    text = "- **Failed state audit.** State DEQ did a records inspection in Feb 2026."
    assert [text[a:b] for a, b in split_sentences(text)][-1] == (
        "State DEQ did a records inspection in Feb 2026."
    )
    assert industry("Private/IOU") == "Private/IOU" and industry("software_saas") != "software_saas"


def test_a_headline_never_drops_the_negation_of_its_statement():
    from agent.synthesize.labels import describe

    label = describe([["Didn't pitch meter features at all."]])[0].label
    assert label.lower() != "pitch meter features" and "meter features" in label.lower()
    assert describe([["We never get the lot numbers back from the co-packer."]])[
        0
    ].label.startswith("Never")
    said = (
        "Same company, same week, and I couldn't move labour between them because I couldn't "
        "see it."
    )
    assert describe([[said]])[0].label == "Not moving labour"


def test_a_denial_whose_auxiliary_went_reads_not():
    from agent.synthesize.labels import theme_labels

    labels = theme_labels(
        [
            ["Last Q4 we pushed bookings into January because the paperwork wasn't countersigned."],
            ["Some recs for the new carriers weren't reviewed, or there was no evidence."],
        ],
        "pain",
    )
    assert labels == ["Paperwork not countersigned", "Recs for new carriers not reviewed"]


def test_an_adjective_after_a_verb_that_takes_one_ends_a_headline_that_reads():
    """'Lie awake', 'sit idle', 'fall short': the adjective says how the subject is, no noun
    went; the headline reads and is preferred to a moment alone ('Thursday night')."""
    from agent.synthesize.labels import describe, ill_formed

    assert ill_formed("Stop lying awake") is None and ill_formed("Trucks sit idle") is None
    assert ill_formed("Deliveries fall short") is None and ill_formed("Only catches big")
    quote = (
        "I want to stop lying awake on Thursday night checking the forecast before the "
        "Friday order."
    )
    assert describe([[quote]], "job")[0].label == "Stop lying awake"


def test_a_share_told_after_its_or_there_are_keeps_what_the_counted_ones_do():
    """ "It's one in ten orders that has a price mismatch" was headed "One in 10 orders" in the
    bundled sample: after "it's" or "there are", the relative clause is the point. A relative
    clause after a thing wished for or a subject stays cut ("One attendance policy")."""
    from agent.synthesize.labels import describe

    said = "It's, it's one in ten orders that has a price mismatch."
    assert describe([[said]], "pain")[0].label == "One in 10 orders has a price mismatch"
    half = "There are maybe half the jobs that come back with a wrong proof."
    assert describe([[half]], "pain")[0].label == "Half jobs coming back with a wrong proof"
    wished = "I want one attendance policy that actually behaves like one policy in all buildings."
    assert describe([[wished]], "job")[0].label == "One attendance policy"


def test_an_event_in_progress_is_named_as_the_event():
    """ "We were migrating from Infor VISUAL to Infor CloudSuite Industrial, SyteLine, and …" was
    headed "Infor CloudSuite Industrial" in the bundled sample: every cut of the clause was a
    run of the quote's own words. Named as the event it is no longer a copy, and "migrating"
    in the quote supports "Migration"."""
    from agent.synthesize.labels import describe

    said = (
        "We were migrating from Infor VISUAL to Infor CloudSuite Industrial, SyteLine, and the "
        "consultant told us point-blank that Gary's database wasn't coming with us."
    )
    assert describe([[said]], "trigger")[0].label == "Migration from Infor VISUAL"


def test_a_headline_that_no_longer_reads_is_never_preferred_and_held_back_alone():
    from agent.synthesize.labels import describe, ill_formed, names_nothing

    assert ill_formed("Only catches big") and ill_formed("Spent of Friday on it")
    assert ill_formed("Expected interval it guessing 25 hours")
    assert ill_formed("Open one screen on day 3 and see") and ill_formed("Skincare brand decided")
    assert ill_formed("Them to see we closed 4 thousand work orders")
    assert ill_formed("Only have what 4–5 feeds")
    assert ill_formed("Is why in data set") and ill_formed("Thinking what going to happen")
    assert ill_formed("Don't know how you putting there in paper")
    assert ill_formed("Latency program not such a big")
    assert ill_formed("Reduce time that people spend to figure") and names_nothing("2 steps")
    assert ill_formed("Bank recs used") and ill_formed("Reasons I not bring")
    assert ill_formed("Insurance carrier did audit in September and flagged")
    assert ill_formed("Half of them done and nobody closed")
    assert ill_formed("Night in July guy swapped out and nobody")
    assert ill_formed("Amundsen who's one top 5 accounts cancel")  # a relative clause cut
    for fine in (
        "Somebody drags a cell and formulas break",
        "Getting certified and scheduled",
        "Totals are wrong",
        "Pricing gets confusing",
        "Building it by hand",
        "Look bigger",
        "Use Excel for rebates",
        "I do not trust totals",
        "Customers who switched carriers",
        "See who's under 40",
    ):
        assert ill_formed(fine) is None, fine
    spent, planners = describe(
        [
            ["The invoice thing, I spent most of a Friday on it, like six hours, just tracing it."],
            ["(laughs) I'd guess the planners spend five hours a week rebuilding stuff we have."],
        ],
        "pain",
    )
    assert spent.label.startswith("Spent most of Friday") and spent.vague is None
    assert planners.label.startswith("Planners spend 5 hours a week")
    (interval,) = describe([["Expected interval it's guessing 25 hours."]], "pain")
    assert "it guessing" not in interval.label


def test_clauses_joined_by_commas_are_cut_where_a_new_subject_and_verb_begin():
    from agent.synthesize.labels import clauses, theme_labels, tokens

    parts = clauses(tokens("dbt ran fine, dagster was green, the table was just stale."))
    assert [" ".join(t.low for t in p) for p in parts][-1] == "the table was stale"
    assert len(parts) == 3
    quote = (
        "Because the usage events table had stopped updating four days before the invoice run, "
        "and nothing told us. dbt ran fine, dagster was green, the table was just stale."
    )
    assert theme_labels([[quote]], "pain") == ["Usage events table stopped updating 4 days"]
    kept = clauses(tokens("Renewal alerts on vendor contracts, sent to whoever owns the budget."))
    assert len(kept) == 1


def test_lets_say_is_a_hedge_however_transcribed():
    from agent.synthesize.labels import theme_labels

    assert theme_labels([["The overall prediction, let say, is good for the model."]], "pain") == [
        "Overall prediction is good for model"
    ]


def test_an_aside_after_which_and_has_to_do_with_never_run_into_a_headline():
    from agent.synthesize.labels import theme_labels

    assert theme_labels(
        [["They score them in a Google Form, which dumps into a sheet."]], "workaround"
    ) == ["Scoring them in Google Form"]
    (label,) = theme_labels(
        [
            [
                "that has to do with the way that the data is collected, which is people respond whenever."
            ]
        ],
        "pain",
    )
    assert "do with" not in label and "people" not in label, label
    # "which" after a verb asks a question; it is no relative clause to cut
    assert theme_labels([["Nobody knows which ones are real."]], "pain") != ["Nobody knows"]


def test_a_group_of_participants_is_named_by_a_headline_that_reads(tmp_path, embedder):
    """The top theme names a group of participants only if its headline still reads; else the
    best one that does."""
    import sys
    from pathlib import Path as P

    sys.path.insert(0, str(P(__file__).parent))
    from synthetic_research import evidence_in, inputs, transcript

    from agent.schema import EvidenceKind
    from agent.synthesize.labels import reads
    from agent.synthesize.pipeline import synthesize

    garbled = "Reasons I might not, uh, bring here."  # compresses to "Reasons I not bring"
    said = {
        1: [garbled, "Our nightly exports fail and nobody notices until Monday."],
        2: [garbled, "The nightly exports fail silently."],
        3: [garbled],
    }
    docs, evidence = [], []
    for number, lines in said.items():
        doc = transcript(tmp_path, f"Interview {number}.txt", lines)
        docs.append(doc)
        evidence.extend(evidence_in(doc, line, EvidenceKind.pain) for line in lines)
    draft = synthesize(inputs(docs, evidence, embedder), embedder.embed)
    (segment,) = draft.segments
    labels = [c.label for c in segment.pains]
    assert any(not reads(label) for label in labels), labels
    assert "Reasons I not bring" not in segment.name and "export" in segment.name.lower()


def test_halves_are_numbers_and_a_range_is_never_cut_after_its_from():
    """'a day and a half' is 1.5 days, never 'a day' (cut at 'and'); a headline that keeps
    'from 5 days' keeps where it went to, or leaves the range out."""
    from agent.synthesize.labels import describe

    labels = [
        describe([[quote]], "pain")[0].label
        for quote in (
            "We spend an hour and a half every morning on the schedule.",
            "It takes two and a half weeks to onboard a rep.",
            "Average quote turnaround went from about five days to a day and a half.",
        )
    ]
    assert labels[0].startswith("Spending 1.5 hours"), labels
    assert "2.5 weeks" in labels[1], labels
    assert "from about 5 days" not in labels[2] or "to 1.5 days" in labels[2], labels
    (closed,) = describe([["Our close went from twelve days to eight days."]], "outcome")
    assert closed.label.endswith("from 12 days to 8 days"), closed.label


def test_a_cut_never_leaves_a_second_clause_broken():
    from agent.synthesize.labels import _trim

    def cut(text: str) -> str:
        return " ".join(_trim(text.split()))

    # the cut falls inside "and took (the spreadsheet)": the broken conjunct goes whole
    assert cut("the scheduler in Louisville left in June and took the whole spreadsheet") == (
        "the scheduler in Louisville left in June"
    )
    assert cut("the rep builds the opportunity in Salesforce and emails the PDF to legal") == (
        "the rep builds the opportunity in Salesforce"
    )
    # a conjunct that ends on a noun stands
    assert cut("seeing all eighty-five techs and all open calls on one board") == (
        "seeing all eighty-five techs and all open calls"
    )


def test_the_month_may_is_no_modal():
    from agent.synthesize.labels import compress, tokens

    words = tokens("then our audit in May flagged the missing prep log")
    assert [t.tag for t in words if t.text == "May"] == ["NNP"]
    assert any("May" in variant for variant in compress(words, "trigger"))
    assert [t.tag for t in tokens("we may need a second site")][1] == "MD"
