"""Units of analysis and segments (issue #13, items 2 and 3): accounts only from corroborated
signals, participants when the research names no company, tools matched as whole words,
firmographics and stack from two statements or a field, and segments named by what sets them
apart, with a small distinct group kept apart as a hypothesis."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import load, write
from synthetic_research import (
    PAINS,
    anonymous_interviews,
    crm_row,
    evidence_in,
    inputs,
    statement,
    transcript,
)

from agent.extract.lexicon import load_lexicon
from agent.ingest.attribution import AccountDirectory, attribute, stated_employers
from agent.ingest.crm import record as crm_record
from agent.ingest.normalize import parse_stack
from agent.schema import CRMRecord, Evidence, EvidenceKind, SourceDocument, SourceKind
from agent.synthesize.accounts import AccountProfile, fill_from_research
from agent.synthesize.pipeline import synthesize
from agent.synthesize.segments import Segmentation, separate_distinct_groups
from agent.synthesize.stack import unify_tool_names
from agent.synthesize.traits import (
    distinguishing_traits,
    own_vocabulary,
    rare_own_words,
    rare_word_groups,
    segment_name,
    shared_vocabulary_groups,
)


def attributed(doc: SourceDocument, directory: AccountDirectory | None = None) -> str | None:
    attribute(doc, directory or AccountDirectory(), Path(doc.source).stem)
    return doc.account


# --- accounts only from corroborated signals -------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "I'm a data scientist at Company X, mostly on forecasting.",
        "I am a statistician at Company 2. We do risk models.",
        "Honestly I'm at Copmany Y, it's a big bank.",
        "I'm a master's student at University X and I help a lab.",
        "I'm also doing my master at Polytechnic on the side.",
        "We're training with Wikipedia dumps, it's a huge corpus.",
        "We don't work with Python there, mostly R.",
        "I enjoyed some courses with Google last year.",
        "When I was at Google we had a whole team for this.",
        "I worked for Initech before, then I moved on.",
        "I'm responsible for Europe and the Middle East.",
        "I put the model at Python level, then it went to prod.",
    ],
)
def test_no_account_from_placeholders_schools_tools_or_former_employers(tmp_path, line):
    doc = transcript(tmp_path, "interview-7.txt", [line, "The hard part is data quality."])
    assert attributed(doc) is None, stated_employers(line)


@pytest.mark.parametrize(
    ("line", "account"),
    [
        ("I run revenue ops at Brookfield Tooling, two plants.", "Brookfield Tooling"),
        ("I'm a data engineer at Northwind Freight these days.", "Northwind Freight"),
        ("I work for Harbor Analytics as a support lead.", "Harbor Analytics"),
        ("Here at Lakeshore Fluid Power we quote everything by hand.", "Lakeshore Fluid Power"),
    ],
)
def test_account_from_the_speakers_stated_employer(tmp_path, line, account):
    doc = transcript(tmp_path, "call.txt", [line])
    assert attributed(doc) == account
    assert doc.account_attribution == "conversation"


def test_file_name_with_the_first_word_of_a_known_account(tmp_path):
    directory = AccountDirectory()
    directory.add("Bellwether Cold Storage")
    directory.add("Pinecrest Electrical Wholesale")
    doc = transcript(tmp_path, "2026-01-05_bellwether_call.txt", ["We store frozen food."])
    assert attributed(doc, directory) == "Bellwether Cold Storage"
    assert doc.account_attribution == "file_name"
    other = transcript(tmp_path, "2026-01-06_unrelated_call.txt", ["We store frozen food."])
    assert attributed(other, directory) is None


def test_file_name_with_the_first_two_words_of_a_longer_account_name():
    directory = AccountDirectory()
    for name in ("Lark & Ladle Catering", "Lone Pine Home Care", "North Star Logistics"):
        directory.add(name)
    directory.add("North Star Foods")
    assert directory.in_file_name("2026-08-20_lark-and-ladle_events") == "Lark & Ladle Catering"
    assert directory.in_file_name("2026-08-20_lone-pine_zoom") == "Lone Pine Home Care"
    assert directory.in_file_name("2026-01-01_north-star_call") is None  # two accounts start so


def test_a_public_body_is_named_by_its_place_in_a_file_name_and_in_passing():
    # "quillan-harbormaster" for the Town of Quillan Harbors; "town" names nobody
    directory = AccountDirectory()
    for name in ("Town of Quillan Harbors", "Village of Sorrel Point Marina", "Harmon Bay Linen"):
        directory.add(name)
    assert directory.in_file_name("2026-09-30_pm-notes_quillan-harbormaster-call") == (
        "Town of Quillan Harbors"
    )
    assert directory.in_file_name("2026-09-30_town-notes") is None
    assert directory.mentioned("The Quillan harbormaster called.") == {"Town of Quillan Harbors": 1}


def test_file_name_joining_the_words_a_longer_account_name_hyphenates():
    # "tricounty-textile" for Tri-County Textile Rental, beside another Tri-County account
    directory = AccountDirectory()
    for name in ("Tri-County Textile Rental", "Tri-County Community Action", "Harmon Bay Linen"):
        directory.add(name)
    assert directory.in_file_name("2026-08-20_tricounty-textile_zoom") == (
        "Tri-County Textile Rental"
    )
    assert directory.in_file_name("2026-08-21_tricounty_zoom") is None  # two accounts start so
    assert directory.in_file_name("2026-08-22_tri-county_notes") is None


def test_the_employer_in_the_speakers_label_beats_a_company_named_in_passing(tmp_path):
    # "Gloria Pratt (Lab Supervisor, City of Fairhaven Water)": the label says whom she speaks
    # for; "the utility over in Lindale" is somebody else
    directory = AccountDirectory()
    directory.add("City of Fairhaven Water Quality Lab")
    directory.add("Lindale Water Department")
    label = "Gloria Pratt (Lab Supervisor, City of Fairhaven Water)"
    text = (
        f"Interviewer 1: Could you describe the lab?\n\n{label}: We run the compliance samples.\n\n"
        f"Interviewer2: Where do the results go?\n\n{label}: Into the state portal, by hand.\n\n"
        f"Interviewer 1: Any violations?\n\n{label}: Never. I've heard the utility over in "
        "Lindale got a notice last year.\n"
    )
    doc = load(write(tmp_path / "2026-11-10_water-lab_interview.txt", text)).documents[0]
    assert attributed(doc, directory) == "City of Fairhaven Water Quality Lab"
    assert doc.account_attribution == "conversation"
    # a first name alone in a label is a person, not the account it begins
    directory.add("Morgan Industrial Supply")
    other = transcript(tmp_path, "call-3.txt", ["We quote by hand."])
    other.turns[1].speaker = "Morgan"
    assert attributed(other, directory) is None


# --- participants when the research names no company -----------------------------------------


def test_interviews_that_name_no_company_count_participants(tmp_path, embedder):
    docs, evidence = anonymous_interviews(tmp_path)
    draft = synthesize(inputs(docs, evidence, embedder), embedder.embed)
    assert draft.unit == "participants"
    assert draft.corpus.accounts == 0 and draft.corpus.participants == 4
    assert all(segment.accounts == [] for segment in draft.segments)
    shown = {p for segment in draft.segments for p in segment.participants}
    assert shown == {f"Participant (Interview {i})" for i in range(1, 5)}
    pains = [claim for segment in draft.segments for claim in segment.pains]
    assert pains and all(claim.unit == "participants" for claim in pains)
    assert any("counts are participants" in warning for warning in draft.warnings)
    assert any("rests on 4 participant(s)" in warning for warning in draft.warnings)
    assert "Unnamed account" not in draft.model_dump_json()
    assert all(claim.unit == "participants" for claim in draft.shared_themes)


def test_a_document_of_participants_never_counts_accounts(tmp_path, embedder):
    """Every count of research that names no company says participants: the first line, the
    summary, the segment tables, the support line, the pain heading and the shared themes."""
    from agent.render.markdown import to_markdown

    docs, evidence = anonymous_interviews(tmp_path)
    draft = synthesize(inputs(docs, evidence, embedder), embedder.embed)
    text = to_markdown(draft)
    assert "0 accounts" not in text and " 0 (0) " not in text
    assert "4 participants whose company is not named" in text.splitlines()[2]
    assert "from 4 participants whose company is not named" in draft.summary[0]
    assert "**Participants and win rate per segment**" in text
    assert "| Participants |" in text and "**Accounts (0):**" not in text
    assert "Pains, ranked by how many participants feel them" in text
    assert "participants with research evidence in" in text or (
        "1 participant with research evidence in" in text
    )
    assert "Interview the next 10 people like it" in text or not any(
        s.hypothesis for s in draft.segments
    )


# --- tools as whole words, firmographics and stack from two statements ------------------------


@pytest.mark.parametrize(
    ("sentence", "tools"),
    [
        ("We need more information about the backlog.", []),
        ("We trained it on SageMaker last spring.", []),
        ("The group dynamics on that team are hard.", []),
        ("Our ERP is Infor and accounting is in Sage.", ["Infor", "Sage"]),
        ("We moved the sales team to Dynamics last year.", ["Microsoft Dynamics 365"]),
    ],
)
def test_tool_names_match_as_whole_words_with_case_rules(sentence, tools):
    assert [name for name, _ in load_lexicon().tools_in(sentence)] == tools


def account_saying(*sentences: str, name: str = "Acme Widgets") -> AccountProfile:
    account = AccountProfile(name=name, source_kinds={"transcript"})
    for index, sentence in enumerate(sentences):
        text = sentence
        tools = load_lexicon().tools_in(text)
        account.evidence.append(
            Evidence(
                kind=EvidenceKind.technographic if tools else EvidenceKind.firmographic,
                summary=text,
                quote=text,
                doc_id=f"d{index}",
                source="call.txt",
                source_kind=SourceKind.transcript,
                start=0,
                end=len(text),
                engine="offline",
            )
        )
    return account


def test_one_passing_mention_makes_no_size_band_industry_or_stack():
    account = account_saying(
        "We have nine models in production and three engineers on the team.",
        "We're a small fintech company, honestly.",
        "We use Snowflake for the warehouse.",
    )
    fill_from_research(account)
    assert account.size_band is None and account.employees is None
    assert account.industry is None and account.stack == []


def test_two_statements_make_size_industry_and_stack():
    account = account_saying(
        "We're about 420 people across two plants.",
        "All in, we're 430 people now.",
        "We're a machining company, mostly fixtures.",
        "Honestly we're a machining shop at heart.",
        "Quotes live in Salesforce.",
        "Salesforce is where the reps work all day.",
        "We looked at ServiceTitan last year.",
        "ServiceTitan was too expensive, we evaluated it twice.",
        "Everything else is in a spreadsheet.",
        "The spreadsheet is a mess.",
    )
    fill_from_research(account)
    assert account.size_band == "201-500"
    assert account.industry == "manufacturing"
    assert account.stack == ["Salesforce"]  # not the tool they evaluated, not 'spreadsheets'


# --- segments named by what sets them apart; a small distinct group kept apart ----------------


def crm_account(
    name: str, industry: str, band: str, stack: list[str], outcome: str
) -> AccountProfile:
    return AccountProfile(
        name=name,
        in_crm=True,
        industry=industry,
        size_band=band,
        stack=stack,
        outcome=outcome,
        source_kinds={"crm", "transcript", "win_loss"},
    )


SAAS = [crm_account(f"Saas {i}", "software_saas", "201-500", ["Zendesk"], "won") for i in range(6)]
CLINICS = [
    crm_account("Clinic One", "healthcare", "11-50", ["Freshdesk"], "lost"),
    crm_account("Clinic Two", "healthcare", "11-50", ["Freshdesk"], "won"),
]


def test_segment_traits_and_name_say_what_sets_it_apart():
    traits = distinguishing_traits(CLINICS, SAAS)
    described = [t.describe() for t in traits]
    assert "Healthcare & Life Sciences (2 of 2 accounts; 0 of 6 elsewhere)" in described
    assert "on Freshdesk (2 of 2 accounts; 0 of 6 elsewhere)" in described
    assert (
        segment_name(traits, CLINICS) == "Healthcare & Life Sciences, 11–50 employees, on Freshdesk"
    )
    assert segment_name(distinguishing_traits(SAAS, CLINICS), SAAS).startswith("Software")


def test_a_small_distinct_group_is_not_absorbed_into_a_larger_segment():
    absorbed = Segmentation({a.name: 0 for a in SAAS + CLINICS}, 1, 0.0, "one segment", {})
    separated = separate_distinct_groups(absorbed, SAAS + CLINICS)
    assert {separated.labels[a.name] for a in CLINICS} == {1}
    assert {separated.labels[a.name] for a in SAAS} == {0}
    assert "small distinct groups" in separated.criterion
    # a single account of another industry is no group: left where the clustering put it
    one = SAAS + CLINICS[:1]
    alone = Segmentation({a.name: 0 for a in one}, 1, 0.0, "one segment", {})
    assert separate_distinct_groups(alone, one) is alone


LABS = [
    crm_account(f"University {i}", "education", "1-10", ["Google Sheets"], "lost") for i in range(5)
]
COMPANIONS = [
    crm_account(f"Companions {i}", "healthcare", "1-10", ["Google Calendar"], "lost")
    for i in range(5)
]


@pytest.mark.parametrize(
    "rest, group, alike",
    [
        # two water utilities, one filed under government, clustered with university labs;
        # when only the industry sets them apart, the clustering's call stands
        (
            LABS,
            [
                crm_account("City Water Lab", "government_public", "11-50", ["Excel"], "open"),
                crm_account("Lindale Water", "energy_utilities", "11-50", ["Excel"], "lost"),
            ],
            [
                crm_account("City Lab", "government_public", "1-10", ["Google Sheets"], "lost"),
                crm_account("Water Co", "energy_utilities", "1-10", ["Google Sheets"], "lost"),
            ],
        ),
        # two adult day centres that bought, filed under home health like the small private-pay
        # agencies that did not; the same size band with outcomes like the rest stays
        (
            COMPANIONS,
            [
                crm_account("Oak Hollow Adult Day", "healthcare", "11-50", ["QuickBooks"], "won"),
                crm_account("Riverbend Adult Day", "healthcare", "11-50", ["QuickBooks"], "won"),
            ],
            [
                crm_account("Oak Hollow Adult Day", "healthcare", "11-50", ["QuickBooks"], "lost"),
                crm_account("Riverbend Adult Day", "healthcare", "11-50", ["QuickBooks"], "won"),
            ],
        ),
    ],
)
def test_a_small_group_set_apart_inside_a_segment_forms_its_own(rest, group, alike):
    absorbed = Segmentation({a.name: 0 for a in rest + group}, 1, 0.0, "one segment", {})
    separated = separate_distinct_groups(absorbed, rest + group)
    assert {separated.labels[a.name] for a in group} == {1}
    assert {separated.labels[a.name] for a in rest} == {0}
    kept = Segmentation({a.name: 0 for a in rest + alike}, 1, 0.0, "one segment", {})
    assert separate_distinct_groups(kept, rest + alike) is kept


def test_in_a_mixed_industry_segment_another_industry_needs_a_sharp_trait_to_stand_apart():
    # a core of many industries on NetSuite: two logistics firms on NetSuite like half of it
    # are not a group of their own; two nonprofits on a tool nobody else uses are
    industries = ["manufacturing", "retail_ecommerce", "healthcare", "real_estate", "hospitality"]
    core = [
        crm_account(
            f"Core {i}", industries[i % 5], "501-1000", ["NetSuite"] if i % 2 else [], "won"
        )
        for i in range(10)
    ]
    freight = [
        crm_account(f"Freight {i}", "logistics_transportation", "501-1000", ["NetSuite"], "won")
        for i in range(2)
    ]
    charities = [
        crm_account(f"Charity {i}", "nonprofit", "51-200", ["Financial Edge NXT"], "lost")
        for i in range(2)
    ]
    mixed = Segmentation({a.name: 0 for a in core + freight}, 1, 0.0, "one segment", {})
    assert separate_distinct_groups(mixed, core + freight) is mixed
    apart = Segmentation({a.name: 0 for a in core + charities}, 1, 0.0, "one segment", {})
    separated = separate_distinct_groups(apart, core + charities)
    assert {separated.labels[a.name] for a in charities} == {1}


def test_an_industrys_accounts_the_clustering_placed_apart_are_not_one_group():
    # two hospital foundations among grant-makers, and a behavioral-health agency (filed under
    # the same industry) among human-services agencies: the two foundations are the group
    grantmakers = [
        crm_account(f"Community Foundation {i}", "nonprofit", "11-50", ["Excel"], "won")
        for i in range(6)
    ]
    agencies = [
        crm_account(f"Family Services {i}", "nonprofit", "201-500", ["Sage Intacct"], "won")
        for i in range(6)
    ]
    foundations = [
        crm_account(f"Hospital Foundation {i}", "healthcare", "11-50", ["Raiser's Edge"], "lost")
        for i in range(2)
    ]
    behavioral = crm_account("Behavioral Health", "healthcare", "201-500", ["Sage Intacct"], "won")
    everyone = grantmakers + agencies + foundations + [behavioral]
    labels = {a.name: 0 for a in grantmakers + foundations}
    labels.update({a.name: 1 for a in [*agencies, behavioral]})
    separated = separate_distinct_groups(Segmentation(labels, 2, 0.0, "two", {}), everyone)
    assert {separated.labels[a.name] for a in foundations} == {2}
    assert separated.labels[behavioral.name] == 1
    assert "Healthcare & Life Sciences (2)" in separated.criterion


def test_one_unlisted_tool_spelled_several_ways_is_one_tool():
    accounts = [
        AccountProfile(name="A", stack=["QuickBooks", "EFI Fiery"]),
        AccountProfile(name="B", stack=["Fiery", "Kodak Prinergy"]),
        AccountProfile(name="C", stack=["Fiery", "Prinergy", "Onyx RIP"]),
        AccountProfile(name="D", stack=["MS Access"], stack_hints=["Onyx"]),
        AccountProfile(name="E", stack=["Access", "Banner"]),
        AccountProfile(name="F", stack=["Power BI", "Power BI Report Server Pro"]),
    ]
    renaming = unify_tool_names(accounts)
    assert [a.stack for a in accounts[:3]] == [
        ["QuickBooks", "Fiery"],
        ["Fiery", "Kodak Prinergy"],
        ["Fiery", "Kodak Prinergy", "Onyx RIP"],
    ]
    # most accounts' spelling wins; a tie goes to the longer name
    assert accounts[3].stack == ["MS Access"] and accounts[3].stack_hints == ["Onyx RIP"]
    assert accounts[4].stack == ["MS Access", "Banner"]
    assert renaming["Access"] == "MS Access" and renaming["Onyx"] == "Onyx RIP"
    # a known tool is already one name; a name three words longer is another product
    assert accounts[5].stack == ["Power BI", "Power BI Report Server Pro"]


@pytest.mark.parametrize(
    "field, tools",
    [
        ("Salesforce / NetSuite", ["Salesforce", "NetSuite"]),
        ("Sage 100; moving to Dynamics", ["Sage 100"]),
        ("Mixed (GP / QB / NetSuite)", ["GP", "QB", "NetSuite"]),
        ("NetSuite (parent), QBO (practices)", ["NetSuite", "QuickBooks"]),
        (["LabWare (legacy)", "Airflow (Astronomer)"], ["LabWare", "Airflow"]),
    ],
)
def test_a_stack_field_names_each_tool_once_and_only_what_runs_today(field, tools):
    assert parse_stack(field) == tools


def test_an_erp_field_naming_two_systems_is_two_tools():
    row = {"Company": "Acme", "ERP": "Salesforce / NetSuite", "Tech stack": "Slack"}
    record = crm_record(row, {"name": "Company", "erp": "ERP", "stack": "Tech stack"})
    assert record is not None
    assert record.stack == ["Slack", "Salesforce", "NetSuite"] and record.erp == "Salesforce"


def said(account: AccountProfile, *quotes: str) -> AccountProfile:
    """The account with these pain statements as its evidence."""
    account.evidence = [
        statement(q, account.name, f"doc-{account.name}", f"{account.name}.txt") for q in quotes
    ]
    return account


def saying(
    prefix: str,
    n: int,
    stack: list[str],
    *quotes: str,
    industry: str = "healthcare",
    band: str = "11-50",
    outcome: str = "won",
) -> list[AccountProfile]:
    """n accounts alike in the CRM (healthcare, 11–50 employees, won unless told), each saying
    the quotes."""
    return [
        said(crm_account(f"{prefix} {i}", industry, band, stack, outcome), *quotes)
        for i in range(n)
    ]


def test_a_pair_set_apart_by_what_only_it_talks_about_stands_apart():
    # in-house elevator teams of hospitals and universities; two ski resorts (hospitality)
    # among them, alike in size, stack and outcome, are set apart by the words only they say
    teams = [
        said(
            crm_account(
                f"Team {i}", ["healthcare", "education"][i % 2], "1001-5000", ["Excel"], "won"
            ),
            "The inspection certificates expire and nobody notices until the state calls.",
            "Our mechanics log callbacks on paper tickets.",
        )
        for i in range(6)
    ]
    resorts = saying(
        "Resort",
        2,
        ["Excel"],
        "Every chairlift needs its wire rope inspected before the season opens.",
        "The gondola load test is booked by fax with the tramway board.",
        industry="hospitality",
        band="1001-5000",
    )
    mixed = Segmentation({a.name: 0 for a in teams + resorts}, 1, 0.0, "one segment", {})
    separated = separate_distinct_groups(mixed, teams + resorts)
    assert {separated.labels[a.name] for a in resorts} == {1}
    assert {separated.labels[a.name] for a in teams} == {0}
    # the longest (most specific) of them name it; "inspected" is the teams' "inspection"
    assert "Food Service, saying 'chairlift', 'gondola', 'tramway' (2)" in separated.criterion
    # words the teams say too ("inspection", "mechanics") set nobody apart
    alike = saying(
        "Resort",
        2,
        ["Excel"],
        "The inspection certificates expire and our mechanics find out too late.",
        industry="hospitality",
        band="1001-5000",
    )
    kept = Segmentation({a.name: 0 for a in teams + alike}, 1, 0.0, "one segment", {})
    assert separate_distinct_groups(kept, teams + alike) is kept
    # among too few accounts, words said by chance prove nothing
    few = Segmentation({a.name: 0 for a in teams[:2] + resorts}, 1, 0.0, "one segment", {})
    assert separate_distinct_groups(few, teams[:2] + resorts) is few


def spoken(account: AccountProfile, *paragraphs: str) -> AccountProfile:
    """The account with these paragraphs as what its people said (and one statement)."""
    account.speech = list(paragraphs)
    return said(account, paragraphs[0])


def test_a_pair_that_alone_says_many_of_its_words_stands_apart_wherever_it_is_filed():
    # two botanical gardens, one filed under museums (among growers), one under retail
    # (among garden centres): few words, and many of them only the two say
    centres = [
        spoken(
            crm_account(f"Garden Centre {i}", "retail_ecommerce", "51-200", ["Shopify"], "won"),
            "Our garden centre sells annuals and shrubs every spring weekend.",
            f"The tills at store {i} slow down when the queue reaches the entrance.",
        )
        for i in range(6)
    ]
    growers = [
        spoken(
            crm_account(f"Grower {i}", "wholesale_distribution", "11-50", ["Excel"], "won"),
            "We grow plugs and liners for garden centres across the region.",
            f"Availability lists go out every Monday from greenhouse {i}.",
        )
        for i in range(6)
    ]
    gardens = [
        spoken(
            crm_account("Ashgrove Garden", industry, "51-200", ["Shopify"], "won"),
            "We are a nonprofit garden and volunteers run the plant sale.",
            "Leftover natives go back to the nursery and the board wants counts.",
        )
        for industry in ("Museums", "retail_ecommerce")
    ]
    gardens[1].name = "Kestrel Arboretum"
    everyone = centres + growers + gardens
    labels = {a.name: 0 for a in centres}
    labels.update({a.name: 1 for a in growers})
    labels.update({gardens[0].name: 1, gardens[1].name: 0})
    found = shared_vocabulary_groups(everyone, 3)
    assert [[a.name for a in group] for group, _ in found] == [
        ["Ashgrove Garden", "Kestrel Arboretum"]
    ]
    assert found[0][1][:3] == ["leftover", "natives", "nonprofit"]  # rarest first
    separated = separate_distinct_groups(Segmentation(labels, 2, 0.0, "two", {}), everyone)
    assert {separated.labels[a.name] for a in gardens} == {2}
    assert "saying 'leftover', 'natives', 'nonprofit' (2)" in separated.criterion
    # the segment's name says what only they talk about when no industry tells them apart
    others = centres + growers
    assert own_vocabulary(gardens, others)[:2] == ["leftover", "natives"]
    assert segment_name([], gardens, own_vocabulary(gardens, others)).startswith(
        "Museums / Retail & E-commerce saying ‘leftover’ and ‘natives’"
    )
    assert own_vocabulary(centres[:2], others[2:] + gardens) == []
    # two talkative accounts that share a few words nobody else says, among the hundreds
    # each says, are no group
    from wordfreq import top_n_list

    from agent.stems import stem

    vocabulary = list(
        {stem(w): w for w in top_n_list("en", 4000) if w.isalpha() and len(w) >= 6}.values()
    )[:400]
    chatty = [
        spoken(
            crm_account(f"Chatty {i}", "retail_ecommerce", "51-200", ["Shopify"], "won"),
            " ".join(vocabulary[i * 150 : (i + 1) * 150]),
            "Leftover natives and nonprofit volunteers.",
        )
        for i in range(2)
    ]
    assert shared_vocabulary_groups(centres + growers + chatty, 3) == []


def test_a_pair_that_alone_says_rare_words_stands_apart_even_of_the_same_industry():
    # two orthotics and prosthetics clinics filed under healthcare among dental labs of the
    # same industry, size, stack and outcome: the rare words only they say set them apart
    labs = saying(
        "Lab",
        6,
        ["QuickBooks"],
        "Honestly the front desk calls dentists all morning about late crowns.",
        "Personally I think remakes on the whiteboard are the real problem for us.",
    )
    clinics = saying(
        "Clinic",
        2,
        ["QuickBooks"],
        "We make orthotics and prosthetics in our own workshop.",
        "Personally I keep the fittings on a whiteboard.",
    )
    one = Segmentation({a.name: 0 for a in labs + clinics}, 1, 0.0, "one segment", {})
    separated = separate_distinct_groups(one, labs + clinics)
    assert {separated.labels[a.name] for a in clinics} == {1}
    assert {separated.labels[a.name] for a in labs} == {0}
    assert "Healthcare & Life Sciences, saying 'prosthetics', 'orthotics' (2)" in (
        separated.criterion
    )
    assert rare_own_words(clinics, labs) == ["prosthetics", "orthotics"]
    # everyday words two talkative accounts share ("honestly", "spreadsheet") and a tool's
    # name set nobody apart
    chatty = saying(
        "Chatty",
        2,
        ["QuickBooks", "Dentrix"],
        "Honestly, personally, we use Dentrix and a spreadsheet for everything.",
        "The dentists call the front desk about crowns.",
    )
    kept = Segmentation({a.name: 0 for a in labs + chatty}, 1, 0.0, "one segment", {})
    assert separate_distinct_groups(kept, labs + chatty) is kept
    assert rare_word_groups(labs + chatty, 3, 2) == []
    # a rare word another account of the research says, in any segment, is no group's own
    elsewhere = said(
        crm_account("Supplier", "manufacturing", "201-500", ["SAP"], "lost"),
        "We ship parts to orthotics and prosthetics workshops.",
    )
    apart = Segmentation(
        {**{a.name: 0 for a in labs + clinics}, elsewhere.name: 1}, 2, 0.0, "two", {}
    )
    assert separate_distinct_groups(apart, labs + clinics + [elsewhere]) is apart
    # its name says the words when no industry tells it apart
    traits = distinguishing_traits(clinics, labs)
    assert segment_name(traits, clinics, rare_own_words(clinics, labs)).startswith(
        "Healthcare & Life Sciences saying ‘prosthetics’ and ‘orthotics’"
    )


def test_the_accounts_of_one_size_band_that_lose_where_their_segment_wins_are_apart():
    # five owner-operators of one to ten buses, all lost or churned, clustered by their CRM
    # label with the contractors that bought: the losing group is a segment of its own
    contractors = [
        crm_account(f"Contractor {i}", "logistics_transportation", "201-500", [], outcome)
        for i, outcome in enumerate(["won"] * 7 + ["expanded", "churned", "open"])
    ]
    owners = [
        crm_account(f"Owner {i}", "logistics_transportation", "1-10", [], outcome)
        for i, outcome in enumerate(["lost", "lost", "churned", "lost", "open"])
    ]
    together = Segmentation({a.name: 0 for a in contractors + owners}, 1, 0.0, "one", {})
    separated = separate_distinct_groups(together, contractors + owners)
    assert {separated.labels[a.name] for a in owners} == {1}
    assert {separated.labels[a.name] for a in contractors} == {0}
    assert "mostly lost or churned" in separated.criterion
    # small accounts that win like the rest stay where the clustering put them
    winners = [
        crm_account(f"Owner {i}", "logistics_transportation", "1-10", [], outcome)
        for i, outcome in enumerate(["won", "lost", "won", "lost"])
    ]
    mixed = Segmentation({a.name: 0 for a in contractors + winners}, 1, 0.0, "one", {})
    assert separate_distinct_groups(mixed, contractors + winners) is mixed


def test_the_crms_own_label_tells_kinds_of_one_industry_apart(embedder):
    # grant-makers and the charities that receive grants: all "Nonprofit & Associations" in
    # the schema, of the same size, on the same tools; the CRM's own labels say which is which
    from agent.synthesize.segments import segment_units

    def nonprofit(name: str, raw: str) -> AccountProfile:
        account = crm_account(name, "nonprofit", "51-200", ["QuickBooks"], "won")
        account.industry_raw = raw
        return account

    givers = [
        nonprofit(f"Giver {i}", raw)
        for i, raw in enumerate(["Philanthropy", "Foundation", "Grantmaking Foundation"] * 2)
    ]
    receivers = [
        nonprofit(f"Receiver {i}", raw)
        for i, raw in enumerate(
            ["Individual & Family Services", "Human Services", "Individual and Family Services"] * 2
        )
    ]
    segmentation = segment_units(givers + receivers, "accounts", embedder.embed, {})
    given = {segmentation.labels[a.name] for a in givers}
    received = {segmentation.labels[a.name] for a in receivers}
    assert not given & received  # no segment mixes the two kinds
    # the same label spelled as the schema names it adds nothing
    plain = [nonprofit(f"Plain {i}", "Nonprofit & Associations") for i in range(2)]
    from agent.synthesize.segments import _raw_label

    assert _raw_label(plain[0]) is None


def test_the_thin_group_ends_as_its_own_hypothesis_segment(tmp_path, embedder):
    docs: list[SourceDocument] = []
    evidence: list[Evidence] = []
    for account in SAAS + CLINICS:
        record = CRMRecord(
            name=account.name,
            industry=account.industry,
            size_band=account.size_band,
            stack=account.stack,
            stage=account.outcome,  # type: ignore[arg-type]
        )
        slug = account.name.lower().replace(" ", "-")
        docs.append(crm_row(record))
        interviews = 1 if account in CLINICS else 2
        for n in range(interviews):
            doc = transcript(tmp_path, f"{slug}-{n}.txt", ["Tickets pile up every Monday."])
            doc.account, doc.account_attribution = account.name, "front_matter"
            doc.kind = SourceKind.transcript if n == 0 else SourceKind.notes
            docs.append(doc)
            evidence.append(evidence_in(doc, "Tickets pile up every Monday.", EvidenceKind.pain))
    draft = synthesize(inputs(docs, evidence, embedder), embedder.embed)
    holding = [s for s in draft.segments if {"Clinic One", "Clinic Two"} & set(s.accounts)]
    assert len(holding) == 1 and set(holding[0].accounts) == {"Clinic One", "Clinic Two"}
    assert holding[0].hypothesis and holding[0].name.startswith("Healthcare")
    assert any("Healthcare" in trait for trait in holding[0].traits)
    assert (
        draft.unit == "accounts"
        and abs(sum(c.points for c in draft.scorecard.criteria) - 100) < 0.01
    )


def test_participants_beside_named_accounts_form_a_group_of_their_own(tmp_path, embedder):
    docs, evidence = anonymous_interviews(tmp_path)
    for index in range(3):
        name = f"Account {'ABC'[index]}ridge Works"
        doc = transcript(
            tmp_path, f"named-{index}.txt", [f"I run support at {name}.", PAINS[index]]
        )
        docs.append(doc)
        evidence.append(evidence_in(doc, PAINS[index], EvidenceKind.pain))
    draft = synthesize(inputs(docs, evidence, embedder), embedder.embed)
    assert draft.unit == "accounts" and draft.corpus.participants == 4
    holding = [s for s in draft.segments if s.participants]
    assert len(holding) == 1 and holding[0].accounts == [] and len(holding[0].participants) == 4
    # the group of participants counts participants, the named accounts' segments accounts
    assert holding[0].pains and all(c.unit == "participants" for c in holding[0].pains)
    named = [s for s in draft.segments if s.accounts]
    assert named and all(c.unit == "accounts" for s in named for c in s.pains)
    assert any("name no company" in warning for warning in draft.warnings)


# --- one account however the sources spell it -------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Brantford Falls, City of", "City of Brantford Falls"),
        ("Harlow Valley Water Dist.", "Harlow Valley Water District"),
        ("Delmont County Sewer Auth", "Delmont County Sewer Authority"),
        ("Aqua North Svcs, Inc.", "Aqua North Services"),
    ],
)
def test_an_inverted_or_abbreviated_name_is_the_same_account(one, other):
    from agent.ingest.normalize import company_key

    assert company_key(one) == company_key(other)


def test_a_descriptor_after_the_name_never_splits_one_account_in_two():
    names = ["Brantford Falls, City of", "City of Brantford Falls - Water & Sewer Utility"]
    for order in (names, names[::-1]):
        directory = AccountDirectory()
        for name in order:
            directory.add(name)
        shown = {directory.canonical(name) for name in order}
        assert len(shown) == 1, order
    directory = AccountDirectory()
    directory.add("Pinecrest Dental Ceramics", "pinecrest.example", True)
    directory.add("Pinecrest Dental Ceramics · on site")  # a notes header's "· on site"
    assert directory.canonical("Pinecrest Dental Ceramics · on site") == "Pinecrest Dental Ceramics"
    directory = AccountDirectory()
    directory.add("Acme")
    directory.add("Acme Robotics")  # no descriptor: two names, two accounts
    assert directory.canonical("Acme Robotics") == "Acme Robotics"


def test_crm_rows_of_one_name_and_two_places_are_two_accounts():
    """Franchise stores: "PrintHaus Express - Dover" and "- Salem" are CRM rows of their own."""
    directory = AccountDirectory()
    for place in ("Salem", "Dover"):
        directory.add(f"PrintHaus Express - {place}", f"printhausexpress.com/{place.lower()}", True)
    directory.add("Alder & Finch Printing", "alderfinch.com", True)
    assert directory.canonical("PrintHaus Express - Dover") == "PrintHaus Express - Dover"
    assert directory.canonical("PrintHaus Express - Salem") == "PrintHaus Express - Salem"
    assert directory.canonical("PrintHaus Express #52 Salem") == "PrintHaus Express - Salem"
    assert directory.canonical("PrintHaus Express") is None  # which store?
    assert directory.by_domain("owner@printhausexpress.com") is None  # both stores' domain
    assert directory.by_domain("jo@alderfinch.com") == "Alder & Finch Printing"
    said = directory.mentioned("I own the PrintHaus store here in Dover, me and my wife.")
    assert list(said) == ["PrintHaus Express - Dover"]
    assert not directory.mentioned("We looked at PrintHaus's system once.")
    assert not directory.mentioned("Our Dover and Salem customers order flyers.")


def test_a_duplicate_crm_row_fills_blanks_and_the_written_out_name_shows(tmp_path, embedder):
    full = CRMRecord(
        name="Harlow Valley Water District",
        industry="energy_utilities",
        employees=95,
        size_band="51-200",
        stack=["Sage"],
        stage="open",
    )
    duplicate = CRMRecord(name="Harlow Valley Water Dist.", industry="energy_utilities")
    docs = [crm_row(duplicate), crm_row(full)]
    doc = transcript(tmp_path, "harlow.txt", ["Tickets pile up every Monday."])
    doc.account, doc.account_attribution = "Harlow Valley Water Dist.", "front_matter"
    docs.append(doc)
    evidence = [evidence_in(doc, "Tickets pile up every Monday.", EvidenceKind.pain)]
    draft = synthesize(inputs(docs, evidence, embedder), embedder.embed)
    accounts = [a for s in draft.segments for a in s.accounts]
    assert accounts == ["Harlow Valley Water District"]
    assert draft.segments[0].firmographics.employees_min == 95


def test_a_crm_industry_the_schema_does_not_know_keeps_its_own_name():
    from agent.ingest.normalize import industry_id

    assert industry_id("Contract Operations", keep_unmatched=True) == "Contract Operations"
    assert industry_id("Contract Operations") == "other"
    assert industry_id("Private/IOU", keep_unmatched=True) == "Private/IOU"
    assert industry_id("Water/Wastewater - Special District") == "energy_utilities"
    assert industry_id("we run plants for a few towns and more", keep_unmatched=True) == "other"
    assert industry_id("n/a", keep_unmatched=True) == "other"


def test_one_industry_spelled_several_ways_in_a_crm_is_one_industry():
    from agent.synthesize.industry_names import rename_account_industries, spelling_groups

    renamed = spelling_groups(
        [
            "Cannabis Testing",
            "Cannabis Testing",
            "cannabis testing",
            "Cannabis / Hemp Testing",
            "Hemp Testing",
            "Cannabis Lab",
            "Environmental Testing",
            "Environmental Testing",
            "Environmental lab",
            "Food Safety",
            "Food Testing Lab",
            "Testing Laboratory",
            "Regional Airlines",
            "Regional Banking",
            "healthcare",  # a schema key: never renamed
        ]
    )
    assert {renamed[k] for k in ("Hemp Testing", "Cannabis Lab", "cannabis testing")} == {
        "Cannabis Testing"
    }
    assert renamed["Environmental lab"] == "Environmental Testing"
    # "testing" and "lab" say what kind of business, not which: no join through them
    assert renamed["Food Testing Lab"] == renamed["Food Safety"] != "Environmental Testing"
    assert renamed["Testing Laboratory"] == "Testing Laboratory"
    assert renamed["Regional Airlines"] != renamed["Regional Banking"]  # scope words join nothing
    grown = spelling_groups(["Winery", "Winery", "Wine & Spirits", "Art Gallery", "Artisan Foods"])
    assert grown["Wine & Spirits"] == "Winery"  # one word grown from the other
    assert grown["Artisan Foods"] != grown["Art Gallery"]  # not from a word under four letters
    # a plural in "-ies" is its singular; the group is not named in capitals when another
    # spelling is written (an acronym stays one)
    plural = spelling_groups(["BREWERIES", "BREWERIES", "Breweries", "Brewery", "HVAC", "Hvac"])
    assert plural["Brewery"] == plural["BREWERIES"] == "Breweries"
    assert plural["Hvac"] == "HVAC"
    assert "healthcare" not in renamed
    accounts = [
        AccountProfile(name="A", industry="Hemp Testing"),
        AccountProfile(name="B", industry="Cannabis / Hemp Testing"),
        AccountProfile(name="C", industry="Cannabis Testing"),
        AccountProfile(name="D", industry="Cannabis Testing"),
        AccountProfile(name="E", industry="healthcare"),
    ]
    rename_account_industries(accounts)
    assert [a.industry for a in accounts] == ["Cannabis Testing"] * 4 + ["healthcare"]


def test_a_segment_is_named_in_the_crms_own_words_when_most_of_it_shares_them():
    from dataclasses import replace

    labs = [
        replace(c, name=f"Lab {i}", industry_raw=raw)
        for i, (c, raw) in enumerate(
            zip(
                CLINICS * 2,
                ["Dental Laboratories", "dental laboratories", "Dental Laboratories", "Hospital"],
                strict=True,
            )
        )
    ]
    traits = distinguishing_traits(labs, SAAS)
    assert segment_name(traits, labs).startswith("Dental Laboratories, 11–50 employees")
    # a label half of them share, or a catch-all, says no more than the taxonomy
    split = [
        replace(c, industry_raw=r) for c, r in zip(labs, ["A Lab", "A Lab", "B", "C"], strict=True)
    ]
    assert segment_name(traits, split).startswith("Healthcare & Life Sciences")
    vague = [replace(c, industry_raw="Other Services") for c in labs]
    assert segment_name(traits, vague).startswith("Healthcare & Life Sciences")


def test_a_name_says_the_industry_a_catch_all_crm_label_does_not():
    from agent.synthesize.industry_names import industries_from_names

    def crm(name: str, raw: str, industry: str) -> AccountProfile:
        return AccountProfile(name=name, industry=industry, industry_raw=raw)

    accounts = [
        *(crm(f"{n} Roofing", "Roofing", "construction_trades") for n in ("Alder", "Birch", "Oak")),
        *(crm(f"{n} Roofing Co", "Roofers", "construction_trades") for n in ("Ash", "Yew")),
        crm("Cinder Roofing & Gutters", "Roofing Contractors", "construction_trades"),
        crm("Dune Roofing Services", "Consumer Services", "other"),  # a picklist catch-all
        crm("Elm Roofing Pros", "Home Improvement", "Home Improvement"),  # a label of its own
        crm("Fir Roofing Supply", "Wholesale", "wholesale_distribution"),  # a taxonomy industry
        crm("Gale Gutters", "Consumer Services", "other"),  # its name says nothing
    ]
    moved = industries_from_names(accounts)
    assert moved == ["Dune Roofing Services", "Elm Roofing Pros"]
    assert [(a.industry, a.industry_raw) for a in accounts[6:8]] == [
        ("construction_trades", "Roofing")  # the label most of them have
    ] * 2
    assert (accounts[8].industry, accounts[9].industry) == ("wholesale_distribution", "other")
    # a word a third of the names share with other industries decides nothing
    mixed = [
        crm("Hale Dental Lab", "Dental Laboratories", "healthcare"),
        crm("Ivy Dental Lab", "Dental Laboratories", "healthcare"),
        crm("Jade Dental Studio", "Consumer Services", "other"),
        crm("Kite Dental Supply", "Wholesale", "wholesale_distribution"),
    ]
    assert industries_from_names(mixed) == []


def test_an_industry_synonym_matches_in_the_plural_a_short_one_only_as_written():
    from agent.ingest.normalize import industry_id

    assert industry_id("Manufacturers") == "manufacturing"
    assert industry_id("Lenders") == "financial_services"
    assert industry_id("Marketing Agencies") == "media_marketing"  # "agency", y → ies
    assert industry_id("its") == "other"  # "it" (IT) is no "its"


def test_environmental_services_is_no_utility():
    from agent.ingest.normalize import industry_id

    # hospital housekeeping, waste handling or a testing lab: never Energy & Utilities
    assert industry_id("Environmental Services", keep_unmatched=True) == "Environmental Services"
    assert industry_id("Public Utility - Water") == "energy_utilities"


def test_a_theme_said_in_two_segments_is_shared_at_the_top(tmp_path, embedder):
    """A problem one SaaS account and one clinic both describe is one shared theme, whatever
    their segments; a pain only one account states is not shared."""
    said = {
        "Saas 0": "Every week the meter numbers in our billing system don't match what's in the field.",
        "Clinic One": "The meter records in billing never match what the field crew actually installed.",
        "Saas 1": "Our onboarding checklist lives in a Google Doc that nobody updates.",
    }
    docs: list[SourceDocument] = []
    evidence: list[Evidence] = []
    for account in SAAS + CLINICS:
        docs.append(
            crm_row(
                CRMRecord(
                    name=account.name,
                    industry=account.industry,
                    size_band=account.size_band,
                    stack=account.stack,
                    stage=account.outcome,  # type: ignore[arg-type]
                )
            )
        )
        line = said.get(account.name, "Tickets pile up every Monday.")
        doc = transcript(tmp_path, f"{account.name.lower().replace(' ', '-')}.txt", [line])
        doc.account, doc.account_attribution = account.name, "front_matter"
        docs.append(doc)
        evidence.append(evidence_in(doc, line, EvidenceKind.pain))
    draft = synthesize(inputs(docs, evidence, embedder), embedder.embed)
    segment_of = {a: s.id for s in draft.segments for a in s.accounts}
    assert segment_of["Saas 0"] != segment_of["Clinic One"]
    shared = [
        {r.account for r in claim.evidence} for claim in draft.shared_themes if claim.kind == "pain"
    ]
    assert {"Saas 0", "Clinic One"} in shared
    assert all("Saas 1" not in accounts for accounts in shared)
    assert all(claim.accounts >= 2 for claim in draft.shared_themes)
    assert any("several accounts across the research" in line for line in draft.summary)


def test_a_theme_shared_by_a_common_word_alone_is_no_shared_theme():
    """Quotes of a study about data that share only "data" (said in most statements) are a
    blur; two that share "meter" (said in few) are a theme."""
    from collections import Counter

    from agent.schema.icp import Claim, EvidenceRef
    from agent.synthesize.themes import _shares_a_specific_word, _stems

    def claim(*quotes: str) -> Claim:
        refs = [
            EvidenceRef(doc_id=f"d{i}", source="s", quote=q, start=0, end=len(q), account=f"a{i}")
            for i, q in enumerate(quotes)
        ]
        return Claim(
            label="x",
            kind="pain",
            accounts=len(quotes),
            mentions=len(quotes),
            share=0.1,
            evidence=refs,
        )

    corpus = [f"The data in system {i} is wrong again." for i in range(20)] + [
        "The meter numbers in billing never match the field.",
        "Meter swaps reach billing weeks late.",
    ]
    frequency = Counter(stem for q in corpus for stem in set(_stems(q)))
    common = max(3.0, 0.05 * len(corpus))
    specific = {stem for stem, n in frequency.items() if n <= common}  # `specific_stems`
    assert not _shares_a_specific_word(
        claim("The data in system 1 is wrong again.", "The data in system 2 is wrong again."),
        specific,
    )
    assert _shares_a_specific_word(claim(*corpus[-2:]), specific)
    # two accounts saying the very same sentence share its words
    same = "Meter swaps reach billing weeks late."
    assert _shares_a_specific_word(claim(same, same), specific)


def test_a_segment_of_three_crm_labels_is_named_by_them_not_mixed_industry():
    # laundries one CRM files as "Linen Supply", "Textile Rental" and "Industrial Laundry"
    def laundry(name: str, industry: str, raw: str) -> AccountProfile:
        account = crm_account(name, industry, "201-500", ["Samsara"], "won")
        account.industry_raw = raw
        return account

    members = (
        [laundry(f"Linen {i}", "Linen Supply", "Linen Supply") for i in range(4)]
        + [laundry(f"Textile {i}", "Textile Rental", "Textile Rental") for i in range(3)]
        + [laundry(f"Plant {i}", "manufacturing", "Industrial Laundry") for i in range(3)]
        + [laundry(f"Other {i}", f"industry {i}", f"Industry {i}") for i in range(4)]
    )
    name = segment_name([], members)
    assert name.startswith("Linen Supply / Textile Rental / Industrial Laundry"), name
    # three labels that cover too little of the segment: it is mixed
    assert segment_name([], members[:4] + members[7:8] + members[10:]).startswith("Mixed")


def test_a_pair_the_clustering_split_is_one_group_by_the_uncommon_words_only_it_says():
    # two turnout-gear shops, one filed under government among laundries, the other under
    # "Protective Equipment Services" among dry cleaners: none of their words is rare enough
    # alone, but the words they alone say weigh enough together
    from agent.synthesize.traits import uncommon_word_groups

    laundries = saying(
        "Linen",
        6,
        ["Samsara"],
        "The hotels dispute our soil counts every month and short-pay the invoice.",
        "Drivers keep the par levels in their heads.",
        industry="Linen Supply",
        band="201-500",
    )
    cleaners = saying(
        "Cleaner",
        4,
        ["Square"],
        "My customers just bring a bag and I know every regular by name.",
        industry="retail_ecommerce",
        band="1-10",
        outcome="lost",
    )
    gear = [
        said(
            crm_account("Fire District", "government_public", "201-500", ["Excel"], "won"),
            "Our firefighters' loaner sets go missing after every fire and nobody inspects "
            "the turnout coats on time.",
        ),
        said(
            crm_account("Gear Services", "Protective Equipment Services", "11-50", [], "won"),
            "She inspects every turnout coat the firefighters bring and tracks the loaner "
            "pool on a whiteboard.",
        ),
    ]
    everyone = laundries + cleaners + gear
    groups = uncommon_word_groups(everyone, 3, 5.0)
    assert [([a.name for a in group], said_words[:2]) for group, said_words in groups] == [
        (["Fire District", "Gear Services"], ["loaner", "inspects"])
    ]
    split = Segmentation(
        {
            **{a.name: 0 for a in laundries + gear[:1]},
            **{a.name: 1 for a in cleaners + gear[1:]},
        },
        2,
        0.0,
        "two",
        {},
    )
    separated = separate_distinct_groups(split, everyone)
    assert {separated.labels[a.name] for a in gear} == {2}
    assert {separated.labels[a.name] for a in laundries} == {0}
    assert {separated.labels[a.name] for a in cleaners} == {1}
    assert "saying 'loaner', 'inspects'" in separated.criterion
    # words everyone around says too, or everyday ones, weigh nothing: the split stands
    plain = [
        said(crm_account("District", "government_public", "201-500", [], "won"), "Par levels."),
        said(crm_account("Services", "other", "11-50", [], "won"), "They just bring a bag."),
    ]
    assert uncommon_word_groups(laundries + cleaners + plain, 3, 5.0) == []


def test_two_accounts_of_one_industry_in_a_segment_two_industries_lead_stand_apart():
    # rental companies filed under "Event Services" and under hospitality, tied, with two prop
    # houses filed under media, smaller than all of them: their own hypothesis segment
    def account(name: str, industry: str, band: str) -> AccountProfile:
        return crm_account(name, industry, band, ["QuickBooks"], "won")

    rentals = [account(f"Rental {i}", "Event Services", "51-200") for i in range(4)]
    venues = [account(f"Venue {i}", "hospitality", "51-200") for i in range(4)]
    props = [account(f"Props {i}", "media_marketing", "11-50") for i in range(2)]
    leasing = [account(f"Leasing {i}", "real_estate", "201-500") for i in range(2)]
    members = rentals + venues + props + leasing
    one = Segmentation({a.name: 0 for a in members}, 1, 0.0, "one", {})
    separated = separate_distinct_groups(one, members)
    assert {separated.labels[a.name] for a in props} == {1}
    assert {separated.labels[a.name] for a in rentals + venues} == {0}


def test_three_accounts_of_three_industries_need_a_trait_they_clearly_hold():
    # three party-rental owners filed under three labels among party-rental owners of their
    # size: two of them on Facebook sets them apart from nobody
    def owner(name: str, industry: str, stack: list[str]) -> AccountProfile:
        return crm_account(name, industry, "1-10", stack, "lost")

    shops = [
        owner("Shop 0", "Event Services", ["Facebook"]),
        *(owner(f"Shop {i}", "Event Services", ["Venmo"]) for i in range(1, 4)),
    ]
    odd = [
        owner("Jumpers", "media_marketing", ["Facebook"]),
        owner("Kid Kingdom", "Recreational Services", ["Facebook"]),
        owner("Chairs", "Chairs & tables", ["PayPal"]),
    ]
    one = Segmentation({a.name: 0 for a in shops + odd}, 1, 0.0, "one", {})
    assert separate_distinct_groups(one, shops + odd) is one
    # three volunteer-run groups of 1–10 among foundations of 11–50 do stand apart
    foundations = [
        crm_account(f"Foundation {i}", "nonprofit", "11-50", ["QuickBooks"], "won")
        for i in range(5)
    ] + [crm_account("Pantry", "nonprofit", "1-10", ["QuickBooks"], "won")]
    volunteers = [
        crm_account(name, industry, "1-10", ["QuickBooks"], "won")
        for name, industry in [
            ("Library Friends", "Libraries"),
            ("History Society", "Museums & Institutions"),
            ("Animal Rescue", "Animal Welfare"),
        ]
    ]
    grants = Segmentation({a.name: 0 for a in foundations + volunteers}, 1, 0.0, "one", {})
    separated = separate_distinct_groups(grants, foundations + volunteers)
    assert {separated.labels[a.name] for a in volunteers} == {1}


@pytest.mark.parametrize(
    "label, industry",
    [
        ("Self-Storage", "real_estate"),
        ("Self Storage", "real_estate"),
        ("Health_Care", "healthcare"),
        ("Co-op", "Co-op"),  # no known label joined by a hyphen: the CRM's own word
    ],
)
def test_an_industry_hyphenated_or_underscored_is_the_same_industry(label, industry):
    from agent.ingest.normalize import industry_id

    assert industry_id(label, keep_unmatched=True) == industry
