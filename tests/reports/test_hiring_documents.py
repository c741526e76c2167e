"""The job description and the interview kit as documents: CommonMark that parses into the
expected structure, and self-contained HTML with a print stylesheet, both escaping the ladder's
text."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pmpath.framework import Framework
from pmpath.reports.hiring import (
    interview_kit_markdown,
    job_description_markdown,
    md_block,
    render_interview_kit,
    render_job_description,
)
from pmpath.services import hiring
from tests.reports.conftest import BUNDLED, HOSTILE

PARSER = MarkdownIt("commonmark")


def plain(inline: Token) -> str:
    """What an inline token reads as: its text with the Markdown escapes resolved."""
    return "".join(child.content for child in inline.children or [])


def headings(text: str, level: int) -> list[str]:
    """The text of every heading of ``level`` in the Markdown ``text``, in order."""
    tokens = PARSER.parse(text)
    return [
        plain(tokens[n + 1])
        for n, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == f"h{level}"
    ]


def all_text(tokens: list[Token]) -> str:
    return " ".join(plain(t) for t in tokens if t.type == "inline")


def hostile_ladder() -> Framework:
    """The bundled ladder with markup in a role's summary and aliases and a competency's name."""
    data = BUNDLED.model_dump()
    for role in data["roles"]:
        if role["id"] == "product-manager":
            role.update(summary=f"1. {HOSTILE}", aliases=["*PM*", HOSTILE])
    data["competencies"][0]["name"] = "# Research_ `x` [link](http://e.org)"
    return Framework.model_validate(data)


def test_the_job_description_parses_into_its_sections() -> None:
    text = job_description_markdown(hiring.job_description(BUNDLED, "senior-product-manager"))
    assert headings(text, 1) == ["Senior Product Manager"]
    assert headings(text, 2) == ["What you will do", "How success is measured", "What we expect"]
    assert headings(text, 3) == ["Must-haves", "Also expected"]
    assert "Also advertised as: Senior PM, Product Manager III" in text


def test_the_job_description_lists_every_competency_once() -> None:
    data = hiring.job_description(BUNDLED, "product-manager")
    tokens = PARSER.parse(job_description_markdown(data))
    strong = [
        plain(tokens[n + 2]).split(": level")[0]
        for n, t in enumerate(tokens)
        if t.type == "list_item_open" and tokens[n + 2].content.startswith("**")
    ]
    assert strong == [row.name for row in data.expectations]


def test_the_interview_kit_parses_into_a_section_per_competency() -> None:
    kit = hiring.interview_kit(BUNDLED, "group-product-manager")
    text = interview_kit_markdown(kit)
    assert headings(text, 1) == ["Interview kit: Group Product Manager"]
    assert headings(text, 2) == [
        "How to use this kit",
        *[c.name + (" (must-have)" if c.must_have else "") for c in kit.competencies],
        "Not covered by these interviews",
    ]
    questions = [t for t in PARSER.parse(text) if t.type == "blockquote_open"]
    assert len(questions) == sum(len(c.questions) for c in kit.competencies)


def test_markdown_keeps_the_ladders_text_as_text() -> None:
    fw = hostile_ladder()
    text = job_description_markdown(hiring.job_description(fw, "product-manager"))
    tokens = PARSER.parse(text)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"html_block", "html_inline", "link_open", "code_inline"}
    assert f"1. {HOSTILE}" in all_text(tokens)
    assert "*PM*" in all_text(tokens)
    kit = interview_kit_markdown(hiring.interview_kit(fw, "product-manager", size=20))
    assert "# Research_ `x` [link](http://e.org) (must-have)" in headings(kit, 2)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("a *b* c", r"a \*b\* c"), ("# not a heading", r"\# not a heading"), ("1. x", r"1\. x")],
)
def test_text_that_would_become_markup_is_escaped(text: str, escaped: str) -> None:
    assert md_block(text) == escaped


@pytest.mark.parametrize(
    "html",
    [
        render_job_description(hiring.job_description(BUNDLED, "director-of-product-management")),
        render_interview_kit(hiring.interview_kit(BUNDLED, "director-of-product-management")),
    ],
    ids=["job-description", "interview-kit"],
)
def test_html_documents_print_and_need_nothing_from_outside(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert "@media print" in html
    assert "@page" in html
    assert "<script" not in html
    assert not re.search(r"(href|src)=", html)
    assert "Director of Product Management" in html


def test_html_escapes_the_ladders_text() -> None:
    fw = hostile_ladder()
    html = render_job_description(hiring.job_description(fw, "product-manager"))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; R&amp;D" in html
    assert "<b>bold</b>" not in html


def test_the_html_kit_shows_questions_strong_answers_and_red_flags() -> None:
    kit = hiring.interview_kit(BUNDLED, "principal-product-manager", size=2)
    html = render_interview_kit(kit)
    for comp in kit.competencies:
        for question in comp.questions:
            assert question.question.replace("'", "&#39;").replace('"', "&#34;") in html
        assert f"A strong answer at level {comp.level} shows:" in html
    assert html.count('class="flags"') == sum(
        1 for c in kit.competencies for q in c.questions if q.red_flags
    )
