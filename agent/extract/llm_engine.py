"""The LLM engine: langchain ChatOpenAI with structured output over windows of customer turns.

A call carries one *pack*: a window of one long document, or several short documents (survey
answers, short notes of one file) together, so the prompt overhead is paid once per window of
text rather than once per survey row. Per pack: a cache lookup (document texts, windows, prompt
versions, model), else one call; invalid output is re-asked with the error (bounded); truncated
output splits the pack; quotes not found in the source are re-asked once, then dropped and
counted."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from agent.config import Settings
from agent.errors import ModelError
from agent.extract.grounding import locate_quote
from agent.extract.injection import as_data
from agent.extract.lexicon import load_lexicon
from agent.extract.windows import Window, build_windows
from agent.ingest.people import people_in
from agent.ingest.redaction import REDACTION_VERSION, Placeholders, Redactor, outgoing_redactor
from agent.llm import Reply, Usage, message_tokens, strict_schema, structured_call
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
SMALL_SHARE = (
    0.25  # a document whose only window is under this share of ICP_WINDOW_TOKENS is packed
)


class ExtractedItem(BaseModel):
    """One piece of evidence as the model returns it (strict schema: no defaults)."""

    document: int
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


class CachedPack(BaseModel):
    """What the cache keeps per pack: the grounded items and the quotes dropped per document."""

    items: list[ExtractedItem]
    dropped: list[int]


@dataclass
class Part:
    """One document's window inside a pack."""

    doc: SourceDocument
    window: Window


