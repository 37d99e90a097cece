"""Demo portal days (`--day D`): new, edited and removed articles, validators and 304s."""

from __future__ import annotations

import html
import http.client
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

import pytest

from portal_spider.demo_portal import DemoPortal, start_in_thread
from portal_spider.demo_portal.days import SOFT_404_TEXT
from portal_spider.demo_portal.server import DemoPortalServer

from .test_demo_portal import NEWS_ITEM, _run_module, counter

ARTICLES = 240
BODY = re.compile(r'<div class="article-body">\n(.*?)\n</div>', re.S)
DETAIL = re.compile(r'<div class="article-detail">(.*?)<div class="other-news">', re.S)


class Client:
    """One keep-alive connection; never follows redirects."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)

    def get(
        self, path: str, headers: dict[str, str] | None = None, method: str = "GET"
    ) -> tuple[int, http.client.HTTPMessage, str]:
        self.conn.request(method, path, headers=headers or {})
        response = self.conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8")


def _serve(articles: int = ARTICLES, day: int = 0, seed: int = 1) -> tuple[DemoPortalServer, str]:
    return start_in_thread(articles=articles, seed=seed, day=day)


def _stop(server: DemoPortalServer) -> None:
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def day0() -> Iterator[tuple[Client, DemoPortal]]:
    server, url = _serve()
    yield Client(url), server.portal
    _stop(server)


@pytest.fixture(scope="module")
def day1() -> Iterator[tuple[Client, DemoPortal]]:
    server, url = _serve(day=1)
    yield Client(url), server.portal
    _stop(server)


@pytest.fixture(scope="module")
def day2() -> Iterator[tuple[Client, DemoPortal]]:
    server, url = _serve(day=2)
    yield Client(url), server.portal
    _stop(server)


def _listed(client: Client, portal: DemoPortal) -> dict[str, list[int]]:
    """Every section's article ids over all its listing pages, checking page sizes."""
    result = {}
    for section in portal.sections:
        ids: list[int] = []
        last = portal.page_count(section)
        for page in range(1, last + 1):
            status, _, body = client.get(f"{section.path}?page={page}")
            assert status == 200
            items = [int(i) for _, i, _ in NEWS_ITEM.findall(body)]
            size = portal.section_size(section)
            assert len(items) == (10 if page < last else size - 10 * (last - 1))
            if last > 1:
                assert f'<a class="last" href="?page={last}">' in body or page == last
            ids += items
        assert client.get(f"{section.path}?page={last + 1}")[0] == 404
        result[section.slug] = ids
    return result


def _http_date(local: datetime) -> str:
    """A +07:00 local time in the HTTP date format: 'Fri, 01 Jul 2022 13:08:00 GMT'."""
    return format_datetime((local - timedelta(hours=7)).replace(tzinfo=UTC), usegmt=True)


def _body(page: str) -> str:
    match = BODY.search(page)
    assert match, "article body missing"
    return match[1]


# -- the change schedule ----------------------------------------------------------------------


def test_changes_are_deterministic_cumulative_and_spare_the_seed() -> None:
    one, two = DemoPortal(ARTICLES, day=1), DemoPortal(ARTICLES, day=2)
    c1 = one.changes(1)
    assert len(c1.new) == 20 and len(c1.edited) == 3 and len(c1.removed) == 3
    assert [a.id for a in c1.new] == list(range(10_000 + ARTICLES + 19, 10_000 + ARTICLES - 1, -1))
    assert {r.kind for r in c1.removed} == {"http_404", "redirect", "soft_404"}
    assert all(str(a.published.date()) == "2022-07-01" for a in c1.new)
    again = two.changes(1)
    assert [a.id for a in again.new] == [a.id for a in c1.new]
    assert [(e.meta.id, e.old_sentence, e.new_sentence) for e in again.edited] == [
        (e.meta.id, e.old_sentence, e.new_sentence) for e in c1.edited
    ]
    assert [(r.meta.id, r.kind) for r in again.removed] == [(r.meta.id, r.kind) for r in c1.removed]
    assert DemoPortal(ARTICLES).changes(2) == two.changes(2)  # a later day on request
    assert DemoPortal(ARTICLES).changes(0).new == ()
    other = DemoPortal(ARTICLES, seed=2, day=1).changes(1)
    assert {e.meta.id for e in other.edited} != {e.meta.id for e in c1.edited}
    for edit in c1.edited:
        assert edit.old_sentence != edit.new_sentence and edit.meta.modified == edit.edited_at
        assert edit.edited_at > edit.meta.published
        assert re.search(r"\d", edit.new_sentence)
    for articles in (12, 30, ARTICLES, 5000):
        late = DemoPortal(articles, day=30)
        seed = late.seed_article
        assert seed.is_seed and late.removal(seed) is None and late.edit(seed) is None
        assert sum(late.section_size(s) for s in late.sections) == late.live_articles
        assert late.live_articles == articles + 30 * 20 - 30 * 3
    tiny = DemoPortal(1, day=3)  # too small for 6 candidates a day: fewer changes, no error
    assert sum(tiny.section_size(s) for s in tiny.sections) == tiny.live_articles
    with pytest.raises(ValueError):
        DemoPortal(ARTICLES, day=-1)


