"""The whole pipeline over real sockets: demo portal -> `portal-archive crawl` -> Datasette."""

from __future__ import annotations

import json
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from portal_spider.demo_portal import DemoPortal

from .conftest import REPO, free_port, portal_archive, stop, wait_for_http

SEED_TITLE = (
    "Thành ủy Trà Vinh tổ chức Hội nghị Ban Chấp hành Đảng bộ thành phố mở rộng sơ kết tình "
    "hình tháng 5 và đề ra phương hướng nhiệm vụ tháng 6 năm 2022"
)
SEED_LAST_SENTENCE = "hỗ trợ xã Long Đức xây dựng các tiêu chí Nông thôn mới kiểu mẫu năm 2022./."


@pytest.fixture
def crawled_db(demo_portal: str, tmp_path: Path) -> Path:
    db = tmp_path / "demo.db"
    result = portal_archive("crawl", "demo", "--base-url", demo_portal, "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "demo: ok" in result.stderr  # the summary line
    return db


def test_crawl_archives_every_article_and_the_counter(crawled_db: Path) -> None:
    conn = sqlite3.connect(crawled_db)
    assert conn.execute("select count(*) from articles").fetchone()[0] == 240
    assert conn.execute("select count(distinct url) from articles").fetchone()[0] == 240
    assert conn.execute("select count(*) from articles where body_text is null").fetchone()[0] == 0
    assert conn.execute("select count(*) from article_versions").fetchone()[0] == 240
    first = conn.execute(
        "select online, today, this_week, total from visitor_stats order by total limit 1"
    ).fetchone()
    assert first == (61, 2579, 33715, 1448808)
    totals = [
        row[0] for row in conn.execute("select total from visitor_stats order by observed_at")
    ]
    assert len(totals) >= 240
    assert totals == sorted(totals), "visitor totals must never decrease with observed_at"
    status, pages, new = conn.execute("select status, pages, articles_new from crawls").fetchone()
    assert (status, new) == ("ok", 240)
    assert pages >= 240 + 24  # articles plus at least the listing pages


def test_datasette_serves_the_seed_article(crawled_db: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "portal_spider", "serve", "--db", str(crawled_db),
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/-/versions.json")
        with urllib.request.urlopen(
            f"{base}/demo/articles.json?_search=thanh+uy+tra+vinh&_shape=array&_size=max"
        ) as response:
            rows = json.load(response)
        seed = [row for row in rows if row["title"] == SEED_TITLE]
        assert len(seed) == 1, [row["title"] for row in rows]
        article = seed[0]
        assert article["published_at"].startswith("2022-06-02")
        assert article["author"] == "Hoàng Vũ - Phước lập"
        captions = [image["caption"] for image in json.loads(article["images"])]
        assert "Quang cảnh hội nghị" in captions
        body = article["body_text"]
        assert body.endswith(SEED_LAST_SENTENCE)
        for leak in ("Thống kê truy cập", "Tin mới", "CÁC BÀI VIẾT KHÁC", "Giấy phép", "Trang chủ",
                     "Quang cảnh hội nghị", "Thực hiện", "Lượt xem"):  # fmt: skip
            assert leak not in body
        with urllib.request.urlopen(f"{base}/demo") as response:
            page = response.read().decode("utf-8")
        assert "visitor_stats" in page and "articles" in page
    finally:
        stop(server)
    assert not _listening(port), "stopping `portal-archive serve` must stop Datasette too"


def test_scrapy_crawl_command_uses_the_same_spider(demo_portal: str, tmp_path: Path) -> None:
    db = tmp_path / "scrapy.db"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "portal=demo",
         "-a", f"base_url={demo_portal}", "-s", f"ARCHIVE_DB_PATH={db}", "-s", "LOG_LEVEL=WARNING"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from articles").fetchone()[0] == 240
    assert conn.execute("select status from crawls").fetchone()[0] == "ok"


def test_extract_cli_on_saved_demo_pages(demo_portal: str, tmp_path: Path) -> None:
    listing_url = demo_portal + "chinh-tri/?page=2"
    listing = tmp_path / "listing.html"
    listing.write_bytes(urllib.request.urlopen(listing_url).read())
    result = portal_archive("extract", str(listing), "--url", listing_url, timeout=60)
    data = json.loads(result.stdout)
    assert data["kind"] == "listing"
    portal = DemoPortal(articles=240)
    expected = [
        demo_portal + m.path.lstrip("/") for m in portal.listing(portal.section("chinh-tri"), 2)
    ]
    assert data["links"] == expected  # the page's 10 links, in page order
    assert data["next_page"] == demo_portal + "chinh-tri/?page=3"
    seed_url = next(link for link in data["links"] if "thanh-uy-tra-vinh" in link)
    article = tmp_path / "article.html"
    article.write_bytes(urllib.request.urlopen(seed_url).read())
    result = portal_archive("extract", str(article), "--url", seed_url, timeout=60)
    record = json.loads(result.stdout)
    assert record["kind"] == "article" and record["platform"] == "demo"
    assert record["title"] == SEED_TITLE
    assert record["published_at"] == "2022-06-02T16:30:00+07:00"
    assert record["author"] == "Hoàng Vũ - Phước lập"
    assert record["images"][0]["caption"] == "Quang cảnh hội nghị"
    assert record["summary"].startswith("Ngày 02/6, Thường trực Thành ủy Trà Vinh")
    assert record["body_text"].startswith("Trong tháng 5 năm 2022, Ban Thường vụ Thành ủy")
    assert record["visitor_counter"]["total"] > 1448808


def test_demo_main_job_serves_the_archive(tmp_path: Path) -> None:
    """`make demo` tells the whole story: three crawl days, a snapshot, and the addresses
    to try, each of which answers with what it promises."""
    port = free_port()
    db = tmp_path / "demo.db"
    demo = subprocess.Popen(
        [sys.executable, "-m", "portal_spider", "demo", "--port", str(port), "--db", str(db)],
        stdout=subprocess.PIPE, stderr=(tmp_path / "demo.log").open("w"), text=True,
    )  # fmt: skip
    try:
        assert demo.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = demo.stdout.readline()
            assert line, (tmp_path / "demo.log").read_text()[-3000:]
            lines.append(line.rstrip("\n"))
        assert lines[0].startswith("Demo portal:   http://127.0.0.1:")
        assert [line for line in lines if line.startswith("Crawling day")] == [
            f"Crawling day {day} of the demo portal ..." for day in (0, 1, 2)
        ]
        urls = {
            m.group(1): m.group(2)
            for m in map(re.compile(r"^([^:]+):\s+(http://\S+)$").match, lines)
            if m
        }
        base = f"http://127.0.0.1:{port}"
        assert urls["Archive"] == f"{base}/"
        wait_for_http(f"{base}/-/versions.json")
        with urllib.request.urlopen(
            f"{base}/demo/articles.json?_search=thanh+uy+tra+vinh&_shape=array&_size=max"
        ) as response:
            titles = [row["title"] for row in json.load(response)]
        assert SEED_TITLE in titles
        # two days of edits and removals: versions exist, the diff and the changes page show them
        with closing(sqlite3.connect(db)) as conn:
            kinds = dict(
                conn.execute("select change_kind, count(*) from article_versions group by 1")
            )
        assert kinds["edit"] >= 4 and kinds["removal"] >= 4, kinds
        with urllib.request.urlopen(urls["Edited diff"]) as response:
            assert response.status == 200 and "<del" in response.read().decode()
        with urllib.request.urlopen(urls["Edited/removed"]) as response:
            assert response.status == 200
        with urllib.request.urlopen(urls["Snapshots"] + ".json") as response:
            assert len(json.load(response)["snapshots"]) == 1
        with urllib.request.urlopen(urls["Search"]) as response:
            assert response.status == 200
    finally:
        demo.send_signal(signal.SIGINT)  # what Ctrl-C sends
        code = demo.wait(timeout=30)
    assert code == 0
    assert not _listening(port)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
