"""Structured metadata: JSON-LD, OpenGraph and `article:*` meta, microdata, Dublin Core.

Read, not trusted blindly: every value goes through the same validation as the other layers
(`choose.py`), and dates through `parse_meta_datetime`, which reads the malformed forms PHP
portals print (`2024-01-31+0714:05:00`, `2023-08-17ICT07:45:00`) and day-first strings.
Why not extruct or trafilatura's metadata: extruct parses the page again with its own tree
(several ms), and htmldate guesses a date from anywhere on the page (the header clock, a
sidebar item), which is exactly what a portal page gets wrong; we need each source apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lxml import etree

from ..dates import parse_meta_datetime
from ..document import Document
from ..text import clean_text, text_of
from . import Candidate

LAYER = "structured"
# schema.org types that describe the page's article (not the site, the breadcrumb, a video).
_ARTICLE_TYPES = frozenset(
    {"newsarticle", "article", "blogposting", "reportagenews", "analysisnewsarticle",
     "report", "governmentpermit", "backgroundnewsarticle", "opinionnewsarticle"}
)  # fmt: skip
# Meta keys per field, strongest first (lower-case: Document.meta folds case).
_META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "twitter:title", "dc.title", "headline"),
    "published_at": (
        "article:published_time", "og:published_time", "datepublished", "pubdate",
        "publishdate", "publish-date", "dc.date.issued", "dc.date", "dcterms.created",
        "dcterms.issued", "date", "sailthru.date", "parsely-pub-date",
    ),
    "updated_at": ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                   "last-modified"),
    "author": ("author", "article:author", "dc.creator", "dcterms.creator", "parsely-author"),
    "summary": ("og:description", "description", "dc.description", "twitter:description"),
}  # fmt: skip
_ITEMPROP_FIELDS = {
    "headline": "title",
    "datepublished": "published_at",
    "datecreated": "published_at",
    "datemodified": "updated_at",
    "author": "author",
    "creator": "author",
    "description": "summary",
}
_DATE_FIELDS = ("published_at", "updated_at")
_MAX_AUTHORS = 3


def structured_candidates(doc: Document) -> list[Candidate]:
    """Every field value the page states in machine-readable form, JSON-LD first.

    Read once per page (the title hints and the record both ask); a new list each call."""
    cached = doc.memo.get(_MEMO_KEY)
    if cached is None:
        cached = doc.memo[_MEMO_KEY] = _read_candidates(doc)
    return list(cached)


_MEMO_KEY = "structured_candidates"


def _read_candidates(doc: Document) -> list[Candidate]:
    found: list[Candidate] = []
    for article in _json_ld_articles(doc):
        found.extend(_from_json_ld(article))
    for name, keys in _META_KEYS.items():
        for key in keys:
            value = doc.meta(key)
            if value:
                candidate = _candidate(name, value, key)
                if candidate is not None:
                    found.append(candidate)
    found.extend(_microdata(doc))
    return found


def _candidate(name: str, value: Any, via: str, element: Any = None) -> Candidate | None:
    if name in _DATE_FIELDS:
        value = parse_meta_datetime(str(value))
    elif name == "author":
        value = _author_name(value)
        if value and value.startswith(("http://", "https://")):
            return None  # article:author is often a profile URL, not a name
    else:
        value = clean_text(str(value)) if isinstance(value, str) else None
    if not value:
        return None
    return Candidate(name, value, LAYER, via, element)


def _json_ld_articles(doc: Document) -> Iterator[dict[str, Any]]:
    for block in doc.json_ld:
        try:
            data = json.loads(block)
        except (ValueError, RecursionError):
            continue  # hand-edited JSON-LD with a trailing comma: ignored, not fatal
        yield from _articles_in(data, 0)


def _articles_in(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _articles_in(item, depth + 1)
    elif isinstance(data, dict):
        kinds = data.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
            yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _articles_in(graph, depth + 1)
        main = data.get("mainEntity") or data.get("mainEntityOfPage")
        if isinstance(main, (dict, list)):
            yield from _articles_in(main, depth + 1)


def _from_json_ld(article: dict[str, Any]) -> Iterator[Candidate]:
    pairs = (
        ("title", article.get("headline") or article.get("name")),
        ("published_at", article.get("datePublished") or article.get("dateCreated")),
        ("updated_at", article.get("dateModified")),
        ("author", article.get("author") or article.get("creator")),
        ("summary", article.get("description")),
    )
    for name, value in pairs:
        if value:
            candidate = _candidate(name, value, "json-ld")
            if candidate is not None:
                yield candidate


def _author_name(value: Any) -> str | None:
    """A JSON-LD author is a string, a Person/Organization, or a list of those."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        name = value.get("name")
        return clean_text(name) if isinstance(name, str) else None
    if isinstance(value, list):
        names = [n for item in value[:_MAX_AUTHORS] if (n := _author_name(item))]
        return ", ".join(names) or None
    return None


# The attributes, not the elements: libxml2 collects them in one pass (a path with a
# predicate, or ElementPath, costs 4-5 times as much on a page without microdata).
_ITEMPROPS = etree.XPath("//@itemprop")


def _microdata(doc: Document) -> Iterator[Candidate]:
    """itemprop values outside <meta> (those are read with the metas): visible headlines,
    `<time itemprop="datePublished" datetime=…>`, `<span itemprop="author">`."""
    for attribute in _ITEMPROPS(doc.root):
        element = attribute.getparent()
        if element.tag == "meta" or not any(a.tag == "body" for a in element.iterancestors()):
            continue  # (in the head: read with the metas, or not page content)
        name = _ITEMPROP_FIELDS.get((element.get("itemprop") or "").strip().lower())
        if name is None:
            continue
        if name in _DATE_FIELDS:
            value = element.get("datetime") or element.get("content") or text_of(element)
        elif name == "author":
            inner = element.find(".//*[@itemprop='name']")
            value = text_of(inner if inner is not None else element)
        else:
            value = element.get("content") or text_of(element)
        candidate = _candidate(name, value, "itemprop", element)
        if candidate is not None:
            yield candidate
