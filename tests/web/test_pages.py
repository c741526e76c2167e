"""The ladder explorer pages, open to everyone."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pmpath.app import Pmpath


def test_the_ladder_page_shows_the_ladder_with_every_role(client: TestClient) -> None:
    response = client.get("/ladder")
    assert response.status_code == 200
    html = response.text
    assert "<svg" in html
    assert 'href="/roles/chief-product-officer"' in html
    assert "<main" in html
    assert 'lang="en"' in html


def test_a_role_page(client: TestClient, context: Pmpath) -> None:
    html = client.get("/roles/senior-product-manager").text
    assert "<h1>Senior Product Manager</h1>" in html
    assert "This role" in html
    assert html.count('<th scope="row">') == len(context.framework.competencies)
    assert 'href="/diff?start=senior-product-manager&amp;goal=group-product-manager"' in html


def test_an_unknown_role_is_a_404_page(client: TestClient) -> None:
    response = client.get("/roles/astronaut")
    assert response.status_code == 404
    assert "unknown role or exit id" in response.text.lower()


def test_the_diff_page(client: TestClient) -> None:
    html = client.get(
        "/diff", params={"start": "product-manager", "goal": "senior-product-manager"}
    ).text
    assert "From Product Manager to Senior Product Manager" in html
    assert "The shortest path takes 1 step:" in html
    assert '<a href="/roles/senior-product-manager">Senior Product Manager</a>' in html


def test_the_diff_page_names_new_must_haves_rather_than_showing_ids(client: TestClient) -> None:
    html = client.get(
        "/diff", params={"start": "senior-product-manager", "goal": "group-product-manager"}
    ).text
    assert "New must-haves:</strong> Leadership and mentorship, Organisational leadership." in html
    assert "organisational-leadership" not in html.split("New must-haves", 1)[1][:200]


def test_backgrounds_and_certifications(client: TestClient) -> None:
    assert "Software engineering" in client.get("/backgrounds").text
    assert "Certified ScrumMaster" in client.get("/certifications").text


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_ladder_page_is_the_overview_of_the_ladder_section(client: TestClient) -> None:
    html = client.get("/ladder").text
    assert '<a href="/ladder" aria-current="page">Overview</a>' in html
