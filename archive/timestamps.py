"""Timestamp convention for every time the archive itself records.

All archive-generated timestamps (``fetched_at``, ``first_seen_at``, ``last_seen_at``,
``observed_at``, ``started_at``, ``finished_at``, ``first/last_crawled_at``) are stored as
fixed-width ISO 8601 UTC strings with microseconds and a ``Z`` suffix::

    2025-07-01T09:30:00.000000Z

The fixed width means plain text ordering in SQLite equals chronological ordering, which the
counter time series and ``last_seen_at`` comparisons rely on. Content timestamps taken from
the page (``published_at``) are *not* converted: they are evidence and are kept as given.
"""

import re
from datetime import UTC, datetime

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# Already canonical (what the crawler sends): no need to parse and re-format on the hot path.
_CANONICAL = re.compile(r"\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\d\.\d{6}Z")


def utc_now() -> str:
    """Current time in the archive's canonical format."""
    return datetime.now(UTC).strftime(_FORMAT)


def to_utc(value: str | datetime) -> str:
    """Convert an aware ISO 8601 string or datetime into the canonical UTC format.

    Naive values are rejected: guessing a timezone would silently shift evidence by hours.
    """
    if isinstance(value, str) and _CANONICAL.fullmatch(value):
        return value
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"timestamp must include a timezone offset: {value!r}")
    return parsed.astimezone(UTC).strftime(_FORMAT)
