"""Sitemaps and feeds as second sources of a portal's article URLs (issue 15, item 2).

`SecondSources` is a collaborator the spider owns. It makes the requests for sitemap and feed
files and parses them in its own callbacks; the URLs they list are canonicalised, scoped to
the portal's site and robots.txt, and held in memory as strings. The spider pulls them in
batches with `take()` once its listings are done (on spider_idle), so half a million sitemap
URLs never sit in Scrapy's scheduler. Dead or unreadable files are notices, not failures.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import zlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
import lxml.etree
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure
from w3lib.url import safe_url_string

from ..extract.dates import VIETNAM
from ..extract.document import Document
from ..extract.platforms import detect_platform
from ..failures import classify, release
from ..guards import GZIP_ALLOWED
from ..urls import canonical_url
from .credibility import dates_credible, normalise_date
from .robots import robots_checker

Source = Literal["sitemap", "feed"]
Logger = logging.Logger | logging.LoggerAdapter[Any]

#: Where sitemaps usually are when robots.txt names none (sitemaps.org, WordPress >= 5.5).
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/wp-sitemap.xml", "/sitemap.xml.gz")
#: Feed paths per platform family; a portal of another known family guesses none (its home
#: page's <link rel="alternate"> still counts). Unknown platforms try the generic ones.
FEED_PATHS: dict[str, tuple[str, ...]] = {
    "nukeviet": ("/news/rss/",),  # the news module's feed (/rss/ is an HTML page of feeds)
    "wordpress": ("/feed/",),
    "joomla": ("/?format=feed&type=rss",),
    "drupal": ("/rss.xml",),
    "generic": ("/rss/", "/feed/", "/rss.xml"),
}
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
#: Request meta key carrying (token, source, guessed, via) for our own requests.
META = "second_source"
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: A path that safe_url_string and canonical_url leave as it is (no query, no fragment).
_PLAIN_PATH = re.compile(r"[A-Za-z0-9\-._~/%]*")


@dataclass(frozen=True, slots=True)
class ListedURL:
    """One article URL a sitemap or feed listed (canonical, on the portal's site)."""

    url: str
    source: Source
    #: The sitemap or feed file that listed it.
    via: str
    #: `lastmod` / the entry's date in our ISO form (Vietnam time), if given.
    lastmod: str | None
    #: Whether that file's dates vary like real publication times (credibility.py).
    lastmod_credible: bool


@dataclass(slots=True)
class SourceCounts:
    """Figures for the crawl summary."""

    sitemaps_read: int = 0
    feeds_read: int = 0
    #: Distinct in-scope URLs queued for the spider.
    urls_listed: int = 0
    dropped_offsite: int = 0
    dropped_robots: int = 0
    #: URLs listed again (by another file, or twice in one).
    duplicates: int = 0
    #: In-scope URLs not queued because the URL limit was reached.
    dropped_limit: int = 0
    #: Sitemap files not requested because a limit was reached.
    files_skipped: int = 0
    #: Files over their size limit (PORTAL_SITEMAP_MAXSIZE, DOWNLOAD_MAXSIZE for feeds).
    files_too_large: int = 0
    #: Guessed paths that do not exist (404 and the like): silent.
    guesses_missing: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class _File:
    source: Source
    via: str
    credible: bool


class SecondSources:
    """Sitemap and feed requests, their callbacks, and the queue of URLs they listed."""

    def __init__(
        self,
        base_url: str,
        hosts: Iterable[str],
        *,
        max_urls: int | None = None,
        robots_allowed: Callable[[str], bool] = lambda url: True,
        batch_size: int = 500,
        logger: Logger | None = None,
        platform: str | None = None,
        sitemap_maxsize: int = 64 * 1024 * 1024,
        max_files: int | None = None,
    ) -> None:
        base = urlsplit(base_url)
        self.base_url = base_url
        self._scheme = base.scheme
        self._netloc = base.netloc.lower()
        self._port = base.port or _DEFAULT_PORTS.get(base.scheme)
        self._prefix = f"{self._scheme}://{self._netloc}/"
        self._hosts = {_bare(h) for h in (*hosts, base.hostname or "")} - {""}
        self.max_urls = max_urls
        self.robots_allowed = robots_allowed
        self.batch_size = batch_size
        self.logger: Logger = logger or logging.getLogger(__name__)
        self.platform = platform
        self.sitemap_maxsize = sitemap_maxsize
        self.max_files = max_files
        #: Dead sitemap entries, unreadable files: reported in the summary, not failures.
        self.notices: list[str] = []
        self.counts = SourceCounts()
        self._queue: deque[tuple[str, int, str | None]] = deque()
        self._files: list[_File] = []
        #: Every URL listed so far -> bit set of its sources (1 sitemap, 2 feed).
        self._listed: dict[str, int] = {}
        self._requested: set[str] = set()
        self._sitemap_files = 0
        self._tokens = itertools.count()
        self._in_flight: set[int] = set()

    @classmethod
    def from_crawler(
        cls,
        crawler: Crawler,
        base_url: str,
        hosts: Iterable[str],
        *,
        platform: str | None = None,
        max_urls: int | None = None,
        logger: Logger | None = None,
    ) -> SecondSources:
        """Limits from settings, robots rules from the robots middleware, and the
        request_dropped signal connected (a request the duplicate filter drops is no longer
        in flight). Call once the engine exists (in start() or a callback)."""
        settings = crawler.settings
        sources = cls(
            base_url,
            hosts,
            max_urls=max_urls
            if max_urls is not None
            else settings.getint("PORTAL_MAX_SITEMAP_URLS") or None,
            robots_allowed=robots_checker(crawler),
            batch_size=settings.getint("PORTAL_SITEMAP_BATCH_SIZE", 500),
            logger=logger,
            platform=platform,
            sitemap_maxsize=settings.getint("PORTAL_SITEMAP_MAXSIZE", 64 * 1024 * 1024),
            max_files=settings.getint("PORTAL_MAX_SITEMAP_FILES") or None,
        )
        crawler.signals.connect(sources.request_dropped, signal=signals.request_dropped)
        return sources

    # --- state -----------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """No sitemap or feed request is in flight."""
        return not self._in_flight

    @property
    def pending(self) -> int:
        """URLs queued and not handed out yet."""
        return len(self._queue)

    @property
    def cut_short(self) -> str | None:
        """Why a limit dropped listed URLs or files (the crawl is then partial), else None.

        Limits: the URL limit, PORTAL_MAX_SITEMAP_FILES, the size limits. Dead or unreadable
        files are not limits: they are notices.
        """
        parts = []
        if self.counts.dropped_limit:
            parts.append(
                f"sitemap/feed URL limit {self.max_urls} reached: "
                f"{self.counts.dropped_limit} more listed URLs not queued"
            )
        if self.counts.files_skipped:
            parts.append(f"{self.counts.files_skipped} sitemap file(s) not read")
        if self.counts.files_too_large:
            parts.append(f"{self.counts.files_too_large} file(s) over the size limit not read")
        return "; ".join(parts) or None

    def sources_of(self, url: str) -> frozenset[Source]:
        """Every second source that listed this canonical URL in this crawl."""
        bits = self._listed.get(url, 0)
        found: list[Source] = []
        if bits & 1:
            found.append("sitemap")
        if bits & 2:
            found.append("feed")
        return frozenset(found)

    def take(self, n: int | None = None) -> list[ListedURL]:
        """The next queued URLs (at most n, default the batch size), each handed out once."""
        count = min(n if n is not None else self.batch_size, len(self._queue))
        batch = []
        for _ in range(count):
            url, file_no, lastmod = self._queue.popleft()
            file = self._files[file_no]
            batch.append(ListedURL(url, file.source, file.via, lastmod, file.credible))
        return batch

    # --- requests --------------------------------------------------------------------------

    def initial_requests(
        self, robots_sitemaps: list[str] | None, home: Document | None
    ) -> list[scrapy.Request]:
        """Sitemaps named by robots.txt, the usual sitemap paths not named there, the home
        page's feed links and the platform's usual feed paths.

        `robots_sitemaps` None means unknown (robots.txt not read through the middleware):
        robots.txt is then fetched once here and its Sitemap lines read.
        """
        requests: list[scrapy.Request] = []
        if robots_sitemaps is None:
            robots_url = self._root("/robots.txt")
            requests.append(self._request(robots_url, "sitemap", guessed=True, via="", robots=True))
        for url in robots_sitemaps or ():
            requests.extend(self._sitemap_request(url, guessed=False, via="robots.txt"))
        for path in SITEMAP_PATHS:
            requests.extend(self._sitemap_request(self._root(path), guessed=True, via=""))
        platform = self.platform
        if platform is None and home is not None:
            platform = detect_platform(home).name
        declared = _feed_links(home) if home is not None else []
        for url in declared:
            requests.extend(self._feed_request(url, guessed=False, via=self.base_url))
        for path in FEED_PATHS.get(platform or "generic", ()):
            requests.extend(self._feed_request(self._root(path), guessed=True, via=""))
        return requests

    def _root(self, path: str) -> str:
        return urlunsplit((self._scheme, self._netloc, "", "", "")) + path

    def _sitemap_request(self, url: str, *, guessed: bool, via: str) -> list[scrapy.Request]:
        site_url = self._site_url(url)
        if site_url is None:
            self._notice(f"sitemap {url} is on another site: not read")
            return []
        if site_url in self._requested:
            return []
        if (self.max_files and self._sitemap_files >= self.max_files) or self._full():
            if not guessed:  # a guess not tried loses nothing known
                self.counts.files_skipped += 1
            return []
        self._sitemap_files += 1
        return [self._request(site_url, "sitemap", guessed=guessed, via=via)]

    def _feed_request(self, url: str, *, guessed: bool, via: str) -> list[scrapy.Request]:
        site_url = self._site_url(url)
        if site_url is None:
            self._notice(f"feed {url} is on another site: not read")
            return []
        if site_url in self._requested:
            return []
        return [self._request(site_url, "feed", guessed=guessed, via=via)]

    def _request(
        self, url: str, source: Source, *, guessed: bool, via: str, robots: bool = False
    ) -> scrapy.Request:
        self._requested.add(url)
        token = next(self._tokens)
        self._in_flight.add(token)
        meta: dict[str, Any] = {META: (token, source, guessed, via)}
        if robots:  # robots.txt itself is not subject to robots.txt
            meta["dont_obey_robotstxt"] = True
            callback = self.parse_robots
        else:
            callback = self.parse_sitemap if source == "sitemap" else self.parse_feed
        if source == "sitemap" and not robots:
            # Up to 50 MB uncompressed (sitemaps.org); .xml.gz bodies pass the binary guard.
            meta["download_maxsize"] = self.sitemap_maxsize
            meta["download_warnsize"] = self.sitemap_maxsize
            meta[GZIP_ALLOWED] = True
        return scrapy.Request(url, callback=callback, errback=self.errback, meta=meta)

    # --- callbacks -------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> list[scrapy.Request]:
        """robots.txt read by us (the middleware's parser was not available)."""
        self._finish(response.meta)
        requests: list[scrapy.Request] = []
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            requests.extend(self._sitemap_request(url, guessed=False, via="robots.txt"))
        return requests

    def parse_sitemap(self, response: Response) -> list[scrapy.Request]:
        """A sitemap index (its children are requested) or urlset (its URLs are queued); a
        file that turns out to be a feed (robots.txt may name one) is read as a feed."""
        _, _, guessed, via = self._finish(response.meta)
        body = self._sitemap_body(response, guessed)
        if body is None:
            return []
        try:
            sitemap = Sitemap(body)
            kind = sitemap.type
        except (lxml.etree.XMLSyntaxError, StopIteration):
            sitemap, kind = None, ""
        if sitemap is None or kind not in ("sitemapindex", "urlset"):
            if not self._read_feed(response, body, guessed, via):
                self._unreadable(response, "sitemap", "neither a sitemap nor a feed", guessed)
            return []
        self.counts.sitemaps_read += 1
        if kind == "sitemapindex":
            requests: list[scrapy.Request] = []
            for entry in sitemap:
                loc = urljoin(response.url, entry.get("loc", ""))
                requests.extend(self._sitemap_request(loc, guessed=False, via=response.url))
            return requests
        entries = [
            (_absolute(response.url, entry.get("loc", "")), normalise_date(entry.get("lastmod")))
            for entry in sitemap
        ]
        self._queue_file("sitemap", response, entries)
        return []

    def parse_feed(self, response: Response) -> list[scrapy.Request]:
        """An RSS or Atom feed: its entries' links are queued with their dates."""
        _, _, guessed, via = self._finish(response.meta)
        if not self._read_feed(response, response.body, guessed, via):
            self._unreadable(response, "feed", "not an RSS or Atom feed", guessed)
        return []

    def errback(self, failure: Failure) -> None:
        """A sitemap or feed that could not be fetched: a notice (silent for a guessed path
        that does not exist or that robots.txt forbids)."""
        request = failure.request  # type: ignore[attr-defined]
        _, source, guessed, via = self._finish(request.meta)
        error = failure.value
        missing = isinstance(error, HttpError) and 400 <= error.response.status < 500
        forbidden = type(error) is IgnoreRequest and "robots.txt" in str(error)
        if guessed and (missing or forbidden):
            self.counts.guesses_missing += 1
            release(failure)
            return
        kind, detail = classify(failure)
        release(failure)
        if kind == "too_large":
            self.counts.files_too_large += 1
        listed_in = f" (listed in {via})" if via else ""
        self._notice(f"{source} {request.url}{listed_in}: {detail}")

    def request_dropped(self, request: scrapy.Request, **_: Any) -> None:
        """Signal handler: the scheduler refused one of our requests (duplicate filter)."""
        if META in request.meta:
            _, source, guessed, _ = self._finish(request.meta)
            if guessed:  # e.g. /sitemap.xml redirected to the home page: nothing there
                self.counts.guesses_missing += 1
                return
            self._notice(f"{source} {request.url}: already requested in this crawl, not read")

    # --- parsing helpers -------------------------------------------------------------------

    def _finish(self, meta: dict[str, Any]) -> tuple[int, Source, bool, str]:
        token, source, guessed, via = meta[META]
        self._in_flight.discard(token)
        return token, source, guessed, via

    def _sitemap_body(self, response: Response, guessed: bool) -> bytes | None:
        """The XML bytes: gunzipped when the body is gzip (HttpCompressionMiddleware already
        undid a Content-Encoding), bounded by the sitemap size limit."""
        if not gzip_magic_number(response):
            return response.body
        try:
            return gunzip(response.body, max_size=self.sitemap_maxsize)
        except ValueError:  # scrapy's _DecompressionMaxSizeExceeded
            self.counts.files_too_large += 1
            self._notice(
                f"sitemap {response.url}: larger than {self.sitemap_maxsize} bytes "
                "uncompressed (PORTAL_SITEMAP_MAXSIZE): not read"
            )
        except (OSError, EOFError, zlib.error):
            self._unreadable(response, "sitemap", "broken gzip data", guessed)
        return None

    def _read_feed(self, response: Response, body: bytes, guessed: bool, via: str) -> bool:
        """Queue a feed's entries; False when the body is no feed. feedparser gets a stream
        (a bare string could make it open a URL or a local file) and the response's URL."""
        headers = {"content-location": response.url}
        content_type = response.headers.get("Content-Type")
        if content_type:
            headers["content-type"] = content_type.decode("latin-1")
        parsed = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            resolve_relative_uris=False,
            sanitize_html=False,
        )
        if not parsed.version and not parsed.entries:
            return False
        self.counts.feeds_read += 1
        entries = []
        for entry in parsed.entries:
            link = entry.get("link")
            if link:
                stamp = entry.get("published_parsed") or entry.get("updated_parsed")
                entries.append((urljoin(response.url, link), _iso(stamp)))
        self._queue_file("feed", response, entries)
        return True

    def _queue_file(
        self, source: Source, response: Response, entries: list[tuple[str, str | None]]
    ) -> None:
        """Decide the file's date credibility, then queue its in-scope, new URLs."""
        fetched_at = _fetched_at(response)
        credible = dates_credible((lastmod for _, lastmod in entries), fetched_at)
        file_no = len(self._files)
        self._files.append(_File(source, response.url, credible))
        bit = 1 if source == "sitemap" else 2
        shared: dict[str, str] = {}  # one string per distinct date (generation stamps repeat)
        for raw, lastmod in entries:
            url = self._site_url(raw)
            if url is None:
                self.counts.dropped_offsite += 1
                continue
            seen = self._listed.get(url)
            if seen is not None:
                self._listed[url] = seen | bit
                self.counts.duplicates += 1
                continue
            if not self.robots_allowed(url):
                self.counts.dropped_robots += 1
                continue
            if self._full():
                self.counts.dropped_limit += 1
                continue
            self._listed[url] = bit
            if lastmod is not None:
                lastmod = shared.setdefault(lastmod, lastmod)
            self._queue.append((url, file_no, lastmod))
            self.counts.urls_listed += 1
        self.logger.info(
            "%s %s: %d entries, dates %s",
            source,
            response.url,
            len(entries),
            "credible" if credible else "not credible",
        )

    def _full(self) -> bool:
        return self.max_urls is not None and self.counts.urls_listed >= self.max_urls

    def _site_url(self, url: str) -> str | None:
        """The URL on the portal's own scheme and host (same site: the host with or without
        www., default or the portal's port), percent-encoded as Scrapy requests it and
        canonical (urls.canonical_url); None when it is on another site."""
        if url.startswith(self._prefix) and _PLAIN_PATH.fullmatch(url, len(self._prefix)):
            return url  # already in final form: the common case, 50,000 times per file
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            return None
        if parts.scheme not in _DEFAULT_PORTS or _bare(parts.hostname or "") not in self._hosts:
            return None
        if self._port == _DEFAULT_PORTS.get(self._scheme):
            # http <-> https of the same site: either scheme's default port.
            if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
                return None
        elif port != self._port:
            return None
        rebuilt = urlunsplit((self._scheme, self._netloc, parts.path or "/", parts.query, ""))
        return canonical_url(safe_url_string(rebuilt))

    def _unreadable(self, response: Response, source: str, why: str, guessed: bool) -> None:
        if guessed:  # a guessed path answered with some other page (a soft 404): silent
            self.counts.guesses_missing += 1
        else:
            self._notice(f"{source} {response.url}: {why}")

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        self.logger.info("second source notice: %s", text)


def _bare(host: str) -> str:
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def _feed_links(home: Document) -> list[str]:
    """Feeds the home page declares with <link rel="alternate" type="application/rss+xml">."""
    found = []
    for link in home.root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES:
            url = home.absolute(link.get("href"))
            if url:
                found.append(url)
    return list(dict.fromkeys(found))


def _absolute(base: str, loc: str) -> str:
    loc = loc.strip()
    return loc if loc.startswith(("http://", "https://")) else urljoin(base, loc)


def _iso(stamp: Any) -> str | None:
    """feedparser's UTC struct_time as our ISO form (Vietnam time)."""
    if not stamp:
        return None
    try:
        moment = datetime(*stamp[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def _fetched_at(response: Response) -> datetime:
    received = response.meta.get("received_at")
    if received:
        try:
            stamp = datetime.fromisoformat(str(received))
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.now(UTC)
