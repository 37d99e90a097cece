"""Retries that wait: Scrapy's RetryMiddleware plus exponential backoff and Retry-After.

Scrapy 2.19 re-queues a retry at once (it has no backoff setting), so a portal that is down
for a minute gets all its retries within a second. Here each retry waits
RETRY_BACKOFF_BASE * 2**(n-1) seconds (n = retry number), or the server's Retry-After if
longer, never more than RETRY_BACKOFF_MAX. The wait is a Twisted timer awaited inside the
middleware: the reactor keeps serving other requests meanwhile.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware (same settings, stats and give-up logging) whose retries wait first."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait(result, response)
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, None)
        return result

    async def _wait(self, retry: Request, response: Response | None) -> None:
        retry_after = response.headers.get("Retry-After") if response is not None else None
        delay = backoff_delay(
            retry.meta.get("retry_times", 1),
            self.base,
            self.cap,
            retry_after.decode("latin-1") if retry_after else None,
        )
        if delay > 0:
            from twisted.internet import reactor  # the one Scrapy installed, not a default

            self.crawler.stats.inc_value("retry/backoff_seconds", delay)  # type: ignore[union-attr]
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))


def backoff_delay(
    retry_number: int, base: float, cap: float, retry_after: str | None = None
) -> float:
    """Seconds to wait before retry `retry_number` (1 = first retry)."""
    delay = base * 2 ** max(0, retry_number - 1)
    if retry_after:
        delay = max(delay, _retry_after_seconds(retry_after))
    return max(0.0, min(delay, cap))


def _retry_after_seconds(value: str) -> float:
    """Retry-After is delta-seconds or an HTTP date (RFC 9110 10.2.3); junk counts as 0."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
