"""Sitemaps and feeds as second sources (portal_spider/second_sources), through real crawls.

A stdlib HTTP server on 127.0.0.1 serves a small portal with robots.txt Sitemap lines, a
sitemap index with a real gzip child, a plain urlset, RSS and Atom feeds, a dead child, off-site
and disallowed URLs and a feed stamped with its generation time. A tiny spider owns a
SecondSources and drains it on spider_idle, in a child process (a Twisted reactor cannot
restart); it prints what it saw as JSON.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from portal_spider.extract.document import parse_document
from portal_spider.second_sources import SecondSources, dates_credible
from portal_spider.second_sources.sources import _feed_links

# --- the served portal ----------------------------------------------------------------------

ROBOTS = """User-agent: *
Disallow: /private/
Sitemap: {base}sitemap_index.xml
"""

HOME = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Cổng thông tin điện tử xã Hòa Bình</title>
<link rel="alternate" type="application/rss+xml" title="Tin mới" href="/feeds/tin-moi.rss">
<link rel="alternate" type="application/atom+xml" title="Sự kiện" href="{base}feeds/su-kien.atom">
<link rel="alternate" type="application/rss+xml" href="http://feeds.other.example/xa.rss">
<link rel="stylesheet" href="/site.css">
</head><body><h1>Xã Hòa Bình</h1><p>Trang chủ của xã.</p></body></html>"""

SOFT_404 = "<html><body><p>Không tìm thấy trang yêu cầu.</p></body></html>"

INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}sitemaps/tin-tuc-1.xml.gz</loc><lastmod>2024-05-01</lastmod></sitemap>
<sitemap><loc>{base}sitemaps/trang.xml</loc></sitemap>
<sitemap><loc>{base}sitemaps/da-xoa.xml</loc></sitemap>
<sitemap><loc>http://other.example/sitemap.xml</loc></sitemap>
</sitemapindex>"""

# Varied lastmods: credible. One URL with a tracking parameter (same article as bai-1), one
# on www. (same site), one off-site, one disallowed by robots.txt.
NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}tin-tuc/bai-1.html</loc><lastmod>2024-05-06T08:30:00+07:00</lastmod></url>
<url><loc>{base}tin-tuc/bai-2.html</loc><lastmod>2024-04-28T15:10:00+07:00</lastmod></url>
<url><loc>{base}tin-tuc/bai-3.html</loc><lastmod>2023-11-02</lastmod></url>
<url><loc>{base}tin-tuc/bai-1.html?utm_source=zalo</loc><lastmod>2024-05-06</lastmod></url>
<url><loc>http://www.{host}/tin-tuc/bai-4.html</loc><lastmod>2022-01-09T07:00:00Z</lastmod></url>
<url><loc>http://other.example/tin-tuc/bai-5.html</loc><lastmod>2024-01-01</lastmod></url>
<url><loc>{base}private/bai-mat.html</loc><lastmod>2024-02-02</lastmod></url>
<url><loc>{base}tin-tuc/ho%C3%A0-b%C3%ACnh.html</loc><lastmod>2021-06-15</lastmod></url>
</urlset>"""

# Every lastmod identical: not credible. bai-2 is listed again here (a duplicate).
PAGES = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}gioi-thieu/lich-su.html</loc><lastmod>2024-05-07T00:00:00+07:00</lastmod></url>
<url><loc>{base}gioi-thieu/to-chuc.html</loc><lastmod>2024-05-07T00:00:00+07:00</lastmod></url>
<url><loc>{base}tin-tuc/bai-2.html</loc><lastmod>2024-05-07T00:00:00+07:00</lastmod></url>
</urlset>"""


def _rss(items: list[tuple[str, datetime]]) -> str:
    entries = "".join(
        f"<item><title>Tin {i}</title><link>{link}</link>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for i, (link, when) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Tin mới</title><link>/</link>{entries}</channel></rss>"
    )


ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Sự kiện</title><id>urn:xa:su-kien</id>
<updated>2024-05-05T09:00:00+07:00</updated>
<entry><title>Lễ hội làng</title><id>urn:xa:1</id><link href="/su-kien/le-hoi.html"/>
<updated>2024-05-05T09:00:00+07:00</updated></entry>
<entry><title>Họp dân</title><id>urn:xa:2</id><link href="/su-kien/hop-dan.html"/>
<updated>2024-03-18T14:20:00+07:00</updated></entry>
</feed>"""


