"""Every transcript shape real exports take loads into speaker turns with exact offsets."""

from __future__ import annotations

import pytest
from helpers import load, spoken, write

from agent.schema import SourceKind, SpeakerRole


def test_plain_labels_multiline_turns_and_interviewer_by_questions(tmp_path):
    doc = load(
        write(
            tmp_path / "call.txt",
            "Sam: Thanks for making time. How does a quote get built today?\n"
            "Dana: Honestly it's a mess. We rebuild every quote in Excel\n"
            "and then re-key it into Epicor.\n"
            "Sam: How long does that take?\n"
            "Dana: About three days for anything custom.\n"
            "Sam: And who signs off on discounts?\n"
            "Dana: Our CFO, for anything over ten percent.\n",
        )
    ).documents[0]
    assert doc.kind == SourceKind.transcript
    roles = {s.name: s.role for s in doc.speakers}
    assert roles == {"Sam": SpeakerRole.interviewer, "Dana": SpeakerRole.customer}
    customer = spoken(doc, "customer")
    assert customer[0] == (
        "Dana",
        "Honestly it's a mess. We rebuild every quote in Excel\nand then re-key it into Epicor.",
    )
    assert all(
        doc.text[t.start : t.end] == text
        for t, (_, text) in zip(
            [t for t in doc.turns if t.role == SpeakerRole.customer], customer, strict=True
        )
    )


def test_a_second_interviewer_who_opens_the_call_is_found(tmp_path):
    """Two vendor people on a call: the one who opens it and asks in about half of their short
    turns is an interviewer too (a gold corpus had her as the customer, so her "That's a great
    place to end." became a job)."""
    doc = load(
        write(
            tmp_path / "call.txt",
            "Rachel: Hi, can you both hear me okay?\n"
            "Aisha: Yep, loud and clear, thanks for setting this up with the whole team.\n"
            "Rachel: Great. Thanks for doing this on Teams, by the way.\n"
            "Aisha: We're a Microsoft shop for everything except the data stack, so this is easier.\n"
            "Rachel: And what's the stack, roughly?\n"
            "Colm: BigQuery, dbt Core, Dagster, Fivetran for Salesforce, and then Looker on top.\n"
            "Rachel: Can you tell me about a time something broke and it hurt?\n"
            "Aisha: In June the servicing export dropped rows for three days and every run was green.\n"
            "Jules: Does anyone read the freshness report?\n"
            "Colm: Not really, it goes to a channel that nobody has looked at since the spring.\n"
            "Jules: How much does that cost you, roughly?\n"
            "Aisha: We reissued forty invoices and lost most of a week of two engineers' time.\n"
            "Jules: And what changes for you if this works?\n"
            "Colm: I stop getting paged at night for things that turn out to be fine in the morning.\n"
            "Rachel: Teams is on the roadmap but I don't want to promise a date.\n"
            "Rachel: That's a great place to end.\n",
        )
    ).documents[0]
    roles = {s.name: s.role for s in doc.speakers}
    assert roles == {
        "Rachel": SpeakerRole.interviewer,
        "Jules": SpeakerRole.interviewer,
        "Aisha": SpeakerRole.customer,
        "Colm": SpeakerRole.customer,
    }


