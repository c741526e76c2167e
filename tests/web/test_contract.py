"""One contract for every interface: the CLI's --json and the API return the same data, and the
OpenAPI schema names and types every JSON response of the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.settings import Settings
from pmpath.web.app import create_app
from tests.web.conftest import PASSWORD, profile_of

Run = Callable[..., Any]
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
PRIMITIVES = {"string", "number", "integer", "boolean", "null"}


# -- the OpenAPI schema --------------------------------------------------------------------------


def untyped(schema: dict[str, Any], where: str, components: dict[str, Any]) -> list[str]:
    """The places under ``schema`` whose values the schema does not type (empty when none)."""
    if "$ref" in schema or "const" in schema or "enum" in schema:
        return []
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return [
                found
                for n, part in enumerate(schema[combinator])
                for found in untyped(part, f"{where}|{n}", components)
            ]
    kind = schema.get("type")
    if kind in PRIMITIVES:
        return []
    if kind == "array":
        if "prefixItems" in schema:
            return [
                found
                for n, part in enumerate(schema["prefixItems"])
                for found in untyped(part, f"{where}[{n}]", components)
            ]
        if "items" not in schema:
            return [f"{where}[]"]
        return untyped(schema["items"], f"{where}[]", components)
    if kind == "object":
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        if not properties and not isinstance(extra, dict):
            return [where]
        found = [
            problem
            for name, part in properties.items()
            for problem in untyped(part, f"{where}.{name}", components)
        ]
        if isinstance(extra, dict):
            found += untyped(extra, f"{where}.*", components)
        return found
    return [where]


def test_every_json_response_of_the_api_has_a_named_typed_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    components = spec["components"]["schemas"]
    checked = 0
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, f"{method.upper()} {path} documents no successful response"
            content = operation["responses"][success[0]].get("content", {})
            assert content, f"{method.upper()} {path} documents no content"
            if "application/json" not in content:
                continue  # e.g. an exported quiz file
            schema = content["application/json"]["schema"]
            assert "$ref" in schema or "oneOf" in schema or "anyOf" in schema, (
                f"{method.upper()} {path}: the response has no named schema: {schema}"
            )
            refs = [schema] if "$ref" in schema else schema.get("oneOf") or schema["anyOf"]
            for ref in refs:
                name = ref["$ref"].rsplit("/", 1)[-1]
                assert name in components
            for name, component in components.items():
                assert untyped(component, name, components) == [], name
            checked += 1
    assert checked >= 30


# -- the CLI and the API agree ---------------------------------------------------------------------


@pytest.fixture
def shared(tmp_path: Path, pmpath: Run) -> Iterator[tuple[TestClient, Pmpath]]:
    """A web app over the very database the ``pmpath`` fixture's commands use."""
    application = Pmpath(Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}"))
    with TestClient(create_app(pmpath=application)) as client:
        yield client, application
    application.database.dispose()


def same(cli: Any, api: Any) -> None:
    """The same keys all the way down, and the same values."""
    assert api == cli


LADDER = [
    (("roles",), "/api/v1/roles"),
    (("role", "senior-product-manager"), "/api/v1/roles/senior-product-manager"),
    (
        ("path", "product-manager", "director-of-product-management"),
        "/api/v1/paths?start=product-manager&goal=director-of-product-management",
    ),
    (
        ("diff", "senior-product-manager", "group-product-manager"),
        "/api/v1/diff?start=senior-product-manager&goal=group-product-manager",
    ),
    (("competencies",), "/api/v1/competencies"),
    (("exam", "list"), "/api/v1/exams"),
]


@pytest.mark.parametrize(("command", "route"), LADDER)
def test_the_cli_and_the_api_report_the_ladder_and_the_exams_alike(
    pmpath: Run, shared: tuple[TestClient, Pmpath], command: tuple[str, ...], route: str
) -> None:
    client, _ = shared
    cli = pmpath(*command, "--json")
    assert cli.exit_code == 0, cli.stderr
    api = client.get(route)
    assert api.status_code == 200, api.text
    same(cli.json(), api.json())


def test_the_cli_and_the_api_report_a_learner_alike(
    pmpath: Run, shared: tuple[TestClient, Pmpath]
) -> None:
    client, application = shared
    user = application.accounts.sign_up("ana@example.org", "Ana", PASSWORD, role="author")
    me = {"Authorization": f"Bearer {application.accounts.create_token(user, 'test').token}"}
    profile = profile_of(application, "ana@example.org")
    answers = yaml.safe_load((EXAMPLES / "engineer-answers.yaml").read_text(encoding="utf-8"))
    assert client.post("/api/v1/assessments", json=answers, headers=me).status_code == 201
    started = client.post("/api/v1/exams/scrum-master/attempts", headers=me).json()
    attempt = started["attempt_id"]
    for question in started["questions"][:5]:
        option = question["options"][0]["id"] if question["options"] else "x"
        position = question["position"]
        client.put(f"/api/v1/attempts/{attempt}/answers/{position}", json=option, headers=me)
    assert client.post(f"/api/v1/attempts/{attempt}/finish", headers=me).status_code == 200

    def cli(*args: str) -> Any:
        outcome = pmpath(*args, "--json")
        assert outcome.exit_code == 0, outcome.stderr
        return outcome.json()

    def api(route: str) -> Any:
        response = client.get(route, headers=me)
        assert response.status_code == 200, response.text
        return response.json()

    results = cli("exam", "results", str(attempt), "-p", profile)
    same(results, api(f"/api/v1/attempts/{attempt}/results"))
    same(cli("bank", "parameters"), api("/api/v1/banks/parameters"))
    same(cli("bank", "stats"), api("/api/v1/banks/stats"))
    # The API calls every learner "me" (their profile name is internal); otherwise the same.
    same({**cli("profile", "-p", profile), "profile": "me"}, api("/api/v1/profile"))
    for command, route in (
        (("exam", "readiness"), "/api/v1/readiness"),
        (("exam", "ability"), "/api/v1/ability"),
        (("report",), "/api/v1/report"),
    ):
        from_cli, from_api = cli(*command, "-p", profile), api(route)
        assert from_api.keys() == from_cli.keys(), command
        if command != ("report",):
            same({**from_cli, "profile": "me"}, from_api)
