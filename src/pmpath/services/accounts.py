"""Accounts, sessions and API tokens for the web app, and the permission checks.

Passwords are hashed with argon2 and must pass zxcvbn (:mod:`pmpath.services.passwords`).
Session and API tokens are random; only their SHA-256 is stored, so a leaked database grants no
access. Failed sign-ins and sign-up attempts are recorded in the database with the client they
came from, so throttling holds across every app process. Every permission is checked here,
never in a page or route: a learner reaches only their own data, authors manage banks, admins
users, and only a signed-in browser (not an API token) makes API tokens.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pmpath.errors import (
    AuthError,
    ForbiddenError,
    Location,
    NotFoundError,
    PmpathError,
    Problem,
    SignUpError,
    ThrottledError,
)
from pmpath.exams import timing
from pmpath.services.assessments import utc_now
from pmpath.services.models.accounts import Account, NewToken, TokenInfo, Tokens, TokenScope
from pmpath.services.passwords import (
    check_strength,
    hash_password,
    is_password_hash,
    verify,
    verify_nothing,
)
from pmpath.store import Database
from pmpath.store import accounts as account_store
from pmpath.store.tables import TOKEN_LIFETIME, ApiTokenRow, UserRow

ROLES = ("learner", "author", "admin")
SESSION_LIFETIME = timedelta(days=14)
#: The longest life a new API token may be given.
MAX_TOKEN_LIFETIME = timedelta(days=365)
#: A token's last use is written at most this often: the lookup on every request stays a read.
TOKEN_USE_RESOLUTION = timedelta(hours=1)
SCOPES: tuple[TokenScope, ...] = ("read", "write")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Throttle:
    """How many failed sign-ins and sign-ups a client may make.

    A client is an IP address. Failures count per client and account (``per_account``) and per
    client over every account (``per_client``), never per account alone: someone spraying
    guesses at an account locks out only their own address, and its owner still signs in from
    theirs.
    """

    window: timedelta = timedelta(minutes=15)
    #: Failed sign-ins for one account from one client within the window.
    per_account: int = 5
    #: Failed sign-ins from one client, for any accounts, within the window.
    per_client: int = 30
    sign_up_window: timedelta = timedelta(hours=1)
    #: Sign-up attempts (made or refused as a duplicate) from one client within the hour:
    #: "an account with this email exists already" answers at most this many guesses.
    sign_ups: int = 20


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: str
    profile: str  # the profile name their assessments and attempts are kept under
    #: The scopes of the API token the request came with; None for a signed-in browser.
    token_scopes: frozenset[str] | None = field(default=None, compare=False)

    def account(self) -> Account:
        """What the API may show of this user."""
        return Account(id=self.id, email=self.email, name=self.name, role=self.role)

    def has(self, role: str) -> bool:
        """True when the user's role is ``role`` or above (learner < author < admin)."""
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def via_token(self) -> bool:
        """True when the request came with an API token rather than a browser session."""
        return self.token_scopes is not None

    def may_write(self) -> bool:
        """True unless the request came with a read-only API token."""
        return self.token_scopes is None or "write" in self.token_scopes


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


def token_scopes(scopes: Iterable[str]) -> list[TokenScope]:
    """``scopes`` in their order, each once; "write" brings "read" (a writer may read).
    A PmpathError (422) names any other value, or none at all."""
    chosen = set(scopes)
    unknown = sorted(chosen - set(SCOPES))
    if unknown or not chosen:
        raise PmpathError(
            "scopes must be read, write or both" + (f", not {unknown[0]!r}" if unknown else ""),
            Location(field_path=("scopes",)),
        )
    if "write" in chosen:
        chosen.add("read")
    return [scope for scope in SCOPES if scope in chosen]


