"""Downloader middlewares that turn hostile answers into clear, recorded failures.

Both raise IgnoreRequest subclasses (portal_spider.failures), which Scrapy hands to the
request's errback; the spider records them in `crawl_errors`.
"""

from __future__ import annotations

from scrapy.http import Request, Response

from .failures import NotHtmlError, RedirectLoopError
from .pages import binary_kind

#: Request meta flag: a gzip body is expected here (a .xml.gz sitemap, see second_sources).
GZIP_ALLOWED = "gzip_body_allowed"


class BinaryBodyMiddleware:
    """Refuse a PDF, image or other binary body served where a page was expected.

    Portals serve attachments as `text/html`, so the Content-Type cannot be trusted; the magic
    bytes can. Placed after HttpCompressionMiddleware (priority 585 < 590), so it sees the
    decompressed body. Only successful answers are checked: error pages are handled later.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        if 200 <= response.status < 300:
            kind = binary_kind(response.body)
            if kind == "gzip" and request.meta.get(GZIP_ALLOWED):
                return response
            if kind is not None:
                content_type = response.headers.get("Content-Type", b"").decode("latin-1")
                raise NotHtmlError(f"{kind} served as {content_type or 'no content type'}")
        return response


class RedirectLoopMiddleware:
    """Stop a redirect back to a URL visited on the way (A -> B -> A).

    Scrapy's RedirectMiddleware only counts hops (REDIRECT_MAX_TIMES); a cycle back to the
    first URL is instead dropped *silently* by the duplicate filter, so the page would be lost
    without a trace. Runs before RedirectMiddleware (priority 610 > 600) on the way back.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
            location = response.headers["Location"].decode("latin-1")
            target = response.urljoin(location)
            visited = [*request.meta.get("redirect_urls", []), request.url]
            if target in visited:
                chain = " -> ".join([*visited, target])
                raise RedirectLoopError(f"redirect loop: {chain}")
        return response
