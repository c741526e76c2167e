"""Every form shows all its errors at once: a summary at the top linking to each field, each
message under its field (tied by aria-describedby, the field marked aria-invalid), and what
was typed kept (never a password)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.web.conftest import PASSWORD, csrf_of, sign_up
from tests.web.conftest import sign_in as web_sign_in

FIXTURES = Path(__file__).resolve().parents[1] / "formats" / "fixtures"
#: A GIFT file whose preview has 5 warnings (no explanation x3, two partial weights dropped).
WARNED = FIXTURES / "gift" / "multichoice.gift"


def summary_links(html: str) -> list[str]:
    """The fields the error summary links to, in order."""
    box = re.search(
        r'<div class="alert alert-error error-summary" role="alert".*?</div>', html, re.S
    )
    assert box, "no error summary"
    return re.findall(r'<a href="#([^"]+)">', box.group(0))


def field_tag(html: str, field: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field}"[^>]*>', html)
    assert match, f"no field {field}"
    return match.group(0)


def assert_field_error(html: str, field: str, words: str) -> None:
    """The field is invalid, described by its message, and the message says ``words``."""
    tag = field_tag(html, field)
    assert 'aria-invalid="true"' in tag, tag
    assert f'aria-describedby="{field}-error' in tag, tag
    message = re.search(rf'<p id="{field}-error" class="field-error">(.*?)</p>', html, re.S)
    assert message, f"no message under {field}"
    assert words in message.group(1), message.group(1)


# -- sign-up -------------------------------------------------------------------------------------


def test_sign_up_shows_every_error_at_once_and_keeps_what_was_typed(client: TestClient) -> None:
    form = csrf_of(client.get("/signup").text)
    response = client.post(
        "/signup",
        data={"csrf_token": form, "email": "ana-at-example", "name": "", "password": "short"},
    )
    assert response.status_code == 422
    html = response.text
    assert summary_links(html) == ["email", "name", "password"]
    assert_field_error(html, "email", "Enter a valid email address")
    assert_field_error(html, "name", "Enter your name")
    assert_field_error(html, "password", "at least 10 characters")
    assert 'value="ana-at-example"' in field_tag(html, "email")
    assert "value=" not in field_tag(html, "password")  # a password is never sent back
    assert "<title>Error: Sign up" in html


def test_sign_up_keeps_the_name_when_only_the_password_is_weak(client: TestClient) -> None:
    form = csrf_of(client.get("/signup").text)
    html = client.post(
        "/signup",
        data={
            "csrf_token": form,
            "email": "ana@example.org",
            "name": "Ana Lima",
            "password": "1234567890",
        },
    ).text
    assert summary_links(html) == ["password"]
    assert 'value="Ana Lima"' in field_tag(html, "name")
    assert 'value="ana@example.org"' in field_tag(html, "email")
    assert "aria-invalid" not in field_tag(html, "email")
    # The hint stays tied to the field beside the error.
    assert 'aria-describedby="password-error password-hint"' in field_tag(html, "password")


# -- sign-in -------------------------------------------------------------------------------------


def test_sign_in_with_empty_fields_names_both(client: TestClient) -> None:
    form = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"csrf_token": form, "email": "", "password": ""})
    assert response.status_code == 422
    assert summary_links(response.text) == ["email", "password"]
    assert_field_error(response.text, "email", "Enter your email address")
    assert_field_error(response.text, "password", "Enter your password")


def test_a_wrong_password_is_summarised_and_the_email_kept(client: TestClient) -> None:
    sign_up(client)
    client.cookies.clear()
    response = web_sign_in(client, "ana@example.org", "not-the-password")
    assert response.status_code == 401
    assert "Wrong email or password" in response.text
    assert 'value="ana@example.org"' in field_tag(response.text, "email")
    assert "value=" not in field_tag(response.text, "password")


# -- the account page ----------------------------------------------------------------------------


def test_change_password_shows_a_wrong_current_and_a_weak_new_password_together(
    client: TestClient,
) -> None:
    csrf = sign_up(client)
    response = client.post(
        "/account/password",
        data={"csrf_token": csrf, "current_password": "wrong", "new_password": "1234567890"},
    )
    assert response.status_code == 422
    assert summary_links(response.text) == ["current_password", "new_password"]
    assert_field_error(response.text, "current_password", "The current password is wrong")
    assert_field_error(response.text, "new_password", "Choose a stronger password")
    assert "value=" not in field_tag(response.text, "current_password")
    # Nothing changed: the old password still signs in.
    client.cookies.clear()
    assert web_sign_in(client, "ana@example.org", PASSWORD).status_code == 303


def test_change_password_with_empty_fields_names_both(client: TestClient) -> None:
    csrf = sign_up(client)
    response = client.post(
        "/account/password",
        data={"csrf_token": csrf, "current_password": "", "new_password": ""},
    )
    assert response.status_code == 422
    assert summary_links(response.text) == ["current_password", "new_password"]


def test_a_refused_token_form_keeps_its_choices(client: TestClient) -> None:
    csrf = sign_up(client)
    response = client.post(
        "/account/tokens",
        data={"csrf_token": csrf, "name": "", "access": "read", "days": "12"},
    )
    assert response.status_code == 422
    html = response.text
    assert summary_links(html) == ["token-name", "token-days"]
    assert_field_error(html, "token-name", "Give the token a name")
    assert_field_error(html, "token-days", "Choose when the token expires")
    assert re.search(r'id="access-read"[^>]*checked', html)
    assert 'id="new-token"' not in html
    assert client.get("/account").text.count("Revoke the token") == 0


def test_a_token_form_keeps_a_long_name_and_says_why(client: TestClient) -> None:
    csrf = sign_up(client)
    name = "n" * 101
    response = client.post("/account/tokens", data={"csrf_token": csrf, "name": name, "days": "30"})
    assert response.status_code == 422
    assert_field_error(response.text, "token-name", "100 characters")
    assert f'value="{name}"' in field_tag(response.text, "token-name")
    assert re.search(r'<option value="30" selected>', response.text)


# -- the assessment intake -----------------------------------------------------------------------


def test_the_intake_shows_every_error_and_keeps_the_choices(client: TestClient) -> None:
    csrf = sign_up(client)
    response = client.post(
        "/assess",
        data={
            "csrf_token": csrf,
            "current_role": "no-such-role",
            "background": "design",
            "years": "lots",
            "interests": ["customer-problems", "no-such-interest"],
        },
    )
    assert response.status_code == 422
    html = response.text
    links = summary_links(html)
    assert links[:2] == ["current_role", "years"]
    assert links[2].startswith("interest-")
    assert_field_error(html, "current_role", "Choose your current role")
    assert_field_error(html, "years", "a number from 0 to 60")
    assert 'value="lots"' in field_tag(html, "years")
    assert re.search(r'<option value="design" selected>', html)
    assert re.search(r'id="interest-customer-problems"[^>]*checked', html)


# -- the import page -----------------------------------------------------------------------------


def author(client: TestClient, context: Pmpath) -> str:
    context.accounts.sign_up("ada@example.org", "Ada", PASSWORD, role="author")
    client.cookies.clear()
    assert web_sign_in(client, "ada@example.org").status_code == 303
    return csrf_of(client.get("/account").text)


def test_the_import_form_names_every_bad_field_and_keeps_the_rest(
    client: TestClient, context: Pmpath
) -> None:
    csrf = author(client, context)
    response = client.post(
        "/author/import",
        data={"csrf_token": csrf, "bank": "Team quiz", "level": "nowhere", "format": "word"},
    )
    assert response.status_code == 422
    html = response.text
    assert summary_links(html) == ["upload", "level", "format"]
    assert_field_error(html, "upload", "Choose a file to import")
    assert_field_error(html, "level", "Choose a level")
    assert_field_error(html, "format", "Choose a format")
    assert 'value="Team quiz"' in field_tag(html, "bank")


def test_an_unreadable_file_is_explained_under_the_file_field(
    client: TestClient, context: Pmpath
) -> None:
    csrf = author(client, context)
    bad = (FIXTURES / "aiken" / "errors" / "missing_answer.txt").read_bytes()
    response = client.post(
        "/author/import",
        data={"csrf_token": csrf, "bank": "Team quiz", "level": "entry", "format": "aiken"},
        files={"upload": ("missing_answer.txt", bad, "text/plain")},
    )
    assert response.status_code == 422
    assert summary_links(response.text) == ["upload"]
    assert_field_error(response.text, "upload", "Line 5 of missing_answer.txt: missing ANSWER line")
    assert 'value="Team quiz"' in field_tag(response.text, "bank")
    assert re.search(r'<option value="aiken" selected>', response.text)


def preview(client: TestClient, csrf: str, bank: str = "Team quiz") -> str:
    response = client.post(
        "/author/import",
        data={"csrf_token": csrf, "bank": bank, "level": "entry"},
        files={"upload": ("multichoice.gift", WARNED.read_bytes(), "text/plain")},
    )
    assert response.status_code == 200, response.text
    return response.text


def commit(client: TestClient, csrf: str, html: str, **more: str) -> str:
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    fields.update(csrf_token=csrf, commit="1", **more)
    response = client.post("/author/import", data=fields)
    return response.text


def test_the_result_of_an_import_agrees_with_its_preview(
    client: TestClient, context: Pmpath
) -> None:
    # The result used to be the item-writing check of the new bank, whose "0 warnings"
    # contradicted the preview's 5 import warnings.
    count = 5
    csrf = author(client, context)
    shown = preview(client, csrf)
    assert f"<h3>{count} warnings</h3>" in shown
    result = commit(client, csrf, shown)  # redirected to the result page (Post/Redirect/Get)
    said = " ".join(result.split())
    assert "Imported 4 questions into “Team quiz” from multichoice.gift (GIFT)" in said
    assert f"with {count} warnings, as the preview showed." in said
    assert [b.name for b in context.banks.listing().banks] == ["Team quiz"]


def test_importing_over_a_bank_asks_to_replace_it_beside_the_checkbox(
    client: TestClient, context: Pmpath
) -> None:
    csrf = author(client, context)
    commit(client, csrf, preview(client, csrf))
    again = preview(client, csrf)
    html = commit(client, csrf, again)
    assert summary_links(html) == ["replace"]
    assert_field_error(html, "replace", "exists already")
    assert "--replace" not in html  # the command line's words stay on the command line
    assert "Preview: 4 questions" in html  # the preview is still there to confirm
    replaced = commit(client, csrf, again, replace="1")
    assert "Imported 4 questions" in replaced