class Portal:
    """The served files (built once the port is known) and a log of requested paths."""

    def __init__(self, base: str) -> None:
        host = base.split("//", 1)[1].rstrip("/")
        now = datetime.now(UTC).replace(microsecond=0)
        fmt = {"base": base, "host": host}
        xml = "application/xml"
        rss = "application/rss+xml"
        self.files: dict[str, tuple[str, bytes]] = {
            "/robots.txt": ("text/plain", ROBOTS.format(**fmt).encode()),
            "/": ("text/html; charset=utf-8", HOME.format(**fmt).encode()),
            "/sitemap.xml": ("text/html", SOFT_404.encode()),  # a guessed path: a soft 404
            "/sitemap_index.xml": (xml, INDEX.format(**fmt).encode()),
            "/sitemaps/tin-tuc-1.xml.gz": (
                "application/x-gzip",
                gzip.compress(NEWS.format(**fmt).encode()),
            ),
            "/sitemaps/trang.xml": (xml, PAGES.format(**fmt).encode()),
            "/feeds/tin-moi.rss": (
                rss,
                _rss(
                    [
                        (f"{base}tin-tuc/bai-6.html", datetime(2024, 5, 6, 2, 0, tzinfo=UTC)),
                        ("/tin-tuc/bai-1.html", datetime(2024, 5, 6, 1, 30, tzinfo=UTC)),
                        ("/tin-tuc/bai-7.html#binh-luan", datetime(2024, 4, 30, tzinfo=UTC)),
                    ]
                ).encode(),
            ),
            "/feeds/su-kien.atom": ("application/atom+xml", ATOM.encode()),
            # The generic platform's guessed feed: every entry stamped with "now".
            "/rss.xml": (
                rss,
                _rss([(f"/thong-bao/tb-{i}.html", now) for i in range(1, 4)]).encode(),
            ),
        }
        self.log: list[str] = []
        self.lock = threading.Lock()


