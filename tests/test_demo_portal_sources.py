"""The demo portal's extras (issue 15 item 6), over real HTTP on 127.0.0.1: sections reached in
different ways, sitemaps, the RSS feed, sitemap-only articles, a section born on day 2 and the
busy non-news targets, each checked against the portal's own truth (`DemoPortal.truth`)."""

from __future__ import annotations

import http.client
import itertools
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from parsel import Selector
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from portal_spider.demo_portal import DemoPortal, start_in_thread
from portal_spider.demo_portal.extras import (
    CREATED_DAY,
    DOCUMENT_COUNT,
    EXTRA_ID_BASE,
    SCHEDULE_WEEKS,
)
from portal_spider.demo_portal.server import DemoPortalServer
from portal_spider.demo_portal.sources import FEED_SIZE, SITEMAP_CHUNK
from portal_spider.extract import extract_page

from .conftest import start_demo_portal, stop
from .demo_truth import FIELDS, expected_fields, listed_by, published_urls

ARTICLES = 240
DMY = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def page(url: str) -> Selector:
    status, _, body = get(url)
    assert status == 200, url
    return Selector(text=body.decode("utf-8"))


class Served:
    """A demo portal with extras, served on one day, and its content model."""

    def __init__(self, server: DemoPortalServer, url: str, model: DemoPortal) -> None:
        self.server, self.url, self.model = server, url, model


Serve = Callable[[int], Served]


@pytest.fixture(scope="module")
def served() -> Iterator[Serve]:
    """Start (once per module) the portal as on a day: served(day)."""
    started: dict[int, Served] = {}

    def at(day: int) -> Served:
        if day not in started:
            server, url = start_in_thread(articles=ARTICLES, day=day, extras=True)
            started[day] = Served(server, url, DemoPortal(ARTICLES, day=day, extras=True))
        return started[day]

    yield at
    for one in started.values():
        one.server.shutdown()
        one.server.server_close()


def _id(url: str) -> int:
    """The article id at the end of an article URL."""
    return int(url.rsplit("-", 1)[1].removesuffix(".html"))


def _abs(base: str, hrefs: list[str]) -> set[str]:
    return {urlsplit(urljoin(base, h)).path for h in hrefs if h != "#"}


# -- how the sections are reached ---------------------------------------------------------


def test_home_menu_has_dropdown_footer_and_more_links(served: Serve) -> None:
    site = served(2)
    truth = site.model.truth()
    home = page(site.url)
    top = _abs(site.url, home.css("ul.main-menu > li > a::attr(href)").getall())
    dropdown = _abs(site.url, home.css("ul.main-menu > li > ul.sub-menu a::attr(href)").getall())
    footer = _abs(site.url, home.css("#footer a::attr(href)").getall())
    more = {
        urlsplit(urljoin(site.url, a.attrib["href"])).path
        for a in home.css("a")
        if "Xem tất cả" in "".join(a.css("::text").getall())
    }
    for section in truth.news_sections:
        reached = {
            "menu": section.path in top,
            "dropdown": section.path in dropdown,
            "footer": section.path in footer,
            "more-link": section.path in more,
        }
        assert {way for way, yes in reached.items() if yes} == section.reach, section
    ways = {s.path: s.reach for s in truth.news_sections}
    assert ways["/guong-sang-co-so/"] == {"dropdown"}
    assert ways["/cau-chuyen-khom-ap/"] == {"footer"}
    assert "more-link" in ways["/nong-thon-moi/"]
    # Every non-news target is linked from the home page and answers 200.
    for target in truth.non_news:
        assert target.path in top | dropdown | footer, target
        assert get(site.url + target.path.lstrip("/"))[0] == 200
    names = {s.name for s in truth.news_sections}
    assert not any(n.startswith("Tin ") or n in ("Kinh tế", "Chính trị") for n in names - {
        "Tin tức - Sự kiện", "Chính trị", "Kinh tế - Xã hội", "Văn hóa - Xã hội"})  # fmt: skip


