"""Interview questions in the framework file: the optional field, its rules, and the bundled
ladder's set (three per competency, a strong answer for every level from 2 up)."""

from __future__ import annotations

import re

import pytest

from pmpath.errors import FrameworkError
from pmpath.framework import Framework, bundled_framework_path, load_framework, parse_framework
from pmpath.framework.model import QuestionKind
from tests.conftest import DOCS, line_number, replace_once

QUESTION = """    interview_questions:
      - question: Tell me about a usability test you ran.
        kind: behavioural
        strong_answer:
          2: Planned and ran it alone, and changed the flow because of it.
          {level}: Made research part of how the area decides.
        red_flags:
          - Only tested with colleagues.
"""


def with_question(ladder_text: str, level: int) -> str:
    """The documented ladder with one question on its research competency."""
    return replace_once(
        ladder_text,
        "      4: Builds the research practice of the organisation.\n",
        "      4: Builds the research practice of the organisation.\n"
        + QUESTION.format(level=level),
    )


@pytest.fixture(scope="module")
def bundled() -> Framework:
    return load_framework(bundled_framework_path())


def test_a_ladder_without_questions_is_valid_and_has_none(ladder_text: str) -> None:
    framework = parse_framework(ladder_text, "ladder.yaml")
    assert all(comp.interview_questions == [] for comp in framework.competencies)


def test_a_question_is_read_with_its_strong_answers_by_level(ladder_text: str) -> None:
    framework = parse_framework(with_question(ladder_text, 3), "ladder.yaml")
    [question] = framework.competency("research").interview_questions
    assert question.kind is QuestionKind.BEHAVIOURAL
    assert sorted(question.strong_answer) == [2, 3]
    assert question.red_flags == ["Only tested with colleagues."]


def test_a_strong_answer_for_a_level_outside_the_scale_is_refused_at_its_line(
    ladder_text: str,
) -> None:
    text = with_question(ladder_text, 7)
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text, "ladder.yaml")
    [problem] = caught.value.problems
    assert problem.message == "level 7 is outside the scale (1-4)"
    assert problem.location.field_path == (
        "competencies",
        1,
        "interview_questions",
        0,
        "strong_answer",
        7,
    )
    assert problem.location.line == line_number(text, "7: Made research part")


def test_a_question_without_strong_answers_is_refused(ladder_text: str) -> None:
    text = replace_once(
        with_question(ladder_text, 3),
        "        strong_answer:\n          2: Planned and ran it alone, and changed the flow "
        "because of it.\n          3: Made research part of how the area decides.\n",
        "        strong_answer: {}\n",
    )
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text, "ladder.yaml")
    assert "strong_answer" in str(caught.value)


def test_an_unknown_kind_is_refused(ladder_text: str) -> None:
    text = replace_once(with_question(ladder_text, 3), "kind: behavioural", "kind: riddle")
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text, "ladder.yaml")
    assert "behavioural" in str(caught.value)
    assert "work-sample" in str(caught.value)


def test_every_bundled_competency_has_three_questions(bundled: Framework) -> None:
    counts = {comp.id: len(comp.interview_questions) for comp in bundled.competencies}
    assert set(counts.values()) == {3}, counts


def test_every_bundled_question_says_what_a_strong_answer_shows_from_level_2_up(
    bundled: Framework,
) -> None:
    top = len(bundled.scale)
    for comp in bundled.competencies:
        for question in comp.interview_questions:
            assert sorted(question.strong_answer) == list(range(2, top + 1)), question.question
            assert 1 <= len(question.red_flags) <= 2, question.question


def test_bundled_questions_ask_for_past_behaviour_or_set_a_work_sample(
    bundled: Framework,
) -> None:
    for comp in bundled.competencies:
        kinds = {q.kind for q in comp.interview_questions}
        assert QuestionKind.BEHAVIOURAL in kinds, comp.id
        for question in comp.interview_questions:
            if question.kind is QuestionKind.BEHAVIOURAL:
                assert question.question.startswith(("Tell me about", "How do you")), (
                    question.question
                )


def test_no_two_bundled_questions_are_the_same(bundled: Framework) -> None:
    asked = [q.question for comp in bundled.competencies for q in comp.interview_questions]
    assert len(asked) == len(set(asked)) == 60


def test_the_documented_example_question_is_valid(ladder_text: str) -> None:
    page = (DOCS / "framework-format.md").read_text(encoding="utf-8")
    section = page.split("### `interview_questions`", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match, "docs/framework-format.md lost its example question"
    text = replace_once(
        ladder_text,
        "      4: Builds the research practice of the organisation.\n",
        "      4: Builds the research practice of the organisation.\n" + match.group(1),
    )
    [question] = parse_framework(text, "ladder.yaml").competency("research").interview_questions
    assert sorted(question.strong_answer) == [2, 3]
