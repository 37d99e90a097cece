"""Injected faults: the demo portal misbehaving the ways real government portals do.

`portal-archive demo-portal --faults KIND[,KIND...] [--fault-rate R] [--seed S]` wraps the
router in a `FaultInjector`. Which pages get a fault is a pure function of (seed, kind, page
key) (`FaultPlan.hits`), so a test can ask the plan what the portal did (ground truth:
`article_faults`, `lost_articles`, `duplicate_links`). A page key is the article path
(``/chinh-tri/slug-10123.html``) or the listing page (``/chinh-tri/``, ``/chinh-tri/?page=3``).

Kinds, and whether the page can still be archived:

intermittent (a retry succeeds: the first 1 or 2 requests of a faulted URL fail, counted per
URL since the server started; articles and listing pages)
  ``http_500``  a 500, 502 or 503 error page
  ``slow``      the answer waits `slow_seconds` (default 75 s, above the crawler's 60 s timeout)
  ``reset``     half the body, then a TCP reset
permanent (the article is lost; article pages only, so every listing stays reachable)
  ``truncated``      Content-Length longer than the body, then the connection closes
  ``redirect_loop``  A -> A?vong=1 -> A, or an endless A?vong=N -> A?vong=N+1 chain
  ``huge``           a 50 MiB page, streamed (with Content-Length, or none and a close)
  ``gzip_bomb``      ~1 MB of gzip that inflates to 1 GiB + 1 MiB of zeros
  ``binary``         a PDF or a PNG served as ``text/html; charset=utf-8``
served correctly, oddly (the crawler must archive these articles exactly)
  ``bad_charset``    windows-1258 bytes declared as UTF-8, or with no charset declared at all
  ``malformed``      unclosed <p>, nested <form>s, stray </body></html> mid-page (articles and
                     listing pages)
  ``dup_params``     listing pages also link some articles as a variant URL (?utm_*,
                     ;jsessionid=, ?print=1, other letter case, trailing slash); the server
                     answers every variant (case-insensitively) with <link rel="canonical">
  ``calendar_trap``  every section's pagination never ends: past the last page come listing
                     pages repeating the last one (even sections) or empty "calendar" pages
                     (odd sections), each with a "next" link; rate-independent

Each page gets at most one response fault (the first kind in `RESPONSE_KINDS` that hits);
``dup_params`` and ``calendar_trap`` change links and listings and combine with any of them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import socket
import struct
import tempfile
import threading
import time
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from . import assets
from .content import ArticleMeta, DemoPortal, Section
from .counter import counter_html
from .render import Page
from .routes import _ARTICLE, _LISTING, DEFAULT_BASE, HTML, Response, Router, _positive

if TYPE_CHECKING:
    from .server import DemoPortalHandler

INTERMITTENT = ("http_500", "slow", "reset")
PERMANENT = ("truncated", "redirect_loop", "huge", "gzip_bomb", "binary")
RESPONSE_KINDS = (*INTERMITTENT, *PERMANENT, "bad_charset", "malformed")
KINDS = (*RESPONSE_KINDS, "dup_params", "calendar_trap")
LISTING_KINDS = (*INTERMITTENT, "bad_charset", "malformed")

DEFAULT_RATE = 0.1
DEFAULT_SLOW_SECONDS = 75.0  # above the crawler's default DOWNLOAD_TIMEOUT (60 s)
HUGE_SIZE = 50 * 1024 * 1024
BOMB_SIZE = 1024**3 + 1024**2  # "past 1 GB" of zeros once inflated
_CHUNK = 64 * 1024
_MAX_FAILURES = 2  # intermittent faults fail at most twice per URL: 3 retries always recover

__all__ = [
    "INTERMITTENT",
    "KINDS",
    "PERMANENT",
    "FaultInjector",
    "FaultPlan",
    "article_faults",
    "duplicate_links",
    "gzip_bomb",
    "lost_articles",
    "parse_kinds",
]


def parse_kinds(text: str) -> frozenset[str]:
    """Kinds from "http_500,slow"; "all" is every kind. ValueError names an unknown one."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if names == ["all"]:
        return frozenset(KINDS)
    unknown = [name for name in names if name not in KINDS]
    if unknown or not names:
        raise ValueError(
            f"unknown fault kind {', '.join(unknown) or repr(text)}; choose from "
            f"{', '.join(KINDS)} or all"
        )
    return frozenset(names)


