"""Does the research support an answer? A question is refused when its key terms have no
support or when nothing found is close enough in meaning:

- a key term the research never uses (a product, a place, a feature it never mentions:
  "GDPR", "mobile app", "Procore") — unless it is a common word the research simply phrases
  differently, which the meaning check below then decides;
- the best sentence found is below MIN_BEST;
- the question asks for no kind of evidence and no reason (as "why do … start looking" asks
  for triggers, "what stops …" for objections: those are answered in their own words) and
  none of the closest sentences is close in meaning to it (CLOSE_IN_MEANING): shared words in
  another sense ("a credit union" for "credit-card processing") are no answer.

Thresholds were set on the unanswerable and answerable gold questions of relaypoint, fieldcrew
and tidemark and checked on closewise (see evals/README.md); CLOSE_IN_MEANING on the
thirteen read corpora of stop 39 (see the constant)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent.qa.candidates import Candidate
from agent.qa.terms import SCAFFOLD, common_word, content_stems, stem
from agent.qa.units import ACCOUNT_NOUNS, PARTICIPANT_NOUNS
from agent.store import Workspace

MIN_BEST = 0.40
# The closest of the top sentences must be at least this similar to a question that asks for
# no kind of evidence. On the thirteen read corpora of stop 39 (179 questions), every
# answerable such question had a sentence at 0.51 or more, 22 of the 29 unanswerable ones none
# above 0.48. Of the three the other checks let through, it refuses one (0.41: "a credit
# union" for credit-card processing); two were above it (0.53, 0.57).
CLOSE_IN_MEANING = 0.48
# "why do … switch", "why did they …": a reason is asked for, said in the reason's own words
ASKS_WHY = re.compile(r"^\W*(?:and\s+|so\s+)?why\b", re.IGNORECASE)
TOP = 5
AMOUNT_TOPIC_WORDS = 2
# words too general to refuse on when absent (the research says the same thing otherwise)
GENERAL = set(
    """
    think compare compared comparison quick quickly fast slow slows slowed typical typically
    current currently today now ever always never often usual usually much many more less
    good bad best worst better worse big bigger small smaller high higher low lower new old
    first last next main whole part reason reasons result results happen happens happened
    problem problems issue issues concern concerns difference differences change changes
    time times year years month months week weeks day days answer answers question questions
    work works worked look looks start starts stop stops buy buys bought choose chose pick
    """.split()
)


@dataclass
class Support:
    answerable: bool
    reason: str = ""
    missing: list[str] = field(default_factory=list)
    best: float = 0.0
    coverage: float = 0.0


def phrase_said(workspace: Workspace, phrase: str, research_only: bool = True) -> bool:
    """Whether some passage contains the phrase; research only: not CRM rows (a tech-stack
    column is not a customer talking). Stops at the first passage found."""
    return _said(workspace, f'"{phrase}"', research_only)


def words_near(workspace: Workspace, words: list[str], distance: int = 6) -> bool:
    """Whether some research passage has all the words within `distance` words of each other."""
    terms = " ".join(f'"{w}"' for w in words)
    return _said(workspace, f"NEAR({terms}, {distance})", research_only=True)


def _said(workspace: Workspace, expression: str, research_only: bool) -> bool:
    query = (
        "SELECT 1 FROM chunks_fts JOIN chunks ON chunks.chunk_id = chunks_fts.chunk_id "
        "WHERE chunks_fts MATCH ?"
    )
    if research_only:
        query += " AND json_extract(chunks.data, '$.kind') != 'crm'"
    return workspace.catalog.db.execute(query + " LIMIT 1", (expression,)).fetchone() is not None


POSSESSED = re.compile(
    r"\b[A-Z][\w-]*(?:'s|’s)\s+((?:[\w-]+\s+){0,3}(?:integration|app|apps|mode|feature|module|api|connector|plugin|extension|dashboard|kiosk|tablet|portal)s?)\b",
    re.IGNORECASE,
)


# "the QuickBooks integration", "their Metrc sync": a feature named by the tool it connects to
NAMED_FEATURE = re.compile(
    r"\b(?:the|a|an|its|their|our|your)\s+([A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?)\s+"
    r"(integration|connector|sync|plugin|extension|api|module|app)s?\b"
)


# "Relaypoint's mobile app", "Larkspur's own gross revenue retention": something of the
# product's own, up to the first word that ends the phrase
OWN_THING = re.compile(
    r"\b([A-Z][\w-]+)(?:'s|’s)\s+([\w-]+(?:\s+[\w-]+){0,4}?)(?=\s+(?:or|and|across|with|"
    r"compared|for|to|in|on|at|from|add|adds|answer|answers|run|runs|work|works|do|does|is|are)"
    r"\b|\s*[?,.;]|\s*$)"
)
# the possessor's people, not its things: "FieldCrew's core HVAC customers" asks about them
PEOPLE_HEADS = set(
    "customer customers client clients user users account accounts buyer buyers prospect "
    "prospects partner partners reseller resellers".split()
)
OWN_THING_DISTANCE = 10


def unmentioned_own_things(question: str, workspace: Workspace) -> list[str]:
    """Things of the vendor's own product the question asks about ("Relaypoint's mobile app",
    "Tidemark's support team") that no research passage says of the product: the phrase's
    last two content words never stand near the product's name, "your" or "you". The research
    may say "mobile app" about a customer's own customers ("software to mobile app teams");
    that is no answer about the product's app. Accounts and tools as possessors are left to
    the other checks (an interview about Harlow rarely says "Harlow"), and so is a common word:
    a product is not called "Brewer" or "Owner" ("the Brewer's Report of Operations" is a
    form brewers file)."""
    from agent.extract.lexicon import tools_in

    found = []
    directory = None
    for match in OWN_THING.finditer(question):
        owner, thing = match.group(1), match.group(2).strip()
        tokens = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", thing)]
        if not tokens or tokens[-1] in PEOPLE_HEADS or tools_in(owner):
            continue
        if common_word(owner):
            continue  # a kind of person, not the product: "the Brewer's Report of Operations"
        if directory is None:
            from agent.qa.index import document_index

            directory = document_index(workspace).directory()
        if directory.mentioned(owner):
            continue  # an account's own things
        key = [w for w in tokens if w not in SCAFFOLD and w not in GENERAL and len(w) > 2][-2:]
        if not key or not phrase_said(workspace, owner.lower(), research_only=False):
            continue
        if not any(
            words_near(workspace, [who, *key], OWN_THING_DISTANCE)
            for who in (owner.lower(), "your", "you")
        ):
            found.append(f"{owner}'s {thing}")
    return found


def absent_terms(question: str, workspace: Workspace, scope_words: set[str]) -> list[str]:
    """What the question names that the research never does: a tool ('Gong', 'Procore',
    'Dynamics 365') no customer mentions (a CRM tech-stack column is not a customer talking), a
    name or acronym ('GDPR', 'United Kingdom') in no passage at all, a feature of the product
    ("FieldCrew's fleet fuel-card integration") whose words appear nowhere, or a feature named
    by the tool it connects ("the QuickBooks integration") whose words are never said
    together. Ordinary words are left to the meaning check: the research may say 'vendor'
    where the question says 'competitor', or name the accounting system without the word
    'ERP'."""
    from agent.extract.lexicon import tools_in

    absent: list[str] = []

    def nowhere(phrase: str, research_only: bool) -> bool:
        parts = " ".join(p for p in re.split(r"[^a-z0-9]+", phrase.lower()) if p)
        if not parts or phrase_said(workspace, parts, research_only):
            return False
        # a transcript spells a spoken acronym letter by letter ("the G P T models")
        spelled = " ".join(parts) if parts.isalpha() and 2 <= len(parts) <= 5 else ""
        return not (spelled and phrase_said(workspace, spelled, research_only))

    tools = tools_in(question)
    for name, _category in tools:
        said = [w for w in re.findall(r"[A-Za-z0-9]{3,}", name) if w.lower() in question.lower()]
        if any(nowhere(w, research_only=True) for w in said):
            absent.append(name)
    named = re.findall(
        r"(?<=\S )([A-Z][A-Za-z0-9'’-]*|[0-9]{3,})|^([A-Z]{2,}[A-Za-z0-9]*)", question
    )
    for word in dict.fromkeys(
        w.removesuffix("'s").removesuffix("’s") for pair in named for w in pair if w
    ):
        lower = word.lower()
        parts = [stem(p) for p in re.split(r"[^a-z0-9]+", lower) if p]
        if lower in SCAFFOLD or lower in GENERAL or len(lower) < 2 or stem(lower) in scope_words:
            continue
        if len(parts) > 1 and any(p in scope_words for p in parts):  # "UX-study": scope "ux"
            continue
        head, *rest = word.split("-")
        if rest and head and all(r.islower() for r in rest):
            # a name described by an ordinary word ("PE-backed", "US-based", "AI-powered"):
            # absent only when the name is
            if nowhere(head.lower(), research_only=False):
                absent.append(word)
            continue
        if any(lower in t.lower() for t, _ in tools):
            continue
        if nowhere(lower, research_only=False):
            absent.append(word)
    for match in POSSESSED.finditer(question):
        feature = [w for w in re.split(r"[^a-z0-9]+", match.group(1).lower()) if w]
        if len(feature) >= 2 and not words_near(workspace, feature):
            absent.append(match.group(1))  # its words never said together ("mobile app")
            continue
        for word in re.split(r"[\s-]+", match.group(1)):
            lower = word.lower()
            if lower in SCAFFOLD or lower in GENERAL or len(lower) < 3 or lower in absent:
                continue
            if nowhere(lower, research_only=False):
                absent.append(lower)
    for match in NAMED_FEATURE.finditer(question):
        feature = [w for w in re.split(r"[^a-z0-9]+", match.group(0).lower()) if w][1:]
        if not words_near(workspace, feature):
            absent.append(" ".join(match.group(1, 2)))  # "QuickBooks" said, never its integration
    if not absent:
        absent.extend(unmentioned_terms(question, scope_words, nowhere))
    if not absent:
        absent.extend(unmentioned_own_things(question, workspace))
    if not absent:
        absent.extend(unsaid_focus(question, workspace, scope_words))
    return list(dict.fromkeys(absent))


# "Which cleaning chemicals do …", "What loan terms did …": the thing the question asks about
FOCUS = re.compile(
    r"^\W*(?:and\s+|so\s+)?(?:which|what)\s+((?:[A-Za-z][\w'’-]*\s+){1,3}?)"
    r"(?:do|does|did|are|is|was|were|have|has|had|can|could|would|will|should)\b",
    re.IGNORECASE,
)
# a category the research fills with names ("which payroll systems": ADP, Paychex) or an
# amount ("what share of …"): its word need not be said
CATEGORY_WORDS = set(
    """
    system systems tool tools software app apps platform platforms vendor vendors product
    products solution solutions provider providers service services brand brands program
    programs share percentage proportion fraction number amount kind kinds type types sort
    sorts part parts way ways
    """.split()
)
FOCUS_DISTANCE = 3
# "How do yacht clubs set the entry fees …", "how do they negotiate their per-job rates …": the
# thing a how-question asks about is the object of a verb of deciding or handling money
HOW_OBJECT = re.compile(
    r"^\W*how\s+(?:do|does|did)\s+(?:[A-Za-z][\w'’-]*\s+){1,4}?(?:set|negotiate|charge|price|"
    r"calculate|track|manage|handle|fund|finance|pay|get|choose|pick|buy)\s+"
    r"(?:the|their|its|his|her)\s+((?:[A-Za-z][\w'’-]*\s+){0,2}[A-Za-z][\w'’-]*)\b",
    re.IGNORECASE,
)

# "Did any brewery take out a bank loan …", "has anyone asked for a SOC 2 report": the thing a
# yes/no question asks about is the object of its verb
YES_NO_OBJECT = re.compile(
    r"^\W*(?:did|do|does|has|have)\s+(?:any|anyone|anybody|someone|somebody)\b\s*"
    r"(?:[A-Za-z][\w'’-]*\s+){0,3}?(?:take|took|taken|get|got|use|used|sign|signed|buy|"
    r"bought|ask|asked|pay|paid|mention|mentioned|offer|offered|need|needed|want|wanted|"
    r"request|requested)\s+(?:out\s+|up\s+|for\s+|about\s+)?(?:a|an|the|their|its|any|some)?\s*"
    r"((?:[A-Za-z][\w'’-]*\s+){0,2}[A-Za-z][\w'’-]*)\b",
    re.IGNORECASE,
)

# "Which vaccine suppliers offer volume rebates …": a which-question with no auxiliary, whose
# subject is the thing asked about; never a group of the research ("which teams use GPT")
FOCUS_SUBJECT = re.compile(
    r"^\W*(?:and\s+|so\s+)?which\s+((?:[A-Za-z][\w'’-]*\s+){1,3}?)(?:offer|offers|use|uses|"
    r"sell|sells|provide|provides|charge|charges|give|gives|support|supports|send|sends)\b",
    re.IGNORECASE,
)
RESEARCH_GROUP = re.compile(rf"\b(?:{ACCOUNT_NOUNS}|{PARTICIPANT_NOUNS})\b", re.IGNORECASE)


def _focus_subject(question: str) -> re.Match[str] | None:
    match = FOCUS_SUBJECT.match(question)
    return None if match is None or RESEARCH_GROUP.search(match.group(1)) else match


def unsaid_focus(question: str, workspace: Workspace, scope_words: set[str]) -> list[str]:
    """The thing a "which/what X do …" question asks about (or "how do they set the X …", "did
    any brewery take out a X …", "which X offer …"), when the research never says its words
    together ("cleaning chemicals", "loan terms", "hourly pay", "entry fees", "bank loan":
    nothing said of them is an answer, however close other sentences are in meaning). Its last
    two words decide, up to its first function word, without a category the research fills
    with names ("payroll systems": "payroll") and without the question's group."""
    match = (
        FOCUS.match(question)
        or HOW_OBJECT.match(question)
        or YES_NO_OBJECT.match(question)
        or _focus_subject(question)
    )
    if not match:
        return []
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w'’-]*", match.group(1))]
    cut = next((i for i, w in enumerate(words) if w in SCAFFOLD), len(words))
    words = words[:cut] or words  # "the kegs on Monday": the kegs
    key = [
        w
        for w in words
        if w not in SCAFFOLD
        and w not in GENERAL
        and w not in CATEGORY_WORDS
        and len(w) > 2
        and stem(w) not in scope_words
    ][-2:]
    parts = [p for w in key for p in re.split(r"[-'’]", w) if p]
    if not parts:
        return []
    if len(parts) == 1:
        said = phrase_said(workspace, parts[0], research_only=False)
    else:
        said = words_near(workspace, parts, FOCUS_DISTANCE)
    return [] if said else [" ".join(key)]


def unmentioned_terms(question: str, scope_words: set[str], nowhere: Any) -> list[str]:
    """Specialised words of the question the research never uses ("federated learning",
    "hallucinations"): a word outside the common vocabulary (terms.common_word) that no passage
    says, unless a word beside it in an "X and Y" / "X or Y" pair is said ("plumbers and
    handymen": the research speaks of the group). Common words are left to the meaning check
    (the research may say "took nine months" where the question says "effort"); hyphenated
    descriptions of a group ("PE-backed", "multi-entity") are the scope's business."""
    tokens = re.findall(r"[A-Za-z][A-Za-z'’-]*", question)
    found = []
    for i, word in enumerate(tokens):
        lower = word.lower().removesuffix("'s").removesuffix("’s")
        # "e-signature": a thing, not a group ("in-house", "UX-study" and "PE-backed" describe)
        if re.fullmatch(r"[a-z]-[a-z]{3,}", lower):
            if nowhere(lower, research_only=False) and nowhere(
                lower.replace("-", ""), research_only=False
            ):
                found.append(lower)
            continue
        if (
            word[:1].isupper()
            or "-" in word
            or len(lower) < 5
            or lower in SCAFFOLD
            or lower in GENERAL
            or stem(lower) in scope_words
            or not nowhere(lower, research_only=False)  # an index lookup: before the vocabulary
            or common_word(lower)  # loads the embedding vocabulary, once per process
        ):
            continue
        pair = [
            tokens[j + k]
            for j, k in ((i - 1, -1), (i + 1, 1))
            if 0 <= j < len(tokens)
            and tokens[j].lower() in ("and", "or")
            and 0 <= j + k < len(tokens)
        ]
        if any(not nowhere(p.lower(), research_only=False) for p in pair):
            continue
        found.append(lower)
    return found


# A question that asks for an amount ("how much do the queries add to the bill", "how quickly
# does support answer") is answered only by statements of one; "how many …" counts accounts or
# participants instead (qa/counts.py).
# "what do agencies pay their caregivers per hour": a rate of money asked without "how much"
RATE_ASKED = (
    r"\bwhat\s+(?:do|does|did)\b[^?]{0,60}?\b(?:pay|pays|paid|charge|charges|spend|spends|cost|costs)"
    r"\b[^?]{0,40}?\b(?:per|an?|each)\s+(?:hour|day|week|month|year|visit|shift|seat|user|head)\b"
)
AMOUNT_QUESTION = re.compile(
    r"\bhow\s+(?:much|quickly|fast|long|soon|often|expensive|costly)\b|"
    r"\bwhat\s+(?:percentage|share|proportion|fraction)\b|" + RATE_ASKED,
    re.IGNORECASE,
)


# what kind of amount the question asks for: a bill wants money, "how quickly" a duration
_AMOUNT_KINDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bhow\s+(?:quickly|fast|long|soon)\b|\bhow\s+much\s+time\b", re.I), "duration"),
    (
        re.compile(
            r"\bhow\s+(?:much|expensive|costly)\b.{0,60}\b(?:cost|costs|bills?|pay|paid|spend|"
            r"spent|price|priced|budget|money|dollars|fees?|add\w* to)\b",
            re.I,
        ),
        "money",
    ),
    (re.compile(r"\bwhat\s+(?:percentage|share|proportion|fraction)\b", re.I), "share"),
    (re.compile(RATE_ASKED, re.I), "money"),
]


