"""Which sitemap/feed URLs the crawl requests (unit level: the spider's batch filter)."""

from __future__ import annotations

from scrapy.utils.test import get_crawler

from archive.queries import KnownArticle
from portal_spider.memory import CrawlMemory
from portal_spider.registry import get_portal
from portal_spider.second_sources import ListedURL, SecondSources
from portal_spider.spiders.portal import PortalSpider, _changed_since

BASE = "http://127.0.0.1:8600/"
KNOWN = f"{BASE}chinh-tri/hop-ban-10.html"


def _spider(**memory: object) -> PortalSpider:
    spider = PortalSpider(portal=get_portal("demo"), since=memory.pop("since", None))
    spider._set_crawler(get_crawler(PortalSpider, {}))
    spider.memory = CrawlMemory(**memory)  # type: ignore[arg-type]
    spider.second = SecondSources(BASE, ["127.0.0.1"])
    spider.shapes.add([KNOWN])
    return spider


def _entry(url: str, lastmod: str | None = None, credible: bool = True) -> ListedURL:
    return ListedURL(url, "sitemap", f"{BASE}sitemap.xml", lastmod, credible)


def _known(last_seen: str) -> dict[str, KnownArticle]:
    article = KnownArticle("Chính trị", "2022-06-01", False, '"e1"', None, last_seen)
    return {KNOWN: article}


def test_a_credible_lastmod_after_our_last_visit_rechecks_the_article() -> None:
    spider = _spider(articles=_known("2025-01-01T00:00:00.000000Z"))
    (request,) = spider._second_requests([_entry(KNOWN, "2025-03-01T08:00:00+07:00")])
    assert request.url == KNOWN
    assert request.headers.get("If-None-Match") == b'"e1"'  # conditional: 304 if unchanged
    assert spider.second_known == {("sitemap", f"{BASE}sitemap.xml"): [KNOWN]}


def test_an_older_or_untrusted_lastmod_costs_no_request() -> None:
    spider = _spider(articles=_known("2025-06-01T00:00:00.000000Z"))
    assert list(spider._second_requests([_entry(KNOWN, "2025-03-01T08:00:00+07:00")])) == []
    assert list(spider._second_requests([_entry(KNOWN, "2025-09-01", credible=False)])) == []


def test_unknown_urls_are_requested_only_when_shaped_like_articles() -> None:
    spider = _spider()
    fresh = f"{BASE}nong-thon-moi/cau-moi-50000012.html"
    requests = list(
        spider._second_requests(
            [_entry(fresh), _entry(f"{BASE}gioi-thieu/"), _entry(f"{BASE}van-ban/")]
        )
    )
    assert [r.url for r in requests] == [fresh]


def test_since_skips_entries_with_credible_older_dates() -> None:
    spider = _spider(since="2024-01-01")
    fresh = f"{BASE}nong-thon-moi/cau-moi-50000012.html"
    assert list(spider._second_requests([_entry(fresh, "2023-05-01", credible=True)])) == []
    # An untrusted date proves nothing: the page is fetched, extraction reads its date.
    assert len(list(spider._second_requests([_entry(fresh, "2023-05-01", credible=False)]))) == 1


def test_changed_since() -> None:
    entry = _entry(KNOWN, "2025-03-01")
    assert _changed_since(entry, "2025-02-28T16:59:00.000000Z")  # 23:59 in Vietnam
    assert not _changed_since(entry, "2025-02-28T17:00:00.000000Z")
    assert not _changed_since(entry, None)