# -- day 1 over HTTP --------------------------------------------------------------------------


def test_day1_new_articles_on_top_and_listing_totals(
    day0: tuple[Client, DemoPortal], day1: tuple[Client, DemoPortal]
) -> None:
    client, portal = day1
    changes = portal.changes(1)
    listed = _listed(client, portal)
    ids = [i for section in listed.values() for i in section]
    assert len(ids) == len(set(ids)) == ARTICLES + 20 - 3
    new_ids = [a.id for a in changes.new]
    removed = {r.meta.id for r in changes.removed}
    assert not removed & set(ids)
    for section in portal.sections:
        fresh = [a.id for a in changes.new if a.section == section]
        assert listed[section.slug][: len(fresh)] == fresh  # newest first, on top
        assert listed[section.slug][len(fresh) :] == [
            i for i in _listed(*day0)[section.slug] if i not in removed
        ]
    assert sum(1 for i in ids if i in new_ids) == 20
    _, _, first = client.get("/chinh-tri/")
    assert re.search(r'<div class="news-date">01/07/2022( \d\d:\d\d)?</div>', first)
    _, _, home = client.get("/")
    assert "Thứ Sáu, 1 tháng 7, 2022" in home  # the header clock moved on
    assert html.escape(changes.new[0].title) in home
    for path in ("/", "/chinh-tri/", changes.new[0].path):
        _, _, page = client.get(path)
        assert not any(r.meta.path in page for r in changes.removed), path
    assert client.get("/robots.txt")[2].splitlines() == [
        "User-agent: *",
        "Disallow: /tim-kiem",
        "Disallow: /quan-tri/",
    ]
    new_page = client.get(changes.new[-1].path)
    assert new_page[0] == 200 and html.escape(changes.new[-1].title) in new_page[2]


def test_day1_edited_articles_show_the_new_sentence(
    day0: tuple[Client, DemoPortal], day1: tuple[Client, DemoPortal]
) -> None:
    client, portal = day1
    old_client, old_portal = day0
    edited = portal.changes(1).edited
    assert len(edited) == 3
    for edit in edited:
        status, _, page = client.get(edit.meta.path)
        assert status == 200
        body = _body(page)
        assert html.escape(edit.new_sentence) in body
        assert html.escape(edit.old_sentence) not in page
        _, _, before = old_client.get(edit.meta.path)
        assert html.escape(edit.old_sentence) in _body(before)
        original = old_portal.article_by_id(edit.meta.id)
        assert original is not None and original.title == edit.meta.title
        title = f'<h1 class="article-title">{html.escape(edit.meta.title)}</h1>'
        assert title in page and title in before
        assert portal.listing_page_of(edit.meta) == 1


