"""The REST API: JSON for the ladder, problem details for errors, an OpenAPI schema."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pmpath.app import Pmpath


def test_roles_and_one_role(client: TestClient, context: Pmpath) -> None:
    roles = client.get("/api/v1/roles").json()
    assert roles["framework"]["counts"]["roles"] == len(context.framework.roles)
    role = client.get("/api/v1/roles/product-manager").json()
    assert role["name"] == "Product Manager"
    assert len(role["expectations"]) == len(context.framework.competencies)


def test_paths_and_diff(client: TestClient) -> None:
    paths = client.get(
        "/api/v1/paths",
        params={
            "start": "product-manager",
            "goal": "director-of-product-management",
            "track": "people-leader",
        },
    ).json()
    assert [s["id"] for s in paths["shortest"]][-2:] == [
        "group-product-manager",
        "director-of-product-management",
    ]
    diff = client.get(
        "/api/v1/diff", params={"start": "senior-product-manager", "goal": "group-product-manager"}
    ).json()
    assert diff["new_must_haves"] == ["leadership", "organisational-leadership"]


def test_errors_are_problem_details(client: TestClient) -> None:
    response = client.get(
        "/api/v1/paths", params={"start": "chief-product-officer", "goal": "product-associate"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 422
    assert body["title"] == "Invalid input"
    assert "no path of next-role steps" in body["detail"]
    missing = client.get("/api/v1/roles/astronaut")
    assert missing.status_code == 404
    assert missing.json()["title"] == "Not found"
    assert client.get("/api/v1/me").json()["status"] == 401


def test_the_openapi_schema_documents_v1(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/v1/roles/{role_id}" in schema["paths"]
    assert "/api/v1/diff" in schema["paths"]
