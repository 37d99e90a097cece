"""Stamp each response with the time its headers arrived."""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from archive.timestamps import utc_now  # microsecond UTC: counter readings are ordered by it


class ReceivedAtMiddleware:
    """Put `received_at` in the request meta when the response headers arrive.

    Spider callbacks, and even downloader-middleware hooks, run later and not in arrival
    order (responses are queued and hop through coroutines), so their clock would misorder a
    visitor-counter series. Scrapy's `headers_received` signal fires inside the download
    handler as the headers are parsed: the closest we get to the moment the portal served it.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReceivedAtMiddleware:
        middleware = cls()
        crawler.signals.connect(middleware.headers_received, signal=signals.headers_received)
        return middleware

    def headers_received(self, request: Request, **_: Any) -> None:
        request.meta["received_at"] = utc_now()

    def process_response(self, request: Request, response: Response) -> Response:
        # Handlers that do not send headers_received (file://, data:) still get a time.
        request.meta.setdefault("received_at", utc_now())
        return response
