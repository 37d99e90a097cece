"""URL routing: maps a request path to a response, independent of the HTTP plumbing.

URL scheme (the extractor relies on it):
  /                                         home
  /<section>/  and  /<section>/?page=N       section listings, 10 articles per page
  /<section>/<slug>-<id>.html[?trang-khac=N] article, with "other articles" page N
      (a removed article answers 404, a 302 to /, or a 200 "soft 404" page; see days.py)
  /images/<id>-<n>.png   /files/<id>/<name>.pdf   /static/site.css   /robots.txt
With the extras on (extras.py, the CLI default), also:
  /nong-thon-moi/ /guong-sang-co-so/ /cau-chuyen-khom-ap/   more news sections, same URL shapes
  /do-thi-van-minh/                         a section created on day 2 (404 before)
  /van-ban/[?page=N]  /van-ban/<slug>-<n>.html  /uploads/van-ban/<slug>-<n>.pdf
                                            document register, document pages, their PDFs
  /lich-cong-tac/[?page=N]                  weekly work schedule (page 1 = this week)
  /gioi-thieu/  /lien-he/                   static pages
  /sitemap.xml  /sitemaps/tin-bai-<n>.xml.gz  /sitemaps/chuyen-muc.xml  /sitemaps/trang.xml
                                            sitemap index and children (sources.py)
  /rss/                                     RSS 2.0, the newest articles
  robots.txt gains a `Sitemap:` line; sitemap and feed URLs are built from the Host header.
Anything else is the 404 page, which is a full HTML page with the counter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial
from urllib.parse import parse_qs, unquote, urlsplit

from . import assets, sources
from .content import DemoPortal
from .extras_pages import ExtraPages
from .render import Page, Renderer

HTML = "text/html; charset=utf-8"
_ARTICLE = re.compile(r"/([a-z-]+)/([a-z0-9-]+)-(\d{1,9})\.html")
_LISTING = re.compile(r"/([a-z-]+)(/?)")
_IMAGE = re.compile(r"/images/(\d{1,9})-(\d)\.png")
_FILE = re.compile(r"/files/(\d{1,9})/([a-z0-9-]+)\.pdf")
_DOCUMENT = re.compile(r"/van-ban/([a-z0-9-]+)-(\d{1,4})\.html")
_DOCUMENT_PDF = re.compile(r"/uploads/van-ban/([a-z0-9-]+)-(\d{1,4})\.pdf")
_CHUNK = re.compile(r"/sitemaps/tin-bai-(\d{1,4})\.xml\.gz")
XML = "application/xml; charset=utf-8"
DEFAULT_BASE = "http://127.0.0.1"


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes = b""
    page: Page | None = None  # an HTML page: the counter is inserted when it is sent
    location: str | None = None
    fault: str | None = None  # a byte-level injected fault to send instead (faults.py)


def _positive(values: list[str] | None) -> int | None:
    """The last value of a query parameter as a positive int; 1 when absent; None if invalid."""
    if not values:
        return 1
    text = values[-1]
    if not text.isascii() or not text.isdigit() or len(text) > 9 or int(text) < 1:
        return None
    return int(text)


class Router:
    def __init__(self, portal: DemoPortal, crawl_delay: float | None = None) -> None:
        self.portal = portal
        self._robots = assets.robots_txt(crawl_delay)
        self.renderer = Renderer(portal)
        self._home = self.renderer.home()
        self._not_found = self.renderer.not_found()
        self._soft_not_found = self.renderer.soft_not_found()
        self._css = assets.site_css()
        self.extra_pages = ExtraPages(self.renderer) if portal.extras is not None else None
        # A 50,000-URL child takes seconds to build: keep the last few (a portal never changes).
        self._chunk = lru_cache(maxsize=4)(partial(sources.article_chunk, portal))

    def _html(self, page: Page | None) -> Response:
        page = page or self._not_found
        return Response(page.status, HTML, page=page)

    def route(self, target: str, base: str = DEFAULT_BASE) -> Response:
        """`base`: scheme and host the request came to ("http://host:port"), for absolute URLs."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        if path == "/":
            return self._html(self._home)
        if path == "/robots.txt":
            robots = self._robots + (sources.robots_lines(base) if self.extra_pages else b"")
            return Response(200, "text/plain; charset=utf-8", robots)
        if self.extra_pages is not None and (extra := self._extra(path, query, base)):
            return extra
        if path == "/static/site.css":
            return Response(200, "text/css; charset=utf-8", self._css)
        if path == "/favicon.ico":
            return Response(200, "image/png", assets.png_image(0, 0))
        if match := _ARTICLE.fullmatch(path):
            return self._article(match, query)
        if match := _LISTING.fullmatch(path):
            return self._listing(match, query)
        if match := _IMAGE.fullmatch(path):
            return self._image(int(match[1]), int(match[2]))
        if match := _FILE.fullmatch(path):
            return self._file(int(match[1]), match[2])
        return self._html(None)

    def _extra(self, path: str, query: dict[str, list[str]], base: str) -> Response | None:
        """The extras' own URLs (None: not one of them)."""
        pages = self.extra_pages
        assert pages is not None
        portal = self.portal
        if path == "/sitemap.xml":
            return Response(200, XML, sources.sitemap_index(portal, base))
        if match := _CHUNK.fullmatch(path):
            body = self._chunk(int(match[1]), base)
            return Response(200, "application/x-gzip", body) if body else self._html(None)
        if path == "/sitemaps/chuyen-muc.xml":
            return Response(200, XML, sources.sections_child(portal, base))
        if path == "/sitemaps/trang.xml":
            return Response(200, XML, sources.pages_child(portal, base))
        if path in ("/rss/", "/rss"):
            return Response(200, "application/rss+xml; charset=utf-8", sources.rss(portal, base))
        if path in ("/gioi-thieu/", "/lien-he/"):
            return self._html(pages.about if path == "/gioi-thieu/" else pages.contact)
        if path in ("/van-ban/", "/lich-cong-tac/"):
            page = _positive(query.get("page"))
            render = pages.register if path == "/van-ban/" else pages.schedule
            return self._html(render(page) if page else None)
        if path in ("/van-ban", "/lich-cong-tac", "/gioi-thieu", "/lien-he"):
            return Response(301, HTML, location=path + "/")
        if match := _DOCUMENT.fullmatch(path):
            return self._html(pages.document(int(match[2]), match[1]))
        if (match := _DOCUMENT_PDF.fullmatch(path)) and pages.has_document(int(match[2]), match[1]):
            return Response(200, "application/pdf", assets.pdf_document(match[1]))
        return None

    def _article(self, match: re.Match[str], query: dict[str, list[str]]) -> Response:
        meta = self.portal.article_by_id(int(match[3]))
        if meta is None or meta.section.slug != match[1] or meta.slug != match[2]:
            return self._html(None)
        removal = self.portal.removal(meta)  # answered the same whatever the query
        if removal == "redirect":
            return Response(302, HTML, location="/")
        if removal == "soft_404":
            return self._html(self._soft_not_found)
        other_page = _positive(query.get("trang-khac"))
        if removal is not None or other_page is None:  # "http_404", or a bad page number
            return self._html(None)
        return self._html(self.renderer.article(meta, other_page))

    def _listing(self, match: re.Match[str], query: dict[str, list[str]]) -> Response:
        section = self.portal.section(match[1])
        if section is None:
            return self._html(None)
        if not match[2]:
            return Response(301, HTML, location=section.path)
        page = _positive(query.get("page"))
        return self._html(self.renderer.listing(section, page) if page else None)

    def _image(self, article_id: int, number: int) -> Response:
        meta = self.portal.article_by_id(article_id)
        if meta is None or not 1 <= number <= max(1, meta.images):
            return self._html(None)
        return Response(200, "image/png", assets.png_image(article_id, number))

    def _file(self, article_id: int, name: str) -> Response:
        meta = self.portal.article_by_id(article_id)
        if meta is not None:
            for attachment in self.portal.body(meta).attachments:
                if attachment.name == name:
                    return Response(200, "application/pdf", assets.pdf_document(name))
        return self._html(None)
