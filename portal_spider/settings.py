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

# Government portals are slow and flaky: retry transient failures, wait a while for answers.
RETRY_ENABLED = True
RETRY_TIMES = 3
DOWNLOAD_TIMEOUT = 60

# Where the archive goes; `portal-archive crawl --db` and `-s ARCHIVE_DB_PATH=` override it.
ARCHIVE_DB_PATH = "data/archive.db"
ARCHIVE_BATCH_SIZE = 100
# Closest to the download handler (high number), so the stamp is the arrival time.
DOWNLOADER_MIDDLEWARES = {"portal_spider.middlewares.ReceivedAtMiddleware": 990}
ITEM_PIPELINES = {"portal_spider.pipelines.ArchivePipeline": 300}

# Progress line every PORTAL_PROGRESS_INTERVAL seconds, summary at the end.
EXTENSIONS = {
    "portal_spider.progress.ProgressReporter": 500,
    "portal_spider.politeness.CrawlDelay": 510,
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
