"""Text clean-up shared by all extractors: NFC, whitespace, empty-to-None."""

from __future__ import annotations

import re
import unicodedata

from lxml.etree import _Element as Element

_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# Invisible characters editors leave in portal text (zero-width joiners, soft hyphens, BOMs):
# they split words for search and compare, and carry no wording.
_INVISIBLE = re.compile(r"[\u00ad\u200c\u200d\u2060\ufeff]")
# Where `str.split()` and `_SPACE` (then `str.strip()`) disagree: characters Python counts as
# whitespace that `_SPACE` does not (file/group/record/unit separators, NEL, Ogham space mark,
# line and paragraph separators), and the zero-width space, which only `_SPACE` counts.
_ODD_SPACE = re.compile("[\x1c-\x1f\x85\u1680\u2028\u2029\u200b]")
# `_ODD_SPACE` and `_INVISIBLE` together: texts without any take `clean_text`'s fast path.
_UNUSUAL = re.compile("[\x1c-\x1f\x85\u1680\u2028\u2029\u200b\u00ad\u200c\u200d\u2060\ufeff]")


def clean_text(value: str | None) -> str | None:
    """NFC-normalise and collapse runs of whitespace; "" becomes None.

    Only spacing changes: wording, tone-mark style ("uỷ" vs "ủy") and punctuation stay as the
    portal wrote them, because the archive is evidence.
    """
    if value is None:
        return None
    if _UNUSUAL.search(value) is None:
        # The common case: no invisible character, and `str.split()` splits on exactly
        # `_SPACE` (a regex substitution per run of spaces cost ~10 µs on a paragraph).
        return " ".join(unicodedata.normalize("NFC", value).split()) or None
    # Invisible characters go before NFC: one between a letter and its tone mark
    # ("A\u200c\u0300") would otherwise leave the two apart, not NFC (found by tests/test_fuzz.py).
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", _INVISIBLE.sub("", value))).strip()
    return text or None


def fold_label(value: str) -> str:
    """Lower-case, NFC and single-spaced form used to compare short labels ("Hôm nay :")."""
    if _ODD_SPACE.search(value) is None:
        return " ".join(unicodedata.normalize("NFC", value).split()).lower()
    return _SPACE.sub(" ", unicodedata.normalize("NFC", value)).strip().lower()


def text_of(element: Element) -> str:
    """All text inside an element, like lxml.html's text_content() on a plain element.

    The tree is built with lxml.etree's HTML parser, not lxml.html's: lxml.html calls back
    into Python for every element to choose its class, which cost ~0.15 ms per page.
    """
    return "".join(element.itertext())


def text_upto(element: Element, limit: int) -> str | None:
    """`text_of(element)` when it has at most `limit` characters, else None.

    For checks that only care about short texts (a caption, a headline line): it stops
    reading at the limit instead of joining a whole page held by a wrapper.
    """
    parts: list[str] = []
    size = 0
    for piece in element.itertext():
        size += len(piece)
        if size > limit:
            return None
        parts.append(piece)
    return "".join(parts)


def has_text(element: Element) -> bool:
    """Whether any non-blank text is inside the element (stops at the first)."""
    return any(piece.strip() for piece in element.itertext())


def first_inside(element: Element, tag: str) -> Element | None:
    """`element.find(".//tag")`: its first descendant of that tag (not itself). Without the
    ElementPath machinery (~0.6 µs a call), asked of every block of a page."""
    return next(element.iterdescendants(tag), None)


def all_inside(element: Element, tag: str) -> list[Element]:
    """`element.findall(".//tag")`, the same way as `first_inside`."""
    return list(element.iterdescendants(tag))


def has_text_beside(parent: Element, child: Element) -> bool:
    """Whether `parent` holds non-blank text outside `child`'s subtree (its own text, the
    tails, its other children): so `has_text(parent)` for a child without text, and "the
    parent's text, stripped, is longer than the child's" (the child's text is one run of
    the parent's). Stops at the first piece found, where joining a big container's whole
    text to compare lengths read all of it."""
    if parent.text and parent.text.strip():
        return True
    for node in parent:
        if node.tail and node.tail.strip():
            return True
        if node is not child and isinstance(node.tag, str) and has_text(node):
            return True
    return False