# a percentage is an amount of money only in a sentence about money ("overtime cost us 9% of
# payroll"; not "thirty percent of the temps they promised show up")
MONEY_WORDS = re.compile(
    r"\b(?:cost\w*|spen[dt]\w*|budget\w*|dollars?|price[ds]?|pricing|bills?|billing|paid|pay\w*|"
    r"sav(?:e|ed|es|ing|ings)|fees?|invoice\w*|revenue|margins?|payroll|expens\w+)\b|[$€£]",
    re.IGNORECASE,
)
_LEAD = re.compile(r"^\W*(?:(?:so|and|roughly|approximately|on average|in general),?\s+)*", re.I)


# "how many hours a week …": an amount in units, not a count of accounts (qa/counts.py)
HOW_MANY_UNITS = re.compile(
    r"\bhow\s+many\s+(?:(?:more|extra|fewer)\s+)?(?:hours?|minutes?|days?|weeks?|months?|"
    r"years?|dollars?|euros?|pounds?|ftes?|full-time\s+people)\b",
    re.IGNORECASE,
)


def _amount_first(question: str) -> bool:
    """Whether an amount is what the question asks first ("how much time…", "how long…")."""
    return bool(AMOUNT_QUESTION.match(_LEAD.sub("", question)))


def asks_amount(question: str) -> bool:
    """Whether the question asks for an amount: first, or in units ("how many hours a week…")."""
    return _amount_first(question) or bool(HOW_MANY_UNITS.search(question))


