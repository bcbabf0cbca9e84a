"""Theme labels and descriptions from a cluster's own words. Reads the quotes of each theme
(clearest first) and the other themes of the same kind; writes a short headline and a one-line
description per theme. No model download, no language model: parts of speech come from
TextBlob's Pattern tagger (its lexicon ships in the wheel), lemmas and inflections from
lemminflect (data in the wheel).

1. Key words by contrast: a class-based TF-IDF over lemmas (nouns, verbs, adjectives, numbers):
   what the theme's quotes share and the other themes do not say. In a theme of several quotes a
   word only one of them says counts for less.
2. Clauses: the three clearest quotes without fillers and hedges ("um", "I'd say", "kind of"),
   speaker prefixes and asides in parentheses, cut at sentence punctuation, 'but', 'because',
   'so' and at a comma or 'and' that starts a new subject; frames go ("the second thing is …",
   "we figured we …", "in January we …" → "we … in January").
3. Headlines from each clause by its parts of speech: articles, possessives, modals, hedging
   adverbs, people's names and a pronoun subject go; a present verb left in front becomes a
   gerund ("I redo bank recs" → "Redoing …"); a wish starts at the wished-for verb ("I want to
   close in eight days" → "Close in 8 days"); number words become digits ("ten or twelve" →
   "10–12"); a trailing subordinate clause goes; at most ten words, never ending on a function
   word. Variants: with and without 'a', the main verb as a participle ("accounts carry
   balances" → "accounts carrying balances"), shorter cuts before a preposition or conjunction.
4. The variant with the most key-word weight wins among those that are no verbatim run of a quote
   (the eval's `label_not_copied` rule) and whose every content word is a word of the quotes or
   a form of one (never a word the quotes do not support); a theme with no such variant falls
   back to its best noun phrase.

The description is the chosen statement as written, without fillers (up to 24 words), with how
many of the theme's statements say its key word."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise

from agent.textspans import copies_quote, padded

MAX_WORDS = 10
PREFERRED_WORDS = 8
DESCRIPTION_WORDS = 24

TOKEN = re.compile(
    r"\$?\d+(?:[.,/]\d+)*(?:%|k\b|m\b|st\b|nd\b|rd\b|th\b)?"  # numbers and money
    r"|[^\W\d_]+?(?=n['’]t\b)"  # "don't" → "do" "n't", as Penn splits it
    r"|n['’]t\b|['’](?:s|re|ve|ll|d|m)\b"
    r"|[^\W\d_][^\W_]*(?:[-.&+/][^\W_]+)*"  # words (any script), hyphenated, Q4, P&L, A/R
    r"|[.,;:!?()\[\]\"“”—–…/]|-{1,2}"
)
CLAUSE_BREAK = frozenset(";:()[]—–…!?") | {"--", "-", "."}
QUOTE_MARKS = frozenset('"“”')
SOFT_BREAK = frozenset({",", "but", "because", "so", "although", "though", "whereas", "while"})
FILLER = frozenset(
    "um uh uhm erm hmm mm mhm yeah yep okay ok oh well like honestly basically literally actually "
    "probably maybe just really pretty obviously frankly seriously definitely certainly anyway "
    "kinda sorta".split()
)
# phrases that hedge or introduce, dropped wherever they stand
HEDGES = (
    ("you", "know"),
    ("i", "mean"),
    ("i", "think"),
    ("i", "guess"),
    ("i", "'d", "say"),
    ("i", "would", "say"),
    ("i", "'d", "argue"),
    ("i", "'d", "guess"),
    ("let", "'s", "say"),
    ("let", "us", "say"),
    ("let", "say"),  # "let's say" as speech recognition often writes it
    ("i", "would", "guess"),
    ("has", "to", "do", "with"),  # "that has to do with the way the data is collected"
    ("have", "to", "do", "with"),
    ("had", "to", "do", "with"),
    ("kind", "of"),
    ("sort", "of"),
    ("a", "little", "bit"),
    ("something", "like"),
    ("a", "bit"),
    ("to", "be", "honest"),
    ("at", "the", "end", "of", "the", "day"),
    ("give", "or", "take"),
    ("or", "so"),
    ("and", "stuff"),
    ("and", "everything"),
    ("or", "whatever"),
    ("right", "now"),
    ("more", "often", "than", "not"),  # "often" alone is an adverb a headline drops
)
STOP = frozenset(
    """a an the and or but if of to in on at for with from by as is are was were be been being am
    it its it's this that these those there here i we you he she they me us him her them my our
    your their his so do does did done have has had having not no just very really also too then
    than about into out up down over again like well oh um uh yeah okay ok right mean know kind
    sort thing things stuff lot lots bit pretty gonna wanna would could should can will may might
    must what which who whom whose when where why how all any some more most much many such own
    same other only even still yet now get gets got getting go goes going went say says said think
    thought guess probably maybe actually basically honestly literally definitely sure one ones
    something someone anything everything every each way ways let make made because since while
    though although whether 's 're 've 'll 'd 'm n't myself ourselves yourself themselves itself
    want wants wanted need needs needed like""".split()
)
# contractions typed without the apostrophe ("havent used it"): never a verb to inflect
CONTRACTIONS = frozenset(
    "havent hasnt hadnt dont doesnt didnt cant couldnt wont wouldnt shouldnt isnt arent wasnt "
    "werent aint".split()
)
AUX = frozenset(
    "be is are was were been being am 're 's 'm do does did have has had 've 'd 'll will would "
    "can could should shall may might must ca wo".split()
)
BE = frozenset("be is are was were 's 're 'm am been being".split())
NEGATION = frozenset({"not", "n't", "never", "no", "nothing", "nobody", "none", "without"})
# Words that name nothing on their own: a label made only of them says nothing specific.
GENERIC = frozenset(
    """issue issues problem problems time times part parts case cases example point points
    question questions answer sense way ways level side end start area areas aspect aspects type
    types number amount people person team teams company companies work process everything
    month months year years week weeks day days step steps""".split()
)
# verbs that introduce the job that follows ("I want to close in eight days")
WANT = frozenset(
    "want wants wanted need needs needed like love hope hoping trying try able wish".split()
)
SUBORDINATE = frozenset(
    "because since although though unless whereas while so which who whom whose if when where "
    "without".split()
)
SUBJECT_PRONOUNS = frozenset("i we you they he she it this that there".split())
NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
     "ninety": 90, "hundred": 100}  # fmt: skip
ORDINALS = {"first": "1st", "second": "2nd", "third": "3rd", "fifth": "5th", "tenth": "10th",
            "twelfth": "12th", "fifteenth": "15th", "twentieth": "20th"}  # fmt: skip


@dataclass
class Token:
    text: str  # as written
    low: str  # lower case, apostrophes straightened
    tag: str  # Penn tag
    lemma: str
    start: int = 0  # offsets in the quote
    end: int = 0
    name: bool = False  # a person's name (dropped from labels)

    @property
    def content(self) -> bool:
        return (
            self.tag[:2] in ("NN", "VB", "JJ", "CD", "FW")
            and self.low not in STOP
            and self.low not in AUX
            and any(c.isalnum() for c in self.low)
        )


@dataclass
class ThemeLabel:
    label: str
    description: str
    vague: str | None = None  # why the label names nothing or does not read (held back)


# -- words -------------------------------------------------------------------------------------


@cache
def _tagger():
    from textblob.en import lexicon, tag  # the Pattern tagger and lexicon ship in the wheel

    return tag, lexicon


@cache
def _tool_words() -> frozenset[str]:
    from agent.extract.lexicon import load_lexicon

    words: set[str] = set()
    for key in load_lexicon().tool_lookup:
        words.update(key.lstrip("~").lower().split())
    return frozenset(words)


def _low(text: str) -> str:
    return text.lower().replace("’", "'")


def _lemma(low: str, tag: str) -> str:
    from lemminflect import getLemma

    if not low.isalpha() and "'" not in low:
        return low
    upos = {"NN": "NOUN", "VB": "VERB", "JJ": "ADJ", "RB": "ADV"}.get(tag[:2])
    if upos is None or low in AUX:
        return low
    lemmas = getLemma(low, upos=upos, lemmatize_oov=True)
    return lemmas[0].lower() if lemmas else low


MONTH_BEFORE = frozenset(
    "in since by until till through from to of early late mid last next this that every each "
    "before after during".split()
)


def tokens(text: str) -> list[Token]:
    """Words of a quote with Penn part-of-speech tags and lemmas."""
    matches = list(TOKEN.finditer(text.replace("’", "'")))
    surface = [m.group() for m in matches]
    if not surface:
        return []
    tag, lexicon = _tagger()
    # a sentence's first word is tagged in lower case unless it is a name or a tool
    shown = [
        s.lower() if (i == 0 or surface[i - 1] in ".!?") and s[1:].islower() else s
        for i, s in enumerate(surface)
    ]
    tagged = tag(" ".join(w.replace(" ", "_") for w in shown), tokenize=False)
    if len(tagged) != len(surface):  # the tagger split differently: tag word by word
        tagged = [(w, (tag(w, tokenize=False) or [(w, "NN")])[0][1]) for w in shown]
    result = []
    for index, (word, (_, pos)) in enumerate(zip(surface, tagged, strict=True)):
        low = _low(word)
        if low == "'s" and index and _low(surface[index - 1]) in SUBJECT_PRONOUNS:
            pos = "VBZ"
        if low in NUMBERS or low.replace(",", "").replace(".", "").isdigit():
            pos = "CD"
        if index and pos[:2] in ("NN", "JJ") and _can_be_verb(low):
            before = _low(surface[index - 1])
            two_before = _low(surface[index - 2]) if index > 1 else ""
            if before in {"i", "we", "they", "you"} or (
                before == "to" and (two_before in WANT or two_before in {"have", "has", "had"})
            ):
                pos = "VBP" if before != "to" else "VB"  # "they notice", "want to open"
        if index and pos == "VB" and _low(surface[index - 1]) in BE:
            pos = "JJ"  # "you'd be close to doubling": no verb after 'be'
        if word in ("May", "March") and index and _low(surface[index - 1]) in MONTH_BEFORE:
            pos = "NNP"  # "our audit in May flagged …": the month, not the modal
        match = matches[index]
        result.append(Token(word, low, pos, _lemma(low, pos), match.start(), match.end()))
    _ = lexicon
    for index, token in enumerate(result):
        token.name = _is_name(result, index)
    return result


def _can_be_verb(low: str) -> bool:
    from lemminflect import getAllLemmas

    return "VERB" in getAllLemmas(low)


CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday "
    # units of time as notes abbreviate them ("~70 min", "2 hrs")
    "min mins hr hrs sec secs wk wks mo mos yr yrs".split()
)


def _unknown_capital(token: Token) -> bool:
    word = token.text
    if not word[:1].isupper() or not word[1:].islower() or not word.isalpha():
        return False
    _, lexicon = _tagger()
    low = word.lower()
    return lexicon.get(low) is None and low not in CALENDAR and low not in _tool_words()


def _is_name(words: list[Token], index: int) -> bool:
    """A person's name: a capitalised word the tagger's lexicon does not know in lower case, no
    tool, standing where a person stands — before a possessive or a verb, after a verb, or set off
    by commas (Marco's, Adrienne wants, hand Adrienne the flux, a new CFO, Lauren, since …); not
    Excel, NetSuite, GL, or a system named after 'in' or 'on'."""
    token = words[index]
    if not _unknown_capital(token) or _lemma(token.low, "NN") != token.low:
        return False  # known words, tools and plural nouns ("Expedites are down")
    before = words[index - 1] if index else None
    after = words[index + 1] if index + 1 < len(words) else None
    if after is not None and (after.low == "'s" or after.tag in ("VBZ", "VBD", "MD")):
        return True
    if before is not None and before.tag.startswith("VB") and before.low not in AUX:
        return True
    if (
        before is not None
        and before.low in {",", "—", "–", "("}
        and (after is None or after.low in {",", "—", "–", ")", "."})
    ):
        return True
    if before is None and after is not None and after.low.endswith("s") and _can_be_verb(after.low):
        return True  # "Marco exports the IC accounts", "Marta recodes …"
    return after is not None and after.low in {",", ":"} and index == 0


# -- clauses -----------------------------------------------------------------------------------


def clauses(words: list[Token]) -> list[list[Token]]:
    """A quote without its fillers and hedges, cut into clauses: at sentence punctuation, at
    'but', 'because', 'so', and at a comma or 'and' that starts a new subject ("…, and the
    deposits are a mess", "… and it's never off")."""
    words = _drop_hedges(words)
    # "Élodie Tremblay: …", "Gabriel: …": a speaker's name in front of what they said
    colon = next((i for i, t in enumerate(words[:4]) if t.low == ":"), None)
    if colon and all(t.text[:1].isupper() for t in words[:colon]):
        words = words[colon + 1 :]
    depth = 0
    aside: list[Token] = []
    for token in words:  # "(Pryor Langley)", "(about 20 CSMs)": asides are left out
        depth += token.low == "("
        if depth == 0:
            aside.append(token)
        depth -= token.low == ")" and depth > 0
    words = aside if len(aside) > 2 else words
    parts: list[list[Token]] = [[]]
    for i, token in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else None
        new_subject = after is not None and (
            after.low in SUBJECT_PRONOUNS
            or after.low in (SOFT_BREAK - {","}) | {"and", "or"}
            or _subject_and_verb(words[i + 1 : i + 6])
            or (token.low == "," and after.low == "which")  # ", which is …": an aside, left out
        )
        if (
            token.low in CLAUSE_BREAK
            or token.low in SOFT_BREAK - {","}
            or (token.low == "," and new_subject)
            or (token.low in {"and", "or"} and after is not None and after.low in SUBJECT_PRONOUNS)
        ):
            if parts[-1]:
                parts.append([])
            continue
        if token.low == "," or token.low in QUOTE_MARKS:
            continue
        parts[-1].append(token)
    kept = [p for p in parts if p and not (p[0].low == "which" and len(parts) > 1)]
    return [_unframe(p) for p in kept or parts if p]


def _subject_and_verb(words: list[Token]) -> bool:
    """A clause of its own begins here: a short noun phrase, then a finite verb ("dbt ran fine,
    dagster was green, the table was just stale")."""
    for i, token in enumerate(words):
        if token.tag in ("VBD", "VBZ") or token.low in {"was", "were", "is", "are"}:
            return i >= 1
        if not (token.tag in ("DT", "PRP$", "JJ", "NN", "NNS", "NNP", "NNPS") or token.name):
            return False
    return False


FRAMES = frozenset(
    "thing things part issue problem problems challenge pain worst hardest biggest question "
    "reason point".split()
)


def _unframe(words: list[Token]) -> list[Token]:
    """'the second thing is we're buying a company' → 'we're buying a company'; 'the part that
    kills us is intercompany' → 'intercompany'."""
    for i, token in enumerate(words[:8]):
        if (
            token.low in {"is", "'s", "was"}
            and i + 1 < len(words)
            and any(t.low in FRAMES for t in words[:i])
            and not any(t.tag.startswith("NN") and t.low not in FRAMES for t in words[:i])
        ):
            rest = words[i + 1 :]
            if rest and rest[0].low == "that":
                rest = rest[1:]
            return rest or words
    return words


LIKE_KEPT = frozenset(
    "'d would i we they you more less something look looks looked feel feels felt sound sounds "
    "seem seems just".split()
)


def _drop_hedges(words: list[Token]) -> list[Token]:
    lows = [t.low for t in words]
    keep = [True] * len(words)
    for hedge in HEDGES:
        n = len(hedge)
        for i in range(len(lows) - n + 1):
            if tuple(lows[i : i + n]) == hedge:
                for j in range(i, i + n):
                    keep[j] = False
    for i, token in enumerate(words):
        # "like" as a filler, not as a verb after a subject ("I'd like to")
        after = words[i + 1] if i + 1 < len(words) else None
        if (token.low in FILLER or token.tag == "UH") and not (
            token.low == "like"
            and (
                (i and words[i - 1].low in LIKE_KEPT)  # "I'd like to", "more like two months"
                or (after is not None and after.tag == "CD" and i and words[i - 1].low != ",")
            )
        ):
            keep[i] = False
    return [t for t, k in zip(words, keep, strict=True) if k]


# -- compression -------------------------------------------------------------------------------

KEEP_DT = frozenset({"no", "every", "each", "all", "another", "half"})
KEEP_RB = frozenset(
    "only early monthly weekly quarterly daily yearly twice once late again back off out up "
    "manually longer instead down behind ahead away most".split()
)
TIME_UNITS = frozenset("month week day year quarter close".split())
# what a bare quantity counts in: "Six hours", "20 minutes", "one percent" name nothing
SPAN_UNITS = TIME_UNITS | frozenset("hour minute second percent time".split())


HALVED_UNITS = frozenset("hour minute day week month year quarter".split())


SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def _digits(words: list[Token]) -> list[str]:
    """Number words as digits ('ten or twelve' → '10–12', 'three days' → '3 days', 'a day and a
    half' → '1.5 days')."""
    out: list[str] = []
    i = 0
    while i < len(words):
        low = words[i].low
        ahead = [w.low for w in words[i + 1 : i + 4]]
        half = 3 if ahead[:3] == ["and", "a", "half"] else 2 if ahead[:2] == ["and", "half"] else 0
        if half and words[i].lemma in HALVED_UNITS:  # "(a) day and (a) half" → "1.5 days"
            if out and out[-1].lower() in {"a", "an", "one"}:
                out.pop()
            out.append(f"1.5 {words[i].lemma}s")
            i += 1 + half
            continue
        if half and low in NUMBERS and low != "zero":  # "two and a half weeks" → "2.5 weeks"
            out.append(f"{NUMBERS[low]}.5")
            i += 1 + half
            continue
        if (
            low == "hundred"
            and i
            and words[i - 1].low in {"a", "one"}
            and (i + 1 == len(words) or words[i + 1].low not in {*NUMBERS, "and"})
        ):
            if out and out[-1].lower() in {"a", "one"}:
                out.pop()
            out.append("100")
            i += 1
            continue
        near = {w.low for w in words[max(0, i - 2) : i + 3]}
        if low in NUMBERS and low not in {"one", "zero"} and "hundred" not in near:
            value = NUMBERS[low]
            nxt = words[i + 1].low if i + 1 < len(words) else ""
            if nxt in NUMBERS and NUMBERS[nxt] < 10 <= value:
                value += NUMBERS[nxt]  # "twenty five"
                i += 1
                nxt = words[i + 1].low if i + 1 < len(words) else ""
            if nxt in NUMBERS and NUMBERS[nxt] > value:
                out.append(f"{value}–{NUMBERS[nxt]}")  # "fifteen, twenty minutes"
                i += 2
                continue
            if (
                i + 2 < len(words)
                and words[i + 1].low in {"or", "to"}
                and words[i + 2].low in NUMBERS
            ):
                out.append(f"{value}–{NUMBERS[words[i + 2].low]}")
                i += 3
                continue
            if nxt in SCALES:  # "nine thousand dollars" → "$9,000", "two million" → "2,000,000"
                value *= SCALES[nxt]
                i += 1
                nxt = words[i + 1].low if i + 1 < len(words) else ""
                if nxt in {"dollars", "bucks"}:
                    out.append(f"${value:,}")
                    i += 2
                    continue
                out.append(f"{value:,}")
                i += 1
                continue
            out.append(str(value))
        elif low in ORDINALS and out and out[-1].lower() in {"by", "on", "the"}:
            out.append(ORDINALS[low])
        else:
            out.append(words[i].text)
        i += 1
    return out


def _inflect(token: Token, tag: str) -> str:
    from lemminflect import getInflection

    forms = getInflection(token.lemma, tag=tag)
    return forms[0] if forms else token.text


def _wish(words: list[Token]) -> list[Token]:
    """A job said as a wish starts at the wished-for verb: 'I want to hit day 8' → 'hit day 8';
    'I want the board to get statements' → 'board to get statements'."""
    for i, token in enumerate(words[:-1]):
        if token.low not in WANT or (
            token.low == "like" and i and words[i - 1].low not in {"'d", "would"}
        ):
            continue
        rest = words[i + 1 :]
        if rest and rest[0].low == "to" and len(rest) > 1:
            rest = rest[1:]
            while len(rest) > 2 and rest[0].low in {"be", "able", "to"}:
                rest = rest[1:]
            return rest
        for j, t in enumerate(rest[:6]):
            if t.low == "to" and 0 < j < len(rest) - 1:
                return rest  # "the board to get …": object, 'to' and the verb
        if (
            token.low in {"want", "need"}
            and i
            and words[i - 1].low in {"i", "we"}
            and rest
            and rest[0].tag in ("DT", "JJ", "NN", "NNS", "PRP$", "CD")
        ):
            return rest  # "I want a new rep productive in week 1" → "new rep productive …"
    return words


SEASONS = frozenset("fall spring summer winter autumn".split())


TIME_LEAD = frozenset("in on last this next then since early late so and now during by".split())


def _time_first(words: list[Token]) -> list[Token]:
    """'in January we added a division' → 'we added a division in January': a leading time
    phrase moves behind the clause, so that what happened comes first."""
    i = 0
    while i < len(words) and (
        words[i].low in TIME_LEAD
        or words[i].low in CALENDAR
        or words[i].low in SEASONS
        or words[i].lemma in TIME_UNITS
    ):
        i += 1
    lead = words[:i]
    if (
        0 < i < len(words) - 1
        and any(t.low in CALENDAR or t.low in SEASONS or t.lemma in TIME_UNITS for t in lead)
        and words[i].tag[:2] not in ("IN", "TO", "VB", "MD")
    ):
        moved = [
            replace(t, text=t.low) if t.low not in CALENDAR else t
            for t in lead
            if t.low not in {"then", "so", "and", "now"}
        ]
        return words[i:] + moved
    return words


REPORTING = frozenset(
    "estimated estimate figured figure think thought guess said says realized noticed reckon".split()
)


def _unreport(words: list[Token]) -> list[Token]:
    """'we figured we were eating forty thousand a year' → 'we were eating forty thousand a
    year'; 'IT said we're not going to rebuild the macros' → 'we're not going to rebuild …'."""
    for i, token in enumerate(words[:4]):
        if token.low in REPORTING and i:
            for j in range(i + 1, min(i + 5, len(words) - 1)):
                if words[j].low in SUBJECT_PRONOUNS - {"that", "this", "there"}:
                    return words[j:] + [
                        t for t in words[i + 1 : j] if t.low in TIME_LEAD or t.lemma in TIME_UNITS
                    ]
            break
    return words


PEOPLE = frozenset("guy guys one person people someone somebody".split())


def _unrelative(words: list[Token]) -> list[Token]:
    """'stop being the guy who sends the nagging emails' → 'stop sending the nagging emails'."""
    for i, token in enumerate(words):
        if token.low not in BE or i + 3 >= len(words):
            continue
        j = i + 1
        if words[j].tag in ("DT", "PRP$"):
            j += 1
        if (
            j + 2 < len(words)
            and words[j].low in PEOPLE
            and words[j + 1].low in {"who", "that"}
            and words[j + 2].tag.startswith("VB")
        ):
            verb = words[j + 2]
            gerund = Token(_inflect(verb, "VBG"), _inflect(verb, "VBG").lower(), "VBG", verb.lemma)
            return [*words[:i], gerund, *words[j + 3 :]]
    return words


def _core(
    clause: list[Token], kind: str | None, articles: bool = False
) -> tuple[list[Token], str | None]:
    """The clause (from the wished-for verb of a wish) without articles, possessives, names, modals, hedging adverbs and a pronoun
    subject; and which subject was dropped."""
    words = _wish(_time_first(_unreport(_unrelative(clause))))
    out: list[Token] = []
    dropped: str | None = None
    for i, token in enumerate(words):
        low = token.low
        nxt = words[i + 1] if i + 1 < len(words) else None
        if not out and low in {"and", "or", "then", "also", "now", "even", "still", "that"}:
            continue
        if (
            not out
            and dropped is None
            and low in SUBJECT_PRONOUNS
            and not (token.text.isupper() and len(token.text) > 1)  # "IT said", not "it"
            and token.tag[:2] in ("PR", "DT", "EX")
        ):
            dropped = low
            continue
        if (
            low == "all"
            and nxt is not None
            and nxt.low == "of"
            and i + 2 < len(words)
            and words[i + 2].low in {"that", "this", "it", "them", "those"}
        ):
            continue  # "track all of that in a spreadsheet" → "track in a spreadsheet"
        if (
            low in {"of", "that", "this", "it", "them", "those"}
            and i > 1
            and words[i - 1 - (low != "of")].low == "all"
            and (
                low != "of"
                or (nxt is not None and nxt.low in {"that", "this", "it", "them", "those"})
            )
        ):
            continue
        if (
            low == "of"
            and i
            and words[i - 1].low == "all"
            and nxt is not None
            and nxt.low in {"that", "this", "it", "them", "those"}
        ):
            continue
        if token.tag == "WDT" and len(out) >= 2 and out[-1].tag.startswith("NN"):
            out.append(token)  # a relative clause begins: cut below, never run into the head
            continue
        if token.tag in ("DT", "PRP$", "WDT", "PDT") and low not in KEEP_DT:
            if low in {"this", "last", "next"} and nxt is not None and nxt.lemma in TIME_UNITS:
                out.append(token)  # "this year"
            elif articles and low in {"a", "an"} and out:
                out.append(token)
            elif (
                low == "a"
                and nxt is not None
                and nxt.lemma in TIME_UNITS
                and out
                and out[-1].tag in ("NNS", "CD", "NN")
            ):
                out.append(token)  # "three days a month"
            elif out and out[-1].low == "of" and len(out) >= 2 and out[-2].tag == "CD":
                out.pop()  # "two of our inside reps" → "2 inside reps", not "2 of inside reps"
            continue
        if low in {"myself", "ourselves", "themselves", "yourself", "itself", "himself", "herself"}:
            continue
        if token.tag == "MD" and low not in {"ca", "wo"}:
            continue
        if (
            low in AUX
            and token.tag != "NNP"  # "in May flagged": the month
            and nxt is not None
            and (nxt.tag.startswith("VB") or nxt.low in {"n't", "not"})
            and low not in {"do", "does", "did", "ca", "wo"}
        ):
            continue  # "we are buying" → "buying"; "don't" stays
        if token.tag.startswith("RB") and low not in NEGATION and low not in KEEP_RB:
            continue
        if token.low == "'s" and i and words[i - 1].name:
            continue
        if token.name:
            continue
        out.append(token)
    # a trailing subordinate or relative clause goes
    for i, token in enumerate(out):
        relative = token.low in {"that", "which", "who"} and token.tag in ("IN", "WDT", "WP")
        if relative and out[i - 1].low in GENERIC | PEOPLE | {"things", "stuff", "ones"}:
            continue  # "coach on the things that happened this week": the clause is the point
        if relative and dropped in {"it", "there", "that"} and _counted_head(out, i):
            # "it's one in ten orders that has a price mismatch": after "it's" or "there are",
            # what the counted ones do is the point, said as their predicate ("One in 10 orders
            # has price mismatch")
            out = out[:i] + out[i + 1 :]
            break
        if i >= 2 and (token.low in SUBORDINATE or relative):
            out = out[:i]
            break
    while len(out) > 1 and (
        (
            out[0].low in AUX | {"to"}
            and out[0].low not in {"do", "does", "did"}
            and (
                out[0].low == "to"
                or out[1].tag.startswith("VB")
                or out[1].low in {"to", "n't", "not", "able"}
            )
        )
        or (out[0].low == "able" and out[1].low == "to")
    ):
        out = out[1:]  # "to be able to take a week off" → "take a week off"
    if len(out) > 1 and out[0].low in {"'m", "'re", "'s", "'ve", "'ll", "'d"}:
        out = out[1:]  # a contraction whose subject went
    if dropped and len(out) > 1 and out[0].low in {"am", "is", "are", "was", "were", "be"}:
        out = out[1:]  # "I'm no longer the bottleneck" → "no longer the bottleneck"
    elif (
        dropped in {"i", "we", "they", "there"}
        and len(out) > 1
        and out[0].low in {"have", "has", "had", "got"}
        and out[1].tag in ("DT", "JJ", "NN", "NNS", "CD")
    ):
        out = out[1:]  # "we have a new CFO" → "new CFO"
    return out, dropped


QUANTIFIERS = frozenset("half most many some few".split())


def _counted_head(words: list[Token], i: int) -> bool:
    """Whether the relative clause at `i` follows counted things ("one in ten orders that …",
    "half the jobs that …": a quantity, then only "in", "of", "the", numbers and adjectives
    before a plural noun) and opens on its verb: a share told with what it does."""
    head = words[i - 1]
    if head.tag != "NNS" or i + 1 >= len(words):
        return False
    verb = words[i + 1]
    if verb.tag not in ("VB", "VBZ", "VBP", "VBD") or verb.low in AUX - {"has", "have", "had"}:
        return False
    for k in range(i - 2, max(-1, i - 6), -1):
        token = words[k]
        if token.tag == "CD" or token.low in QUANTIFIERS:
            return True
        if not (token.low in {"in", "of", "out", "percent", "the"} or token.tag == "JJ"):
            return False
    return False


NOT_JOINED = frozenset("need dare ai".split())  # "needn't", "ain't"


def _render(words: list[Token], texts: list[str] | None = None) -> list[str]:
    texts = texts if texts is not None else _digits(words)
    joined: list[str] = []
    for text in texts:
        low = _low(text)
        if low == "n't" and joined and _low(joined[-1]) not in AUX | NOT_JOINED:
            joined.append("not")  # its auxiliary went: "paperwork wasn't signed" → "not signed"
        elif (low == "n't" or (low.startswith("'") and len(low) > 1)) and joined:
            joined[-1] += text
        elif joined and low == _low(joined[-1]) and low.isalpha():
            continue  # a stutter ("in, in the data sets") is said once in a headline
        else:
            joined.append(text)
    return _trim(joined)


def compress(clause: list[Token], kind: str | None = None) -> list[list[str]]:
    """A clause as headlines (the core of what it says in at most ten words), from the plainest
    to the most rewritten: the first that is no verbatim run of a quote is used."""
    variants: list[list[str]] = []
    for articles in (True, False):
        core, dropped = _core(clause, kind, articles)
        if core:
            wished = _wish(clause) is not clause
            variants += _variants(core, dropped, kind, wished)
    return [v for i, v in enumerate(variants) if v and v not in variants[:i]]


def _variants(
    core: list[Token], dropped: str | None, kind: str | None, wished: bool
) -> list[list[str]]:
    first = core[0]

    def head(words: list[Token]) -> list[str]:
        texts = _digits(words)
        if (
            dropped in {"i", "we", "you", "they"}
            and not wished
            and first.tag in ("VB", "VBP")
            and first.low not in AUX
            and first.low not in CONTRACTIONS
            and _known_verb(first.low)
        ):
            texts[0] = _inflect(first, "VBG")  # "I redo bank recs" → "Redoing bank recs"
            if len(texts) == len(words):  # and a verb joined to it: "… and asking PMs"
                for i in range(2, len(words)):
                    if words[i - 1].low == "and" and words[i].tag in ("VB", "VBP"):
                        texts[i] = _inflect(words[i], "VBG")
        elif wished and first.tag in ("VBZ", "VBD", "VBG", "VBP") and first.low not in AUX:
            texts[0] = _inflect(first, "VB")  # "want to be hitting" → "Hit"
        return _render(words, texts)

    variants = [head(core)]
    if kind != "job":  # a wish is told as the act wished for, never thing first
        thing_first = _thing_first(core)
        if thing_first:
            variants.append(_render(core, thing_first))
    # the main verb after a kept subject as a participle: "accounts carry balances" →
    # "accounts carrying balances" (a caption, and no longer the quote's own words)
    for i, token in enumerate(core[1:], start=1):
        before = core[i - 1] if core[i - 1].low not in NEGATION or i < 2 else core[i - 2]
        if (
            token.tag in ("VBP", "VBZ", "VB", "VBD")
            and token.low not in AUX
            and before.tag.startswith("NN")
            and i + 1 < len(core)
            and core[i + 1].tag not in ("VB", "VBG")  # "started asking" stays
            and (
                token.tag != "VBD"
                or core[i + 1].tag in ("IN", "DT", "NN", "NNS", "JJ", "PRP$", "CD")
            )
        ):
            texts = [*_digits(core[:i]), _inflect(token, "VBG"), *_digits(core[i + 1 :])]
            variants.append(_render(core, texts))
            # leaner: without the adjectives before nouns ("documented variance analysis")
            keep = [
                j
                for j, t in enumerate(core)
                if j <= i
                or not (
                    t.tag in ("JJ", "VBN")
                    and j + 1 < len(core)
                    and core[j + 1].tag.startswith("NN")
                )
            ]
            if len(keep) < len(core):
                lean = [core[j] for j in keep]
                at = keep.index(i)
                texts = [*_digits(lean[:at]), _inflect(token, "VBG"), *_digits(lean[at + 1 :])]
                variants.append(_render(lean, texts))
            break
    # shorter: the words before a preposition, a conjunction or a time phrase, longest first
    cuts = [
        b
        for b in range(len(core) - 1, 1, -1)
        if (core[b].tag in ("IN", "CC", "TO", "WDT", "WP") or core[b].low in {"every", "each"})
        and core[b].low != "of"
        and len(_content(core[:b])) >= 1
        and core[b - 1].tag[:2] in ("NN", "CD", "JJ", "VB", "RB")
    ]
    variants += [head(core[:b]) for b in cuts]
    if (
        first.tag == "VB"
        and not wished
        and first.low not in AUX
        and first.low not in CONTRACTIONS
        and len(core) >= 2  # one word ("git", "Spark") is a name, never an imperative
        and _known_verb(first.low)  # "git integration" is no imperative either
    ):
        # a short imperative is often the whole quote: "Keep the clients" → "Keeping clients"
        texts = [_inflect(first, "VBG"), *_digits(core[1:])]
        variants.append(_render(core, texts))
    elif (
        wished
        and first.tag == "VB"
        and first.low not in AUX
        and (len(core) < 2 or core[1].tag != "VBG")  # not "stopping working"
    ):
        texts = [_inflect(first, "VBG"), *_digits(core[1:])]
        variants.append(_render(core, texts))
    # an event said as an act in progress, named as the event ("We were migrating from Infor
    # VISUAL to …" → "Migration from Infor VISUAL"): a headline, no longer the quote's own run
    events = [
        [EVENT_NOUNS[v[0].lower()], *v[1:]] for v in variants if v and v[0].lower() in EVENT_NOUNS
    ]
    return [v for v in variants + events if v]


# the event a gerund tells, where its noun is another word (lemminflect inflects, it does not
# derive nouns; "opening", "hiring" are their own nouns)
EVENT_NOUNS = {
    "migrating": "Migration",
    "switching": "Switch",
    "moving": "Move",
    "upgrading": "Upgrade",
    "implementing": "Implementation",
    "consolidating": "Consolidation",
    "expanding": "Expansion",
    "acquiring": "Acquisition",
    "merging": "Merger",
    "replacing": "Replacement",
    "installing": "Installation",
    "launching": "Launch",
    "renewing": "Renewal",
}


# verbs that take no object to put first ("offers go by seniority", "instruments run")
NOT_TRANSITIVE = frozenset(
    "be get look feel seem stay become sound go run turn come happen live sit wait work arrive "
    "fall rise depend matter belong".split()
)
PLURAL_AFTER = frozenset({"every", "each"})  # "every invoice" keyed → "invoices keyed"
# verbs whose object is what someone says, wants or spends, never a thing to put first
# ("controller said pricing looked cheaper", "CEO wants a sales flash", "spend 5 hours")
NOT_THING_FIRST = frozenset(
    "say tell think know want need like love hate wish hope expect feel mean ask spend take "
    "cost waste lose".split()
)
WHEN_WORDS = frozenset("time times day week month year morning night weekend".split())


def _thing_first(core: list[Token]) -> list[str] | None:
    """'AP clerk keys every Sysco and US Foods invoice into R365 by hand' → 'Sysco and US Foods
    invoices keyed into R365 by hand': a named subject's act on a thing, told thing first with
    the verb as a participle (a headline, and no longer the quote's own run of words). None
    unless the clause opens with a noun subject, a verb that takes an object, and that object."""
    from lemminflect import getInflection, getLemma

    for i in range(1, len(core) - 1):
        token, after = core[i], core[i + 1]
        if token.tag in ("VB", "VBP", "VBZ", "VBD") and token.low not in AUX:
            lemma = token.lemma
        elif (  # the tagger's plural noun in a verb's place: "clerk keys every invoice"
            token.tag == "NNS"
            and core[i - 1].tag in ("NN", "NNP")
            and after.tag in ("DT", "CD", "PRP$")
            and _can_be_verb(token.low)
        ):
            lemma = (getLemma(token.low, upos="VERB") or (token.lemma,))[0]
        else:
            continue
        subject = core[:i]
        if lemma in NOT_TRANSITIVE | NOT_THING_FIRST:
            return None
        nouns = [t for t in subject if t.tag.startswith("NN")]
        if not nouns or nouns[-1].lemma in WHEN_WORDS:  # "every time the lead changes …"
            return None
        if any(t.tag[:2] not in ("NN", "JJ", "DT", "PR", "PO", "CD") for t in subject):
            return None  # a verb before it: this is no clause's opening subject
        if any(t.low in SUBJECT_PRONOUNS for t in subject):
            return None
        break
    else:
        return None
    j, plural = i + 1, False
    while j < len(core) and (core[j].tag in ("DT", "PRP$") or core[j].low == "own"):
        plural = plural or core[j].low in PLURAL_AFTER
        j += 1
    start = j

    def tag_at(k: int) -> str:  # "US" in "US Foods" is a name, not the pronoun
        if k >= len(core):
            return ""
        upper = core[k].tag == "PRP" and core[k].text.isupper() and len(core[k].text) > 1
        return "NNP" if upper else core[k].tag

    while j < len(core):
        tag, nxt = tag_at(j), tag_at(j + 1)
        if tag[:2] in ("NN", "CD") or (tag == "JJ" and nxt[:2] in ("NN", "JJ")):
            j += 1
        elif tag == "CC" and j > start and core[j - 1].tag.startswith("NN") and nxt[:2] == "NN":
            j += 1  # "Sysco and US Foods invoice"
        elif tag == "VB" and nxt.startswith("NN") and j == start:
            j += 1  # "keep the call list": a noun the tagger read as a verb
        elif core[j].low == "of" and j > start and nxt[:2] in ("NN", "JJ", "DT", "CD"):
            j += 1
            while j < len(core) and tag_at(j) == "DT":
                j += 1
        else:
            break
    thing = core[start:j]
    if not thing or not thing[-1].tag.startswith("NN") or thing[-1].lemma in SPAN_UNITS:
        return None  # "spend 5 hours": a quantity is no thing
    rest = core[j:]
    for k, token in enumerate(rest):  # "… in Salesforce and emails us": the second act goes
        following = rest[k + 1] if k + 1 < len(rest) else None
        if token.tag == "CC" and (
            following is None
            or following.tag[:2] in ("VB", "WP", "WD", "WR")
            or (following.tag == "NNS" and _can_be_verb(following.low))
        ):
            rest = rest[:k]
            break
    texts = _digits(thing)
    if plural and thing[-1].tag == "NN":
        forms = getInflection(thing[-1].lemma, tag="NNS")
        texts[-1] = forms[0] if forms else texts[-1]
    forms = getInflection(lemma, tag="VBN")
    if not forms:
        return None
    return [*texts, forms[0], *_digits(rest)]


@cache
def _known_verb(word: str) -> bool:
    """lemminflect knows the word as a verb ("reduce", "keep"; not "git", "vim")."""
    from lemminflect import getAllLemmas

    return "VERB" in getAllLemmas(word)


CONJUNCTIONS = frozenset("and plus but then".split())
INDEFINITES = frozenset("nobody somebody someone everybody everyone anybody anyone".split())
# a verb that does not end a clause on its own ("… and took", "… and listening"); a participle
# does ("covered and cleaned")
OPEN_VERB_TAGS = frozenset({"VB", "VBD", "VBZ", "VBP", "VBG"})


def _before_broken_conjunct(lows: list[str], cut: int, lexicon: dict[str, str]) -> int:
    """Where to cut instead when the cut leaves a conjunct broken, ending on its verb or its
    subject ("… and took", "… and nobody"): before its conjunction, if at least three words
    stay. A conjunct that ends on a noun or a participle ("… and all open calls", "covered
    and cleaned") stands."""
    last = lows[cut - 1]
    tag = lexicon.get(last) or ""
    before = (lexicon.get(lows[cut - 2]) or "") if cut >= 2 else ""
    broken = (
        last in INDEFINITES
        or tag[:3] in ("PRP", "WP")
        or (tag in OPEN_VERB_TAGS and before[:2] not in ("JJ", "DT", "CD", "PR"))
    )
    if not broken:
        return cut
    for j in range(cut - 1, 2, -1):
        if lows[j] in CONJUNCTIONS:
            return j
    return cut


PARTICLES = frozenset("down up out off back away over".split())


def _trim(words: list[str]) -> list[str]:
    """At most PREFERRED_WORDS words (MAX_WORDS when no good cut), never ending on a function word."""
    tail_stop = (
        STOP | {"to", "of", "in", "on", "at", "for", "with", "from", "by", "and", "or"}
    ) - {"month", "week", "day", "year"}
    was_cut = len(words) > PREFERRED_WORDS
    _, lexicon = _tagger()
    if was_cut:
        cut = PREFERRED_WORDS
        # never cut a noun phrase in two: "on marketplace | clearing accounts"
        while (
            cut < min(MAX_WORDS, len(words))
            and (lexicon.get(_low(words[cut])) or "").startswith("NN")
            and (lexicon.get(_low(words[cut - 1])) or "NN")[:2] in ("NN", "JJ")
        ):
            cut += 1
        # never cut a range after its "from": "from 5 days | to 1.5 days"
        lows = [_low(w) for w in words]
        if cut < len(words) and lows[cut] == "to" and "from" in lows[max(0, cut - 5) : cut]:
            end = cut + 1
            while end < min(MAX_WORDS, len(words)) and (
                any(c.isdigit() for c in lows[end])
                or (lexicon.get(lows[end]) or "").startswith("NN")
            ):
                end += 1
            if end > cut + 1:
                cut = end
        # a second clause cut short goes whole: "Scheduler left in June and took (the file)"
        # → "Scheduler left in June", "did an audit and flagged (…)" → "did an audit"
        if cut < len(words):
            cut = _before_broken_conjunct(lows, cut, lexicon)
        while cut > 3 and _low(words[cut - 1]) in tail_stop:
            cut -= 1
        words = words[:cut] if cut > 3 else words[:MAX_WORDS]

    def dangling(word: str) -> bool:
        low = _low(word).strip(".,")
        tag = lexicon.get(low) or ""
        if (
            low in PARTICLES
            and len(words) >= 3
            and (lexicon.get(_low(words[-2])) or "NN")[:2] == "NN"
        ):
            return False  # after its noun object: "put the phone down", never "brings it up"
        if low in tail_stop or low in AUX or low in {"both", "thing", "things", "instead"}:
            return True
        return tag[:2] in ("IN", "CC", "DT", "TO", "MD", "PR", "WD", "WR") or (
            was_cut and tag[:2] == "JJ" and len(words) > 2
        )

    while words and dangling(words[-1]):
        words = words[:-1]
        if len(words) > 2 and [_low(w) for w in words[-2:]] == ["as", "part"]:
            words = words[:-2]  # "… analysis as part (of the control environment)"
    while words and _low(words[0]) in {
        "to",
        "of",
        "and",
        "or",
        "in",
        "on",
        "for",
        "with",
        "that",
        "a",
    }:
        words = words[1:]
    return words[:MAX_WORDS]


# -- copy check (the same rule as the eval's label_not_copied) ----------------------------------

_COPY_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+")
_COPY_FILLERS = frozenset("um uh like you know yeah so well right okay ok mm hmm".split())


def _copy_words(text: str) -> list[str]:
    return [
        w
        for w in (m.lower().strip("'’") for m in _COPY_WORD.findall(text))
        if w not in _COPY_FILLERS
    ]


def copied(label: str, quotes: list[str]) -> bool:
    """A label is (most of) a quote: a verbatim run of at least four of its words covering 70% of
    it, or a few words that are nearly a whole quote."""
    return _copied(label, _copy_texts(quotes))


def _copy_texts(quotes: list[str]) -> list[tuple[str, int]]:
    texts = []
    for quote in quotes:
        words = _copy_words(quote)
        texts.append((padded(words), len(words)))
    return texts


def _copied(label: str, texts: list[tuple[str, int]]) -> bool:
    words = _copy_words(label)
    return bool(words) and any(copies_quote(words, text, n) for text, n in texts)


def supported(label: str, quotes: list[str]) -> bool:
    """Every content word of the label is a word of the quotes, or a form of one (same lemma;
    number words may be written as digits)."""
    return _supported(label, _vocabulary([tokens(q) for q in quotes]))


def _vocabulary(quotes: list[list[Token]]) -> set[str]:
    quoted: set[str] = set()
    for words in quotes:
        for token in words:
            quoted.update({token.low, token.lemma})
            if token.low in NUMBERS:
                quoted.add(str(NUMBERS[token.low]))
            if token.low in ORDINALS:
                quoted.add(ORDINALS[token.low])
            if token.low == "hundred":
                quoted.add("100")
            if token.low in EVENT_NOUNS:  # "migrating" supports "migration"
                quoted.add(EVENT_NOUNS[token.low].lower())
        for i, token in enumerate(words):  # "(a day | two) and a half" → "1.5", "2.5"
            if [t.low for t in words[i + 1 : i + 4]] == ["and", "a", "half"]:
                quoted.add(f"{NUMBERS.get(token.low, 1)}.5")
        quoted.update(w.lower() for w in _digits(words))  # "nine thousand dollars" → "$9,000"
    return quoted


def _supported(label: str, quoted: set[str]) -> bool:
    for token in tokens(label):
        if not token.content or token.low in quoted or token.lemma in quoted:
            continue
        parts = re.split(r"[–-]", token.low)
        if all(p in quoted or not p for p in parts):
            continue
        from lemminflect import getAllLemmas

        lemmas = {lemma.lower() for forms in getAllLemmas(token.low).values() for lemma in forms}
        if lemmas & quoted:
            continue
        return False
    return True


# -- themes ------------------------------------------------------------------------------------


def _weights(themes: list[list[list[Token]]]) -> list[dict[str, float]]:
    """Per theme: lemma → share of its quotes saying it × log(1 + themes / themes saying it)."""
    per_theme: list[Counter[str]] = []
    for quotes in themes:
        counts: Counter[str] = Counter()
        for words in quotes:
            counts.update(
                {t.lemma for t in words if t.content and t.lemma not in GENERIC and not t.name}
            )
        per_theme.append(counts)
    spread: Counter[str] = Counter()
    for counts in per_theme:
        spread.update(counts.keys())
    total = max(1, len(themes))
    weights = []
    for quotes, counts in zip(themes, per_theme, strict=True):
        size = max(1, len(quotes))
        # in a theme of several quotes, a word only one of them says counts for less
        weights.append(
            {
                lemma: (df / size)
                * math.log(1 + total / spread[lemma])
                * (0.4 if df == 1 < size else 1.0)
                for lemma, df in counts.items()
            }
        )
    return weights


def _content(words: list[Token]) -> list[Token]:
    return [t for t in words if t.content and t.lemma not in GENERIC]


TIME_LEADS = frozenset("last next this every each in on at during".split())
BREAKS = frozenset(",;:—–→()")
LAST_RESORT_WORDS = 3


def _time_phrase(words: list[Token], index: int) -> bool:
    """Whether a word is part of a time phrase ("Last August", "last spring", "in June",
    "every morning"), never a thing: a month or season alone, a time word after a lead."""
    token = words[index]
    if token.low in CALENDAR or token.lemma in SEASONS:
        return True
    if token.low in TIME_LEADS:
        return index + 1 < len(words) and _time_phrase(words, index + 1)
    lead = words[index - 1].low if index else ""
    return token.lemma in WHEN_WORDS and lead in TIME_LEADS


def _named_thing(words: list[Token], texts: list[tuple[str, int]]) -> list[str]:
    """The last resort when every headline of a theme copies its quote: the first content
    words of its first clause (LAST_RESORT_WORDS), without a time phrase ("Last August"),
    never stopping inside a noun phrase ("… rate" of "rate increase"); when that copies the
    quote, without its adjectives ("West Nile pool"), then its last words ("Dreading upgrade
    weekends")."""
    clause = next((c for c in clauses(words) if _content(c)), words)
    keep = {id(t) for t in _content(clause)}
    where = {id(t): k for k, t in enumerate(words)}
    picked: list[int] = []
    for i, token in enumerate(clause):
        if picked:
            between = words[where.get(id(clause[picked[-1]]), 0) + 1 : where.get(id(token), 0)]
            if token.tag == "CC" or any(t.tag == "CC" or t.text in BREAKS for t in between):
                break  # "trialed ServiceTitan | and felt", "Renewal pricing | , a little"
        if id(token) in keep and not _time_phrase(clause, i) and not token.name:
            picked.append(i)
    picked = picked[:LAST_RESORT_WORDS]
    if not picked:
        return []
    while (
        picked[-1] + 1 < len(clause)
        and _in_a_phrase(clause[picked[-1] + 1])
        and not _time_phrase(clause, picked[-1] + 1)
        and len(picked) < MAX_WORDS
    ):
        picked.append(picked[-1] + 1)

    def shown(indices: list[int]) -> list[str]:
        return _render([clause[i] for i in indices])

    if _copied(_finish(shown(picked)), texts):
        plain = [
            i
            for i in picked
            if clause[i].tag not in ("JJ", "JJR", "JJS") or (clause[i].text[:1].isupper() and i)
        ]
        if len(plain) >= 2:
            picked = plain
    if _copied(_finish(shown(picked)), texts) and len(picked) > LAST_RESORT_WORDS:
        picked = picked[-LAST_RESORT_WORDS:]
    return shown(picked)


def _label_score(label: list[str], weights: dict[str, float], rank: int) -> float:
    words = tokens(" ".join(label))
    content = {t.lemma for t in words if t.content}
    specific = [lemma for lemma in content if lemma not in GENERIC]
    if len(specific) < 1:
        return -1.0
    score = sum(weights.get(lemma, 0.0) for lemma in content)
    score += 0.15 * sum(1 for t in words if t.tag == "CD")
    if len(specific) < 2:
        score *= 0.5
    if len(label) > PREFERRED_WORDS:
        score *= 0.8
    score *= {1: 0.5, 2: 0.8}.get(len(label), 1.0)
    return score / (1 + 0.25 * rank)


LEADS = SUBORDINATE | frozenset(
    "why how what whether to of with about for from by in on at due than as and or but that u".split()
)


@cache  # every candidate headline is asked, and the chosen one again
def names_nothing(label: str) -> str | None:
    """Why a headline names nothing a reader can act on, or None when it names something: a
    lone word that is no tool ("Deal", "Making", "March"; "Git" stands), a word said twice
    ("Multiple multiple"), a quantity or date alone ("2 weeks"), a dependent clause ("If there
    is simple tool help", "Where of problem happens")."""
    words = [t for t in tokens(label) if any(c.isalnum() for c in t.low)]
    if not words:
        return "no label"
    if words[0].low in LEADS:
        return f"a dependent clause ('{words[0].text} …')"
    content = [t for t in words if t.content and t.low not in FILLER]
    lemmas = {t.lemma for t in content}
    if len(lemmas) < 2:
        from agent.extract.lexicon import tools_in

        if len(words) == 1 and tools_in(label):
            return None
        return "a single word" if len(words) < 3 else "a single content word"
    if all(t.tag == "CD" or t.lemma in GENERIC | SPAN_UNITS or t.low in CALENDAR for t in content):
        return "a quantity or date alone"
    return None


SUBJECTS = frozenset("i we they he she it you what who".split())
COPULAS = frozenset("is are was were".split())
LINKING = frozenset(
    "be get look feel seem stay become keep sound go run turn lie sit stand fall come grow remain "
    "prove appear".split()
)
# verbs that say nothing without what follows them ("…and see", "Spent whole summer figuring")
NEEDS_OBJECT = frozenset("see know tell figure decide make want need say think use".split())
OBJECTS = frozenset("them him me us".split())


@cache
def ill_formed(label: str) -> str | None:
    """Why a headline cut out of a clause no longer reads, or None: it ends on an adjective
    whose noun went ("Only catches big", "not such a big") or on a verb whose object went
    ("Open one screen and see", "… to figure", "Bank recs used"), it begins with an object
    ("Them to see…") or a
    copula whose subject went ("Is why in data set"), a past verb runs into "of" ("Spent of
    Friday"), a pronoun lost its auxiliary ("Expected interval it guessing", "Reasons I not
    bring"), or a spoken "what" ("Only have what 4–5 feeds") or a relative clause ("Amundsen
    who's one top 5 accounts cancel") sits inside."""
    words = [t for t in tokens(label) if any(c.isalnum() for c in t.low)]
    if len(words) < 2:
        return None
    last, before_last = words[-1], words[-2]
    if (
        last.tag in ("JJ", "JJR", "JJS")
        and (
            (
                before_last.tag.startswith("VB")
                and before_last.lemma not in LINKING
                and before_last.low not in AUX
            )
            or before_last.tag in ("DT", "PDT")
            or before_last.low in {"such", "a", "an", "the"}
        )
        and not _is_noun(last.text)
    ):
        return "ends on an adjective whose noun went"
    if last.lemma in NEEDS_OBJECT and (last.tag.startswith("VB") or before_last.low == "to"):
        return "ends on a verb whose object went"
    if before_last.tag == "CC" and (last.tag in OPEN_VERB_TAGS or last.low in INDEFINITES):
        return "ends on a second clause cut short"  # "… in September and flagged"
    if (
        len(words) > 2
        and words[-3].tag == "CC"
        and (before_last.tag in ("PRP", "NN") or before_last.low in INDEFINITES)
        and last.tag in ("VBD", "VBP")
    ):
        return "ends on a second clause cut short"  # "… and nobody closed", "… and you shuffle"
    if words[0].low in OBJECTS:
        return "begins with an object pronoun"
    if words[0].low in COPULAS:
        return "begins with a verb whose subject went"
    for index, (before, after) in enumerate(pairwise(words)):
        if before.low == "what" and after.tag == "CD":
            return "a spoken 'what' inside"
        if before.tag == "VBD" and after.low == "of":
            return "a verb runs into 'of'"
        if index and before.low in SUBJECTS and after.tag == "VBG":
            return "a pronoun without its verb"
        if before.low in SUBJECTS and after.low == "not":  # "Reasons I not bring": "might" went
            return "a pronoun without its auxiliary"
        if (
            index
            and words[index - 1].tag.startswith("NN")
            and before.low in ("who", "which")
            and after.low in ("'s", "’s", "is")
        ):  # "Amundsen who's one top 5 accounts cancel"; never "See who's under 40"
            return "a relative clause inside"
    return None


PHRASE_TAGS = ("NN", "NNS", "NNP", "NNPS", "CD")


def _in_a_phrase(token: Token) -> bool:
    """Whether a word after a noun or number continues its phrase: a noun or number word."""
    return token.tag in PHRASE_TAGS and any(c.isalnum() for c in token.text)


def _cuts_a_phrase(label: list[str], clause: list[Token]) -> bool:
    """Whether a headline stops inside a noun phrase of its clause: its last word is followed
    there by a noun or number that belongs to it ("… and 2 office" of "our two office admins",
    "Last August West" of "West Nile", "found 9" of "nine thousand dollars")."""
    if not label:
        return False
    last = _low(label[-1])
    for index in range(len(clause) - 1, -1, -1):
        token = clause[index]
        if token.low != last and _low(_digits([token])[0]) != last:
            continue
        if index + 1 >= len(clause):
            return False
        return token.tag in (*PHRASE_TAGS, "JJ") and _in_a_phrase(clause[index + 1])
    return False


def reads(label: str) -> bool:
    """A headline that names something and still reads as a phrase."""
    return not (names_nothing(label) or ill_formed(label))


def _key_phrase(weights: dict[str, float], quotes: list[list[Token]]) -> list[str]:
    """The theme's best noun phrase (adjectives and nouns ending on a noun) by key-word weight."""
    best: tuple[float, list[str]] | None = None
    for words in quotes[:3]:
        run: list[Token] = []
        for token in [*words, Token(".", ".", ".", ".")]:
            if (
                token.tag[:2] in ("NN", "JJ", "CD", "VB")
                and token.tag not in ("VBZ", "VBP", "VBD", "MD")
                and token.low not in STOP
                and not token.name
            ):
                run.append(token)
                continue
            while run and not run[-1].tag.startswith("NN"):
                run.pop()
            if run:
                score = sum(weights.get(t.lemma, 0.0) for t in run[-4:])
                if best is None or score > best[0]:
                    best = (score, [t.text for t in run[-4:]])
            run = []
    return best[1] if best else []


def _finish(words: list[str]) -> str:
    text = " ".join(words[:MAX_WORDS]).strip(" -–—,.;:")
    text = re.sub(r"\s+([,;:])", r"\1", text)
    return text[:1].upper() + text[1:] if text else text


def _description(
    clause: list[Token],
    quote: list[Token],
    text: str,
    quotes: list[list[Token]],
    weights: dict[str, float],
) -> str:
    """The chosen statement as written, without fillers and hedges (its sentence, up to
    DESCRIPTION_WORDS words), and how many of the theme's quotes share its key word."""
    kept = {id(t) for t in _drop_hedges(quote)}
    words = list(quote)
    if clause:  # the sentence that holds the clause
        at = next((i for i, t in enumerate(words) if t is clause[0]), 0)
        begin = max((i + 1 for i in range(at) if words[i].low in {".", "!", "?"}), default=0)
        words = words[begin:]
    out = ""
    count = 0
    previous_kept = False
    previous_end = 0
    for token in words:
        if token.low in {".", "!", "?"} and count:
            break
        if id(token) not in kept:
            previous_kept = False
            continue
        if count >= DESCRIPTION_WORDS and token.low.isalnum():
            out = out.rstrip(" ,;:—–-") + "…"
            break
        if previous_kept or not out:
            gap = text[previous_end : token.start] if out else ""
        else:
            gap = "" if token.low in {",", ";", ":", ")", ".", "'s", "n't"} else " "
        out += gap + text[token.start : token.end]
        previous_end = token.end
        previous_kept = True
        count += token.low[:1].isalnum()
    sentence = re.sub(r"\s*,(\s*,)+", ",", out).strip(' -–—,;:"“”')
    sentence = re.sub(r"\s+", " ", sentence)
    sentence = sentence[:1].upper() + sentence[1:]
    said = {t.lemma for t in clause if t.content and not t.name} & set(weights)
    if len(quotes) > 1 and said:
        # the statement's own key word, and how many of the theme's quotes say it too
        nouns = {t.lemma for t in clause if t.tag.startswith("NN")} & said
        lemma = max(nouns or said, key=lambda k: (weights[k], k))  # a noun if there is one
        sharing = sum(1 for q in quotes if any(t.lemma == lemma for t in q))
        if sharing > 1:
            word = next(t.text for q in quotes for t in q if t.lemma == lemma)
            word = word.lower() if word[1:].islower() else word
            return f"{sentence.rstrip('.')} (“{word}” in {sharing} of {len(quotes)} statements)."
    return sentence + ("" if sentence.endswith((".", "…", "?", "!")) else ".")


NEGATIONS = frozenset("not n't never no nobody nothing none neither nor without cannot".split())


def _is_noun(word: str) -> bool:
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word.lower())
    return "NOUN" in lemmas and "VERB" not in lemmas


def _is_negation(word: str) -> bool:
    low = word.lower()
    return low in NEGATIONS or low.endswith("n't")


def _negated(words: list[str]) -> bool:
    return any(_is_negation(w) for w in words)


def _denied_verb(clause: list[Token]) -> str | None:
    """The lemma of the clause's main verb when a negation denies it ("didn't *pitch*", "never
    *makes*"), or None: "I want to open one place … without opening each" denies no main verb."""
    for index, token in enumerate(clause):
        if token.tag.startswith("VB") and token.low not in AUX and token.lemma not in AUX:
            return None  # the main verb comes first, undenied
        if _is_negation(token.low):
            for after in clause[index + 1 : index + 4]:
                if after.low in AUX or after.tag.startswith("RB"):
                    continue  # "didn't really", "couldn't even", "haven't been"
                if after.tag.startswith("VB") or _can_be_verb(after.low):
                    from lemminflect import getLemma

                    lemmas = getLemma(after.low, upos="VERB")
                    return lemmas[0].lower() if lemmas else after.lemma
                break
    return None


def _denial(label: list[str], verb: str) -> list[str]:
    """A headline that opens with the denied verb, said as denied ("Move labour" → "Not moving
    labour"); [] when the verb stands elsewhere in it."""
    from lemminflect import getInflection

    words = [w for w in label if not _is_negation(w)]
    if len(words) < 2 or not _verb_is(words[0], verb):
        return []
    forms = getInflection(verb, tag="VBG")
    return ["Not", forms[0] if forms else words[0], *words[1:]]


def _verb_is(word: str, verb: str) -> bool:
    from lemminflect import getLemma

    return word.lower() == verb or verb in {v.lower() for v in getLemma(word.lower(), upos="VERB")}


def _says_denied(label: list[str], verb: str) -> bool:
    """The headline asserts the denied verb without saying the denial first ("N't move labour"
    is a fragment, not a denial)."""
    words = [w.lower() for w in label]
    if words and words[0] == "n't":
        words = words[1:]  # a cut that begins inside "couldn't" says no denial
    return not _negated(words) and any(_verb_is(w, verb) for w in words)


def describe(themes: list[list[str]], kind: str | None = None) -> list[ThemeLabel]:
    """A label and a description per theme (its quotes, clearest first), by contrast with the
    other themes given (of the same kind)."""
    parsed = [[tokens(q) for q in quotes] for quotes in themes]
    weights = _weights(parsed)
    results = []
    for quotes, tagged, weight in zip(themes, parsed, weights, strict=True):
        texts = _copy_texts(quotes)
        vocabulary = _vocabulary(tagged)
        candidates: list[tuple[float, list[str], list[Token], list[Token]]] = []
        for rank, words in enumerate(tagged[:3]):
            for clause in clauses(words):
                if len(_content(clause)) < 1:
                    continue
                denied = _denied_verb(clause)
                for order, label in enumerate(compress(clause, kind)):
                    if denied and _says_denied(label, denied):
                        # "Didn't pitch meter features" is never "Pitch meter features": the
                        # denial said ("Not pitching meter features") or no such headline
                        label = _denial(label, denied)
                        if not label:
                            continue
                    shown = _finish(label)
                    if _copied(shown, texts) or not _supported(shown, vocabulary):
                        continue
                    score = _label_score(label, weight, rank) * (1 - 0.02 * order)
                    if clause[0].low in SUBORDINATE | {"why", "how", "what", "whether"}:
                        score *= 0.5  # "if this takes 30 off the audit", "why they expanded"
                    if names_nothing(shown) or ill_formed(shown) or _cuts_a_phrase(label, clause):
                        score -= 10.0  # any headline that names a thing, and reads, wins
                    candidates.append((score, label, clause, words))
        best = max(candidates, key=lambda c: c[0]) if candidates else None
        phrase = _key_phrase(weight, tagged) if best is None or best[0] < -5 else []
        if (  # of a negated statement, the thing named and not the act it denies
            len(phrase) > 1
            and tagged
            and _negated([t.low for t in tagged[0]])
            and _can_be_verb(phrase[0].lower())
            and not _is_noun(phrase[0])
        ):
            phrase = phrase[1:]
        if (
            phrase
            and best is not None
            and not names_nothing(_finish(phrase))
            and not _copied(_finish(phrase), texts)
        ):  # a noun phrase that names a thing beats a vague clause
            best = (0.0, phrase, best[2], best[3])
        if best is not None:
            _, label, clause, quote = best
            text = quotes[[id(q) for q in tagged].index(id(quote))]
        else:
            label = phrase if phrase and not _copied(_finish(phrase), texts) else []
            quote = tagged[0] if tagged else []
            text = quotes[0] if quotes else ""
            clause = max(
                clauses(quote), key=lambda c: sum(weight.get(t.lemma, 0.0) for t in c), default=[]
            )
            if not label:
                label = _named_thing(tagged[0] if tagged else [], texts) or ["Unlabelled theme"]
        headline = _finish(label)
        results.append(
            ThemeLabel(
                headline,
                _description(clause, quote, text, tagged, weight),
                (names_nothing(headline) or ill_formed(headline))
                if label != ["Unlabelled theme"]
                else "no label",
            )
        )
    return results


def theme_labels(themes: list[list[str]], kind: str | None = None) -> list[str]:
    """One label per theme (a list of its quotes), by contrast with the other themes given."""
    return [t.label for t in describe(themes, kind)]
