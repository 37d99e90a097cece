"""Extraction cost per page on demo-portal pages (no Scrapy, no database).

    .venv/bin/python bench/extract.py [--pages 300]

Prints ms/page for article and listing pages, split into the parse and each extractor, so a
slow extractor shows up by name.
"""

from __future__ import annotations

import argparse
import time
import urllib.request
from collections.abc import Callable

from portal_spider.demo_portal import start_in_thread
from portal_spider.extract import extract_page
from portal_spider.extract.counter import extract_visitor_counter
from portal_spider.extract.document import parse_document
from portal_spider.extract.listing import find_listing
from portal_spider.extract.platforms import detect_platform
from portal_spider.extract.signals.profile import profile_body
from portal_spider.extract.signals.structured import structured_candidates


def per_call_ms(function: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    server, base = start_in_thread(articles=240)
    try:
        listing_url = base + "chinh-tri/"
        listing = urllib.request.urlopen(listing_url).read()
        article_url = extract_page(listing, listing_url).links[0]
        article = urllib.request.urlopen(article_url).read()
    finally:
        server.shutdown()
    report("article", article, article_url, args.pages)
    report("listing", listing, listing_url, args.pages)


def report(name: str, html: bytes, url: str, repeat: int) -> None:
    """`total` is `extract_page` as the crawl calls it (an article page is reached through
    an article link); the other rows are the layers it runs, on the parsed page."""
    expect = "article" if name == "article" else None
    doc = parse_document(html, url)
    platform = detect_platform(doc)
    doc.field_candidates = platform.all_candidates
    parts: dict[str, Callable[[], object]] = {
        "total": lambda: extract_page(html, url, expect=expect),
        "parse": lambda: parse_document(html, url),
        "platform": lambda: detect_platform(doc),
        "counter": lambda: extract_visitor_counter(doc),
        "profile body": lambda: profile_body(doc, platform.selectors.get("body", ())),
        "structured": lambda: structured_candidates(doc),
        "listing": lambda: find_listing(doc, platform.next_page),
    }
    timings = ", ".join(f"{k} {per_call_ms(f, repeat):.3f}" for k, f in parts.items())
    print(f"{name} ({len(html) // 1024} KB): ms/page: {timings}")


if __name__ == "__main__":
    main()
