"""Team views on the web and through /api/v1: the heat map (a table with levels in every cell,
a scrolling container with its hint, and the SVG figure), coverage, bench strength and the
what-if form; who may open them (403 for a member, 404 from another organisation) and a bad
what-if shown back with a 422."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.assessment import Rating, SelfAssessment
from tests.web.conftest import sign_up
from tests.web.test_colleague_rating_pages import Growth, _growth, _user
from tests.web.test_team_pages import ISO_TIME, _visible_text


def _product_managers(context: Pmpath, *emails: str) -> None:
    pm = context.framework.role("product-manager")
    ratings = {cid: Rating(cid, e.level) for cid, e in pm.expectations.items()}
    for email in emails:
        context.assessments.record(_user(context, email).profile, SelfAssessment(ratings))


def _team(client: TestClient, context: Pmpath) -> tuple[Growth, str]:
    growth = _growth(client, context, "Mia", "Pat")
    _product_managers(context, "mia@example.org", "pat@example.org")
    ada = _user(context, "ada@example.org")
    context.colleague_ratings.rate(
        ada, growth.organisation, growth.people["Pat"].id, "prioritisation", 2
    )
    context.colleague_ratings.rate(
        ada, growth.organisation, growth.people["Mia"].id, "customer-empathy", 4
    )
    return growth, f"/organisations/{growth.organisation}/teams/{growth.team}"


def test_the_heat_map_page_shows_levels_sources_and_the_figure(
    client: TestClient, context: Pmpath
) -> None:
    _, base = _team(client, context)
    page = client.get(base + "/heat-map")
    assert page.status_code == 200, page.text
    text = _visible_text(page.text)
    assert "Heat map of Growth" in text
    assert 'role="region"' in page.text
    assert 'tabindex="0"' in page.text
    assert "swipe the table sideways" in text
    # Pat's prioritisation: 2 from the manager, below Product Manager's 3 (a must-have)
    assert re.search(
        r'2<span aria-hidden="true">↓</span></span><span class="src">Manager</span>'
        r'<span class="src">expects 3, must-have',
        page.text,
    )
    assert 'id="heat-map" role="img"' in page.text
    assert 'data-status="below"' in page.text
    assert "viridis" in text
    assert not ISO_TIME.search(text)
    assert "customer-empathy" not in text  # names, never ids
    assert "Customer empathy and user research" in text


def test_coverage_bench_and_what_if_pages(client: TestClient, context: Pmpath) -> None:
    growth, base = _team(client, context)
    coverage = client.get(base + "/coverage")
    assert coverage.status_code == 200, coverage.text
    assert "Coverage of Growth" in coverage.text
    assert "below: Pat" in coverage.text
    bench = client.get(base + "/bench")
    assert bench.status_code == 200, bench.text
    text = _visible_text(bench.text)
    assert "Senior Product Manager" in text
    assert "Later" in text
    assert re.search(r"fit \d+ of 100", text), text  # a whole number out of 100, as elsewhere
    form = client.get(base + "/what-if")
    assert form.status_code == 200
    assert '<option value="senior-product-manager">Senior Product Manager</option>' in form.text
    assert '<select id="member" name="member"' in form.text
    pat = growth.people["Pat"].id
    moved = client.get(base + f"/what-if?member={pat}&role=senior-product-manager")
    assert moved.status_code == 200, moved.text
    text = _visible_text(moved.text)
    assert "Pat as Senior Product Manager" in text
    assert "What the team loses" in text
    assert 'id="what-if-map"' in moved.text
    bad = client.get(base + f"/what-if?member={pat}&role=no-such-role")
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text
    assert "Choose a role of" in bad.text
    nobody = client.get(base + "/what-if?member=abc&role=senior-product-manager")
    assert nobody.status_code == 422
    assert "Choose a member of this team" in nobody.text
    # The form sent with nothing chosen says what to choose, rather than showing it again.
    empty = client.get(base + "/what-if?member=&role=")
    assert empty.status_code == 422
    assert "Choose a member of this team" in empty.text
    assert "Choose a role" in empty.text
    assert empty.text.count('aria-invalid="true"') == 2
    no_role = client.get(base + f"/what-if?member={pat}&role=")
    assert no_role.status_code == 422
    assert "Choose a role" in no_role.text
    assert "Choose a member of this team" not in no_role.text


def test_who_may_open_the_team_views(client: TestClient, context: Pmpath) -> None:
    growth, base = _team(client, context)
    mia = growth.people["Mia"].client
    for path in ("/heat-map", "/coverage", "/bench", "/what-if"):
        assert mia.get(base + path).status_code == 403
        assert mia.get(f"/api/v1{base}{path}?member=1&role=x").status_code == 403
    stranger = TestClient(client.app)
    sign_up(stranger, "sam@example.org", "Sam")
    assert stranger.get(base + "/heat-map").status_code == 404
    assert stranger.get(f"/api/v1{base}/bench").status_code == 404
    # the team, under another organisation's id, is not found either
    other = f"/organisations/{growth.organisation + 999}/teams/{growth.team}/heat-map"
    assert client.get(other).status_code == 404


def test_the_api_returns_the_same_models(client: TestClient, context: Pmpath) -> None:
    growth, base = _team(client, context)
    heat = client.get(f"/api/v1{base}/heat-map")
    assert heat.status_code == 200, heat.text
    body = heat.json()
    assert body["palette"] == "viridis"
    assert [m["name"] for m in body["members"]] == ["Mia", "Pat"]
    mia_cells = {c["competency_id"]: c for c in body["members"][0]["cells"]}
    assert mia_cells["customer-empathy"] | {"at": None} == {
        "competency_id": "customer-empathy",
        "level": 4,
        "source": "manager",
        "at": None,
        "expected": 3,
        "must_have": True,
        "status": "exceeds",
    }
    cover = client.get(f"/api/v1{base}/coverage").json()
    assert cover["gaps"] == []
    bench = client.get(f"/api/v1{base}/bench").json()
    assert bench["counts"] == {"now": 0, "within-6-months": 0, "later": 2, "not-enough-data": 0}
    pat = growth.people["Pat"].id
    what = client.get(f"/api/v1{base}/what-if?member={pat}&role=senior-product-manager")
    assert what.status_code == 200
    assert what.json()["to_role_name"] == "Senior Product Manager"
    choices = client.get(f"/api/v1{base}/what-if/choices").json()
    assert [m["name"] for m in choices["members"]] == ["Mia", "Pat"]
    bad = client.get(f"/api/v1{base}/what-if?member={pat}&role=nope")
    assert bad.status_code == 422
    assert "role" in bad.text
