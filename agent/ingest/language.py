"""Which language a document is written in, so non-English research is never silently mixed
into an English-only engine's evidence and themes.

English is recognised without a model (its function words make up a large share of any
English text); anything else goes to py3langid (langid.py's model, offline, 97 languages).
The result is `metadata["language"]` on every document; extraction and synthesis read it.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

from agent.schema import SourceDocument, SourceKind

ENGLISH = "en"
_MIN_WORDS = 8  # below this a guess is noise ("Na", "Reliability.")
_CONFIDENT = 0.8
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_ENGLISH_WORDS = frozenset(
    "the a an and or but of to in on at for with from by as is are was were be been it its this "
    "that these those we our us i my me you your they their them he she his her not no do does did "
    "have has had will would can could should just so if then than there what which who how when why "
    "about into out up all more some very also because really".split()
)
NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
    "sv": "Swedish",
    "da": "Danish",
    "no": "Norwegian",
    "fi": "Finnish",
    "pl": "Polish",
    "cs": "Czech",
    "tr": "Turkish",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ja": "Japanese",
    "zh": "Chinese",
    "ko": "Korean",
    "ar": "Arabic",
    "he": "Hebrew",
    "hi": "Hindi",
}


def language_name(code: str) -> str:
    return NAMES.get(code, code)


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str, among_english: bool = False) -> str | None:
    """ISO 639-1 code of `text`, or None when there is too little text to tell.
    `among_english`: a terse answer in an English survey ('Price lookups, inside reps, slow
    to load') needs only one English function word to count as English."""
    words = _WORD.findall(text.lower())
    if len(words) < _MIN_WORDS:
        return None
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    if english >= (1 if among_english else 0.2 * len(words)):
        return ENGLISH
    code, confidence = _identifier().classify(text[:20000])
    return str(code) if confidence >= _CONFIDENT else ENGLISH


def _content(doc: SourceDocument) -> str:
    """What the customer side wrote or said: customer turns (not headings, labels or the
    interviewer), else the whole text."""
    spans = [doc.text[t.start : t.end] for t in doc.customer_turns()]
    return "\n".join(spans) if spans else doc.text


def mark_languages(documents: list[SourceDocument]) -> list[str]:
    """Set `metadata["language"]` on each document and return one line per file when some of
    it is not English. Survey answers are short: a response too short to tell takes the
    language of the file's answers together."""
    documents = [d for d in documents if d.kind != SourceKind.crm]  # field values, not prose
    surveys = [_content(d) for d in documents if d.kind == SourceKind.survey]
    overall = detect("\n".join(surveys)[:20000]) if surveys else None
    detected = {
        doc.doc_id: detect(_content(doc), among_english=overall == ENGLISH) for doc in documents
    }
    for doc in documents:
        doc.metadata["language"] = detected[doc.doc_id] or overall or ENGLISH
    other = Counter(d.metadata["language"] for d in documents if d.metadata["language"] != ENGLISH)
    if not other:
        return []
    named = ", ".join(f"{language_name(c)} ({c})" for c in sorted(other))
    where = (
        f"written in {named}"
        if len(documents) == 1
        else f"{sum(other.values())} of {len(documents)} documents are in {named}"
    )
    return [
        f"{where}: marked language={','.join(sorted(other))}, kept out of the offline engine's "
        "evidence and themes (an LLM engine reads it)"
    ]
