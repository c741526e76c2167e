"""What the API says about accounts: never a password hash, a token's hash or a profile name."""

from __future__ import annotations

from typing import Literal

from pmpath.services.models import Result

Role = Literal["learner", "author", "admin"]


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


class NewToken(Result):
    """A new API token: shown once, stored only as its SHA-256."""

    token: str
    name: str
