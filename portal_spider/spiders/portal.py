"""The one spider: a portal's sections -> listing pages (with pagination) -> articles.

Crawl flow only. What a page contains is decided by portal_spider.extract (pure), where it is
stored by the pipeline; the spider decides which requests to make.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response

from ..extract import PageRecord, extract_page
from ..items import ArticleItem, CounterItem
from ..middlewares import utc_now
from ..registry import Portal, Section, get_portal
from ..runtime import tune_gc_for_crawling


class PortalSpider(scrapy.Spider):
    """Crawl one registered portal: `scrapy crawl portal -a portal=SLUG [-a base_url=URL]`."""

    name = "portal"

    def __init__(
        self,
        portal: str | Portal | None = None,
        base_url: str | None = None,
        config: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.portal = _resolve_portal(portal, base_url, config)
        self.allowed_domains = [self.portal.host]
        self.pages_seen = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        """Apply per-portal politeness before Scrapy freezes the settings."""
        spider: PortalSpider = super().from_crawler(crawler, *args, **kwargs)
        tune_gc_for_crawling()
        portal = spider.portal
        if portal.is_loopback:
            # Our own demo portal on this machine: no one to be polite to. One request at a
            # time: parallel responses that arrive in the same reactor turn cannot be put in
            # serving order, and the counter series must follow it (the crawl is CPU-bound
            # on loopback anyway: 1 or 8 in flight measured the same pages/s).
            crawler.settings.set("DOWNLOAD_DELAY", 0, priority="spider")
            crawler.settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
            crawler.settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 1, priority="spider")
        elif portal.download_delay is not None:
            crawler.settings.set("DOWNLOAD_DELAY", portal.download_delay, priority="spider")
        contact = crawler.settings.get("PORTAL_ARCHIVE_CONTACT")
        if contact:
            agent = crawler.settings.get("USER_AGENT")
            crawler.settings.set("USER_AGENT", f"{agent} +{contact}", priority="spider")
        return spider

    async def start(self) -> Any:
        """One request per news section."""
        for url, section in self.portal.section_urls():
            yield scrapy.Request(url, callback=self.parse_listing, cb_kwargs={"section": section})

    def parse_listing(self, response: Response, section: Section) -> Iterator[Any]:
        """Follow every article of a listing page, then the next listing page."""
        record = self._extract(response)
        yield from self._counter(response, record)
        if record.kind != "listing":
            self.logger.warning("not a listing page: %s (%s)", response.url, record.kind)
            self.crawler.stats.inc_value("portal/not_listing")
            return
        for url in record.links:
            yield response.follow(url, self.parse_article, cb_kwargs={"section": section})
        if record.next_page:
            yield response.follow(
                record.next_page, self.parse_listing, cb_kwargs={"section": section}
            )
        elif record.postback is not None:
            # SharePoint/ASP.NET paging: post the page's own form (with its __VIEWSTATE and
            # other hidden fields, which from_response collects) as the pager link would.
            yield scrapy.FormRequest.from_response(
                response,
                formid=record.postback.form_id,
                formdata={
                    "__EVENTTARGET": record.postback.target,
                    "__EVENTARGUMENT": record.postback.argument,
                },
                dont_click=True,
                callback=self.parse_listing,
                cb_kwargs={"section": section},
            )

    def parse_article(self, response: Response, section: Section) -> Iterator[Any]:
        """Archive one article page (its counter reading travels inside the record)."""
        record = self._extract(response)
        if record.kind != "article":
            yield from self._counter(response, record)
            self.logger.warning("not an article page: %s (%s)", response.url, record.kind)
            self.crawler.stats.inc_value("portal/not_article")
            return
        yield ArticleItem(
            record=record.to_dict(),
            portal=self.portal.slug,
            section=section.name,
            fetched_at=_received_at(response),
        )

    def _extract(self, response: Response) -> PageRecord:
        self.pages_seen += 1
        encoding = getattr(response, "encoding", None)
        return extract_page(response.body, response.url, encoding)

    def _counter(self, response: Response, record: PageRecord) -> Iterator[CounterItem]:
        if record.visitor_counter:
            yield CounterItem(
                portal=self.portal.slug,
                observed_at=_received_at(response),
                page_url=response.url,
                counter=record.visitor_counter,
            )


def _received_at(response: Response) -> str:
    return str(response.meta.get("received_at") or utc_now())


def _resolve_portal(
    portal: str | Portal | None, base_url: str | None, config: str | None
) -> Portal:
    if portal is None:
        raise ValueError("missing portal: use -a portal=SLUG")
    if isinstance(portal, str):
        extra = [Path(p) for p in (config or "").split(",") if p]
        portal = get_portal(portal, extra)
    return portal.with_base_url(base_url) if base_url else portal
