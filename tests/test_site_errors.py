"""Every error page of the public site in the reader's language, inside our frame, with its
status, never a traceback (issue 13, point 3): Datasette's 404s for an unknown table,
database, row or URL, its 400s and 500s. In-process Datasette over a copy of the demo archive."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from datasette.utils.asgi import Request
from lxml import html

from archive import error_text

from .site_support import Site, get, module_site

ENGLISH = ("Error", "not found", "Not Found", "Traceback", "Cannot sort", "must be")


site = module_site("errors")


def content_text(response: httpx.Response) -> str:
    page = html.fromstring(response.text)
    [content] = page.xpath("//section[@id='pa-content']")
    for node in content.xpath(".//style | .//script | .//details"):
        node.drop_tree()
    return " ".join(content.text_content().split())


#: (path, status, Vietnamese explanation, English explanation)
CASES = [
    ("/archive/no_such_table", 404, "Không có bảng nào tên như vậy trong kho lưu trữ.",
     "The archive has no table of that name."),
    ("/no_such_database", 404, "Không có cơ sở dữ liệu nào ở địa chỉ này.",
     "There is no database at this address."),
    ("/archive/articles/99999999", 404, "Không có bản ghi nào với mã này trong bảng.",
     "The table has no record with this key."),
    ("/archive/articles/abc", 404, "Không có bản ghi nào với mã này trong bảng.",
     "The table has no record with this key."),
    # no route matches: Datasette's own handler crashed here (a bare 500 "Internal Server Error")
    ("/archive/articles/1/no/such/page", 404, error_text.EXPLANATIONS[404][0],
     error_text.EXPLANATIONS[404][1]),
    ("/-/dashboards/no_such_dashboard", 404, "Không có trang thống kê “no_such_dashboard”.",
     "There is no statistics page “no_such_dashboard”."),
    ("/archive/articles?_size=abc", 400, "_size phải là một số nguyên dương.",
     "_size must be a positive whole number."),
    # Datasette raises a bad sort column as a 500; the reader's address is at fault: a 400
    ("/archive/articles?_sort=no_such_column", 400,
     "Không sắp xếp được bảng theo “no_such_column”: không có cột nào tên như vậy.",
     "The table cannot be sorted by “no_such_column”: there is no such column."),
    ("/archive/articles?_sort=id&_sort_desc=id", 400,
     "Không dùng được _sort và _sort_desc cùng lúc.",
     "_sort and _sort_desc cannot be used together."),
]  # fmt: skip


@pytest.mark.parametrize(("path", "status", "vietnamese", "english"), CASES)
def test_error_pages_in_both_languages(
    site: Site, path: str, status: int, vietnamese: str, english: str
) -> None:
    response = get(site, path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    page = html.fromstring(response.text)
    assert page.get("lang") == "vi"
    assert page.xpath("//header//form[@role='search']/@action") == ["/-/search"]
    [box] = page.xpath("//div[@class='pa-error']")
    assert box.get("data-status") == str(status)
    assert page.xpath("//p[@class='pa-error-text']")[0].text == vietnamese
    headline = error_text.HEADLINES[status]
    assert page.xpath("//h1")[0].text == headline[0]
    assert page.xpath("//title")[0].text == f"{headline[0]} ({status})"
    text = content_text(response)
    for word in ENGLISH:
        assert word not in text, (path, word)

    english_page = get(site, path, lang="en")
    assert english_page.status_code == status
    page = html.fromstring(english_page.text)
    assert page.get("lang") == "en"
    assert page.xpath("//p[@class='pa-error-text']")[0].text == english
    assert page.xpath("//h1")[0].text == headline[1]
    assert vietnamese not in english_page.text and headline[0] not in content_text(english_page)
    assert "?lang=en" not in path and get(site, path + "?lang=en").status_code == status


def test_an_unknown_message_is_a_folded_detail_in_a_vietnamese_page(site: Site) -> None:
    response = get(site, "/archive/articles?_facet=no_such_column")
    assert response.status_code in (400, 500)
    page = html.fromstring(response.text)
    explanation = page.xpath("//p[@class='pa-error-text']")[0].text
    family = 400 if response.status_code < 500 else 500
    assert explanation == error_text.EXPLANATIONS[family][0]
    if family == 400:
        [detail] = page.xpath("//details[@class='pa-error-detail']//code")
        assert detail.get("lang") == "en" and detail.text


def test_json_errors_keep_datasettes_shape(site: Site) -> None:
    response = get(site, "/archive/no_such_table.json")
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error": "Table not found",
        "status": 404,
        "title": None,
    }
    unrouted = get(site, "/archive/articles/1/x/y.json")
    assert unrouted.status_code == 404 and unrouted.json()["ok"] is False


def test_an_unexpected_exception_is_a_500_without_its_text(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    from archive.site.plugins import archive_errors

    try:
        raise RuntimeError("secret: /srv/private/archive.db near 'select'")
    except RuntimeError as error:
        failure = error
    for lang in ("vi", "en"):
        request = Request.fake(f"/archive/articles?lang={lang}")
        request.scope["csrftoken"] = lambda: ""  # what Datasette's middleware adds
        with caplog.at_level(logging.ERROR):
            response = asyncio.run(archive_errors.error_response(site.datasette, request, failure))
        assert response.status == 500
        assert "secret" not in response.body and "Traceback" not in response.body
        page = html.fromstring(response.body)
        assert page.get("lang") == lang
        expected = error_text.EXPLANATIONS[500][1 if lang == "en" else 0]
        assert page.xpath("//p[@class='pa-error-text']")[0].text == expected
        assert not page.xpath("//details")
    assert "secret" in caplog.text  # the operator's log keeps it


def test_describe_knows_every_headline_and_falls_back() -> None:
    assert error_text.describe(418, "I'm a teapot", "en").headline == "Error 418"
    assert error_text.describe(418, "I'm a teapot").detail == "I'm a teapot"
    assert error_text.describe(503, "anything").detail is None
    for vietnamese, english in [*error_text.HEADLINES.values(), *error_text.EXPLANATIONS.values()]:
        assert vietnamese and english and vietnamese != english