def test_listings_show_exactly_the_listed_articles(served: Serve) -> None:
    """Every listing page of every news section, followed by its "Trang sau" links."""
    site = served(1)
    seen: set[str] = set()
    for section in site.model.truth().news_sections:
        url = site.url + section.path.lstrip("/")
        pages = 0
        while url:
            listing = page(url)
            pages += 1
            seen |= {urljoin(url, h) for h in listing.css("h3.news-title a::attr(href)").getall()}
            next_href = listing.css("a.next::attr(href)").get()
            url = urljoin(url, next_href) if next_href else ""
        assert pages >= 2, section  # every section, the extra ones too, paginates
    assert seen == listed_by(site.model, site.url, "listing")


def test_sitemap_only_articles_are_listed_nowhere_but_online(served: Serve) -> None:
    site = served(0)
    truth = site.model.truth()
    hidden = truth.sitemap_only()
    assert len(hidden) == 4
    pages_with_links = [site.url, site.url + "nong-thon-moi/"]
    section = site.model.section("nong-thon-moi")
    assert section is not None
    pages_with_links += [
        f"{site.url}nong-thon-moi/?page={n}" for n in range(2, site.model.page_count(section) + 1)
    ]
    pages_with_links += [site.url + path.lstrip("/") for path in list(truth.articles)[:40]]
    linked: set[str] = set()
    for url in pages_with_links:
        linked |= _abs(url, page(url).css("a::attr(href)").getall())
    assert not hidden & linked
    for path in hidden:
        status, _, body = get(site.url + path.lstrip("/"))
        assert status == 200
        meta = site.model.article_by_id(_id(path))
        assert meta is not None and meta.title in body.decode()


# -- sitemaps ------------------------------------------------------------------------------


def _sitemap_urls(base: str) -> dict[str, dict[str, str]]:
    """Child path -> {loc: lastmod} for every child of the index robots.txt names."""
    status, _, robots = get(base + "robots.txt")
    assert status == 200
    (index_url,) = list(sitemap_urls_from_robots(robots, base_url=base))
    status, _, body = get(index_url)
    index = Sitemap(body)
    assert index.type == "sitemapindex"
    children: dict[str, dict[str, str]] = {}
    for entry in index:
        status, content_type, data = get(entry["loc"])
        assert status == 200, entry
        if entry["loc"].endswith(".gz"):
            assert content_type in ("application/x-gzip", "application/gzip")
            assert data[:2] == b"\x1f\x8b"  # a real gzip file, not a transfer encoding
            data = gunzip(data)
        child = Sitemap(data)
        assert child.type == "urlset"
        locs = {url["loc"]: url.get("lastmod", "") for url in child}
        assert len(locs) <= SITEMAP_CHUNK
        children[urlsplit(entry["loc"]).path] = locs
    return children


def test_sitemap_index_and_gzip_children_list_every_article(served: Serve) -> None:
    site = served(1)  # day 1: three articles removed, which no sitemap lists
    children = _sitemap_urls(site.url)
    truth = site.model.truth()
    assert list(children) == list(truth.sitemap_children)
    articles = {
        loc for path, locs in children.items() if path != "/sitemaps/trang.xml" for loc in locs
    }
    assert articles == listed_by(site.model, site.url, "sitemap")
    assert articles == set(published_urls(site.model, site.url))  # every article is in one
    removed = {site.url + r.meta.path.lstrip("/") for r in site.model.changes(1).removed}
    assert len(removed) == 3 and not removed & articles
    # Dates: article children carry each article's own time; the extra sections' child stamps
    # every entry with the generation time, as the truth says.
    gz = children["/sitemaps/tin-bai-1.xml.gz"]
    meta = site.model.article(5)
    assert gz[site.url + meta.path.lstrip("/")].startswith(
        meta.last_modified.strftime("%Y-%m-%dT%H:%M")
    )
    assert len(set(gz.values())) > len(gz) // 2
    assert len(set(children["/sitemaps/chuyen-muc.xml"].values())) == 1
    assert truth.dates["/sitemaps/chuyen-muc.xml"] == "generation-time"
    assert truth.dates["/sitemaps/tin-bai-*.xml.gz"] == "credible"
    pages = set(children["/sitemaps/trang.xml"])
    assert site.url + "van-ban/" in pages and site.url in pages


