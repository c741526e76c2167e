"""Bad packages: one clear error naming the file and the JSON path, and never anything else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmpath.errors import FormatError, Problem
from pmpath.formats.case import CaseImport, import_package
from pmpath.formats.safety import MAX_FILE_BYTES
from tests.formats.case.conftest import as_bytes, fixture_bytes


def refused(data: bytes, source: str = "bad.json") -> list[str]:
    with pytest.raises(FormatError) as caught:
        import_package(data, source)
    return [str(problem) for problem in caught.value.problems]


def skills() -> dict[str, Any]:
    value: dict[str, Any] = json.loads(fixture_bytes("skills-rubrics.json"))
    return value


def test_text_that_is_not_json() -> None:
    assert refused(b'{"CFDocument": {\n  "title": }') == [
        "bad.json:2: not JSON: Expecting value (column 12)"
    ]


def test_json_that_is_not_an_object() -> None:
    assert refused(b"[1, 2]") == [
        "bad.json: not a CASE package: the file holds a JSON array, not an object"
    ]


def test_an_object_without_a_document() -> None:
    (message,) = refused(b'{"CFItems": []}')
    assert message.startswith("bad.json: not a CASE package: the top level has no CFDocument")


def test_a_lone_cf_document_is_told_to_fetch_its_package() -> None:
    (message,) = refused(as_bytes({"identifier": "x", "CFPackageURI": {}}))
    assert "fetch its CFPackage" in message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda p: p["CFDocument"].pop("title"),
            "bad.json: CFDocument.title: title is required",
        ),
        (
            lambda p: p["CFItems"][2].pop("fullStatement"),
            "bad.json: CFItems[2].fullStatement: fullStatement is required",
        ),
        (
            lambda p: p["CFItems"][1].update(identifier=7),
            "bad.json: CFItems[1].identifier: must be a string, not a JSON number",
        ),
        (
            lambda p: p.update(CFItems={"a": 1}),
            "bad.json: CFItems: must be an array, not a JSON object",
        ),
        (
            lambda p: p["CFAssociations"][3].pop("originNodeURI"),
            "bad.json: CFAssociations[3].originNodeURI: originNodeURI is required",
        ),
        (
            lambda p: p["CFAssociations"][0].update(sequenceNumber="first"),
            "bad.json: CFAssociations[0].sequenceNumber: must be a number, not a JSON string",
        ),
        (
            lambda p: p["CFItems"][4].update(identifier=p["CFItems"][0]["identifier"]),
            "bad.json: CFItems[4].identifier: identifier "
            "'a1000000-0000-4000-8000-000000000003' is used twice",
        ),
    ],
)
def test_missing_and_mistyped_fields_are_named_by_path(edit: Any, expected: str) -> None:
    package = skills()
    edit(package)
    assert refused(as_bytes(package)) == [expected]


def test_an_association_to_nothing() -> None:
    package = skills()
    package["CFAssociations"][2]["destinationNodeURI"]["identifier"] = "no-such-item"
    assert refused(as_bytes(package)) == [
        "bad.json: CFAssociations[2].destinationNodeURI.identifier: names 'no-such-item', which "
        "is neither the CFDocument nor a CFItem of this package"
    ]


def test_a_rubric_criterion_for_an_item_that_is_not_there() -> None:
    package = skills()
    package["CFRubrics"][0]["CFRubricCriteria"][2]["CFItemURI"]["identifier"] = "gone"
    assert refused(as_bytes(package)) == [
        "bad.json: CFRubrics[0].CFRubricCriteria[2].CFItemURI.identifier: names 'gone', which "
        "is not a CFItem of this package"
    ]


def test_a_cycle_of_parents() -> None:
    package = skills()
    # "Working with data" (CFItems[2]) becomes a child of its own child "Finding data".
    package["CFAssociations"][0]["destinationNodeURI"]["identifier"] = package["CFItems"][0][
        "identifier"
    ]
    (message,) = refused(as_bytes(package))
    assert message.startswith("bad.json: CFAssociations[")
    assert "isChildOf associations form a cycle: " in message
    assert "Working with data" in message
    assert "Finding data" in message


def test_rubrics_with_different_numbers_of_levels() -> None:
    package = skills()
    del package["CFRubrics"][0]["CFRubricCriteria"][1]["CFRubricCriterionLevels"][3]
    (message,) = refused(as_bytes(package))
    assert message.startswith(
        "bad.json: CFRubrics[0].CFRubricCriteria[1].CFRubricCriterionLevels: this rubric "
        "criterion has 3 levels but the one of 'Finding data'"
    )


def test_an_extension_of_an_unknown_version(exported: dict[str, Any]) -> None:
    exported["extensions"]["pmpath"]["format"] = 99
    assert refused(as_bytes(exported)) == [
        "bad.json: extensions.pmpath.format: version 99 of pmpath's extension is not one this "
        "pmpath reads (it reads version 1)"
    ]


def test_a_broken_extension_is_reported_inside_it(exported: dict[str, Any]) -> None:
    exported["extensions"]["pmpath"]["framework"]["roles"][0]["stage"] = "nowhere"
    assert refused(as_bytes(exported)) == [
        "bad.json: extensions.pmpath.framework.roles[0].stage: unknown stage id 'nowhere'",
        # With no known stage the role is no longer an entry role, which the rules also say.
        "bad.json: extensions.pmpath.framework.roles[0].id: role 'product-associate' cannot be "
        "reached from any entry role (roles in stage 'entry'); add it to some role's next_roles",
    ]


def test_numbers_json_cannot_hold() -> None:
    package = skills()
    text = json.dumps(package).replace('"score": 0,', '"score": 1e999,', 1)
    (message,) = refused(text.encode())
    assert message.endswith("CFRubricCriterionLevels[1].score: is too large a number")
    (message,) = refused(b'{"CFDocument": NaN}')
    assert message == "bad.json: not JSON: NaN is not a JSON number"


def test_nesting_too_deep() -> None:
    (message,) = refused(b'{"CFDocument": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}")
    assert "nested" in message


def test_a_file_over_the_size_limit() -> None:
    (message,) = refused(b" " * (MAX_FILE_BYTES + 1))
    assert message == "bad.json: file is 50 MiB, more than the 50 MiB limit"


def test_bytes_that_are_not_text() -> None:
    (message,) = refused(b"\x00\x81\xff{")
    assert message.startswith("bad.json:1: is not UTF-8 text")


def only_clear_errors(data: bytes) -> None:
    """``import_package`` returns a result or raises FormatError located in the file."""
    problems: tuple[Problem, ...] = ()
    result: object = None
    try:
        result = import_package(data, "fuzz.json")
    except FormatError as exc:
        problems = exc.problems
    assert problems or isinstance(result, CaseImport)
    assert all(p.location.file == "fuzz.json" and p.message for p in problems)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "CFDocument",
                    "CFItems",
                    "CFAssociations",
                    "CFRubrics",
                    "CFRubricCriteria",
                    "CFRubricCriterionLevels",
                    "CFItemURI",
                    "originNodeURI",
                    "destinationNodeURI",
                    "identifier",
                    "title",
                    "fullStatement",
                    "associationType",
                    "score",
                    "position",
                    "extensions",
                    "pmpath",
                    "framework",
                    "format",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES)
def test_arbitrary_json_gives_a_result_or_a_clear_error(value: Any) -> None:
    only_clear_errors(json.dumps(value).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_give_a_result_or_a_clear_error(data: bytes) -> None:
    only_clear_errors(data)


PATHS = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=6)


def replace_one_value(root: Any, steps: list[int], replacement: Any) -> Any:
    """``root`` with the value at the end of the walk ``steps`` replaced."""
    holder: Any = root
    key: Any = sorted(root)[steps[0] % len(root)]
    for step in steps[1:]:
        value = holder[key]
        if isinstance(value, dict) and value:
            holder, key = value, sorted(value)[step % len(value)]
        elif isinstance(value, list) and value:
            holder, key = value, step % len(value)
        else:
            break
    holder[key] = replacement
    return root


@settings(max_examples=300, deadline=None)
@given(PATHS, JSON_VALUES)
def test_a_foreign_package_with_one_value_replaced_gives_a_result_or_a_clear_error(
    steps: list[int], replacement: Any
) -> None:
    # Deep inside a valid package, where a random document never reaches.
    only_clear_errors(json.dumps(replace_one_value(skills(), steps, replacement)).encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PATHS, JSON_VALUES)
def test_a_pmpath_package_with_one_value_replaced_gives_a_result_or_a_clear_error(
    steps: list[int], replacement: Any
) -> None:
    # The extension and the rubrics of pmpath's own packages, bent out of shape.
    only_clear_errors(json.dumps(replace_one_value(small_export(), steps, replacement)).encode())


def small_export() -> Any:
    """A pmpath package of docs/framework-format.md's small ladder: quick to read often."""
    from pmpath.formats.case import ExportOptions, package
    from pmpath.framework import parse_framework
    from tests.conftest import example_ladder_text
    from tests.formats.case.conftest import WHEN

    ladder = parse_framework(example_ladder_text(), "product-design.yaml")
    return package(ladder, ExportOptions(changed_at=WHEN))
