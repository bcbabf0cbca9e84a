"""Planted PII never reaches an external endpoint: a small research folder with card numbers,
national ids, international and obfuscated contact details, street addresses and person names
goes through ingest, extraction, `icp ask` and the judge against the mock OpenAI server with
OpenAI embeddings and name redaction on; no planted string may appear in any request body."""

from __future__ import annotations

import json
import re

from helpers import write
from support.mock_openai import MockOpenAI

from agent.config import load_settings
from agent.evaluation.judge import judge
from agent.ingest.people import people_in
from agent.qa.answer import answer_question
from agent.store import Workspace

INTERVIEW = """---
account: Brookfield Tooling
participants: Dana Whitfield (VP Revenue Operations), Marcus Bell
interviewer: Sam Ortiz
date: 2024-03-12
---
Sam Ortiz: Thanks for joining. How do quotes get built today?
Dana Whitfield: Honestly it's a mess, we rebuild every quote in Excel and lose about six hours a week. Priya in finance keeps a second copy. Reach me at dana.w@brookfieldtooling.com, or dana at acme dot com, or on 1-800-555-0199.
Sam Ortiz: And the rest of your team?
Marcus Bell: I'm on +44 7700 900123 in London, our Berlin office is +49 30 901820 and Tokyo is +81-3-1234-5678. Whitfield approves anything over twenty thousand dollars.
Sam Ortiz: Where should we send the contract?
Dana Whitfield: Send it to 1600 Pennsylvania Avenue NW, Washington, DC 20500, or to our UK office at 221B Baker Street, London NW1 6XE. Copy dana [at] acme [dot] com as well.
Sam Ortiz: How do you pay for tools like this?
Dana Whitfield: The corporate card is 4111 1111 1111 1111 and the backup is 5500-0000-0000-0004. For the credit check my SSN is 123-45-6789, Marcus said that was fine.
"""

EU_NOTES = """---
account: Nordwind Logistik
participants: Jonas Keller, Élodie Martin
---
Jonas Keller: We lose two days a month reconciling freight invoices by hand, and the finance team hates it.
Jonas Keller: Our billing IBAN is DE89 3704 0044 0532 0130 00 and my tax id is 36 574 261 809. The office is at Hauptstraße 5, 10115 Berlin, phone 030 901820.
Élodie Martin: The Paris team sits at 12 rue de la Paix, 75002 Paris, on +33 1 42 68 53 00. My INSEE number is 1 84 12 76 451 089 46. Write to priya(at)northwind(dot)io or lee dot chen at globex dot com.
Élodie Martin: Our Madrid contractor has DNI 12345678Z, his colleague NIE X1234567L, the Milan one codice fiscale RSSMRA85T10A562S, and our UK payroll uses NI number JG 10 37 59 A. Madrid is on +34 912 345 678 and London on 020 7946 0958.
Élodie Martin: Refunds go to GB82 WEST 1234 5698 7654 32; the New York office is 350 Fifth Ave, Suite 3100, New York, NY 10118. Élodie is the only one who signs.
"""

CRM = """Account Name,Industry,Employees,Stage,Domain,Primary Contact,Contact Email,Contact Phone,Card
Brookfield Tooling,Manufacturing,250,Closed Won,brookfieldtooling.com,Priya Raman,priya.raman@brookfieldtooling.com,(512) 555-0142,378282246310005
Nordwind Logistik,Logistics,900,Closed Lost,nordwind.de,Jonas Keller,jonas.keller@nordwind.de,+49 40 41 91 30 00,
"""

PLANTED = [
    # e-mails, plain and obfuscated
    "dana.w@brookfieldtooling.com",
    "dana at acme dot com",
    "dana [at] acme [dot] com",
    "priya(at)northwind(dot)io",
    "lee dot chen at globex dot com",
    "priya.raman@brookfieldtooling.com",
    "jonas.keller@nordwind.de",
    # phone numbers, US and international
    "1-800-555-0199",
    "(512) 555-0142",
    "+44 7700 900123",
    "+49 30 901820",
    "+81-3-1234-5678",
    "+33 1 42 68 53 00",
    "+34 912 345 678",
    "030 901820",
    "020 7946 0958",
    "+49 40 41 91 30 00",
    # card numbers (Luhn) and national ids
    "4111 1111 1111 1111",
    "5500-0000-0000-0004",
    "378282246310005",
    "123-45-6789",
    "JG 10 37 59 A",
    "DE89 3704 0044 0532 0130 00",
    "GB82 WEST 1234 5698 7654 32",
    "36 574 261 809",
    "1 84 12 76 451 089 46",
    "12345678Z",
    "X1234567L",
    "RSSMRA85T10A562S",
    # street addresses
    "1600 Pennsylvania Avenue NW",
    "221B Baker Street",
    "London NW1 6XE",
    "Hauptstraße 5",
    "10115 Berlin",
    "12 rue de la Paix",
    "350 Fifth Ave, Suite 3100",
    # person names: speaker labels, front matter participants, CRM contacts, in speech
    "Dana Whitfield",
    "Whitfield",
    "Marcus Bell",
    "Marcus",
    "Sam Ortiz",
    "Priya",
    "Jonas Keller",
    "Élodie",
]


def _variants(value: str) -> list[str]:
    """The planted string, and its digits alone when it is a number written with separators."""
    digits = re.sub(r"\D", "", value)
    numeric = len(digits) >= 6 and len(digits) >= 0.6 * len(re.sub(r"\W", "", value))
    return [value, digits] if numeric and digits != value else [value]


def leaked(bodies: list[dict]) -> list[str]:
    sent = "\n".join(json.dumps(body, ensure_ascii=False) for body in bodies)
    return [p for p in PLANTED if any(v in sent for v in _variants(p))]


