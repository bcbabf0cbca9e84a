"""Survey and CRM exports: PMF/NPS detection, dedupe, encodings, normalisation, the real Jupyter survey."""

from __future__ import annotations

import json

import pytest
from conftest import JUPYTER_SURVEY
from helpers import load, write

from agent.errors import SourceError
from agent.ingest.normalize import outcome, parse_employees, parse_money, region_code
from agent.schema import SourceKind

SURVEY = (
    "Submitted At,Email,Company,Your role,Company size,Industry,"
    '"How would you feel if you could no longer use Relaypoint?",'
    '"How likely are you to recommend Relaypoint to a colleague? (0-10)",'
    '"What is the main benefit you receive from Relaypoint?"\n'
    '2026-03-01 09:00,ana@harbor.io,Harbor Analytics Inc.,Support lead,51-200,Computer Software,Very disappointed,9,"We finally score every ticket.\n'
    'Coaching is faster."\n'
    "2026-03-01 10:00,bo@harbor.io,Harbor Analytics,Manager,51-200,SaaS,  VERY DISAPPOINTED ,10,Less manual review\n"
    "2026-03-02 11:00,cy@kinetic.com,Kinetic CX,Owner,11-50,Marketing and Advertising,Not disappointed (it really isn’t that useful),3,Not much\n"
    "2026-03-03 12:00,CY@kinetic.com ,Kinetic CX,Owner,11-50,Marketing and Advertising,somewhat disappointed,6,Reports\n"
    "2026-03-03 13:00,dee@clinic.org,Sagebrush Clinics,Director,51-200,Hospital & Health Care,,7,\n"
    "2026-03-04 14:00,ed@paycrest.com,Paycrest,Analyst,201-500,Fintech,N/A – I no longer use Relaypoint,,\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_pmf_survey_detected_normalised_and_deduped(tmp_path, encoding):
    loaded = load(write(tmp_path / "pmf.csv", SURVEY, encoding))
    docs = loaded.documents
    assert loaded.rows == 6 and loaded.duplicate_rows == 1 and len(docs) == 5
    by_email = {d.survey.respondent: d.survey for d in docs}
    assert by_email["ana@harbor.io"].pmf_answer == "very"
    assert by_email["bo@harbor.io"].pmf_answer == "very"
    # the later submission wins, email compared case-insensitively and trimmed
    assert (
        by_email["cy@kinetic.com"].pmf_answer == "somewhat" and by_email["cy@kinetic.com"].nps == 6
    )
    assert by_email["dee@clinic.org"].pmf_answer is None
    assert by_email["ed@paycrest.com"].pmf_answer == "na"
    assert by_email["ana@harbor.io"].industry == "software_saas"
    assert by_email["cy@kinetic.com"].industry == "media_marketing"
    assert by_email["ana@harbor.io"].size_band == "51-200"
    ana = next(d for d in docs if d.survey.respondent == "ana@harbor.io")
    assert ana.kind == SourceKind.survey and ana.account == "Harbor Analytics Inc."
    answer = ana.text[ana.turns[0].start : ana.turns[0].end]
    assert answer == "We finally score every ticket.\nCoaching is faster."


def test_a_resubmission_with_a_new_id_is_the_same_person_by_e_mail(tmp_path):
    # Form tools give every submission a new response id: the e-mail (any case, stray spaces)
    # still names the person, and an id shared by rows without e-mail does too.
    survey = (
        "Response ID,Submitted,Email,How would you feel if you could no longer use Brindle?\n"
        "r1,2026-10-01 09:00,ana@kestrel.com,Somewhat disappointed\n"
        "r2,2026-10-02 09:00,bo@ridgeway.com,Very disappointed\n"
        "r7,2026-10-09 09:00, ANA@Kestrel.com ,Very disappointed\n"
        "r2,2026-10-10 09:00,,Not disappointed\n"
        "r9,2026-10-11 09:00,cy@harlow.com,Very disappointed\n"
    )
    loaded = load(write(tmp_path / "pmf.csv", survey, "utf-8"))
    assert loaded.rows == 5 and loaded.duplicate_rows == 2
    answers = sorted((d.survey.respondent, d.survey.pmf_answer) for d in loaded.documents)
    assert answers == [
        ("ana@kestrel.com", "very"),  # the later submission, new id, same e-mail
        ("cy@harlow.com", "very"),
        ("r2", "not"),  # bo's later submission: same id, e-mail left blank
    ]


QUALTRICS = (
    "StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,"
    "ResponseId,RecipientEmail,Q1,Q2,Q3,Q4_1\n"
    "Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,"
    'Recorded Date,Response ID,Recipient Email,"How would you feel if you could no longer use '
    'Hookline?","How likely are you to recommend Hookline to a friend or colleague?",'
    '"What is the main benefit you receive from Hookline?",Company name - Text\n'
    '"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}",'
    '"{""ImportId"":""endDate"",""timeZone"":""America/Denver""}","{""ImportId"":""status""}",'
    '"{""ImportId"":""ipAddress""}","{""ImportId"":""progress""}","{""ImportId"":""duration""}",'
    '"{""ImportId"":""finished""}","{""ImportId"":""recordedDate""}","{""ImportId"":""_recordId""}",'
    '"{""ImportId"":""recipientEmail""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}",'
    '"{""ImportId"":""QID3_TEXT""}","{""ImportId"":""QID4_1_TEXT""}"\n'
    "2026-09-01 09:00,2026-09-01 09:04,IP Address,10.0.0.1,100,240,True,2026-09-01 09:04,"
    "R_1a,ana@calder.example,Very disappointed,9,Dispatch in one screen,Calder Tow Group\n"
    "2026-09-01 10:00,2026-09-01 10:01,IP Address,10.0.0.2,12,40,False,2026-09-08 10:01,"
    "R_2b,,,,,\n"
    "2026-09-02 11:00,2026-09-02 11:05,IP Address,10.0.0.3,100,300,True,2026-09-02 11:05,"
    "R_3c,bo@mercer.example,somewhat disappointed,7,Impound releases,Mercer Brothers Towing\n"
    "2026-09-03 11:00,2026-09-03 11:05,IP Address,10.0.0.4,100,300,True,2026-09-03 11:05,"
    "R_4d,cy@lonepine.example,Not disappointed,4,Not much,Lone Pine Towing\n"
)


def test_a_qualtrics_export_reads_its_questions_and_skips_its_header_rows(tmp_path):
    """Qualtrics writes three header rows (ids, question text, ImportId): the two below the ids
    name the questions and are no respondents; a partial session that answered nothing is empty
    although the tool filled its progress, duration and "Finished" cells."""
    loaded = load(write(tmp_path / "hookline_survey.csv", QUALTRICS))
    docs = loaded.documents
    assert len(docs) == 3
    answers = sorted((d.survey.respondent, d.survey.pmf_answer, d.survey.nps) for d in docs)
    assert answers == [
        ("ana@calder.example", "very", 9),
        ("bo@mercer.example", "somewhat", 7),
        ("cy@lonepine.example", "not", 4),
    ]
    ana = next(d for d in docs if d.survey.respondent == "ana@calder.example")
    assert ana.account == "Calder Tow Group"
    # each answer is filed under its question, not "Q3"; the tool's own cells are no answers
    questions = {**ana.survey.segments, **ana.survey.answers}
    assert questions == {
        "What is the main benefit you receive from Hookline?": "Dispatch in one screen"
    }
    assert "How would you feel if you could no longer use Hookline?: Very disappointed" in ana.text
    assert "10.0.0.1" not in ana.text and "True" not in ana.text and "Q1" not in ana.text


def test_a_company_answer_that_names_nobody_links_no_account(tmp_path):
    # "my company" (a driver who would not say) is no account; a named company still is
    survey = (
        "Email,Company name,How would you feel if you could no longer use Pressgrove?\n"
        "a@x.example,my company,Very disappointed\n"
        "b@x.example,Our plant,Somewhat disappointed\n"
        "c@x.example,Not sure,Very disappointed\n"
        "d@x.example,Lone Pine Linen,Very disappointed\n"
        "e@x.example,self,Somewhat disappointed\n"  # a consultant answering for no company
        "f@x.example,Consultant,Somewhat disappointed\n"
    )
    loaded = load(write(tmp_path / "pmf.csv", survey, "utf-8"))
    companies = sorted((d.survey.respondent, d.survey.company) for d in loaded.documents)
    assert companies == [
        ("a@x.example", None),
        ("b@x.example", None),
        ("c@x.example", None),
        ("d@x.example", "Lone Pine Linen"),
        ("e@x.example", None),
        ("f@x.example", None),
    ]
    assert {d.account for d in loaded.documents} == {None, "Lone Pine Linen"}


def test_a_short_respondent_id_column_dedupes_resubmissions(tmp_path):
    # "rid" (response id) repeats when a respondent resubmits; the later answer counts
    survey = (
        "rid,submitted,mail,how_disappointed\n"
        "R1046,2026-11-19 09:30,pi.lab@dunmore.example.edu,Not disappointed\n"
        "R1048,2026-11-19 10:30,proteomics@halvorsen.example.edu,Somewhat disappointed\n"
        "R1048,2026-11-23 10:00,,Not disappointed\n"
    )
    loaded = load(write(tmp_path / "pmf.csv", survey, "utf-8"))
    assert loaded.duplicate_rows == 1 and len(loaded.documents) == 2
    answers = sorted(d.survey.pmf_answer for d in loaded.documents)
    assert answers == ["not", "not"]


def test_a_double_click_with_its_own_submission_id_is_one_respondent(tmp_path):
    """A form numbers every submission ("SV-2248", "SV-2249"): an id that never repeats names
    no person, so two rows without e-mail identical in every other cell and sent at the same
    moment are one respondent; the same answers a week apart are two."""
    survey = (
        "id,disappointed,company,email,submitted\n"
        "SV-1,Very disappointed,Harbor Marine,ana@harbor.example,2026-09-01 10:00:00\n"
        "SV-2,not disappointed,,,2026-09-26 15:08:40\n"
        "SV-3,not disappointed,,,2026-09-26 15:08:40\n"
        "SV-4,Somewhat disappointed,,,2026-09-02 09:00:00\n"
        "SV-5,Somewhat disappointed,,,2026-09-09 09:00:00\n"
    )
    loaded = load(write(tmp_path / "pmf.csv", survey, "utf-8"))
    assert loaded.duplicate_rows == 1 and len(loaded.documents) == 4
    answers = sorted(d.survey.pmf_answer for d in loaded.documents)
    assert answers == ["not", "somewhat", "somewhat", "very"]


def test_survey_xlsx(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    rows = [line for line in SURVEY.splitlines()]
    import csv
    import io

    for record in csv.reader(io.StringIO(SURVEY)):
        sheet.append(record)
    path = tmp_path / "pmf.xlsx"
    book.save(path)
    loaded = load(path)
    assert len(loaded.documents) == 5 and rows
    # a cover sheet first, the responses on the second sheet under a title line of their own
    book = Workbook()
    cover = book.active
    cover.append(["Spring 2026 customer survey — exported 2026-05-30"])
    cover.append(["Prepared by the research team"])
    responses = book.create_sheet("Responses")
    responses.append(["Responses as of May 30"])
    for record in csv.reader(io.StringIO(SURVEY)):
        responses.append(record)
    path = tmp_path / "covered.xlsx"
    book.save(path)
    assert len(load(path).documents) == 5


def test_real_jupyter_survey_loads_every_response():
    loaded = load(JUPYTER_SURVEY)
    assert loaded.rows == 1706
    # partial sessions that never answered anything are not responses
    assert loaded.empty_rows > 500
    assert len(loaded.documents) == loaded.rows - loaded.empty_rows - loaded.duplicate_rows
    assert len(loaded.documents) > 1000
    assert loaded.duplicate_rows < 10
    assert any("product-market-fit" in w for w in loaded.warnings)
    surveys = [d.survey for d in loaded.documents]
    roles = [s.role for s in surveys if s.role]
    assert sum(1 for r in roles if "data scientist" in r.lower()) > 50
    industries = {s.industry for s in surveys if s.industry}
    assert {"software_saas", "education", "financial_services", "healthcare"} <= industries
    frequency = [s.segments.get("How often do you use Jupyter Notebook?") for s in surveys]
    assert frequency.count("Daily") > 300
    # the three 'Workflow Need #n' columns are one question with up to three answers
    needs = [
        s.answers.get("What needs in your workflow does Jupyter Notebook address?", "")
        for s in surveys
    ]
    assert any(n.count("\n") == 2 for n in needs)


CRM = (
    "Account Name,Website,Industry,Employees,Annual Revenue,Billing State/Province,Billing Country,Tech Stack,ERP,Stage,ACV\n"
    'Brookfield Tooling,https://www.brookfieldtooling.com,Machinery,201–500 employees,$48M,Texas,USA,"Salesforce; Slack",Epicor,Closed Won,"$42,000"\n'
    "Gulfline Industrial Supply,gulfline.com,Industrial Distribution,200-500,12.5m,TX,United States,HubSpot,NetSuite,Customer - Expanded,24k\n"
    'Cedar Ridge Conveyor,cedarridge.ca,Industrial Automation,~1.2k,"120,000,000",Ontario,Canada,,SAP Business One,Negotiation,\n'
    "Hollis Fabrication,hollisfab.com,Job shop,8,$1.5M,Québec,CA,QuickBooks,,Closed Lost,15000\n"
    "Dutch Creek Machine,dutchcreek.com,Computer Software,45,,PA,US,,QBO,Churned,12k\n"
)


def test_crm_csv_normalised(tmp_path):
    docs = {d.account: d.crm for d in load(write(tmp_path / "crm.csv", CRM)).documents}
    brookfield = docs["Brookfield Tooling"]
    assert (brookfield.employees, brookfield.size_band) == (350, "201-500")
    assert (
        brookfield.industry == "manufacturing"
        and brookfield.region == "US-TX"
        and brookfield.country == "US"
    )
    assert brookfield.stage == "won" and brookfield.acv == 42000 and brookfield.revenue_usd == 48e6
    assert brookfield.domain == "brookfieldtooling.com"
    assert brookfield.stack == ["Salesforce", "Slack", "Epicor"]
    gulfline = docs["Gulfline Industrial Supply"]
    assert (
        gulfline.size_band == "201-500" and gulfline.stage == "expanded" and gulfline.acv == 24000
    )
    assert gulfline.industry == "wholesale_distribution" and gulfline.revenue_usd == 12.5e6
    cedar = docs["Cedar Ridge Conveyor"]
    assert (cedar.employees, cedar.size_band, cedar.region, cedar.stage) == (
        1200,
        "1001-5000",
        "CA-ON",
        "open",
    )
    hollis = docs["Hollis Fabrication"]
    assert (hollis.size_band, hollis.region, hollis.stage) == ("1-10", "CA-QC", "lost")
    dutch = docs["Dutch Creek Machine"]
    assert dutch.stage == "churned" and dutch.size_band == "11-50" and dutch.region == "US-PA"
    assert "QuickBooks" in dutch.stack


def test_crm_export_with_a_line_before_its_header_and_semicolons(tmp_path):
    text = (
        "Exported from Pipedrive 2026-10-01\n"
        "Organization; Website; Industry; Employees; Stage; ACV\n"
        "Copperline Group; copperline.example; Restaurants; 400; Won; 24000\n"
        "Mabel's Counter; mabels.example; Food & Beverages; 12; Lost; 5000\n"
    )
    loaded = load(write(tmp_path / "crm.csv", text))
    docs = {d.account: d.crm for d in loaded.documents}
    assert set(docs) == {"Copperline Group", "Mabel's Counter"}
    assert docs["Copperline Group"].employees == 400
    assert docs["Mabel's Counter"].stage == "lost"


@pytest.mark.parametrize(
    "header", ["Number of Locations", "# of sites", "Facilities", "Branches", "location count"]
)
def test_crm_count_of_locations(tmp_path, header):
    text = (
        f"Company name,Number of Employees,Industry,{header},Deal Stage\n"
        "Harrowgate Memorial Group,160,Consumer Services,11,Closed Won\n"
        "Kettleby Funeral Chapel,3,Death Care,1,Churned\n"
        'Larchmont Health,"10,001+",Medical Practice,2-3,Open\n'
        "Ashby Funeral Home,5,Funeral Services,,Closed Lost\n"
    )
    docs = {d.account: d.crm for d in load(write(tmp_path / "crm.csv", text)).documents}
    assert docs["Harrowgate Memorial Group"].locations == 11
    assert docs["Harrowgate Memorial Group"].employees == 160  # not read as places
    assert docs["Kettleby Funeral Chapel"].locations == 1
    assert docs["Larchmont Health"].locations == 2
    assert docs["Ashby Funeral Home"].locations is None


def test_crm_json_nested(tmp_path):
    records = {
        "accounts": [
            {
                "name": "Keller Mechanical",
                "domain": "kellermech.com",
                "firmographics": {
                    "industry": "Mechanical or Industrial Engineering",
                    "employees": "51-200",
                },
                "address": {"state": "Ohio", "country": "US"},
                "stack": ["Sage 300 CRE", "Slack"],
                "deal": {"stage": "Closed Won", "acv": "$36k"},
            },
            {
                "name": "Joe's Plumbing",
                "domain": "joesplumbing.com",
                "firmographics": {"industry": "Plumbing", "employees": 2},
                "address": {"state": "OK", "country": "USA"},
                "stack": ["Jobber"],
                "deal": {"stage": "Lost - went with Jobber", "acv": 4800},
            },
        ]
    }
    docs = {
        d.account: d.crm for d in load(write(tmp_path / "crm.json", json.dumps(records))).documents
    }
    assert (
        docs["Keller Mechanical"].region == "US-OH"
        and docs["Keller Mechanical"].stage == "won"
        and docs["Keller Mechanical"].acv == 36000
    )
    assert docs["Keller Mechanical"].stack[:1] == ["Sage 300 CRE"]
    plumbing = docs["Joe's Plumbing"]
    assert (
        plumbing.industry == "construction_trades"
        and plumbing.size_band == "1-10"
        and plumbing.stage == "lost"
    )


@pytest.mark.parametrize(
    ("raw", "count", "band"),
    [
        ("201–500 employees", 350, "201-500"),
        ("200-500", 350, "201-500"),
        ("~1.2k", 1200, "1001-5000"),
        ("45", 45, "11-50"),
        ("10,000+", 10000, "5001+"),
        ("1-10", 6, "1-10"),
        ("5001+", 5001, "5001+"),
        ("Self-employed", 1, "1-10"),
    ],
)
def test_employee_bands(raw, count, band):
    assert parse_employees(raw) == (count, band)


def test_money_states_and_stages():
    assert (
        parse_money("$18,000") == 18000
        and parse_money("18k") == 18000
        and parse_money("12.5m") == 12.5e6
    )
    assert parse_money("10-50M") == 30e6
    assert region_code("Québec") == ("CA-QC", "CA") and region_code("Quebec") == ("CA-QC", "CA")
    assert region_code("CA", "CA")[0] != "US-CA" and region_code("CA", "US")[0] == "US-CA"
    assert region_code("Newfoundland") == ("CA-NL", "CA")
    assert [
        outcome(s)
        for s in [
            "Closed Won",
            "Closed Lost",
            "Churned",
            "Customer – Expanded",
            "Negotiation",
            "Customer - Renewed",
        ]
    ] == ["won", "lost", "churned", "expanded", "open", "won"]


def test_table_that_is_neither_survey_nor_crm_is_rejected(tmp_path):
    with pytest.raises(SourceError, match="neither a survey"):
        load(write(tmp_path / "x.csv", "a,b\n1,2\n3,4\n"))


def test_malformed_csv_names_the_line(tmp_path):
    with pytest.raises(SourceError, match="malformed CSV"):
        load(
            write(
                tmp_path / "x.csv", 'Account Name,Industry,Employees\n"Acme,SaaS,10\nBeta,SaaS,20\n'
            )
        )


HIGHLIGHTS = """Highlight,Tags,Note title,Participant,Created
we got a major nonconformance on allergen changeover verification in the August audit,"trigger, allergen",Harvest Hearth – Dana W. (QA Mgr),Dana Whitfield,2024-04-10 09:12
"It was about three weeks before every audit where me and one of my techs stopped doing our jobs.",pain:audit-prep,Harvest Hearth – Dana W. (QA Mgr),Dana Whitfield,2024-04-10 09:14
"It was about three weeks before every audit where me and one of my techs stopped doing our jobs.",pain:audit-prep,Harvest Hearth – Dana W. (QA Mgr),Dana Whitfield,2024-04-10 09:15
The recipes change every single day so a fixed production run makes no sense for us.,pain,Churn interview #3 (FreshFold),Participant,2024-04-12 10:00
"""


def test_a_highlights_export_is_notes_per_interview_not_a_survey(tmp_path, embedder):
    """A Dovetail-style export: quotes of a few interviews, one notes document per note (its
    tags as context, a repeated highlight once), attributed by the note's title."""
    from synthetic_research import crm_row

    from agent.schema import CRMRecord
    from agent.synthesize.accounts import build_accounts

    loaded = load(write(tmp_path / "highlights.csv", HIGHLIGHTS))
    assert [d.kind for d in loaded.documents] == [SourceKind.notes, SourceKind.notes]
    assert any("not a survey" in w for w in loaded.warnings)
    harvest = loaded.documents[0]
    assert harvest.text.count("three weeks before every audit") == 1
    assert [t.section for t in harvest.turns] == ["trigger, allergen", "pain:audit-prep"]
    assert all(harvest.text[t.start : t.end].strip() for t in harvest.turns)
    crm = [
        crm_row(CRMRecord(name="Harvest Hearth Bakery, Inc.")),
        crm_row(CRMRecord(name="FreshFold Kitchens")),
    ]
    book = build_accounts([*crm, *loaded.documents], [])
    assert {d.account for d in loaded.documents} == {
        "Harvest Hearth Bakery, Inc.",
        "FreshFold Kitchens",
    }
    assert set(book.accounts) == {"Harvest Hearth Bakery, Inc.", "FreshFold Kitchens"}


@pytest.mark.parametrize(
    ("name", "text", "outcome_", "rival"),
    [
        (
            "night-owl.md",
            "# Night Owl Kitchens — deal review\n\n**Account:** Night Owl Kitchens (Chicago, IL)\n"
            "**Outcome:** Lost\n**Lost to:** MiseOS\n\n**Why:**\n- Menus change every day.\n",
            "lost",
            "MiseOS",
        ),
        (
            "greenbox-review.md",
            "# Greenbox Meals\n\n**Account:** Greenbox Meals\n**Deal result:** Closed lost\n"
            "**Competitors:** MiseOS\n**Contract value:** $9,000\n\n## Why\n- Menus change daily.\n",
            "lost",
            "MiseOS",
        ),
        (
            "FW_ Pepper Hollow - closed lost.txt",
            "From: Sam <sam@vendor.io>\nSubject: FW: proposal\n\nWe are going to pass for now. "
            "Four hundred a month is more than we pay for QuickBooks.\n",
            "lost",
            None,
        ),
    ],
)
def test_a_deal_write_up_without_front_matter_is_a_deal_note(tmp_path, name, text, outcome_, rival):
    doc = load(write(tmp_path / name, text)).documents[0]
    assert doc.kind == SourceKind.win_loss and doc.deal is not None
    assert doc.deal.outcome == outcome_ and doc.deal.competitor == rival
    if rival:
        assert doc.account in {"Night Owl Kitchens", "Greenbox Meals"}