def test_day1_removed_articles_answer_404_302_and_soft_404(
    day1: tuple[Client, DemoPortal],
) -> None:
    client, portal = day1
    removed = {r.kind: r.meta for r in portal.changes(1).removed}
    assert set(removed) == {"http_404", "redirect", "soft_404"}

    status, _, page = client.get(removed["http_404"].path)
    assert status == 404 and "Không tìm thấy trang" in page and counter(page)

    status, headers, page = client.get(removed["redirect"].path)
    assert status == 302 and headers["Location"] == "/" and page == ""
    assert client.get(removed["redirect"].path + "?trang-khac=2")[0] == 302

    status, headers, page = client.get(removed["soft_404"].path)
    assert status == 200 and SOFT_404_TEXT in page
    assert counter(page) and 'id="header"' in page and "box-tinmoi" in page
    meta = removed["soft_404"]
    assert html.escape(meta.title) not in page
    assert "article-title" not in page and "article-body" not in page
    assert "article-date" not in page
    assert "ETag" not in headers
    for meta in removed.values():  # a wrong slug is still a plain 404
        assert client.get(meta.path.replace(meta.slug, "sai"))[0] == 404


def test_day2_includes_day1_and_its_own_changes(day2: tuple[Client, DemoPortal]) -> None:
    client, portal = day2
    c1, c2 = portal.changes(1), portal.changes(2)
    assert {a.id for a in c1.new}.isdisjoint(a.id for a in c2.new)
    assert min(a.id for a in c2.new) == max(a.id for a in c1.new) + 1
    assert all(str(a.published.date()) == "2022-07-02" for a in c2.new)
    listed = [i for ids in _listed(client, portal).values() for i in ids]
    assert len(listed) == len(set(listed)) == ARTICLES + 40 - 6
    assert {a.id for a in c1.new + c2.new} - {r.meta.id for r in c1.removed + c2.removed} <= set(
        listed
    )
    expected = {"http_404": 404, "redirect": 302, "soft_404": 200}
    for removal in c1.removed + c2.removed:
        status, _, page = client.get(removal.meta.path)
        assert status == expected[removal.kind]
        assert removal.meta.id not in listed
    for edit in c1.edited + c2.edited:
        if portal.removal(edit.meta) is None:
            _, _, page = client.get(edit.meta.path)
            assert html.escape(edit.new_sentence) in _body(page)
            assert html.escape(edit.old_sentence) not in page


# -- validators -------------------------------------------------------------------------------


def test_article_validators_and_304(day1: tuple[Client, DemoPortal]) -> None:
    client, portal = day1
    meta = next(a for a in portal.iter_articles() if portal.edit(a) is None and a.index > 30)
    status, headers, page = client.get(meta.path)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and re.fullmatch(r'"[0-9a-f]{24}"', etag)
    assert modified == _http_date(meta.published)
    before = counter(page)[1]

    status, headers, page = client.get(meta.path, {"If-None-Match": etag})
    assert status == 304 and page == "" and headers["ETag"] == etag
    assert "Content-Length" not in headers
    status, _, page = client.get(meta.path, {"If-None-Match": f'"other", W/{etag}'})
    assert status == 304
    status, _, page = client.get(meta.path, {"If-Modified-Since": modified})
    assert status == 304 and page == ""
    stamp = parsedate_to_datetime(modified)
    older = format_datetime(stamp.replace(year=stamp.year - 1), usegmt=True)
    assert client.get(meta.path, {"If-Modified-Since": older})[0] == 200
    # If-None-Match wins over If-Modified-Since
    status, _, page = client.get(meta.path, {"If-None-Match": '"x"', "If-Modified-Since": modified})
    assert status == 200
    assert counter(page)[1] == before + 2  # the 304s were not counted; two 200s were

    status, headers, _ = client.get(f"{meta.path}?trang-khac=2")
    assert status == 200 and headers["ETag"] != etag
    status, headers, page = client.get(meta.path, method="HEAD")
    assert status == 200 and headers["ETag"] == etag and page == ""
    for path in ("/", "/chinh-tri/", "/chinh-tri/?page=2", "/khong-co"):
        headers = client.get(path)[1]
        assert "ETag" not in headers and "Last-Modified" not in headers


