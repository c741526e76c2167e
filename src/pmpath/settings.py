"""One set of settings for every interface: the CLI, the web app and the API.

Each setting can come from the environment (``PMPATH_`` + its name in capitals, e.g.
``PMPATH_DATABASE_URL``); a value given explicitly (a CLI option, ``pmpath serve``'s flags,
a test) wins over the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, model_validator

#: The environment variable each setting is read from when not given (any letter case),
#: where it is not ``PMPATH_`` + the setting's name.
ENVIRONMENT_NAMES = {"trust_proxy_headers": "PMPATH_TRUST_PROXY"}


class Settings(BaseModel):
    """What an application object is built from (see :class:`pmpath.app.Pmpath`).

    A plain pydantic model that reads its environment itself, rather than pydantic-settings'
    BaseSettings: importing that costs every command about 30 ms (asyncio, its cloud secret
    sources), an eighth of ``pmpath roles``, for six variables read the same way here.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: SQLAlchemy URL; None: a SQLite file in the user data folder.
    database_url: str | None = None
    #: A framework YAML file; None: the bundled product-management ladder.
    framework: Path | None = None
    #: "auto": Secure cookies when the request came over HTTPS (directly or per
    #: X-Forwarded-Proto from a trusted proxy); "always" or "never" to force.
    secure_cookies: Literal["auto", "always", "never"] = "auto"
    #: The largest quiz file an author may upload through the web app or the API, in bytes
    #: (the command line reads files up to the formats' own cap, 50 MiB).
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    #: Believe X-Forwarded-Proto and X-Forwarded-For (only behind a proxy that sets them);
    #: PMPATH_TRUST_PROXY=1. X-Forwarded-For's last address is then the client sign-in
    #: throttling counts by.
    trust_proxy_headers: bool = Field(
        default=False, validation_alias=AliasChoices("trust_proxy_headers", "PMPATH_TRUST_PROXY")
    )
    #: Signs short-lived cookies (the message shown after a redirect). Give every app process
    #: behind a load balancer the same value; None: a random key per process, so a message
    #: may be lost when the next request reaches another process.
    secret_key: SecretStr | None = None
    #: The site's address as people reach it (e.g. https://pmpath.example.org), for links in
    #: emails; None: the address of the request that sent the email.
    public_url: str | None = None
    #: The SMTP server invitations are emailed through; None: invitations are links only.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    #: The sender address of pmpath's emails.
    smtp_from: str = "pmpath@localhost"
    #: Upgrade the connection with STARTTLS before sending (and before signing in).
    smtp_starttls: bool = False
    #: Credentials for servers that ask for them; both or neither.
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, given: Any) -> Any:
        """Each setting not given explicitly comes from its environment variable, if set (an
        empty value included: it is the value)."""
        if not isinstance(given, dict):
            return given
        environment = {name.upper(): value for name, value in os.environ.items()}
        found = dict(given)
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            accepted = {name}
            if isinstance(alias, str):
                accepted.add(alias)
            elif isinstance(alias, AliasChoices):
                accepted.update(str(path[0]) for path in alias.convert_to_aliases())
            if accepted & given.keys():
                continue
            variable = ENVIRONMENT_NAMES.get(name, f"PMPATH_{name.upper()}")
            if variable in environment:
                found[name] = environment[variable]
        return found
