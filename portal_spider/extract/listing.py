"""Listing pages: article links in page order and the next page's URL."""

from __future__ import annotations

import re
import unicodedata

from lxml.etree import _Element as Element

from .document import Document
from .text import text_of

# Link texts that mean "next page": "Trang sau" (next page), "Tiếp" (continue), arrows.
_NEXT_TEXT = re.compile(r"^(?:trang sau|trang tiếp|tiếp theo|tiếp|sau|next|›|»|>|>>|→)\W*$", re.I)
# Texts that look like arrows but mean first/last/previous: "Cuối »" (last), "« Đầu" (first).
_NOT_NEXT = re.compile(r"cuối|đầu|last|first|trước|prev", re.I)


def extract_listing_links(doc: Document) -> list[str]:
    """Absolute article URLs from the page's main list, in page order, without duplicates."""
    anchors = next(doc.select(doc.candidates("listing_links")), [])
    return _unique_urls(doc, anchors)


def extract_next_page(doc: Document) -> str | None:
    """The next listing page, from rel=next, a "next" link, or the number after the current."""
    rel_next = doc.root.find('.//link[@rel="next"]')
    if rel_next is not None and doc.absolute(rel_next.get("href")):
        return doc.absolute(rel_next.get("href"))
    for container in _pagination_blocks(doc):
        url = _next_in_pagination(doc, container)
        if url:
            return url
    return None


def is_next_label(text: str) -> bool:
    """Whether a pager link's text means "next page" (also used by postback pagers)."""
    text = text.strip()
    return bool(_NEXT_TEXT.match(text)) and not _NOT_NEXT.search(text)


def current_page_number(container: Element) -> int | None:
    """The current page number shown in a pager block (public for platform hooks)."""
    return _current_page_number(container)


def _unique_urls(doc: Document, anchors: list[Element]) -> list[str]:
    urls: list[str] = []
    seen: set[str] = set()
    for anchor in anchors:
        url = doc.absolute(anchor.get("href"))
        if url and url not in seen:
            seen.add(url)
            urls.append(url)
    return urls


def _pagination_blocks(doc: Document) -> list[Element]:
    return next(doc.select(doc.candidates("pagination")), [])


def _next_in_pagination(doc: Document, container: Element) -> str | None:
    anchors = [a for a in container.iterfind(".//a") if doc.absolute(a.get("href"))]
    for anchor in anchors:
        classes = f" {anchor.get('class') or ''} {anchor.get('rel') or ''} "
        if " next " in classes.replace("-", " "):
            return doc.absolute(anchor.get("href"))
    for anchor in anchors:
        text = unicodedata.normalize("NFC", text_of(anchor)).strip()
        if _NEXT_TEXT.match(text) and not _NOT_NEXT.search(text):
            return doc.absolute(anchor.get("href"))
    current = _current_page_number(container)
    if current is not None:
        for anchor in anchors:
            if unicodedata.normalize("NFC", text_of(anchor)).strip() == str(current + 1):
                return doc.absolute(anchor.get("href"))
    return None


def _current_page_number(container: Element) -> int | None:
    """The page number shown as the current page (an element that is not a link)."""
    for element in container.iter():
        if not isinstance(element.tag, str) or element.tag == "a":
            continue
        text = (element.text or "").strip()
        classes = element.get("class") or ""
        if text.isdigit() and any(c in classes for c in ("current", "active", "selected")):
            return int(text)
    for element in container.iter("span", "strong", "b", "em"):
        text = (element.text or "").strip()
        if text.isdigit() and element.getparent() is not None and element.getparent().tag != "a":
            return int(text)
    return None
