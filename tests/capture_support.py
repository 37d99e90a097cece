"""Archives whose captures we write ourselves (WarcFileSet + ArchiveWriter), for the capture
view tests: a gzip-encoded page, a truncated one, a hostile one. All text is our own."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive import ArchiveWriter
from archive.warc_store import Capture, Exchange, WarcFileSet

PORTAL = "thunghiem"
FETCHED = datetime(2026, 3, 4, 2, 5, 6, tzinfo=UTC)  # 09:05:06 in Vietnam


@dataclass
class Page:
    """One exchange to capture, and whether an article is read from it."""

    url: str
    body: bytes
    headers: list[tuple[str, str]]
    status: int = 200
    truncated: str | None = None
    title: str | None = None  # an article pointing to this capture, with this title


def html_page(title: str, body: str, head: str = "") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f"{head}</head><body><h1>{title}</h1>{body}</body></html>"
    ).encode()


def gzipped_page(url: str, title: str, body: str, head: str = "") -> Page:
    """A page sent with Content-Encoding: gzip and no charset in its Content-Type."""
    return Page(
        url,
        gzip.compress(html_page(title, body, head)),
        [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        title=title,
    )


def build_archive(
    folder: Path, pages: list[Page], *, name: str = "thunghiem"
) -> tuple[Path, list[Capture]]:
    """``folder/<name>.db``: a capture per page (WARC beside it), an article per titled page."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"{name}.db"
    captures: list[Capture] = []
    with ArchiveWriter(db, batch_size=1) as writer:
        writer.ensure_portal(PORTAL, "Cổng thử nghiệm", "http://127.0.0.1/", None, [])
        crawl = writer.start_crawl(PORTAL)
        files = WarcFileSet(db, portal=PORTAL, crawl_id=crawl, software="portal-archive tests")
        try:
            for page in pages:
                capture = files.write_exchange(
                    Exchange(
                        url=page.url,
                        method="GET",
                        request_headers=[("Accept", "text/html")],
                        status=page.status,
                        response_headers=page.headers,
                        payload=page.body,
                        fetched_at=FETCHED,
                        truncated=page.truncated,
                    )
                )
                captures.append(capture)
                writer.add_capture({**capture.row(), "portal": PORTAL, "crawl_id": crawl})
        finally:
            files.close()
        for page, capture in zip(pages, captures, strict=True):
            if page.title:
                writer.add_article(
                    {
                        "url": page.url,
                        "kind": "article",
                        "title": page.title,
                        "published_at": "2026-03-03T08:00:00+07:00",
                        "summary": "Tóm tắt bài thử nghiệm.",
                        "body_text": "Nội dung bài thử nghiệm, do chúng tôi tự viết.",
                        "images": [],
                        "attachments": [],
                    },
                    portal=PORTAL,
                    section=None,
                    fetched_at=capture.fetched_at,
                    crawl_id=crawl,
                    capture=capture.record_id,
                )
    return db, captures


def uuid(record_id: str) -> str:
    return record_id.removeprefix("<urn:uuid:").removesuffix(">")