class AccountService:
    def __init__(
        self,
        database: Database,
        clock: Callable[[], datetime] = utc_now,
        throttle: Throttle | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.throttle = throttle or Throttle()

    # -- signing up and in ---------------------------------------------------------------------

    def sign_up(
        self,
        email: str,
        name: str,
        password: str,
        role: str = "learner",
        client: str | None = None,
    ) -> User:
        """A new account. ``client`` (the caller's IP address; None from the command line) is
        throttled: the refusal of a taken email tells that it has an account, so one client
        may try only ``Throttle.sign_ups`` emails an hour."""
        email = email.strip().lower()
        name = name.strip()
        # Every problem at once, so a form can show them all together.
        problems: list[Problem] = []
        if not EMAIL.match(email) or len(email) > 254:
            problems.append(Problem("enter a valid email address", Location(field_path=("email",))))
        if not name or len(name) > 100:
            problems.append(
                Problem("enter your name (up to 100 characters)", Location(field_path=("name",)))
            )
        try:
            check_strength(password, "password", (email, email.split("@")[0], name))
        except SignUpError as weak:
            problems.extend(weak.problems)
        if role not in ROLES:
            problems.append(Problem(f"unknown role {role!r}", Location(field_path=("role",))))
        if problems:
            raise SignUpError(problems)
        # Hashed before the transaction: a writer must not hold SQLite's lock for 200 ms.
        password_hash = hash_password(password)
        now = self.clock()
        taken = False
        with self.database.transaction() as session:
            if client is not None:
                since = now - self.throttle.sign_up_window
                tried = account_store.sign_ups_of_client(session, client, since)
                if tried >= self.throttle.sign_ups:
                    raise ThrottledError(
                        "too many sign-ups from your network: wait an hour and try again"
                    )
                account_store.add_sign_up(session, client, now, since)
            if account_store.user_by_email(session, email) is not None:
                taken = True
            else:
                # A profile of its own, under a name no CLI default uses.
                profile = f"web-{secrets.token_hex(8)}"
                row = account_store.add_user(
                    session, email, name, password_hash, role, profile, now
                )
                user = User(row.id, email, name, role, profile)
        if taken:
            # Raised after the transaction commits, so the attempt counts.
            raise SignUpError(
                "an account with this email exists already; sign in instead",
                Location(field_path=("email",)),
            )
        return user

    def sign_in(self, email: str, password: str, client: str = "") -> SignedIn:
        """A new session, or AuthError; ThrottledError once ``client`` (an IP address) has
        failed too often, for this account or for any. An unknown email takes as long as a
        wrong password: the answer never tells whether an account exists."""
        email = email.strip().lower()
        now = self.clock()
        throttle = self.throttle
        since = now - throttle.window
        with self.database.read() as session:
            by_client = account_store.failures(session, client, since)
            by_pair = account_store.failures(session, client, since, email)
            row = account_store.user_by_email(session, email)
            found = (_user(session, row), row.password_hash) if row is not None else None
        if by_client >= throttle.per_client:
            raise ThrottledError(
                "too many failed sign-ins from your network: wait 15 minutes and try again"
            )
        if by_pair >= throttle.per_account:
            raise ThrottledError(
                "too many failed sign-ins for this account from your network: "
                "wait 15 minutes and try again"
            )
        # The password is checked outside any transaction: it takes 200 ms on purpose.
        if found is None:
            verify_nothing(password)
        elif verify(found[1], password):
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            with self.database.transaction() as session:
                account_store.clear_failures(session, email, client)
                account_store.add_session(
                    session, _digest(token), found[0].id, csrf, now, now + SESSION_LIFETIME
                )
            return SignedIn(found[0], token, csrf)
        with self.database.transaction() as session:
            account_store.add_failure(session, email, client, now, since)
        raise AuthError("wrong email or password")

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
        """Change the password; every session and API token of the account ends with it."""
        problems: list[Problem] = []
        with self.database.read() as session:
            row = account_store.user_by_id(session, user.id)
            current = row.password_hash if row is not None else None
        # Both fields are checked, so a form can show both problems at once.
        if current is None or not verify(current, old):
            problems.append(
                Problem("the current password is wrong", Location(field_path=("current_password",)))
            )
        try:
            check_strength(new, "new_password", (user.email, user.email.split("@")[0], user.name))
        except SignUpError as weak:
            problems.extend(weak.problems)
        if any(p.location.field_path == ("new_password",) for p in problems):
            raise SignUpError(problems)  # bad input (422), with the wrong current one if so
        if problems:
            raise AuthError(problems)
        password_hash = hash_password(new)
        with self.database.transaction() as session:
            row = account_store.user_by_id(session, user.id)
            if row is None:
                raise AuthError("the current password is wrong")
            row.password_hash = password_hash
            # Whoever had the old password may have made sessions and tokens with it.
            account_store.delete_sessions_of(session, user.id)
            account_store.delete_tokens_of(session, user.id)

    # -- API tokens ----------------------------------------------------------------------------

    def has_password(self, user: User) -> bool:
        """False for an account an LMS made (LTI): it signs in through the LMS only, so it has
        no password to change and may not make API tokens (docs/lti.md)."""
        with self.database.read() as session:
            row = account_store.user_by_id(session, user.id)
            return row is not None and is_password_hash(row.password_hash)

    def create_token(
        self,
        user: User,
        name: str,
        scopes: Iterable[str] = SCOPES,
        lifetime: timedelta = TOKEN_LIFETIME,
    ) -> NewToken:
        """A new API token for ``user``, living ``lifetime`` (a day to a year). Only a
        signed-in browser makes tokens: a token that could mint more would outlive its own
        revocation. An account an LMS made makes none: it is used through the LMS only."""
        if not self.has_password(user):
            raise ForbiddenError(
                "an account your LMS made is used through the LMS only: it has no API tokens"
            )
        if user.via_token:
            raise ForbiddenError(
                "an API token cannot create tokens: create one on your account page"
            )
        chosen = token_scopes(scopes)
        if not timedelta(days=1) <= lifetime <= MAX_TOKEN_LIFETIME:
            raise PmpathError(
                "a token lives from 1 to 365 days", Location(field_path=("expires_in_days",))
            )
        name = " ".join(name.split())[:100] or "token"
        public_id = secrets.token_hex(6)
        token = f"pmp_{public_id}_{secrets.token_urlsafe(32)}"
        now = self.clock()
        with self.database.transaction() as session:
            row = account_store.add_token(
                session,
                _digest(token),
                public_id,
                user.id,
                name,
                " ".join(chosen),
                now,
                now + lifetime,
            )
            info = _token_info(row, now)
        return NewToken(
            token=token,
            id=info.id,
            name=info.name,
            scopes=info.scopes,
            created_at=info.created_at,
            expires_at=info.expires_at,
        )

    def tokens(self, user: User) -> Tokens:
        """The user's API tokens, newest first, expired ones included (marked so)."""
        now = self.clock()
        with self.database.read() as session:
            rows = account_store.tokens_of(session, user.id)
            return Tokens(tokens=[_token_info(row, now) for row in rows])

    def revoke_token(self, user: User, public_id: str) -> TokenInfo:
        """Delete the user's token ``public_id``; NotFoundError for a missing one or someone
        else's (they read alike)."""
        now = self.clock()
        with self.database.transaction() as session:
            row = account_store.token_of(session, user.id, public_id)
            if row is None:
                raise NotFoundError(f"you have no API token {public_id!r}")
            info = _token_info(row, now)
            account_store.delete_token(session, row)
        return info

    def token_user(self, token: str) -> User | None:
        """The user behind a live API token, carrying its scopes; None for an unknown,
        revoked or expired token."""
        # One query: every API request starts here, so it must be cheap. The last use is
        # written only when the stored one is an hour old, so nearly every call stays a read.
        now = self.clock()
        digest = _digest(token)
        with self.database.read() as session:
            found = account_store.token_user(session, digest)
        if found is None or found.expires_at <= now:
            return None
        if found.last_used_at is None or now - found.last_used_at >= TOKEN_USE_RESOLUTION:
            with self.database.transaction() as session:
                account_store.touch_token(session, digest, now)
        return User(
            found.id,
            found.email,
            found.name,
            found.role,
            found.profile,
            frozenset(found.scopes.split()),
        )

    # -- users (admins) ------------------------------------------------------------------------

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
                raise NotFoundError(f"no user {user_id}")
            row.role = role
            return _user(session, row)

    def time_allowances(self, acting: User | None) -> dict[int, str]:
        """Each user's time allowance for exams (pmpath.exams.timing), by user id."""
        require(acting, "admin")
        with self.database.transaction() as session:
            return dict(account_store.time_allowances(session))

    def set_time_allowance(self, acting: User | None, user_id: int, value: str) -> User:
        """Give a learner extra time (or no time limit) on every exam they start from now on
        (WCAG 2.2.1); attempts already running keep their deadline."""
        require(acting, "admin")
        given = timing.allowance(value, "time_allowance")
        with self.database.transaction() as session:
            row = account_store.user_by_id(session, user_id)
            if row is None:
                raise NotFoundError(f"no user {user_id}")
            account_store.set_time_allowance(session, row, given.id)
            return _user(session, row)

    def user_by_email(self, email: str) -> User:
        """The account with this email (NotFoundError without one). For the CLI, which acts
        as an account given on its command line: whoever can open the database could read
        every row anyway, so the CLI checks no password, but the services still apply the
        account's permissions."""
        with self.database.transaction() as session:
            row = account_store.user_by_email(session, email.strip().lower())
            if row is None:
                raise NotFoundError(
                    f"there is no account with the email {email.strip()!r}",
                    Location(field_path=("as",)),
                )
            return _user(session, row)

    def has_admin(self) -> bool:
        with self.database.transaction() as session:
            return account_store.count_admins(session) > 0


def _user(session: Any, row: UserRow) -> User:
    return User(row.id, row.email, row.name, row.role, account_store.profile_name(session, row))


def _user_from(found: Any) -> User:
    return User(found.id, found.email, found.name, found.role, found.profile)


def _token_info(row: ApiTokenRow, now: datetime) -> TokenInfo:
    return TokenInfo(
        id=row.public_id,
        name=row.name,
        scopes=token_scopes(row.scopes.split()),
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        expired=row.expires_at <= now,
    )
