"""The site-wide visitor counter ("Thống kê truy cập"), wherever and however a page shows it.

Walks the page's text nodes in document order. A label node ("Hôm nay:", "Tổng :") takes its
number from the same node ("Hôm nay: 2579"), or from the next text node (sibling <span>, <b>,
<strong>). A run of bare labels followed by a run of bare numbers is zipped (labels in <th>,
numbers in <td>). Per-article view counts ("Lượt xem: 314") use labels not listed here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from lxml import etree
from lxml.etree import _Element as Element

from .document import Document
from .numbers import parse_count
from .text import fold_label

#: Label (lower-case, NFC) -> counter key. Vietnamese glosses: online = "being online",
#: hôm nay = today, hôm qua = yesterday, tuần = week, tháng = month, năm = year, tổng = total.
COUNTER_LABELS: dict[str, str] = {
    "đang online": "online",
    "đang truy cập": "online",
    "đang trực tuyến": "online",
    "trực tuyến": "online",
    "online": "online",
    "hôm nay": "today",
    "truy cập hôm nay": "today",
    "lượt truy cập hôm nay": "today",
    "hôm qua": "yesterday",
    "truy cập hôm qua": "yesterday",
    "trong tuần": "this_week",
    "tuần này": "this_week",
    "lượt truy cập tuần này": "this_week",
    "tuần trước": "last_week",
    "trong tháng": "this_month",
    "tháng này": "this_month",
    "tháng hiện tại": "this_month",
    "lượt truy cập tháng này": "this_month",
    "tháng trước": "last_month",
    "tổng tháng trước": "last_month",
    "năm nay": "this_year",
    "trong năm": "this_year",
    "tất cả": "total",
    "tổng": "total",
    "tổng cộng": "total",
    "tổng truy cập": "total",
    "tổng số lượt": "total",
    "tổng số truy cập": "total",
    "tổng lượt truy cập": "total",
    "tổng số lượt truy cập": "total",
    "tổng lượng truy cập": "total",
    "lượt truy cập": "total",
}

_LABEL_ALTERNATION = "|".join(
    re.escape(label) for label in sorted(COUNTER_LABELS, key=len, reverse=True)
)
# A text node that is a label, maybe with its colon and number: "Hôm nay : 2.579".
_LABEL_NODE = re.compile(rf"^({_LABEL_ALTERNATION})\s*:?\s*([\d.,\s]*)$")
_NUMBER_NODE = re.compile(r"^[\d.,\s]+$")
# First word of every label, or a digit (the text is NFC: parse_document normalises it).
_ROW_START = re.compile(
    "|".join(sorted({re.escape(label.split()[0]) for label in COUNTER_LABELS})) + r"|\d",
    re.IGNORECASE,
)


# Unrelated text nodes allowed between two rows of one counter block.
_MAX_GAP = 3
# Two rows belong to one block when their closest common ancestor is at most this many
# levels above each of them (sibling <li>s, <div>s in one wrapper, <th>/<td> of one table).
_MAX_CLIMB = 3
# Longest text node that can be one counter row ("Tổng số lượt truy cập: 1.448.808").
_MAX_ROW_CHARS = 48
# Longest text node read as several rows ("Đang online: 12 | Hôm nay: 345 | Tổng: 1.448.808").
_MAX_LINE_CHARS = 120
# Row separators inside one text node, and around rows ("| Tổng truy cập: 45.210 |").
_SEPARATORS = "|•·"
_SPLIT = re.compile(r"\s*[|•·]\s*|\s{2,}")
# Every text node in document order, as lxml "smart strings" that know their element.
_TEXT_NODES = etree.XPath("//text()")


def extract_visitor_counter(doc: Document) -> dict[str, int] | None:
    """Return {"online": 61, "today": 2579, ...} or None when the page shows no counter.

    Rows close to each other, in text and in the tree, form a block; the block with most rows
    wins (ties: the later one, since counters sit in sidebars and footers after the content).
    A lone "Tổng: 45" row in an article's data table therefore cannot displace the counter.
    """
    blocks: list[dict[str, int]] = []
    current: dict[str, int] = {}
    pending: list[str] = []  # labels seen without a number yet, in order
    last_owner: Element | None = None
    gap = 0
    for raw in _TEXT_NODES(doc.root):
        stripped = raw.strip().strip(_SEPARATORS).strip()
        if not stripped:
            continue
        size = len(stripped)
        # Longer than one row: only a one-liner with separators can still hold rows.
        if size > _MAX_ROW_CHARS and (
            size > _MAX_LINE_CHARS or not _ROW_START.match(stripped) or not _SPLIT.search(stripped)
        ):
            rows = None
        else:
            stripped = unicodedata.normalize("NFC", stripped)  # decomposed pages exist
            rows = _read_text(stripped, pending)
        if rows is None:
            pending.clear()
            gap += 1
            continue
        owner = _owner(raw)
        if current and (gap > _MAX_GAP or not _near(last_owner, owner)):
            blocks.append(current)
            current = {}
        gap, last_owner = 0, owner
        for key, value in rows:
            if key in current:  # a key seen twice means a second block has started
                blocks.append(current)
                current = {}
            current[key] = value
    if current:
        blocks.append(current)
    if not blocks:
        return None
    return max(reversed(blocks), key=len)


def _owner(text: Any) -> Element:
    """The element that holds a text node (for a tail, the parent of the tailed element)."""
    element = text.getparent()
    if text.is_tail and element.getparent() is not None:
        return element.getparent()
    return element


def _near(first: Element | None, second: Element) -> bool:
    if first is None or first is second:
        return True
    # Keep the proxies alive: lxml may reuse a Python object's id once it is collected.
    ancestors = list(_climb(first))
    for depth, node in enumerate(_climb(second)):
        if node in ancestors:
            return ancestors.index(node) <= _MAX_CLIMB and depth <= _MAX_CLIMB
    return False


def _climb(element: Element) -> Iterator[Element]:
    node: Element | None = element
    while node is not None:
        yield node
        node = node.getparent()


def _read_text(text: str, pending: list[str]) -> list[tuple[str, int]] | None:
    """The (key, value) rows of one text node; [] for a bare label, None for other text.

    One node may hold several rows, split at "|" or a run of spaces: the footer one-liner
    "Đang online: 12&nbsp;&nbsp;&nbsp;&nbsp;Tổng truy cập: 45.210" (Nina template, research).
    """
    # Rows start with a label word or a digit; ruling the rest out before folding keeps this
    # cheap on every page.
    if not _ROW_START.match(text):
        return None
    pieces = _SPLIT.split(text) if len(text) > _MAX_ROW_CHARS or _SPLIT.search(text) else [text]
    rows: list[tuple[str, int]] = []
    for piece in pieces:
        key, value, is_row = _read_node(fold_label(piece), pending)
        if not is_row:
            return None
        if key is not None and value is not None:
            rows.append((key, value))
    return rows


def _read_node(text: str, pending: list[str]) -> tuple[str | None, int | None, bool]:
    """Classify one text node: (key, value, whether it belongs to a counter block)."""
    label = _LABEL_NODE.match(text)
    if label:
        key = COUNTER_LABELS[label.group(1)]
        value = parse_count(label.group(2)) if label.group(2).strip() else None
        if value is None:
            pending.append(key)
            return None, None, True
        return key, value, True
    if pending and _NUMBER_NODE.match(text):
        value = parse_count(text)
        if value is not None:
            return pending.pop(0), value, True
    return None, None, False
