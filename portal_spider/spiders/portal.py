"""The one spider: a portal's sections -> listing pages (with pagination) -> articles.

Crawl flow only. What a page contains is decided by portal_spider.extract (pure), where it is
stored by the pipeline; the spider decides which requests to make.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ..article_urls import ArticleShapes, FolderIndex, section_of
from ..capture import CAPTURE
from ..discovery import SITEMAP, SectionDiscovery
from ..extract import PageRecord, extract_page, parse_document
from ..extract.sections import SectionCandidate
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
from ..second_sources import ListedURL, SecondSources, robots_sitemaps
from ..second_sources.credibility import instant
from ..urls import canonical_url, trusted_canonical

# Statuses a revisit must see instead of Scrapy's redirect/error handling.
REVISIT_STATUSES = [301, 302, 303, 307, 308, 304, 404, 410]
#: Request meta key of an article URL taken from a sitemap or feed: (source, via).
SECOND_SOURCE = "portal_second_source"
#: Section kinds the crawl follows as news (an aggregate lists other sections' articles).
CRAWLED_KINDS = ("news", "aggregate")


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
        #: Sections crawled in this run: the registry's, then those earlier crawls and this
        #: one's discovery judged news (see start() and _on_verdict).
        self.sections: list[Section] = list(self.portal.sections)
        #: Sections whose listing answered 404/410, redirected away or stopped reading as
        #: a listing: {path: (status, detail)} (reported, stored by the pipeline).
        self.section_problems: dict[str, tuple[str, str]] = {}
        #: Finds new sections on the home page (None: PORTAL_DISCOVERY off).
        self.discovery: SectionDiscovery | None = None
        #: Sitemaps and feeds, read once the listings are done (None until then).
        self.second: SecondSources | None = None
        #: What the article links of this portal look like (listing items, archived URLs).
        self.shapes = ArticleShapes()
        #: (source, via) -> URLs a sitemap or feed listed that are archived already (known,
        #: or archived by this run): their source is recorded by the pipeline at the end.
        self.second_known: dict[tuple[str, str], list[str]] = {}
        #: "listings" until the listings are done, then "second" (sitemaps, feeds), "done".
        self.phase = "listings"
        self._second_failures: dict[str, int] = {}
        #: Every article URL a listing showed in this run, and {folder: {section: items}}.
        self._all_listed: set[str] = set()
        self._folders = FolderIndex()
        #: Folders of articles only a sitemap or feed listed, in no known section.
        self._unplaced: Counter[str] = Counter()
        #: Judges those folders once the second sources are read (found_by "sitemap").
        self.sitemap_discovery: SectionDiscovery | None = None
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
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
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
        registry = {s.path for s in self.sections}
        for state in self.memory.sections:
            # Sections earlier crawls discovered (the registry keeps only the seeds).
            if (
                state.kind in CRAWLED_KINDS
                and state.status == "active"
                and state.path not in registry
            ):
                self.sections.append(Section(path=state.path, name=state.name or state.path))
        self.shapes.add(self.memory.known)
        for revisit in self.memory.revisits:
            yield self._recheck(revisit)
        for url, section_name in self.memory.failed:
            # Not read last time: ask again in full (no validators: a 304 would keep the
            # failed copy), wherever the article now sits in the listings.
            self.crawler.stats.inc_value("portal/refetch_failed")
            yield self._recheck(Revisit(url, None, None, False), self._section(section_name))
        for section in self.sections:
            yield self._listing_request(self._section_url(section), section)
        if self.portal.discover and self.settings.getbool("PORTAL_DISCOVERY", True):
            # One request a crawl (the home page); only candidates never judged are fetched.
            self.discovery = SectionDiscovery(
                self.portal.base_url,
                budget=self.settings.getint("PORTAL_DISCOVERY_BUDGET"),
                known_paths={s.path for s in self.memory.sections} | registry,
                logger=self.logger,
                on_verdict=self._on_verdict,
            )
            yield self.discovery.home_request()

    def _section_url(self, section: Section) -> str:
        return canonical_url(urljoin(self.portal.base_url, section.path))

    def _on_verdict(self, finding: Any) -> Iterator[scrapy.Request]:
        """Discovery judged a home-page link: a news section (or an aggregate) not crawled
        yet is crawled from now on. Every finding is stored by the pipeline at the end."""
        verdict = finding.verdict
        if verdict is None or verdict.kind not in CRAWLED_KINDS:
            return
        path = finding.candidate.path
        if any(s.path == path for s in self.sections):
            return
        name = finding.candidate.name or path
        if finding.candidate.found_in == SITEMAP and self.sitemap_discovery is not None:
            name = self.sitemap_discovery.page_title(path) or name
        section = Section(path=path, name=name)
        self.sections.append(section)
        self.crawler.stats.inc_value("portal/sections_discovered")
        self.logger.info("new section %s (%s): %s", path, section.name, verdict.evidence)
        request = self._listing_request(self._section_url(section), section)
        if request is not None:
            yield request

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

    def _section_ended(self, section: Section, how: str) -> None:
        """Record how the section's paging ended ("end", "cut" or "stopped"). The archive
        learns that it holds the whole section only when the crawl finishes (the pipeline
        reads ``paging`` then): the articles of the last pages are still being fetched now,
        and a crawl stopped before they are stored must leave the section incomplete."""
        if self.paging.get(section.path) != "paging":
            return
        self.paging[section.path] = how
        self.crawler.stats.inc_value(f"portal/sections_{how}")

    def _section(self, name: str | None) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

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
        first_page = self._listing_pages.get(section.name, 0) == 0
        moved = first_page and self._moved_away(response, section)
        if moved:
            self.section_problems[section.path] = ("moved", moved)
            self._section_ended(section, "cut")
            return
        if record.kind != "listing":
            self.logger.warning("not a listing page: %s (%s)", response.url, record.kind)
            self.crawler.stats.inc_value("portal/not_listing")
            if first_page:
                self.section_problems[section.path] = (
                    "not_listing",
                    f"{response.url} reads as a {record.kind} page, not a listing",
                )
            self._section_ended(section, "cut")
            yield from self._dropped_out(section)
            return
        # Tracking and session parameters never select content: one URL per article.
        links = record.links = list(dict.fromkeys(canonical_url(url) for url in record.links))
        trap = self._trap(section, links)
        if trap:
            kind, detail = trap
            if kind == "limit":
                self.limits_hit.append(detail)
                self._section_ended(section, "cut")
            else:
                yield self._error(response.url, "trap", detail, _capture(response))
                self._section_ended(section, "end")
            yield from self._dropped_out(section)
            return
        self._listed.setdefault(section.name, set()).update(links)
        self._all_listed.update(links)
        self._folders.add(section.name, links)
        self.shapes.add(links)
        if links:
            yield ListedItem(
                portal=self.portal.slug,
                urls=links,
                source="listing",
                via=section.path,
                seen_at=_received_at(response),
                section=section.name,
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
            self._section_ended(section, stop)
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
                self._section_ended(section, "end")
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
            self._section_ended(section, "end")
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
                capture=_capture(response),
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
        second = response.meta.get(SECOND_SOURCE)
        # Reached through an article link (or a revisit): the extractor returns another kind
        # only on positive evidence, else an article flagged extraction_failed. A sitemap
        # lists every page of a site: there extraction itself must say "article".
        record = self._extract(response, canonical, expect=None if second else "article")
        if second and record.kind != "article":
            yield from self._counter(response, record)
            self.crawler.stats.inc_value("portal/second_not_article")
            return
        if record.kind != "article":
            yield from self._counter(response, record)
            archived = response.url in self.memory.known or response.url in self._failed_urls
            if record.removal_notice and archived:
                yield self._removal(response, "soft_404")
                return
            self.logger.warning("not an article page: %s (%s)", response.url, record.kind)
            self.crawler.stats.inc_value("portal/not_article")
            yield self._error(
                response.url, "not_article", f"a {record.kind} page", _capture(response)
            )
            return
        if record.url in self._archived:
            self.crawler.stats.inc_value("portal/duplicates")
            yield from self._counter(response, record)
            return
        if (
            self.since
            and (section is not None or second)
            and record.published_at
            and record.published_at[:10] < self.since
            and response.url not in self.memory.known
        ):
            # Older than --since: not archived in this run, and no older listing pages.
            if section is not None and not second:
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
            capture=_capture(response),
        )
        if second and not record.extraction_failed:
            if section is None:
                folder = urlsplit(record.url).path.rsplit("/", 1)[0] + "/"
                if folder != "/":
                    self._unplaced[folder] += 1
            urls = list(dict.fromkeys([response.url, record.url]))
            for source, via in second:
                self.crawler.stats.inc_value(f"portal/second_archived/{source}")
                yield ListedItem(
                    portal=self.portal.slug,
                    urls=urls,
                    source=source,
                    via=via,
                    seen_at=_received_at(response),
                )

    def _redirected(self, response: Response, section: Section | None) -> Iterator[Any]:
        """A redirect to the home page or a section page means the article is gone; any
        other redirect (an article that moved) is followed."""
        location = response.headers.get("Location")
        target = response.urljoin(location.decode("latin-1")) if location else None
        landing = {self.portal.base_url} | {self._section_url(s) for s in self.sections}
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
            capture=_capture(response),
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

    def _moved_away(self, response: Response, section: Section) -> str | None:
        """Why a section's first listing page is not where the section was: redirected to
        the home page or off the portal (None when it is still there)."""
        if not response.meta.get("redirect_urls"):
            return None
        landed = canonical_url(response.url)
        home = canonical_url(self.portal.base_url)
        if landed.rstrip("/") == home.rstrip("/") or urlsplit(landed).hostname != self.portal.host:
            return f"{self._section_url(section)} redirects to {landed}"
        return None

    def on_listing_error(self, failure: Failure) -> Iterator[Any]:
        """A listing page could not be fetched: its section's paging is cut short (the
        archive may lack older pages; the next crawl follows them again). A section whose
        first page answers 404/410 is reported gone."""
        request = failure.request  # type: ignore[attr-defined]
        section = request.cb_kwargs.get("section")
        error = failure.value
        first = section is not None and self._listing_pages.get(section.name, 0) == 0
        if first and isinstance(error, HttpError) and error.response.status in (404, 410):
            self.section_problems[section.path] = (
                "gone",
                f"{request.url} answers HTTP {error.response.status}",
            )
            self.crawler.stats.inc_value("portal/sections_gone")
            release(failure)
            self._section_ended(section, "cut")
            return
        yield from self.on_error(failure)
        if section is not None:
            self._section_ended(section, "cut")

    # -- second sources: sitemaps and feeds, once the listings are done ----------------------

    def on_idle(self) -> None:
        """spider_idle: settle discovery, then read sitemaps and feeds, then feed the URLs
        they list to the scheduler one batch at a time (never all at once)."""
        engine = self.crawler.engine
        assert engine is not None
        if self.discovery is not None and not self.discovery.finished:
            scheduled = self._schedule(engine, self.discovery.finish())
            if scheduled:
                raise DontCloseSpider
        if self.phase == "listings":
            self.phase = "second"
            # A portal that answered nothing at all (refused, no route) has no sitemap to
            # read either: its failure is already recorded, guessing paths adds only noise.
            answered = self.crawler.stats.get_value("response_received_count", 0)
            wanted = self.portal.discover and self.settings.getbool("PORTAL_SECOND_SOURCES")
            if answered and wanted:
                self.second = SecondSources.from_crawler(
                    self.crawler,
                    self.portal.base_url,
                    [self.portal.host],
                    platform=self.portal.platform,
                    max_urls=self.limits.max_sitemap_urls,
                    logger=self.logger,
                )
                sitemaps = robots_sitemaps(self.crawler, self.portal.base_url)
                home = self._home_document()
                if self._schedule(engine, self.second.initial_requests(sitemaps, home)):
                    raise DontCloseSpider
        if self.phase == "second" and self.second is not None:
            while self.second.pending:
                if self._schedule(engine, self._second_requests(self.second.take())):
                    raise DontCloseSpider
            if not self.second.done:
                raise DontCloseSpider
        if self.phase == "second":
            self.phase = "sitemap_sections"
            if self._schedule(engine, self._judge_sitemap_folders()):
                raise DontCloseSpider
        late = self.sitemap_discovery
        if late is not None and not late.finished and self._schedule(engine, late.finish()):
            raise DontCloseSpider
        if self.phase != "done":
            self.phase = "done"
            self._close_second_sources()

    def _home_document(self) -> Any:
        """The home page discovery read, parsed (None if it was not read)."""
        response = self.discovery.home if self.discovery is not None else None
        if response is None or response.status >= 400:
            return None
        encoding = declared_encoding(response.headers.get("Content-Type"), response.body)
        return parse_document(response.body, response.url, encoding)

    def _judge_sitemap_folders(self) -> Iterator[scrapy.Request]:
        """Folders holding articles that only a sitemap or feed listed and that no known
        section contains: candidate sections no menu offers (found_by "sitemap"), judged
        like the home page's links; a news one is crawled."""
        if not self._unplaced or self.discovery is None:
            return
        known = {s.path for s in self.memory.sections} | {s.path for s in self.sections}
        candidates = [
            SectionCandidate(
                url=self._section_url(Section(path=folder, name=folder)),
                path=folder,
                name=folder,
                found_in=SITEMAP,
                other_host=False,
            )
            for folder, _ in self._unplaced.most_common()
            if folder not in known
        ]
        if not candidates:
            return
        self.sitemap_discovery = SectionDiscovery(
            self.portal.base_url,
            budget=self.settings.getint("PORTAL_DISCOVERY_BUDGET"),
            known_paths=known,
            logger=self.logger,
            on_verdict=self._on_verdict,
        )
        yield from self.sitemap_discovery.judge(candidates, self._home_document())

    def _schedule(self, engine: Any, requests: Any) -> int:
        count = 0
        for request in requests:
            if isinstance(request, scrapy.Request):
                engine.crawl(request)
                count += 1
        return count

    def _second_requests(self, batch: list[ListedURL]) -> Iterator[scrapy.Request]:
        """Requests for the article URLs of one batch that no listing led to: known and
        already-archived ones only get their source recorded; URLs that do not look like
        this portal's article links, or (with credible dates) older than --since, are not
        fetched."""
        stats = self.crawler.stats
        listed = self._all_listed
        paths = {s.name: s.path for s in self.sections}
        for entry in batch:
            url = entry.url
            if url in self.memory.known or url in self._archived:
                for source, via in self._second_sources_of(entry):
                    self.second_known.setdefault((source, via), []).append(url)
                known = self.memory.known.get(url)
                if (
                    known is not None
                    and url not in self._rechecked
                    and _changed_since(entry, known.last_seen_at)
                ):
                    # A credible lastmod after our last visit: the portal changed the page.
                    stats.inc_value("portal/second_lastmod_rechecks")
                    yield self._recheck(known.revisit(url), self._section(known.section))
                continue
            if url in listed or url in self._rechecked:
                continue  # requested by this run already (a failed read is not retried)
            if (
                self.since
                and entry.lastmod_credible
                and entry.lastmod
                and entry.lastmod[:10] < self.since
            ):
                stats.inc_value("portal/second_before_since")
                continue
            if not self.shapes.matches(url):
                stats.inc_value("portal/second_not_article_shape")
                continue
            stats.inc_value(f"portal/second_requests/{entry.source}")
            section = self._section(section_of(url, paths, self._folders))
            yield scrapy.Request(
                url,
                callback=self.parse_article,
                cb_kwargs={"section": section},
                errback=self.on_second_error,
                meta={SECOND_SOURCE: self._second_sources_of(entry)},
                priority=-5,
            )

    def _second_sources_of(self, entry: ListedURL) -> tuple[tuple[str, str | None], ...]:
        """(source, via) of every second source that listed this URL: a URL the sitemap
        and the feed both list is handed out once, under the file read first."""
        assert self.second is not None
        others = sorted(self.second.sources_of(entry.url) - {entry.source})
        return ((entry.source, entry.via), *((source, None) for source in others))

    def on_second_error(self, failure: Failure) -> None:
        """A URL a sitemap or feed listed could not be fetched: a dead entry is a notice
        (counted by kind), not a failure of the crawl."""
        kind, _ = classify(failure)
        release(failure)
        self._second_failures[kind] = self._second_failures.get(kind, 0) + 1

    def _close_second_sources(self) -> None:
        """Notices and limits of the second sources, for the summary and the crawls row."""
        if self._second_failures:
            kinds = ", ".join(f"{k} {n}" for k, n in sorted(self._second_failures.items()))
            self.notices.append(f"sitemap/feed entries that could not be fetched: {kinds}")
        for path, (status, detail) in self.section_problems.items():
            self.notices.append(f"section {path} {status}: {detail}")
        if self.second is None:
            return
        self.notices.extend(self.second.notices)
        for key, value in self.second.counts.as_dict().items():
            self.crawler.stats.set_value(f"portal/second_sources/{key}", value)
        if self.second.cut_short:
            self.limits_hit.append(f"{self.second.cut_short} (max_sitemap_urls)")

    def on_error(self, failure: Failure) -> Iterator[ErrorItem]:
        """Errback of every request: record why the page could not be fetched."""
        request = failure.request  # type: ignore[attr-defined]
        kind, detail = classify(failure)
        release(failure)
        retries = request.meta.get("retry_times", 0)
        if retries:
            detail = f"{detail} (after {retries} retries)"
        self.logger.warning("%s: %s (%s)", kind, request.url, detail)
        captured = request.meta.get(CAPTURE)
        if captured is None:
            detail = f"{detail}; no response: nothing captured"
        yield self._error(request.url, kind, detail, captured)

    def _error(
        self, url: str | None, kind: str, detail: str, capture: str | None = None
    ) -> ErrorItem:
        self.crawler.stats.inc_value(f"portal/errors/{kind}")
        return ErrorItem(
            portal=self.portal.slug, url=url, kind=kind, detail=detail, at=utc_now(),
            capture=capture,
        )  # fmt: skip

    def _counter(self, response: Response, record: PageRecord) -> Iterator[CounterItem]:
        if record.visitor_counter:
            yield CounterItem(
                portal=self.portal.slug,
                observed_at=_received_at(response),
                page_url=response.url,
                counter=record.visitor_counter,
                capture=_capture(response),
            )


def _capture(response: Response) -> str | None:
    """The WARC record id of this response's capture (None when capture is off)."""
    return response.meta.get(CAPTURE)


def _received_at(response: Response) -> str:
    return str(response.meta.get("received_at") or utc_now())


def _changed_since(entry: ListedURL, last_seen_at: str | None) -> bool:
    """Whether a sitemap/feed entry's date is credible and later than our last visit."""
    if not (entry.lastmod_credible and entry.lastmod and last_seen_at):
        return False
    changed, seen = instant(entry.lastmod), instant(last_seen_at.replace("Z", "+00:00"))
    return changed is not None and seen is not None and changed > seen


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
