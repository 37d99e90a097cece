"""Whether a sitemap's `lastmod` values or a feed's dates can be trusted as publication times.

Many portals stamp every sitemap entry with the time the file was generated, or one date for
everything; using such dates to skip "unchanged" articles would skip real ones. A file's dates
are trusted only when they vary like real publication times. Decided per file (one generator
wrote them all), on the ISO values of `extract.dates.parse_meta_datetime` (Vietnam time).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

from ..extract.dates import MIN_YEAR, VIETNAM, parse_meta_datetime

#: Server clocks drift: a date this far past our fetch time is still "now".
CLOCK_SKEW = timedelta(minutes=10)
#: Entries stamped within one minute of each other were stamped together (a generation run).
SAME_STAMP = timedelta(minutes=1)
#: Fewer dated entries than this cannot show any variation.
MIN_DATED = 2


def normalise_date(value: str | None) -> str | None:
    """A sitemap `lastmod` (W3C datetime) or feed date text in our ISO form, or None.

    The W3C forms sitemaps use go through `datetime.fromisoformat` (C, ~1 µs: a file may list
    50,000); anything else through `parse_meta_datetime`, with the same result.
    """
    if not value:
        return None
    text = value.strip()
    if len(text) == 10:
        return parse_meta_datetime(text)
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return parse_meta_datetime(text)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=VIETNAM)
    return stamp.astimezone(VIETNAM).isoformat(timespec="seconds")


def instant(iso: str) -> datetime | None:
    """An aware datetime for an ISO date or timestamp (a bare day is midnight, Vietnam time)."""
    try:
        if len(iso) == 10:
            return datetime.combine(datetime.fromisoformat(iso).date(), time(), VIETNAM)
        stamp = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=VIETNAM)


def dates_credible(dates: Iterable[str | None], fetched_at: datetime) -> bool:
    """Whether one file's dates (ISO strings, None for undated entries) look like real ones.

    Not credible when: fewer than two entries are dated; any date is before 1995 or after the
    fetch (beyond CLOCK_SKEW); or more than half of the dates fall within one minute of each
    other (all identical, or the generation time stamped on most entries).
    """
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
    latest = fetched_at + CLOCK_SKEW
    stamps: list[datetime] = []
    for iso in dates:
        stamp = instant(iso) if iso else None
        if stamp is None:
            continue
        if stamp.year < MIN_YEAR or stamp > latest:
            return False
        stamps.append(stamp)
    if len(stamps) < MIN_DATED:
        return False
    stamps.sort()
    return _largest_cluster(stamps) * 2 <= len(stamps)


def _largest_cluster(stamps: list[datetime]) -> int:
    """Most sorted stamps inside any window of SAME_STAMP (two pointers, O(n))."""
    best = start = 0
    for end, stamp in enumerate(stamps):
        while stamp - stamps[start] > SAME_STAMP:
            start += 1
        best = max(best, end - start + 1)
    return best