def test_the_host_who_opens_the_call_with_longer_questions_is_an_interviewer(tmp_path):
    """The vendor's account lead opens the call and asks in longer turns than a note-taker
    colleague, but short beside the customer's answers; a customer who asks the vendor a
    question now and then, and does not open the call, stays a customer."""
    host = (
        "Tom: Thanks for joining us today, Greg, we really appreciate you making the time for us."
    )
    doc = load(
        write(
            tmp_path / "call.txt",
            f"{host}\n"
            "Greg: Happy to. We run three yards on the lake and about four hundred slips between "
            "them, most of them seasonal, and I handle operations for all three of them, from "
            "the fuel docks to the winter storage and the haul-outs in the fall.\n"
            "Tom: So how do you keep track of who is on which slip across the three yards today?\n"
            "Greg: A spreadsheet per yard, and the yard managers each keep theirs a little "
            "differently, so nothing lines up when I need one picture of occupancy.\n"
            "Sam: Which yard is the biggest?\n"
            "Greg: The north yard, with about half of the slips and most of the winter storage, "
            "and it is also where the office staff sit every day.\n"
            "Tom: And what happens when a boat owner calls to ask about their winter storage spot "
            "at the north yard?\n"
            "Greg: Someone walks out to look, honestly, because the sheet is never current and "
            "the whiteboard in the shop is the only thing people really trust.\n"
            "Sam: How often?\n"
            "Greg: Ten times a day in the fall, easily, and each walk takes a good fifteen minutes "
            "out of somebody's afternoon when we are already short on staff.\n"
            "Tom: That makes sense. Is the fall when it hurts the most, for you and the team?\n"
            "Sam: Who else would be involved in choosing a tool?\n"
            "Greg: My boss signs anything that costs real money, and our bookkeeper would need "
            "to see how the invoices come out before anything changes.\n",
        )
    ).documents[0]
    roles = {s.name: s.role for s in doc.speakers}
    assert roles == {
        "Tom": SpeakerRole.interviewer,
        "Sam": SpeakerRole.interviewer,
        "Greg": SpeakerRole.customer,
    }
    customers = load(
        write(
            tmp_path / "two-customers.txt",
            "Rachel: Thanks for having us. Can you tell me how month-end works for you?\n"
            "Dwayne: We close in twelve days. Most of that is waiting on the warehouse counts and "
            "then reconciling them against what the ERP thinks we shipped, by hand, in Excel.\n"
            "Erin: Does your tool read the warehouse counts straight from the scanners we use?\n"
            "Rachel: It can. What takes the longest in those twelve days?\n"
            "Dwayne: The reconciliation. Two people spend four days on it, and they still miss "
            "things that our auditors then find and write up in the management letter.\n"
            "Erin: We also lose a day every month rebuilding the accrual schedule from scratch "
            "because last month's version lives in somebody's inbox.\n"
            "Rachel: Who owns the accruals?\n"
            "Erin: I do, with one analyst who is out every other Friday. Would we need IT for it?\n"
            "Rachel: Usually not. Who signs off on a new tool?\n"
            "Dwayne: Our CFO, and she wants to see the close shrink to eight days before anything "
            "else, because the board asked her about it twice this year already.\n"
            "Erin: And could we keep our own chart of accounts as it is today in the new tool?\n"
            "Rachel: Yes. How many entities do you close?\n"
            "Dwayne: Four, two of them in Canada with their own currency and their own bank.\n",
        )
    ).documents[0]
    roles = {s.name: s.role for s in customers.speakers}
    assert roles["Erin"] == SpeakerRole.customer
    assert roles["Rachel"] == SpeakerRole.interviewer


def test_a_colleague_of_the_interviewer_by_the_company_in_their_title(tmp_path):
    """A sales engineer who speaks twice is on the interviewer's side when their title names
    the interviewer's company; a job before the comma ("Director, Operations") names none."""
    doc = load(
        write(
            tmp_path / "t.md",
            "---\ninterviewer: Maya Castellanos\n---\n"
            "Maya Castellanos (Closewise, Product): What made you start looking?\n\n"
            "Victor Almeida (Director, Finance): Our auditors flagged the intercompany "
            "eliminations two years running.\n\n"
            "Raj Pillai (Closewise, Solutions Engineering): Which ERP are the eliminations in?\n\n"
            "Victor Almeida (Director, Finance): NetSuite, with a spreadsheet on the side for "
            "the Canadian entity.\n\n"
            "Maya Castellanos (Closewise, Product): What does that cost you each month?\n\n"
            "Victor Almeida (Director, Finance): Two days of my team's close, every month.\n\n"
            "Raj Pillai (Closewise, Solutions Engineering): Got it, thanks.\n",
        )
    ).documents[0]
    roles = {s.name: s.role for s in doc.speakers}
    assert roles == {
        "Maya Castellanos": SpeakerRole.interviewer,
        "Victor Almeida": SpeakerRole.customer,
        "Raj Pillai": SpeakerRole.interviewer,
    }


