"""Stack questions answered from the accounts' tools, not from text retrieval: "Which
accounting systems do the regional pest control companies run?", "What CRM do core accounts
use?". Each tool with the accounts that run it, from the CRM's stack columns and from what
customers said about the tools they use, each cited; accounts whose tool the research does not
say are counted as unknown, never guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent.ingest.normalize import company_key, tool_name
from agent.qa.models import Answer, Citation, cite, table_answer
from agent.store import Workspace

# "which … systems/tools/software … do they run/use/have/fit into", "what CRM are they on"
STACK_QUESTION = re.compile(
    r"^\W*(?:which|what)\b(?P<asked>.{0,60}?)\b(?P<noun>systems?|software|tools?|platforms?|"
    r"apps?|applications?|stack|erps?|crms?|pos|programs?)\b(?P<rest>.{0,120})$",
    re.IGNORECASE,
)
IN_USE = re.compile(
    r"\b(?:use[sd]?|using|run|runs|running|on|have|has|had|fit into|integrate with|"
    r"connect to|work with|live in)\b",
    re.IGNORECASE,
)
# tools they want, weigh or leave: not the stack they run
NOT_STACK = re.compile(
    r"\b(?:want\w*|wish\w*|looking for|look at|evaluat\w*|consider\w*|switch\w*|mov(?:e|ed|ing) to|"
    r"replac\w*|instead|competitor\w*|lose to|lost to|re-?key\w*|export\w*|copy|copies|"
    r"type[sd]?|enter\w*)\b",
    re.IGNORECASE,
)
# the question's words for a kind of tool → the lexicon's categories
CATEGORY_WORDS: list[tuple[re.Pattern[str], set[str]]] = [
    (
        re.compile(
            r"\b(?:accounting|bookkeeping|books|invoicing|billing|general ledger|gl)\b", re.I
        ),
        {"accounting", "erp"},
    ),
    (re.compile(r"\berps?\b", re.I), {"erp", "accounting"}),
    (re.compile(r"\bcrms?\b|\bsales\b", re.I), {"crm"}),
    (re.compile(r"\b(?:payroll|hris|hr|timekeeping|time ?clock)\b", re.I), {"hr_payroll"}),
    (
        re.compile(r"\b(?:point[- ]of[- ]sale|pos|tills?|e-?commerce|online store)\b", re.I),
        {"ecommerce"},
    ),
    (re.compile(r"\b(?:gps|telematics|fleet|vehicle tracking)\b", re.I), {"telematics"}),
    (re.compile(r"\b(?:help ?desk|ticketing|support)\b", re.I), {"helpdesk"}),
    (re.compile(r"\b(?:field service|dispatch\w*|scheduling|routing)\b", re.I), {"field_service"}),
    (re.compile(r"\b(?:cmms|maintenance)\b", re.I), {"cmms"}),
    (re.compile(r"\b(?:bi|analytics|dashboards?|reporting)\b", re.I), {"bi_analytics"}),
    (re.compile(r"\bdata warehouses?\b", re.I), {"data_warehouse"}),
    (re.compile(r"\bspreadsheets?\b", re.I), {"spreadsheet"}),
    (re.compile(r"\b(?:e-?mail|chat|messaging|communication)\b", re.I), {"communication"}),
    (re.compile(r"\bproject management\b", re.I), {"project_management"}),
    (re.compile(r"\bproperty management\b", re.I), {"property_management"}),
    (re.compile(r"\bmarketing\b", re.I), {"marketing_automation"}),
]
# words between "which" and "systems" that ask for no particular kind of tool
NEUTRAL = frozenset(
    "and other kind kinds type types sort the their main current existing different specific "
    "software systems system tools tool platforms platform apps app applications application "
    "stack programs program".split()
)
INTERVIEWED = re.compile(
    r"\b(?:interviewed|we (?:spoke|talked) (?:to|with)|in the interviews?)\b", re.IGNORECASE
)
NAMES_SHOWN = 6  # accounts listed by name under a tool; more are counted
CITED_PER_TOOL = 2
TOOLS_SHOWN = 8


@dataclass
class ToolUse:
    tool: str
    accounts: set[str] = field(default_factory=set)
    said: list[Any] = field(default_factory=list)  # customers' statements naming the tool
    rows: list[Any] = field(default_factory=list)  # the CRM rows' lines naming it

    @property
    def refs(self) -> list[Any]:
        """What cites the tool: what customers said first, then the CRM's lines."""
        return [*self.said, *self.rows]