@dataclass(frozen=True)
class FaultPlan:
    """Which faults, how often, from which seed: every decision below is a pure function."""

    kinds: frozenset[str]
    rate: float = DEFAULT_RATE
    seed: int = 1
    slow_seconds: float = DEFAULT_SLOW_SECONDS

    def __post_init__(self) -> None:
        if not 0 <= self.rate <= 1:
            raise ValueError(f"fault rate must be between 0 and 1, got {self.rate}")
        if not set(self.kinds) <= set(KINDS):
            raise ValueError(f"unknown fault kinds: {sorted(set(self.kinds) - set(KINDS))}")

    def _draw(self, kind: str, key: str, purpose: str = "") -> int:
        data = f"{self.seed}\x1f{kind}\x1f{purpose}\x1f{key}".encode()
        return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")

    def hits(self, kind: str, key: str) -> bool:
        """Whether the page `key` gets fault `kind` (independently of the other kinds)."""
        return kind in self.kinds and self._draw(kind, key) < self.rate * 2**64

    def page_fault(self, key: str, listing: bool = False) -> str | None:
        """The one response fault of a page: the first kind in RESPONSE_KINDS that hits."""
        allowed = LISTING_KINDS if listing else RESPONSE_KINDS
        return next((kind for kind in allowed if self.hits(kind, key)), None)

    def variant(self, kind: str, key: str, count: int) -> int:
        """Which of `count` flavours of a fault a page gets (0..count-1)."""
        return self._draw(kind, key, "variant") % count

    def failures(self, kind: str, key: str) -> int:
        """How many requests of a URL an intermittent fault spoils before it answers."""
        return 1 + self._draw(kind, key, "failures") % _MAX_FAILURES


# -- ground truth ---------------------------------------------------------------------------


def article_faults(portal: DemoPortal, plan: FaultPlan) -> dict[str, str]:
    """Listed article path -> the response fault its page gets (faultless pages left out)."""
    faults = {}
    for meta in portal.iter_articles():
        kind = plan.page_fault(meta.path)
        if kind is not None:
            faults[meta.path] = kind
    return faults


def lost_articles(portal: DemoPortal, plan: FaultPlan) -> dict[str, str]:
    """Articles the portal never serves correctly (a permanent fault): path -> kind.

    Every other listed article is served correctly at least once, given 2 retries.
    """
    return {path: kind for path, kind in article_faults(portal, plan).items() if kind in PERMANENT}


def duplicate_links(portal: DemoPortal, plan: FaultPlan) -> dict[str, str]:
    """Article path -> the variant URL (path and query) its listing page also links."""
    return {
        meta.path: _variant_url(plan, meta)
        for meta in portal.iter_articles()
        if plan.hits("dup_params", meta.path)
    }


# -- the injector ---------------------------------------------------------------------------


