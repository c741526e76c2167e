"""Invitations by email, delivered to a real SMTP server (aiosmtpd) that the test starts."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from pmpath.app import Pmpath
from pmpath.services.mail import Mailer
from pmpath.services.teams import TeamService
from pmpath.settings import Settings
from tests.services.test_teams import _account


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content))
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def app(tmp_path: Any) -> Iterator[Pmpath]:
    application = Pmpath(Settings(database_url=f"sqlite:///{tmp_path / 'mail.db'}"))
    yield application
    application.database.dispose()


def _teams(app: Pmpath, port: int) -> TeamService:
    settings = Settings(
        database_url=app.settings.database_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="pmpath@acme.example",
    )
    mailer = Mailer.from_settings(settings)
    assert mailer is not None
    return TeamService(app.database, app.framework, app.assessments, app.clock, mailer)


def test_an_invitation_by_email_reaches_the_server_with_a_link_that_works(
    app: Pmpath, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    teams = _teams(app, port)
    ada, nia = _account(app, "Ada"), _account(app, "Nia")
    organisation = teams.create_organisation(ada, "Acme Products")
    team = teams.create_team(ada, organisation.id, "Growth")
    sent = teams.invite(ada, team.id, email="Nia@Example.org", link_base="https://pm.example/")
    assert (sent.emailed, sent.email, sent.email_problem) == (True, "nia@example.org", None)
    [(sender, recipients, message)] = handler.messages
    assert (sender, recipients) == ("pmpath@acme.example", ["nia@example.org"])
    assert message["Subject"] == "Join Growth at Acme Products on pmpath"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Ada invites you to join Growth at Acme Products on pmpath as a member." in body
    link = f"https://pm.example/invitations/{sent.token}"
    assert link in body
    token = body.split("https://pm.example/invitations/", 1)[1].split()[0]
    assert teams.accept(nia, token).team == "Growth"


def test_an_unreachable_server_leaves_the_invitation_standing(app: Pmpath) -> None:
    teams = _teams(app, _free_port())  # nobody listens there
    ada, nia = _account(app, "Ada"), _account(app, "Nia")
    organisation = teams.create_organisation(ada, "Acme Products")
    team = teams.create_team(ada, organisation.id, "Growth")
    sent = teams.invite(ada, team.id, email="nia@example.org")
    assert not sent.emailed
    assert sent.email_problem is not None
    assert sent.email_problem.startswith("the email to nia@example.org could not be sent")
    assert teams.accept(nia, sent.token).team == "Growth"


def test_without_smtp_an_invitation_is_a_link_only(app: Pmpath) -> None:
    assert app.teams.mailer is None
    ada = _account(app, "Ada")
    organisation = app.teams.create_organisation(ada, "Acme Products")
    team = app.teams.create_team(ada, organisation.id, "Growth")
    sent = app.teams.invite(ada, team.id, email="nia@example.org")
    assert (sent.emailed, sent.email_problem) == (False, None)
