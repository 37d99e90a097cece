"""Turn crawler records into archive rows: NFC text, NULL for empty, and a content hash.

Kept free of database access so the rules that decide "did this article change?" can be
read and tested on their own.
"""

import hashlib
import json
import unicodedata
from typing import Any

from archive.schema import COUNTER_KEYS

CONTENT_FIELDS = (
    "title",
    "summary",
    "published_at",
    "author",
    "body_text",
    "images",
    "attachments",
)
_TEXT_FIELDS = ("title", "summary", "published_at", "author", "body_text")
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
    separators=(",", ":"))`` encoded as UTF-8. Changing this would mark every article as
    updated on the next crawl, so treat it as part of the schema.
    """
    payload = {name: content.get(name) for name in CONTENT_FIELDS}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def counter_values(counter: dict[str, Any]) -> dict[str, int | None]:
    """Validate a visitor counter; every known key present, None where the page had no row.

    Unknown keys or non-integer values raise instead of being dropped, so a spider bug can't
    silently lose part of an observation.
    """
    unknown = sorted(set(counter) - set(COUNTER_KEYS))
    if unknown:
        raise ValueError(f"unknown visitor counter keys: {', '.join(unknown)}")
    values: dict[str, int | None] = {}
    for key in COUNTER_KEYS:
        value = counter.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"counter {key!r} must be an int or None, got {value!r}")
        values[key] = value
    return values
