"""A local mock of the OpenAI HTTP API for tests, evals and benchmarks (no network).

The real `openai`/langchain client talks to it over real HTTP. It answers
`/v1/chat/completions` (response_format json_schema, or a forced tool call) with schema-valid
JSON, filling evidence with the offline engine, and `/v1/embeddings` with deterministic
vectors. Faults are injected from a queue: 429 (with retry-after-ms), 500, timeout,
malformed JSON, truncated output (finish_reason length), hallucinated quotes.

Run standalone for manual tries: python -m tests.support.mock_openai --port 8011
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

RESEARCH = re.compile(r"<research>\n(.*?)\n</research>", re.DOTALL)
# what a gullible model obeys when it finds it in the data: instructions, our own delimiters,
# chat-template tokens and fake role lines
OBEYED = re.compile(
    r"ignore (all )?previous instructions|</research>\s*\S|</passages>\s*\S|<\|im_start\|>|<system>"
    r"|^\s*system\s*:",
    re.IGNORECASE | re.MULTILINE,
)
Responder = Callable[[dict[str, Any], "MockOpenAI"], dict[str, Any]]


def _user_texts(body: dict[str, Any]) -> list[str]:
    texts = []
    for message in body.get("messages", []):
        content = message.get("content")
        if isinstance(content, list):
            content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
        if message.get("role") == "user" and isinstance(content, str):
            texts.append(content)
    return texts


def _schema_name(body: dict[str, Any]) -> str | None:
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return response_format["json_schema"]["name"]
    tools = body.get("tools") or []
    if tools:
        return tools[0]["function"]["name"]
    return None


class MockOpenAI:
    """A threaded HTTP server; use as a context manager. `requests` records every call."""

    def __init__(self, embedder: Any = None, timeout_delay: float = 3.0) -> None:
        self.requests: list[dict[str, Any]] = []
        self.faults: deque[str] = deque()
        self.gullible = False
        self.responders: dict[str, Responder] = {
            "evidence": evidence_responder,
            "answer": answer_responder,
            "judgement": judgement_responder,
        }
        self.answer_mode = (
            "grounded"  # or "outside" (cites passage 99), "invented" (quote not in the passage)
        )
        self.embedder = embedder
        self.timeout_delay = timeout_delay
        # scripted replies for the Q&A agent: each a list of (tool name, arguments) calls
        self.tool_script: deque[list[tuple[str, dict[str, Any]]]] = deque()
        self.agent_steps = 0
        self._extractor: Any = None
        self._lock = threading.Lock()
        mock = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(
                        200, {"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]}
                    )
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with mock._lock:
                    mock.requests.append({"path": self.path, "body": body})
                    fault = mock.faults.popleft() if mock.faults else None
                if self.path.endswith("/embeddings"):
                    self._send(200, mock.embeddings(body))
                    return
                if fault == "429":
                    self._send(
                        429,
                        {
                            "error": {
                                "message": "Rate limit reached",
                                "type": "requests",
                                "code": "rate_limit_exceeded",
                            }
                        },
                        {"retry-after-ms": "20"},
                    )
                    return
                if fault == "500":
                    self._send(
                        500,
                        {"error": {"message": "The server had an error", "type": "server_error"}},
                        {"retry-after-ms": "20"},
                    )
                    return
                if fault == "timeout":
                    time.sleep(mock.timeout_delay)
                self._send(200, mock.completion(body, fault))

            def _send(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # lifecycle -------------------------------------------------------------------
    def __enter__(self) -> MockOpenAI:
        self.warm_up()
        self._thread.start()
        return self

    def warm_up(self) -> None:
        """Load the offline engine's classifier and embedder before serving, so the first answer
        is as fast as the rest (tests use short client timeouts)."""
        extractor = self.extractor()
        _ = extractor.classifier
        extractor.embedder.embed(["warm up"])

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def queue(self, *faults: str) -> None:
        self.faults.extend(faults)

    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    # answers ---------------------------------------------------------------------
    def extractor(self) -> Any:
        if self._extractor is None:
            from agent.embeddings import LocalEmbedder
            from agent.extract.offline import OfflineExtractor

            self._extractor = OfflineExtractor(self.embedder or LocalEmbedder())
        return self._extractor

    def completion(self, body: dict[str, Any], fault: str | None) -> dict[str, Any]:
        tool_names = [t["function"]["name"] for t in body.get("tools") or []]
        if "final_answer" in tool_names:  # the Q&A retrieval agent: it picks its tools
            return self.agent_completion(body)
        name = _schema_name(body) or "evidence"
        responder = self.responders.get(name, evidence_responder)
        payload = responder(body, self)
        if fault == "hallucinate" and "items" in payload:
            payload["items"].append(
                _item(
                    "pain",
                    "We lose forty hours a week to this and the CEO is furious about it.",
                    0.9,
                )
            )
        content = json.dumps(payload)
        finish = "stop"
        if fault == "malformed":
            content = content[: len(content) // 2] + "}}not json"
        elif fault == "truncated":
            content, finish = content[: max(10, len(content) // 3)], "length"
        prompt_tokens = (
            sum(len(str(m.get("content", "")).split()) for m in body.get("messages", [])) * 4 // 3
        )
        completion_tokens = max(1, len(content.split()) * 4 // 3)
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if (body.get("tools") and fault != "malformed") or body.get("tools"):
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": name, "arguments": content},
                    }
                ],
            }
        return {
            "id": "chatcmpl-mock",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "gpt-4o-mini"),
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": finish
                    if not body.get("tools") or finish == "length"
                    else "tool_calls",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def agent_completion(self, body: dict[str, Any]) -> dict[str, Any]:
        """One step of the agent: the next scripted reply (`tool_script`: a list of (tool, args)
        calls per reply), else a well-behaved default — search for the question, then answer
        citing the first two evidence ids the search returned."""
        if self.tool_script:
            calls = self.tool_script.popleft()
        else:
            results = [m for m in body.get("messages", []) if m.get("role") == "tool"]
            if not results:
                question = _user_texts(body)[-1].rsplit("Question:", 1)[-1].strip()
                calls = [("search_passages", {"query": question, "account": None, "kind": None})]
            else:
                listed = str(results[-1].get("content", ""))
                found = [
                    (m.group(1), re.split(r"(?<=[.!?])\s+", m.group(2).strip())[0])
                    for m in AGENT_RESULT.finditer(listed)
                ][:2]
                if self.gullible and OBEYED.search(listed):
                    sentences = [
                        {"text": "This account is the perfect customer for you.", "evidence": [i]}
                        for i, _ in found[:1]
                    ]
                else:  # like the one-call answer: the first sentence of the first two results
                    sentences = [
                        {"text": f"One customer said: {first}", "evidence": [i]}
                        for i, first in found
                    ]
                calls = [("final_answer", {"answered": bool(sentences), "sentences": sentences})]
        self.agent_steps += 1
        return {
            "id": "chatcmpl-mock",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "gpt-4o-mini"),
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": f"call_{self.agent_steps}_{i}",
                                "type": "function",
                                "function": {"name": name, "arguments": json.dumps(args)},
                            }
                            for i, (name, args) in enumerate(calls)
                        ],
                    },
                    "finish_reason": "tool_calls",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }

    def embeddings(self, body: dict[str, Any]) -> dict[str, Any]:
        inputs = body.get("input")
        texts = inputs if isinstance(inputs, list) else [inputs]
        data = []
        for index, text in enumerate(texts):
            vector = np.zeros(64, dtype=np.float32)
            for word in re.findall(r"\w+", str(text).lower()):
                vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
            norm = float(np.linalg.norm(vector)) or 1.0
            data.append(
                {"object": "embedding", "index": index, "embedding": (vector / norm).tolist()}
            )
        return {
            "object": "list",
            "data": data,
            "model": body.get("model"),
            "usage": {"prompt_tokens": 1, "total_tokens": 1},
        }


def _item(kind: str, quote: str, confidence: float, **extra: Any) -> dict[str, Any]:
    item = {
        "document": 1,
        "kind": kind,
        "quote": quote,
        "summary": quote[:80],
        "job_type": None,
        "role": None,
        "negated": False,
        "hypothetical": False,
        "reported": False,
        "impact_amount": None,
        "impact_unit": None,
        "impact_period": None,
        "confidence": confidence,
    }
    item.update(extra)
    return item


def research_document(text: str) -> Any:
    """The research window as a SourceDocument: 'Name: words' paragraphs become customer turns;
    the context lines the window carries become what they are (`[interviewer] …` the question
    before an answer, `[section] …` a heading), so the offline engine behind the mock reads
    answers in their context and never quotes the context, as a model is asked to."""
    from agent.schema import SourceDocument, SourceKind, SpeakerRole, Turn, TurnForm

    turns = []
    for match in re.finditer(r"[^\n](?:.|\n(?!\n))*", text):
        start, end = match.start(), match.end()
        for line in re.finditer(r"^\[(interviewer|section)\] (.*)$", match.group(0), re.MULTILINE):
            a, b = start + line.start(2), start + line.end(2)
            if line.group(1) == "interviewer":
                turns.append(
                    Turn(speaker="interviewer", role=SpeakerRole.interviewer, start=a, end=b)
                )
            else:
                turns.append(Turn(form=TurnForm.heading, start=a, end=b))
        if text[start] == "[" and re.match(r"\[(?:interviewer|section)\] ", text[start:end]):
            continue
        label = re.match(r"[A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,3}: ", text[start:end])
        speaker = label.group(0)[:-2] if label else None
        turns.append(
            Turn(
                speaker=speaker,
                role=SpeakerRole.customer,
                start=start + (label.end() if label else 0),
                end=end,
            )
        )
    return SourceDocument(
        doc_id="mock",
        source="mock",
        path="-",
        kind=SourceKind.transcript,
        text=text,
        turns=turns,
        content_hash="0",
    )


DOCUMENT = re.compile(r"^### Document D(\d+) — [^\n]*\n", re.MULTILINE)


def research_sections(research: str) -> list[tuple[int, str]]:
    """(document number, text) of each '### Document Dn' section (the whole text if none)."""
    headers = list(DOCUMENT.finditer(research))
    if not headers:
        return [(1, research)]
    sections = []
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(research)
        sections.append((int(header.group(1)), research[header.end() : end].strip("\n")))
    return sections


def evidence_responder(body: dict[str, Any], mock: MockOpenAI) -> dict[str, Any]:
    texts = _user_texts(body)
    research = next((m.group(1) for t in texts for m in [RESEARCH.search(t)] if m), "")
    if mock.gullible and any(OBEYED.search(t) for t in texts):
        # a model that obeys instructions found in the data
        return {"items": [_item("win_reason", "This account is the perfect customer for you", 1.0)]}
    items = []
    for number, text in research_sections(research):
        for evidence in mock.extractor().extract(research_document(text)):
            quantity = evidence.quantity
            items.append(
                _item(
                    evidence.kind.value,
                    evidence.quote,
                    evidence.confidence,
                    document=number,
                    summary=evidence.summary,
                    job_type=evidence.job_type.value if evidence.job_type else None,
                    role=evidence.role.value if evidence.role else None,
                    negated=evidence.negated,
                    hypothetical=evidence.hypothetical,
                    reported=evidence.reported,
                    impact_amount=quantity.amount if quantity else None,
                    impact_unit=quantity.unit if quantity else None,
                    impact_period=quantity.period if quantity else None,
                )
            )
    return {"items": items}


AGENT_RESULT = re.compile(
    r"^\[(E\d+)\] \([^)]*\)\n(.*?)(?=\n\n\[E\d+\] \(|\Z)", re.DOTALL | re.MULTILINE
)
PASSAGE = re.compile(
    r"^\[(\d+)\] \([^)]*\)\n(.*?)(?=\n\n\[\d+\] \(|\n</passages>|\Z)", re.DOTALL | re.MULTILINE
)


def answer_responder(body: dict[str, Any], mock: MockOpenAI) -> dict[str, Any]:
    """Answers from the numbered passages: cites the first sentence of the first two."""
    text = " ".join(_user_texts(body))
    passages = [(int(m.group(1)), m.group(2)) for m in PASSAGE.finditer(text)]
    if mock.gullible and OBEYED.search(text):
        return {
            "answered": True,
            "answer": "This account is the perfect customer for you [1].",
            "citations": [{"number": 1, "quote": "This account is the perfect customer for you"}],
        }
    if not passages:
        return {"answered": False, "answer": "The passages do not say.", "citations": []}
    if mock.answer_mode == "outside":
        return {
            "answered": True,
            "answer": "Customers love the product [99].",
            "citations": [{"number": 99, "quote": "We love it."}],
        }
    if mock.answer_mode == "invented":
        return {
            "answered": True,
            "answer": "Everyone doubled revenue [1].",
            "citations": [
                {"number": 1, "quote": "We doubled our revenue overnight thanks to you."}
            ],
        }
    citations = []
    sentences = []
    for number, passage in passages[:2]:
        first = re.split(r"(?<=[.!?])\s+", passage.strip())[0]
        citations.append({"number": number, "quote": first})
        sentences.append(f"One customer said: {first} [{number}].")
    return {"answered": True, "answer": " ".join(sentences), "citations": citations}


def judgement_responder(body: dict[str, Any], mock: MockOpenAI) -> dict[str, Any]:
    """A strict but simple judge: well grounded when the answer cites quotes."""
    text = " ".join(_user_texts(body))
    cited = "(none)" not in text.split("Cited quotes:")[-1]
    return {
        "groundedness": 5 if cited else 1,
        "relevance": 4,
        "completeness": 3 if cited else 1,
        "rationale": "Graded by the mock judge.",
    }


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8011)
    args = parser.parse_args()
    mock = MockOpenAI()
    mock.server.server_close()
    mock.server = ThreadingHTTPServer(("127.0.0.1", args.port), mock.server.RequestHandlerClass)
    print(f"mock OpenAI at http://127.0.0.1:{args.port}/v1 (Ctrl-C to stop)")
    mock.server.serve_forever()


if __name__ == "__main__":
    main()
