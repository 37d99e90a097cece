"""Every article link of the "Đã sửa / Đã gỡ" page, its Atom feed and the diff page is the
article's permanent link ``/-/web/<original URL>`` (issue 13: keyed on the portal's URL, not a
rowid, which a new snapshot may renumber). In-process Datasette over a copy of the demo
archive (day 1: 3 edits, 3 removals)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import feedparser
import pytest
from lxml import html

from archive.changes import week_of
from archive.permalinks import permalink

from .site_support import Site, copy_archive

ROWID_LINK = re.compile(r"/articles/\d+")


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield Site(copy_archive(demo_archive, tmp_path_factory.mktemp("changes-links") / "demo.db"))


def urls_by_id(site: Site) -> dict[int, str]:
    return {r["id"]: r["url"] for r in site.rows("select id, url from articles")}


def changes_page(site: Site) -> html.HtmlElement:
    latest = site.row("select max(fetched_at) as t from article_versions")["t"]
    return site.page(f"/-/changes?week={week_of(latest).key}")


def test_removals_link_their_permanent_link(site: Site) -> None:
    urls = urls_by_id(site)
    items = changes_page(site).xpath("//li[@class='changes-item'][@data-kind='removal']")
    assert len(items) == 3
    for li in items:
        url = urls[int(li.get("data-article"))]
        [href] = li.xpath(".//a[@class='changes-title']/@href")
        assert href == permalink(url)
        article = html.fromstring(site.get(href).text)
        assert article.xpath("//*[@id='removed']")  # the tombstone and the last copy


def test_edits_link_their_diff_and_their_permanent_link(site: Site) -> None:
    urls = urls_by_id(site)
    items = changes_page(site).xpath("//li[@class='changes-item'][@data-kind='edit']")
    assert len(items) == 3
    for li in items:
        url = urls[int(li.get("data-article"))]
        [diff] = li.xpath(".//a[@class='changes-title']/@href")
        assert diff.startswith("/-/changes/diff?" + urlencode({"url": url}))
        [article] = li.xpath(".//a[@class='changes-permalink']/@href")
        assert article == permalink(url)
        assert site.get(article).status_code == 200
        # the diff page names the article by its permanent link too
        page = html.fromstring(site.get(diff).text)
        assert page.xpath("//a[@id='changes-article-link']/@href") == [permalink(url)]


def test_no_rowid_link_on_the_changes_page(site: Site) -> None:
    page = changes_page(site)
    hrefs = page.xpath("//section[@id='pa-content']//a/@href")
    assert hrefs and not [h for h in hrefs if ROWID_LINK.search(h)]


def test_feed_links_permanent_links(site: Site) -> None:
    urls = urls_by_id(site)
    by_link = {"http://localhost" + permalink(u): u for u in urls.values()}
    feed = feedparser.parse(site.get("/-/changes.atom").content)
    assert not feed.bozo and len(feed.entries) == 6
    for entry in feed.entries:
        [link] = [link["href"] for link in entry.links]
        assert link in by_link, link  # the permanent link, for edits as for removals
        if entry.title.startswith("Đã sửa"):  # the diff named in the text
            diff = "http://localhost/-/changes/diff?" + urlencode({"url": by_link[link]})
            assert diff in entry.content[0].value
