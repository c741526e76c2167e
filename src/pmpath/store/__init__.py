"""Persistence: SQLAlchemy tables, Alembic migrations and the queries the services need.

SQLite in the user data dir by default; PostgreSQL (or any SQLAlchemy URL) through
``PMPATH_DATABASE_URL``. Only :mod:`pmpath.services` opens transactions.
"""

from pmpath.store.database import Database, database_url, default_database_url

__all__ = ["Database", "database_url", "default_database_url"]