def test_labels_with_role_titles(tmp_path):
    doc = load(
        write(
            tmp_path / "t.md",
            "Sam Ortiz (Quoteflow, Product): What made you start looking?\n\n"
            "Dana Whitfield (VP Revenue Operations): Our new CRO asked why quotes took a week.\n\n"
            "Sam Ortiz (Quoteflow, Product): What happened next?\n\n"
            "Dana Whitfield: We ran a pilot with two reps.\n",
        )
    ).documents[0]
    titles = {s.name: s.title for s in doc.speakers}
    assert titles["Dana Whitfield"] == "VP Revenue Operations"
    assert titles["Sam Ortiz"] == "Quoteflow, Product"
    assert [s for s, _ in spoken(doc, "customer")] == ["Dana Whitfield", "Dana Whitfield"]


@pytest.mark.parametrize("stamp", ["[00:01:02] ", "00:01:02 ", "[1:02] ", "(00:01:02) "])
def test_timestamped_labels(tmp_path, stamp):
    doc = load(
        write(
            tmp_path / "t.txt",
            f"{stamp}Lena: Can you walk me through Monday?\n"
            f"{stamp}Priya: Monday is triage. We sample maybe two percent of tickets.\n"
            f"{stamp}Lena: Why only two percent?\n"
            f"{stamp}Priya: Because reviews are manual and we have no time.\n",
        )
    ).documents[0]
    assert spoken(doc, "customer")[1] == (
        "Priya",
        "Because reviews are manual and we have no time.",
    )
    assert doc.turns[0].timestamp == stamp.strip().strip("[]()")


def test_otter_export(tmp_path):
    doc = load(
        write(
            tmp_path / "otter.txt",
            "Jordan Lee  0:42\nSo tell me how the week starts for your team?\n\n"
            "Maria Gomez  1:05\nMonday is chaos, honestly.\nWe have three dispatchers on one whiteboard.\n\n"
            "Jordan Lee  1:30\nWhat does that cost you?\n\n"
            "Maria Gomez  1:41\nAbout six hours a week of re-keying.\n",
        )
    ).documents[0]
    assert [s.name for s in doc.speakers] == ["Jordan Lee", "Maria Gomez"]
    assert spoken(doc, "customer")[0] == (
        "Maria Gomez",
        "Monday is chaos, honestly.\nWe have three dispatchers on one whiteboard.",
    )
    assert doc.turns[1].timestamp == "1:05"


MEET_COPY = (
    "Customer conversation - Transcript\n"
    "Oct 6, 2026\n\n"
    "Theo Marchetti\n"
    "Hi Carla, thanks for making the time. Maybe start by telling me about the place?\n\n"
    "Carla Nguyen\n"
    "Sure. I'm the owner here. We brew about eighteen hundred barrels a year.\n\n"
    "Theo Marchetti\n"
    "And I'm guessing your food cost is something your chef tracks pretty tightly, but the "
    "beer cost, nobody really owns that number. Is that fair?\n\n"
    "Carla Nguyen\n"
    "Yeah. That's fair.\n\n"
    "Theo Marchetti\n"
    "And so when you want to know what a pint costs you, what do you do?\n\n"
    "Carla Nguyen\n"
    "Once a year our bookkeeper does a rough cost per pint in a Google Sheet.\n"
)


def test_a_name_alone_on_its_line_opens_a_turn(tmp_path):
    """A Google Meet or Zoom copy-paste: the speaker's name on its own line, the words below
    it. Read as speakerless before, so the interviewer's long leading questions ("I'm guessing
    your food cost is something your chef tracks…") became pains in a gold corpus."""
    doc = load(write(tmp_path / "meet-transcript.txt", MEET_COPY)).documents[0]
    assert doc.kind == SourceKind.transcript
    roles = {s.name: s.role for s in doc.speakers}
    assert roles == {
        "Theo Marchetti": SpeakerRole.interviewer,
        "Carla Nguyen": SpeakerRole.customer,
    }
    customer = spoken(doc, "customer")
    assert customer[0] == (
        "Carla Nguyen",
        "Sure. I'm the owner here. We brew about eighteen hundred barrels a year.",
    )
    assert not any("food cost" in text for _, text in customer)
    assert doc.metadata["speaker_roles"] == "questions"