def _handler(portal: Portal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with portal.lock:
                portal.log.append(self.path)
            path = self.path.split("?", 1)[0]
            if path in portal.files:
                content_type, body = portal.files[path]
            elif path.startswith(("/tin-tuc/", "/su-kien/", "/gioi-thieu/", "/thong-bao/")):
                content_type = "text/html; charset=utf-8"
                body = b"<html><body><h1>B\xc3\xa0i</h1></body></html>"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def portal() -> Iterator[tuple[str, Portal]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    served = Portal(base)
    server.RequestHandlerClass = _handler(served)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, served
    finally:
        server.shutdown()
        server.server_close()


# --- the crawl, in a child process -----------------------------------------------------------


def crawl_main() -> None:
    """Child process: crawl argv[1] (JSON options) with DrainSpider, print its findings."""
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.exceptions import DontCloseSpider
    from scrapy.settings import Settings

    from portal_spider.second_sources import robots_sitemaps

    options = json.loads(sys.argv[1])
    base: str = options["base"]

    class DrainSpider(scrapy.Spider):
        """Home page first (the listings would run here), then second sources on idle."""

        name = "drain"

        @classmethod
        def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> DrainSpider:
            spider = super().from_crawler(crawler, *args, **kwargs)
            crawler.signals.connect(spider.idle, signal=signals.spider_idle)
            crawler.signals.connect(spider.closed_, signal=signals.spider_closed)
            # Made before the engine exists, as the portal spider would: the robots checker
            # finds the middleware when first used.
            spider.sources = SecondSources.from_crawler(
                crawler, base, ["127.0.0.1"], logger=spider.logger
            )
            return spider

        async def start(self) -> Any:
            self.home = None
            self.started = False
            self.batches: list[list[dict[str, Any]]] = []
            self.fetched: list[str] = []
            self.robots_sitemaps: list[str] | None = None
            yield scrapy.Request(base, callback=self.parse_home)

        def parse_home(self, response: Any) -> None:
            self.home = parse_document(response.body, response.url)

        def idle(self) -> None:
            engine = self.crawler.engine
            if not self.started:
                self.started = True
                self.robots_sitemaps = robots_sitemaps(self.crawler, base)
                for request in self.sources.initial_requests(self.robots_sitemaps, self.home):
                    engine.crawl(request)
                raise DontCloseSpider
            batch = self.sources.take()
            if batch:
                self.batches.append([
                    {"url": u.url, "source": u.source, "via": u.via, "lastmod": u.lastmod,
                     "credible": u.lastmod_credible}
                    for u in batch
                ])  # fmt: skip
                for listed in batch:
                    engine.crawl(scrapy.Request(listed.url, callback=self.parse_article))
                raise DontCloseSpider

        def parse_article(self, response: Any) -> None:
            self.fetched.append(response.url)

        def closed_(self, spider: Any, reason: str) -> None:
            sources = self.sources
            print(
                json.dumps(
                    {
                        "robots_sitemaps": self.robots_sitemaps,
                        "batches": self.batches,
                        "fetched": self.fetched,
                        "notices": sources.notices,
                        "counts": sources.counts.as_dict(),
                        "cut_short": sources.cut_short,
                        "done": sources.done,
                        "sources_of": {
                            url: sorted(sources.sources_of(url))
                            for batch in self.batches
                            for url in (item["url"] for item in batch)
                        },
                    }
                )
            )

    settings = Settings()
    settings.setmodule("portal_spider.settings", priority="project")
    settings.update(
        {
            "ITEM_PIPELINES": {},
            "EXTENSIONS": {"scrapy.extensions.telnet.TelnetConsole": None},
            "LOG_LEVEL": "WARNING",
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "RETRY_BACKOFF_BASE": 0.01,
            "RETRY_BACKOFF_MAX": 0.05,
            **options["settings"],
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings, install_root_handler=False)
    process.crawl(DrainSpider)
    process.start()


def run_crawl(base: str, **settings: Any) -> dict[str, Any]:
    code = "from tests.test_second_sources import crawl_main; crawl_main()"
    options = json.dumps({"base": base, "settings": settings})
    result = subprocess.run(
        [sys.executable, "-c", code, options], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, result.stderr[-3000:]
    return json.loads(lines[-1])


def _listed(found: dict[str, Any]) -> dict[str, tuple[str, str, bool]]:
    items = [item for batch in found["batches"] for item in batch]
    urls = [item["url"] for item in items]
    assert len(urls) == len(set(urls)), "a URL was handed out twice"
    return {item["url"]: (item["source"], item["via"], item["credible"]) for item in items}


def test_sitemaps_and_feeds_list_every_article_once(portal: tuple[str, Portal]) -> None:
    base, served = portal
    served.log.clear()
    found = run_crawl(base, PORTAL_SITEMAP_BATCH_SIZE=4)
    news = f"{base}sitemaps/tin-tuc-1.xml.gz"
    pages = f"{base}sitemaps/trang.xml"
    rss = f"{base}feeds/tin-moi.rss"
    atom = f"{base}feeds/su-kien.atom"
    generated = f"{base}rss.xml"
    listed = _listed(found)
    # Listed by two files: whichever was read first names it (arrival order varies).
    assert listed.pop(f"{base}tin-tuc/bai-1.html") in {("sitemap", news, True), ("feed", rss, True)}
    assert listed.pop(f"{base}tin-tuc/bai-2.html") in {
        ("sitemap", news, True),
        ("sitemap", pages, False),
    }
    assert listed == {
        f"{base}tin-tuc/bai-3.html": ("sitemap", news, True),
        f"{base}tin-tuc/bai-4.html": ("sitemap", news, True),  # www. is the same site
        f"{base}tin-tuc/ho%C3%A0-b%C3%ACnh.html": ("sitemap", news, True),
        f"{base}gioi-thieu/lich-su.html": ("sitemap", pages, False),
        f"{base}gioi-thieu/to-chuc.html": ("sitemap", pages, False),
        f"{base}tin-tuc/bai-6.html": ("feed", rss, True),
        f"{base}tin-tuc/bai-7.html": ("feed", rss, True),  # its #fragment dropped
        f"{base}su-kien/le-hoi.html": ("feed", atom, True),
        f"{base}su-kien/hop-dan.html": ("feed", atom, True),
        f"{base}thong-bao/tb-1.html": ("feed", generated, False),
        f"{base}thong-bao/tb-2.html": ("feed", generated, False),
        f"{base}thong-bao/tb-3.html": ("feed", generated, False),
    }
    items = {i["url"]: i for batch in found["batches"] for i in batch}
    assert items[f"{base}tin-tuc/bai-1.html"]["lastmod"] == "2024-05-06T08:30:00+07:00"
    assert items[f"{base}tin-tuc/bai-3.html"]["lastmod"] == "2023-11-02"
    assert items[f"{base}tin-tuc/bai-6.html"]["lastmod"] == "2024-05-06T09:00:00+07:00"
    assert all(len(batch) <= 4 for batch in found["batches"])
    assert len(found["batches"]) == 4  # 14 URLs in batches of 4
    assert sorted(found["fetched"]) == sorted(items)
    # bai-1 is in the gzip sitemap and the RSS feed; bai-2 in two sitemaps.
    assert found["sources_of"][f"{base}tin-tuc/bai-1.html"] == ["feed", "sitemap"]
    assert found["sources_of"][f"{base}tin-tuc/bai-2.html"] == ["sitemap"]
    assert found["robots_sitemaps"] == [f"{base}sitemap_index.xml"]
    assert sorted(found["notices"]) == sorted(
        [
            "feed http://feeds.other.example/xa.rss is on another site: not read",
            "sitemap http://other.example/sitemap.xml is on another site: not read",
            f"sitemap {base}sitemaps/da-xoa.xml (listed in {base}sitemap_index.xml): HTTP 404",
        ]
    )
    assert found["counts"] == {
        "sitemaps_read": 3,
        "feeds_read": 3,
        "urls_listed": 14,
        "dropped_offsite": 1,
        "dropped_robots": 1,
        "duplicates": 3,  # bai-1?utm_source, bai-2 again, bai-1 in the feed
        "dropped_limit": 0,
        "files_skipped": 0,
        "files_too_large": 0,
        # /sitemap.xml (soft 404), /wp-sitemap.xml, /sitemap.xml.gz, /rss/, /feed/
        "guesses_missing": 5,
    }
    assert found["cut_short"] is None
    assert found["done"] is True
    # robots.txt was read once (by the middleware), the disallowed page never.
    assert served.log.count("/robots.txt") == 1
    assert not [path for path in served.log if path.startswith("/private/")]


def test_url_limit_cuts_short_and_says_so(portal: tuple[str, Portal]) -> None:
    base, _ = portal
    full = _listed(run_crawl(base))
    found = run_crawl(base, PORTAL_MAX_SITEMAP_URLS=5, PORTAL_SITEMAP_BATCH_SIZE=3)
    listed = _listed(found)
    assert len(listed) == 5
    assert set(listed) < set(full)
    assert all(len(batch) <= 3 for batch in found["batches"])
    assert found["counts"]["urls_listed"] == 5
    # The other 9 distinct URLs were dropped by the limit (or their file was never read).
    dropped = found["counts"]["dropped_limit"]
    assert dropped >= 1
    assert found["cut_short"] is not None
    assert found["cut_short"].startswith(
        f"sitemap/feed URL limit 5 reached: {dropped} more listed URLs not queued"
    )


def test_sitemap_over_the_size_limit_is_a_notice(portal: tuple[str, Portal]) -> None:
    base, _ = portal
    # The gzip child is 316 bytes as sent, 926 once gunzipped; the other files are smaller.
    found = run_crawl(base, PORTAL_SITEMAP_MAXSIZE=600)
    news = f"{base}sitemaps/tin-tuc-1.xml.gz"
    assert (
        f"sitemap {news}: larger than 600 bytes uncompressed (PORTAL_SITEMAP_MAXSIZE): not read"
        in found["notices"]
    )
    assert found["cut_short"] == "1 file(s) over the size limit not read"
    listed = _listed(found)
    assert not [url for url, (_, via, _) in listed.items() if via == news]
    assert f"{base}gioi-thieu/lich-su.html" in listed


def test_without_the_robots_middleware_robots_txt_is_read_once_by_us(
    portal: tuple[str, Portal],
) -> None:
    base, served = portal
    served.log.clear()
    found = run_crawl(base, ROBOTSTXT_OBEY=False)
    assert found["robots_sitemaps"] is None
    listed = _listed(found)
    # The index was found through our own read of robots.txt; robots.txt is not obeyed.
    assert f"{base}tin-tuc/bai-4.html" in listed
    assert f"{base}private/bai-mat.html" in listed
    assert served.log.count("/robots.txt") == 1


# --- units ------------------------------------------------------------------------------------

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_varied_dates_are_credible() -> None:
    dates = ["2024-05-06T08:30:00+07:00", "2024-04-28T15:10:00+07:00", "2023-11-02", None]
    assert dates_credible(dates, NOW)


@pytest.mark.parametrize(
    "dates",
    [
        ["2024-05-07T00:00:00+07:00"] * 3,  # all identical
        [(NOW - timedelta(seconds=s)).isoformat() for s in (0, 5, 20, 40)],  # generation time
        ["2024-05-06", "2024-05-06", "2024-05-06", "2023-01-01"],  # mostly one stamp
        ["2024-05-06", (NOW + timedelta(days=2)).isoformat()],  # in the future
        ["1994-12-31", "2024-05-06"],  # before 1995
        ["2024-05-06"],  # one date cannot vary
        [None, None],
        [],
    ],
)
def test_dates_that_do_not_vary_like_publications_are_not_credible(
    dates: list[str | None],
) -> None:
    assert not dates_credible(dates, NOW)


def test_a_clock_a_few_minutes_ahead_is_not_the_future() -> None:
    ahead = (NOW + timedelta(minutes=3)).isoformat()
    assert dates_credible([ahead, "2024-05-06T08:30:00+07:00", "2024-03-01"], NOW)


def test_same_site_urls_are_canonical_and_others_dropped() -> None:
    sources = SecondSources("https://xahoabinh.gov.vn/", ["xahoabinh.gov.vn"])
    site = sources._site_url
    assert site("http://www.XaHoaBinh.gov.vn/tin/a.html?utm_medium=x#top") == (
        "https://xahoabinh.gov.vn/tin/a.html"
    )
    assert site("https://xahoabinh.gov.vn:443/tin/hòa.html") == (
        "https://xahoabinh.gov.vn/tin/h%C3%B2a.html"
    )
    assert site("https://huyen.xahoabinh.gov.vn/tin/a.html") is None  # another host
    assert site("https://xahoabinh.gov.vn:8080/tin/a.html") is None  # another port
    assert site("ftp://xahoabinh.gov.vn/tin/a.html") is None
    assert site("http://[::1/x") is None


def test_feed_links_of_the_home_page() -> None:
    base = "http://127.0.0.1:1/"
    home = parse_document(HOME.format(base=base).encode(), base)
    assert _feed_links(home) == [
        f"{base}feeds/tin-moi.rss",
        f"{base}feeds/su-kien.atom",
        "http://feeds.other.example/xa.rss",
    ]


def test_guessed_paths_follow_the_platform() -> None:
    wordpress = SecondSources("https://xa.gov.vn/", ["xa.gov.vn"], platform="wordpress")
    urls = [r.url for r in wordpress.initial_requests(["https://xa.gov.vn/sitemap.xml"], None)]
    assert urls == [
        "https://xa.gov.vn/sitemap.xml",  # from robots.txt, so not guessed again
        "https://xa.gov.vn/sitemap_index.xml",
        "https://xa.gov.vn/wp-sitemap.xml",
        "https://xa.gov.vn/sitemap.xml.gz",
        "https://xa.gov.vn/feed/",
    ]
    joomla = SecondSources("https://xa.gov.vn/", ["xa.gov.vn"], platform="joomla")
    requests = joomla.initial_requests([], None)
    assert requests[-1].url == "https://xa.gov.vn/?format=feed&type=rss"
    sitemap = requests[0]
    assert sitemap.meta["download_maxsize"] == 64 * 1024 * 1024
    assert sitemap.errback is not None and not sitemap.dont_filter
    assert not joomla.done  # requests made, none answered


# --- callbacks on constructed responses ---------------------------------------------------------


def _answer(request: Any, body: bytes, content_type: str = "application/xml") -> Any:
    from scrapy.http import Response

    headers = {"Content-Type": content_type}
    return Response(request.url, body=body, headers=headers, request=request)


def _by_url(requests: list[Any]) -> dict[str, Any]:
    return {request.url: request for request in requests}


def test_a_feed_named_as_sitemap_is_read_as_a_feed_and_index_loops_end() -> None:
    base = "https://xa.gov.vn/"
    sources = SecondSources(base, ["xa.gov.vn"], platform="liferay")
    requests = _by_url(sources.initial_requests([f"{base}tin.rss", f"{base}index.xml"], None))
    feed = _rss([(f"{base}tin/a.html", datetime(2024, 5, 1, tzinfo=UTC))]).encode()
    assert sources.parse_sitemap(_answer(requests[f"{base}tin.rss"], feed)) == []
    assert [u.url for u in sources.take()] == [f"{base}tin/a.html"]
    index = f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>{base}index.xml</loc></sitemap><sitemap><loc>/con.xml</loc></sitemap>
    </sitemapindex>""".encode()
    children = sources.parse_sitemap(_answer(requests[f"{base}index.xml"], index))
    assert [r.url for r in children] == [f"{base}con.xml"]  # itself is not requested again
    assert children[0].meta["gzip_body_allowed"] is True
    assert sources.notices == []


def test_unreadable_files_are_notices_and_guesses_are_silent() -> None:
    base = "https://xa.gov.vn/"
    sources = SecondSources(base, ["xa.gov.vn"], platform="liferay")
    requests = _by_url(sources.initial_requests([f"{base}sm.xml.gz", f"{base}sm.xml"], None))
    broken = b"\x1f\x8b\x08\x00" + b"not deflate data" * 4
    sources.parse_sitemap(_answer(requests[f"{base}sm.xml.gz"], broken, "application/x-gzip"))
    html = b"<html><body><p>Trang ch\xe1\xbb\xa7</p></body></html>"
    sources.parse_sitemap(_answer(requests[f"{base}sm.xml"], html, "text/html"))
    sources.parse_sitemap(_answer(requests[f"{base}sitemap_index.xml"], html, "text/html"))
    assert sources.notices == [
        f"sitemap {base}sm.xml.gz: broken gzip data",
        f"sitemap {base}sm.xml: neither a sitemap nor a feed",
    ]
    assert sources.counts.guesses_missing == 1
    # A guessed request the duplicate filter drops (a redirect to a page already crawled).
    sources.request_dropped(requests[f"{base}wp-sitemap.xml"])
    assert sources.counts.guesses_missing == 2 and sources.notices[2:] == []
    assert not sources.done  # /sitemap.xml and /sitemap.xml.gz still unanswered
    sources.request_dropped(requests[f"{base}sitemap.xml"])
    sources.request_dropped(requests[f"{base}sitemap.xml.gz"])
    assert sources.done


def test_file_limit_cuts_short() -> None:
    base = "https://xa.gov.vn/"
    sources = SecondSources(base, ["xa.gov.vn"], platform="liferay", max_files=2)
    requests = sources.initial_requests([f"{base}a.xml", f"{base}b.xml", f"{base}c.xml"], None)
    assert [r.url for r in requests] == [f"{base}a.xml", f"{base}b.xml"]
    assert sources.cut_short == "1 sitemap file(s) not read"  # c.xml (guesses are not counted)


def test_the_binary_guard_lets_only_expected_gzip_through() -> None:
    from scrapy import Request
    from scrapy.http import Response

    from portal_spider.failures import NotHtmlError
    from portal_spider.guards import GZIP_ALLOWED, BinaryBodyMiddleware

    guard = BinaryBodyMiddleware()
    body = gzip.compress(b"<urlset/>")
    page = Request("https://xa.gov.vn/tin/a.html")
    sitemap = Request("https://xa.gov.vn/sitemap.xml.gz", meta={GZIP_ALLOWED: True})
    with pytest.raises(NotHtmlError, match="gzip"):
        guard.process_response(page, Response(page.url, body=body, request=page))
    answer = Response(sitemap.url, body=body, request=sitemap)
    assert guard.process_response(sitemap, answer) is answer
    pdf = Response(sitemap.url, body=b"%PDF-1.4 ...", request=sitemap)
    with pytest.raises(NotHtmlError, match="PDF"):
        guard.process_response(sitemap, pdf)


def test_a_file_over_the_download_limit_cuts_short() -> None:
    from scrapy.exceptions import DownloadCancelledError
    from twisted.python.failure import Failure

    base = "https://xa.gov.vn/"
    sources = SecondSources(base, ["xa.gov.vn"], platform="liferay")
    request = sources.initial_requests([f"{base}sm.xml"], None)[0]
    try:
        raise DownloadCancelledError("Cancelling download: larger than download max size")
    except DownloadCancelledError:
        failure = Failure()
    failure.request = request  # type: ignore[attr-defined]
    sources.errback(failure)
    assert sources.cut_short == "1 file(s) over the size limit not read"
    assert sources.notices == [
        f"sitemap {base}sm.xml (listed in robots.txt): "
        "Cancelling download: larger than download max size"
    ]
