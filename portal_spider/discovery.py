"""Finding a portal's sections by evidence, inside a Scrapy crawl (issue 15).

`SectionDiscovery` is a collaborator, not a spider: the probe spider (`portal-archive add`)
and the crawl spider both hold one. It requests the home page, takes every candidate link
(`extract.sections.section_candidates`), requests each candidate's page and one or two of its
items, and classifies the target (`classify_target`). All requests go through Scrapy (robots.txt,
delays, retries), each has an errback, and a request budget bounds them; candidates left over
when the budget is spent are reported as such, never dropped silently.

Every request is `dont_filter=True`: the dupefilter would drop a request the crawl already
made (a section listing, an article an aggregate also lists) without calling any callback, and
the candidate would never be decided. The budget is what bounds them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from .extract import extract_page, parse_document
from .extract.record import PageRecord
from .extract.sections import (
    PageCues,
    SectionCandidate,
    SectionVerdict,
    as_listing,
    classify_target,
    furniture_of,
    item_links,
    page_cues,
    read_item,
    section_candidates,
)
from .items import SectionItem
from .pages import declared_encoding
from .urls import canonical_url

#: Items fetched per listing to tell news from documents, schedules, Q&A.
ITEMS_PER_LISTING = 2
#: Default request budget of one discovery (home page not counted).
DEFAULT_BUDGET = 300

# Which candidates are fetched first when the budget cannot cover them all.
SECTION_MENU = "section_menu"  # found in a section page's menus, not the home page's
_FETCH_ORDER = {
    "more_link": 0,
    "menu": 1,
    "submenu": 2,
    "footer": 3,
    "banner": 4,
    SECTION_MENU: 5,
    "sitemap": 6,
}
#: found_in of a folder that holds articles only a sitemap or feed listed (see `judge`).
SITEMAP = "sitemap"

# SectionFinding.status values.
FETCHED = "fetched"  # the target answered; the verdict is from its page
FAILED = "failed"  # the target did not answer (verdict "unreachable")
NOT_FETCHED = "not_fetched"  # offline (`detect`): the home page alone
OVER_BUDGET = "over_budget"  # the request budget was spent before this candidate
KNOWN = "known"  # already a section of the registry entry: not fetched again
NO_ANSWER = "no_answer"  # Scrapy dropped the request without calling back (should not happen)


@dataclass(frozen=True, slots=True)
class SectionFinding:
    """One candidate and what became of it."""

    candidate: SectionCandidate
    verdict: SectionVerdict | None  # None when the target was not fetched
    listing_url: str | None  # where the target answered (after redirects)
    status: str

    def to_json(self) -> dict[str, str]:
        """The shape printed by `add --dry-run --json` (and checked by the fixture tests)."""
        return {
            "path": self.candidate.path,
            "name": self.candidate.name,
            "found_in": self.candidate.found_in,
            "verdict": self.verdict.kind if self.verdict else self.status.replace("_", " "),
            "evidence": self.verdict.evidence if self.verdict else _UNFETCHED[self.status],
            "url": self.candidate.url,
        }

    def to_item(self, portal: str, at: str | None = None) -> SectionItem:
        """The archive's record of this finding."""
        return SectionItem(
            portal=portal,
            path=self.candidate.path,
            name=self.candidate.name,
            kind=self.verdict.kind if self.verdict else None,
            found_in=self.candidate.found_in,
            evidence=self.to_json()["evidence"],
            status=self.status,
            at=at or datetime.now(UTC).isoformat(timespec="seconds"),
        )


_UNFETCHED = {
    NOT_FETCHED: "not fetched (offline: the home page alone)",
    OVER_BUDGET: "not fetched: the request budget was spent",
    KNOWN: "already a section of this portal",
    NO_ANSWER: "not fetched: the request got no answer",
}


def offline_findings(candidates: Iterable[SectionCandidate]) -> list[SectionFinding]:
    """Findings for `detect`: every candidate, nothing fetched."""
    return [SectionFinding(c, None, None, NOT_FETCHED) for c in candidates]


@dataclass(slots=True)
class _Target:
    """A candidate whose page answered, waiting for its items."""

    candidate: SectionCandidate
    listing: PageRecord
    cues: PageCues
    url: str
    pending: list[str] = field(default_factory=list)  # item URLs not requested yet
    items: list[tuple[PageRecord, PageCues]] = field(default_factory=list)


