"""Whether a sentence asks something: a question the customer asks or echoes answers nothing.

Shared by the offline engine (an echoed question is never evidence) and Q&A (a question is never
a citation; there a quoted question, `…?"`, asks too), so that both read "…, so she was like,
why are we doing this in e-mail?" as a statement and "So what made us start looking?" as a
question."""

from __future__ import annotations

import re

from agent.extract.classifier import content_words

# where a question starts inside a sentence: after a comma or dash, or after "she was like",
# "he asked"; the words of a tag ("…, you know?", "…, right?") start one too
_QUESTION_START = re.compile(
    r"(?:^|[,;:—–]\s*|\s-\s+|\b(?:like|said|asked|goes|wondering|wonder)\b,?\s+)"
    r"(?:and\s+|so\s+|but\s+)?(?:what|why|how|who|whom|whose|when|where|which|is|isn['’]t|are|"
    r"aren['’]t|was|wasn['’]t|were|do|does|don['’]t|did|didn['’]t|can|can['’]t|could|would|"
    r"will|won['’]t|should|have|has|right|you know|you see|yeah|okay|ok|huh)\b",
    re.IGNORECASE,
)
STATED_BEFORE = 4  # content words said before the question that a sentence ends with


def asks(text: str) -> bool:
    """A sentence that asks: it ends with a question mark and says little before the question
    it ends with. "We bought a new press in the summer, and you don't run it eight hours a day,
    you know?" and "… she came from a company with a CLM, so she was like, why are we doing this
    in e-mail?" state something first; "So what made us start looking?" does not."""
    text = text.strip()
    if not text.endswith("?"):
        return False
    starts = list(_QUESTION_START.finditer(text))
    if not starts:
        return True
    return len(content_words(text[: starts[-1].start()])) < STATED_BEFORE
