"""One URL rule for the crawler and the archive (archive/url_rules.py): a URL pasted into the
archive's look-up finds the form the crawl stored, whatever variant the reader holds."""

from __future__ import annotations

import itertools
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy import Request

from archive import permalinks
from archive.url_rules import canonical_url
from portal_spider import urls

SCHEMES = ["http://", "https://", "HTTPS://"]
HOSTS = ["a.vn", "WWW.A.VN", "a.vn:80", "a.vn:443", "a.vn:8080", "tỉnh.vn"]
PATHS = ["", "/", "/tin tức/bài-1.html", "/Tin-Tuc/", "/a;jsessionid=AB12/b", "/a%20b",
         "/a|b", "/q{1}", "/%E1%BB%A7y", "/a`b"]  # fmt: skip
QUERIES = ["", "?", "?id=1", "?id=1&utm_source=x", "?print=1", "?print=0", "?q=tin tức", "?a=|"]
FRAGMENTS = ["", "#", "#binh-luan", "#a b"]


def test_the_crawler_and_the_archive_share_one_function() -> None:
    assert urls.canonical_url is canonical_url is permalinks.canonical_url


def test_a_pasted_url_finds_the_form_the_crawl_stored() -> None:
    """The crawl stores ``canonical_url(response.url)``, and Scrapy's request has encoded the
    URL (w3lib's safe_url_string) before: the look-up must do the same. 5 760 variants."""
    missed = []
    for parts in itertools.product(SCHEMES, HOSTS, PATHS, QUERIES, FRAGMENTS):
        pasted = "".join(parts)
        stored = canonical_url(Request(canonical_url(pasted)).url)
        if stored not in permalinks.url_variants(pasted):
            missed.append((pasted, stored))
    assert missed == []


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_the_look_up_takes_any_text(pasted: str) -> None:
    """A broken ``[`` host or a port out of range is no URL, not a server error."""
    assert isinstance(permalinks.url_variants(pasted), list)
    assert permalinks.url_variants("http://[a.vn/x") == []


def test_the_rule_does_not_load_the_archive() -> None:
    """The crawler's pure extraction layer reaches url_rules: the writer and sqlite-utils
    stay out (archive/__init__.py imports its names on first use)."""
    code = (
        "import sys, portal_spider.urls, portal_spider.extract.sections; "
        "print(sorted(m for m in ('sqlite_utils', 'archive.writer', 'archive.schema') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
