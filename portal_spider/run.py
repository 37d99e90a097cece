"""Run crawls in this process with Scrapy's CrawlerProcess (`portal-archive crawl`), and the
probes of `portal-archive add` (one page, or a home page and its candidate sections)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings

from .discovery import DEFAULT_BUDGET, SectionFinding
from .registry import Portal
from .spiders.portal import PortalSpider
from .spiders.probe import ProbeSpider


def crawl_settings(db_path: Path, log_level: str = "WARNING") -> Settings:
    """Project settings plus the archive path: no scrapy.cfg or working directory needed."""
    settings = Settings()
    settings.setmodule("portal_spider.settings", priority="project")
    settings.set("ARCHIVE_DB_PATH", str(db_path), priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    return settings


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """How much to crawl: incremental by default."""

    full: bool = False
    revisit_days: int = 30
    #: Limits (None: the registry's, which default to none). Each is per portal, and a crawl
    #: that hits one is partial. Responses (Scrapy's CLOSESPIDER_PAGECOUNT), listing pages
    #: per section, article URLs taken from sitemaps and feeds.
    max_requests: int | None = None
    max_pages_per_section: int | None = None
    max_sitemap_urls: int | None = None
    #: "YYYY-MM-DD": only articles published on or after this day.
    since: str | None = None
    #: Seconds to wait for a page (Scrapy's DOWNLOAD_TIMEOUT); None: the settings' 60 s.
    download_timeout: float | None = None
    #: Keep raw captures in WARC files (capture.py); off with `crawl --no-warc`.
    warc: bool = True


def run_crawls(
    portals: list[Portal],
    *,
    db_path: Path,
    log_level: str = "WARNING",
    options: CrawlOptions | None = None,
) -> dict[str, str]:
    """Crawl the portals in parallel in one process; return {slug: crawl status}."""
    options = options or CrawlOptions()
    settings = crawl_settings(db_path, log_level)
    if options.download_timeout:
        settings.set("DOWNLOAD_TIMEOUT", options.download_timeout, priority="cmdline")
    if not options.warc:
        settings.set("PORTAL_WARC", False, priority="cmdline")
    process = CrawlerProcess(settings)
    crawlers: dict[str, Crawler] = {}
    for portal in portals:
        crawler = process.create_crawler(PortalSpider)
        crawlers[portal.slug] = crawler
        process.crawl(
            crawler,
            portal=portal,
            full=options.full,
            revisit_days=options.revisit_days,
            since=options.since,
            max_requests=options.max_requests,
            max_pages_per_section=options.max_pages_per_section,
            max_sitemap_urls=options.max_sitemap_urls,
        )
    process.start()
    return {
        slug: str(crawler.stats.get_value("portal/crawl_status", "failed"))  # type: ignore[union-attr]
        for slug, crawler in crawlers.items()
    }


class FetchError(OSError):
    """A page could not be fetched (network error, robots.txt, HTTP error status)."""


def fetch_page(url: str) -> Response:
    """Fetch one page through Scrapy (robots.txt obeyed, retries, our User-Agent)."""
    return _probe(url)[0]


def discover_portal(
    url: str, *, budget: int = DEFAULT_BUDGET, progress: Callable[[str], None] | None = None
) -> tuple[Response, list[SectionFinding]]:
    """Fetch a home page and classify its candidate sections, in one crawler run (polite:
    robots.txt, delays, retries); return the home response and one finding per candidate."""
    response, spider = _probe(url, discover=True, budget=budget, progress=progress)
    assert spider.discovery is not None
    return response, spider.discovery.results()


def _probe(url: str, **kwargs: object) -> tuple[Response, ProbeSpider]:
    settings = crawl_settings(Path("unused.db"))
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("PORTAL_WARC", False, priority="cmdline")  # a probe archives nothing
    settings.set("PORTAL_PROGRESS_INTERVAL", 0, priority="cmdline")
    settings.set("LOG_ENABLED", False, priority="cmdline")  # a failure is FetchError's one line
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ProbeSpider)
    process.crawl(crawler, url=url, **kwargs)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, ProbeSpider)
    if spider.response is None:
        reason = spider.failure or "no response (blocked by robots.txt?)"
        raise FetchError(f"{url}: could not fetch: {reason}")
    if spider.response.status >= 400:
        raise FetchError(f"{url}: HTTP {spider.response.status}")
    return spider.response, spider
