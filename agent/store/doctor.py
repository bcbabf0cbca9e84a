"""`icp doctor`: does every catalog row (chunk and evidence) have a vector Chroma can return?

Checks the catalog file (SQLite quick_check), then each collection of the current embedder:
rows without a vector, vectors Chroma lists but cannot return ("Error finding id"), vectors
without a row. Repair rebuilds the local vector store from the catalog (agent.store.rebuild),
or, on a Chroma server, deletes the strays and upserts the missing vectors; then it checks
again, so what is reported as left is what is really left."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agent.store.rebuild import CONTENTS, CatalogVectors, RebuildReport, rebuild_vectors

if TYPE_CHECKING:
    from agent.store.workspace import Workspace


@dataclass
class VectorCheck:
    content: str  # chunks | evidence
    collection: str
    rows: int  # catalog rows
    missing: list[str] = field(default_factory=list)  # rows with no vector in Chroma
    unreadable: list[str] = field(default_factory=list)  # Chroma lists it, cannot return it
    strays: list[str] = field(default_factory=list)  # vectors with no catalog row

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unreadable or self.strays)

    def as_dict(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "collection": self.collection,
            "rows": self.rows,
            "missing": len(self.missing),
            "unreadable": len(self.unreadable),
            "strays": len(self.strays),
            "ok": self.ok,
        }


@dataclass
class DoctorReport:
    catalog: str  # 'ok' or SQLite's finding
    found: list[VectorCheck]
    left: list[VectorCheck] | None = None  # after the repair (None: no repair asked or needed)
    repair: RebuildReport | None = None

    @property
    def ok(self) -> bool:
        """Nothing is wrong any more (either nothing was, or the repair fixed all of it)."""
        final = self.left if self.left is not None else self.found
        return self.catalog == "ok" and all(c.ok for c in final)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "catalog": self.catalog,
            "found": [c.as_dict() for c in self.found],
            "left": None if self.left is None else [c.as_dict() for c in self.left],
            "repair": None if self.repair is None else self.repair.__dict__,
        }


def check_vectors(workspace: Workspace) -> list[VectorCheck]:
    checks = []
    with workspace.lock.shared():
        for content in CONTENTS:
            rows = workspace.catalog.ids(content)
            stored = workspace.vectors.ids(content)
            present = [i for i in rows if i in stored]
            _, unreadable = workspace.vectors.readable(content, present)
            known = set(rows)
            checks.append(
                VectorCheck(
                    content=content,
                    collection=workspace.vectors.name(content),
                    rows=len(rows),
                    missing=[i for i in rows if i not in stored],
                    unreadable=sorted(unreadable),
                    strays=sorted(i for i in stored if i not in known),
                )
            )
    return checks


def run_doctor(workspace: Workspace, vectors: CatalogVectors | None) -> DoctorReport:
    """Check; with `vectors` (how to embed catalog text) repair what is wrong, then re-check."""
    with workspace.write_lock() if vectors is not None else workspace.lock.shared():
        report = DoctorReport(catalog=workspace.catalog.integrity(), found=check_vectors(workspace))
        if vectors is None or all(c.ok for c in report.found):
            return report
        if workspace.chroma_url:
            report.repair = _repair_on_server(workspace, vectors, report.found)
        else:
            report.repair = rebuild_vectors(workspace, vectors)
        report.left = check_vectors(workspace)
    return report


def _repair_on_server(
    workspace: Workspace, vectors: CatalogVectors, found: list[VectorCheck]
) -> RebuildReport:
    """A Chroma server is not ours to rebuild: delete strays and broken ids, upsert the rest."""
    repair = RebuildReport()
    for check in found:
        workspace.vectors.delete_ids(check.content, check.strays + check.unreadable)
        repair.dropped += len(check.strays)
        wanted = set(check.missing) | set(check.unreadable)
        if not wanted:
            continue
        for rows in workspace.catalog.rows(check.content):
            chosen = [r for r in rows if r[0] in wanted]
            if not chosen:
                continue
            ids, metadatas, documents, texts = vectors.records(check.content, chosen)
            try:
                embedded = vectors.embed(texts)
            except Exception:
                repair.unembedded += len(chosen)
                continue
            workspace.vectors.upsert(check.content, ids, embedded, metadatas, documents)
            repair.embedded += len(chosen)
    return repair
