"""The application object a command works on, built once per set of options.

Commands take ``--framework`` and ``--database-url`` (or their environment variables); each
combination gets one :class:`pmpath.app.Pmpath`, built on first use and kept for the process,
so a command that calls several services opens the database and reads the bank once.
"""

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmpath.app import Pmpath


@lru_cache(maxsize=8)
def application(framework: Path | None = None, database_url: str | None = None) -> "Pmpath":
    from pmpath.app import Pmpath
    from pmpath.settings import Settings

    return Pmpath(Settings(framework=framework, database_url=database_url))