def test_etags_follow_content_across_days(
    day0: tuple[Client, DemoPortal], day1: tuple[Client, DemoPortal]
) -> None:
    old_client, _ = day0
    client, portal = day1
    for edit in portal.changes(1).edited:
        status, headers, _ = old_client.get(edit.meta.path)
        old_etag = headers["ETag"]
        status, headers, page = client.get(edit.meta.path, {"If-None-Match": old_etag})
        assert status == 200 and headers["ETag"] != old_etag
        assert html.escape(edit.new_sentence) in page
        assert headers["Last-Modified"] == _http_date(edit.edited_at)
        assert client.get(edit.meta.path, {"If-None-Match": headers["ETag"]})[0] == 304
    unchanged = portal.article(40)
    assert portal.edit(unchanged) is None and portal.removal(unchanged) is None
    old_etag = old_client.get(unchanged.path)[1]["ETag"]
    assert client.get(unchanged.path, {"If-None-Match": old_etag})[0] == 304


# -- day 0 is unchanged -----------------------------------------------------------------------


def _without_counter(page: str) -> str:
    return re.sub(r'<div class="box box-thongke">.*?</ul></div>', "", page)


def test_day0_is_the_portal_without_day(day0: tuple[Client, DemoPortal]) -> None:
    """`--day 0` and no --day serve the same bytes (apart from the counter)."""
    client, portal = day0
    proc = _run_module("--port", "0", "--articles", str(ARTICLES), "--no-extras")
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split(": ", 1)[1].strip()
        plain = Client(url)
        paths = ["/", "/chinh-tri/", "/van-hoa-xa-hoi/?page=2"]
        paths += [portal.article(i).path for i in (0, 1, 7, 19, 120, ARTICLES - 1)]
        paths.append(portal.seed_article.path)
        for path in paths:
            a, b = client.get(path), plain.get(path)
            assert a[0] == b[0] == 200
            assert _without_counter(a[2]) == _without_counter(b[2]), path
            assert a[1].get("ETag") == b[1].get("ETag")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_existing_articles_keep_their_url_and_content_on_later_days(
    day0: tuple[Client, DemoPortal], day2: tuple[Client, DemoPortal]
) -> None:
    old_client, old_portal = day0
    client, portal = day2
    touched = {e.meta.id for d in (1, 2) for e in portal.changes(d).edited}
    touched |= {r.meta.id for d in (1, 2) for r in portal.changes(d).removed}
    for index in (0, 3, 25, 100, ARTICLES - 1):
        meta = old_portal.article(index)
        if meta.id in touched:
            continue
        later = portal.article_by_id(meta.id)
        assert later is not None and later.path == meta.path and later.title == meta.title
        before, after = old_client.get(meta.path), client.get(meta.path)
        assert after[0] == 200
        old_detail, new_detail = DETAIL.search(before[2]), DETAIL.search(after[2])
        assert old_detail and new_detail and old_detail[1] == new_detail[1]


# -- command line and scale -------------------------------------------------------------------


@pytest.mark.parametrize("day", ["-1", "366", "x"])
def test_cli_rejects_a_bad_day_with_one_line(day: str) -> None:
    proc = _run_module("--port", "0", "--day", day)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--day" in err


def test_cli_serves_a_later_day() -> None:
    proc = _run_module("--port", "0", "--articles", "50", "--day", "3")
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split(": ", 1)[1].strip()
        client = Client(url)
        portal = DemoPortal(50, day=3)
        status, _, page = client.get("/")
        assert status == 200 and "3 tháng 7, 2022" in page
        assert html.escape(portal.changes(3).new[0].title) in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_large_portal_at_day_30_starts_fast_and_serves_last_pages() -> None:
    started = time.perf_counter()
    server, url = _serve(articles=100_000, day=30)
    try:
        assert time.perf_counter() - started < 1.0
        client, portal = Client(url), server.portal
        assert portal.live_articles == 100_000 + 600 - 90
        assert sum(portal.section_size(s) for s in portal.sections) == portal.live_articles
        for section in portal.sections:
            last = portal.page_count(section)
            status, _, page = client.get(f"{section.path}?page={last}")
            assert status == 200
            assert len(NEWS_ITEM.findall(page)) == portal.section_size(section) - 10 * (last - 1)
        newest = portal.changes(30).new[0]
        status, headers, page = client.get(newest.path)
        assert status == 200 and "ETag" in headers and "30/07/2022" in page
    finally:
        _stop(server)
