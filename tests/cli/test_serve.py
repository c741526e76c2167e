"""``pmpath serve``: what it hands to uvicorn, and what it refuses, without serving."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Run = Callable[..., Any]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """uvicorn.run replaced by a recorder: the calls it would have served."""
    import uvicorn

    calls: list[dict[str, Any]] = []

    def record(app: str, **options: Any) -> None:
        calls.append({"app": app, **options})

    monkeypatch.setattr(uvicorn, "run", record)
    monkeypatch.delenv("PMPATH_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("PMPATH_ADMIN_PASSWORD", raising=False)
    return calls


def test_serve_keeps_idle_connections_longer_than_a_learner_thinks(
    pmpath: Run, served: list[dict[str, Any]]
) -> None:
    out = pmpath("serve", "--port", "8123")
    assert out.exit_code == 0, out.stderr
    [options] = served
    assert options["app"] == "pmpath.web.server:app"
    assert options["port"] == 8123
    assert options["workers"] == 1
    # Learners think up to 90 s between answers (uvicorn's own default is 5 s).
    assert options["timeout_keep_alive"] > 90


def test_serve_creates_the_first_admin_from_the_environment(
    pmpath: Run, served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMPATH_ADMIN_EMAIL", "admin@example.org")
    monkeypatch.setenv("PMPATH_ADMIN_PASSWORD", "a long enough password")
    out = pmpath("serve")
    assert out.exit_code == 0, out.stderr
    assert "Created the admin account admin@example.org" in out.stdout
    assert len(served) == 1


def test_serve_refuses_several_workers_on_sqlite(pmpath: Run, served: list[dict[str, Any]]) -> None:
    out = pmpath("serve", "--workers", "3")
    assert out.exit_code == 2
    assert "several workers need PostgreSQL" in out.stderr
    assert served == []
