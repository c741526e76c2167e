"""The signed-in user, their API tokens, and the users (admins)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from pmpath.services.accounts import SCOPES
from pmpath.services.models.accounts import (
    Account,
    Accounts,
    NewToken,
    Role,
    RoleChange,
    TokenInfo,
    Tokens,
    TokenScope,
)
from pmpath.web.deps import Admin, App, Learner, RowId, TokenId

router = APIRouter()


@router.get("/me", summary="The signed-in user")
def me(me: Learner) -> Account:
    return me.account()


@router.get(
    "/tokens",
    response_model=Tokens,
    summary="Your API tokens, newest first (never the tokens themselves)",
)
def tokens(app: App, me: Learner) -> Tokens:
    return app.accounts.tokens(me)


@router.post(
    "/tokens",
    response_model=NewToken,
    status_code=201,
    summary="Create an API token (from a signed-in browser session only)",
)
def create_token(
    app: App,
    me: Learner,
    name: Annotated[str, Query(max_length=100)] = "script",
    scopes: Annotated[list[TokenScope] | None, Query()] = None,
    expires_in_days: Annotated[int, Query(ge=1, le=365)] = 90,
) -> NewToken:
    """The token is in the reply only: store it now. ``scopes`` (repeatable): ``read`` (GET
    requests only) and/or ``write`` (every request; brings read); both by default. A request
    made with an API token is refused (403): tokens cannot mint tokens. With the session
    cookie, send the session's CSRF token as ``X-CSRF-Token``."""
    return app.accounts.create_token(me, name, scopes or SCOPES, timedelta(days=expires_in_days))


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenInfo,
    summary="Revoke one of your API tokens; the reply is the token revoked",
)
def revoke_token(app: App, me: Learner, token_id: TokenId) -> TokenInfo:
    return app.accounts.revoke_token(me, token_id)


@router.get("/users", summary="Every user (admins)")
def users(app: App, me: Admin) -> Accounts:
    return Accounts(users=[user.account() for user in app.accounts.users(me)])


@router.put(
    "/users/{user_id}/role",
    summary="Change a user's role (admins); 404 for a missing user",
)
def set_role(app: App, me: Admin, user_id: RowId, role: Role) -> RoleChange:
    changed = app.accounts.set_role(me, user_id, role)
    return RoleChange(id=changed.id, role=role)