def stack_question(question: str) -> set[str] | None:
    """The tool categories a stack question asks about (empty: any tool), or None when the
    question does not ask which tools accounts run."""
    match = STACK_QUESTION.search(question.strip())
    if not match or not IN_USE.search(match.group("rest")) or NOT_STACK.search(question):
        return None
    words = f"{match.group('asked')} {match.group('noun')}"  # "accounting systems", "CRM"
    left = words
    for pattern, _ in CATEGORY_WORDS:
        left = pattern.sub(" ", left)
    if any(w.lower() not in NEUTRAL for w in re.findall(r"[^\W\d_]{3,}", left)):
        return None  # a kind of tool the lexicon has no category for ("instrument software")
    return set().union(*(c for pattern, c in CATEGORY_WORDS if pattern.search(words)))


@dataclass
class _Line:
    doc_id: str
    source: str
    quote: str
    start: int
    end: int
    account: str | None
    speaker: str | None = None


def _crm_line(document: Any, tool: str, lexicon: Any) -> _Line | None:
    """The line of a CRM row that names the tool ("Tech Stack: QuickBooks Online; Excel"), by
    the lexicon's names for it (a tool it does not know, by its name as the CRM wrote it)."""
    offset = 0
    for line in document.text.splitlines(keepends=True):
        named = {name for name, _ in lexicon.tools_in(line)}
        if tool in named or re.search(rf"(?<!\w){re.escape(tool)}(?!\w)", line, re.IGNORECASE):
            text = line.rstrip("\r\n")
            return _Line(
                document.doc_id, document.source, text, offset, offset + len(text), document.account
            )
        offset += len(line)
    return None


def _category(tool: str) -> str | None:
    return tool_name(tool)[1]


def tools_in_use(
    workspace: Workspace, accounts: set[str] | None, categories: set[str]
) -> tuple[list[ToolUse], set[str]]:
    """Each tool of the asked categories with the accounts that run it, and every account in
    scope. The CRM's stack says what an account runs; a customer's statement that names a tool
    as in use adds it when the CRM names no tool of that category for the account."""
    from agent.extract.lexicon import NOT_IN_USE, load_lexicon
    from agent.schema import SourceKind

    lexicon = load_lexicon()
    keys = {company_key(a) for a in accounts} if accounts is not None else None

    def inside(name: str | None) -> bool:
        return bool(name) and (keys is None or company_key(name or "") in keys)

    def wanted(tool: str) -> bool:
        category = _category(tool)
        if tool in lexicon.generic_tools:
            return "spreadsheet" in categories
        return (not categories and category != "other") or (category in categories)

    uses: dict[str, ToolUse] = {}
    everyone: set[str] = set()
    crm_categories: dict[str, set[str]] = {}
    for document in workspace.catalog.documents(kinds=[SourceKind.crm.value]):
        record = document.crm
        if record is None or not inside(record.name):
            continue
        everyone.add(record.name)
        for tool in dict.fromkeys([*record.stack, *([record.erp] if record.erp else [])]):
            crm_categories.setdefault(record.name, set()).add(_category(tool) or "other")
            if not wanted(tool):
                continue
            use = uses.setdefault(tool, ToolUse(tool))
            use.accounts.add(record.name)
            line = _crm_line(document, tool, lexicon)
            if line is not None:
                use.rows.append(line)
    said: list[tuple[Any, str]] = []
    for item in workspace.catalog.evidence(kinds=["technographic"]):
        if not item.account or not inside(item.account) or NOT_IN_USE.search(item.quote):
            continue
        everyone.add(item.account)
        for tool, _ in lexicon.tools_in(item.quote):
            if wanted(tool):
                said.append((item, tool))
    for item, tool in said:
        use = uses.setdefault(tool, ToolUse(tool))
        if item.account in use.accounts or category_known(crm_categories, item.account, tool):
            use.said.append(item)  # the CRM says it: the customer's words are its best citation
            continue
        use.accounts.add(item.account)
        use.said.insert(0, item)
    found = [u for u in uses.values() if u.accounts]
    found.sort(key=lambda u: (-len(u.accounts), u.tool))
    return found, everyone


