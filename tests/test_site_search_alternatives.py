"""Zero results: the page offers only the nearby searches (without tone marks, without quotes,
over all portals with no filter) that find something, and says plainly when none does, in
both languages (issue 13, found by the browser tour). Counts checked by our own SQL.
In-process Datasette over a copy of the demo archive."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from lxml import html

from archive import vn_search

from .site_support import Site, copy_archive


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield Site(copy_archive(demo_archive, tmp_path_factory.mktemp("search-alt") / "demo.db"))


def get(site: Site, fmt: str = "", lang: str = "vi", **args: str) -> httpx.Response:
    path = f"/-/search{fmt}?" + urlencode(args)
    response = asyncio.run(site.datasette.client.get(path, cookies={"lang": lang}))
    assert response.status_code == 200, (path, response.text[-500:])
    return response


def count(site: Site, q: str, where: str = "1", *params: object) -> int:
    """How many readable, public articles the query matches, by our own SQL."""
    conn = sqlite3.connect(site.db_path)
    vn_search.register(conn)
    try:
        return conn.execute(
            "SELECT count(*) FROM articles_search JOIN articles AS a"
            " ON a.search_key = articles_search.rowid"
            " WHERE articles_search MATCH vn_fts_query(?) AND a.extraction_failed IS NULL"
            f" AND a.hidden_at IS NULL AND {where}",
            [q, *params],
        ).fetchone()[0]
    finally:
        conn.close()


def filters(args: dict[str, str]) -> tuple[str, list[str]]:
    """The SQL of the page's portal and year filters (the ones these tests use)."""
    clauses, values = ["1"], []
    if "portal" in args:
        clauses.append("a.portal = ?")
        values.append(args["portal"])
    if "year" in args:
        clauses.append("substr(coalesce(a.published_at, a.first_seen_at), 1, 4) = ?")
        values.append(args["year"])
    return " AND ".join(clauses), values


def test_only_the_suggestions_that_find_something(site: Site) -> None:
    # "Thánh ủy" (a typo) on one portal: without tone marks it finds articles there; over
    # all portals with the same tone marks it still finds nothing, so that one is not offered
    assert count(site, "Thánh ủy") == 0
    found = count(site, "Thanh uy", "a.portal = ?", "demo")
    assert found > 0
    data = get(site, ".json", q="Thánh ủy", portal="demo").json()
    assert data["count"] == 0
    assert [(a["label"], a["q"], a["count"]) for a in data["alternatives"]] == [
        ("Bỏ dấu", "Thanh uy", found)
    ]
    assert data["alternatives_note"] is None
    page = html.fromstring(get(site, q="Thánh ủy", portal="demo").text)
    [link] = page.cssselect(".sr-alternatives a")
    assert parse_qs(urlsplit(link.get("href")).query) == {"q": ["Thanh uy"], "portal": ["demo"]}
    assert "Trên mọi cổng" not in page.text_content()
    assert not page.cssselect(".sr-alternatives-none")


@pytest.mark.parametrize(
    ("args", "vietnamese", "english"),
    [
        (
            {"q": "Qùyx"},
            "Tìm không dấu cũng không có kết quả nào.",
            "Searching without tone marks finds nothing either.",
        ),
        (
            {"q": "Thánh ủy", "year": "2021"},
            "Tìm không dấu hoặc bỏ mọi bộ lọc cũng không có kết quả nào.",
            "Searching without tone marks or with no filter finds nothing either.",
        ),
        (
            {"q": '"Thánh zzq"', "portal": "demo"},
            "Tìm không dấu, bỏ ngoặc kép hoặc bỏ mọi bộ lọc cũng không có kết quả nào.",
            "Searching without tone marks, without quotes or with no filter finds nothing either.",
        ),
    ],
)
def test_says_plainly_when_no_suggestion_finds_anything(
    site: Site, args: dict[str, str], vietnamese: str, english: str
) -> None:
    q = args["q"]
    where, values = filters(args)
    for tried in (vn_search.fold(q), q.replace('"', "")):  # the same filters
        assert count(site, tried, where, *values) == 0
    assert count(site, q) == 0  # no filter: nothing to offer either
    for lang, note in (("vi", vietnamese), ("en", english)):
        data = get(site, ".json", lang, **args).json()
        assert (data["count"], data["alternatives"]) == (0, [])
        assert data["alternatives_note"] == note
        page = html.fromstring(get(site, "", lang, **args).text)
        assert not page.cssselect(".sr-alternatives a")
        [shown] = page.cssselect(".sr-alternatives-none")
        assert " ".join(shown.text_content().split()) == note


def test_nothing_to_try_keeps_the_hint(site: Site) -> None:
    data = get(site, ".json", q="zzqx").json()  # no tone marks, no quotes, no filter
    assert (data["count"], data["alternatives"], data["alternatives_note"]) == (0, [], None)
    page = html.fromstring(get(site, q="zzqx").text)
    assert not page.cssselect(".sr-alternatives-none")
    assert "thanh uy" in page.cssselect(".sr-none")[0].text_content()