class FaultInjector:
    """A Router that misbehaves: `route` decides, `send` (called by the server) misbehaves.

    Route-level faults (redirect loops, malformed markup, duplicate links, traps) come back as
    ordinary responses; byte-level ones are tagged on `Response.fault` for `send`.
    """

    def __init__(self, plan: FaultPlan, router: Router) -> None:
        self.plan = plan
        self.router = router
        self.portal = router.portal
        self._attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        if "gzip_bomb" in plan.kinds:
            gzip_bomb()  # built (or read from its cache file) before the first request

    def route(self, target: str, base: str = DEFAULT_BASE) -> Response:
        raw = target
        if "dup_params" in self.plan.kinds:
            target = _undup(target)
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        if match := _ARTICLE.fullmatch(path):
            response = self.router.route(target, base)
            meta = self.portal.article_by_id(int(match[3]))
            if response.status != 200 or response.page is None or meta is None:
                return response
            return self._article(raw, meta, response, query)
        if (match := _LISTING.fullmatch(path)) and match[2]:
            section = self.portal.section(match[1])
            number = _positive(query.get("page"))
            if section is not None and number is not None:
                return self._listing(raw, target, section, number, base)
        return self.router.route(target, base)

    def _article(
        self, raw: str, meta: ArticleMeta, response: Response, query: dict[str, list[str]]
    ) -> Response:
        page = response.page
        assert page is not None
        if "dup_params" in self.plan.kinds:
            page = _insert_before(page, b"</head>", f'<link rel="canonical" href="{meta.path}">')
        fault = self.plan.page_fault(meta.path)
        if fault == "redirect_loop":
            return Response(302, HTML, location=self._loop_location(meta.path, query))
        if fault == "malformed":
            page = malform_article(page)
        return dataclasses.replace(response, page=page, fault=self._due(fault, meta.path, raw))

    def _loop_location(self, path: str, query: dict[str, list[str]]) -> str:
        step = query.get("vong", ["0"])[-1]
        step_number = int(step) if step.isascii() and step.isdigit() and len(step) < 9 else 0
        if self.plan.variant("redirect_loop", path, 2) == 0:  # A -> A?vong=1 -> A
            return path if step_number else f"{path}?vong=1"
        return f"{path}?vong={step_number + 1}"  # a chain that never ends

    def _listing(self, raw: str, target: str, section: Section, number: int, base: str) -> Response:
        last = self.portal.page_count(section)
        if number > last:
            if "calendar_trap" not in self.plan.kinds:
                return self.router.route(target, base)
            return Response(200, HTML, page=self._trap_page(section, number, last))
        response = self.router.route(target, base)
        page = response.page
        if response.status != 200 or page is None:
            return response
        if "dup_params" in self.plan.kinds:
            page = self._with_duplicates(page, section, number)
        if "calendar_trap" in self.plan.kinds and number == last:
            next_link = f'<a class="next" href="?page={number + 1}">Trang sau ›</a>'
            page = _insert_in_pagination(page, next_link)
        key = section.path if number == 1 else f"{section.path}?page={number}"
        fault = self.plan.page_fault(key, listing=True)
        if fault == "malformed":
            page = malform_listing(page)
        return dataclasses.replace(response, page=page, fault=self._due(fault, key, raw))

    def _with_duplicates(self, page: Page, section: Section, number: int) -> Page:
        """Append, after the list, a second link to each dup_params article of the page."""
        extra = "".join(
            f'<div class="news-item"><h3 class="news-title"><a href="{_variant_url(self.plan, a)}"'
            f">{_escape(a.title)}</a></h3></div>\n"
            for a in self.portal.listing(section, number)
            if self.plan.hits("dup_params", a.path)
        )
        return _insert_before(page, b'</div><div class="pagination">', extra) if extra else page

    def _trap_page(self, section: Section, number: int, last: int) -> Page:
        """Listing page `number` past the end: the last page again, or an empty calendar."""
        page = self.router.renderer.listing(section, last)
        assert page is not None
        prefix = page.prefix
        if section.index % 2:
            start, end = _list_bounds(prefix)
            empty = f'<div class="list-news">\n<p>Lịch công tác tuần {number}: chưa có sự kiện.</p>'
            prefix = prefix[:start] + empty.encode() + prefix[end:]
        pager = (
            f'<div class="pagination"><a class="prev" href="?page={number - 1}">‹ Trang trước</a>'
            f'<span class="current">{number}</span>'
            f'<a class="next" href="?page={number + 1}">Trang sau ›</a></div>'
        )
        prefix = _replace_between(prefix, b'<div class="pagination">', b"</div>", pager)
        return dataclasses.replace(page, prefix=prefix)

    def _due(self, fault: str | None, key: str, raw: str) -> str | None:
        """The byte-level fault `send` must commit for this request, if any: an intermittent
        one only spoils the first `failures` requests of a URL."""
        if fault in ("redirect_loop", "malformed"):  # done by route() already
            return None
        if fault not in INTERMITTENT:
            return fault
        with self._lock:
            attempt = self._attempts[raw] = self._attempts.get(raw, 0) + 1
        return fault if attempt <= self.plan.failures(fault, key) else None

    # -- byte-level faults (called by the server with the request's handler) ----------------

    def send(self, handler: DemoPortalHandler, response: Response) -> bool:
        """Misbehave for `response.fault`; False: the server sends the page normally after."""
        fault = response.fault
        page = response.page
        assert page is not None and fault is not None
        key = urlsplit(handler.path).path
        if fault == "slow":
            time.sleep(self.plan.slow_seconds)
            return False
        if fault == "http_500":
            status = (500, 502, 503)[self.plan.variant(fault, key, 3)]
            body = _error_page(status)
            _write(handler, _head(handler, status, [("Content-Type", HTML)], len(body)) + body)
        elif fault == "reset":
            body = _page_bytes(handler, page)
            _write(handler, _head(handler, 200, [("Content-Type", HTML)], len(body)))
            _write(handler, body[: len(body) // 2])
            _reset(handler)
        elif fault == "truncated":
            body = _page_bytes(handler, page)
            head = _head(handler, 200, [("Content-Type", HTML)], len(body), close=True)
            _write(handler, head + body[: len(body) * 3 // 5])
            handler.close_connection = True
        elif fault == "huge":
            self._send_huge(handler, page, with_length=self.plan.variant(fault, key, 2) == 0)
        elif fault == "gzip_bomb":
            bomb = gzip_bomb()
            headers = [("Content-Type", HTML), ("Content-Encoding", "gzip")]
            _write(handler, _head(handler, 200, headers, len(bomb)) + bomb)
        elif fault == "bad_charset":
            self._send_bad_charset(handler, page, declared=self.plan.variant(fault, key, 2) == 0)
        elif fault == "binary":
            if self.plan.variant(fault, key, 2) == 0:
                body = assets.pdf_document("Bao cao tong hop")
            else:
                body = assets.png_image(len(key), 1)
            _write(handler, _head(handler, 200, [("Content-Type", HTML)], len(body)) + body)
        else:
            raise ValueError(f"not a byte-level fault: {fault}")
        return True

    def _send_huge(self, handler: DemoPortalHandler, page: Page, with_length: bool) -> None:
        """The article, then padding to HUGE_SIZE, streamed in 64 KiB writes (never built)."""
        body = _page_bytes(handler, page)
        length = HUGE_SIZE if with_length else None
        _write(handler, _head(handler, 200, [("Content-Type", HTML)], length, close=True) + body)
        handler.close_connection = True
        padding = b" " * (_CHUNK - 1) + b"\n"
        for _ in range((HUGE_SIZE - len(body)) // _CHUNK):
            if not _write(handler, padding):
                return
        _write(handler, b" " * ((HUGE_SIZE - len(body)) % _CHUNK))

    def _send_bad_charset(self, handler: DemoPortalHandler, page: Page, declared: bool) -> None:
        """windows-1258 bytes: labelled UTF-8 (header and <meta>), or not labelled at all."""
        counter = handler.server.counter
        with counter.lock:  # the counter number and the page leave together, as usual
            text = (page.prefix + counter_html(counter.take()).encode() + page.suffix).decode()
            if not declared:
                text = text.replace('<meta charset="utf-8">', "", 1)
            body = to_windows_1258(text)
            content_type = HTML if declared else "text/html"
            _write(handler, _head(handler, 200, [("Content-Type", content_type)], len(body)) + body)


# -- page surgery ---------------------------------------------------------------------------


def malform_article(page: Page) -> Page:
    """Unclosed <p>s and an unclosed <b>, nested forms, a stray </body></html> mid-page."""
    prefix = page.prefix
    start = prefix.find(b'<div class="article-body">')
    end = prefix.find(b"</div>", start)
    if start < 0 or end < 0:
        return page
    body = prefix[start:end].replace(b"</p>", b"").replace(b"<p>", b"<p><b>", 1)
    prefix = prefix[:start] + body + prefix[end:]
    prefix = prefix.replace(
        b'<div class="article-detail">',
        b'<form id="aspnetForm" method="post"><div class="article-detail">'
        b'<form action="/tim-kiem"><input name="q"><form id="inner">',
        1,
    )
    prefix = prefix.replace(
        b'<div class="article-tools">', b'</body></html><div class="article-tools">', 1
    )
    return dataclasses.replace(page, prefix=prefix)


def malform_listing(page: Page) -> Page:
    """Unclosed list items, stray end tags, a nested form, a stray </html> before the pager."""
    start, end = _list_bounds(page.prefix)
    if start < 0:
        return page
    items = page.prefix[start:end].replace(b"</div></div>\n", b"</div></p></span>\n")
    items = items.replace(b'<div class="list-news">', b'<div class="list-news"><form>', 1)
    prefix = (
        page.prefix[:start] + b'<form id="aspnetForm">' + items + b"</html>" + page.prefix[end:]
    )
    return dataclasses.replace(page, prefix=prefix)


def _list_bounds(prefix: bytes) -> tuple[int, int]:
    """Where a listing's <div class="list-news"> starts and where its items end (-1: none)."""
    start = prefix.find(b'<div class="list-news">')
    end = prefix.find(b'</div><div class="pagination">', start)
    return (start, end) if start >= 0 and end >= 0 else (-1, -1)


def _insert_before(page: Page, marker: bytes, html: str) -> Page:
    at = page.prefix.find(marker)
    if at < 0:
        return page
    prefix = page.prefix[:at] + html.encode() + page.prefix[at:]
    return dataclasses.replace(page, prefix=prefix)


def _insert_in_pagination(page: Page, html: str) -> Page:
    start = page.prefix.find(b'<div class="pagination">')
    end = page.prefix.find(b"</div>", start)
    if start < 0 or end < 0:
        return page
    prefix = page.prefix[:end] + html.encode() + page.prefix[end:]
    return dataclasses.replace(page, prefix=prefix)


def _replace_between(data: bytes, start_marker: bytes, end_marker: bytes, html: str) -> bytes:
    """Replace from start_marker to the first end_marker after it (inclusive) with html."""
    start = data.find(start_marker)
    end = data.find(end_marker, start)
    if start < 0 or end < 0:
        return data
    return data[:start] + html.encode() + data[end + len(end_marker) :]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- URL variants (dup_params) --------------------------------------------------------------


def _variant_url(plan: FaultPlan, meta: ArticleMeta) -> str:
    path = meta.path
    session = plan._draw("dup_params", path, "session") % 16**8
    variants = (
        f"{path}?utm_source=zalo&utm_medium=social&utm_campaign=tin-moi",
        f"{path};jsessionid={session:08X}",
        f"{path}?print=1",
        path.title(),  # /Chinh-Tri/Slug-10123.Html: an IIS server would answer it
        f"{path}/",
    )
    return variants[plan.variant("dup_params", path, len(variants))]


def _undup(target: str) -> str:
    """What a lenient (IIS-like) server does: drop ;params, ignore case and a trailing slash."""
    parts = urlsplit(target)
    path = parts.path.split(";", 1)[0].lower()
    if path.endswith(".html/"):
        path = path[:-1]
    return urlunsplit(("", "", path, parts.query, ""))


# -- byte plumbing --------------------------------------------------------------------------


def _head(
    handler: DemoPortalHandler,
    status: int,
    headers: list[tuple[str, str]],
    length: int | None,
    close: bool = False,
) -> bytes:
    lines = [
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
        f"Server: {handler.server_version}",
        f"Date: {handler.date_time_string()}",
        *(f"{name}: {value}" for name, value in headers),
    ]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _page_bytes(handler: DemoPortalHandler, page: Page) -> bytes:
    counter = handler.server.counter
    with counter.lock:
        return page.prefix + counter_html(counter.take()).encode() + page.suffix


def _write(handler: DemoPortalHandler, data: bytes) -> bool:
    """False once the client has gone (it gave up on a huge page: expected)."""
    try:
        handler.wfile.write(data)
    except OSError:
        handler.close_connection = True
        return False
    return True


def _reset(handler: DemoPortalHandler) -> None:
    """Close with a TCP RST (SO_LINGER 0) instead of a FIN: a connection dropped mid-body."""
    handler.close_connection = True
    try:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.rfile.close()  # the socket closes only when its makefile() readers are closed
        handler.connection.close()
    except OSError:
        pass


def _error_page(status: int) -> bytes:
    phrase = HTTPStatus(status).phrase
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{status} {phrase}'
        "</title></head><body><h1>Hệ thống đang bận</h1><p>Máy chủ gặp sự cố tạm thời, "
        "vui lòng thử lại sau ít phút.</p></body></html>"
    ).encode()


def to_windows_1258(text: str) -> bytes:
    """Encode Vietnamese as windows-1258 does: precomposed where the code page has the letter
    (ê, ơ, ư...), else base letter plus combining tone mark; anything else as &#N;."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        out += _decomposed_1258(char)
    return bytes(out)


@lru_cache(maxsize=512)
def _decomposed_1258(char: str) -> bytes:
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    for i, mark in enumerate(marks):  # keep one mark in a precomposed letter if cp1258 has it
        letter = unicodedata.normalize("NFC", base + mark)
        rest = marks[:i] + marks[i + 1 :]
        try:
            return letter.encode("cp1258") + rest.encode("cp1258")
        except UnicodeEncodeError:
            continue
    return decomposed.encode("cp1258", errors="xmlcharrefreplace")


# -- the gzip bomb --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """gzip of BOMB_SIZE zeros (~1 MB): compressed once by streaming 1 MiB chunks through zlib
    (about 3 s), then cached in memory and in the temp directory for later servers."""
    cache = Path(tempfile.gettempdir()) / f"portal-archive-gzip-bomb-{BOMB_SIZE}.gz"
    try:
        data = cache.read_bytes()
        if data[:2] == b"\x1f\x8b":
            return data
    except OSError:
        pass
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    zeros = bytes(1024 * 1024)
    parts = [compressor.compress(zeros) for _ in range(BOMB_SIZE // len(zeros))]
    parts.append(compressor.flush())
    data = b"".join(parts)
    try:
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(cache)
    except OSError:
        pass  # no writable temp directory: rebuilt next time
    return data
