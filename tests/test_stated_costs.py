"""Quantities (issue #13, item 7): a cost is shown only when its number and unit are read
correctly from a quote the reader sees; otherwise the quote stands alone."""

from __future__ import annotations

import pytest

from agent.extract.quantities import find_quantities, impact, stated_cost
from agent.schema.icp import Claim, EvidenceRef
from agent.synthesize.costs import show_stated_cost
from agent.textspans import split_sentences


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Rolling it out took six months, start to finish.", (6, "months", None)),
        ("Onboarding a new agent takes us about three weeks.", (3, "weeks", None)),
        ("We lose about six hours a week reconciling quotes.", (6, "hours", "week")),
        ("Pulling the samples took us about three hundred hours.", (300, "hours", None)),
        ("I bet I lose five hundred dollars a month in parts.", (500, "usd", "month")),
        ("If that number comes down by forty grand, it pays for itself.", (40000, "usd", None)),
        ("About four thousand a month, and that's conservative.", (4000, "usd", "month")),
        (
            "Four analysts get through about one and a half percent of contacts.",
            (1.5, "percent", None),
        ),
        ("I'd guess thirty patients a week show up at the wrong clinic.", (30, "patients", "week")),
        ("Putting in a ticket with IT, and that takes a week.", (1, "weeks", None)),
        ("The contractor alone costs us 40k a year.", (40000, "usd", "year")),
        ("We spend 5K per month on overtime for it.", (5000, "usd", "month")),
        # a day of the week over a period is that many days, not "1 months"
        ("My managers basically lose a Sunday a month to it.", (1, "days", "month")),
        ("We give up two Saturdays a month to the count.", (2, "days", "month")),
        # a period after a new clause is not the amount's: not "2 weeks a quarter"
        (
            "He left with about two weeks' notice and we spent a quarter rebuilding the files.",
            (1, "quarters", None),
        ),
        ("It took two weeks and we lost a client a month later.", (2, "weeks", None)),
        # a cost above a sum is still a cost; a sentence opening with 'Off-' states no discount
        ("Our overtime is over $40k a month.", (40000, "usd", "month")),
        ("Off-spec product is about nine percent of every run.", (9, "percent", None)),
    ],
)
def test_stated_cost_reads_the_number_and_unit_as_said(sentence, expected):
    cost = stated_cost(sentence)
    assert cost is not None and (cost.amount, cost.unit, cost.period) == expected
    assert cost.text in sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Managers spend 6-10 hours a week on reviews.",  # a range is not one number
        "Fix rate went up from seventy-one to eighty percent.",  # a change, not a level
        "It's about tickets from three weeks ago.",  # a date
        "We don't know if we'll have the client in six months.",  # a time, not an effort
        "The time splits across two days in a weird way.",  # no effort or wait
        "A couple of times a week someone complains.",  # 'a week' is the rate's period
        "We have three branches and ten techs.",  # head counts are not costs
        "It takes a few hours, sometimes a day.",  # vague, and two different numbers
        "Anything big goes through a formal RFP, and that takes about ninety days.",  # buying
        "Three percent or whatever it is.",  # the speaker does not stand by it
        "We lost a whole delivery on a Sunday.",  # a day in the calendar, not an amount
        "We had six hundred bills sitting unkeyed at one point.",  # 'at one point': a moment
        "Apprentices get paid at a percentage of the full rate.",  # no '1 percent' in it
        "(Side note: two sites lost power for a day.)",  # an aside, not the customer
        "A year ago we hired a new VP of Sales.",  # when, not how long
        "Once a year the auditors come in.",  # how often, not how long
        # a spoken decimal was read as "1 points"
        "Last Q4 we pushed one point two million in bookings into January.",
        "About two hundred messages a day across the six clinics.",  # a volume of work
        "There's maybe forty intercompany balances a month.",  # the size of the job
        # how long one piece of work is, not what a problem costs
        "And the install side, it's project-based — a job takes three days, it's got permits.",
        # a buying threshold or the size of a piece of work, not a cost
        "Our CFO signs anything over fifty grand.",
        "Every order over $1,200 needs a second signature.",
        "Most repairs are under three hundred bucks.",
        # a percentage that is a term or a state, not a cost
        "The techs are on commission, twenty-five percent of the labour.",
        "The lot is ninety-four percent occupied most of the summer.",
        "We gave them 30% off the first year.",
        "Their contract caps increases at three percent.",
    ],
)
def test_no_cost_when_a_single_number_would_misread_the_quote(sentence):
    assert stated_cost(sentence) is None


