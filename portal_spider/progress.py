"""Progress lines while a crawl runs: a long crawl must show it is alive and how fast it goes."""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressReporter:
    """Every PORTAL_PROGRESS_INTERVAL seconds print pages, rate, articles, errors to stderr.

    Scrapy's LogStats logs once a minute at INFO, which `portal-archive crawl` hides; this is
    the short line an operator watching a terminal (or a cron log) wants.
    """

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReporter:
        interval = crawler.settings.getfloat("PORTAL_PROGRESS_INTERVAL", 5.0)
        if interval <= 0:
            raise NotConfigured
        reporter = cls(crawler, interval)
        crawler.signals.connect(reporter.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

    def spider_opened(self, spider: object) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report, spider)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: object) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def report(self, spider: object) -> None:
        stats = self.crawler.stats
        assert stats is not None
        pages = int(stats.get_value("response_received_count", 0))
        elapsed = max(time.monotonic() - self.started, 1e-9)
        slug = getattr(getattr(spider, "portal", None), "slug", "?")
        print(
            f"{slug}: {pages} pages ({pages / elapsed:.1f}/s), "
            f"{stats.get_value('portal/articles', 0)} articles, "
            f"{stats.get_value('log_count/ERROR', 0)} errors, {elapsed:.0f} s",
            file=sys.stderr,
            flush=True,
        )
