"""The signed-in user, API tokens, and the users (admins)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pmpath.web.deps import Admin, App, Learner

router = APIRouter()
Json = dict[str, Any]


@router.get("/me", summary="The signed-in user")
def me(me: Learner) -> Json:
    return {"id": me.id, "email": me.email, "name": me.name, "role": me.role}


@router.post("/tokens", summary="Create an API token for scripts", status_code=201)
def create_token(app: App, me: Learner, name: str = "script") -> Json:
    return {"token": app.accounts.create_token(me, name), "name": name}


@router.get("/users", summary="Every user (admins)")
def users(app: App, me: Admin) -> Json:
    listed = app.accounts.users(me)
    return {
        "users": [{"id": u.id, "email": u.email, "name": u.name, "role": u.role} for u in listed]
    }


@router.put("/users/{user_id}/role", summary="Change a user's role (admins)")
def set_role(app: App, me: Admin, user_id: int, role: str) -> Json:
    changed = app.accounts.set_role(me, user_id, role)
    return {"id": changed.id, "role": changed.role}
