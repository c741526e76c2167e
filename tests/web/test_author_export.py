"""The author's export page: what a file will hold, before the download."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pmpath.app import Pmpath
from tests.conftest import bundled_bank_size
from tests.web.test_author_pages import make, sign_in


def test_the_export_page_counts_what_the_file_holds_and_lists_what_is_left_out(
    client: TestClient, context: Pmpath
) -> None:
    make(context, "author@example.org", "author")
    sign_in(client, "author@example.org")
    banks = client.get("/author/banks")
    assert 'action="/author/banks/pm-core/export/report"' in banks.text
    assert '<option value="qti12">QTI 1.2 (Canvas)</option>' in banks.text
    report = client.get("/author/banks/pm-core/export/report", params={"format": "gift"})
    assert report.status_code == 200
    items, scenarios = bundled_bank_size()
    total = items + scenarios
    ordering = sum(1 for i in context.banks.open("pm-core").items if i.type.value == "ordering")
    assert f"{total - ordering} of {total} questions in the file" in report.text
    assert f"{ordering} questions:</strong> GIFT has no ordering questions: left out" in report.text
    assert 'href="/author/banks/pm-core/export?format=gift"' in report.text
    download = client.get("/author/banks/pm-core/export", params={"format": "gift"})
    assert download.status_code == 200
    assert (download.headers["x-pmpath-written"], download.headers["x-pmpath-left-out"]) == (
        str(total - ordering),
        str(ordering),
    )


def test_an_export_that_leaves_nothing_out_says_so(client: TestClient, context: Pmpath) -> None:
    make(context, "author@example.org", "author")
    sign_in(client, "author@example.org")
    report = client.get("/author/banks/pm-core/export/report", params={"format": "csv"})
    total = sum(bundled_bank_size())
    assert f"{total} of {total} questions in the file" in report.text
    assert "Nothing is left out." in report.text
    assert "None: everything the file holds means what it means in pmpath." in report.text
