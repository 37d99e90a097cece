"""canonical_url: one form per article, whichever source listed it (issue 15)."""

from __future__ import annotations

import pytest
from scrapy import Request

from portal_spider.urls import canonical_url


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        # A listing link with Vietnamese letters, as Scrapy requests it (and as response.url).
        ("http://h.gov.vn/tin-tức/bài 1.html", "http://h.gov.vn/tin-t%E1%BB%A9c/b%C3%A0i%201.html"),
        ("HTTP://Phuong.GOV.vn:80/a.html", "http://phuong.gov.vn/a.html"),
        ("https://phuong.gov.vn:443/a.html", "https://phuong.gov.vn/a.html"),
        ("http://phuong.gov.vn:8080/a.html", "http://phuong.gov.vn:8080/a.html"),
        ("http://h.gov.vn/a?utm_source=zalo&id=7#binh-luan", "http://h.gov.vn/a?id=7"),
        ("http://h.gov.vn/a.html;jsessionid=AB12", "http://h.gov.vn/a.html"),
        ("http://h.gov.vn/a?id=7&print=1", "http://h.gov.vn/a?id=7"),
        ("http://h.gov.vn/A.html?ID=7", "http://h.gov.vn/A.html?ID=7"),  # case may matter
    ],
)
def test_canonical_form(listed: str, expected: str) -> None:
    assert canonical_url(listed) == expected
    assert canonical_url(expected) == expected  # idempotent


def test_the_listing_form_is_the_form_scrapy_requests() -> None:
    url = "http://h.gov.vn/tin-tức/hội nghị.html?chủ-đề=1"
    assert canonical_url(url) == canonical_url(Request(url).url)
