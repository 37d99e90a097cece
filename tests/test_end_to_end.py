"""The whole pipeline over real sockets: demo portal -> `portal-archive crawl` -> Datasette."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .conftest import free_port, stop, wait_for_http

SEED_TITLE = (
    "Thành ủy Trà Vinh tổ chức Hội nghị Ban Chấp hành Đảng bộ thành phố mở rộng sơ kết tình "
    "hình tháng 5 và đề ra phương hướng nhiệm vụ tháng 6 năm 2022"
)
SEED_LAST_SENTENCE = "hỗ trợ xã Long Đức xây dựng các tiêu chí Nông thôn mới kiểu mẫu năm 2022./."


@pytest.fixture
def crawled_db(demo_portal: str, tmp_path: Path) -> Path:
    db = tmp_path / "demo.db"
    result = subprocess.run(
        [sys.executable, "-m", "portal_spider", "crawl", "demo",
         "--base-url", demo_portal, "--db", str(db)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
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
            f"{base}/demo/articles.json?_search=thanh+uy+tra+vinh&_shape=array"
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
