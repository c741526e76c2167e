"""Gap items in the web player, without JavaScript: the text with a labelled list at each gap,
the answer saved and shown again, a deliberate clear, and the feedback in the results."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from pmpath.services.models.exams import AttemptQuestion
from pmpath.settings import Settings
from pmpath.web.app import create_app
from tests.exams.gap_bank import BLUEPRINT, gap_bank
from tests.web.conftest import profile_of, sign_up
from tests.web.test_exam_pages import start

EMAIL = "ana@example.org"


@pytest.fixture
def context(database_url: str) -> Iterator[Pmpath]:
    """The app with a bank of gap items and one exam on it in place of the bundled ones."""
    ctx = Pmpath(Settings(database_url=database_url))
    ctx.__dict__["_bundled_bank"] = gap_bank(ctx.framework, "pm-core")
    ctx.__dict__["blueprints"] = [BLUEPRINT]
    yield ctx
    ctx.database.dispose()


@pytest.fixture
def client(context: Pmpath) -> Iterator[TestClient]:
    with TestClient(create_app(pmpath=context)) as test_client:
        yield test_client


def question(context: Pmpath, attempt: int, item_id: str) -> AttemptQuestion:
    view = context.exams.view(attempt, profile_of(context, EMAIL))
    return next(q for q in view.questions if q.item_id == item_id)


def choice_id(q: AttemptQuestion, text: str) -> str:
    return next(option.id for option in q.options if option.text == text)


def test_each_gap_is_a_labelled_list_of_its_own_choices(
    client: TestClient, context: Pmpath
) -> None:
    attempt = start(client, sign_up(client), BLUEPRINT.id)
    q = question(context, attempt, "agile-901")
    page = client.get(f"/attempts/{attempt}/q/{q.position}").text
    text = page.split('<fieldset id="answer" class="gap-text">', 1)[1].split("</fieldset>")[0]
    assert "<legend>Choose a word or phrase for each gap</legend>" in text
    assert "The Product Backlog serves the" in text
    assert page.count("The Product Backlog serves the") == 1  # the text is shown once
    for number in (1, 2, 3, 4):
        assert (
            f'<label for="gap-{number}" class="gap-number"><span class="sr-only">Gap </span>'
            f'{number}</label><select id="gap-{number}" name="gap-{number}">'
        ) in text
    second = re.search(r'<select id="gap-2".*?</select>', text, re.S)
    assert second is not None
    offered = re.findall(r"<option value=\"[a-z]\">([^<]+)</option>", second.group(0))
    assert sorted(offered) == ["hands over to the Scrum Master", "is accountable for"]
    first = re.search(r'<select id="gap-1".*?</select>', text, re.S)
    assert first is not None
    assert "is accountable for" not in first.group(0)
    assert "[[1]]" not in page


def test_an_answer_is_saved_shown_again_and_cleared_on_purpose(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf, BLUEPRINT.id)
    q = question(context, attempt, "agile-901")
    url = f"/attempts/{attempt}/q/{q.position}"
    goal, accountable = choice_id(q, "Product Goal"), choice_id(q, "is accountable for")
    saved = client.post(
        url,
        data={"csrf_token": csrf, "had-answer": "0", "gap-1": goal, "gap-2": accountable},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert question(context, attempt, "agile-901").response == {"1": goal, "2": accountable}
    page = client.get(url).text
    assert f'<option value="{goal}" selected>Product Goal</option>' in page
    assert f'<option value="{accountable}" selected>is accountable for</option>' in page
    assert 'name="had-answer" value="1"' in page
    # Every gap back on "Choose…": the saved answer is withdrawn.
    client.post(url, data={"csrf_token": csrf, "had-answer": "1", "gap-1": "", "gap-2": ""})
    assert question(context, attempt, "agile-901").response is None


def test_a_choice_the_gap_does_not_offer_is_refused_in_the_page_s_words(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf, BLUEPRINT.id)
    q = question(context, attempt, "agile-901")
    wrong_list = choice_id(q, "is accountable for")
    refused = client.post(
        f"/attempts/{attempt}/q/{q.position}",
        data={"csrf_token": csrf, "had-answer": "0", "gap-1": wrong_list},
    )
    assert refused.status_code == 422
    assert "Choose each gap&#39;s word or phrase from its list." in refused.text
    assert question(context, attempt, "agile-901").response is None


def test_the_results_show_each_gap_s_right_choice_and_yours(
    client: TestClient, context: Pmpath
) -> None:
    csrf = sign_up(client)
    attempt = start(client, csrf, BLUEPRINT.id)
    q = question(context, attempt, "agile-901")
    client.post(
        f"/attempts/{attempt}/q/{q.position}",
        data={
            "csrf_token": csrf,
            "had-answer": "0",
            "gap-1": choice_id(q, "Product Goal"),
            "gap-3": choice_id(q, "Velocity target"),
        },
    )
    client.post(f"/attempts/{attempt}/finish", data={"csrf_token": csrf})
    results = client.get(f"/attempts/{attempt}/results").text
    assert '<span class="gap-mark"><span class="sr-only">gap </span>1</span>' in results
    assert '<strong>Gap 1:</strong> Product Goal <span class="tag key">✓ yours too</span>' in (
        results
    )
    assert (
        '<strong>Gap 3:</strong> Sprint Goal<br><span class="meta">✗ you chose: Velocity target'
        in (results)
    )
    assert (
        '<strong>Gap 4:</strong> Definition of Done<br><span class="meta">The Definition of '
        "Done states the quality every Increment must meet.</span></li>"
    ) in results
    assert '<p class="meta"><strong>The other choices:</strong></p>' in results
    assert "Partly right (25% credit)" in results
    stems = re.findall(r'<span class="rq-stem">([^<]*)</span>', results)
    assert any("The Product Backlog serves the ___," in stem for stem in stems)
    assert not any("[[" in stem for stem in stems)
    assert "Velocity target: Velocity is a planning measure" in results


def test_practice_checks_a_gap_answer_at_once(client: TestClient, context: Pmpath) -> None:
    csrf = sign_up(client)
    started = client.post(
        "/practice", data={"csrf_token": csrf, "count": "2"}, follow_redirects=False
    )
    attempt = int(started.headers["location"].rsplit("/", 1)[1])
    q = question(context, attempt, "agile-902")
    checked = client.post(
        f"/attempts/{attempt}/q/{q.position}",
        data={"csrf_token": csrf, "gap-1": choice_id(q, "Sprint Retrospective")},
    )
    assert checked.status_code == 200
    assert "<span>Correct</span>" in checked.text
    assert '<select id="gap-1"' not in checked.text  # answered: no more lists
