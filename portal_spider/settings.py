"""Scrapy settings for portal-archive. Only live settings, each with its reason.

Polite by default (real portals are small government servers). A portal on a loopback address
(the demo portal) is crawled at full speed: see PortalSpider.from_crawler.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    _VERSION = version("portal-archive")
except PackageNotFoundError:  # running from a source tree without install
    _VERSION = "0"

BOT_NAME = "portal_spider"
SPIDER_MODULES = ["portal_spider.spiders"]
NEWSPIDER_MODULE = "portal_spider.spiders"

# Identify ourselves honestly; operators should add a contact URL (PORTAL_ARCHIVE_CONTACT).
PORTAL_ARCHIVE_CONTACT = ""
USER_AGENT = f"portal-archive/{_VERSION} (archiving public news of government portals)"

# Politeness: robots.txt, at most 2 parallel requests per host, a base delay, AutoThrottle.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Government portals are slow and flaky: retry transient failures (5xx, timeouts, resets,
# truncated bodies) with exponential backoff (portal_spider/retry.py: 1, 2, 4 s, or the
# server's Retry-After, at most 60 s), wait a while for answers (`crawl --download-timeout`).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 60.0
# A request that fails for good is recorded in crawl_errors by the spider's errback, so
# giving up is not also an ERROR log line (errors are counted once).
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
DOWNLOAD_TIMEOUT = 60

# Hostile pages: a news page is well under 2 MiB; 16 MiB bounds memory per response, also
# after decompression (HttpCompressionMiddleware stops a gzip bomb at this size). A truncated
# body (DOWNLOAD_FAIL_ON_DATALOSS, Scrapy's default) fails instead of being archived.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# Real redirect chains are 1-3 hops; a loop is cut at 10 (Scrapy's default 20) and recorded.
REDIRECT_MAX_TIMES = 10
# Section discovery on every crawl (discovery.py): the home page is read once and links never
# judged before are fetched, with at most this many requests (the same default as `add`).
PORTAL_DISCOVERY = True
PORTAL_DISCOVERY_BUDGET = 300
# Sitemaps and feeds read after the listings (second_sources/).
PORTAL_SECOND_SOURCES = True

# No page-count cap on pagination: a section ends on evidence (a listing page whose links
# were all listed before in the section, or a "next" link back to a page already read).
# Limits are per portal (registry: max_pages_per_section, max_requests, max_sitemap_urls;
# or the crawl command's options) and make a crawl partial.

# --- Sitemaps and feeds as second sources (portal_spider/second_sources, docs/coverage.md) ---
# A sitemap file may hold 50,000 URLs in 50 MB uncompressed (sitemaps.org): sitemap requests
# may download, and gunzip, up to this size (pages keep DOWNLOAD_MAXSIZE).
PORTAL_SITEMAP_MAXSIZE = 64 * 1024 * 1024
# URLs listed by sitemaps and feeds are handed to the scheduler this many at a time, once the
# listings are done, so 500,000 sitemap URLs never sit in the scheduler at once.
PORTAL_SITEMAP_BATCH_SIZE = 500
# At most this many sitemap/feed URLs queued per crawl (0 = no limit); URLs past it make the
# crawl partial (SecondSources.cut_short).
PORTAL_MAX_SITEMAP_URLS = 0
# At most this many sitemap files (indexes and children) read per crawl, against indexes that
# generate indexes; a real portal has tens to hundreds. Files past it make the crawl partial.
PORTAL_MAX_SITEMAP_FILES = 5000
# --- end of second sources ---

# Where the archive goes; `portal-archive crawl --db` and `-s ARCHIVE_DB_PATH=` override it.
ARCHIVE_DB_PATH = "data/archive.db"
ARCHIVE_BATCH_SIZE = 100
# Closest to the download handler (high number), so the stamp is the arrival time.
# Binary bodies are refused after decompression (585 < 590), redirect cycles before Scrapy's
# RedirectMiddleware (610 > 600) would drop them silently; retries wait (retry.py).
DOWNLOADER_MIDDLEWARES = {
    "portal_spider.middlewares.ReceivedAtMiddleware": 990,
    # Every exchange as received, before decompression, redirects and retries (capture.py).
    "portal_spider.capture.WarcCaptureMiddleware": 980,
    "portal_spider.guards.RedirectLoopMiddleware": 610,
    "portal_spider.guards.BinaryBodyMiddleware": 585,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "portal_spider.retry.BackoffRetryMiddleware": 550,
}
# Raw captures in WARC beside the archive (archive/warc_store.py, docs/captures.md);
# `crawl --no-warc` turns them off. Files rotate at this size.
PORTAL_WARC = True
PORTAL_WARC_MAX_FILE_SIZE = 1024**3
# A body the crawl stops reading (over DOWNLOAD_MAXSIZE) keeps this many first bytes.
PORTAL_WARC_TRUNCATED_KEEP = 1024**2
ITEM_PIPELINES = {"portal_spider.pipelines.ArchivePipeline": 300}

# Progress line every PORTAL_PROGRESS_INTERVAL seconds, summary at the end.
EXTENSIONS = {
    "portal_spider.progress.ProgressReporter": 500,
    "portal_spider.politeness.CrawlDelay": 510,
    "portal_spider.logfilters.QuietRobotsErrors": 520,
    "scrapy.extensions.telnet.TelnetConsole": None,
}
# Scrapy's remote control needs the asyncio reactor (see TWISTED_REACTOR); we do not use it.
REMOTE_CONTROL_ENABLED = False
PORTAL_PROGRESS_INTERVAL = 5.0

# Twisted's own default reactor (epoll on Linux), not Scrapy's asyncio one: with the asyncio
# reactor each sequential request waited ~65 ms here (13 pages/s at one request per host, vs
# 380 pages/s with epoll). Nothing in the project needs asyncio.
TWISTED_REACTOR = None

# Scrapy re-parses a generator callback's source on every response to warn about `return
# value` (its cache is keyed by the short-lived bound method): ~1 ms/page measured. Our
# callbacks are tested and never return values.
WARN_ON_GENERATOR_RETURN_VALUE = False

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# Only the web: a portal's page linking to file:///etc/passwd, ftp:// or s3:// must never make
# the crawler read it. OffsiteMiddleware already drops host-less URLs; this removes the
# handlers themselves, so no later change to scope rules can reopen them.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}
