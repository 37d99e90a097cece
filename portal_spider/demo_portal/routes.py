"""URL routing: maps a request path to a response, independent of the HTTP plumbing.

URL scheme (the extractor relies on it):
  /                                         home
  /<section>/  and  /<section>/?page=N       section listings, 10 articles per page
  /<section>/<slug>-<id>.html[?trang-khac=N] article, with "other articles" page N
      (a removed article answers 404, a 302 to /, or a 200 "soft 404" page; see days.py)
  /images/<id>-<n>.png   /files/<id>/<name>.pdf   /static/site.css   /robots.txt
Anything else is the 404 page, which is a full HTML page with the counter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from . import assets
from .content import DemoPortal
from .render import Page, Renderer

HTML = "text/html; charset=utf-8"
_ARTICLE = re.compile(r"/([a-z-]+)/([a-z0-9-]+)-(\d{1,9})\.html")
_LISTING = re.compile(r"/([a-z-]+)(/?)")
_IMAGE = re.compile(r"/images/(\d{1,9})-(\d)\.png")
_FILE = re.compile(r"/files/(\d{1,9})/([a-z0-9-]+)\.pdf")


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

    def _html(self, page: Page | None) -> Response:
        page = page or self._not_found
        return Response(page.status, HTML, page=page)

    def route(self, target: str) -> Response:
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        if path == "/":
            return self._html(self._home)
        if path == "/robots.txt":
            return Response(200, "text/plain; charset=utf-8", self._robots)
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