def _amount_asked(question: str) -> str | None:
    """'duration', 'money' or 'share'; None: any stated amount answers."""
    return next((kind for pattern, kind in _AMOUNT_KINDS if pattern.search(question)), None)


HOW_MUCH_OF = re.compile(
    r"how\s+much\s+([a-z][a-z-]{3,})\s+(?:do|does|did|is|are|was|were|will)\b", re.I
)


def amount_missing(
    question: str, candidates: list[Candidate], topic: set[str] | None = None
) -> bool:
    """The question asks for an amount and none of the closest sentences states one (a number
    with its unit, money or a percentage: "one thing to have tickets" states none) about the
    question's topic ("two weeks answering audit requests" is no amount for "how quickly does
    support respond to tickets"; for money, two of the topic's words)."""
    if not _amount_first(question):
        return False  # the amount is not what the question asks first ("what tools …, how much …")
    # quantities loads only for an amount question (its patterns are not needed at start-up)
    from agent.extract.quantities import DURATIONS, find_quantities

    asked = _amount_asked(question)
    units = {"duration": DURATIONS, "money": {"usd", "percent"}, "share": {"percent"}}.get(
        asked or ""
    )

    def states_one(text: str) -> bool:
        found = [q.unit for q in find_quantities(text) if units is None or q.unit in units]
        if asked == "money":  # a share answers a money question only when it is of money
            return "usd" in found or bool(found and MONEY_WORDS.search(text))
        return bool(found)

    # about the topic; money two of its words at least: deal notes state prices everywhere ("our
    # quote (~$38k) … for a monitoring tool" shares one word with "how much do the monitoring
    # queries add to the warehouse bill")
    needed = min(AMOUNT_TOPIC_WORDS if asked == "money" else 1, len(topic or ()))
    # "how much overtime do call-offs cost": a sentence stating money and saying the thing
    # measured ("nine thousand a month in overtime") is about it
    measured = HOW_MUCH_OF.match(_LEAD.sub("", question))
    thing = stem(measured.group(1).lower()) if measured else None
    if thing not in (topic or set()):
        thing = None

    def about(text: str) -> bool:
        said = content_stems(text)
        return len(said & (topic or set())) >= needed or (thing is not None and thing in said)

    def measures_the_thing(text: str) -> bool:  # "overtime was eleven percent of hours"
        if thing is None or thing not in content_stems(text):
            return False
        return any(q.unit in DURATIONS | {"usd", "percent"} for q in find_quantities(text))

    return not any(
        (states_one(c.text) and about(c.text)) or measures_the_thing(c.text)
        for c in candidates[:TOP]
    )


def judge_support(
    question: str,
    topic: set[str],
    candidates: list[Candidate],
    workspace: Workspace,
    scope_words: set[str],
    kinds: set[str] | frozenset[str] = frozenset(),
    filtered: bool = False,
) -> Support:
    """`kinds`: the evidence kinds the question asks for (qa/intent.py). `filtered`: the user
    said where to look (an account, a kind of source, an outcome); what is there answers, near
    in meaning or not."""
    best = candidates[0].score if candidates else 0.0
    top = candidates[:TOP]
    seen = set().union(*(content_stems(c.text) for c in top)) if top else set()
    coverage = len(topic & seen) / len(topic) if topic else 1.0
    missing = absent_terms(question, workspace, scope_words)
    if missing:
        return Support(False, "absent", missing, best, coverage)
    if best < MIN_BEST:
        return Support(False, "far", [], best, coverage)
    if not (kinds or filtered or ASKS_WHY.match(question)) and not any(
        c.similarity >= CLOSE_IN_MEANING for c in top
    ):
        return Support(False, "far", [], best, coverage)
    if amount_missing(question, candidates, topic):
        return Support(False, "no amount", [], best, coverage)
    return Support(True, "", [], best, coverage)
