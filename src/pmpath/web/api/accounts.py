"""The signed-in user, API tokens, and the users (admins)."""

from __future__ import annotations

from fastapi import APIRouter

from pmpath.services.models.accounts import Account, Accounts, NewToken, Role, RoleChange
from pmpath.web.deps import Admin, App, Learner, RowId

router = APIRouter()


@router.get("/me", summary="The signed-in user")
def me(me: Learner) -> Account:
    return me.account()


@router.post("/tokens", summary="Create an API token for scripts", status_code=201)
def create_token(app: App, me: Learner, name: str = "script") -> NewToken:
    return NewToken(token=app.accounts.create_token(me, name), name=name)


@router.get("/users", summary="Every user (admins)")
def users(app: App, me: Admin) -> Accounts:
    return Accounts(users=[user.account() for user in app.accounts.users(me)])


@router.put("/users/{user_id}/role", summary="Change a user's role (admins)")
def set_role(app: App, me: Admin, user_id: RowId, role: Role) -> RoleChange:
    changed = app.accounts.set_role(me, user_id, role)
    return RoleChange(id=changed.id, role=role)
