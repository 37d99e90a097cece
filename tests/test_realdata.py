"""Regression on real saved portal pages in ../shared/realdata (never copied into the repo).

Skips when ../shared is absent, as in a user's clone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from portal_spider.extract import extract_page

HANOI = "hanoi-liferay"
BASE = "https://sotttt.hanoi.gov.vn/cong-nghe-thong-tin"


def _page(shared_dir: Path, name: str) -> bytes:
    path = shared_dir / "realdata" / HANOI / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "total"),
    [
        ("sotttt-hanoi_liferay_home_trang-chu.html", 4798812),
        ("sotttt-hanoi_liferay_home_en-variant.html", 4798810),
    ],
)
def test_liferay_session_tracking_counter(shared_dir: Path, name: str, total: int) -> None:
    record = extract_page(_page(shared_dir, name), "https://sotttt.hanoi.gov.vn/")
    assert record.platform == "liferay"
    assert record.visitor_counter == {"online": 27, "total": total}


@pytest.mark.parametrize(
    ("name", "links", "next_cur"),
    [
        ("sotttt-hanoi_liferay_listing_cong-nghe-thong-tin_p1.html", 10, 2),
        ("sotttt-hanoi_liferay_listing_cong-nghe-thong-tin_p17.html", 10, 18),
    ],
)
def test_liferay_asset_publisher_listing(
    shared_dir: Path, name: str, links: int, next_cur: int
) -> None:
    record = extract_page(_page(shared_dir, name), BASE)
    assert record.kind == "listing"
    assert len(record.links) == links
    assert len(set(record.links)) == links
    assert record.next_page is not None and record.next_page.endswith(f"_101_cur={next_cur}")
    assert record.visitor_counter is None  # Liferay listings of this portal show no counter


def test_liferay_english_hot_news_listing(shared_dir: Path) -> None:
    """The English sub-site's URL looks like an article, but the page is the Hot News list."""
    url = (
        "https://sotttt.hanoi.gov.vn/web/sotttt-eng/hot-news/-/view_content/"
        "3159582-hanoi-continues-to-improve-the-business-environment.html/en"
    )
    page = _page(shared_dir, "sotttt-hanoi_liferay_listing_en-hot-news.html")
    record = extract_page(page, url)
    assert record.kind == "listing"
    assert record.title == "Hot News"
    assert len(record.links) == 20
    assert all("/web/sotttt-eng/hot-news/-/view_content/" in link for link in record.links)
    assert record.next_page is None  # one page: no pager
    assert record.visitor_counter is None  # "View count: 536" is per article, not the counter


def test_liferay_listing_with_a_single_item(shared_dir: Path) -> None:
    record = extract_page(
        _page(shared_dir, "sotttt-hanoi_liferay_listing_chi-dao-dieu-hanh.html"),
        "https://sotttt.hanoi.gov.vn/chi-dao-dieu-hanh",
    )
    assert record.kind == "listing"
    assert len(record.links) == 1 and "/chi-dao-dieu-hanh/-/view_content/" in record.links[0]