def test_no_planted_pii_reaches_any_request_body(icp, tmp_path, embedder, monkeypatch):
    assert len(PLANTED) >= 35
    write(tmp_path / "research" / "interviews" / "2024-03-12-brookfield.md", INTERVIEW)
    write(tmp_path / "research" / "notes" / "nordwind-eu.md", EU_NOTES)
    write(tmp_path / "research" / "crm" / "accounts.csv", CRM)
    workspace = tmp_path / "ws"
    with MockOpenAI(embedder) as mock:
        monkeypatch.setenv("ICP_BASE_URL", mock.base_url)
        monkeypatch.setenv("ICP_EMBEDDINGS", "openai")
        monkeypatch.setenv("ICP_REDACT_NAMES", "1")
        code, _, err = icp("ingest", tmp_path / "research", "-w", workspace)
        assert code == 0, err
        code, _, err = icp("extract", "-w", workspace)
        assert code == 0, err
        questions = [
            "How do they pay, and how do we reach Dana Whitfield?",
            "Where should the contract go, and what is the IBAN for invoices?",
            "What do customers say about reconciling invoices by hand?",
        ]
        for question in questions:
            code, _out, err = icp("ask", question, "-w", workspace, "--json")
            assert code == 0, err
        settings = load_settings(
            flags={
                "workspace": workspace,
                "base_url": mock.base_url,
                "embeddings": "openai",
                "redact_names": True,
            },
            environ={},
        )
        ws = Workspace(workspace, f"openai-{settings.embedding_model}")
        try:
            from agent.embeddings import make_embedder

            answer = answer_question(questions[0], ws, settings, make_embedder(settings))
            names = people_in(ws.catalog.documents())
            assert judge(answer, settings, names=names) is not None
        finally:
            ws.close()
        chat = [r["body"] for r in mock.requests if r["path"].endswith("/chat/completions")]
        embeddings = [r["body"] for r in mock.requests if r["path"].endswith("/embeddings")]
    paths = {r["path"] for r in mock.requests}
    assert chat and embeddings, paths
    assert any("judge" in json.dumps(b) or "grade" in json.dumps(b) for b in chat)
    found = leaked(chat + embeddings)
    assert not found, f"{len(found)} of {len(PLANTED)} planted PII strings were sent: {found}"


def test_the_user_sees_real_values_where_placeholders_went_out(
    icp, tmp_path, embedder, monkeypatch
):
    """Placeholders the model writes are mapped back before the user reads the answer."""
    write(tmp_path / "research" / "interviews" / "2024-03-12-brookfield.md", INTERVIEW)
    with MockOpenAI(embedder) as mock:
        monkeypatch.setenv("ICP_BASE_URL", mock.base_url)
        monkeypatch.setenv("ICP_REDACT_NAMES", "1")
        code, _, err = icp("ingest", tmp_path / "research", "-w", tmp_path / "ws")
        assert code == 0, err
        code, out, err = icp(
            "ask",
            "How do we reach Dana Whitfield by email or phone?",
            "-w",
            tmp_path / "ws",
            "--json",
        )
        assert code == 0, err
        sent = json.dumps(mock.chat_requests()[-1]["body"])
    answer = json.loads(out)
    assert answer["mode"] == "llm" and answer["citations"], answer
    assert "[EMAIL" in sent and "dana.w@brookfieldtooling.com" not in sent
    assert "[EMAIL" not in answer["text"] and "[NAME" not in answer["text"]
    assert any(value in answer["text"] for value in PLANTED), answer["text"]  # mapped back
    for citation in answer["citations"]:
        assert "[EMAIL" not in citation["quote"] and "[PHONE" not in citation["quote"]


PEOPLE = [
    "Dana Whitfield",
    "Marcus Bell",
    "Sam Ortiz",
    "Priya Raman",
    "Jonas Keller",
    "Élodie Martin",
]


def test_every_planted_value_is_found_and_ordinary_figures_are_kept():
    from agent.ingest.people import name_parts
    from agent.ingest.redaction import Redactor

    redactor = Redactor(n for person in PEOPLE for n in name_parts(person))
    for value in PLANTED:
        if value == "10115 Berlin":  # a postcode and city are redacted as part of an address
            continue
        sentence = f"Noted: {value} is on file."
        assert value not in redactor(sentence), value
    for source in (INTERVIEW, EU_NOTES, CRM):
        sent = redactor(source)
        assert not [v for v in PLANTED if any(x in sent for x in _variants(v))]
    assert redactor("Call 1-800-555-0199 today.") == "Call [PHONE] today."  # not 1-[PHONE]
    ordinary = (
        "In 2023-01-15 we had 4000 orders, 501-1000 employees, $250,000 ACV, 1200 employees and 25-50 people; "
        "version 2.4.1 shipped at 09:30, order 88231123, invoice 4111111111111112, "
        "about 15 hours per week, call at 3 pm, we met at noon. Danaher and Bellwether are companies."
    )
    assert redactor(ordinary) == ordinary


def test_names_come_from_labels_front_matter_and_crm_contacts(tmp_path):
    from helpers import load

    from agent.ingest.people import people_in

    interview = load(write(tmp_path / "i.md", INTERVIEW)).documents
    crm = load(write(tmp_path / "crm.csv", CRM)).documents
    names = people_in(interview + crm)
    assert {"Dana Whitfield", "Whitfield", "Marcus Bell", "Marcus", "Sam Ortiz"} <= names
    assert {"Priya Raman", "Priya", "Jonas Keller"} <= names  # CRM contacts
    assert not names & {"Brookfield Tooling", "Manufacturing", "Closed Won", "VP"}
