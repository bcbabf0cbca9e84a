"""The retrieval agent (an LLM is configured): the model answers through tools, and code checks
every evidence id and every number it writes — a wrong id or a made-up count is re-asked once,
then dropped; a model that never finishes is stopped after a bounded number of steps."""

from __future__ import annotations

import json

import pytest
from support.mock_openai import MockOpenAI

from agent.config import load_settings
from agent.qa.answer import answer_question
from agent.qa.research_agent import MAX_STEPS
from agent.store import Workspace

SEARCH = ("search_passages", {"query": "how long quotes take", "account": None, "kind": None})


def final(text: str, *ids: str) -> tuple[str, dict]:
    return (
        "final_answer",
        {"answered": True, "sentences": [{"text": text, "evidence": list(ids)}]},
    )


@pytest.fixture
def workspace(sample_workspace, embedder):
    ws = Workspace(sample_workspace, embedder.name)
    yield ws
    ws.close()


def ask(mock, workspace, folder, embedder, question="How long did quotes take?"):
    settings = load_settings(
        flags={"workspace": folder, "base_url": mock.base_url, "timeout": 10}, environ={}
    )
    return answer_question(question, workspace, settings, embedder)


def test_the_agent_answers_through_tools_with_verified_evidence(
    workspace, sample_workspace, embedder
):
    with MockOpenAI(embedder) as mock:
        answer = ask(mock, workspace, sample_workspace, embedder)
        first = mock.chat_requests()[0]["body"]
    assert {t["function"]["name"] for t in first["tools"]} == {
        "search_passages",
        "count_evidence",
        "read_tables",
        "final_answer",
    }
    assert answer.mode == "llm" and answer.answered and len(answer.citations) == 2
    assert answer.text.startswith("One customer said: ") and "[1]." in answer.text
    assert answer.text.endswith("[2].")
    for citation in answer.citations:
        doc = workspace.catalog.document(citation.doc_id)
        assert doc.text[citation.start : citation.end] == citation.quote


def test_a_wrong_id_is_reasked_once_then_dropped(workspace, sample_workspace, embedder):
    with MockOpenAI(embedder) as mock:
        mock.tool_script.extend(
            [[SEARCH], [final("Quotes take days.", "E99")], [final("Quotes take days.", "E98")]]
        )
        answer = ask(mock, workspace, sample_workspace, embedder)
        requests = mock.chat_requests()
    assert len(requests) == 3
    assert "Not accepted: sentence 1 cites E99" in json.dumps(requests[2]["body"])
    assert not answer.answered and not answer.citations and answer.rejected_citations == 1


def test_a_made_up_count_is_reasked_and_fixed(workspace, sample_workspace, embedder):
    with MockOpenAI(embedder) as mock:
        mock.tool_script.extend(
            [
                [SEARCH],
                [final("Forty-one accounts, 4123 of them, wait for quotes.", "E1")],
                [final("Customers wait for quotes.", "E1")],
            ]
        )
        answer = ask(mock, workspace, sample_workspace, embedder)
        requests = mock.chat_requests()
    assert "states 4123" in json.dumps(requests[2]["body"])
    assert answer.answered and "4123" not in answer.text and len(answer.citations) == 1


def test_a_count_from_the_count_tool_is_accepted(workspace, sample_workspace, embedder):
    with MockOpenAI(embedder) as mock:
        mock.tool_script.extend(
            [[("count_evidence", {"topic": "lead times", "unit": "accounts", "segment": None})]]
        )
        settings = load_settings(
            flags={"workspace": sample_workspace, "base_url": mock.base_url, "timeout": 10},
            environ={},
        )
        from agent.qa.research_agent import Toolbox

        tools = Toolbox(workspace, settings, embedder, None)
        result = tools.count_evidence("lead times", "accounts")
    count = int(result.split()[0])
    assert count >= 1 and float(count) in tools.ledger.numbers and "[E1]" in result


def test_a_loop_that_never_ends_is_stopped(workspace, sample_workspace, embedder):
    with MockOpenAI(embedder) as mock:
        mock.tool_script.extend([[SEARCH]] * (MAX_STEPS + 3))
        answer = ask(mock, workspace, sample_workspace, embedder)
        agent_steps = mock.agent_steps
    assert agent_steps == MAX_STEPS
    assert answer.mode == "llm"  # answered by one plain structured call instead
