"""The one spider: a portal's sections -> listing pages (with pagination) -> articles.

Crawl flow only. What a page contains is decided by portal_spider.extract (pure), where it is
stored by the pipeline; the spider decides which requests to make.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from ..extract import PageRecord, extract_page
from ..failures import classify, release
from ..items import (
    ArticleItem,
    CounterItem,
    ErrorItem,
    ListedItem,
    NotModifiedItem,
    RemovalItem,
    SectionPagingItem,
)
from ..memory import DEFAULT_REVISIT_DAYS, CrawlMemory, Revisit
from ..middlewares import utc_now
from ..pages import declared_encoding
from ..registry import Limits, Portal, Section, get_portal
from ..runtime import tune_gc_for_crawling
from ..urls import canonical_url, trusted_canonical

# Statuses a revisit must see instead of Scrapy's redirect/error handling.
REVISIT_STATUSES = [301, 302, 303, 307, 308, 304, 404, 410]


class PortalSpider(scrapy.Spider):
    """Crawl one registered portal: `scrapy crawl portal -a portal=SLUG [-a base_url=URL]`."""

    name = "portal"

    def __init__(
        self,
        portal: str | Portal | None = None,
        base_url: str | None = None,
        config: str | None = None,
        full: bool | str = False,
        revisit_days: int | str = DEFAULT_REVISIT_DAYS,
        since: str | None = None,
        max_pages_per_section: int | str | None = None,
        max_requests: int | str | None = None,
        max_sitemap_urls: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.portal = _resolve_portal(portal, base_url, config)
        #: The registry's limits for this portal, overridden by the command line's.
        self.limits = self.portal.limits.override(
            Limits(
                _limit(max_pages_per_section, "max_pages_per_section"),
                _limit(max_requests, "max_requests"),
                _limit(max_sitemap_urls, "max_sitemap_urls"),
            )
        )
        #: Why a configured limit cut this crawl short (the crawl is then partial).
        self.limits_hit: list[str] = []
        #: Findings that are not failures (dead sitemap entries, vanished sections).
        self.notices: list[str] = []
        #: Per section path: "paging" until its pagination ends, then "end" (last page, a
        #: repeated page, or known articles in a complete section), "cut" (a limit or a
        #: failed listing page: the archive may lack older pages) or "stopped" (--since).
        self.paging: dict[str, str] = {}
        #: Per section path: listing page URLs requested in this run.
        self._listing_urls: dict[str, set[str]] = {}
        self.allowed_domains = [self.portal.host]
        self.pages_seen = 0
        self.full = str(full).lower() in ("1", "true", "yes")
        self.revisit_days = int(revisit_days)
        #: "YYYY-MM-DD": archive only articles published on or after this day.
        self.since = _check_since(since)
        self.memory = CrawlMemory.empty()
        #: Per section name: article URLs shown by the listing pages crawled in this run.
        self._listed: dict[str, set[str]] = {}
        #: Sections where an article older than --since turned up: no further pages.
        self._before_since: set[str] = set()
        #: URLs already re-requested in this run (revisits, dropped-out articles).
        self._rechecked: set[str] = set()
        #: Article URLs archived in this run: a duplicate (URL variant) is not archived twice.
        self._archived: set[str] = set()
        #: Per section name: listing pages crawled in this run (trap detection).
        self._listing_pages: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        """Apply per-portal politeness before Scrapy freezes the settings."""
        spider: PortalSpider = super().from_crawler(crawler, *args, **kwargs)
        tune_gc_for_crawling()
        portal = spider.portal
        if portal.is_loopback:
            # Our own demo portal on this machine: no one to be polite to. One request at a
            # time: parallel responses that arrive in the same reactor turn cannot be put in
            # serving order, and the counter series must follow it (the crawl is CPU-bound
            # on loopback anyway: 1 or 8 in flight measured the same pages/s).
            crawler.settings.set("DOWNLOAD_DELAY", 0, priority="spider")
            crawler.settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
            crawler.settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 1, priority="spider")
            # Retries still wait (the code path runs), but briefly: the demo's faults do
            # not heal with time, they fail a fixed number of requests.
            crawler.settings.set("RETRY_BACKOFF_BASE", 0.01, priority="spider")
            crawler.settings.set("RETRY_BACKOFF_MAX", 0.2, priority="spider")
        elif portal.download_delay is not None:
            crawler.settings.set("DOWNLOAD_DELAY", portal.download_delay, priority="spider")
        if spider.limits.max_requests:
            # Per portal (several portals crawl in one process): Scrapy's CloseSpider
            # extension reads it from this crawler's settings.
            crawler.settings.set(
                "CLOSESPIDER_PAGECOUNT", spider.limits.max_requests, priority="spider"
            )
        if not portal.obey_robots:
            # Only an explicit per-portal registry flag turns this off; crawls record it.
            crawler.settings.set("ROBOTSTXT_OBEY", False, priority="spider")
        contact = portal.contact or crawler.settings.get("PORTAL_ARCHIVE_CONTACT")
        if contact:
            agent = crawler.settings.get("USER_AGENT")
            crawler.settings.set("USER_AGENT", f"{agent} +{contact}", priority="spider")
        return spider

    async def start(self) -> Any:
        """Conditional re-requests of recent articles, then one request per news section."""
        self.memory = CrawlMemory.load(
            self.settings.get("ARCHIVE_DB_PATH"), self.portal.slug, self.revisit_days
        )
        if not self.memory.complete and not self.full:
            self.logger.info("previous crawl unfinished or none: following every listing page")
        for revisit in self.memory.revisits:
            yield self._recheck(revisit)
        for url, section_name in self.memory.failed:
            # Not read last time: ask again in full (no validators: a 304 would keep the
            # failed copy), wherever the article now sits in the listings.
            self.crawler.stats.inc_value("portal/refetch_failed")
            yield self._recheck(Revisit(url, None, None, False), self._section(section_name))
        for url, section in self.portal.section_urls():
            yield self._listing_request(url, section)

    def _listing_request(
        self, url: str, section: Section, priority: int = 0
    ) -> scrapy.Request | None:
        """The request for a listing page of ``section``; None when this run already asked
        for that page (the pagination came back to it: the section has ended)."""
        seen = self._listing_urls.setdefault(section.path, set())
        if url in seen:
            return None
        seen.add(url)
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            cb_kwargs={"section": section},
            priority=priority,
            errback=self.on_listing_error,
        )

    def _section_ended(self, section: Section, how: str) -> Iterator[SectionPagingItem]:
        """Record how the section's paging ended ("end", "cut" or "stopped"); only "end"
        tells the archive it now holds the whole section."""
        if self.paging.get(section.path) != "paging":
            return
        self.paging[section.path] = how
        self.crawler.stats.inc_value(f"portal/sections_{how}")
        if how == "end":
            yield SectionPagingItem(
                portal=self.portal.slug, path=section.path, reached_end=True, at=utc_now()
            )

    def _section(self, name: str | None) -> Section | None:
        return next((s for s in self.portal.sections if s.name == name), None)

    def _recheck(self, revisit: Revisit, section: Section | None = None) -> scrapy.Request:
        """A conditional re-request of an archived article (304 = unchanged)."""
        self._rechecked.add(revisit.url)
        headers = {}
        if revisit.etag:
            headers["If-None-Match"] = revisit.etag
        if revisit.last_modified:
            headers["If-Modified-Since"] = revisit.last_modified
        return scrapy.Request(
            revisit.url,
            headers=headers,
            callback=self.parse_article,
            cb_kwargs={"section": section},
            meta={"dont_redirect": True, "handle_httpstatus_list": REVISIT_STATUSES},
            dont_filter=True,
            errback=self.on_error,
        )

    def parse_listing(self, response: Response, section: Section) -> Iterator[Any]:
        """Follow every article of a listing page, then the next listing page."""
        record = self._extract(response)
        yield from self._counter(response, record)
        if section.path not in self.paging:
            # Until its paging ends, the archive does not hold all of this section: a crawl
            # killed now leaves it incomplete, and the next one follows every page again.
            self.paging[section.path] = "paging"
            yield SectionPagingItem(
                portal=self.portal.slug,
                path=section.path,
                reached_end=False,
                at=_received_at(response),
            )
        if record.kind != "listing":
            self.logger.warning("not a listing page: %s (%s)", response.url, record.kind)
            self.crawler.stats.inc_value("portal/not_listing")
            yield from self._section_ended(section, "cut")
            yield from self._dropped_out(section)
            return
        # Tracking and session parameters never select content: one URL per article.
        links = record.links = list(dict.fromkeys(canonical_url(url) for url in record.links))
        trap = self._trap(section, links)
        if trap:
            kind, detail = trap
            if kind == "limit":
                self.limits_hit.append(detail)
                yield from self._section_ended(section, "cut")
            else:
                yield self._error(response.url, "trap", detail)
                yield from self._section_ended(section, "end")
            yield from self._dropped_out(section)
            return
        self._listed.setdefault(section.name, set()).update(links)
        if links:
            yield ListedItem(
                portal=self.portal.slug,
                urls=links,
                source="listing",
                via=section.path,
                seen_at=_received_at(response),
            )
        known = self.memory.known
        # Articles whose last read failed are not "known": they keep paging going (even once
        # start() has fetched them again in this run), and are fetched once.
        unknown = [url for url in links if url not in known]
        new = [url for url in unknown if url not in self._archived]
        for url in new:
            if url in self._rechecked:
                continue
            yield response.follow(
                url, self.parse_article, cb_kwargs={"section": section}, errback=self.on_error
            )
        for url in links:
            article = known.get(url)
            if article is not None and article.removed and url not in self._rechecked:
                # Listed again after it was taken down: fetch it, it may be back.
                yield self._recheck(article.revisit(url), section)
        stop = self._stop_paging(record, unknown, section)
        if stop:
            yield from self._section_ended(section, stop)
            yield from self._dropped_out(section)
            return
        if record.next_page:
            # With --since, this page's articles go first: one of them may be older.
            request = self._listing_request(
                canonical_url(response.urljoin(record.next_page)),
                section,
                priority=-1 if self.since else 0,
            )
            if request is None:  # the "next" page is one this run already read
                self.crawler.stats.inc_value("portal/next_page_seen")
                yield from self._section_ended(section, "end")
                yield from self._dropped_out(section)
            else:
                yield request
        elif record.postback is not None:
            # SharePoint/ASP.NET paging: post the page's own form (with its __VIEWSTATE and
            # other hidden fields, which from_response collects) as the pager link would.
            yield scrapy.FormRequest.from_response(
                response,
                formid=record.postback.form_id,
                formdata={
                    "__EVENTTARGET": record.postback.target,
                    "__EVENTARGUMENT": record.postback.argument,
                },
                dont_click=True,
                callback=self.parse_listing,
                cb_kwargs={"section": section},
                priority=-1 if self.since else 0,
                errback=self.on_listing_error,
            )
        else:
            yield from self._section_ended(section, "end")
            yield from self._dropped_out(section)

    def _trap(self, section: Section, links: list[str]) -> tuple[str, str] | None:
        """Why this listing page ends the section's pagination, or None: ("trap", why) on
        evidence, ("limit", why) when a configured limit cuts it short.

        Pagination ends on evidence, not on a page count: a page whose every link was
        already listed earlier in the section (the same page again, an endless "next" chain,
        a calendar) adds nothing, and a "next" link back to a page already read ends it too
        (see parse_listing). ``max_pages_per_section`` (registry or --max-pages-per-section,
        off by default) is a limit: hitting it makes the crawl partial.
        """
        pages = self._listing_pages[section.name] = self._listing_pages.get(section.name, 0) + 1
        listed = self._listed.get(section.name, set())
        if pages > 1 and links and listed.issuperset(links):
            self.crawler.stats.inc_value("portal/trap_repeated")
            return "trap", f"section {section.name!r}: listing page {pages} repeats earlier pages"
        limit = self.limits.max_pages_per_section
        if limit and pages > limit:
            self.crawler.stats.inc_value("portal/limit_max_pages")
            return "limit", (
                f"section {section.path}: stopped after {limit} listing pages "
                "(max_pages_per_section)"
            )
        return None

    def _stop_paging(self, record: PageRecord, new: list[str], section: Section) -> str | None:
        """Whether older listing pages of this section can be skipped: "end" at a page of
        known articles in a section the archive holds whole, "stopped" for --since."""
        complete = self.memory.section_complete(section.path)
        if not (new or self.full or not complete):
            # Every article on this page is archived already: older pages hold nothing new.
            self.crawler.stats.inc_value("portal/stopped_at_known")
            return "end"
        if self.since is None:
            return None
        if section.name in self._before_since:
            self.crawler.stats.inc_value("portal/stopped_at_since")
            return "stopped"
        known = self.memory.known
        dates = [known[url].published_at for url in record.links if url in known]
        all_older = all(d and d[:10] < self.since for d in dates)
        if record.links and len(dates) == len(record.links) and all_older:
            self.crawler.stats.inc_value("portal/stopped_at_since")
            return "stopped"
        return None

    def _dropped_out(self, section: Section) -> Iterator[scrapy.Request]:
        """Re-request archived articles the crawled listing pages no longer show."""
        listed = self._listed.get(section.name)
        if not listed:
            return
        for revisit in self.memory.dropped_out(
            section.name, listed, exclude=self._rechecked, since=self.since
        ):
            self.crawler.stats.inc_value("portal/dropped_out")
            yield self._recheck(revisit, section)

    def parse_article(self, response: Response, section: Section | None) -> Iterator[Any]:
        """Archive one article page (its counter reading travels inside the record).

        Revisits also land here: 304 (unchanged), 404/410, a redirect to the home or a
        section page, or a "không tồn tại" page (removed).
        """
        status = response.status
        if status == 304:
            yield NotModifiedItem(
                portal=self.portal.slug,
                url=response.url,
                fetched_at=_received_at(response),
                http_headers=response.headers,
            )
            return
        if status in (404, 410):
            yield self._removal(response, f"http_{status}")
            return
        if 300 <= status < 400:
            yield from self._redirected(response, section)
            return
        # A URL variant (letter case, trailing slash) the page itself names canonical.
        canonical = trusted_canonical(response.body, response.url)
        # Reached through an article link (or a revisit): the extractor returns another kind
        # only on positive evidence, else an article flagged extraction_failed.
        record = self._extract(response, canonical, expect="article")
        if record.kind != "article":
            yield from self._counter(response, record)
            archived = response.url in self.memory.known or response.url in self._failed_urls
            if record.removal_notice and archived:
                yield self._removal(response, "soft_404")
                return
            self.logger.warning("not an article page: %s (%s)", response.url, record.kind)
            self.crawler.stats.inc_value("portal/not_article")
            yield self._error(response.url, "not_article", f"a {record.kind} page")
            return
        if record.url in self._archived:
            self.crawler.stats.inc_value("portal/duplicates")
            yield from self._counter(response, record)
            return
        if (
            self.since
            and section is not None
            and record.published_at
            and record.published_at[:10] < self.since
            and response.url not in self.memory.known
        ):
            # Older than --since: not archived in this run, and no older listing pages.
            self._before_since.add(section.name)
            self.crawler.stats.inc_value("portal/before_since")
            return
        self._archived.add(record.url)
        if record.extraction_failed:
            self.logger.warning(
                "could not read the article: %s (%s)", response.url, record.extraction_failed
            )
            self.crawler.stats.inc_value("portal/extraction_failed")
        yield ArticleItem(
            record=record.to_dict(),
            portal=self.portal.slug,
            section=section.name if section else None,
            fetched_at=_received_at(response),
            http_status=status,
            http_headers=response.headers,
        )

    def _redirected(self, response: Response, section: Section | None) -> Iterator[Any]:
        """A redirect to the home page or a section page means the article is gone; any
        other redirect (an article that moved) is followed."""
        location = response.headers.get("Location")
        target = response.urljoin(location.decode("latin-1")) if location else None
        landing = {self.portal.base_url} | {url for url, _ in self.portal.section_urls()}
        if target is None or target.rstrip("/") in {u.rstrip("/") for u in landing}:
            yield self._removal(response, "redirect")
        else:
            yield response.follow(
                target, self.parse_article, cb_kwargs={"section": section}, errback=self.on_error
            )

    def _removal(self, response: Response, reason: str) -> RemovalItem:
        return RemovalItem(
            portal=self.portal.slug,
            url=response.url,
            reason=reason,
            fetched_at=_received_at(response),
            http_status=response.status,
            http_headers=response.headers,
        )

    def _extract(
        self, response: Response, url: str | None = None, *, expect: str | None = None
    ) -> PageRecord:
        """Extract the page as found at `url` (default: where it was fetched); `expect` is
        what the crawl expects it to be ("article" for a page reached by an article link)."""
        self.pages_seen += 1
        encoding = declared_encoding(response.headers.get("Content-Type"), response.body)
        return extract_page(
            response.body,
            url or response.url,
            encoding,
            expect=expect,  # type: ignore[arg-type]
            captured_at=datetime.fromisoformat(_received_at(response)),
        )

    @property
    def _failed_urls(self) -> set[str]:
        return {url for url, _ in self.memory.failed}

    def on_listing_error(self, failure: Failure) -> Iterator[Any]:
        """A listing page could not be fetched: its section's paging is cut short (the
        archive may lack older pages; the next crawl follows them again)."""
        section = failure.request.cb_kwargs.get("section")  # type: ignore[attr-defined]
        yield from self.on_error(failure)
        if section is not None:
            yield from self._section_ended(section, "cut")

    def on_error(self, failure: Failure) -> Iterator[ErrorItem]:
        """Errback of every request: record why the page could not be fetched."""
        request = failure.request  # type: ignore[attr-defined]
        kind, detail = classify(failure)
        release(failure)
        retries = request.meta.get("retry_times", 0)
        if retries:
            detail = f"{detail} (after {retries} retries)"
        self.logger.warning("%s: %s (%s)", kind, request.url, detail)
        yield self._error(request.url, kind, detail)

    def _error(self, url: str | None, kind: str, detail: str) -> ErrorItem:
        self.crawler.stats.inc_value(f"portal/errors/{kind}")
        return ErrorItem(portal=self.portal.slug, url=url, kind=kind, detail=detail, at=utc_now())

    def _counter(self, response: Response, record: PageRecord) -> Iterator[CounterItem]:
        if record.visitor_counter:
            yield CounterItem(
                portal=self.portal.slug,
                observed_at=_received_at(response),
                page_url=response.url,
                counter=record.visitor_counter,
            )


def _received_at(response: Response) -> str:
    return str(response.meta.get("received_at") or utc_now())


def _limit(value: int | str | None, name: str) -> int | None:
    """A limit given to the spider (-a name=N, or from run_crawls): None or an int >= 1."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ValueError(f"{name} must be a whole number >= 1, not {value!r}")
    return number


def _check_since(since: str | None) -> str | None:
    if not since:
        return None
    try:
        return date.fromisoformat(str(since)).isoformat()
    except ValueError as exc:
        raise ValueError(f"since must be a date YYYY-MM-DD, not {since!r}") from exc


def _resolve_portal(
    portal: str | Portal | None, base_url: str | None, config: str | None
) -> Portal:
    if portal is None:
        raise ValueError("missing portal: use -a portal=SLUG")
    if isinstance(portal, str):
        extra = [Path(p) for p in (config or "").split(",") if p]
        portal = get_portal(portal, extra)
    return portal.with_base_url(base_url) if base_url else portal