def category_known(crm_categories: dict[str, set[str]], account: str, tool: str) -> bool:
    """Whether the CRM already names a tool of this tool's category for the account (its
    statement about another one is history or comparison: "we outgrew QuickBooks")."""
    return (_category(tool) or "other") in crm_categories.get(account, set())


def stack_answer(question: str, workspace: Workspace, draft: Any = None) -> Answer | None:
    """The tools the asked accounts run, or None when the question asks no such thing or the
    research names no tool of the kind asked (retrieval answers it then)."""
    categories = stack_question(question)
    if categories is None or workspace is None:
        return None
    from agent.qa.index import document_index
    from agent.qa.scope import AccountScope, industry_accounts, scope_accounts

    scoped = scope_accounts(question, workspace, draft)
    if scoped is None:  # an industry most accounts are in still leaves the others out here
        crm = [d for d in document_index(workspace).rows if d.kind == "crm"]
        industry, words = industry_accounts(question, crm)
        if industry:
            scoped = AccountScope(industry, "", "industry", words)
    if scoped is not None and scoped.reason == "industry":
        scoped.label = _said(question, scoped.stems)  # its words, not their stems
    accounts = scoped.accounts if scoped is not None else None
    if INTERVIEWED.search(question):
        interviewed = {
            r.account
            for r in document_index(workspace).research
            if r.account and r.kind in ("transcript", "notes")
        }
        accounts = interviewed if accounts is None else accounts & interviewed
    found, everyone = tools_in_use(workspace, accounts, categories)
    if not found:
        return None
    total = len(accounts) if accounts is not None else len(everyone)
    known = set().union(*(u.accounts for u in found))
    citations: list[Citation] = []
    parts = []
    for use in found[:TOOLS_SHOWN]:
        markers = ""
        for ref in _best_refs(use.refs):
            citations.append(cite(len(citations) + 1, ref))
            markers += f"[{len(citations)}]"
        names = sorted(use.accounts)
        listed = f" ({', '.join(names)})" if len(names) <= NAMES_SHOWN else ""
        verb = "runs" if len(names) == 1 else "run"
        parts.append(f"{len(names)} {verb} {use.tool}{listed} {markers}".rstrip())
    if len(found) > TOOLS_SHOWN:
        more = len(found) - TOOLS_SHOWN
        parts.append(f"{more} other tool{' is' if more == 1 else 's are'} named less often")
    unknown = total - len(known)
    tail = f"; the research does not say for {unknown}" if unknown > 0 else ""
    text = f"By the CRM and what customers said, of the {total} {_who(scoped, question)}: "
    text += "; ".join(parts) + tail + "."
    return table_answer(question, text, citations=citations, unit="accounts")


def _who(scoped: Any, question: str) -> str:
    """The accounts counted, as the answer names them."""
    if scoped is not None and scoped.label:
        return f"accounts asked about ({scoped.label})"
    return "interviewed accounts" if INTERVIEWED.search(question) else "accounts in the research"


def _best_refs(refs: list[Any]) -> list[Any]:
    """Up to CITED_PER_TOOL references, customers' words first, one per account."""
    chosen, seen = [], set()
    for ref in refs:
        if ref.account in seen:
            continue
        chosen.append(ref)
        seen.add(ref.account)
        if len(chosen) == CITED_PER_TOOL:
            break
    return chosen


def _said(question: str, stems: set[str]) -> str:
    """The question's words that the stems come from, in its order ("pest control")."""
    from agent.qa.terms import stem

    found = [w for w in re.findall(r"[\w'-]+", question) if stem(w.lower()) in stems]
    return " ".join(found)
