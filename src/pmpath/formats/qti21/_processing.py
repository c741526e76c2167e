"""Response declarations and response processing: what an item declares correct and how it
maps answers to scores, the templates and the rules pmpath understands (:class:`Processing`);
and the one rule the writer spells out, setting the score."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from pmpath.formats.numbers import number_text
from pmpath.formats.qti21._tree import interactions_in, only_child
from pmpath.formats.qti21._vocabulary import MAP_RESPONSE, MATCH_CORRECT, RESPONSE, SCORE, SUPPORTED
from pmpath.formats.xmltext import local_name

if TYPE_CHECKING:
    from pmpath.formats.qti21._item_reading import ItemReader


@dataclass
class Declaration:
    identifier: str
    cardinality: str
    base_type: str
    correct: list[str]
    mapping: dict[str, float] | None
    case_sensitive: dict[str, bool]
    default: float
    lower: float | None
    upper: float | None


@dataclass
class Branch:
    """One ``responseIf``/``responseElseIf``/``responseElse`` testing the response's value."""

    key: str | None  # None: the responseElse, any other answer
    score: float | None = None
    feedback: list[tuple[str, str]] = field(default_factory=list)  # (outcome, identifier)
    tolerance: float | None = None
    case_sensitive: bool | None = None


@dataclass
class Processing:
    """What pmpath understood of an item's response processing."""

    present: bool = False
    template: str | None = None
    echo: set[str] = field(default_factory=set)  # outcomes set to the response itself
    branches: list[Branch] = field(default_factory=list)
    otherwise: Branch | None = None
    correct_feedback: list[tuple[str, str]] = field(default_factory=list)
    incorrect_feedback: list[tuple[str, str]] = field(default_factory=list)
    unconditional: list[tuple[str, str]] = field(default_factory=list)
    correct_score: float | None = None
    unknown: list[str] = field(default_factory=list)

    @property
    def scored_by_branches(self) -> bool:
        branches = [*self.branches, *([self.otherwise] if self.otherwise else [])]
        return any(branch.score is not None for branch in branches)

    def sets(self, outcome: str) -> set[str]:
        """The identifiers some rule may put into ``outcome``."""
        pairs = [
            *self.correct_feedback,
            *self.incorrect_feedback,
            *self.unconditional,
            *(pair for branch in self.branches for pair in branch.feedback),
            *(self.otherwise.feedback if self.otherwise else []),
        ]
        return {identifier for name, identifier in pairs if name == outcome}


def read_declaration(reader: ItemReader, element: Element) -> Declaration:
    """A ``responseDeclaration``: the correct response, the mapping and its bounds."""
    identifier = element.get("identifier")
    if not identifier:
        raise reader.fail("a responseDeclaration has no identifier")
    correct = [
        (value.text or "").strip()
        for child in element
        if local_name(child.tag) == "correctResponse"
        for value in child
        if local_name(value.tag) == "value"
    ]
    mapping_element = next((c for c in element if local_name(c.tag) == "mapping"), None)
    mapping: dict[str, float] | None = None
    case_sensitive: dict[str, bool] = {}
    default, lower, upper = 0.0, None, None
    if mapping_element is not None:
        mapping = {}
        for entry in mapping_element:
            if local_name(entry.tag) != "mapEntry":
                continue
            key = entry.get("mapKey")
            if key is None:
                raise reader.fail(f"a mapEntry of {identifier!r} has no mapKey")
            key = key.strip()
            mapping[key] = reader.number(entry.get("mappedValue"), "the mappedValue")
            # QTI 2.1 makes caseSensitive required; QTI 2.2 defaults it to true.
            case_sensitive[key] = entry.get("caseSensitive", "true").strip() != "false"
        default = reader.number(mapping_element.get("defaultValue", "0"), "the defaultValue")
        if mapping_element.get("lowerBound") is not None:
            lower = reader.number(mapping_element.get("lowerBound"), "the lowerBound")
        if mapping_element.get("upperBound") is not None:
            upper = reader.number(mapping_element.get("upperBound"), "the upperBound")
    return Declaration(
        identifier,
        element.get("cardinality", "single"),
        element.get("baseType", "identifier"),
        correct,
        mapping,
        case_sensitive,
        default,
        lower,
        upper,
    )