def test_names_alone_on_their_lines_in_notes_are_no_turns(tmp_path):
    """A note that lists each attendee once with their role under the name, or repeats a
    heading with no question anywhere, stays a note: no speaker turns are invented."""
    attendees = load(
        write(
            tmp_path / "notes.md",
            "Kickoff with the ops team\n\nDana Whitfield\nVP Operations, owns the budget.\n\n"
            "Marco Diaz\nController, closes the books in eight days.\n\n"
            "Priya Natarajan\nIT lead, wants SSO before anything else.\n",
        )
    ).documents[0]
    assert attendees.kind == SourceKind.notes
    assert not attendees.speakers
    plain = load(
        write(
            tmp_path / "site-visits.md",
            "Dana Whitfield\nRuns dispatch from a whiteboard.\n\nMarco Diaz\nRe-keys every "
            "invoice into QuickBooks.\n\nDana Whitfield\nWants one screen for the whole floor."
            "\n\nMarco Diaz\nCloses the books in eight days.\n",
        )
    ).documents[0]
    assert not plain.speakers  # nobody asks anything: no conversation


@pytest.mark.parametrize(
    "labels", [("Interviewer", "Interviewee"), ("Q", "A"), ("interviewer", "interviewee")]
)
def test_generic_labels(tmp_path, labels):
    asker, answerer = labels
    doc = load(
        write(
            tmp_path / "t.txt",
            f"{asker}: Tell me about the team.\n{answerer}: We are twelve agents on Zendesk.\n"
            f"{asker}: Anything frustrating.\n{answerer}: Scoring is inconsistent across leads.\n",
        )
    ).documents[0]
    assert {s.role for s in doc.speakers if s.name.lower() == asker.lower()} == {
        SpeakerRole.interviewer
    }
    assert [text for _, text in spoken(doc, "customer")] == [
        "We are twelve agents on Zendesk.",
        "Scoring is inconsistent across leads.",
    ]


def test_a_diarized_export_with_bracketed_speakers_on_their_own_lines(tmp_path):
    doc = load(
        write(
            tmp_path / "call-recording.txt",
            "[SPEAKER_1]\nokay it says it's recording. could you tell me where you work?\n\n"
            "[SPEAKER_2]\nyeah so I'm the culinary director at Pellham Table Group.\n\n"
            "[SPEAKER_1]\nand how do you count inventory?\n\n"
            "[SPEAKER_2]\nclipboards, then somebody types it into Excel on Monday.\n",
        )
    ).documents[0]
    assert doc.kind == SourceKind.transcript
    assert [text for _, text in spoken(doc, "customer")] == [
        "yeah so I'm the culinary director at Pellham Table Group.",
        "clipboards, then somebody types it into Excel on Monday.",
    ]


@pytest.mark.parametrize("close", [".", " -", " –"])
def test_question_and_answer_labels_closed_by_a_full_stop(tmp_path, close):
    doc = load(
        write(
            tmp_path / "study_P2.txt",
            "Caregiver app study — P2\nRecruited via a panel.\n\n"
            f"Q{close} Can you tell me about your job?\n\nA{close} I see three or four clients a day.\n\n"
            f"Q{close} And the app?\n\nA{close} The office texts me changes on WhatsApp instead.\n",
        )
    ).documents[0]
    assert doc.kind == SourceKind.transcript
    assert [text for _, text in spoken(doc, "customer")] == [
        "I see three or four clients a day.",
        "The office texts me changes on WhatsApp instead.",
    ]
    # a list of lettered points is no interview
    listed = load(
        write(tmp_path / "n.md", "Options:\n\nA. Keep Excel.\n\nB. Buy a tool.\n\nA. Again.\n")
    ).documents[0]
    assert listed.kind == SourceKind.notes


