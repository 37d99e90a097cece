"""Sections, article sources and coverage in the archive (migration 0006, issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from archive.writer import ArchiveWriter

from .archive_support import rows
from .test_archive import article

T1 = "2025-07-01T10:00:00+07:00"
T2 = "2025-07-02T10:00:00+07:00"
BASE = "https://travinh.gov.vn"


def test_listed_keeps_first_sighting_and_moves_last(writer: ArchiveWriter, db_path: Path) -> None:
    first = writer.start_crawl("travinh")
    writer.add_listed(
        [f"{BASE}/tin/1", f"{BASE}/tin/2"],
        portal="travinh",
        source="listing",
        via="/tin/",
        seen_at=T1,
        crawl_id=first,
    )
    writer.finish_crawl(first, status="ok", pages=1, errors=0)
    second = writer.start_crawl("travinh")
    writer.add_listed(
        [f"{BASE}/tin/1"],
        portal="travinh",
        source="listing",
        via="/tin/",
        seen_at=T2,
        crawl_id=second,
    )
    writer.flush()
    with sqlite_utils.Database(db_path) as db:
        by_url = {r["url"]: r for r in db["article_sources"].rows}
    one = by_url[f"{BASE}/tin/1"]
    assert (one["first_seen_at"], one["last_seen_at"]) == (
        "2025-07-01T03:00:00.000000Z",
        "2025-07-02T03:00:00.000000Z",
    )
    assert (one["first_crawl_id"], one["last_crawl_id"]) == (first, second)
    assert by_url[f"{BASE}/tin/2"]["last_crawl_id"] == first


def test_unknown_source_is_refused(writer: ArchiveWriter) -> None:
    with pytest.raises(ValueError, match="unknown article source"):
        writer.add_listed([f"{BASE}/tin/1"], portal="travinh", source="menu", via=None, seen_at=T1)


def test_crawl_coverage_counts_every_source_ever_seen(writer: ArchiveWriter, db_path: Path) -> None:
    """An article the sitemap lists and an earlier crawl's listing showed counts as 'both',
    even when this crawl's listings stopped before it."""
    urls = [f"{BASE}/tin/{n}" for n in range(1, 5)]
    earlier = writer.start_crawl("travinh")
    writer.add_listed(urls[:1], portal="travinh", source="listing", via="/tin/", seen_at=T1,
                      crawl_id=earlier)  # fmt: skip
    writer.finish_crawl(earlier, status="ok", pages=1, errors=0)
    crawl = writer.start_crawl("travinh")
    for url in urls[:3]:
        writer.add_article(article(url), portal="travinh", section="Tin tức", fetched_at=T2,
                           crawl_id=crawl)  # fmt: skip
    # urls[1] from this crawl's listing; urls[0], urls[2] only from the sitemap now;
    # urls[3] listed but never archived (its fetch failed).
    writer.add_listed([urls[1], urls[3]], portal="travinh", source="listing", via="/tin/",
                      seen_at=T2, crawl_id=crawl)  # fmt: skip
    writer.add_listed([urls[0], urls[2]], portal="travinh", source="sitemap",
                      via=f"{BASE}/sitemap.xml", seen_at=T2, crawl_id=crawl)  # fmt: skip
    writer.finish_crawl(crawl, status="ok", pages=5, errors=0)
    row = rows(db_path, "crawls")[-1]
    assert row["listed"] == 4
    assert row["listed_archived"] == 3
    assert row["found_listing_only"] == 2  # urls[1], urls[3]
    assert row["found_second_only"] == 1  # urls[2]
    assert row["found_both"] == 1  # urls[0]: an earlier listing showed it
    assert json.loads(row["sections_behind"]) == {"Tin tức": 1}
    with sqlite_utils.Database(db_path) as db:
        (portal,) = list(db.query("select * from portal_coverage"))
    assert portal == {
        "portal": "travinh",
        "articles": 3,
        "found_listing_only": 2,
        "found_second_only": 1,
        "found_both": 1,
        "listed": 4,
        "listed_archived": 3,
    }


def test_a_crawl_cut_by_a_limit_is_never_ok(writer: ArchiveWriter, db_path: Path) -> None:
    crawl = writer.start_crawl("travinh")
    with pytest.raises(ValueError, match="partial, not ok"):
        writer.finish_crawl(crawl, status="ok", pages=3, errors=0, limits_hit=["max pages"])
    writer.finish_crawl(
        crawl,
        status="partial",
        pages=3,
        errors=0,
        limits_hit=["section '/tin/': 2 listing pages (max_pages_per_section)"],
        notices=["sitemap child /s2.xml: http_404"],
    )
    row = rows(db_path, "crawls")[-1]
    assert row["status"] == "partial"
    assert "max_pages_per_section" in row["limits_hit"]
    assert json.loads(row["notices"]) == ["sitemap child /s2.xml: http_404"]


def test_sections_keep_their_first_finding(writer: ArchiveWriter, db_path: Path) -> None:
    writer.record_section(portal="travinh", path="/nong-thon-moi/", name="Nông thôn mới",
                          kind="news", found_by="submenu", evidence="10 dated links",
                          seen_at=T1)  # fmt: skip
    writer.record_section(portal="travinh", path="/nong-thon-moi/", name="NTM", kind="news",
                          found_by="footer", seen_at=T2)  # fmt: skip
    writer.record_section(portal="travinh", path="/van-ban/", name="Văn bản",
                          kind="documents", found_by="menu", evidence="items are documents",
                          seen_at=T1)  # fmt: skip
    (news, docs) = rows(db_path, "sections")
    assert news["name"] == "Nông thôn mới"
    assert news["found_by"] == "submenu"
    assert news["found_in"] == "submenu,footer"
    assert news["evidence"] == "10 dated links"
    assert news["first_found_at"] < news["last_seen_at"]
    assert docs["kind"] == "documents"
    states = {s.path: s for s in writer.sections("travinh")}
    assert states["/nong-thon-moi/"].complete is False


def test_section_paging_state_and_status(writer: ArchiveWriter, db_path: Path) -> None:
    writer.record_section(portal="travinh", path="/tin/", name="Tin", kind="news",
                          found_by="registry")  # fmt: skip
    writer.section_paging(portal="travinh", path="/tin/", reached_end=True, at=T1)
    assert writer.sections("travinh")[0].complete is True
    writer.section_paging(portal="travinh", path="/tin/", reached_end=False, at=T2)
    (row,) = rows(db_path, "sections")
    assert row["complete"] == 0
    assert row["reached_end_at"] == "2025-07-01T03:00:00.000000Z"  # the last time it did
    writer.section_status(portal="travinh", path="/tin/", status="gone", detail="http_404")
    (row,) = rows(db_path, "sections")
    assert (row["status"], row["status_detail"]) == ("gone", "http_404")
    writer.record_section(portal="travinh", path="/tin/", name="Tin", kind="news",
                          found_by="menu")  # fmt: skip
    assert rows(db_path, "sections")[0]["status"] == "active"


def test_bad_section_kind_is_refused(writer: ArchiveWriter) -> None:
    with pytest.raises(ValueError, match="unknown section kind"):
        writer.record_section(portal="travinh", path="/x/", kind="blog", found_by="menu")
