"""Main-column HTML of each page type, by plain string building (fast, no template engine).

A rendered page is the bytes before the visitor counter plus the shared footer bytes; the
server inserts the counter between them at send time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

from .content import ArticleMeta, Body, DemoPortal, Figure, Section
from .days import SOFT_404_TEXT
from .extras_chrome import home_blocks
from .layout import Chrome
from .vntext import article_date, dmy, list_date

_CRUMB_HOME = '<div class="breadcrumb"><a href="/">Trang chủ</a> <span class="sep">›</span> '
OTHER_NEWS_WINDOW = 5
FEED_LINK = (
    '<link rel="alternate" type="application/rss+xml"'
    ' title="Tin mới - Cổng thông tin điện tử Thành phố Trà Vinh" href="/rss/">'
)


_LOCAL_OFFSET = timedelta(hours=7)  # article times are Vietnam local time (+07:00)


@dataclass(frozen=True)
class Page:
    status: int
    prefix: bytes  # everything before the counter box
    suffix: bytes  # everything after it
    etag: str | None = None  # article pages only: validators for conditional requests
    last_modified: datetime | None = None  # UTC


def utc(local: datetime) -> datetime:
    """A naive +07:00 local time as an aware UTC datetime."""
    return (local - _LOCAL_OFFSET).replace(tzinfo=UTC)


def _listing_href(section: Section, page: int) -> str:
    return section.path if page == 1 else f"?page={page}"


def _pagination(section: Section, page: int, last: int) -> str:
    parts = ['<div class="pagination">']
    if page > 1:
        parts.append(f'<a class="first" href="{section.path}">« Đầu</a>')
        parts.append(f'<a class="prev" href="{_listing_href(section, page - 1)}">‹ Trang trước</a>')
    start = max(1, min(page - 2, last - 4))
    for number in range(start, min(last, start + 4) + 1):
        if number == page:
            parts.append(f'<span class="current">{number}</span>')
        else:
            parts.append(f'<a href="{_listing_href(section, number)}">{number}</a>')
    if page < last:
        parts.append(f'<a class="next" href="?page={page + 1}">Trang sau ›</a>')
        parts.append(f'<a class="last" href="?page={last}">Cuối »</a>')
    parts.append("</div>")
    return "".join(parts)


def _news_item(a: ArticleMeta) -> str:
    return (
        f'<div class="news-item"><a class="thumb" href="{a.path}">'
        f'<img src="/images/{a.id}-1.png" alt=""></a>'
        f'<h3 class="news-title"><a href="{a.path}">{escape(a.title)}</a></h3>'
        f'<div class="news-date">{list_date(a.published, a.has_time)}</div>'
        f'<div class="news-summary">{escape(a.sapo)}</div></div>\n'
    )


def _dated_link(a: ArticleMeta) -> str:
    return (
        f'<li><a href="{a.path}">{escape(a.title)}</a> '
        f'<span class="date">({dmy(a.published)})</span></li>'
    )


def _body_html(meta: ArticleMeta, body: Body) -> str:
    parts = []
    for block in body.blocks:
        if isinstance(block, Figure):
            caption = escape(block.caption)
            parts.append(
                f'<figure class="image"><img src="/images/{meta.id}-{block.number}.png"'
                f' alt="{caption}"><figcaption>{caption}</figcaption></figure>'
            )
        else:
            parts.append(f"<p>{escape(block)}</p>")
    parts.append(
        f'<p class="author" style="text-align:right"><strong>{escape(body.author)}</strong></p>'
    )
    return "\n".join(parts)


def _attachments_html(meta: ArticleMeta, body: Body) -> str:
    if not body.attachments:
        return ""
    items = "".join(
        f'<li><a href="/files/{meta.id}/{f.name}.pdf">{escape(f.title)}</a></li>'
        for f in body.attachments
    )
    return (
        '<div class="attachments"><div class="attachments-title">Tệp đính kèm</div>'
        f"<ul>{items}</ul></div>\n"
    )


def _other_pagination(page: int, last: int) -> str:
    start = max(1, min(page - 2, last - OTHER_NEWS_WINDOW + 1))
    stop = min(last, start + OTHER_NEWS_WINDOW - 1)
    links = [
        f'<a class="active" href="?trang-khac={n}">{n}</a>'
        if n == page
        else f'<a href="?trang-khac={n}">{n}</a>'
        for n in range(start, stop + 1)
    ]
    if stop < last:
        links.append('<span class="more">...</span>')
    return f'<div class="pagination">{" ".join(links)}</div>'


class Renderer:
    """Renders the pages of one portal with its pre-built chrome."""

    def __init__(self, portal: DemoPortal) -> None:
        self.portal = portal
        self.chrome = Chrome(portal)

    def _page(self, title: str, main_html: str, status: int = 200, extra_head: str = "") -> Page:
        return Page(
            status, self.chrome.prefix(title, main_html, extra_head), self.chrome.footer_bytes
        )

    def home(self) -> Page:
        portal = self.portal
        newest = portal.newest(5)
        top = newest[0]
        parts = [
            '<div class="home-highlight"><div class="hl-main">'
            f'<a href="{top.path}"><img src="/images/{top.id}-1.png" alt=""></a>'
            f'<h2 class="hl-title"><a href="{top.path}">{escape(top.title)}</a></h2>'
            f'<div class="news-date">{list_date(top.published, top.has_time)}</div>'
            f'<div class="news-summary">{escape(top.sapo)}</div></div>'
            f'<ul class="hl-list">{"".join(_dated_link(a) for a in newest[1:])}</ul></div>\n'
        ]
        for section in portal.sections:
            items = "".join(_dated_link(a) for a in portal.section_articles(section, 0, 5))
            parts.append(
                f'<div class="home-section"><h2 class="home-section-title">'
                f'<a href="{section.path}">{escape(section.name)}</a></h2>'
                f'<ul class="home-news">{items}</ul></div>\n'
            )
        if portal.extras is None:
            return self._page("Trang chủ", "".join(parts))
        parts.append(home_blocks(portal, _dated_link))
        return self._page("Trang chủ", "".join(parts), extra_head=FEED_LINK)

    def listing(self, section: Section, page: int) -> Page | None:
        """A section listing page, or None past the last page."""
        last = self.portal.page_count(section)
        if not 1 <= page <= last:
            return None
        items = self.portal.listing(section, page)
        name = escape(section.name)
        news = "".join(_news_item(a) for a in items) or "<p>Chưa có bài viết.</p>"
        main = (
            f'{_CRUMB_HOME}<span>{name}</span></div><h1 class="category-title">{name}</h1>'
            f'<div class="list-news">\n{news}</div>{_pagination(section, page, last)}'
        )
        title = section.name if page == 1 else f"{section.name} - Trang {page}"
        return self._page(title, main)

    def article(self, meta: ArticleMeta, other_page: int = 1) -> Page | None:
        """An article page, or None when the "other articles" page does not exist."""
        portal = self.portal
        last_other = portal.other_page_count(meta)
        if not 1 <= other_page <= last_other:
            return None
        body = portal.body(meta)
        others = "".join(_dated_link(a) for a in portal.other_articles(meta, other_page))
        section = meta.section
        main = (
            f'{_CRUMB_HOME}<a href="{section.path}">{escape(section.name)}</a></div>'
            '<div class="article-detail">'
            f'<h1 class="article-title">{escape(meta.title)}</h1>'
            f'<div class="article-date">{article_date(meta.published, meta.has_time)}</div>'
            f'<div class="article-sapo">{escape(meta.sapo)}</div>'
            f'<div class="article-body">\n{_body_html(meta, body)}\n</div>\n'
            f"{_attachments_html(meta, body)}"
            '<div class="article-tools"><a href="#">In bài</a> <a href="#">Gửi email</a> '
            f'<span class="views">Lượt xem: {meta.views}</span></div>\n'
            '<div class="other-news"><div class="other-news-title">CÁC BÀI VIẾT KHÁC:</div>'
            f"<ul>{others}</ul>{_other_pagination(other_page, last_other)}</div></div>"
        )
        extra = f'<meta name="description" content="{escape(meta.sapo)}">'
        page = self._page(meta.title, main, extra_head=extra)
        return Page(
            page.status,
            page.prefix,
            page.suffix,
            etag=portal.etag(meta, other_page),
            last_modified=utc(meta.last_modified),
        )

    def soft_not_found(self) -> Page:
        """What a removed article answers with status 200: a full page without the article."""
        main = (
            f"{_CRUMB_HOME}<span>Thông báo</span></div>"
            f'<div class="message-box"><p class="message">{SOFT_404_TEXT}.</p>'
            '<p><a href="/">Quay về trang chủ</a></p></div>'
        )
        return self._page("Thông báo", main)

    def not_found(self) -> Page:
        main = (
            '<div class="not-found"><h1>Không tìm thấy trang</h1>'
            "<p>Trang bạn yêu cầu không tồn tại hoặc đã được di chuyển.</p>"
            '<p><a href="/">Về trang chủ</a></p></div>'
        )
        return self._page("Không tìm thấy trang", main, status=404)
