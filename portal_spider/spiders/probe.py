"""Fetch one page through Scrapy (robots.txt, retries, User-Agent) for `portal-archive add`."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.http import Response


class ProbeSpider(scrapy.Spider):
    """Requests one URL and keeps the response; no items, no pipeline."""

    name = "probe"

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.response: Response | None = None
        self.failure: str | None = None

    async def start(self) -> Any:
        yield scrapy.Request(self.url, callback=self.keep, errback=self.failed, dont_filter=True)

    def keep(self, response: Response) -> list[Any]:
        self.response = response
        return []

    def failed(self, failure: Any) -> list[Any]:
        self.failure = failure.getErrorMessage() or repr(failure.value)
        return []
