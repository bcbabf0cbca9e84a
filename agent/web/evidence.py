"""Fragments for the evidence: a source passage with the quote highlighted, and a chat answer
whose [n] markers and citations open the cited passage."""

from __future__ import annotations

import re
import secrets
from html import escape

from agent.qa.models import Answer, Citation
from agent.render import labels
from agent.schema import SourceDocument
from agent.schema.icp import EvidenceRef
from agent.web.icp_view import quote_item

CONTEXT = 200  # characters each side of the quote (~400 around it)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Context bounds snapped outwards to whitespace, so words are not cut."""
    left = max(0, start - CONTEXT)
    while left > 0 and not text[left - 1].isspace() and start - left < CONTEXT + 30:
        left -= 1
    right = min(len(text), end + CONTEXT)
    while right < len(text) and not text[right].isspace() and right - end < CONTEXT + 30:
        right += 1
    return left, right


def passage_html(doc: SourceDocument, start: int, end: int) -> str:
    """The quote in its context: escaped first, then the span wrapped in <mark>."""
    text = doc.text
    left, right = _widen(text, start, end)
    where = " · ".join(p for p in (doc.source, doc.part, doc.account, doc.title) if p)
    shown = labels.without_emails  # personal e-mail addresses are never shown
    return (
        '<div class="passage-view">'
        f'<p class="passage-source">{escape(shown(where))}</p>'
        '<p class="passage-text">'
        + ("…" if left > 0 else "")
        + escape(shown(text[left:start]))
        + f"<mark>{escape(shown(text[start:end]))}</mark>"
        + escape(shown(text[end:right]))
        + ("…" if right < len(text) else "")
        + "</p></div>"
    )


def _ref(citation: Citation) -> EvidenceRef:
    return EvidenceRef(
        doc_id=citation.doc_id,
        source=citation.source,
        quote=citation.quote,
        start=citation.start,
        end=citation.end,
        account=citation.account,
        speaker=citation.speaker,
    )


def _citations(base: str, anchor: str, citations: list[Citation]) -> str:
    citer = labels.Citer()
    return "".join(
        f'<li id="{anchor}-{c.number}" data-n="{c.number}">'
        + quote_item(base, _ref(c), lead=f'<span class="n">[{c.number}]</span> ', citer=citer)
        + "</li>"
        for c in citations
    )


def answer_html(answer: Answer, base: str) -> str:
    anchor = "answer-" + secrets.token_hex(4)
    numbers = {c.number for c in answer.citations}

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in numbers:
            return match.group(0)
        return f'<a class="cite" href="#{anchor}-{n}" data-n="{n}">[{n}]</a>'

    text = re.sub(r"\[(\d+)\]", link, escape(answer.text))
    parts = [
        f'<div class="answer{"" if answer.answered else " not-answered"}" id="{anchor}">',
        f'<p class="question">{escape(answer.question)}</p>',
        f'<p class="answer-text">{text}</p>',
    ]
    if answer.citations:
        parts.append(f'<ol class="citations">{_citations(base, anchor, answer.citations)}</ol>')
    if not answer.answered and answer.closest:
        parts.append(
            '<p class="note">Closest passages found:</p>'
            f'<ol class="citations closest">{_citations(base, anchor + "-c", answer.closest)}</ol>'
        )
    how = {
        "aggregate": "Counted from the ICP's tables.",
        "extractive": "Quoted from the passages found (no language model).",
        "llm": "Written by a language model from the passages found; every citation checked.",
    }.get(answer.mode, "")
    parts.append(f'<p class="meta">{escape(how)}</p></div>')
    return "".join(parts)
