"""The workspace: a catalog (SQLite manifest, documents, evidence, versions) beside Chroma vectors."""

from agent.store.catalog import Catalog, FileEntry
from agent.store.workspace import Workspace

__all__ = ["Catalog", "FileEntry", "Workspace"]
