"""The database itself: which one is used, and whether its schema is current."""

from __future__ import annotations

from typing import Any

from pmpath.store import Database, database_url


class SchemaService:
    """Status and upgrade of the schema of the database at ``url`` (None: the default one).

    The database is not opened the usual way (which migrates SQLite and refuses a server
    database that is behind): these are the commands that inspect and fix exactly that.
    """

    def __init__(self, url: str | None) -> None:
        self.database = Database(database_url(url))

    def status(self) -> dict[str, Any]:
        current, head = self.database.revisions()
        return {
            "url": self.database.display_url,
            "revision": current,
            "head": head,
            "current": current == head,
        }

    def upgrade(self) -> dict[str, Any]:
        """Apply every migration the database lacks; returns the status afterwards."""
        self.database.upgrade()
        return self.status()
