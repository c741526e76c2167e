"""Gap items: a text with numbered gaps, each filled from a list of choices. Parsing (every
mistake with its line and field), scoring, storing, showing and linting."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmpath.errors import BankError, Problem, ResponseError
from pmpath.exams.authoring import parse_bank
from pmpath.exams.gaps import fill, placeholders, split_stem
from pmpath.exams.items import Gap, GapChoice, Item, ItemType
from pmpath.exams.lint import lint_bank
from pmpath.exams.scoring import correct_response, is_correct, score
from pmpath.exams.serialize import item_from_json, item_to_json
from pmpath.exams.shown import Shown
from pmpath.framework import Framework, bundled_framework_path, load_framework
from tests.conftest import line_number, replace_once

HEADER = """---
domain: delivery
name: Delivery
---
Delivery items.

---
id: delivery-001
type: gap
level: entry
difficulty: 2
competencies: [execution-excellence]
---
"""

#: One item with two lists: gaps 1 and 3 share the first, gap 2 has its own.
TWO_LISTS = """Complete the note on Scrum's commitments.

The Product Backlog serves the [[1]], which the Product Owner [[2]]; each Sprint has its
own [[3]].

- [1] Product Goal
  : The Product Goal is the long-term objective the Product Backlog serves.
- [3] Sprint Goal
  : The Sprint Goal is the single objective of one Sprint.
- [ ] Velocity target
  : Velocity is a planning measure, not a commitment.
Choices:
- [2] (reusable) is accountable for
  : The Product Owner is accountable for the Product Backlog, its goal included.
- [ ] delegates entirely
  : Accountability stays with the Product Owner even when work is delegated.

Explanation: Each artifact has one commitment; the Product Owner answers for the backlog.
"""


def item_of(body: str, fw: Framework) -> Item:
    [item] = parse_bank([("bank.md", HEADER + body)], fw, "test").items
    return item


def problems_of(body: str, fw: Framework) -> list[str]:
    """Each problem as 'line: field: message'."""
    with pytest.raises(BankError) as caught:
        parse_bank([("bank.md", HEADER + body)], fw, "test")
    return [str(problem.location).removeprefix("bank.md:") for problem in caught.value.problems]


def messages_of(body: str, fw: Framework) -> list[str]:
    with pytest.raises(BankError) as caught:
        parse_bank([("bank.md", HEADER + body)], fw, "test")
    return [f"{p.location}: {p.message}".removeprefix("bank.md:") for p in caught.value.problems]


def line(body: str, fragment: str, occurrence: int = 1) -> int:
    return line_number(HEADER + body, fragment, occurrence)


# -- parsing ------------------------------------------------------------------------------------


def test_gaps_choices_groups_and_reuse_are_read(fw: Framework) -> None:
    item = item_of(TWO_LISTS, fw)
    assert item.type is ItemType.GAP
    assert item.stem.startswith("Complete the note")
    assert "[[1]]" in item.stem
    assert item.gaps == (Gap(1, "a"), Gap(2, "d"), Gap(3, "b"))
    choices = [o for o in item.options if isinstance(o, GapChoice)]
    assert [(c.id, c.text, c.group, c.reusable, c.correct) for c in choices] == [
        ("a", "Product Goal", 1, False, True),
        ("b", "Sprint Goal", 1, False, True),
        ("c", "Velocity target", 1, False, False),
        ("d", "is accountable for", 2, True, True),
        ("e", "delegates entirely", 2, False, False),
    ]
    assert choices[2].rationale == "Velocity is a planning measure, not a commitment."
    assert [o.id for o in item.offered(item.gaps[0])] == ["a", "b", "c"]
    assert [o.id for o in item.offered(item.gaps[1])] == ["d", "e"]
    assert item.explanation.startswith("Each artifact has one commitment")


def test_a_leading_choices_line_starts_the_first_group(fw: Framework) -> None:
    body = TWO_LISTS.replace("- [1] Product Goal", "Choices:\n- [1] Product Goal", 1)
    assert [getattr(o, "group", None) for o in item_of(body, fw).options] == [1, 1, 1, 2, 2]


def test_a_reusable_choice_may_fill_two_gaps(fw: Framework) -> None:
    body = """Fill the gaps.

A [[1]] opens and a [[2]] closes; neither is a [[3]].

