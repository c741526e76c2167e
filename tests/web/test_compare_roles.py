"""Compare roles (/diff): both roles' expected levels side by side, each change told in the
framework's words, and the path between them as linked role names."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from pmpath.app import Pmpath


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def visible(page: str) -> str:
    return text_of(page.split("<main", 1)[1].split("</main>", 1)[0])


def rows(page: str) -> dict[str, list[str]]:
    """The comparison table: competency name -> its cells as text."""
    found = {}
    for name, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', page, re.S):
        texts = re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        found[html.unescape(name)] = [text_of(t) for t in texts]
    return found


def compare(client: TestClient, start: str, goal: str) -> str:
    response = client.get("/diff", params={"start": start, "goal": goal})
    assert response.status_code == 200
    return response.text


def test_every_expected_competency_is_listed_with_both_levels(
    client: TestClient, context: Pmpath
) -> None:
    fw = context.framework
    start, goal = fw.role("associate-product-manager"), fw.role("senior-product-manager")

    table = rows(compare(client, start.id, goal.id))

    assert len(table) == len(goal.expectations)
    for competency_id, expectation in goal.expectations.items():
        name = fw.competency(competency_id).name
        before = start.expectations[competency_id].level
        assert table[name][0] == f"{before} {fw.scale_name(before)}"
        assert table[name][1] == f"{expectation.level} {fw.scale_name(expectation.level)}"


def test_a_rising_level_is_told_in_the_framework_words(client: TestClient, context: Pmpath) -> None:
    fw = context.framework
    start, goal = fw.role("associate-product-manager"), fw.role("senior-product-manager")
    rising = next(
        c for c, e in goal.expectations.items() if e.level == start.expectations[c].level + 1
    )
    competency = fw.competency(rising)
    behaviour = competency.behaviours[goal.expectations[rising].level]

    change = rows(compare(client, start.id, goal.id))[competency.name][2]

    assert change.startswith("▲ 1 level higher ")
    assert behaviour.split(". ")[0] in change


def test_an_unchanged_level_says_so(client: TestClient, context: Pmpath) -> None:
    fw = context.framework
    start, goal = fw.role("associate-product-manager"), fw.role("senior-product-manager")
    same = next(c for c, e in goal.expectations.items() if e.level == start.expectations[c].level)

    table = rows(compare(client, start.id, goal.id))

    assert table[fw.competency(same).name][2] == "Same level"


def test_the_path_is_role_names_linking_to_their_pages(client: TestClient, context: Pmpath) -> None:
    page = compare(client, "associate-product-manager", "senior-product-manager")

    steps = re.search(r'<ol class="path-steps">(.*?)</ol>', page, re.S)
    assert steps
    links = re.findall(r'<a href="/roles/([a-z-]+)">([^<]+)</a>', steps.group(1))

    assert links == [
        ("associate-product-manager", "Associate Product Manager"),
        ("product-manager", "Product Manager"),
        ("senior-product-manager", "Senior Product Manager"),
    ]
    assert "The shortest path takes 2 steps" in visible(page)


def test_roles_no_path_joins_still_compare(client: TestClient) -> None:
    page = compare(client, "senior-product-manager", "associate-product-manager")

    assert "No path of next-role steps leads from Senior Product Manager" in visible(page)
    assert rows(page)


def test_the_comparison_shows_names_not_ids(client: TestClient, context: Pmpath) -> None:
    text = visible(compare(client, "associate-product-manager", "senior-product-manager"))

    ids = {c.id for c in context.framework.competencies if "-" in c.id}
    ids |= {r.id for r in context.framework.roles}
    assert not [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
