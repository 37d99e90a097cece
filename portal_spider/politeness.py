"""Honour robots.txt `Crawl-delay`, which Scrapy reads but does not apply.

On Scrapy's `robots_parsed` signal, the delay the portal asks of our User-Agent becomes the
minimum delay of the host's downloader slot, and AutoThrottle's floor, so neither our
loopback full-speed setting nor AutoThrottle can go below what the portal asked for.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Request


class CrawlDelay:
    """Applies a robots.txt Crawl-delay to the slot of the host it came from."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelay:
        extension = cls(crawler)
        crawler.signals.connect(extension.robots_parsed, signal=signals.robots_parsed)
        return extension

    def robots_parsed(self, robotparser: Any, request: Request, **_: Any) -> None:
        agent = self.crawler.settings.get("USER_AGENT") or "*"
        delay = robotparser.crawl_delay(agent)
        if not delay:
            return
        engine = self.crawler.engine
        assert engine is not None
        downloader = engine.downloader
        key = downloader.get_slot_key(request)
        _, slot = downloader._get_slot(request)  # creates the slot if the host has none yet
        slot.delay = max(slot.delay, float(delay))
        for extension in self.crawler.extensions.middlewares:
            if isinstance(extension, AutoThrottle):
                extension.mindelay = max(extension.mindelay, float(delay))
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("portal/crawl_delay", float(delay))
        self.crawler.spider.logger.info("robots.txt Crawl-delay %s s for %s", delay, key)  # type: ignore[union-attr]
