"""The bundled demo portal, tested through a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import html
import http.client
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal_spider.demo_portal import DemoPortal, start_in_thread
from portal_spider.demo_portal.seed import SEED_PATH, parse_seed

REPO = Path(__file__).resolve().parents[1]
COUNTER = re.compile(
    r'<li class="online">Đang online: <span>(\d+)</span></li>'
    r'<li class="today">Hôm nay: <span>(\d+)</span></li>'
    r'<li class="week">Trong tuần: <span>([\d,]+)</span></li>'
    r'<li class="total">Tất cả: <span>([\d,]+)</span></li>'
)
NEWS_ITEM = re.compile(
    r'<h3 class="news-title"><a href="(/[a-z-]+/[a-z0-9-]+-(\d+)\.html)">.*?</a></h3>'
    r'<div class="news-date">([^<]+)</div>'
)


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def text(url: str) -> tuple[int, str]:
    status, _, body = fetch(url)
    return status, body.decode("utf-8")


def counter(page: str) -> tuple[int, int, str, str]:
    match = COUNTER.search(page)
    assert match, "counter box missing"
    return int(match[1]), int(match[2]), match[3], match[4]


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, DemoPortal]]:
    server, url = start_in_thread(articles=240)
    yield url, server.portal
    server.shutdown()
    server.server_close()


@pytest.fixture()
def fresh() -> Iterator[str]:
    server, url = start_in_thread(articles=240)
    yield url
    server.shutdown()
    server.server_close()


# -- visitor counter --------------------------------------------------------------------------


def test_first_page_shows_seed_counter_exactly(fresh: str) -> None:
    _, page = text(fresh)
    assert (
        '<div class="box box-thongke"><div class="box-title">Thống kê truy cập</div>'
        '<ul class="thongke"><li class="online">Đang online: <span>61</span></li>'
        '<li class="today">Hôm nay: <span>2579</span></li>'
        '<li class="week">Trong tuần: <span>33,715</span></li>'
        '<li class="total">Tất cả: <span>1,448,808</span></li></ul></div>'
    ) in page
    _, second = text(fresh + "chinh-tri/")
    assert counter(second)[1:] == (2580, "33,716", "1,448,809")


def test_counter_counts_html_pages_only_and_online_moves(fresh: str) -> None:
    text(fresh)  # n = 0
    for path in ("robots.txt", "static/site.css", "favicon.ico"):
        assert fetch(fresh + path)[0] == 200
    status, missing = text(fresh + "khong-co-trang-nay")  # n = 1: 404 pages count too
    assert status == 404
    assert counter(missing)[1] == 2580
    onlines = []
    for n in range(2, 22):
        online, today, week, total = counter(text(fresh)[1])
        assert (today, week, total) == (2579 + n, f"{33715 + n:,}", f"{1448808 + n:,}")
        onlines.append(online)
    assert len(set(onlines)) > 3
    assert all(40 <= value <= 80 for value in onlines)


def test_counter_is_ordered_across_parallel_keepalive_connections(fresh: str) -> None:
    port = int(fresh.rsplit(":", 1)[1].strip("/"))
    seen: list[list[int]] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        numbers = []
        for i in range(40):
            conn.request("GET", f"/kinh-te-xa-hoi/?page={i % 5 + 1}")
            numbers.append(counter(conn.getresponse().read().decode())[1])
        conn.close()
        seen.append(numbers)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for numbers in seen:
        assert numbers == sorted(numbers)  # each connection sees increasing numbers
    everything = sorted(n for numbers in seen for n in numbers)
    assert everything == list(range(2579, 2579 + 240))


# -- listings ---------------------------------------------------------------------------------


def test_listing_pages_and_pagination(site: tuple[str, DemoPortal]) -> None:
    url, portal = site
    section = portal.section("chinh-tri")
    assert section is not None
    last = portal.page_count(section)
    status, first = text(url + "chinh-tri/")
    assert status == 200
    assert "<title>Chính trị - Cổng thông tin điện tử Thành phố Trà Vinh</title>" in first
    assert '<h1 class="category-title">Chính trị</h1>' in first
    assert len(NEWS_ITEM.findall(first)) == 10
    assert '<span class="current">1</span>' in first
    assert '<a class="next" href="?page=2">Trang sau ›</a>' in first
    assert "Trang trước" not in first and "« Đầu" not in first
    assert '<a href="?page=3">3</a>' in first

    status, middle = text(f"{url}chinh-tri/?page=2")
    assert status == 200 and '<span class="current">2</span>' in middle
    assert (
        "‹ Trang trước" in middle and "« Đầu" in middle and f'href="?page={last}">Cuối »' in middle
    )

    status, end = text(f"{url}chinh-tri/?page={last}")
    assert status == 200
    items = NEWS_ITEM.findall(end)
    assert 1 <= len(items) <= 10 and len(items) == portal.section_size(section) - 10 * (last - 1)
    assert 'class="next"' not in end and "Trang sau" not in end

    for bad in (f"?page={last + 1}", "?page=0", "?page=abc"):
        assert fetch(f"{url}chinh-tri/{bad}")[0] == 404
    assert text(f"{url}chinh-tri/?page=1")[0] == 200


def test_every_article_listed_exactly_once_newest_first(site: tuple[str, DemoPortal]) -> None:
    url, portal = site
    ids: list[int] = []
    for section in portal.sections:
        dates = []
        for page in range(1, portal.page_count(section) + 1):
            _, body = text(f"{url}{section.slug}/?page={page}")
            for _, article_id, shown in NEWS_ITEM.findall(body):
                ids.append(int(article_id))
                day, month, year = shown[:10].split("/")
                dates.append((year, month, day))  # date-only items have no time
        assert dates == sorted(dates, reverse=True)
    assert len(ids) == 240 and len(set(ids)) == 240


def test_home_page(site: tuple[str, DemoPortal]) -> None:
    url, portal = site
    status, home = text(url)
    assert status == 200
    assert home.startswith('<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">')
    assert '<meta name="generator" content="portal-archive demo portal">' in home
    assert "CỔNG THÔNG TIN ĐIỆN TỬ THÀNH PHỐ TRÀ VINH" in home
    assert "Thứ Năm, 30 tháng 6, 2022" in home  # the header clock decoy
    for section in portal.sections:
        assert f'<a href="/{section.slug}/">{section.name}</a>' in home
    newest = portal.article(0)
    assert home.count(newest.path) >= 2  # highlight and sidebar
    assert "Cơ quan chủ quản: Ủy ban nhân dân thành phố Trà Vinh" in home
    assert "| Về đầu trang |" in home


# -- articles ---------------------------------------------------------------------------------


def test_seed_article_is_verbatim(site: tuple[str, DemoPortal]) -> None:
    url, portal = site
    seed = parse_seed(SEED_PATH.read_text(encoding="utf-8"))
    meta = portal.seed_article
    assert meta.section.slug == "chinh-tri"
    assert portal.listing_page_of(meta) in (1, 2)
    _, listing = text(f"{url}chinh-tri/?page={portal.listing_page_of(meta)}")
    assert meta.path in listing and "02/06/2022 16:30" in listing

    status, page = text(url + meta.path.lstrip("/"))
    assert status == 200
    assert f'<h1 class="article-title">{seed.title}</h1>' in page
    assert '<div class="article-date">Thứ Năm, 02/06/2022 - 16:30</div>' in page
    assert f'<div class="article-sapo">{seed.lead}</div>' in page
    assert "<figcaption>Quang cảnh hội nghị</figcaption>" in page
    for paragraph in seed.paragraphs:
        assert f"<p>{html.escape(paragraph)}</p>" in page
    assert "kinh tế, \xa0giá trị" in page  # the seed's no-break space is kept verbatim
    body = page[
        page.index('<div class="article-body">') : page.index("</div>", page.index("</figure>"))
    ]
    assert body.index("</figure>") < body.index(seed.paragraphs[0][:40])
    assert body.rstrip().endswith(
        '<p class="author" style="text-align:right"><strong>'
        "Thực hiện: Hoàng Vũ - Phước lập</strong></p>"
    )
    assert "CÁC BÀI VIẾT KHÁC:" in page
    other = page[page.index('<div class="other-news">') :]
    assert other.count("<li>") >= 10 and '<a href="?trang-khac=5">5</a>' in other
    assert "..." in other
    assert unicodedata.is_normalized("NFC", page)


def test_article_variants_other_pages_and_attachments(site: tuple[str, DemoPortal]) -> None:
    url, portal = site
    articles = list(portal.iter_articles())
    date_only = next(a for a in articles if not a.has_time)
    _, page = text(url + date_only.path.lstrip("/"))
    date_line = re.search(r'<div class="article-date">([^<]+)</div>', page)
    assert date_line and re.fullmatch(r"Thứ \w+, \d\d/\d\d/\d{4}|Chủ Nhật, \S+", date_line[1])

    article = articles[100]
    status, second = text(f"{url}{article.path.lstrip('/')}?trang-khac=2")
    assert status == 200 and '<a class="active" href="?trang-khac=2">2</a>' in second
    assert fetch(f"{url}{article.path.lstrip('/')}?trang-khac=999")[0] == 404
    wrong_slug = article.path.replace(article.slug, "sai-duong-dan")
    assert fetch(url + wrong_slug.lstrip("/"))[0] == 404

    with_files = next(a for a in articles if portal.body(a).attachments)
    _, page = text(url + with_files.path.lstrip("/"))
    links = re.findall(r'<li><a href="(/files/\d+/[a-z0-9-]+\.pdf)">', page)
    assert links and "Tệp đính kèm" in page
    status, ctype, pdf = fetch(url + links[0].lstrip("/"))
    assert status == 200 and ctype == "application/pdf" and pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert fetch(f"{url}files/{with_files.id}/khong-co.pdf")[0] == 404

    status, ctype, png = fetch(f"{url}images/{with_files.id}-1.png")
    assert status == 200 and ctype == "image/png" and png.startswith(b"\x89PNG\r\n\x1a\n")


def test_not_found_and_static(site: tuple[str, DemoPortal]) -> None:
    url, _ = site
    status, page = text(url + "gioi-thieu/lich-su.html")
    assert status == 404
    assert "<title>Không tìm thấy trang - Cổng thông tin điện tử Thành phố Trà Vinh</title>" in page
    assert counter(page)
    status, _, robots = fetch(url + "robots.txt")
    assert robots.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /tim-kiem",
        "Disallow: /quan-tri/",
    ]
    status, ctype, css = fetch(url + "static/site.css")
    assert status == 200 and ctype.startswith("text/css") and b".col-main" in css


# -- content model ----------------------------------------------------------------------------


def test_content_model_is_deterministic_and_varied() -> None:
    portal = DemoPortal(2000, seed=1)
    again = DemoPortal(2000, seed=1)
    other = DemoPortal(2000, seed=2)
    sample = range(0, 2000, 37)
    assert [portal.article(i).title for i in sample] == [again.article(i).title for i in sample]
    assert [portal.article(i).title for i in sample] != [other.article(i).title for i in sample]
    articles = list(portal.iter_articles())
    times = [a.published for a in articles]
    assert all(a > b for a, b in itertools.pairwise(times))
    assert str(times[0].date()) == "2022-06-30"
    assert 0.08 < sum(not a.has_time for a in articles) / 2000 < 0.18
    bodies = [portal.body(a) for a in articles[:400]]
    assert 0.15 < sum(bool(b.attachments) for b in bodies) / 400 < 0.35
    assert {a.images for a in articles} == {0, 1, 2}
    assert len({a.title for a in articles}) > 500
    words = " ".join(
        [a.title + " " + a.sapo for a in articles]
        + [str(block) for b in bodies for block in b.blocks]
        + [b.author for b in bodies]
    )
    for needle in ("Uỷ ban", "hoà", "thuỷ", "UBND", "HĐND", "MTTQ", "TP.", "Tin, ảnh:", "Nguồn:"):
        assert needle in words, needle
    assert re.search(r"\b\d\.\d{3} người", words) and re.search(r"\b\d+,\d\d%", words)
    assert unicodedata.is_normalized("NFC", words)
    for count in (1, 2, 7, 9, 241):
        small = DemoPortal(count)
        assert sum(small.section_size(s) for s in small.sections) == count
        assert small.seed_article.section.slug == "chinh-tri"
    with pytest.raises(ValueError):
        DemoPortal(0)


def test_large_portal_starts_fast_and_serves_deep_pages() -> None:
    started = time.perf_counter()
    server, url = start_in_thread(articles=100_000)
    try:
        assert time.perf_counter() - started < 1.0
        portal = server.portal
        section = portal.sections[3]
        last = portal.page_count(section)
        status, page = text(f"{url}{section.slug}/?page={last}")
        assert status == 200 and 1 <= len(NEWS_ITEM.findall(page)) <= 10
        deep = portal.article(99_990)
        status, page = text(url + deep.path.lstrip("/"))
        assert status == 200 and html.escape(deep.title) in page
        assert deep.published.year == 2020
    finally:
        server.shutdown()
        server.server_close()


# -- command line -----------------------------------------------------------------------------


def _run_module(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "portal_spider.demo_portal", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def test_cli_serves_and_stops_cleanly_on_sigterm() -> None:
    proc = _run_module("--port", "0")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.fullmatch(r"Demo portal: (http://127\.0\.0\.1:\d+/)\n", line)
        assert match, line
        status, page = text(match[1])
        assert status == 200 and counter(page)[1] == 2579
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert proc.stdout.read() == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("args", [("--articles", "0"), ("--articles", "1000001")])
def test_cli_rejects_bad_input_with_one_line(args: tuple[str, ...]) -> None:
    proc = _run_module("--port", "0", *args)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "--articles" in err


def test_cli_reports_busy_port() -> None:
    server, _ = start_in_thread()
    try:
        proc = _run_module("--port", str(server.server_port))
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 2 and out == ""
        assert len(err.strip().splitlines()) == 1 and "cannot listen" in err
    finally:
        server.shutdown()
        server.server_close()
