"""Accounts, sessions and API tokens for the web app, and the permission checks.

Passwords are hashed with argon2. Session and API tokens are random; only their SHA-256 is
stored, so a leaked database grants no access. Failed sign-ins are recorded in the database,
so throttling holds across every app process. Every permission is checked here, never in a
page or route: a learner reaches only their own data, authors manage banks, admins users.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pmpath.errors import (
    AuthError,
    ForbiddenError,
    Location,
    SignUpError,
    ThrottledError,
)
from pmpath.services.assessments import utc_now
from pmpath.services.models.accounts import Account
from pmpath.store import Database
from pmpath.store import accounts as account_store
from pmpath.store.tables import UserRow

ROLES = ("learner", "author", "admin")
SESSION_LIFETIME = timedelta(days=14)
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5
MIN_PASSWORD = 10
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: str
    profile: str  # the profile name their assessments and attempts are kept under

    def account(self) -> Account:
        """What the API may show of this user."""
        return Account(id=self.id, email=self.email, name=self.name, role=self.role)

    def has(self, role: str) -> bool:
        """True when the user's role is ``role`` or above (learner < author < admin)."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class SignedIn:
    user: User
    session_token: str
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def require(user: User | None, role: str) -> User:
    """``user`` if they hold ``role`` (or above); otherwise AuthError or ForbiddenError."""
    if user is None:
        raise AuthError("sign in first")
    if not user.has(role):
        raise ForbiddenError(f"this needs the {role} role")
    return user


class AccountService:
    def __init__(self, database: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self.database = database
        self.clock = clock

    def sign_up(self, email: str, name: str, password: str, role: str = "learner") -> User:
        email = email.strip().lower()
        name = name.strip()
        if not EMAIL.match(email) or len(email) > 254:
            raise SignUpError("enter a valid email address", Location(field_path=("email",)))
        if not name or len(name) > 100:
            raise SignUpError(
                "enter your name (up to 100 characters)", Location(field_path=("name",))
            )
        if len(password) < MIN_PASSWORD:
            raise SignUpError(
                f"choose a password of at least {MIN_PASSWORD} characters",
                Location(field_path=("password",)),
            )
        if role not in ROLES:
            raise SignUpError(f"unknown role {role!r}", Location(field_path=("role",)))
        now = self.clock()
        with self.database.transaction() as session:
            if account_store.user_by_email(session, email) is not None:
                raise SignUpError(
                    "an account with this email exists already; sign in instead",
                    Location(field_path=("email",)),
                )
            # A profile of its own, under a name no CLI default uses.
            profile = f"web-{secrets.token_hex(8)}"
            row = account_store.add_user(
                session, email, name, _hasher.hash(password), role, profile, now
            )
            return User(row.id, email, name, role, profile)

    def sign_in(self, email: str, password: str) -> SignedIn:
        email = email.strip().lower()
        now = self.clock()
        with self.database.transaction() as session:
            if account_store.recent_failures(session, email, now - FAILURE_WINDOW) >= MAX_FAILURES:
                raise ThrottledError(
                    "too many failed sign-ins for this account: wait 15 minutes and try again"
                )
            row = account_store.user_by_email(session, email)
            if row is None or not _verify(row.password_hash, password):
                account_store.add_failure(session, email, now)
                failure = True
            else:
                failure = False
                account_store.clear_failures(session, email)
                token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
                account_store.add_session(
                    session, _digest(token), row.id, csrf, now, now + SESSION_LIFETIME
                )
                user = _user(session, row)
        if failure:
            # Raised after the transaction commits, so the failure is recorded.
            raise AuthError("wrong email or password")
        return SignedIn(user, token, csrf)

    def session(self, token: str) -> tuple[User, str] | None:
        """The user and CSRF token of a live session, or None."""
        now = self.clock()
        with self.database.read() as session:
            found = account_store.session_user(session, _digest(token))
            if found is None or found.expires_at <= now:
                return None
            return _user_from(found), found.csrf_token

    def sign_out(self, token: str) -> None:
        with self.database.transaction() as session:
            account_store.delete_session(session, _digest(token))

    def change_password(self, user: User, old: str, new: str) -> None:
        if len(new) < MIN_PASSWORD:
            raise SignUpError(
                f"choose a password of at least {MIN_PASSWORD} characters",
                Location(field_path=("new_password",)),
            )
        with self.database.transaction() as session:
            row = account_store.user_by_id(session, user.id)
            if row is None or not _verify(row.password_hash, old):
                raise AuthError("the current password is wrong")
            row.password_hash = _hasher.hash(new)
            # Every other session ends: a changed password must lock out whoever had the old one.
            account_store.delete_sessions_of(session, user.id)

    def create_token(self, user: User, name: str) -> str:
        token = "pmp_" + secrets.token_urlsafe(32)
        with self.database.transaction() as session:
            account_store.add_token(
                session, _digest(token), user.id, name[:100] or "token", self.clock()
            )
        return token

    def token_user(self, token: str) -> User | None:
        # One query: every API request starts here, so it must be cheap.
        with self.database.read() as session:
            found = account_store.token_user(session, _digest(token))
            return _user_from(found) if found is not None else None

    def users(self, acting: User | None) -> list[User]:
        require(acting, "admin")
        with self.database.transaction() as session:
            return [_user(session, r) for r in account_store.all_users(session)]

    def set_role(self, acting: User | None, user_id: int, role: str) -> User:
        require(acting, "admin")
        if role not in ROLES:
            raise SignUpError(f"unknown role {role!r}", Location(field_path=("role",)))
        with self.database.transaction() as session:
            row = account_store.user_by_id(session, user_id)
            if row is None:
                raise ForbiddenError(f"no user {user_id}")
            row.role = role
            return _user(session, row)

    def has_admin(self) -> bool:
        with self.database.transaction() as session:
            return account_store.count_admins(session) > 0


def _user(session: Any, row: UserRow) -> User:
    return User(row.id, row.email, row.name, row.role, account_store.profile_name(session, row))


def _user_from(found: Any) -> User:
    return User(found.id, found.email, found.name, found.role, found.profile)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
