"""The baseline for bench/crawl.py: a bare Scrapy spider that only follows links.

It follows section listings, their pagination and article links of the demo portal, and
selects three fields with CSS. No extraction, no storage: what any crawl costs at least.
Run by bench/crawl.py as `scrapy runspider bench/bare_spider.py -a base_url=URL`.
"""

from __future__ import annotations

from typing import Any

import scrapy

SECTIONS = ("tin-tuc-su-kien/", "chinh-tri/", "kinh-te-xa-hoi/", "van-hoa-xa-hoi/")


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url

    async def start(self) -> Any:
        for section in SECTIONS:
            yield scrapy.Request(self.base_url + section, callback=self.parse_listing)

    def parse_listing(self, response: Any) -> Any:
        yield from response.follow_all(css=".list-news .news-title a", callback=self.parse_article)
        yield from response.follow_all(css=".pagination a.next", callback=self.parse_listing)

    def parse_article(self, response: Any) -> Any:
        yield {
            "title": response.css("h1::text").get(),
            "date": response.css(".article-date::text").get(),
            "body": " ".join(response.css(".article-body p::text").getall()),
        }