def response_processing(reader: ItemReader) -> Processing:
    """What the item's ``responseProcessing`` does, as far as pmpath understands it."""
    processing = Processing()
    element = next((c for c in reader.root if local_name(c.tag) == "responseProcessing"), None)
    if element is None:
        return processing
    processing.present = True
    template = element.get("template") or element.get("templateLocation")
    if template:
        name = template.rstrip("/").rsplit("/", 1)[-1].removesuffix(".xml")
        if name in (MATCH_CORRECT, MAP_RESPONSE):
            processing.template = name
        else:
            reader.warn(
                f"the response processing template {template!r} is not supported; "
                "the item is scored by its mapping or correct response"
            )
        return processing
    response = _response_id(reader)
    for rule in element:
        name = local_name(rule.tag)
        if name == "setOutcomeValue":
            _top_rule(reader, rule, response, processing)
        elif name == "responseCondition":
            _condition(reader, rule, response, processing)
        else:
            processing.unknown.append(name)
    return processing


def _response_id(reader: ItemReader) -> str:
    """The response the first supported interaction answers ("RESPONSE" as a rule)."""
    body = next((child for child in reader.root if local_name(child.tag) == "itemBody"), None)
    if body is None:
        return RESPONSE
    ids = [
        each.get("responseIdentifier", "")
        for each in interactions_in(body)
        if local_name(each.tag) in SUPPORTED
    ]
    return RESPONSE if RESPONSE in ids or not ids else ids[0]


def _top_rule(reader: ItemReader, rule: Element, response: str, processing: Processing) -> None:
    outcome = rule.get("identifier", "")
    expression = only_child(rule)
    kind = local_name(expression.tag) if expression is not None else ""
    if expression is not None and kind == "variable" and expression.get("identifier") == response:
        processing.echo.add(outcome)
    elif (
        expression is not None
        and kind == "mapResponse"
        and outcome == SCORE
        and expression.get("identifier") == response
    ):
        processing.template = MAP_RESPONSE
    elif (identifier := _identifier_value(expression, outcome)) is not None:
        processing.unconditional.append((outcome, identifier))
    else:
        processing.unknown.append(f"setOutcomeValue {outcome}")


def _condition(reader: ItemReader, rule: Element, response: str, processing: Processing) -> None:
    branches = [child for child in rule if local_name(child.tag).startswith("response")]
    chain = processing.branches
    for position, branch in enumerate(branches):
        kind = local_name(branch.tag)
        children = list(branch)
        if kind == "responseElse":
            test, actions = None, children
        elif children:
            test, actions = children[0], children[1:]
        else:
            processing.unknown.append(kind)
            return
        if test is not None and _is_null_test(test, response):
            continue  # the templates' "no answer scores 0"
        if test is not None and _is_correct_test(test, response):
            _correct_branch(reader, actions, processing, correct=True)
            if position + 1 < len(branches) and local_name(branches[-1].tag) == "responseElse":
                _correct_branch(reader, list(branches[-1]), processing, correct=False)
                if len(branches) > position + 2:
                    processing.unknown.append("responseElseIf")
            elif position + 1 < len(branches):
                processing.unknown.append("responseElseIf")
            return
        if test is None:
            if len(actions) == 1 and _maps_response(actions[0], response):
                processing.template = MAP_RESPONSE
                continue
            current = Branch(None)
        else:
            current_or_none = _value_test(reader, test, response)
            if current_or_none is None:
                processing.unknown.append(local_name(test.tag))
                return
            current = current_or_none
        for action in actions:
            if not _branch_action(reader, action, current):
                processing.unknown.append(local_name(action.tag))
        if current.key is None:
            processing.otherwise = current
        else:
            chain.append(current)


def _correct_branch(
    reader: ItemReader, actions: list[Element], processing: Processing, correct: bool
) -> None:
    if correct:
        processing.template = processing.template or MATCH_CORRECT
    for action in actions:
        outcome = action.get("identifier", "")
        expression = only_child(action)
        if local_name(action.tag) != "setOutcomeValue" or expression is None:
            processing.unknown.append(local_name(action.tag))
        elif outcome == SCORE:
            if correct and local_name(expression.tag) == "baseValue":
                processing.correct_score = reader.number(expression.text, "the score")
        elif (identifier := _identifier_value(expression, outcome)) is not None:
            target = processing.correct_feedback if correct else processing.incorrect_feedback
            target.append((outcome, identifier))
        else:
            processing.unknown.append(f"setOutcomeValue {outcome}")


