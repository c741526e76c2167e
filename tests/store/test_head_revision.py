"""Opening a current SQLite database reads its revision without loading Alembic (issue #16:
start-up), and that reading agrees with Alembic's own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pmpath.store.database import _alembic_config, head_revision


def test_the_head_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    assert head_revision() == ScriptDirectory.from_config(_alembic_config()).get_current_head()


def test_a_current_database_opens_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'current.db'}"
    probe = (
        "import sys; from pmpath.store import Database; Database.open({url!r}).dispose(); "
        "print('alembic' in sys.modules)"
    )
    first = subprocess.run([sys.executable, "-c", probe.format(url=url)], capture_output=True)
    again = subprocess.run([sys.executable, "-c", probe.format(url=url)], capture_output=True)
    assert first.stdout.strip() == b"True", first.stderr  # a new database is migrated
    assert again.stdout.strip() == b"False", again.stderr
