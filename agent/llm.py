"""The chat model (langchain ChatOpenAI, any OpenAI-compatible endpoint), token usage and cost."""

from __future__ import annotations

import contextlib
import importlib
import threading
from dataclasses import dataclass, field
from typing import Any

from agent.config import Settings
from agent.errors import ModelError
from agent.resources import knowledge
from agent.tokens import count_tokens, ensure_tiktoken_cache

# Imported in the main thread before any worker thread starts. Two threads importing one
# package at once can see it half-initialised ("partially initialized module 'httpx' has no
# attribute 'Timeout'": chromadb importing httpx in the thread that stores results while a
# worker's first LLM call imports langchain's tracers and the HTTP client).
_CLIENT_MODULES = (
    "httpx",
    "openai",
    "langchain_openai",
    "chromadb",
    "langchain_core.messages.block_translators.langchain_v0",
    "agent.ingest.redaction",
)
_imported = False


@dataclass
class Usage:
    """Token usage and cost of LLM calls; thread-safe counters."""

    calls: int = 0
    cached_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    estimated_input_tokens: int = 0
    cost_usd: float | None = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, model: str, input_tokens: int, output_tokens: int, estimated: int) -> None:
        with self._lock:
            self.calls += 1
            self.input_tokens += input_tokens
            self.output_tokens += output_tokens
            self.estimated_input_tokens += estimated
            cost = call_cost(model, input_tokens, output_tokens)
            self.cost_usd = None if cost is None or self.cost_usd is None else self.cost_usd + cost

    def hit(self) -> None:
        with self._lock:
            self.cached_calls += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "cached_calls": self.cached_calls,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "estimated_input_tokens": self.estimated_input_tokens,
            "cost_usd": None if self.cost_usd is None else round(self.cost_usd, 6),
        }


def price(model: str) -> dict[str, float] | None:
    models = knowledge("pricing")["models"]
    if model in models:
        return models[model]
    # dated snapshots ('gpt-4o-mini-2024-07-18') price like their family
    for name in sorted(models, key=len, reverse=True):
        if model.startswith(name + "-"):
            return models[name]
    return None


def call_cost(model: str, input_tokens: int, output_tokens: int) -> float | None:
    rates = price(model)
    if rates is None:
        return None
    return (input_tokens * rates["input"] + output_tokens * rates["output"]) / 1e6


def estimate_cost(model: str, input_tokens: int) -> tuple[int, float | None]:
    """(estimated output tokens, estimated cost) for a prompt of `input_tokens`."""
    output = int(input_tokens * float(knowledge("pricing").get("output_ratio_estimate", 0.35)))
    return output, call_cost(model, input_tokens, output)


def message_tokens(model: str, system: str, user: str) -> int:
    # ~4 tokens of chat framing per message plus the reply primer
    return count_tokens(system, model) + count_tokens(user, model) + 11


def import_clients() -> None:
    """Import the HTTP, model and vector-store clients, and what a first LLM call would import
    lazily, now (call it before starting threads; cheap after the first time)."""
    global _imported
    if _imported:
        return
    for name in _CLIENT_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from langchain_core.callbacks.manager import CallbackManager

    CallbackManager.configure()  # imports the tracers a first invoke() would
    from agent.ingest.redaction import warm

    warm()  # libphonenumber and python-stdnum load their data lazily
    _imported = True


def model_error(exc: BaseException, settings: Settings) -> ModelError | None:
    """One clear line for an endpoint failure the openai client has given up on (its retries
    done), or None when `exc` is something else."""
    import openai

    where = settings.base_url or "api.openai.com"
    if isinstance(exc, openai.APITimeoutError):  # a kind of connection error: first
        return ModelError(
            f"the model endpoint {where} did not answer within {settings.timeout:.0f}s "
            f"({settings.max_retries} retries; ICP_TIMEOUT, ICP_MAX_RETRIES)"
        )
    if isinstance(exc, openai.APIConnectionError):
        return ModelError(f"cannot reach the model endpoint {where} ({_root_cause(exc)})")
    if isinstance(exc, openai.RateLimitError):
        return ModelError(
            f"the model endpoint {where} is still rate-limiting (HTTP 429) after "
            f"{settings.max_retries} retries: wait a moment and try again"
        )
    if isinstance(exc, openai.APIStatusError):
        return ModelError(
            f"the model endpoint {where} answered HTTP {exc.status_code} after "
            f"{settings.max_retries} retries ({_root_cause(exc)})"
        )
    return None


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"


def chat_model(settings: Settings) -> Any:
    """A langchain ChatOpenAI for the configured endpoint. Retries (429 with Retry-After,
    5xx, timeouts) are the openai client's, with exponential backoff."""
    import_clients()
    from langchain_openai import ChatOpenAI

    ensure_tiktoken_cache()
    api_key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=api_key,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        temperature=0,
    )


def strict_schema(model: type) -> dict[str, Any]:
    """The model's JSON Schema in OpenAI strict form: every property required, no extras."""
    schema = model.model_json_schema()  # type: ignore[attr-defined]

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            node.pop("default", None)
            if node.get("type") == "object" and "properties" in node:
                node["required"] = list(node["properties"])
                node["additionalProperties"] = False
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    return schema


@dataclass
class Reply:
    """One structured call: the parsed JSON (or why not), the raw text, and usage."""

    data: dict[str, Any] | None
    text: str
    finish_reason: str | None
    input_tokens: int
    output_tokens: int
    error: str | None = None


def structured_call(
    llm: Any, settings: Settings, messages: list[Any], schema: dict[str, Any], name: str
) -> Reply:
    """Ask for JSON matching `schema`: response_format json_schema (strict) or a forced tool call."""
    import json

    if settings.structured_output == "json_schema":
        message = llm.invoke(
            messages,
            response_format={
                "type": "json_schema",
                "json_schema": {"name": name, "schema": schema, "strict": True},
            },
        )
        text = message.content if isinstance(message.content, str) else json.dumps(message.content)
        data, error = None, None
        try:
            parsed = json.loads(text)
            data = parsed if isinstance(parsed, dict) else None
            error = None if data is not None else "the reply is JSON but not an object"
        except json.JSONDecodeError as exc:
            error = f"the reply is not valid JSON ({exc.msg} at position {exc.pos})"
    else:
        bound = llm.bind_tools(
            [
                {
                    "type": "function",
                    "function": {
                        "name": name,
                        "description": f"Record the {name}.",
                        "parameters": schema,
                    },
                }
            ],
            tool_choice={"type": "function", "function": {"name": name}},
        )
        message = bound.invoke(messages)
        calls = getattr(message, "tool_calls", None) or []
        invalid = getattr(message, "invalid_tool_calls", None) or []
        text = (
            json.dumps(calls[0]["args"])
            if calls
            else (invalid[0].get("args") or "" if invalid else str(message.content))
        )
        data = calls[0]["args"] if calls else None
        error = (
            None
            if data is not None
            else (
                f"the tool call arguments are not valid JSON ({invalid[0].get('error')})"
                if invalid
                else "no tool call in the reply"
            )
        )
    usage = getattr(message, "usage_metadata", None) or {}
    finish = (getattr(message, "response_metadata", None) or {}).get("finish_reason")
    return Reply(
        data=data,
        text=text or "",
        finish_reason=finish,
        input_tokens=int(usage.get("input_tokens", 0)),
        output_tokens=int(usage.get("output_tokens", 0)),
        error=error,
    )