def test_notes_without_speakers_are_notes_with_paragraphs(tmp_path):
    doc = load(
        write(
            tmp_path / "notes.md",
            '# Call notes: Dutch Creek\n\nThey quote everything in a spreadsheet. "It takes three days," said the owner.\n\n'
            "Note: follow up in April.\n\nPricing was the main concern.\n",
        )
    ).documents[0]
    assert doc.kind == SourceKind.notes
    assert doc.title == "Call notes: Dutch Creek"
    assert len(doc.turns) == 4 and all(t.speaker is None for t in doc.turns)


def test_front_matter_sets_account_date_and_interviewer(tmp_path):
    doc = load(
        write(
            tmp_path / "x.md",
            "---\naccount: Brookfield Tooling\ndate: 2026-03-04\ninterviewer: Sam Ortiz\n"
            "participants: [Dana Whitfield (VP Revenue Operations)]\n---\n"
            "Sam Ortiz: Hi Dana, great to meet you. Ready?\nDana Whitfield: Sure? Go ahead?\n"
            "Sam Ortiz: Quotes take how long.\nDana Whitfield: Three days?\n",
        )
    ).documents[0]
    assert doc.account == "Brookfield Tooling" and doc.account_attribution == "front_matter"
    assert str(doc.date) == "2026-03-04"
    # front matter beats the question heuristic (the customer asked more questions here)
    assert {s.name: s.role for s in doc.speakers}["Sam Ortiz"] == SpeakerRole.interviewer
    assert not doc.text[: doc.turns[0].start].count("Dana Whitfield: ")


def test_a_customer_label_that_holds_speech_names_no_account(tmp_path):
    """'Customer: Acme Pumps' names the note's account; 'Customer: We retype…' is speech: its
    words never become an account (they used to, in full, in the ingest table and the ICP)."""
    named = load(
        write(
            tmp_path / "acme.md",
            "Customer: Acme Pumps\nDate: 2026-03-04\n\nThey retype every order into the ERP.\n",
        )
    ).documents[0]
    assert named.account == "Acme Pumps"
    from agent.ingest.notes import reads_as_a_name

    assert reads_as_a_name("St. Aldric Health System") and reads_as_a_name("A.B. Dick Co.")
    assert not reads_as_a_name("Acme Pumps. They retype every order")
    spoken_note = load(
        write(
            tmp_path / "call.md",
            "Customer: We retype every order from the quote into the ERP. It takes six hours.\n\n"
            "Customer: our lead estimator retired in March\n",
        )
    ).documents[0]
    assert spoken_note.account is None


