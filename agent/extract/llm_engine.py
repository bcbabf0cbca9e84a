"""The LLM engine: langchain ChatOpenAI with structured output over windows of customer turns.

Per window: a cache lookup (document text, window, prompt version, model), else one call;
invalid output is re-asked with the error (bounded); truncated output splits the window;
quotes not found in the source are re-asked once, then dropped and counted."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from agent.config import Settings
from agent.errors import ModelError
from agent.extract.grounding import locate_quote
from agent.extract.lexicon import load_lexicon
from agent.extract.windows import Window, build_windows
from agent.llm import Usage, message_tokens, strict_schema, structured_call
from agent.prompts import load_prompt
from agent.schema import (
    BuyingRole,
    Evidence,
    EvidenceKind,
    JobType,
    Quantity,
    SourceDocument,
    SpeakerRole,
)
from agent.store import Catalog

MAX_ATTEMPTS = 3


class ExtractedItem(BaseModel):
    """One piece of evidence as the model returns it (strict schema: no defaults)."""

    kind: EvidenceKind
    quote: str
    summary: str
    job_type: JobType | None
    role: BuyingRole | None
    negated: bool
    hypothetical: bool
    reported: bool
    impact_amount: float | None
    impact_unit: str | None
    impact_period: str | None
    confidence: float


class ExtractionOutput(BaseModel):
    items: list[ExtractedItem]


class CachedWindow(BaseModel):
    """What the cache keeps per window: the grounded items and how many quotes were dropped."""

    items: list[ExtractedItem]
    dropped: int


@dataclass
class DocResult:
    evidence: list[Evidence]
    dropped: int
    windows: int
    cached_windows: int


class LLMExtractor:
    def __init__(
        self,
        settings: Settings,
        catalog: Catalog | None,
        llm: Any = None,
        usage: Usage | None = None,
    ) -> None:
        from agent.llm import chat_model

        self.settings = settings
        self.catalog = catalog
        self.llm = llm if llm is not None else chat_model(settings)
        self.usage = usage or Usage()
        self.prompt = load_prompt("extract_evidence")
        self.reask = load_prompt("reask_ungrounded")
        self.schema = strict_schema(ExtractionOutput)
        self.engine = f"openai:{settings.model}"

    @property
    def fingerprint(self) -> str:
        return f"{self.engine}:{self.prompt.key}:{self.reask.key}:{self.settings.structured_output}:{self.settings.window_tokens}"

    def windows(self, doc: SourceDocument) -> list[Window]:
        return build_windows(doc, self.settings.window_tokens, self.settings.model)

    def messages(self, doc: SourceDocument, window: Window) -> tuple[str, str]:
        definitions = "\n".join(
            f"- {kind}: {text}" for kind, text in load_lexicon().definitions.items()
        )
        return self.prompt.render(
            definitions=definitions,
            source_kind=doc.kind.value,
            account=doc.account or "unknown",
            transcript=self._outgoing(doc, window.text),
        )

    def _outgoing(self, doc: SourceDocument, text: str) -> str:
        if not self.settings.effective_redact_pii:
            return text
        from agent.ingest.redaction import person_names, redact

        return redact(text, person_names(doc.speakers) if self.settings.redact_names else []).text

    def estimate(self, doc: SourceDocument) -> tuple[int, int]:
        """(prompt tokens for the windows not cached yet, windows not cached yet)."""
        tokens = 0
        pending = 0
        for window in self.windows(doc):
            if self._cached(self._key(doc, window)) is None:
                system, user = self.messages(doc, window)
                tokens += message_tokens(self.settings.model, system, user)
                pending += 1
        return tokens, pending

    def _key(self, doc: SourceDocument, window: Window) -> str:
        text_hash = hashlib.sha256(doc.text.encode()).hexdigest()
        raw = f"{text_hash}|{window.digest}|{self.prompt.key}|{self.reask.key}|{self.settings.model}|{self.settings.structured_output}|{self.settings.effective_redact_pii}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def _cached(self, key: str) -> str | None:
        if self.catalog is None:
            return None
        hit = self.catalog.cached_response(key)
        return hit[0] if hit else None

    # --- one document -------------------------------------------------------------
    def extract(self, doc: SourceDocument) -> DocResult:
        evidence: list[Evidence] = []
        dropped = 0
        cached = 0
        windows = self.windows(doc)
        for window in windows:
            items, lost, was_cached = self.extract_window(doc, window)
            evidence.extend(items)
            dropped += lost
            cached += was_cached
        return DocResult(
            evidence=_dedupe(evidence), dropped=dropped, windows=len(windows), cached_windows=cached
        )

    def extract_window(
        self, doc: SourceDocument, window: Window
    ) -> tuple[list[Evidence], int, bool]:
        """Grounded evidence of one window, the number of quotes dropped, and whether it was cached."""
        key = self._key(doc, window)
        cached = self._cached(key)
        if cached is not None:
            self.usage.hit()
            stored = CachedWindow.model_validate_json(cached)
            evidence, _ = self._ground(doc, window, ExtractionOutput(items=stored.items))
            return evidence, stored.dropped, True
        spent = {"calls": 0, "input_tokens": 0, "output_tokens": 0}
        output, conversation = self._ask(doc, window, spent)
        evidence, ungrounded = self._ground(doc, window, output)
        dropped = 0
        if ungrounded:
            retried = self._reask_ungrounded(doc, output, ungrounded, conversation, spent)
            again, still = self._ground(doc, window, retried)
            repaired = max(0, len(again) - len(evidence))
            dropped = len(ungrounded) - min(repaired, len(ungrounded))
            output = ExtractionOutput(items=[i for i in retried.items if i not in still])
            evidence = again
        if self.catalog is not None:
            value = CachedWindow(items=output.items, dropped=dropped).model_dump_json()
            self.catalog.cache_response(
                key, self.settings.model, self.prompt.key, value, self.usage.as_dict()
            )
        return evidence, dropped, False

    def _ask(
        self, doc: SourceDocument, window: Window, spent: dict[str, int]
    ) -> tuple[ExtractionOutput, list[Any]]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        system, user = self.messages(doc, window)
        conversation: list[Any] = [SystemMessage(system), HumanMessage(user)]
        estimated = message_tokens(self.settings.model, system, user)
        last_output = ""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            reply = self._call(conversation, estimated, doc.source, spent)
            last_output = reply.text
            if reply.finish_reason == "length":
                if len(window.spans) > 1:
                    return self._split(doc, window, spent), conversation
                raise ModelError(
                    f"{doc.source}: the model's answer was cut off (finish_reason=length) even for a single turn; raise the model's output limit or lower ICP_WINDOW_TOKENS",
                    attempts=attempt,
                    last_output=last_output,
                )
            problem = reply.error
            if reply.data is not None:
                try:
                    output = ExtractionOutput.model_validate(reply.data)
                    conversation.append(AIMessage(reply.text))
                    return output, conversation
                except ValidationError as exc:
                    problem = f"the JSON does not match the schema: {exc.errors()[0]['msg']} at {exc.errors()[0]['loc']}"
            conversation += [
                AIMessage(reply.text[:4000]),
                HumanMessage(
                    f"Your reply could not be used: {problem}. Reply again with JSON that matches the schema exactly."
                ),
            ]
        raise ModelError(
            f"{doc.source}: the model returned invalid output {MAX_ATTEMPTS} times (last problem: {problem})",
            attempts=MAX_ATTEMPTS,
            last_output=last_output,
        )

    def _split(
        self, doc: SourceDocument, window: Window, spent: dict[str, int]
    ) -> ExtractionOutput:
        """Truncated output: ask for each half of the window separately."""
        middle = len(window.spans) // 2
        items: list[ExtractedItem] = []
        for spans, texts in (
            (window.spans[:middle], window.pieces[:middle]),
            (window.spans[middle:], window.pieces[middle:]),
        ):
            half = Window(
                doc.doc_id,
                window.index,
                "\n\n".join(texts),
                spans,
                window.tokens // 2,
                window.removed,
                texts,
            )
            output, _ = self._ask(doc, half, spent)
            items.extend(output.items)
        return ExtractionOutput(items=items)

    def _call(
        self, conversation: list[Any], estimated: int, source: str, spent: dict[str, int]
    ) -> Any:
        import openai

        try:
            reply = structured_call(self.llm, self.settings, conversation, self.schema, "evidence")
        except openai.LengthFinishReasonError as exc:
            from agent.llm import Reply

            usage = getattr(exc.completion, "usage", None)
            reply = Reply(
                None,
                "",
                "length",
                getattr(usage, "prompt_tokens", 0) or 0,
                getattr(usage, "completion_tokens", 0) or 0,
                "truncated",
            )
        except openai.APITimeoutError as exc:
            raise ModelError(
                f"{source}: the model endpoint timed out after {self.settings.max_retries} retries ({self.settings.timeout:.0f}s each)"
            ) from exc
        except openai.APIConnectionError as exc:
            raise ModelError(
                f"{source}: cannot reach the model endpoint {self.settings.base_url or 'api.openai.com'} ({exc})"
            ) from exc
        except openai.APIStatusError as exc:
            raise ModelError(
                f"{source}: the model endpoint answered HTTP {exc.status_code} after {self.settings.max_retries} retries ({_short(exc)})"
            ) from exc
        self.usage.add(
            self.settings.model, reply.input_tokens or estimated, reply.output_tokens, estimated
        )
        return reply

    def _reask_ungrounded(
        self,
        doc: SourceDocument,
        output: ExtractionOutput,
        ungrounded: list[ExtractedItem],
        conversation: list[Any],
        spent: dict[str, int],
    ) -> ExtractionOutput:
        from langchain_core.messages import HumanMessage

        _system, user = self.reask.render(
            quotes="\n".join(f"- {item.quote}" for item in ungrounded)
        )
        estimated = sum(
            message_tokens(self.settings.model, str(m.content), "") for m in conversation
        )
        reply = self._call([*conversation, HumanMessage(user)], estimated, doc.source, spent)
        kept = [item for item in output.items if item not in ungrounded]
        if reply.data is None:
            return ExtractionOutput(items=kept)
        try:
            again = ExtractionOutput.model_validate(reply.data)
        except ValidationError:
            return ExtractionOutput(items=kept)
        known = {(i.kind, i.quote) for i in kept}
        return ExtractionOutput(
            items=kept + [i for i in again.items if (i.kind, i.quote) not in known]
        )

    def _ground(
        self, doc: SourceDocument, window: Window, output: ExtractionOutput
    ) -> tuple[list[Evidence], list[ExtractedItem]]:
        evidence: list[Evidence] = []
        ungrounded: list[ExtractedItem] = []
        for item in output.items:
            span = locate_quote(doc.text, window.spans, item.quote, window.removed)
            if span is None:
                ungrounded.append(item)
                continue
            start, end = span
            turn = next((t for t in doc.turns if t.start <= start < t.end), None)
            quantity = None
            if item.impact_amount is not None and item.impact_unit:
                quantity = Quantity(
                    amount=item.impact_amount,
                    unit=item.impact_unit,
                    period=item.impact_period,
                    text=doc.text[start:end],
                )
            evidence.append(
                Evidence(
                    kind=item.kind,
                    job_type=item.job_type if item.kind == EvidenceKind.job else None,
                    role=item.role if item.kind == EvidenceKind.buying_role else None,
                    summary=item.summary.strip()[:300],
                    quote=doc.text[start:end],
                    doc_id=doc.doc_id,
                    source=doc.source,
                    source_kind=doc.kind,
                    start=start,
                    end=end,
                    account=doc.account,
                    speaker=turn.speaker if turn else None,
                    speaker_role=turn.role if turn else SpeakerRole.unknown,
                    quantity=quantity,
                    negated=item.negated,
                    hypothetical=item.hypothetical,
                    reported=item.reported,
                    confidence=max(0.0, min(1.0, item.confidence)),
                    engine=self.engine,
                )
            )
        return evidence, ungrounded


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    seen: dict[str, Evidence] = {}
    for item in evidence:
        seen.setdefault(item.id, item)
    return list(seen.values())


def _short(exc: Exception) -> str:
    text = str(exc)
    try:
        body = json.loads(text[text.index("{") :]) if "{" in text else None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return str(body["error"].get("message", text))[:200]
    except (ValueError, json.JSONDecodeError):
        pass
    return text[:200]