@dataclass
class PackResult:
    evidence: dict[str, list[Evidence]]
    dropped: dict[str, int]
    cached: bool


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
        self._outgoing_redactor: Redactor | None = None  # built on first use
        self._redactor_ready = False

    @property
    def fingerprint(self) -> str:
        return f"{self.engine}:{self.prompt.key}:{self.reask.key}:{self.settings.structured_output}:{self.settings.window_tokens}"

    # --- planning ------------------------------------------------------------------
    def windows(self, doc: SourceDocument) -> list[Window]:
        return build_windows(doc, self.settings.window_tokens, self.settings.model)

    def plan(self, docs: list[SourceDocument]) -> list[list[Part]]:
        """Packs for these documents: long documents window by window; short ones (one small
        window) packed together per source file, up to ICP_WINDOW_TOKENS."""
        packs: list[list[Part]] = []
        small: dict[str, list[Part]] = defaultdict(list)
        limit = self.settings.window_tokens
        for doc in docs:
            windows = self.windows(doc)
            if len(windows) == 1 and windows[0].tokens < limit * SMALL_SHARE:
                small[doc.source].append(Part(doc, windows[0]))
            else:
                packs.extend([Part(doc, window)] for window in windows)
        for parts in small.values():
            current: list[Part] = []
            tokens = 0
            for part in parts:
                if current and tokens + part.window.tokens > limit:
                    packs.append(current)
                    current, tokens = [], 0
                current.append(part)
                tokens += part.window.tokens + 12  # the document header
            if current:
                packs.append(current)
        return packs

    def messages(self, pack: list[Part]) -> tuple[str, str]:
        system, user, _ = self.render(pack)
        return system, user

    def render(self, pack: list[Part]) -> tuple[str, str, Placeholders]:
        """The prompt for a pack, and the placeholders its redacted values went out as. Account
        names and speaker labels are escaped as data inside the research delimiters."""
        definitions = "\n".join(
            f"- {kind}: {text}" for kind, text in load_lexicon().definitions.items()
        )
        placeholders = Placeholders()
        sections = []
        for number, part in enumerate(pack, start=1):
            doc = part.doc
            account = as_data(doc.account) if doc.account else "unknown"
            header = f"### Document D{number} — {doc.kind.value}, account: {account}"
            if doc.deal is not None and doc.deal.outcome:  # what a deal note's reasons explain
                header += f", deal outcome: {doc.deal.outcome}"
            sections.append(self._outgoing(doc, f"{header}\n{part.window.text}", placeholders))
        system, user = self.prompt.render(definitions=definitions, transcript="\n\n".join(sections))
        return system, user, placeholders

    def _outgoing(self, doc: SourceDocument, text: str, placeholders: Placeholders) -> str:
        redactor = self._redactor()
        if redactor is None:
            return text
        if self.settings.redact_names:
            redactor.add_names(people_in([doc]))
        return redactor(text, placeholders)

    def _redactor(self) -> Redactor | None:
        if not self._redactor_ready:
            known = self.catalog.documents() if self.catalog is not None else []
            self._outgoing_redactor = outgoing_redactor(self.settings, known)
            self._redactor_ready = True
        return self._outgoing_redactor

    def estimate(self, docs: list[SourceDocument]) -> tuple[int, int]:
        """(prompt tokens, calls) for the packs not cached yet."""
        tokens = calls = 0
        for pack in self.plan(docs):
            if self._cached(self._key(pack)) is None:
                system, user = self.messages(pack)
                tokens += message_tokens(self.settings.model, system, user)
                calls += 1
        return tokens, calls

    def _key(self, pack: list[Part]) -> str:
        parts = "|".join(
            f"{hashlib.sha256(p.doc.text.encode()).hexdigest()}:{p.window.digest}" for p in pack
        )
        raw = f"{parts}|{self.prompt.key}|{self.reask.key}|{self.settings.model}|{self.settings.structured_output}|{self.settings.effective_redact_pii}|{self.settings.redact_names}|{REDACTION_VERSION}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def _cached(self, key: str) -> str | None:
        if self.catalog is None:
            return None
        hit = self.catalog.cached_response(key)
        return hit[0] if hit else None

    # --- extraction ------------------------------------------------------------------
    def extract(self, doc: SourceDocument) -> DocResult:
        """One document on its own (all its windows)."""
        return self.extract_documents([doc])[doc.doc_id]

    def extract_documents(self, docs: list[SourceDocument]) -> dict[str, DocResult]:
        results = {d.doc_id: DocResult([], 0, 0, 0) for d in docs}
        for pack in self.plan(docs):
            outcome = self.extract_pack(pack)
            for part in pack:
                result = results[part.doc.doc_id]
                result.evidence.extend(outcome.evidence.get(part.doc.doc_id, []))
                result.dropped += outcome.dropped.get(part.doc.doc_id, 0)
                result.windows += 1
                result.cached_windows += outcome.cached
        for result in results.values():
            result.evidence = dedupe(result.evidence)
        return results

    def extract_pack(self, pack: list[Part]) -> PackResult:
        key = self._key(pack)
        cached = self._cached(key)
        if cached is not None:
            self.usage.hit()
            stored = CachedPack.model_validate_json(cached)
            evidence, _ = self._ground(pack, ExtractionOutput(items=stored.items))
            return PackResult(
                evidence,
                {p.doc.doc_id: n for p, n in zip(pack, stored.dropped, strict=False) if n},
                True,
            )
        spent = {"calls": 0, "input_tokens": 0, "output_tokens": 0}
        output, conversation, placeholders = self._ask(pack, spent)
        evidence, ungrounded = self._ground(pack, output)
        dropped = [0] * len(pack)
        if ungrounded:
            retried = self._reask_ungrounded(
                pack, output, ungrounded, conversation, spent, placeholders
            )
            again, still = self._ground(pack, retried)
            before = {doc_id: len(items) for doc_id, items in evidence.items()}
            for item in ungrounded:  # count per document what the re-ask did not repair
                index = self._part_index(pack, item)
                doc_id = pack[index].doc.doc_id
                if len(again.get(doc_id, [])) > before.get(doc_id, 0):
                    before[doc_id] = before.get(doc_id, 0) + 1
                else:
                    dropped[index] += 1
            output = ExtractionOutput(items=[i for i in retried.items if i not in still])
            evidence = again
        if self.catalog is not None:
            value = CachedPack(items=output.items, dropped=dropped).model_dump_json()
            self.catalog.cache_response(key, self.settings.model, self.prompt.key, value, spent)
        return PackResult(
            evidence, {p.doc.doc_id: n for p, n in zip(pack, dropped, strict=True) if n}, False
        )

    @staticmethod
    def _part_index(pack: list[Part], item: ExtractedItem) -> int:
        return item.document - 1 if 1 <= item.document <= len(pack) else 0

    def _source(self, pack: list[Part]) -> str:
        names = sorted({p.doc.source for p in pack})
        return names[0] if len(names) == 1 else f"{names[0]} (+{len(names) - 1} more)"

    def _ask(
        self, pack: list[Part], spent: dict[str, int]
    ) -> tuple[ExtractionOutput, list[Any], Placeholders]:
        """The model's items for a pack, with redacted values restored in quotes and summaries."""
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        system, user, placeholders = self.render(pack)
        conversation: list[Any] = [SystemMessage(system), HumanMessage(user)]
        estimated = message_tokens(self.settings.model, system, user)
        last_output = ""
        problem = ""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            reply = self._call(conversation, estimated, self._source(pack), spent)
            last_output = reply.text
            if reply.finish_reason == "length":
                halves = _halves(pack)
                if halves is not None:
                    items: list[ExtractedItem] = []
                    for offset, half in halves:
                        output, _, _ = self._ask(half, spent)
                        items.extend(
                            i.model_copy(update={"document": i.document + offset})
                            for i in output.items
                        )
                    return ExtractionOutput(items=items), conversation, placeholders
                raise ModelError(
                    f"{self._source(pack)}: the model's answer was cut off (finish_reason=length) even for a single turn; raise the model's output limit or lower ICP_WINDOW_TOKENS",
                    attempts=attempt,
                    last_output=last_output,
                )
            problem = reply.error or ""
            if reply.data is not None:
                try:
                    output = ExtractionOutput.model_validate(reply.data)
                    conversation.append(AIMessage(reply.text))
                    return _restored(output, placeholders), conversation, placeholders
                except ValidationError as exc:
                    problem = f"the JSON does not match the schema: {exc.errors()[0]['msg']} at {exc.errors()[0]['loc']}"
            conversation += [
                AIMessage(reply.text[:4000]),
                HumanMessage(
                    f"Your reply could not be used: {problem}. Reply again with JSON that matches the schema exactly."
                ),
            ]
        raise ModelError(
            f"{self._source(pack)}: the model returned invalid output {MAX_ATTEMPTS} times (last problem: {problem})",
            attempts=MAX_ATTEMPTS,
            last_output=last_output,
        )

    def _call(
        self, conversation: list[Any], estimated: int, source: str, spent: dict[str, int]
    ) -> Reply:
        import openai

        try:
            reply = structured_call(self.llm, self.settings, conversation, self.schema, "evidence")
        except openai.LengthFinishReasonError as exc:
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
        spent["calls"] += 1
        spent["input_tokens"] += reply.input_tokens or estimated
        spent["output_tokens"] += reply.output_tokens
        return reply

    def _reask_ungrounded(
        self,
        pack: list[Part],
        output: ExtractionOutput,
        ungrounded: list[ExtractedItem],
        conversation: list[Any],
        spent: dict[str, int],
        placeholders: Placeholders,
    ) -> ExtractionOutput:
        from langchain_core.messages import HumanMessage

        redactor = self._redactor()
        quotes = "\n".join(f"- (D{item.document}) {item.quote}" for item in ungrounded)
        _system, user = self.reask.render(
            quotes=redactor(quotes, placeholders) if redactor else quotes
        )
        estimated = sum(
            message_tokens(self.settings.model, str(m.content), "") for m in conversation
        )
        reply = self._call(
            [*conversation, HumanMessage(user)], estimated, self._source(pack), spent
        )
        kept = [item for item in output.items if item not in ungrounded]
        if reply.data is None:
            return ExtractionOutput(items=kept)
        try:
            again = _restored(ExtractionOutput.model_validate(reply.data), placeholders)
        except ValidationError:
            return ExtractionOutput(items=kept)
        known = {(i.document, i.kind, i.quote) for i in kept}
        return ExtractionOutput(
            items=kept + [i for i in again.items if (i.document, i.kind, i.quote) not in known]
        )

    def _ground(
        self, pack: list[Part], output: ExtractionOutput
    ) -> tuple[dict[str, list[Evidence]], list[ExtractedItem]]:
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        ungrounded: list[ExtractedItem] = []
        for item in output.items:
            first = self._part_index(pack, item)
            located = None
            for part in [pack[first]] + [p for i, p in enumerate(pack) if i != first]:
                span = locate_quote(
                    part.doc.text, part.window.spans, item.quote, part.window.removed
                )
                if span is not None:
                    located = (part.doc, span)
                    break
            if located is None:
                ungrounded.append(item)
                continue
            doc, (start, end) = located
            evidence[doc.doc_id].append(self._evidence(doc, item, start, end))
        return evidence, ungrounded

    def _evidence(self, doc: SourceDocument, item: ExtractedItem, start: int, end: int) -> Evidence:
        turn = next((t for t in doc.turns if t.start <= start < t.end), None)
        quantity = None
        if item.impact_amount is not None and item.impact_unit:
            quantity = Quantity(
                amount=item.impact_amount,
                unit=item.impact_unit,
                period=item.impact_period,
                text=doc.text[start:end],
            )
        return Evidence(
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


def _halves(pack: list[Part]) -> list[tuple[int, list[Part]]] | None:
    """Two smaller packs (with the document-number offset of the second), or None if the pack
    is a single turn that cannot be split."""
    if len(pack) > 1:
        middle = len(pack) // 2
        return [(0, pack[:middle]), (middle, pack[middle:])]
    window = pack[0].window
    if len(window.spans) < 2:
        return None
    middle = len(window.spans) // 2
    halves = []
    for spans, texts in (
        (window.spans[:middle], window.pieces[:middle]),
        (window.spans[middle:], window.pieces[middle:]),
    ):
        halves.append(
            (
                0,
                [
                    Part(
                        pack[0].doc,
                        Window(
                            window.doc_id,
                            window.index,
                            "\n\n".join(texts),
                            spans,
                            window.tokens // 2,
                            window.removed,
                            texts,
                        ),
                    )
                ],
            )
        )
    return halves


def _restored(output: ExtractionOutput, placeholders: Placeholders) -> ExtractionOutput:
    """Items with the values behind placeholders put back: quotes then match the original
    text exactly, and summaries read as the user's own research."""
    if not placeholders.values:
        return output
    return ExtractionOutput(
        items=[
            item.model_copy(
                update={
                    "quote": placeholders.restore(item.quote),
                    "summary": placeholders.restore(item.summary),
                }
            )
            for item in output.items
        ]
    )


def dedupe(evidence: list[Evidence]) -> list[Evidence]:
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
