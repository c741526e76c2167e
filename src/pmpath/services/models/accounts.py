"""What the API says about accounts: never a password hash, a token's hash or a profile name."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pmpath.services.models import Result

Role = Literal["learner", "author", "admin"]
#: "read": GET requests only; "write": every request the token's user may make.
TokenScope = Literal["read", "write"]


class Account(Result):
    """A user as the API shows them."""

    id: int
    email: str
    name: str
    role: Role


class Accounts(Result):
    users: list[Account]


class RoleChange(Result):
    id: int
    role: Role


class TokenInfo(Result):
    """An API token as its owner sees it: never the token itself or its hash."""

    #: The token's public id: names it in DELETE /api/v1/tokens/{id}; no secret.
    id: str
    name: str
    scopes: list[TokenScope]
    created_at: datetime
    expires_at: datetime
    #: Recorded at most once an hour; None when never used.
    last_used_at: datetime | None
    expired: bool


class Tokens(Result):
    """A user's API tokens, newest first."""

    tokens: list[TokenInfo]


class NewToken(Result):
    """A new API token: ``token`` is shown once and stored only as its SHA-256."""

    token: str
    id: str
    name: str
    scopes: list[TokenScope]
    created_at: datetime
    expires_at: datetime
