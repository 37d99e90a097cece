"""Probe a portal through Scrapy (robots.txt, retries, delays, User-Agent) for
`portal-archive add`: one page, or the home page and its candidate sections (discovery)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response

from ..discovery import DEFAULT_BUDGET, SectionDiscovery
from ..registry import is_loopback_host


class ProbeSpider(scrapy.Spider):
    """Requests one URL and keeps the response; with `discover`, also fetches and classifies
    the home page's candidate sections (`.discovery.findings`). No items, no pipeline."""

    name = "probe"

    def __init__(
        self,
        url: str,
        discover: bool = False,
        budget: int = DEFAULT_BUDGET,
        progress: Callable[[str], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.response: Response | None = None
        self.failure: str | None = None
        self.discovery: SectionDiscovery | None = None
        if discover:
            self.discovery = SectionDiscovery(
                url, budget=budget, logger=self.logger, progress=progress
            )

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ProbeSpider:
        """A portal on this machine (the demo) is probed at full speed, as crawls do."""
        spider: ProbeSpider = super().from_crawler(crawler, *args, **kwargs)
        if _is_loopback(spider.url):
            crawler.settings.set("DOWNLOAD_DELAY", 0, priority="spider")
            crawler.settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
            crawler.settings.set("RETRY_BACKOFF_BASE", 0.01, priority="spider")
            crawler.settings.set("RETRY_BACKOFF_MAX", 0.2, priority="spider")
        return spider

    async def start(self) -> Any:
        if self.discovery is not None:
            yield self.discovery.home_request()
        else:
            yield scrapy.Request(
                self.url, callback=self.keep, errback=self.failed, dont_filter=True
            )

    def keep(self, response: Response) -> list[Any]:
        self.response = response
        return []

    def failed(self, failure: Any) -> list[Any]:
        self.failure = failure.getErrorMessage() or repr(failure.value)
        return []

    def closed(self, reason: str) -> None:
        if self.discovery is not None:
            self.response = self.discovery.home
            self.failure = self.discovery.home_failure


def _is_loopback(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname or "")
