"""What a crawl imports at start: cdxj-indexer and surt only when an index is written."""

from __future__ import annotations

import subprocess
import sys

from cdxj_indexer.main import CDXJIndexer

from archive import warc_index


def test_the_crawl_modules_do_not_import_the_indexer() -> None:
    """cdxj-indexer (with surt, ~0.1-0.2 s) is not paid by every crawl: a crawl writes its own
    CDXJ lines and needs surt at the first record only (never with --no-warc)."""
    code = (
        "import sys, portal_spider.capture, portal_spider.pipelines, portal_spider.settings; "
        "print(sorted(m for m in ('surt', 'cdxj_indexer', 'cdxj_indexer.main') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_the_mime_split_is_cdxj_indexers() -> None:
    assert warc_index._SPACE.pattern == CDXJIndexer.RE_SPACE.pattern
    assert warc_index._SPACE.flags == CDXJIndexer.RE_SPACE.flags
    line = warc_index.cdxj_line(
        url="http://a.vn/x", warc_date="2026-12-07T11:05:03Z", record_type="response",
        content_type="text/html; charset=utf-8", status=200, digest=None, length=10,
        offset=0, filename="f.warc.gz",
    )  # fmt: skip
    assert line.startswith('vn,a)/x 20261207110503 {"url": "http://a.vn/x", "mime": "text/html"')
