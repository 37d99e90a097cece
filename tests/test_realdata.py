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
