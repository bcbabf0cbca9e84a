"""What Q&A needs to know about every document without loading its text (kind, account,
source, title, industry), read once per workspace state and kept in the process, so a second
question in `icp chat` or the web server does not read the catalog again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agent.store import Workspace

if TYPE_CHECKING:
    from agent.ingest.attribution import AccountDirectory

_CACHE: dict[tuple[str, int, int], DocumentIndex] = {}
_ACCOUNTS: dict[tuple[str, int, int], KnownAccounts] = {}


@dataclass(frozen=True)
class DocRow:
    doc_id: str
    kind: str
    account: str | None
    source: str
    title: str | None
    industry: str | None = None
    crm_name: str | None = None
    outcome: str | None = None  # a deal note's outcome or a CRM record's stage
    industry_raw: str | None = None  # a CRM record's own label ("Philanthropy")
    size_band: str | None = None  # a CRM record's
    locations: int | None = None  # a CRM record's count of locations, sites or facilities


@dataclass
class DocumentIndex:
    rows: list[DocRow]
    _directory: AccountDirectory | None = None
    # what Q&A derives from the rows alone, remembered with them (see agent.qa.answer)
    memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def research(self) -> list[DocRow]:
        return [r for r in self.rows if r.kind != "crm"]

    def by_id(self) -> dict[str, DocRow]:
        return {r.doc_id: r for r in self.rows}

    def directory(self) -> AccountDirectory:
        """Every CRM name and document account, to find the accounts a question names
        (agent.qa.scope); built on first use."""
        if self._directory is None:
            from agent.ingest.attribution import AccountDirectory

            directory = AccountDirectory()
            crm = [d for d in self.rows if d.kind == "crm"]
            for name in {d.crm_name for d in crm} | {d.account for d in self.rows}:
                directory.add(name)
            self._directory = directory
        return self._directory


def _state(workspace: Workspace) -> tuple[str, int, int]:
    db = workspace.catalog.db
    count, last = db.execute("SELECT count(*), coalesce(max(rowid), 0) FROM documents").fetchone()
    return (str(workspace.root), count, last)


def document_index(workspace: Workspace) -> DocumentIndex:
    db = workspace.catalog.db
    key = _state(workspace)
    if key not in _CACHE:
        rows: list[Any] = db.execute(
            "SELECT doc_id, kind, account, json_extract(data, '$.source'), json_extract(data, '$.title'),"
            " json_extract(data, '$.crm.industry'), json_extract(data, '$.crm.name'),"
            " coalesce(json_extract(data, '$.deal.outcome'), json_extract(data, '$.crm.stage')),"
            " json_extract(data, '$.crm.industry_raw'), json_extract(data, '$.crm.size_band'),"
            " json_extract(data, '$.crm.locations')"
            " FROM documents"
        ).fetchall()
        _CACHE.clear()
        _CACHE[key] = DocumentIndex(_industries_from_names([DocRow(*row) for row in rows]))
    return _CACHE[key]


@dataclass
class _Filed:
    name: str
    industry: str | None
    industry_raw: str | None
    participant: bool = False


def _industries_from_names(rows: list[DocRow]) -> list[DocRow]:
    """CRM rows filed under a catch-all ("Consumer Services") whose names say the industry
    most rows sharing a word of their name are filed under: the same reading as the
    segments' (`agent.synthesize.industry_names.industries_from_names`)."""
    from dataclasses import replace

    from agent.synthesize.industry_names import industries_from_names

    filed = {r.doc_id: _Filed(r.crm_name, r.industry, r.industry_raw) for r in rows if r.crm_name}
    moved = set(industries_from_names(list(filed.values())))
    return [
        replace(row, industry=f.industry, industry_raw=f.industry_raw)
        if (f := filed.get(row.doc_id)) is not None and f.name in moved
        else row
        for row in rows
    ]


@dataclass
class KnownAccounts:
    """Every account the workspace knows (CRM rows first, then every document's account) and
    the CRM rows' (name, industry): what `retrieval.accounts_in_question` reads each question."""

    directory: AccountDirectory
    crm: list[tuple[str, str | None]]


def known_accounts(workspace: Workspace) -> KnownAccounts:
    """Built once per workspace state (reading and parsing every CRM document is most of a
    question's time in a large workspace), the same way each time."""
    from agent.ingest.attribution import AccountDirectory
    from agent.schema import SourceKind

    key = _state(workspace)
    if key not in _ACCOUNTS:
        crm = [d for d in workspace.catalog.documents(kinds=[SourceKind.crm.value]) if d.crm]
        directory = AccountDirectory()
        directory.add_documents(crm)
        for (account,) in workspace.catalog.db.execute(
            "SELECT DISTINCT account FROM documents WHERE account IS NOT NULL"
        ):
            directory.add(account)
        _ACCOUNTS.clear()
        _ACCOUNTS[key] = KnownAccounts(
            directory, [(d.crm.name, d.crm.industry) for d in crm if d.crm]
        )
    return _ACCOUNTS[key]
