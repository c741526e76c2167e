"""The job-description and interview-kit pages, their documents, and their /api/v1 routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

ROLE = "senior-product-manager"


def test_the_role_page_links_to_both(client: TestClient) -> None:
    html = client.get(f"/roles/{ROLE}").text
    assert f'href="/roles/{ROLE}/job-description"' in html
    assert f'href="/roles/{ROLE}/interview-kit"' in html


def test_the_role_page_links_keep_the_specialisation(client: TestClient) -> None:
    html = client.get(f"/roles/{ROLE}?specialisation=growth").text
    assert f'href="/roles/{ROLE}/interview-kit?specialisation=growth"' in html


def test_an_exit_page_offers_no_hiring_documents(client: TestClient) -> None:
    assert "/job-description" not in client.get("/roles/general-management").text


def test_the_job_description_page_shows_the_role_and_its_expectations(client: TestClient) -> None:
    response = client.get(f"/roles/{ROLE}/job-description")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Job description: Senior Product Manager" in html
    assert "also advertised as Senior PM, Product Manager III" in html
    table = html.split("<tbody>", 1)[1]
    assert table.index("Prioritisation and roadmapping") < table.index("Vision setting")
    assert 'href="?format=markdown"' in html
    assert 'href="?format=html"' in html


def test_the_interview_kit_page_shows_questions_and_strong_answers(client: TestClient) -> None:
    response = client.get(f"/roles/{ROLE}/interview-kit?specialisation=technical")
    assert response.status_code == 200
    html = response.text
    assert "(Technical product management)" in html
    assert "A strong answer at level 4 shows:" in html
    assert "Red flags:" in html
    assert 'href="?specialisation=technical&amp;format=html"' in html


def test_the_markdown_document_downloads_with_a_file_name(client: TestClient) -> None:
    response = client.get(f"/roles/{ROLE}/interview-kit?specialisation=growth&format=markdown")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{ROLE}-growth-interview-kit.md"'
    )
    assert response.text.startswith("# Interview kit: Senior Product Manager (Growth")


def test_the_printable_document_is_the_self_contained_page(client: TestClient) -> None:
    response = client.get(f"/roles/{ROLE}/job-description?format=html")
    assert response.status_code == 200
    assert "@media print" in response.text
    assert "<script" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/roles/no-such-role/job-description",
        "/roles/general-management/interview-kit",
        f"/roles/{ROLE}/job-description?format=pdf",
        f"/roles/{ROLE}/interview-kit?specialisation=quantum",
    ],
)
def test_what_names_nothing_is_a_page_not_found(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_the_api_serves_the_job_description(client: TestClient) -> None:
    data = client.get(f"/api/v1/roles/{ROLE}/job-description?specialisation=technical").json()
    assert data["role"]["id"] == ROLE
    assert data["specialisation"]["id"] == "technical"
    assert data["expectations"][0]["must_have"] is True


def test_the_api_serves_an_interview_kit_of_the_size_asked(client: TestClient) -> None:
    data = client.get(f"/api/v1/roles/{ROLE}/interview-kit?count=3").json()
    assert [c["must_have"] for c in data["competencies"]] == [True, True, True]
    assert data["competencies"][0]["questions"][0]["strong_answer_source"] == "question"


def test_the_api_says_what_names_nothing_as_problem_details(client: TestClient) -> None:
    response = client.get("/api/v1/roles/no-such-role/interview-kit")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("unknown role id 'no-such-role'")
    assert client.get(f"/api/v1/roles/{ROLE}/interview-kit?count=0").status_code == 422


@pytest.mark.parametrize(
    ("command", "route"),
    [
        (
            ("job-description", ROLE, "-s", "platform"),
            f"/roles/{ROLE}/job-description?specialisation=platform",
        ),
        (("interview-kit", ROLE, "-n", "8"), f"/roles/{ROLE}/interview-kit?count=8"),
    ],
)
def test_the_cli_and_the_api_give_the_same_data(
    client: TestClient, pmpath: Callable[..., Any], command: tuple[str, ...], route: str
) -> None:
    cli = pmpath(*command, "--json")
    assert cli.exit_code == 0, cli.stderr
    assert client.get(f"/api/v1{route}").json() == cli.json()
