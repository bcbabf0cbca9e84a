"""What Q&A needs to know about every document without loading its text (kind, account,
source, title, industry), read once per workspace state and kept in the process, so a second
question in `icp chat` or the web server does not read the catalog again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.store import Workspace

_CACHE: dict[tuple[str, int, int], DocumentIndex] = {}


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


@dataclass
class DocumentIndex:
    rows: list[DocRow]

    @property
    def research(self) -> list[DocRow]:
        return [r for r in self.rows if r.kind != "crm"]

    def by_id(self) -> dict[str, DocRow]:
        return {r.doc_id: r for r in self.rows}


def document_index(workspace: Workspace) -> DocumentIndex:
    db = workspace.catalog.db
    count, last = db.execute("SELECT count(*), coalesce(max(rowid), 0) FROM documents").fetchone()
    key = (str(workspace.root), count, last)
    if key not in _CACHE:
        rows: list[Any] = db.execute(
            "SELECT doc_id, kind, account, json_extract(data, '$.source'), json_extract(data, '$.title'),"
            " json_extract(data, '$.crm.industry'), json_extract(data, '$.crm.name'),"
            " coalesce(json_extract(data, '$.deal.outcome'), json_extract(data, '$.crm.stage'))"
            " FROM documents"
        ).fetchall()
        _CACHE.clear()
        _CACHE[key] = DocumentIndex([DocRow(*row) for row in rows])
    return _CACHE[key]
