"""Words of a question that carry its topic: stemmed content words without the question's
scaffolding ("what do customers say about…"), so retrieval can tell a sentence that answers
from one that only repeats the question, and refusal can see which key terms have no support."""

from __future__ import annotations

from functools import lru_cache

from agent.stems import stem, stems, words

# function words and the scaffolding of research questions: they say nothing about the topic
SCAFFOLD = set(
    """
    a an the and or but nor so of to in on for with at by from as into onto over under about
    than then there here this that these those it its it's itself is are was were be been being
    am do does did done doing have has had having can could would should will shall may might
    must not no yes i me my we us our ours you your they them their theirs he she his her him
    what which who whom whose when where why how whether if else also just only even still
    any some each every all most more much many few other others another such same own very
    really quite rather too lot lots kind sort thing things way ways something anything
    customers customer accounts account companies company clients client teams team people
    person users user interviewees interviewee participants participant respondents respondent
    buyers folks org orgs organisations organizations firms business businesses
    say says said saying tell tells told mention mentions mentioned mentioning talk talks talked
    describe describes described report reports reported raise raises raised bring brings brought
    think thinks thought feel feels felt see sees saw seen know knows knew get gets got give gives
    gave make makes made go goes going went come comes came use uses used using want wants wanted
    need needs needed like likes liked look looks looking find finds found keep keeps kept
    usually typically often generally main mainly common commonly typical biggest most least
    research interviews interview study studies survey evidence data-team
    do's please tell me us let there's what's who's how's why's
    """.split()
)


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry meaning (no function words, no question scaffolding)."""
    return {stem(w) for w in words(text) if w not in SCAFFOLD and len(w) > 1}


def key_terms(question: str) -> list[str]:
    """The question's topic words in order, stemmed (duplicates removed)."""
    seen: list[str] = []
    for word in words(question):
        if word in SCAFFOLD or len(word) < 2:
            continue
        term = stem(word)
        if term not in seen:
            seen.append(term)
    return seen


def restatement(sentence: str, question_terms: set[str]) -> float:
    """How much of the sentence is only the question's own words: the share of the sentence's
    content words that are question terms (1.0 = it says nothing the question did not)."""
    mine = content_stems(sentence)
    if not mine:
        return 1.0
    return len(mine & question_terms) / len(mine)


def coverage(text: str, terms: set[str]) -> float:
    """Share of `terms` that appear (stemmed) in `text`."""
    if not terms:
        return 1.0
    return len(terms & set(stems(text))) / len(terms)


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """The whole words of the embedding model's vocabulary (about 20,000 of the commonest
    English words): a word outside it is a specialised term ("federated", "hallucinations")."""
    import json

    from agent.embeddings import _TOKENIZER

    vocab = json.loads(_TOKENIZER.read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(w for w in vocab if w.isalpha() and not w.startswith("##"))


# a prefix that makes a word of a word: "unusable" is "usable" negated, "understaffed" is
# "staffed" under, as ordinary as the word it is made of
DERIVING_PREFIXES = ("un", "non", "dis", "mis", "in", "im", "il", "ir", "over", "under")
MIN_DERIVED_BASE = 4


def common_word(word: str) -> bool:
    """Whether `word` (or its singular, or another form of its verb: "transcribing" for
    "transcribed", or the word a negating or degree prefix is put before: "unusable",
    "understaffed") is a common English word."""
    lower = word.lower()
    if _inflection_known(lower):
        return True
    return any(
        lower.startswith(prefix)
        and len(lower) - len(prefix) >= MIN_DERIVED_BASE
        and _inflection_known(lower[len(prefix) :])
        for prefix in DERIVING_PREFIXES
    )


def _inflection_known(lower: str) -> bool:
    known = _common_words()
    if any(
        form in known
        for form in (lower, lower.removesuffix("s"), lower.removesuffix("es"), lower[:-3] + "y")
    ):
        return True
    from lemminflect import getAllInflections, getAllLemmas

    lemmas = {lemma for forms in getAllLemmas(lower).values() for lemma in forms}
    return any(
        form in known
        for lemma in lemmas
        for form in (lemma, *(f for forms in getAllInflections(lemma).values() for f in forms))
    )
