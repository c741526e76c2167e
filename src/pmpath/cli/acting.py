"""Who a leader's command acts as, and the organisation, team and person it names.

The commands for organisations and teams (``pmpath org``, ``team``, ``calibration``,
``promotion``, ``check-in``) act as the account given by ``--as`` with that account's
permissions, and name things as people do: ORG and TEAM by id or exact name (of the account's
organisations, of that organisation's teams), a person by email or account id. One set of
rules here, so every group reads its arguments alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmpath.cli.application import application

if TYPE_CHECKING:
    from pmpath.app import Pmpath
    from pmpath.services.accounts import User


def acting_as(email: str, database_url: str | None) -> tuple[Pmpath, User]:
    """The application and the account given by ``--as`` (NotFoundError without one)."""
    app = application(None, database_url)
    return app, app.accounts.user_by_email(email)


def find_organisation(app: Pmpath, me: User, given: str) -> int:
    """The id of the organisation ``given`` names: an id, or the name of one of ``me``'s."""
    from pmpath.errors import Location, NotFoundError

    text = given.strip()
    if text.isdigit():
        return int(text)
    found = [
        o for o in app.teams.organisations(me).organisations if o.name.casefold() == text.casefold()
    ]
    if len(found) != 1:
        raise NotFoundError(
            f"you are in no organisation called {text!r}"
            if not found
            else f"you are in several organisations called {text!r}: give its id",
            Location(field_path=("organisation",)),
        )
    return found[0].id


def find_team(app: Pmpath, me: User, organisation: int, given: str) -> int:
    """The id of the team ``given`` names in the organisation (NotFoundError for a team of
    another organisation: an id from elsewhere finds nothing here)."""
    from pmpath.errors import Location, NotFoundError

    text = given.strip()
    teams = app.teams.organisation(me, organisation).teams
    found = [t for t in teams if str(t.id) == text or t.name.casefold() == text.casefold()]
    if not found:
        raise NotFoundError(
            f"there is no team {text!r} in this organisation", Location(field_path=("team",))
        )
    return found[0].id


def find_user(app: Pmpath, given: str) -> int:
    """A person given by account id or email."""
    text = given.strip()
    return int(text) if text.isdigit() else app.accounts.user_by_email(text).id