def test_a_word_document_header_names_an_account_only_with_a_name(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph(
        "Customer: we quote everything by hand, every single order, all week long"
    )
    document.add_paragraph("Ana Li: What does your quoting week look like?")
    document.add_paragraph("Tom Becker: Busy. Our engineers get pulled into every custom quote.")
    document.add_paragraph("Ana Li: How many hours is that?")
    document.add_paragraph("Tom Becker: Maybe ten hours a week across the team.")
    path = tmp_path / "call.docx"
    document.save(path)
    assert load(path).documents[0].account is None
    # what the writer adds after the name is no part of it: "· on site", "(Grand Rapids, MI)"
    for header in (
        "Account: Pinecrest Dental Ceramics · on site",
        "Account: Pinecrest Dental Ceramics (Grand Rapids, MI)",
    ):
        document = Document()
        document.add_paragraph("Customer interview — Pinecrest Dental Ceramics")
        document.add_paragraph(header)
        document.add_paragraph("Ana Li: What does your week look like?")
        document.add_paragraph("Alana Brandt: Remakes. We remake about eight percent of crowns.")
        document.save(path)
        assert load(path).documents[0].account == "Pinecrest Dental Ceramics", header
    named = load(
        write(
            tmp_path / "onsite.md", "Account: Harwood Dental Lab | on site\n\nThey remake crowns.\n"
        )
    ).documents[0]
    assert named.account == "Harwood Dental Lab"


def test_malformed_front_matter_is_a_warning_not_a_failure(tmp_path):
    loaded = load(
        write(
            tmp_path / "x.md",
            "---\naccount: [unclosed\n---\nSam: hi?\nDana: hello there.\nSam: ok?\nDana: fine.\n",
        )
    )
    assert any("front matter" in w for w in loaded.warnings)
    assert loaded.documents[0].kind == SourceKind.transcript


def test_win_loss_note_with_front_matter(tmp_path):
    doc = load(
        write(
            tmp_path / "deal.md",
            "---\naccount: Harbor Analytics\noutcome: Closed Lost\ndate: 2026-02-11\nacv: 18k\ncompetitor: Zendesk QA\n---\n"
            'They went with Zendesk QA because it was bundled. "We couldn\'t justify a second tool," their VP said.\n',
        )
    ).documents[0]
    assert doc.kind == SourceKind.win_loss
    assert (
        doc.deal.outcome == "lost" and doc.deal.acv == 18000 and doc.deal.competitor == "Zendesk QA"
    )
    assert doc.account == "Harbor Analytics"


WEBVTT = """WEBVTT

NOTE Recorded with Zoom. Speaker names from the participant list.

1
00:00:01.000 --> 00:00:04.200
Sam Ortiz: So how do quotes
get approved today?

2
00:00:04.500 --> 00:00:09.000
Dana Whitfield: It depends. Anything over ten percent

3
00:00:09.100 --> 00:00:12.000
Dana Whitfield: goes to our CFO, which takes days.

NOTE
The next cue has a voice tag.

4
00:00:12.500 --> 00:00:14.000
<v Sam Ortiz>Days, really?</v>

5
00:00:14.200 --> 00:00:16.000
Dana Whitfield: Sometimes a week.
"""


def test_webvtt_zoom_cues_merge_into_turns(tmp_path):
    doc = load(write(tmp_path / "zoom.vtt", WEBVTT)).documents[0]
    assert spoken(doc) == [
        ("Sam Ortiz", "So how do quotes get approved today?"),
        (
            "Dana Whitfield",
            "It depends. Anything over ten percent goes to our CFO, which takes days.",
        ),
        ("Sam Ortiz", "Days, really?"),
        ("Dana Whitfield", "Sometimes a week."),
    ]
    assert {s.name: s.role for s in doc.speakers}["Sam Ortiz"] == SpeakerRole.interviewer
    assert "-->" not in doc.text and "NOTE" not in doc.text
    assert doc.turns[1].timestamp == "00:00:04.500"


def test_srt(tmp_path):
    doc = load(
        write(
            tmp_path / "call.srt",
            "1\n00:00:01,000 --> 00:00:03,000\nLena: What broke first?\n\n"
            "2\n00:00:03,500 --> 00:00:06,000\nPriya: The spreadsheet rubric.\nNobody trusted it.\n\n"
            "3\n00:00:06,500 --> 00:00:08,000\nLena: Why not?\n\n"
            "4\n00:00:08,500 --> 00:00:10,000\nPriya: Every lead scored differently.\n",
        )
    ).documents[0]
    assert spoken(doc, "customer") == [
        ("Priya", "The spreadsheet rubric. Nobody trusted it."),
        ("Priya", "Every lead scored differently."),
    ]


def test_docx_transcript(tmp_path):
    from docx import Document

    document = Document()
    document.add_heading("Customer interview", 1)
    document.add_paragraph("Account: Marlow Precision Components")
    document.add_paragraph("Date: 2026-02-05")
    for line in [
        "Ana Li: What does your quoting week look like?",
        "Tom Becker: Busy. Our engineers get pulled into every custom quote.",
        "Ana Li: How many hours is that?",
        "Tom Becker: Maybe ten hours a week across the team.",
    ]:
        document.add_paragraph(line)
    path = tmp_path / "interview.docx"
    document.save(path)
    doc = load(path).documents[0]
    assert doc.account == "Marlow Precision Components" and str(doc.date) == "2026-02-05"
    assert spoken(doc, "customer")[1] == ("Tom Becker", "Maybe ten hours a week across the team.")


@pytest.mark.parametrize("name", ["Élodie Tremblay", "Łukasz Nowak", "Ørjan Berg"])
def test_speaker_names_with_accented_capitals(tmp_path, name):
    """A name that starts with an accented capital is a speaker label in subtitles and in plain
    text (it was not: a whole Zoom export became one turn, interviewer questions included)."""
    vtt = load(
        write(
            tmp_path / "call.vtt",
            "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nSam Ortiz: What broke first?\n\n"
            f"2\n00:00:03.500 --> 00:00:06.000\n{name}: The spreadsheet rubric, nobody trusted it.\n\n"
            "3\n00:00:06.500 --> 00:00:08.000\nSam Ortiz: Why not?\n\n"
            f"4\n00:00:08.500 --> 00:00:10.000\n{name}: Every lead scored differently.\n",
        )
    ).documents[0]
    assert spoken(vtt, "customer") == [
        (name, "The spreadsheet rubric, nobody trusted it."),
        (name, "Every lead scored differently."),
    ]
    text = load(
        write(
            tmp_path / "call.txt",
            "Sam Ortiz: What broke first?\n"
            f"{name}: The spreadsheet rubric, nobody trusted it.\n"
            "Sam Ortiz: Why not?\n"
            f"{name}: Every lead scored differently.\n",
        )
    ).documents[0]
    assert [who for who, _ in spoken(text, "customer")] == [name, name]


def test_srt_with_bracketed_speaker_tags(tmp_path):
    text = (
        "1\n00:00:02,300 --> 00:00:06,492\n[Interviewer] Okay, could you start with your role?\n\n"
        "2\n00:00:06,842 --> 00:00:13,727\n[Karen] Sure. I'm the asset manager. [laughs]\nOur work orders live on paper.\n\n"
        "3\n00:00:14,077 --> 00:00:19,038\n[Interviewer] And what happens to them?\n\n"
        "4\n00:00:19,388 --> 00:00:22,812\n[Karen] They get lost between shifts.\n\n"
        "5\n00:00:23,000 --> 00:00:24,000\n[inaudible] so that's the gist of it.\n"
    )
    doc = load(write(tmp_path / "call.srt", text)).documents[0]
    roles = {s.name: s.role for s in doc.speakers}
    assert roles == {"Interviewer": SpeakerRole.interviewer, "Karen": SpeakerRole.customer}
    customer = [words for _, words in spoken(doc, "customer")]
    assert any("They get lost between shifts." in w for w in customer)
    assert not any("[Karen]" in w or "[Interviewer]" in w for w in customer)
    assert "[inaudible]" in doc.text  # a sound cue is no speaker


def test_labels_in_html_bold_with_line_break_tags(tmp_path):
    """Text copied out of a web page or a rich-text export: `<b>Name:</b> … <br>`. Read as
    before only with Markdown bold; the `<br>` is no part of what was said."""
    lines = [
        "<b>Sam (Interviewer):</b> What is hardest about quoting today?<br>",
        "<b>Dana Whitfield:</b> Quotes take four days and we lose deals because of that.<br>",
        "<b>Sam (Interviewer):</b> What made you look?<br/>",
        "<strong>Dana Whitfield:</strong> A new VP of Sales asked for win rates.</p>",
    ]
    doc = load(write(tmp_path / "call.txt", "\n".join(lines) + "\n")).documents[0]
    assert (doc.kind, {s.name: s.role for s in doc.speakers}) == (
        SourceKind.transcript,
        {"Sam": SpeakerRole.interviewer, "Dana Whitfield": SpeakerRole.customer},
    )
    assert [text for _, text in spoken(doc, "customer")] == [
        "Quotes take four days and we lose deals because of that.",
        "A new VP of Sales asked for win rates.",
    ]
