"""Turn crawler records into archive rows: NFC text, NULL for empty, and a content hash.

Kept free of database access so the rules that decide "did this article change?" can be
read and tested on their own.
"""

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from archive.schema import COUNTER_KEYS

CONTENT_FIELDS = (
    "title",
    "summary",
    "published_at",
    "updated_at",
    "author",
    "source",
    "body_text",
    "images",
    "attachments",
)
#: Content fields added in migration 0005: hashed only when they have a value, so an article
#: archived before them (no source, no update time) keeps its content hash.
_OPTIONAL_HASH_FIELDS = ("updated_at", "source")
_TEXT_FIELDS = ("title", "summary", "published_at", "updated_at", "author", "source", "body_text")
_LIST_FIELDS = ("images", "attachments")


def clean_text(value: str | None) -> str | None:
    """NFC-normalise; ``""`` becomes None. Nothing else changes (``uỷ`` stays ``uỷ``).

    NFC only merges combining marks, so NFD and NFC copies of the same page hash equal.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected str or None, got {type(value).__name__}: {value!r}")
    return unicodedata.normalize("NFC", value) or None


def clean_value(value: Any) -> Any:
    """Apply :func:`clean_text` to every string inside nested lists/dicts."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(k): clean_value(v) for k, v in value.items()}
    return value


def article_content(record: dict[str, Any]) -> dict[str, Any]:
    """The normalised content fields of an article record (missing lists become ``[]``)."""
    content: dict[str, Any] = {name: clean_text(record.get(name)) for name in _TEXT_FIELDS}
    for name in _LIST_FIELDS:
        items = record.get(name) or []
        if not isinstance(items, list):
            raise TypeError(f"{name} must be a list, got {type(items).__name__}")
        content[name] = clean_value(items)
    return content


def content_hash(content: dict[str, Any]) -> str:
    """sha256 hex of canonical JSON of the content fields (never fetch metadata).

    Canonical form: ``json.dumps(..., sort_keys=True, ensure_ascii=False,
    separators=(",", ":"))`` encoded as UTF-8; ``updated_at`` and ``source`` are left out
    when None (they were added later). Changing this would mark every article as
    updated on the next crawl, so treat it as part of the schema.
    """
    payload = {
        name: content.get(name)
        for name in CONTENT_FIELDS
        if name not in _OPTIONAL_HASH_FIELDS or content.get(name) is not None
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def counter_values(counter: dict[str, Any]) -> tuple[dict[str, int | None], dict[str, int]]:
    """Split a visitor counter into the known keys (every one present, None where the page
    had no row) and the rows whose label the extractor did not know, kept verbatim.

    A label we do not know is still an observation ("Lượt truy cập IP": 12): it is stored,
    never dropped. Non-integer values or empty labels raise, so a spider bug can't silently
    lose part of an observation.
    """
    values: dict[str, int | None] = {}
    for key in COUNTER_KEYS:
        values[key] = _count(key, counter.get(key))
    other: dict[str, int] = {}
    for key, value in counter.items():
        if key in COUNTER_KEYS:
            continue
        label = clean_text(key.strip()) if isinstance(key, str) else None
        if not label:
            raise ValueError(f"visitor counter label must be a non-empty string, got {key!r}")
        count = _count(label, value)
        if count is not None:
            other[label] = count
    return values, other


def _count(key: str, value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"counter {key!r} must be an int or None, got {value!r}")
    return value


def provenance(record: dict[str, Any]) -> dict[str, Any]:
    """The record's provenance columns: ``field_sources`` (``{field: layer}``, stored as JSON;
    None when empty), ``extraction_failed`` (a reason or None) and ``extractor_version``.

    Not content: they never enter the content hash (a new extractor reading the same text
    is not a change of the article).
    """
    sources = record.get("field_sources") or {}
    if not isinstance(sources, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in sources.items()
    ):
        raise TypeError(f"field_sources must map field names to layer names, got {sources!r}")
    failed = record.get("extraction_failed")
    if failed is not None and not (isinstance(failed, str) and failed.strip()):
        raise ValueError(f"extraction_failed must be a reason string or None, got {failed!r}")
    version = record.get("extractor_version")
    if version is not None and not isinstance(version, str):
        raise TypeError(f"extractor_version must be a string, got {version!r}")
    return {
        "field_sources": clean_value(dict(sorted(sources.items()))) or None,
        "extraction_failed": clean_text(failed.strip()) if failed else None,
        "extractor_version": clean_text(version),
    }


# Response headers kept as evidence on each version (canonical spelling -> lower-case key).
EVIDENCE_HEADERS = ("ETag", "Last-Modified", "Content-Type", "Date", "Location")
_EVIDENCE_BY_LOWER = {name.lower(): name for name in EVIDENCE_HEADERS}


def evidence_headers(headers: Mapping[Any, Any] | None) -> dict[str, str] | None:
    """The response headers worth keeping, under their canonical names; None if none given.

    Accepts a plain ``{str: str}`` mapping or Scrapy's ``Headers`` (bytes keys, lists of
    bytes values). Bytes are decoded as Latin-1 (HTTP's header encoding); repeated values are
    joined with ``", "``. Other headers (cookies, server banners) are not kept.
    """
    if headers is None:
        return None
    kept: dict[str, str] = {}
    for key, value in headers.items():
        name = _EVIDENCE_BY_LOWER.get(_header_text(key).strip().lower())
        if name is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        text = ", ".join(_header_text(v).strip() for v in values if v is not None)
        if text:
            kept[name] = text
    return kept


def check_http_status(value: Any) -> int | None:
    """Validate an HTTP status code (None allowed: not known)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599:
        raise ValueError(f"http_status must be an int between 100 and 599, got {value!r}")
    return value


def _header_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, str):
        return value
    raise TypeError(f"header names and values must be str or bytes, got {value!r}")
