"""The robots.txt that Scrapy's RobotsTxtMiddleware already fetched: its Sitemap lines and
its rules, read from the middleware's parser so robots.txt is never fetched twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware


def robots_middleware(crawler: Crawler) -> RobotsTxtMiddleware | None:
    """The crawler's robots middleware, or None (ROBOTSTXT_OBEY off, engine not running)."""
    engine = crawler.engine
    if engine is None:
        return None
    for middleware in engine.downloader.middleware.middlewares:
        if isinstance(middleware, RobotsTxtMiddleware):
            return middleware
    return None


def _parser(crawler: Crawler, url: str) -> tuple[bool, Any]:
    """(known, parser) for the URL's netloc: known is False when robots.txt was not read
    (yet, or at all); parser is None when it was requested but could not be downloaded."""
    middleware = robots_middleware(crawler)
    if middleware is None:
        return False, None
    netloc = urlsplit(url).netloc
    if netloc not in middleware._parsers:  # Scrapy keeps parsers per netloc, privately
        return False, None
    parser = middleware._parsers[netloc]
    if parser is not None and not hasattr(parser, "allowed"):  # a Deferred: still in flight
        return False, None
    return True, parser


def parser_sitemaps(parser: Any) -> list[str] | None:
    """The Sitemap lines a RobotParser holds (Protego, stdlib, Rerp), None if it hides them."""
    inner = getattr(parser, "rp", None)
    if inner is None:
        return None
    sitemaps = getattr(inner, "sitemaps", None)  # Protego (generator), Rerp (list)
    if sitemaps is not None:
        return [str(url) for url in sitemaps]
    site_maps = getattr(inner, "site_maps", None)  # urllib.robotparser
    if callable(site_maps):
        return [str(url) for url in site_maps() or []]
    return None


def robots_sitemaps(crawler: Crawler, url: str) -> list[str] | None:
    """Absolute URLs of the `Sitemap:` lines of the robots.txt of `url`'s netloc.

    [] when robots.txt has none or could not be downloaded; None when the middleware's parser
    is not available (robots not obeyed, not read yet, a parser class that hides them): the
    caller then reads robots.txt itself (SecondSources.initial_requests does, given None).
    """
    known, parser = _parser(crawler, url)
    if not known:
        return None
    if parser is None:
        return []
    found = parser_sitemaps(parser)
    if found is None:
        return None
    robots_url = urljoin(url, "/robots.txt")
    return list(dict.fromkeys(urljoin(robots_url, line.strip()) for line in found if line.strip()))


def robots_checker(crawler: Crawler) -> Callable[[str], bool]:
    """url -> allowed by the robots.txt already read for its netloc (True when none is known:
    the request itself still passes the middleware, which then fetches and applies it).

    The middleware is looked up on first use, so the checker may be made before the engine
    exists (in the spider's from_crawler); True always when robots.txt is not obeyed.
    """
    agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")

    def allowed(url: str) -> bool:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            return True
        known, parser = _parser(crawler, url)
        return not known or parser is None or bool(parser.allowed(url, agent))

    return allowed