class SectionDiscovery:
    """Requests the home page, then candidates and their items; collects `findings`.

    `known_paths`: sections already in the registry (not fetched again, reported "known").
    `on_verdict`: called with each finding as it is decided; the requests it returns are
    yielded from the callback (the crawl spider starts crawling a new news section that way).
    `progress`: called with a short line now and then (the CLI prints it on stderr).
    """

    def __init__(
        self,
        base_url: str,
        *,
        budget: int = DEFAULT_BUDGET,
        known_paths: set[str] | None = None,
        logger: logging.Logger | logging.LoggerAdapter | None = None,
        on_verdict: Callable[[SectionFinding], Iterable[scrapy.Request]] | None = None,
        progress: Callable[[str], None] | None = None,
        items_per_listing: int = ITEMS_PER_LISTING,
    ) -> None:
        self.base_url = base_url
        self.budget = budget
        self.known_paths = set(known_paths or ())
        self.logger = logger or logging.getLogger(__name__)
        self.on_verdict = on_verdict
        self.progress = progress
        self.items_per_listing = items_per_listing
        self.home: Response | None = None
        self.home_failure: str | None = None
        self.candidates: list[SectionCandidate] = []
        self.findings: list[SectionFinding] = []
        self.requests_made = 0
        self._targets: dict[str, _Target] = {}
        self._decided: set[str] = set()
        self._paths: list[str] = []
        self._furniture: frozenset[str] = frozenset()
        self._finished = False
        self._listings_left = 0

    # -- requests ----------------------------------------------------------------------------

    def home_request(self) -> scrapy.Request:
        """The home page request; its callback yields the candidates' requests."""
        return scrapy.Request(
            self.base_url,
            callback=self.parse_home,
            errback=self.home_failed,
            dont_filter=True,
            priority=10,
        )

    def _request(self, url: str, callback: Any, errback: Any, **kwargs: Any) -> scrapy.Request:
        self.requests_made += 1
        return scrapy.Request(
            url, callback=callback, errback=errback, dont_filter=True, cb_kwargs=kwargs
        )

    def _spend(self) -> bool:
        return self.requests_made < self.budget

    # -- callbacks ---------------------------------------------------------------------------

    def parse_home(self, response: Response) -> Iterator[Any]:
        """Candidates of the home page; a request for each (within the budget)."""
        self.home = response
        if response.status >= 400:
            self.home_failure = f"HTTP {response.status}"
            return
        doc = parse_document(response.body, response.url, _encoding(response))
        self.candidates = section_candidates(doc)
        self._furniture = furniture_of(doc)
        self._paths = [c.path for c in self.candidates if not c.other_host] + sorted(
            self.known_paths
        )
        self._say(f"home page: {len(self.candidates)} candidate links")
        # Half the budget for candidate pages, the rest for their items; when it cannot
        # cover every candidate, news-block links and the top menu go first.
        self._listings_left = (self.budget - self.requests_made + 1) // 2
        for candidate in sorted(self.candidates, key=lambda c: _FETCH_ORDER[c.found_in]):
            yield from self._start(candidate)

    def _start(self, candidate: SectionCandidate) -> Iterator[Any]:
        """Request a candidate's page, or decide it at once (other host, known, no budget)."""
        if candidate.other_host:
            verdict = classify_target(candidate, PageRecord(url=candidate.url), [])
            yield from self._decide(SectionFinding(candidate, verdict, None, FETCHED))
        elif candidate.path in self.known_paths:
            yield from self._decide(SectionFinding(candidate, None, None, KNOWN))
        elif self._listings_left <= 0 or not self._spend():
            yield from self._decide(SectionFinding(candidate, None, None, OVER_BUDGET))
        else:
            self._listings_left -= 1
            request = self._request(
                candidate.url, self.parse_target, self.target_failed, candidate=candidate
            )
            yield request.replace(priority=-_FETCH_ORDER[candidate.found_in])

    def judge(self, candidates: list[SectionCandidate], home: Any = None) -> Iterator[Any]:
        """Judge candidates that no home page offered (the crawl's folders of articles only
        a sitemap listed): the same requests, verdicts and `on_verdict` hook as for the home
        page's links. For a discovery that did not read a home page; `home` (the home page's
        Document, if read) tells the site's furniture (a sidebar schedule box is no cue)."""
        if home is not None:
            self._furniture = furniture_of(home)
        self.candidates = list(candidates)
        self._paths = [c.path for c in self.candidates] + sorted(self.known_paths)
        self._listings_left = (self.budget - self.requests_made + 1) // 2
        if not self.candidates:
            yield from self.finish()
        for candidate in self.candidates:
            yield from self._start(candidate)

    def page_title(self, path: str) -> str | None:
        """The title a fetched candidate's page gives itself (a name for a folder found
        through the sitemap, which no menu names)."""
        target = self._targets.get(path)
        return target.listing.title if target is not None else None

    def _section_menu(self, doc: Any) -> Iterator[Any]:
        """Sub-sections a section's own page offers in its menus (a parent's sub-navigation)
        that the home page does not: candidates too, one level deep."""
        seen = {_key(c) for c in self.candidates} | self.known_paths
        for found in section_candidates(doc):
            if found.other_host or found.found_in not in ("menu", "submenu"):
                continue
            if _key(found) in seen:
                continue
            candidate = replace(found, found_in=SECTION_MENU)
            seen.add(_key(candidate))
            self.candidates.append(candidate)
            self._paths.append(candidate.path)
            yield from self._start(candidate)

    def home_failed(self, failure: Any) -> None:
        self.home_failure = _reason(failure)
        self.logger.warning("home page %s: %s", self.base_url, self.home_failure)

    def parse_target(self, response: Response, candidate: SectionCandidate) -> Iterator[Any]:
        """A candidate's page: classify it, or first fetch one or two of its items."""
        if response.status >= 400:
            yield from self._unreachable(candidate, f"HTTP {response.status}")
            return
        landed = canonical_url(response.url)
        if landed != candidate.url and _site_of(landed) != _site_of(candidate.url):
            yield from self._unreachable(candidate, f"redirects off the portal to {landed}")
            return
        if landed != candidate.url and _is_home(landed, self.base_url):
            yield from self._unreachable(candidate, "redirects to the home page")
            return
        body, encoding = response.body, _encoding(response)
        try:
            listing = extract_page(body, response.url, encoding)
            doc = parse_document(body, response.url, encoding)
            cues = page_cues(doc, listing, self._furniture)
        except Exception as exc:  # a bug on one hostile page must not leave it undecided
            self.logger.exception("discovery: cannot read %s", response.url)
            yield from self._unreachable(candidate, f"unreadable page ({type(exc).__name__})")
            return
        if not candidate.name and listing.title:  # a banner without alt text
            candidate = replace(candidate, name=listing.title)
        target = _Target(candidate, listing, cues, response.url)
        if candidate.found_in != SECTION_MENU and as_listing(listing, cues).kind == "listing":
            yield from self._section_menu(doc)
        self._targets[candidate.path] = target
        links = item_links(as_listing(listing, target.cues), self._paths)
        links = [u for u in links if _site_of(u) == _site_of(response.url)]
        target.pending = links[: self.items_per_listing]
        yield from self._next_item(target)

    def target_failed(self, failure: Any) -> Iterator[Any]:
        candidate = failure.request.cb_kwargs["candidate"]
        yield from self._unreachable(candidate, _reason(failure))

    def parse_item(self, response: Response, path: str) -> Iterator[Any]:
        target = self._targets[path]
        if response.status < 400:
            body, encoding = response.body, _encoding(response)
            try:
                record = extract_page(body, response.url, encoding, expect="article")
                doc = parse_document(body, response.url, encoding)
                cues = page_cues(doc, record, self._furniture)
            except Exception:  # as a failed item: the next one is read instead
                self.logger.exception("discovery: cannot read %s", response.url)
            else:
                target.items.append((record, cues))
                if read_item(record, cues) == "article" and not target.cues.document:
                    target.pending.clear()  # one article confirms an undisputed listing
        yield from self._next_item(target)

    def item_failed(self, failure: Any) -> Iterator[Any]:
        target = self._targets[failure.request.cb_kwargs["path"]]
        self.logger.info("item %s: %s", failure.request.url, _reason(failure))
        yield from self._next_item(target)

    # -- decisions ---------------------------------------------------------------------------

    def _next_item(self, target: _Target) -> Iterator[Any]:
        """Items one at a time: the second only when the first did not settle the kind."""
        if target.pending and self._spend():
            url = target.pending.pop(0)
            yield self._request(url, self.parse_item, self.item_failed, path=target.candidate.path)
        else:
            yield from self._classify(target)

    def _classify(self, target: _Target) -> Iterator[Any]:
        verdict = self._verdict(target, None)
        yield from self._decide(SectionFinding(target.candidate, verdict, target.url, FETCHED))

    def _verdict(self, target: _Target, listed: dict[str, set[str]] | None) -> SectionVerdict:
        return classify_target(
            target.candidate,
            target.listing,
            [record for record, _ in target.items],
            listing_cues=target.cues,
            item_cues=[cues for _, cues in target.items],
            sections=self._paths,
            other_listings=listed,
        )

    def _unreachable(self, candidate: SectionCandidate, reason: str) -> Iterator[Any]:
        verdict = SectionVerdict("unreachable", reason)
        yield from self._decide(SectionFinding(candidate, verdict, None, FAILED))

    def _decide(self, finding: SectionFinding) -> Iterator[Any]:
        """Record a finding; once every candidate is decided, settle aggregates and call
        `on_verdict` for each (a news verdict is final only when all listings are in)."""
        key = _key(finding.candidate)
        if key in self._decided:
            return
        self._decided.add(key)
        self.findings.append(finding)
        if finding.status in (FETCHED, FAILED):
            done = sum(1 for f in self.findings if f.status in (FETCHED, FAILED))
            self._say(f"{done}/{len(self.candidates)} {finding.candidate.path}: " + _kind(finding))
        if len(self._decided) >= len({_key(c) for c in self.candidates}):
            yield from self.finish()

    @property
    def finished(self) -> bool:
        """Every candidate is decided and `on_verdict` has run (see `finish`)."""
        return self._finished

    def finish(self) -> Iterator[scrapy.Request]:
        """Settle aggregates and run the hook for every finding, once. Called when the last
        candidate is decided; a spider may call it on `spider_idle` in case one never was."""
        if self._finished:
            return
        self._finished = True
        self._settle_aggregates()
        if self.on_verdict is not None:
            for finding in self.results():
                yield from self.on_verdict(finding)

    def _settle_aggregates(self) -> None:
        """A news verdict whose items other sections list is an aggregate ("Tin mới" on a
        platform whose article URLs name no section): decided with every listing known."""
        listed = {
            path: set(item_links(as_listing(t.listing, t.cues), self._paths))
            for path, t in self._targets.items()
        }
        for n, finding in enumerate(self.findings):
            target = self._targets.get(finding.candidate.path)
            if target is None or finding.verdict is None or finding.verdict.kind != "news":
                continue
            verdict = self._verdict(target, listed)
            if verdict.kind != finding.verdict.kind:
                self.findings[n] = replace(finding, verdict=verdict)

    def results(self) -> list[SectionFinding]:
        """Every candidate's finding in home-page order (undecided ones as "no answer")."""
        if not self._finished:
            self._settle_aggregates()
        by_key = {_key(f.candidate): f for f in self.findings}
        return [
            by_key.get(_key(c)) or SectionFinding(c, None, None, NO_ANSWER) for c in self.candidates
        ]

    def _say(self, line: str) -> None:
        self.logger.info("discovery: %s", line)
        if self.progress is not None:
            self.progress(line)


def _key(candidate: SectionCandidate) -> str:
    return candidate.url if candidate.other_host else candidate.path


def _kind(finding: SectionFinding) -> str:
    return finding.verdict.kind if finding.verdict else finding.status


def _encoding(response: Response) -> str | None:
    """The declared charset only, as the crawl spider does (Scrapy's own would be a guess)."""
    return declared_encoding(response.headers.get("Content-Type"), response.body)


def _site_of(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    return (parts.hostname or "").removeprefix("www."), parts.port


def _is_home(url: str, base_url: str) -> bool:
    path = urlsplit(url).path.rstrip("/")
    return _site_of(url) == _site_of(base_url) and path in ("", urlsplit(base_url).path.rstrip("/"))


def _reason(failure: Any) -> str:
    value = failure.value
    response = getattr(value, "response", None)
    if response is not None and getattr(response, "status", None):
        return f"HTTP {response.status}"
    name = type(value).__name__
    if name == "IgnoreRequest":
        return f"not fetched: {value or 'forbidden by robots.txt'}"
    return failure.getErrorMessage() or name
