"""The self-assessment wizard on an organisation's own ladder (/organisations/{id}/assess):
the same steps as on the bundled ladder, its answers kept on the organisation's ladder, the
placement said on finishing and shown on the team page; members only, and only once the
organisation has a ladder."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from pmpath.framework.loading import parse_framework
from tests.conftest import example_ladder_text
from tests.web.conftest import sign_up
from tests.web.test_team_pages import _organisation_with_team


def _upload(client: TestClient, csrf: str, organisation: int) -> None:
    kept = client.post(
        f"/organisations/{organisation}/ladder",
        data={"csrf_token": csrf},
        files={"upload": ("design.yaml", example_ladder_text().encode())},
    )
    assert kept.status_code == 200, kept.text[:300]


def test_a_member_self_assesses_on_the_organisations_own_ladder(client: TestClient) -> None:
    csrf, organisation, team = _organisation_with_team(client)
    base = f"/organisations/{organisation}/assess"
    before = client.get(base)
    assert before.status_code == 404
    assert "has not uploaded its own ladder yet" in before.text
    _upload(client, csrf, organisation)
    ladder = parse_framework(example_ladder_text(), "design.yaml")

    assert (
        f'href="/organisations/{organisation}/assess"'
        in client.get(f"/organisations/{organisation}").text
    )
    intake = client.get(base)
    assert intake.status_code == 200
    assert f"On Acme Products's own ladder: {ladder.name}" in intake.text
    assert ladder.roles[0].name in intake.text  # the roles to choose from are the ladder's
    started = client.post(base, data={"csrf_token": csrf, "years": "4"})
    assert started.status_code == 200, started.text[:300]
    assessment = int(re.search(rf"{base}/(\d+)/answer", started.text).group(1))  # type: ignore[union-attr]
    top = max(ladder.levels)
    for number, competency in enumerate(ladder.competencies, start=1):
        step = client.get(f"{base}/{assessment}/step/{number}")
        assert competency.name in step.text
        assert competency.behaviours[top] in step.text
        answered = client.post(
            f"{base}/{assessment}/answer",
            data={"csrf_token": csrf, "competency": competency.id, "level": str(top)},
        )
        assert answered.status_code == 200
    assert "Finish and see where it places me" in answered.text
    done = client.post(f"{base}/{assessment}/finish", data={"csrf_token": csrf})
    assert done.status_code == 200
    assert str(done.url).endswith(f"/organisations/{organisation}")
    placed = re.search(
        rf"Your self-assessment on {ladder.name} is saved: it places you as ([^(]+) \(", done.text
    )
    assert placed, done.text[:2000]
    assert placed.group(1).strip() in {role.name for role in ladder.roles}
    team_page = client.get(f"/teams/{team}").text
    assert f"on {ladder.name}" in team_page
    # The bundled ladder's wizard knows nothing of it: nothing is in progress there.
    assert "Where do you stand?" in client.get("/assess").text


def test_only_members_reach_the_organisations_wizard(client: TestClient) -> None:
    csrf, organisation, _ = _organisation_with_team(client)
    _upload(client, csrf, organisation)
    client.cookies.clear()
    sign_up(client, "otto@example.org", "Otto")
    outsider = client.get(f"/organisations/{organisation}/assess")
    assert outsider.status_code == 404
    assert client.get("/organisations/nine/assess").status_code == 404
