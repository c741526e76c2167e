"""Queries for users, sessions, API tokens, failed sign-ins and sign-up attempts. Callers own
the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from pmpath.store.tables import (
    ApiTokenRow,
    LoginFailureRow,
    ProfileRow,
    SessionRow,
    SignUpRow,
    UserRow,
)

#: A user with their profile's name, for the lookups every request makes.
_USER_COLUMNS = select(
    UserRow.id, UserRow.email, UserRow.name, UserRow.role, ProfileRow.name.label("profile")
).join(ProfileRow, ProfileRow.id == UserRow.profile_id)

# Every request starts with one of these two lookups. Built once: building a statement costs
# more than running it on SQLite.
_SESSION_USER = (
    _USER_COLUMNS.add_columns(SessionRow.expires_at, SessionRow.csrf_token)
    .join(SessionRow, SessionRow.user_id == UserRow.id)
    .where(SessionRow.token_hash == bindparam("token_hash"))
)
_TOKEN_USER = (
    _USER_COLUMNS.add_columns(ApiTokenRow.scopes, ApiTokenRow.expires_at, ApiTokenRow.last_used_at)
    .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
    .where(ApiTokenRow.token_hash == bindparam("token_hash"))
)


def session_user(session: Session, token_hash: str) -> Any | None:
    """The user behind a session (id, email, name, role, profile, expires_at, csrf_token)."""
    return session.execute(_SESSION_USER, {"token_hash": token_hash}).first()


def token_user(session: Session, token_hash: str) -> Any | None:
    """The user behind an API token (id, email, name, role, profile) and the token's scopes,
    expires_at and last_used_at: one query, whatever is then refused."""
    return session.execute(_TOKEN_USER, {"token_hash": token_hash}).first()


def user_by_email(session: Session, email: str) -> UserRow | None:
    return session.scalars(select(UserRow).where(UserRow.email == email)).first()


def user_by_id(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def all_users(session: Session) -> Sequence[UserRow]:
    return session.scalars(select(UserRow).order_by(UserRow.id)).all()


def profile_name(session: Session, row: UserRow) -> str:
    profile = session.get(ProfileRow, row.profile_id)
    return profile.name if profile else ""


def time_allowances(session: Session) -> Sequence[Any]:
    """(user id, time allowance) of every user."""
    return session.execute(
        select(UserRow.id, ProfileRow.time_allowance).join(
            ProfileRow, ProfileRow.id == UserRow.profile_id
        )
    ).all()


def set_time_allowance(session: Session, row: UserRow, allowance: str) -> None:
    session.execute(
        update(ProfileRow).where(ProfileRow.id == row.profile_id).values(time_allowance=allowance)
    )


def add_user(
    session: Session,
    email: str,
    name: str,
    password_hash: str,
    role: str,
    profile_name: str,
    now: datetime,
) -> UserRow:
    """A new user with a new profile of their own called ``profile_name``."""
    profile = ProfileRow(name=profile_name, created_at=now)
    session.add(profile)
    session.flush()
    row = UserRow(
        email=email,
        name=name,
        password_hash=password_hash,
        role=role,
        profile_id=profile.id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def count_admins(session: Session) -> int:
    admins = session.scalar(
        select(func.count()).select_from(UserRow).where(UserRow.role == "admin")
    )
    return admins or 0


def failures(session: Session, client: str, since: datetime, email: str | None = None) -> int:
    """Failed sign-ins from ``client`` since ``since``: for any account, or for ``email``."""
    query = select(func.count()).select_from(LoginFailureRow)
    query = query.where(LoginFailureRow.client == client, LoginFailureRow.at > since)
    if email is not None:
        query = query.where(LoginFailureRow.email == email)
    return session.scalar(query) or 0


def add_failure(session: Session, email: str, client: str, now: datetime, since: datetime) -> None:
    """Record a failed sign-in, and forget this client's failures from before ``since``."""
    session.execute(
        delete(LoginFailureRow).where(LoginFailureRow.client == client, LoginFailureRow.at <= since)
    )
    session.add(LoginFailureRow(email=email, client=client, at=now))


def clear_failures(session: Session, email: str, client: str) -> None:
    """Forget the failures of ``email`` from ``client`` (after it signed in there)."""
    session.execute(
        delete(LoginFailureRow).where(
            LoginFailureRow.email == email, LoginFailureRow.client == client
        )
    )


def sign_ups_of_client(session: Session, client: str, since: datetime) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(SignUpRow)
        .where(SignUpRow.client == client, SignUpRow.at > since)
    )
    return count or 0


def add_sign_up(session: Session, client: str, now: datetime, since: datetime) -> None:
    """Record a sign-up attempt, and forget this client's attempts from before ``since``."""
    session.execute(delete(SignUpRow).where(SignUpRow.client == client, SignUpRow.at <= since))
    session.add(SignUpRow(client=client, at=now))


def add_session(
    session: Session, token_hash: str, user_id: int, csrf: str, now: datetime, expires: datetime
) -> None:
    session.add(
        SessionRow(
            token_hash=token_hash,
            user_id=user_id,
            csrf_token=csrf,
            created_at=now,
            expires_at=expires,
        )
    )


def delete_session(session: Session, token_hash: str) -> None:
    session.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))


def delete_sessions_of(session: Session, user_id: int) -> None:
    session.execute(delete(SessionRow).where(SessionRow.user_id == user_id))


def add_token(
    session: Session,
    token_hash: str,
    public_id: str,
    user_id: int,
    name: str,
    scopes: str,
    now: datetime,
    expires: datetime,
) -> ApiTokenRow:
    row = ApiTokenRow(
        token_hash=token_hash,
        public_id=public_id,
        user_id=user_id,
        name=name,
        scopes=scopes,
        created_at=now,
        expires_at=expires,
    )
    session.add(row)
    return row


def tokens_of(session: Session, user_id: int) -> Sequence[ApiTokenRow]:
    """A user's tokens, newest first."""
    return session.scalars(
        select(ApiTokenRow)
        .where(ApiTokenRow.user_id == user_id)
        .order_by(ApiTokenRow.created_at.desc(), ApiTokenRow.public_id)
    ).all()


def token_of(session: Session, user_id: int, public_id: str) -> ApiTokenRow | None:
    """The user's token called ``public_id``; None for a missing one or someone else's."""
    return session.scalars(
        select(ApiTokenRow).where(
            ApiTokenRow.user_id == user_id, ApiTokenRow.public_id == public_id
        )
    ).first()


def delete_token(session: Session, row: ApiTokenRow) -> None:
    session.delete(row)


def delete_tokens_of(session: Session, user_id: int) -> None:
    session.execute(delete(ApiTokenRow).where(ApiTokenRow.user_id == user_id))


def touch_token(session: Session, token_hash: str, now: datetime) -> None:
    session.execute(
        update(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash).values(last_used_at=now)
    )
