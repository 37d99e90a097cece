"""Second sources, as real portals publish them: robots.txt `Sitemap:`, a sitemap index, RSS.

All URLs are absolute and built from the request's Host (`base`, "http://host:port"), so the
files are right on any port. Served only with the extras on (extras.py).

- /sitemap.xml: a sitemap index (its entries' <lastmod> is the generation time);
- /sitemaps/tin-bai-<n>.xml.gz: gzip children, main articles by serial, at most
  SITEMAP_CHUNK (50,000, the protocol's limit) URLs each; <lastmod> is the article's
  publication or last edit time (+07:00): credible;
- /sitemaps/chuyen-muc.xml: the extra sections' articles, sitemap-only ones included; every
  <lastmod> is the generation time (GENERATED), as many portals do: not credible;
- /sitemaps/trang.xml: home, listings and other pages, without <lastmod>;
- /rss/: RSS 2.0 of the FEED_SIZE newest listed articles, with credible <pubDate>s.

A child costs O(URLs it lists); the index, robots.txt and the feed are O(1). Removed articles
are in no sitemap.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING

from .content import ArticleMeta
from .days import day_date
from .extras import NON_NEWS_TARGETS
from .layout import SITE_NAME

if TYPE_CHECKING:
    from .content import DemoPortal

SITEMAP_CHUNK = 50_000
FEED_SIZE = 20
GENERATED_AT = timedelta(hours=23, minutes=15)  # sitemaps are regenerated every night
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
_VN = "+07:00"


def generated(portal: DemoPortal) -> datetime:
    """The (local) time the portal's sitemaps were last generated: that day, 23:15."""
    return day_date(portal.day) + GENERATED_AT


def _w3c(local: datetime) -> str:
    return local.strftime("%Y-%m-%dT%H:%M:%S") + _VN


def chunk_count(portal: DemoPortal) -> int:
    return max(1, -(-portal.total_articles // SITEMAP_CHUNK))


def child_paths(portal: DemoPortal) -> list[str]:
    """Paths of the index's children, in index order."""
    paths = [f"/sitemaps/tin-bai-{n}.xml.gz" for n in range(1, chunk_count(portal) + 1)]
    return [*paths, "/sitemaps/chuyen-muc.xml", "/sitemaps/trang.xml"]


def robots_lines(base: str) -> bytes:
    return f"Sitemap: {base}/sitemap.xml\n".encode()


def sitemap_index(portal: DemoPortal, base: str) -> bytes:
    stamp = _w3c(generated(portal))
    entries = "".join(
        f"<sitemap><loc>{base}{path}</loc><lastmod>{stamp}</lastmod></sitemap>\n"
        for path in child_paths(portal)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {_NS}>\n{entries}</sitemapindex>\n'
    ).encode()


def _urlset(entries: Iterator[str]) -> bytes:
    body = "".join(entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {_NS}>\n{body}</urlset>\n'.encode()


def chunk_articles(portal: DemoPortal, number: int) -> Iterator[ArticleMeta]:
    """Main articles online with serials in chunk `number` (1-based), oldest first."""
    total = portal.total_articles
    for serial in range((number - 1) * SITEMAP_CHUNK, min(number * SITEMAP_CHUNK, total)):
        meta = portal._article(total - 1 - serial)  # uncached: do not flush the page caches
        if portal.removal(meta) is None:
            yield meta


def article_chunk(portal: DemoPortal, number: int, base: str) -> bytes | None:
    """gzip bytes of article child `number`, or None when there is no such child."""
    if not 1 <= number <= chunk_count(portal):
        return None
    xml = _urlset(
        f"<url><loc>{base}{meta.path}</loc><lastmod>{_w3c(meta.last_modified)}</lastmod></url>\n"
        for meta in chunk_articles(portal, number)
    )
    return gzip.compress(xml, compresslevel=6, mtime=0)


def extra_articles(portal: DemoPortal) -> list[ArticleMeta]:
    extras = portal.extras
    if extras is None:
        return []
    return [m for i in extras.all_ids() if (m := portal.article_by_id(i)) is not None]


def sections_child(portal: DemoPortal, base: str) -> bytes:
    stamp = _w3c(generated(portal))
    return _urlset(
        f"<url><loc>{base}{meta.path}</loc><lastmod>{stamp}</lastmod></url>\n"
        for meta in extra_articles(portal)
    )


def pages_child(portal: DemoPortal, base: str) -> bytes:
    paths = ["/", *(s.path for s in portal.sections + portal.extra_sections)]
    paths += [t.path for t in NON_NEWS_TARGETS]
    return _urlset(
        f"<url><loc>{base}{path}</loc><changefreq>daily</changefreq></url>\n" for path in paths
    )


def feed_articles(portal: DemoPortal) -> list[ArticleMeta]:
    """The FEED_SIZE newest listed articles, main and extra sections together."""
    pool = portal.newest(FEED_SIZE)
    for section in portal.extra_sections:
        pool += portal.section_articles(section, 0, FEED_SIZE)
    return sorted(pool, key=lambda m: (m.published, m.id), reverse=True)[:FEED_SIZE]


_ICT = timezone(timedelta(hours=7))


def _rfc822(local: datetime) -> str:
    return format_datetime(local.replace(tzinfo=_ICT))


def rss(portal: DemoPortal, base: str) -> bytes:
    items = "".join(
        f"<item><title>{escape(m.title)}</title><link>{base}{m.path}</link>"
        f"<description>{escape(m.sapo)}</description>"
        f"<category>{escape(m.section.name)}</category>"
        f'<guid isPermaLink="true">{base}{m.path}</guid>'
        f"<pubDate>{_rfc822(m.published)}</pubDate></item>\n"
        for m in feed_articles(portal)
    )
    built = _rfc822(generated(portal))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>Tin mới - {SITE_NAME}</title><link>{base}/</link>"
        f"<description>Tin mới nhất của {SITE_NAME}</description>"
        f"<language>vi</language><lastBuildDate>{built}</lastBuildDate><ttl>60</ttl>\n"
        f"{items}</channel></rss>\n"
    ).encode()