def test_rates_and_spoken_numbers_are_read_whole():
    assert [(q.amount, q.unit, q.period) for q in find_quantities("six hours a week")] == [
        (6, "hours", "week")
    ]
    assert impact("a hundred and eighty dollars") is not None
    assert impact("a hundred and eighty dollars").amount == 180  # type: ignore[union-attr]
    assert impact("sixty-something calls a day").amount == 60  # type: ignore[union-attr]


def ref(quote: str) -> EvidenceRef:
    return EvidenceRef(doc_id="d", source="s.txt", quote=quote, start=0, end=len(quote))


def test_a_theme_shows_a_cost_from_a_shown_quote_never_a_median():
    claim = Claim(
        label="Reviews eat the leads' week",
        kind="pain",
        accounts=3,
        mentions=3,
        share=1.0,
        evidence=[
            ref("Reviews are a mess."),
            ref("Each lead spends eight hours a week on reviews."),
            ref("We lose two hours a week on it."),
        ],
    )
    show_stated_cost(claim)
    assert claim.cost is not None and claim.cost.amount == 8 and claim.cost.period == "week"
    assert claim.cost.text == "eight hours a week" and claim.cost_mentions == 2
    alone = Claim(
        label="x", kind="pain", accounts=1, mentions=1, share=1.0, evidence=[ref("It was slow.")]
    )
    assert show_stated_cost(alone).cost is None


def test_a_cost_that_points_back_is_grouped_with_what_it_costs(embedder):
    """'That's four hours a day across the bench' is read with the sentence before it, so it
    joins the theme of typing instrument printouts instead of a theme of hours and days."""
    import numpy as np
    from synthetic_research import evidence_in

    from agent.extract.quantities import impact as read_impact
    from agent.schema import EvidenceKind, SourceDocument, SourceKind, Turn
    from agent.synthesize.costs import read_in_context, sentence_before
    from agent.synthesize.themes import cluster, ranked_claims

    lines = [
        "Alan: The printouts from the ICP, we type the numbers into FileMaker by hand. "
        "That's four hours a day across the inorganics bench.",
        "Dana: Our analysts retype every instrument printout into the LIMS. "
        "It takes two hours a day for each analyst.",
        "Priya: Honestly the courier pickups are a mess, they come whenever they like.",
        "Lee: Our month-end statements take three days to reconcile by hand.",
    ]
    documents, evidence = [], []
    for number, line in enumerate(lines):
        start = line.index(": ") + 2  # the turn's text: no speaker label
        speaker = line[: start - 2]
        doc = SourceDocument(
            doc_id=f"d{number}",
            source=f"t{number}.txt",
            kind=SourceKind.transcript,
            path=f"t{number}.txt",
            content_hash=f"h{number}",
            text=line,
            account=f"Lab {number}",
            turns=[Turn(speaker=speaker, start=start, end=len(line))],
        )
        documents.append(doc)
        for a, b in split_sentences(line, start):
            quote = line[a:b]
            stated = evidence_in(doc, quote, EvidenceKind.pain)
            update = {"account": doc.account, "quantity": read_impact(quote)}
            evidence.append(stated.model_copy(update={**update, "speaker": speaker}))
    assert sentence_before(documents[0], lines[0].index("That's")) == (
        "The printouts from the ICP, we type the numbers into FileMaker by hand."
    )
    assert sentence_before(documents[2], lines[2].index("Honestly")) is None  # opens its turn
    # the turn's text is read, never its timestamp or speaker label
    stamped = "[00:02:13] Raj: Onboarding takes us ages. That's three weeks a rep."
    turn = Turn(speaker="Raj", start=stamped.index("Onboarding"), end=len(stamped))
    spoken = documents[0].model_copy(update={"text": stamped, "turns": [turn]})
    assert sentence_before(spoken, stamped.index("That's")) == "Onboarding takes us ages."
    vectors = dict(
        zip([e.id for e in evidence], embedder.embed([e.quote for e in evidence]), strict=True)
    )
    read = read_in_context(evidence, documents, vectors, embedder.embed)
    pointing = [e for e in evidence if e.quote.startswith(("That's", "It takes"))]
    assert len(pointing) == 2
    for item in evidence:
        changed = not np.allclose(read[item.id], vectors[item.id])
        assert changed == (item in pointing)
    # each cost joins the theme of what it costs; its headline and quote are that statement's
    for ids in ([e.id for e in theme.items] for theme in cluster(evidence, read)):
        for cost in pointing:
            antecedent = evidence[evidence.index(cost) - 1]
            assert (cost.id in ids) == (antecedent.id in ids)
    shown, _ = ranked_claims(evidence, read, 4, 2)
    assert not any(r.quote.startswith(("That's", "It takes")) for c in shown for r in c.evidence)
    assert not any("hours a day" in c.label for c in shown)
