"""FastAPI dependencies: the application object, the signed-in user and role checks.

Every dependency here is ``async``: FastAPI runs them on the event loop, so the inline hot
routes (starting an exam, answering) stay inline, and a caller is authenticated before the
route reads its body.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Path, Request

from pmpath.app import Pmpath
from pmpath.errors import AuthError
from pmpath.services.accounts import User, require
from pmpath.web.auth import application, user


async def _application(request: Request) -> Pmpath:
    return application(request)


async def _optional_user(request: Request) -> User | None:
    return user(request)


def _caller(request: Request, role: str) -> User:
    found = user(request)
    if found is None and getattr(request.state, "bad_token", False):
        raise AuthError("the API token is unknown, revoked or expired")
    return require(found, role)


async def _learner(request: Request) -> User:
    return _caller(request, "learner")


async def _author(request: Request) -> User:
    return _caller(request, "author")


async def _admin(request: Request) -> User:
    return _caller(request, "admin")


#: A row id in a path: what a database integer column holds (a larger one is a 422, not an
#: overflow inside the database driver).
RowId = Annotated[int, Path(ge=0, le=2**63 - 1)]
#: A question's position in an attempt.
Position = Annotated[int, Path(ge=0, le=100_000)]
#: An API token's public id (the ``id`` of GET /api/v1/tokens).
TokenId = Annotated[str, Path(min_length=1, max_length=16)]

#: The application object of this process.
App = Annotated[Pmpath, Depends(_application)]
#: The signed-in user, or None.
MaybeUser = Annotated[User | None, Depends(_optional_user)]
#: The signed-in user (any role); 401 problem details when nobody is signed in.
Learner = Annotated[User, Depends(_learner)]
#: A signed-in author or admin; 401 or 403 otherwise.
Author = Annotated[User, Depends(_author)]
#: A signed-in admin; 401 or 403 otherwise.
Admin = Annotated[User, Depends(_admin)]


class SignInFirst(Exception):  # noqa: N818 - a redirect, not an error
    """A page needs a signed-in user: the app redirects to the sign-in page, which comes back
    to ``next_page`` afterwards."""

    def __init__(self, next_page: str) -> None:
        super().__init__(next_page)
        self.next_page = next_page


def signed_in(next_page: str) -> Any:
    """A page's signed-in user; without one, a redirect to sign in that returns to
    ``next_page`` (formatted with the route's path parameters, e.g. "/attempts/{attempt_id}":
    after signing in, a form's page is shown again rather than its POST target)."""

    async def visitor(request: Request) -> User:
        me = user(request)
        if me is None:
            raise SignInFirst(next_page.format(**request.path_params))
        return me

    dependency: Callable[[Request], Awaitable[User]] = visitor
    return Depends(dependency)
