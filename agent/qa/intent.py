"""What a question asks for, as evidence kinds: "what made them start looking" wants triggers,
"why did they leave" churn reasons. Retrieval boosts evidence of those kinds."""

from __future__ import annotations

import re

INTENTS: list[tuple[re.Pattern[str], set[str]]] = [
    (
        re.compile(
            r"\b(start(ed|s)? (looking|searching|evaluating|shopping)|(begin|began|begun) (looking|searching|shopping)|trigger\w*|what (made|got|prompted|pushed)|why now|kick(ed)? off|catalyst|start to (look|shop)|in the market for|go(ing)? shopping|went shopping|now rather than later|"
            r"what (?:makes|gets|prompts|pushes|drives|drove|leads|led|tips|tipped|forces|forced) (?!.{0,80}\b(?:fit|different|unique|hard|difficult|easy)\b).{0,80}\bto (?:replace|switch|change|buy|look|shop|move|adopt|evaluate|upgrade|invest))\b",
            re.I,
        ),
        {"trigger"},
    ),
    (
        re.compile(
            r"\b(pains?|problems?|struggl\w*|frustrat\w*|hardest|difficult\w*|confus\w*|bottlenecks?|slow(?:s|ed|ing)? (?:\w+ ){1,3}down|cost them|biggest (issue|problem)|challenges?|stall\w*|stuck|break(?:s|ing)? down|broke down|go(?:es)? wrong|went wrong|fall(?:s)? (?:apart|short)|(?:poor|bad|wrong) fit|(?:not|n't) (?:a )?(?:good |great )?fit|gets? in (?:the|their) way)\b",
            re.I,
        ),
        {"pain"},
    ),
    (
        re.compile(
            r"\b(who (signs|decides|approves|buys|champions|blocks|evaluates|uses)|decision[- ]makers?|economic buyers?|champions?|budget (owner|holder)s?|buying committee|blockers?|"
            r"go(?:es)? about (?:buying|purchasing|procuring)|(?:buying|purchasing|procurement|approval) process|how (?:do|does) (?:\w+ ){1,6}(?:buy|purchase|procure|approve)\b)\b",
            re.I,
        ),
        {"buying_role"},
    ),
    (
        re.compile(
            r"\b(why (did )?(we|deals?) (lose|lost)|lost (deals|to)|loss reasons?|why .{0,30}\blose\b|turn(?:s|ed)? (?:\w+ ){0,3}down|(?:say|says|said) no to|reject\w*)",
            re.I,
        ),
        {"loss_reason", "objection"},
    ),
    (
        re.compile(
            r"\b(slow(s|ed)? down|slow(?:s|ed)? (?:the |their |a )?(?:purchase|deal|sale|buying|decision|approval|procurement|contract|signature)s?|block(s|ed|ing)?|pass(?:ed|es)? on (?!to\b)|(?:stops?|kept|keeps?|prevent(?:s|ed)?) .{0,40}\bfrom (buying|signing|adopting|moving forward|going ahead)|hold(s|ing)? (up|back)|decline\w*|not buy|don'?t buy|went with|go with a competitor|choose .{0,30}\bover|different vendor|(?:choose|chose|chosen|pick|picked|select|selected|go|went|gone)\s+(?:with\s+)?(?:another|a different|a rival|a competitor|someone else|somebody else|an? other))\b",
            re.I,
        ),
        {"objection", "loss_reason"},
    ),
    (
        re.compile(
            r"\b(churn\w*|cancel\w*|leave|left us|didn'?t renew|not renew\w*|not stay|stop(?:ped)? using|no longer use)\b",
            re.I,
        ),
        {"churn_reason"},
    ),
    (
        re.compile(
            r"\b(why (did|do) (they|customers) (buy|choose|pick|sign)|win reasons?|why (we|did we) win|what (won|closed|clinched|sealed)|why (did|do|does|would) (?:(?!\bnot\b|n't)[\w&.' -]){1,40}? (expand|renew|upgrade)\w*|results?|roi|benefits?|outcomes?|value they get|improv\w*)\b",
            re.I,
        ),
        {"win_reason", "outcome"},
    ),
    (
        re.compile(
            # "today" alone is not enough: "what stops them from buying today" asks for objections
            r"\b(instead|workarounds?|spreadsheets?|before (using|switching)|what do they use)\b|"
            r"^\W*how\b.{0,80}\b(today|currently|right now)\b",
            re.I,
        ),
        {"workaround"},
    ),
    (
        re.compile(
            r"\b(concerns?|objections?|hesitat\w*|worr\w*|pushback|risks?|hold(ing)? (them )?back)\b",
            re.I,
        ),
        {"objection"},
    ),
    (
        re.compile(
            r"\b(trying to|goals?|jobs?[- ]to[- ]be[- ]done|need to get done|want to achieve)\b|"
            r"\bwhat (do|does|would) .{0,60}\b(want|need|expect)\b|\b(want|need)s? .{0,50}\bto do\b",
            re.I,
        ),
        {"job"},
    ),
    (
        # "what do users like": what they value in it
        re.compile(r"\bwhat (?:do|does|did) .{0,60}\b(?:like|love|value|enjoy|appreciate)\b", re.I),
        {"win_reason", "outcome"},
    ),
    (
        # what sets a group apart is what it needs and struggles with, not who it is
        re.compile(
            r"\b(what (makes|sets) .{0,80}\b(different|unique|distinct|special|apart)|"
            r"how (is|are|do|does) .{0,80}\bdiffer\w*|what(?:'s| is) (different|unique|special) about|"
            r"distinguish\w*)\b",
            re.I,
        ),
        {"pain", "job", "workaround"},
    ),
    (
        # who they are: a self-description answers ("We're a 24/7 emergency hospital, about 90 people")
        re.compile(
            r"\b(what (?:kinds?|types?|sorts?) of (?:companies|organi[sz]ations|businesses|firms|customers|accounts|teams|practices|clinics)|"
            r"company size|headcount|firmographic\w*|who are (?:they|the|our|these))\b",
            re.I,
        ),
        {"firmographic"},
    ),
    (
        # the tools they run, not the product category ("start looking for a monitoring tool")
        re.compile(
            r"\b(stack|integrat\w*|(what|which) (other )?(tools?|software|systems?|erps?|crms?|platforms?|vendors?)|"
            r"(tools?|software|systems?|erps?|crms?) (do|does|did) (they|\w+) (use|run|have))\b",
            re.I,
        ),
        {"technographic"},
    ),
]


def intent_kinds(question: str) -> set[str]:
    kinds: set[str] = set()
    for pattern, mapped in INTENTS:
        if pattern.search(question):
            kinds |= mapped
    return kinds


def says_kind(text: str, kinds: set[str]) -> bool:
    """Whether a sentence says what it is in the words a question for one of `kinds` uses ("The
    trigger was …"); only those kinds' patterns are tried."""
    return any(pattern.search(text) for pattern, mapped in INTENTS if mapped & kinds)
