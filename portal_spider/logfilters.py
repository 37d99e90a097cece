"""Keep expected network failures to one log line each.

Scrapy's RobotsTxtMiddleware logs a robots.txt that cannot be downloaded (portal down, no
route) at ERROR with a full traceback, once per start request. For a scheduled crawl that is
an outcome, not a bug: the pages themselves fail, are retried and recorded in
``crawl_errors``, and the crawl ends ``failed`` with a summary line. This extension strips
the traceback and lowers those records to WARNING; everything else is left alone.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class _TracebackFreeWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info or record.levelno > logging.WARNING:
            error = record.exc_info[1] if record.exc_info else None
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            if error is not None:
                record.msg = (
                    f"{record.getMessage()} (robots.txt unavailable: {type(error).__name__})"
                )
                record.args = ()
        return True


_FILTER = _TracebackFreeWarning()


class QuietRobotsErrors:
    """Extension: install the filter once per process (idempotent)."""

    def __init__(self) -> None:
        logger = logging.getLogger(ROBOTS_LOGGER)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuietRobotsErrors:
        return cls()
