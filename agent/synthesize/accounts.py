"""One profile per account: CRM rows, interview attribution, survey responses and win/loss
outcomes merged. Accounts without a CRM row get firmographics and stack from what customers
said, when it was said at least twice (a CRM or survey field counts at once)."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from agent.extract.lexicon import NOT_IN_USE, load_lexicon
from agent.extract.quantities import find_quantities
from agent.ingest.attribution import AccountDirectory, attribute
from agent.ingest.normalize import industry_id, size_band
from agent.schema import Evidence, EvidenceKind, SourceDocument, SourceKind, SurveyResponse
from agent.synthesize.industry_names import industries_from_names, rename_account_industries
from agent.synthesize.stack import unify_tool_names

EVIDENCE_KINDS = {SourceKind.transcript, SourceKind.notes, SourceKind.win_loss, SourceKind.survey}


@dataclass
class AccountProfile:
    """A unit of analysis: an account, or a participant (one interview or notes file whose
    company the research does not name; `participant` is then True)."""

    name: str
    participant: bool = False
    in_crm: bool = False
    domain: str | None = None
    industry: str | None = None
    industry_raw: str | None = None  # the CRM's own words for it ("Individual & Family Services")
    size_band: str | None = None
    employees: int | None = None
    revenue_usd: float | None = None
    region: str | None = None
    country: str | None = None
    stack: list[str] = field(default_factory=list)
    # tools named once in the research: too thin to show as the account's stack, still a hint
    # of who it resembles when accounts are clustered
    stack_hints: list[str] = field(default_factory=list)
    outcome: str | None = None
    acv: float | None = None
    expansion_arr: float | None = None
    documents: list[str] = field(default_factory=list)
    source_kinds: set[str] = field(default_factory=set)
    responses: list[SurveyResponse] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    # what its people said and what was written of them in interviews, notes and deal notes
    # (customer turns, never the interviewer's; no survey or CRM field): the words a small
    # group alone uses are looked for here, not only in the statements extraction kept
    speech: list[str] = field(default_factory=list)

    @property
    def has_evidence(self) -> bool:
        return bool(self.source_kinds & {k.value for k in EVIDENCE_KINDS})

    @property
    def good(self) -> bool:
        return self.outcome in ("won", "expanded")

    @property
    def bad(self) -> bool:
        return self.outcome in ("lost", "churned")


@dataclass
class AccountBook:
    accounts: dict[str, AccountProfile]
    unlinked_responses: list[SurveyResponse]
    documents: list[SourceDocument]

    def with_evidence(self) -> list[AccountProfile]:
        return [a for a in self.accounts.values() if a.has_evidence]


def _directory(documents: list[SourceDocument]) -> AccountDirectory:
    directory = AccountDirectory()
    directory.add_documents(documents)
    return directory


def resolve_accounts(documents: list[SourceDocument]) -> AccountDirectory:
    """Attribute documents that had no account at ingest (the CRM may have come later)."""
    directory = _directory(documents)
    for doc in documents:
        if doc.kind == SourceKind.crm:
            continue
        if doc.account is None or doc.account_attribution in (
            "conversation",
            "file_name",
            "column",
            "email_domain",
            None,
        ):
            previous = doc.account
            doc.account, doc.account_attribution = None, None
            if doc.survey is not None and doc.survey.company:
                doc.account, doc.account_attribution = doc.survey.company, "column"
                attribute(doc, directory, Path(doc.source).stem)
            elif doc.metadata.get("highlights") and doc.title:
                # one note of a highlights export: its title names the interview ("Harvest
                # Hearth – Dana W.", "Churn interview #3 (FreshFold)")
                attribute(doc, directory, doc.title)
            else:
                attribute(doc, directory, Path(doc.source).stem)
            if doc.account is None and previous and doc.survey is None:
                doc.account = directory.canonical(previous) or previous
        else:
            doc.account = directory.canonical(doc.account) or doc.account
    return directory


def build_accounts(documents: list[SourceDocument], evidence: list[Evidence]) -> AccountBook:
    directory = resolve_accounts(documents)
    accounts: dict[str, AccountProfile] = {}
    unlinked: list[SurveyResponse] = []

    def profile(name: str) -> AccountProfile:
        key = directory.canonical(name) or name
        if key not in accounts:
            accounts[key] = AccountProfile(name=key)
        return accounts[key]

    for doc in documents:
        if doc.kind == SourceKind.crm and doc.crm is not None:
            record = doc.crm
            account = profile(record.name)
            # a second row for the same account (a duplicate with the name spelled otherwise)
            # fills what the first left empty; it never blanks a field the first one had
            first = not account.in_crm
            account.in_crm = True
            for field in (
                "domain",
                "industry",
                "industry_raw",
                "size_band",
                "employees",
                "revenue_usd",
                "region",
                "country",
                "acv",
                "expansion_arr",
            ):
                value = getattr(record, field)
                if first or (
                    getattr(account, field) in (None, "", "other") and value not in (None, "")
                ):
                    setattr(account, field, value)
            account.stack = list(dict.fromkeys([*account.stack, *record.stack]))
            if first or account.outcome in (None, "open"):
                account.outcome = record.stage or account.outcome
            account.documents.append(doc.doc_id)
            account.source_kinds.add(doc.kind.value)
    account_of_doc: dict[str, str] = {}
    for doc in documents:
        if doc.kind == SourceKind.crm:
            continue
        if (
            doc.kind == SourceKind.survey
            and doc.survey is not None
            and not _linked(doc, accounts, directory)
        ):
            unlinked.append(doc.survey)
            continue
        if not doc.account:
            continue
        account = profile(doc.account)
        account_of_doc[doc.doc_id] = account.name
        account.documents.append(doc.doc_id)
        account.source_kinds.add(doc.kind.value)
        account.speech.extend(_speech(doc))
        if doc.survey is not None:
            account.responses.append(doc.survey)
        if doc.deal is not None and doc.deal.outcome:
            # the CRM stage is the system of record; a deal note fills it when the CRM is silent
            if account.outcome in (None, "open"):
                account.outcome = doc.deal.outcome
            if account.acv is None and doc.deal.acv:
                account.acv = doc.deal.acv
    for item in evidence:
        name = account_of_doc.get(item.doc_id)
        if name:
            item.account = name
            accounts[name].evidence.append(item)
    for account in accounts.values():
        fill_from_research(account)
    rename_account_industries(accounts.values())
    industries_from_names(accounts.values())
    unify_tool_names(accounts.values())
    return AccountBook(accounts=accounts, unlinked_responses=unlinked, documents=documents)


SPOKEN_KINDS = {SourceKind.transcript, SourceKind.notes, SourceKind.win_loss}


def _speech(doc: SourceDocument) -> list[str]:
    """A research document's customer side: its customer turns, notes and paragraphs
    (headings, label lines and the interviewer's turns left out)."""
    if doc.kind not in SPOKEN_KINDS:
        return []
    return [doc.text[t.start : t.end] for t in doc.customer_turns()]


def _linked(
    doc: SourceDocument, accounts: dict[str, AccountProfile], directory: AccountDirectory
) -> bool:
    """Survey responses count for an account only when it is a known account (CRM, notes,
    interviews); other companies count in the overall PMF only."""
    if not doc.account:
        return False
    known = directory.canonical(doc.account)
    return known is not None


# 'we're about 420 people', 'a company of 200 employees', 'headcount is 85': the company's size
_HEADCOUNT = re.compile(
    r"\b(?:we(?:'re|’re| are)|we have|we've got|we employ|company of|business of|firm of|"
    r"headcount(?: is| of)?|in total|all in|across the company|company-wide)\b[^.;!?]{0,40}?"
    r"\b(?:people|employees|staff|folks|headcount)\b",
    re.IGNORECASE,
)
_COMPANY_SIZE_UNITS = re.compile(r"\b(?:people|employees|staff|folks|headcount)\b", re.IGNORECASE)
# a tool named but not in use: evaluated, left, compared, a competitor's
MIN_MENTIONS = 2  # a firmographic or stack claim from speech needs two independent statements


def _sentences(account: AccountProfile) -> list[Evidence]:
    """The account's claims, one per distinct sentence (an item can be several kinds)."""
    seen: set[tuple[str, int]] = set()
    unique = []
    for item in account.evidence:
        if item.is_claim and (item.doc_id, item.start) not in seen:
            seen.add((item.doc_id, item.start))
            unique.append(item)
    return unique


def fill_from_research(account: AccountProfile) -> None:
    """Firmographics and stack the CRM does not give: a survey field counts at once; what
    customers said counts from MIN_MENTIONS independent statements that agree ('nine models'
    or one passing mention never makes a size band, an industry or a stack)."""
    if account.industry is None:
        answers = Counter(
            r.industry for r in account.responses if r.industry and r.industry != "other"
        )
        if answers:
            account.industry = answers.most_common(1)[0][0]
    if account.size_band is None:
        bands = Counter(r.size_band for r in account.responses if r.size_band)
        if bands:
            account.size_band = bands.most_common(1)[0][0]
    sentences = _sentences(account)
    if account.industry is None:
        votes: Counter[str] = Counter()
        # 'Keller Mechanical', 'Sunridge Solar': the name is one statement of the industry
        guess = industry_id(account.name, min_synonym=5) if not account.participant else None
        if guess and guess != "other":
            votes[guess] += 1
        for item in sentences:
            said = industry_from_sentence(item.quote)
            if said:
                votes[said] += 1
        if votes:
            industry, count = votes.most_common(1)[0]
            if count >= MIN_MENTIONS:
                account.industry = industry
    if account.size_band is None and account.employees is None:
        sizes = [n for item in sentences if (n := headcount(item.quote)) is not None]
        bands = Counter(band for n in sizes if (band := size_band(n)))
        if bands:
            band, count = bands.most_common(1)[0]
            if count >= MIN_MENTIONS and band:
                account.size_band = band
                account.employees = int(statistics.median(n for n in sizes if size_band(n) == band))
    for tool, count in stack_from_research(sentences).items():
        if count >= MIN_MENTIONS and tool not in account.stack:
            account.stack.append(tool)
        elif tool not in account.stack and tool not in account.stack_hints:
            account.stack_hints.append(tool)


def headcount(sentence: str) -> int | None:
    """The company's head count when the sentence states it ('we're about 420 people')."""
    if not _HEADCOUNT.search(sentence):
        return None
    people = [
        q
        for q in find_quantities(sentence)
        if q.unit == "people" and _COMPANY_SIZE_UNITS.search(q.text) and q.amount >= 1
    ]
    return int(people[0].amount) if len(people) == 1 else None


def stack_from_research(sentences: list[Evidence]) -> Counter[str]:
    """Tools named as in use, with the number of distinct technographic statements naming
    them; generic ways of working (spreadsheets, whiteboards) are no stack, and a workaround or
    an evaluated competitor is not the stack either."""
    lexicon = load_lexicon()
    mentions: Counter[str] = Counter()
    for item in sentences:
        if item.kind != EvidenceKind.technographic or NOT_IN_USE.search(item.quote):
            continue
        for tool, category in lexicon.tools_in(item.quote):
            if category != "other" and tool not in lexicon.generic_tools:
                mentions[tool] += 1
    return mentions


_SELF_DESCRIPTION = re.compile(
    r"\b(?:we'?re|we are|it'?s|is)\s+(?:basically\s+|essentially\s+|just\s+)?(?:a|an)\s+(?P<what>[^.;!?]{3,80}?)\s*"
    r"(?:company|business|firm|shop|outfit|group|provider|startup|practice|agency|contractor|manufacturer|distributor|lender|insurer)\b",
    re.IGNORECASE,
)


def industry_from_sentence(sentence: str) -> str | None:
    """'We're a mid-sized HVAC contractor' -> construction_trades; None when it does not say."""
    match = _SELF_DESCRIPTION.search(sentence)
    if not match:
        return None
    phrase = match.group(0)
    guess = industry_id(phrase, min_synonym=4)
    return guess if guess and guess != "other" else None
