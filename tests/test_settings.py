"""Settings come from explicit values first, then from PMPATH_* environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from pmpath.settings import Settings


def test_each_setting_is_read_from_its_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PMPATH_DATABASE_URL", "sqlite:///from-env.db")
    monkeypatch.setenv("PMPATH_FRAMEWORK", "ladder.yaml")
    monkeypatch.setenv("PMPATH_SECURE_COOKIES", "always")
    monkeypatch.setenv("PMPATH_MAX_UPLOAD_BYTES", "2048")
    monkeypatch.setenv("PMPATH_TRUST_PROXY", "1")
    monkeypatch.setenv("PMPATH_SECRET_KEY", "s3cret")
    settings = Settings()
    assert settings.database_url == "sqlite:///from-env.db"
    assert settings.framework == Path("ladder.yaml")
    assert settings.secure_cookies == "always"
    assert settings.max_upload_bytes == 2048
    assert settings.trust_proxy_headers is True
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == "s3cret"


def test_variable_names_ignore_letter_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("pmpath_database_url", "sqlite:///lower.db")
    assert Settings().database_url == "sqlite:///lower.db"


def test_an_explicit_value_wins_over_the_environment_even_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PMPATH_DATABASE_URL", "sqlite:///from-env.db")
    monkeypatch.setenv("PMPATH_TRUST_PROXY", "1")
    assert Settings(database_url="sqlite:///given.db").database_url == "sqlite:///given.db"
    assert Settings(database_url=None).database_url is None
    assert Settings(trust_proxy_headers=False).trust_proxy_headers is False
    assert Settings(PMPATH_TRUST_PROXY=False).trust_proxy_headers is False


def test_unset_settings_keep_their_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "FRAMEWORK", "SECURE_COOKIES", "MAX_UPLOAD_BYTES", "TRUST_PROXY"):
        monkeypatch.delenv(f"PMPATH_{name}", raising=False)
    settings = Settings()
    assert settings.database_url is None
    assert settings.framework is None
    assert settings.secure_cookies == "auto"
    assert settings.max_upload_bytes == 10 * 1024 * 1024
    assert settings.trust_proxy_headers is False


def test_a_bad_environment_value_is_refused_with_the_setting_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PMPATH_MAX_UPLOAD_BYTES", "0")
    with pytest.raises(ValidationError, match="max_upload_bytes"):
        Settings()


def test_unknown_settings_are_refused_but_other_pmpath_variables_are_not_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PMPATH_PROFILE", "someone")  # a CLI option's variable, not a setting
    Settings()
    with pytest.raises(ValidationError, match="bogus"):
        Settings(bogus=1)  # type: ignore[call-arg]
