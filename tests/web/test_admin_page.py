"""The administration page: every admin task in one place, for site admins only, each link a
page that answers."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.web.test_author_pages import make, sign_in


@pytest.mark.parametrize(("role", "status"), [("learner", 403), ("author", 403), ("admin", 200)])
def test_only_a_site_admin_opens_the_administration_page(
    client: TestClient, context: Pmpath, role: str, status: int
) -> None:
    make(context, f"{role}@example.org", role)
    sign_in(client, f"{role}@example.org")
    assert client.get("/admin").status_code == status


def test_every_task_it_lists_opens_and_the_menu_leads_to_it(
    client: TestClient, context: Pmpath
) -> None:
    make(context, "admin@example.org", "admin")
    sign_in(client, "admin@example.org")
    hub = client.get("/admin").text
    links = re.findall(r'<h2 class="h3"><a href="(/admin[^"]*)">([^<]+)</a>', hub)
    assert [title for _, title in links] == [
        "Users and roles",
        "LMS platforms (LTI 1.3)",
        "Grades sent to LMSs",
        "Badges (Open Badges 3.0)",
        "Learning record store (xAPI)",
    ]
    for href, title in links:
        assert client.get(href).status_code == 200, (href, title)
    assert '<a href="/admin">Administration</a>' in client.get("/account").text


def test_a_learner_finds_their_badges_in_the_account_menu(
    client: TestClient, context: Pmpath
) -> None:
    make(context, "learner@example.org", "learner")
    sign_in(client, "learner@example.org")
    account = client.get("/account").text
    assert '<a href="/badges">Your badges</a>' in account
    assert '<a href="/admin">Administration</a>' not in account