def _value_test(reader: ItemReader, test: Element, response: str) -> Branch | None:
    """A branch for ``match``/``stringMatch``/``equal`` of the response and a value."""
    kind = local_name(test.tag)
    operands = list(test)
    if kind not in ("match", "stringMatch", "equal") or len(operands) != 2:
        return None
    variables = [o for o in operands if local_name(o.tag) == "variable"]
    values = [o for o in operands if local_name(o.tag) == "baseValue"]
    if len(variables) != 1 or len(values) != 1 or variables[0].get("identifier") != response:
        return None
    branch = Branch((values[0].text or "").strip())
    if kind == "stringMatch":
        branch.case_sensitive = test.get("caseSensitive", "true") != "false"
    elif kind == "match":
        branch.case_sensitive = True
        branch.tolerance = 0.0
    else:
        mode = test.get("toleranceMode", "exact")
        tolerances = (test.get("tolerance") or "0").split()
        low = reader.number(tolerances[0] if tolerances else "0", "the tolerance")
        high = reader.number(tolerances[1], "the tolerance") if len(tolerances) > 1 else low
        if low != high:
            reader.warn(
                f"the tolerance {number_text(low)} below and {number_text(high)} above is "
                f"kept as ±{number_text(max(low, high))}"
            )
        if mode == "exact":
            branch.tolerance = 0.0
        elif mode == "absolute":
            branch.tolerance = max(low, high)
        elif mode == "relative":
            centre = abs(reader.number(branch.key, "the value"))
            branch.tolerance = round(centre * max(low, high) / 100, 12)
            reader.warn(
                f"the relative tolerance {number_text(max(low, high))} % of {branch.key} is "
                f"kept as the absolute tolerance {number_text(branch.tolerance)}"
            )
        else:
            return None
    return branch


def _branch_action(reader: ItemReader, action: Element, branch: Branch) -> bool:
    if local_name(action.tag) != "setOutcomeValue":
        return False
    outcome = action.get("identifier", "")
    expression = only_child(action)
    if expression is None:
        return False
    if outcome == SCORE and local_name(expression.tag) == "baseValue":
        branch.score = reader.number(expression.text, "the score")
        return True
    identifier = _identifier_value(expression, outcome)
    if identifier is None:
        return False
    branch.feedback.append((outcome, identifier))
    return True


def _identifier_value(expression: Element | None, outcome: str) -> str | None:
    """The identifier an outcome is set to: a ``baseValue``, or ``multiple(variable, value)``."""
    if expression is None:
        return None
    if local_name(expression.tag) == "baseValue":
        return (expression.text or "").strip()
    if local_name(expression.tag) == "multiple":
        parts = list(expression)
        values = [p for p in parts if local_name(p.tag) == "baseValue"]
        others = [p for p in parts if local_name(p.tag) != "baseValue"]
        if len(values) == 1 and all(
            local_name(p.tag) == "variable" and p.get("identifier") == outcome for p in others
        ):
            return (values[0].text or "").strip()
    return None


def _is_null_test(test: Element, response: str) -> bool:
    operand = only_child(test)
    return (
        local_name(test.tag) == "isNull"
        and operand is not None
        and local_name(operand.tag) == "variable"
        and operand.get("identifier") == response
    )


def _is_correct_test(test: Element, response: str) -> bool:
    operands = list(test)
    return (
        local_name(test.tag) == "match"
        and len(operands) == 2
        and {local_name(o.tag) for o in operands} == {"variable", "correct"}
        and all(o.get("identifier") == response for o in operands)
    )


def _maps_response(action: Element, response: str) -> bool:
    expression = only_child(action)
    return (
        local_name(action.tag) == "setOutcomeValue"
        and action.get("identifier") == SCORE
        and expression is not None
        and local_name(expression.tag) == "mapResponse"
        and expression.get("identifier") == response
    )


def set_score(value: float) -> str:
    """The rule that sets ``SCORE`` to ``value``."""
    return (
        f'<setOutcomeValue identifier="{SCORE}">'
        f'<baseValue baseType="float">{number_text(value)}</baseValue></setOutcomeValue>'
    )