def test_sitemap_and_feed_urls_follow_the_host_header(served: Serve) -> None:
    site = served(0)
    port = site.server.server_port
    for host, expected in (
        ("portal.example:8080", "http://portal.example:8080"),
        ("localhost", "http://localhost"),
        ("bad host/../", f"http://127.0.0.1:{port}"),  # not a host: the server's own address
    ):
        found = {}
        for path in ("/robots.txt", "/sitemap.xml", "/rss/", "/sitemaps/chuyen-muc.xml"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.putrequest("GET", path, skip_host=True)
            connection.putheader("Host", host)
            connection.endheaders()
            response = connection.getresponse()
            found[path] = response.read().decode()
            connection.close()
        urls = re.findall(r"https?://[^\s<\"]+", "".join(found.values()))
        urls = [u for u in urls if "sitemaps.org" not in u]
        assert len(urls) > FEED_SIZE and all(u.startswith(expected + "/") for u in urls), host


# -- the feed ------------------------------------------------------------------------------


def test_rss_feed_is_announced_and_parses(served: Serve) -> None:
    site = served(2)
    home = page(site.url)
    (href,) = home.css('link[rel="alternate"][type="application/rss+xml"]::attr(href)').getall()
    feed_url = urljoin(site.url, href)
    status, content_type, body = get(feed_url)
    assert status == 200 and "xml" in content_type
    headers = {"content-location": feed_url, "content-type": content_type}
    feed = feedparser.parse(body, response_headers=headers)
    assert not feed.bozo and feed.version == "rss20"
    assert len(feed.entries) == FEED_SIZE
    links = [entry.link for entry in feed.entries]
    assert set(links) == listed_by(site.model, site.url, "feed")
    listed = [site.model.article_by_id(_id(url)) for url in listed_by(site.model, "/", "listing")]
    newest = sorted((m for m in listed if m), key=lambda m: m.published, reverse=True)
    assert set(links) == {site.url + m.path.lstrip("/") for m in newest[:FEED_SIZE]}
    # Credible dates: each pubDate is the article's publication time, newest first.
    for entry in feed.entries:
        meta = site.model.article_by_id(_id(entry.link))
        assert meta is not None and entry.title == meta.title
        utc = datetime(*entry.published_parsed[:6])
        assert utc == meta.published.replace(second=0) - timedelta(hours=7)
    stamps = [entry.published_parsed for entry in feed.entries]
    assert stamps == sorted(stamps, reverse=True)
    assert any(_id(link) >= EXTRA_ID_BASE for link in links)  # day 2's


# -- a section created later -------------------------------------------------------------------


def test_later_section_is_404_before_day_2_and_listed_from_day_2(served: Serve) -> None:
    before, after, later = served(CREATED_DAY - 1), served(CREATED_DAY), served(CREATED_DAY + 1)
    path = "/do-thi-van-minh/"
    new = [s for s in after.model.truth().news_sections if s.created_day == CREATED_DAY]
    assert [s.path for s in new] == [path]
    assert get(before.url + path.lstrip("/"))[0] == 404
    assert path not in _abs(before.url, page(before.url).css("a::attr(href)").getall())
    assert path not in {s.path for s in before.model.truth().news_sections}
    born = [p for p in after.model.truth().articles if p.startswith(path)]
    assert len(born) == 6
    for article in born:
        assert get(before.url + article.lstrip("/"))[0] == 404
        assert get(after.url + article.lstrip("/"))[0] == 200
    assert not {before.url + p.lstrip("/") for p in born} & set(_sitemap_urls(before.url).get(
        "/sitemaps/chuyen-muc.xml", {}))  # fmt: skip
    assert path in _abs(
        after.url, page(after.url).css("ul.main-menu > li > a::attr(href)").getall()
    )
    listed = _abs(
        after.url, page(after.url + path.lstrip("/")).css("h3.news-title a::attr(href)").getall()
    )
    assert listed == set(born)
    assert set(born) < {p for p in later.model.truth().articles if p.startswith(path)}


# -- non-news targets that look busy ------------------------------------------------------------


def test_document_register_paginates_to_document_pages_with_pdfs(served: Serve) -> None:
    site = served(0)
    url, documents, pages = site.url + "van-ban/", [], 0
    while url:
        register = page(url)
        pages += 1
        rows = register.css("table.doc-table tbody tr")
        assert rows and all(DMY.search(row.css("td.ngay-ban-hanh::text").get()) for row in rows)
        documents += [urljoin(url, h) for h in rows.css("td.so-ky-hieu a::attr(href)").getall()]
        next_href = register.css("a.next::attr(href)").get()
        url = urljoin(url, next_href) if next_href else ""
    assert len(set(documents)) == len(documents) == DOCUMENT_COUNT and pages == 6
    assert get(site.url + "van-ban/?page=7")[0] == 404
    detail = page(documents[0])
    labels = detail.css("table.doc-info th::text").getall()
    values = detail.css("table.doc-info td").xpath("string()").getall()
    fields = dict(zip(labels, values, strict=True))
    assert re.fullmatch(r"\d+/[A-ZĐ]+-[A-Z]+", fields["Số ký hiệu"])
    assert DMY.fullmatch(fields["Ngày ban hành"]) and len(fields["Trích yếu"]) > 20
    status, content_type, pdf = get(
        urljoin(documents[0], detail.css("a.download::attr(href)").get())
    )
    assert status == 200 and content_type == "application/pdf" and pdf.startswith(b"%PDF-")
    assert get(documents[0].replace(".html", "9.html"))[0] == 404


def test_work_schedule_paginates_week_by_week(served: Serve) -> None:
    site = served(0)
    url, mondays = site.url + "lich-cong-tac/", []
    while url:
        schedule = page(url)
        days = [
            datetime.strptime(DMY.search(" ".join(c.css("::text").getall()))[0], "%d/%m/%Y")
            for c in schedule.css("table.schedule td.lct-day")
        ]
        assert len(days) >= 6 and days == sorted(days)
        mondays.append(days[0])
        older = schedule.css("a.prev-week::attr(href)").get()
        url = urljoin(url, older) if older else ""
    assert len(mondays) == SCHEDULE_WEEKS
    assert all((a - b).days == 7 for a, b in itertools.pairwise(mondays))
    this_week = mondays[0].date()
    assert this_week.weekday() == 0 and this_week <= site.model.today < this_week + timedelta(7)
    assert get(f"{site.url}lich-cong-tac/?page={SCHEDULE_WEEKS + 1}")[0] == 404


# -- extra articles read like the others -----------------------------------------------------


def test_extra_articles_extract_to_their_ground_truth(served: Serve) -> None:
    site = served(2)
    truth = site.model.truth()
    picked = [p for p in truth.articles if _id(p) >= EXTRA_ID_BASE]
    by_section: dict[str, str] = {}
    for path in picked:
        by_section.setdefault(path.split("/")[1], path)
    samples = [*by_section.values(), *truth.sitemap_only()]
    assert len(by_section) == 4
    for path in samples:
        url = site.url + path.lstrip("/")
        meta = site.model.article_by_id(_id(path))
        assert meta is not None
        record = extract_page(urllib.request.urlopen(url).read(), url)
        expected = {"kind": "article", **expected_fields(site.model, meta, site.url)}
        actual = {"kind": record.kind, **{f: record.to_dict()[f] for f in FIELDS}}
        assert actual == expected, url
        assert record.visitor_counter


# -- the switch ------------------------------------------------------------------------------


def test_extras_are_on_in_the_cli_and_off_for_older_tests() -> None:
    for args, on in ((("--articles", "30"), False), (("--articles", "30", "--extras"), True)):
        process, url = start_demo_portal(*args)
        try:
            robots = get(url + "robots.txt")[2]
            assert (b"Sitemap: " in robots) is on
            assert get(url + "sitemap.xml")[0] == (200 if on else 404)
            assert get(url + "van-ban/")[0] == (200 if on else 404)
            assert get(url + "nong-thon-moi/")[0] == (200 if on else 404)
            home = get(url)[2]
            assert (b"application/rss+xml" in home) is on
        finally:
            stop(process)
    off = DemoPortal(30).truth()
    assert off.sitemap_children == () and all(s == {"listing"} for s in off.articles.values())


def test_sitemap_children_hold_at_most_50000_urls_at_100k_articles() -> None:
    server, url = start_in_thread(articles=100_000, day=1, extras=True)
    try:
        status, _, body = get(url + "sitemap.xml")
        children = [entry["loc"] for entry in Sitemap(body)]
        assert [urlsplit(c).path for c in children[:3]] == [
            f"/sitemaps/tin-bai-{n}.xml.gz" for n in (1, 2, 3)
        ]
        status, _, data = get(children[0])
        assert status == 200
        assert sum(1 for _ in Sitemap(gunzip(data))) == SITEMAP_CHUNK
    finally:
        server.shutdown()
        server.server_close()