- [1, 2] (reusable) meeting
  : Both are meetings.
- [3] artifact
  : An artifact is a thing the team makes, not an event.
- [ ] role
  : Roles are people's accountabilities.

Explanation: Events are meetings.
"""
    item = item_of(body, fw)
    assert item.gaps == (Gap(1, "a"), Gap(2, "a"), Gap(3, "b"))
    assert score(item, {"1": "a", "2": "a", "3": "b"}) == 1.0


BAD_CASES = {
    "a placeholder with no right choice": (
        TWO_LISTS.replace("- [3] Sprint Goal", "- [ ] Sprint Goal"),
        ("own [[3]]", "[[3]]", "gap [[3]] has no right choice: mark one as '- [3] text'"),
    ),
    "a choice for a gap the stem lacks": (
        TWO_LISTS.replace("- [ ] Velocity target", "- [4] Velocity target"),
        (
            "- [4] Velocity target",
            "choices[2]",
            "marks gap [[4]], but the stem has no [[4]]",
        ),
    ),
    "two right choices for one gap": (
        TWO_LISTS.replace("- [ ] Velocity target", "- [1] Velocity target"),
        (
            "- [1] Velocity target",
            "choices[2]",
            "gap [[1]] already has its right choice (line {first}): a gap has one",
        ),
    ),
    "a once-only choice for two gaps": (
        TWO_LISTS.replace("- [3] Sprint Goal", "- [1, 3] Sprint Goal").replace(
            "- [1] Product Goal", "- [ ] Product Goal"
        ),
        (
            "- [1, 3] Sprint Goal",
            "choices[1]",
            "a choice fills one gap unless it is marked '(reusable)', as in "
            "'- [1, 3] (reusable) Sprint Goal'",
        ),
    ),
    "a group of one choice": (
        TWO_LISTS.replace(
            "- [ ] delegates entirely\n  : Accountability stays with the Product Owner even "
            "when work is delegated.\n",
            "",
        ),
        (
            "- [2] (reusable) is accountable",
            "choices[3]",
            "group 2 has 1 choice: a gap offers 2 or more to choose from",
        ),
    ),
    "a group no gap offers": (
        TWO_LISTS.replace("- [2] (reusable) is", "- [ ] is").replace(
            "the Product Owner [[2]]", "the Product Owner"
        ),
        (
            "- [ ] is accountable",
            "choices[3]",
            "group 2 is the right choice of no gap, so its choices would never be offered: "
            "mark the gap each fills, or remove them",
        ),
    ),
    "the same choice twice in a group": (
        TWO_LISTS.replace("- [ ] Velocity target", "- [ ] product goal"),
        (
            "- [ ] product goal",
            "choices[2]",
            "the choice 'product goal' is already in its group (line {first})",
        ),
    ),
    "a stem without gaps": (
        TWO_LISTS.replace("[[1]]", "goal").replace("[[2]]", "owns").replace("[[3]]", "goal"),
        (
            "Complete the note",
            "stem",
            "a gap item's stem marks its gaps [[1]], [[2]], ... where the choices go",
        ),
    ),
    "gaps out of order": (
        TWO_LISTS.replace("[[1]]", "[[9]]", 1),
        (
            "serves the [[9]]",
            "[[9]]",
            "the gaps are numbered 1, 2, 3, ... in the order they appear: [[1]] should come "
            "here, not [[9]]",
        ),
    ),
    "a gap written twice": (
        TWO_LISTS.replace("own [[3]]", "own [[2]]"),
        (
            "own [[2]]",
            "[[2]]",
            "gap [[2]] is in the stem twice (first on line {first}); each gap is written once",
        ),
    ),
    "a leading zero": (
        TWO_LISTS.replace("[[1]]", "[[01]]", 1),
        ("serves the [[01]]", "[[01]]", "gaps are numbered 1, 2, 3, ... without leading zeros"),
    ),
    "a mark that is not a gap number": (
        TWO_LISTS.replace("- [ ] Velocity target", "- [x] Velocity target"),
        (
            "- [x] Velocity target",
            "choices[2]",
            "'[x]': mark a choice with the gaps it fills, as '[1]' or '[1, 3]', or '[ ]' when "
            "it fills none",
        ),
    ),
    "a choice without a rationale": (
        TWO_LISTS.replace("  : Velocity is a planning measure, not a commitment.\n", ""),
        (
            "- [ ] Velocity target",
            "choices[2]",
            "a choice needs a rationale on the next line, indented and starting with ': '",
        ),
    ),
    "a choice without text": (
        TWO_LISTS.replace("- [ ] Velocity target", "- [ ]  "),
        ("- [ ]  ", "choices[2]", "the choice has no text"),
    ),
    "a stray line among the choices": (
        TWO_LISTS.replace("Choices:\n", "Pick one:\n"),
        (
            "Pick one:",
            "choices[3]",
            "expected a choice '- [1] text' (or '- [ ] text' for one that fills no gap) or a "
            "'Choices:' line, got 'Pick one:'",
        ),
    ),
    "an empty group": (
        TWO_LISTS.replace("Choices:\n", "Choices:\nChoices:\n"),
        ("Choices:", "", "a 'Choices:' line starts a group, but no choices follow it"),
    ),
}


@pytest.mark.parametrize("case", BAD_CASES, ids=list(BAD_CASES))
def test_each_mistake_is_reported_with_its_line_and_field(case: str, fw: Framework) -> None:
    body, (fragment, field, message) = BAD_CASES[case]
    first_mentioned = {
        "two right choices for one gap": "- [1] Product Goal",
        "the same choice twice in a group": "- [1] Product Goal",
        "a gap written twice": "the Product Owner [[2]]",
    }
    first = line(body, first_mentioned[case]) if case in first_mentioned else None
    where = f"{line(body, fragment)}: {field}: " if field else f"{line(body, fragment)}: "
    assert where + message.format(first=first) in messages_of(body, fw)


def test_every_mistake_of_an_item_is_reported_at_once(fw: Framework) -> None:
    body = TWO_LISTS.replace("- [ ] Velocity target", "- [4] Velocity target").replace(
        "- [3] Sprint Goal", "- [ ] Sprint Goal"
    )
    assert problems_of(body, fw) == [  # in the order of their lines
        f"{line(body, 'own [[3]]')}: [[3]]",
        f"{line(body, '- [4] Velocity')}: choices[2]",
    ]


def test_too_many_choices(fw: Framework) -> None:
    distractors = "".join(f"- [ ] choice {n}\n  : Why not {n}.\n" for n in range(26))
    body = TWO_LISTS.replace("Choices:\n", distractors + "Choices:\n")
    assert any("a gap item has at most 26 choices" in m for m in messages_of(body, fw))


def test_a_gap_item_needs_its_explanation(fw: Framework) -> None:
    body = TWO_LISTS.split("\nExplanation:")[0] + "\n"
    assert messages_of(body, fw) == [
        f"{line(body, 'id: delivery-001')}: the item needs an 'Explanation:' of its key"
    ]


FRAMEWORK = load_framework(bundled_framework_path())
#: Text that is mostly the format's own pieces, so that near-misses of every rule come up.
_PIECES = [*list("ab [],:()-123\n"), "[[1]]", "[[2]]", "[[0]]", "[[01]]", "Choices:", "- [1] "]
_WORDS = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=20).map("".join), st.text(max_size=40)
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    stem=_WORDS,
    choices=st.lists(
        st.tuples(st.text(alphabet="123 ,x[]", max_size=6), _WORDS, st.booleans(), st.booleans()),
        max_size=6,
    ),
)
def test_arbitrary_stems_and_choices_give_a_gap_item_or_located_errors(
    stem: str, choices: list[tuple[str, str, bool, bool]]
) -> None:
    lines = [
        f"- [{marks}] {'(reusable) ' if reusable else ''}{text}"
        for marks, text, reusable, _ in choices
    ]
    lines = [
        line + ("\n  : Why." if with_rationale else "")
        for line, (_, _, _, with_rationale) in zip(lines, choices, strict=True)
    ]
    body = stem + "\n\n" + "\n".join(lines) + "\n\nExplanation: Because.\n"
    problems: tuple[Problem, ...] = ()
    try:
        parse_bank([("x.md", HEADER + body)], FRAMEWORK, "x")
    except BankError as exc:
        problems = exc.problems
    assert all(p.location.file == "x.md" and p.location.line for p in problems)


# -- the stem -----------------------------------------------------------------------------------


def test_a_stem_splits_into_text_and_gap_numbers() -> None:
    stem = "The [[1]] is [[2]]."
    assert placeholders(stem) == [1, 2]
    assert split_stem(stem) == ["The ", 1, " is ", 2, "."]
    assert fill(stem, lambda n: f"<{n}>") == "The <1> is <2>."


# -- scoring ------------------------------------------------------------------------------------


@pytest.fixture
def two_lists(fw: Framework) -> Item:
    return item_of(TWO_LISTS, fw)


def test_credit_is_the_share_of_gaps_filled_right(two_lists: Item) -> None:
    assert correct_response(two_lists) == {"1": "a", "2": "d", "3": "b"}
    assert is_correct(two_lists, {"1": "a", "2": "d", "3": "b"})
    assert score(two_lists, {"1": "a", "2": "e", "3": "b"}) == pytest.approx(2 / 3)
    assert score(two_lists, {"1": "b", "2": "e", "3": "a"}) == 0.0


def test_a_gap_left_empty_counts_as_wrong(two_lists: Item) -> None:
    assert score(two_lists, {"2": "d"}) == pytest.approx(1 / 3)
    assert score(two_lists, {}) == 0.0


def test_a_once_only_choice_picked_twice_earns_once(two_lists: Item) -> None:
    # "Product Goal" (a) is right at gap 1 only: picked at gaps 1 and 3, one of them is wrong.
    assert score(two_lists, {"1": "a", "2": "d", "3": "a"}) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ({"2": "a"}, "the answer names a choice that gap 2 does not offer"),
        ({"4": "a"}, "fill the 3 gaps, each with one of its choices"),
        ({"1": 3}, "fill the 3 gaps, each with one of its choices"),
        (["a", "d", "b"], "fill the 3 gaps, each with one of its choices"),
        ("a", "fill the 3 gaps, each with one of its choices"),
    ],
)
def test_a_response_of_the_wrong_shape_is_refused(
    two_lists: Item, response: object, message: str
) -> None:
    with pytest.raises(ResponseError, match=message):
        score(two_lists, response)


# -- storing and showing ------------------------------------------------------------------------


def test_a_gap_item_is_stored_and_read_back_unchanged(two_lists: Item) -> None:
    stored = json.loads(json.dumps(item_to_json(two_lists)))
    assert item_from_json(stored) == two_lists
    assert all(isinstance(o, GapChoice) for o in item_from_json(stored).options)


def test_other_items_are_stored_without_gaps(bank_text: str, fw: Framework) -> None:
    bank = parse_bank([("sample.md", bank_text)], fw, "sample")
    single = bank.items[0]
    assert "gaps" not in item_to_json(single)
    assert item_from_json(item_to_json(single)) == single


def test_a_sitting_shows_choices_under_public_letters(two_lists: Item) -> None:
    shown = Shown(two_lists, ("e", "c", "a", "d", "b"))
    assert shown.response_in({"1": "C", "2": "d", "3": "e"}) == {"1": "a", "2": "d", "3": "b"}
    assert shown.response_out({"1": "a", "2": "d", "3": "b"}) == {"1": "c", "2": "d", "3": "e"}
    with pytest.raises(ResponseError, match="not one of the options shown"):
        shown.response_in({"1": "z"})


# -- lint ---------------------------------------------------------------------------------------


def test_lint_warns_when_a_list_offers_only_its_right_choices(fw: Framework) -> None:
    body = replace_once(
        TWO_LISTS,
        "- [ ] Velocity target\n  : Velocity is a planning measure, not a commitment.\n",
        "",
    )
    bank = parse_bank([("bank.md", HEADER + body)], fw, "test")
    findings = [f for f in lint_bank(bank) if f.code == "gap-no-distractor"]
    assert [(f.severity, f.location.line, f.message) for f in findings] == [
        (
            "warning",
            line(body, "id: delivery-001"),
            "gaps [[1]], [[3]] offer only their 2 right choices, so the last one is found by "
            "elimination; add a plausible choice that fills none of them",
        )
    ]


def test_lint_is_quiet_about_lists_with_a_distractor(two_lists: Item, fw: Framework) -> None:
    bank = parse_bank([("bank.md", HEADER + TWO_LISTS)], fw, "test")
    assert not [f for f in lint_bank(bank) if f.code == "gap-no-distractor"]
