"""A search the page cannot answer as asked (a bad paging value, a bad filter) keeps the
reader's query in its box and the valid filters in its form and links, in both languages
(issue 13, found by the browser tour). In-process Datasette over a copy of the demo archive."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from lxml import html

from archive import search_page
from archive.search_page import SearchParams

from .site_support import Site, copy_archive

QUERY = "ủy ban"


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield Site(copy_archive(demo_archive, tmp_path_factory.mktemp("search-kept") / "demo.db"))


def get(site: Site, args: dict[str, str], lang: str | None) -> httpx.Response:
    cookies = {"lang": lang} if lang else None
    path = "/-/search?" + urlencode(args)
    return asyncio.run(site.datasette.client.get(path, cookies=cookies))


def form_fields(page: html.HtmlElement) -> dict[str, str]:
    [form] = page.xpath("//form[contains(@class, 'sr-form')]")
    return {i.get("name"): i.get("value") for i in form.xpath(".//input[@name]")}


@pytest.mark.parametrize("lang", ["vi", "en", None])
def test_bad_page_keeps_the_query_in_the_box(site: Site, lang: str | None) -> None:
    response = get(site, {"q": QUERY, "page": "abc"}, lang)
    assert response.status_code == 400
    page = html.fromstring(response.text)
    assert page.get("lang") == (lang or "vi")
    assert page.xpath("//input[@id='sr-q']/@value") == [QUERY]
    assert QUERY in page.xpath("//title")[0].text
    expected = "Page number “abc”" if lang == "en" else "Số trang “abc”"
    assert page.xpath("//p[@class='sr-message']")[0].text.startswith(expected)
    # "search again": the same words, page 1, and the search it leads to answers
    [retry] = page.xpath("//a[@class='sr-retry']/@href")
    assert parse_qs(urlsplit(retry).query) == {"q": [QUERY]}
    again = asyncio.run(site.datasette.client.get(retry))
    assert again.status_code == 200
    assert html.fromstring(again.text).xpath("//li[contains(@class, 'sr-result')]")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(
    ("bad", "dropped"),
    [
        ({"page": "abc"}, {"page"}),
        ({"page": "0"}, {"page"}),
        ({"page": "9" * 30}, {"page"}),
        ({"changed": "yes"}, {"changed"}),
        ({"month": "13"}, {"month"}),
        ({"from": "2022-07-01", "to": "2022-06-01"}, {"from", "to"}),
    ],
)
def test_valid_filters_stay_in_the_form_and_the_link(
    site: Site, lang: str, bad: dict[str, str], dropped: set[str]
) -> None:
    good = {"sort": "date", "portal": "demo", "year": "2022", "removed": "0", "month": "6"}
    args = {"q": QUERY, **good, **bad}
    response = get(site, args, lang)
    assert response.status_code == 400
    page = html.fromstring(response.text)
    kept = {k: v for k, v in args.items() if k not in dropped}
    fields = form_fields(page)
    assert fields.pop("q") == QUERY
    assert fields.pop("lang", "en") == "en"
    assert fields == {k: v for k, v in kept.items() if k != "q"}
    [retry] = page.xpath("//a[@class='sr-retry']/@href")
    assert {k: v[0] for k, v in parse_qs(urlsplit(retry).query).items()} == kept
    assert asyncio.run(site.datasette.client.get(retry)).status_code == 200


def test_past_the_last_page_keeps_the_filters_too(site: Site) -> None:
    response = get(site, {"q": QUERY, "portal": "demo", "page": "999"}, None)
    assert response.status_code == 404
    page = html.fromstring(response.text)
    assert page.xpath("//input[@id='sr-q']/@value") == [QUERY]
    assert form_fields(page) == {"q": QUERY, "portal": "demo"}
    assert not page.xpath("//a[@class='sr-retry']")  # nothing to drop: the last page instead
    [last] = page.xpath("//p/a[starts-with(., 'Tới trang cuối')]/@href")
    assert parse_qs(urlsplit(last).query)["portal"] == ["demo"]


def test_parse_kept_drops_only_what_is_wrong() -> None:
    kept = search_page.parse_kept({"q": " ủy ban ", "page": "x", "year": "20x2", "month": "6"})
    assert kept == SearchParams(q="ủy ban")  # year bad, then month without a year
    kept = search_page.parse_kept({"q": "a", "sort": "best", "section": "Tin tức"})
    assert kept == SearchParams(q="a", section="Tin tức")
    assert search_page.parse_kept({"q": "a", "page": "2"}) == SearchParams(q="a", page=2)
