"""The site-wide visitor counter ("Thống kê truy cập"), wherever and however a page shows it.

Two passes over the page's text nodes, `<img>`s and `title` attributes, in document order:

1. Anchors (every node): a cheap first-word regex, then folding, finds the nodes that hold a
   known label (COUNTER_LABELS) as text, an image's `alt` or an element's `title`.
2. Rows (only around anchors): each node becomes a token: a row ("Hôm nay: 2.579"), a bare
   label ("Hôm nay", "<img alt='Hôm nay'>"), a number ("2579"), a digit drawn in its own element
   or image (`<span class="digit">1</span>`, `.../counter/3.gif`), or other text. A run of
   labels followed by a run of numbers is zipped from the end, which reads alternating
   label/number layouts (sibling <span>s, <td>s of one row, <div> cells) and label rows with
   the numbers in the next row (<th>/<td>) alike; extra leading labels (a caption) drop out.
   Rows close in text and in the tree form a block; the block with most known keys wins.

A label not in COUNTER_LABELS is kept verbatim inside a counter block ("Lượt truy cập IP": 12),
except NukeViet's "Thành viên" / "Máy chủ tìm kiếm" / "Khách viếng thăm", which are parts of
"Đang truy cập" (online) and are read, so they keep the block together, but never emitted.
Per-article view counts ("Lượt xem: 314"), phones and dates are never labels, and a block that
speaks of files or polls ("Hồ sơ tiếp nhận", "Trễ hạn", "Bình chọn") is no counter at all; a
"Thống kê truy cập" heading starts a new block, so the widget above cannot absorb the counter.

Images and title attributes join the node list only on pages where one of them is a label or a
digit: the XPath union costs a sort in libxml2.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.etree import _Element as Element

from .document import Document
from .numbers import parse_count
from .record import COUNTER_KEYS
from .text import fold_label

#: Label (lower-case, NFC) -> counter key. Vietnamese glosses: online = "being online",
#: hôm nay = today, hôm qua = yesterday, tuần = week, tháng = month, năm = year, tổng = total,
#: tất cả = all, lượt truy cập = visits. Period labels also come with the "truy cập" /
#: "lượt truy cập" / "số lượt truy cập" prefixes ("Lượt truy cập hôm qua"), added below.
COUNTER_LABELS: dict[str, str] = {
    "đang online": "online",
    "đang truy cập": "online",
    "đang trực tuyến": "online",
    "trực tuyến": "online",
    "online": "online",
    "hôm nay": "today",
    "hôm qua": "yesterday",
    "tuần này": "this_week",
    "trong tuần": "this_week",
    "tuần trước": "last_week",
    "tháng này": "this_month",
    "trong tháng": "this_month",
    "tháng hiện tại": "this_month",
    "tháng trước": "last_month",
    "tổng tháng trước": "last_month",
    "năm nay": "this_year",
    "trong năm": "this_year",
    "tổng": "total",
    "tổng số": "total",
    "tổng cộng": "total",
    "tổng truy cập": "total",
    "tổng lượt": "total",
    "tổng lượt truy cập": "total",
    "tổng số lượt": "total",
    "tổng số truy cập": "total",
    "tổng số lượt truy cập": "total",
    "tổng lượng truy cập": "total",
    "tất cả": "total",
    "lượt truy cập": "total",
}


def _with_visit_prefixes(labels: dict[str, str]) -> dict[str, str]:
    """Add "truy cập hôm nay", "lượt truy cập hôm qua", "số lượt truy cập tháng này"...:
    WordPress and many themes put "visits" before every period label."""
    periods = {"today", "yesterday", "this_week", "last_week", "this_month", "last_month"}
    prefixed = {
        f"{prefix} {label}": key
        for label, key in labels.items()
        if key in periods | {"this_year"} and not label.startswith("tổng")
        for prefix in ("truy cập", "lượt truy cập", "số lượt truy cập")
    }
    return {**labels, **prefixed}


COUNTER_LABELS = _with_visit_prefixes(COUNTER_LABELS)

#: NukeViet's default counter splits "Đang truy cập" into these rows. They belong to the block
#: (so it is not cut in two) but are parts of online, not counters of their own: never emitted.
ONLINE_PARTS: frozenset[str] = frozenset({"thành viên", "máy chủ tìm kiếm", "khách viếng thăm"})

_KNOWN_KEYS = frozenset(COUNTER_KEYS)
# Sentinel key of an ONLINE_PARTS row.
_PART = ""
_ALL_LABELS = {**COUNTER_LABELS, **dict.fromkeys(ONLINE_PARTS, _PART)}
_LABEL_ALTERNATION = "|".join(
    re.escape(label) for label in sorted(_ALL_LABELS, key=len, reverse=True)
)
# A folded piece of text that is a known label, maybe with its colon, its number and a unit
# ("Hôm nay: 2.579 lượt").
_KNOWN = re.compile(rf"^({_LABEL_ALTERNATION})\s*:?\s*([\d.,\s]*?)\s*(?:lượt|người|khách)?$")
# Cheap gate before folding: the first word of a label, NFC or decomposed, any case.
_FIRST_WORDS = sorted(
    {
        unicodedata.normalize(form, label.split()[0])
        for label in COUNTER_LABELS
        for form in ("NFC", "NFD")
    },
    key=len,
    reverse=True,
)
_FIRST_LETTERS = "".join(sorted({ch for word in _FIRST_WORDS for ch in (word[0], word[0].upper())}))
# Leading whitespace is consumed possessively and the first letter checked before the words:
# without both, a run of indentation is re-scanned for every word (~8 ms on a big page).
_GATE = re.compile(
    rf"[\s|•·]*+(?=[{_FIRST_LETTERS}])(?:{'|'.join(map(re.escape, _FIRST_WORDS))})",
    re.IGNORECASE,
)
# The same gate over every text node at once: the page's text nodes joined with NUL (never in
# parsed text), lower-cased, searched from each NUL. One C scan instead of a regex call per
# node (~0.3 µs each, 1 ms on a page of 3 000 nodes).
_SEPARATOR = "\x00"
_JOINED_GATE = re.compile(rf"{_SEPARATOR}[\s|•·]*+(?:{'|'.join(map(re.escape, _FIRST_WORDS))})")
_NUMBER = re.compile(r"^[\d.,\s]+$")
# "Label: 12" where the label is not a known one.
_LABELLED = re.compile(r"^([^:]{1,40}?)\s*:\s*([\d.,\s]+)$")
# What an unknown label may look like: a few words, no digits, no sentence punctuation.
_LABEL_SHAPE = re.compile(r"^[^\W\d_][^\d.,;!?/=<>@#|\[\]{}\"]{0,39}$")
# Widgets with big numbers that are not visitor counters: administrative files ("Hồ sơ tiếp
# nhận", "Đã giải quyết", "Trễ hạn"), polls. A block that names them is dropped whole.
_NOT_A_COUNTER = re.compile(
    r"hồ sơ|tiếp nhận|giải quyết|trễ hạn|đúng hạn|quá hạn|xử lý|phiếu|bình chọn|biểu quyết"
    r"|thăm dò|ý kiến"
)
# Labels that are never counter rows: per-article or per-document counts ("Lượt xem: 314",
# "Đã xem", "Lượt tải", "Số lần xem"), contact details, dates, pages. Plain text to us.
_NOT_A_LABEL = re.compile(
    r"\bxem\b|\btải\b|download|\bview|\bđọc\b|\bnghe\b|bình luận|\bthích\b|chia sẻ"
    r"|điện thoại|\bđt\b|fax|hotline|e-?mail|\bngày\b|\bgiờ\b|thời gian|\btrang\b"
    r"|số ký hiệu|giấy phép|mã số|\bsố\b.*\bhiệu\b"
)
# A counter's heading starts a new block: the previous widget's rows do not run into it.
_HEADING = re.compile(r"thống kê|bộ đếm")
# Text that carries no words or digits (":", "-", "»"): skipped, it neither joins nor breaks.
_PUNCTUATION = re.compile(r"^[\W_]+$")
# One digit drawn as an image: ".../counter/3.gif", "digits/3.png", "so3.gif" (never a JPEG:
# that is a photo, "1.jpg").
_DIGIT_IMAGE = re.compile(
    r"(?:^|/)(?:digit|num|number|so|counter|d|n)?[-_]?(\d)\.(?:gif|png|svg|webp|bmp)(?:[?#].*)?$",
    re.IGNORECASE,
)
# Elements that draw one digit each (<span class="digit">1</span>); cells and list items
# never do, so single-digit numbers in adjacent <td>s stay separate numbers.
_DIGIT_TAGS = frozenset({"span", "b", "i", "em", "strong", "div", "font", "u", "sup"})
_NO_DIGIT_WRAPPERS = frozenset({"td", "th", "li", "tr", "ul", "ol", "table", "p"})

# Unrelated text nodes allowed between two rows of one counter block.
_MAX_GAP = 3
# Two rows belong to one block when their closest common ancestor is at most this many
# levels above each of them (sibling <li>s, <div>s in one wrapper, <th>/<td> of one table).
_MAX_CLIMB = 3
# Nodes read before an anchor: unknown labels can come first ("Khách | Hôm nay" headers).
_LOOKBEHIND = 6
# Longest text node that can be one counter row ("Tổng số lượt truy cập: 1.448.808").
_MAX_ROW_CHARS = 48
# Longest text node read as several rows ("Đang online: 12 | Hôm nay: 345 | Tổng: 1.448.808").
_MAX_LINE_CHARS = 120
# Row separators inside one text node, and around rows ("| Tổng truy cập: 45.210 |").
_SEPARATORS = "|•·"
# Whitespace and separators around a row ("\n  | Tổng truy cập: 45.210 |").
_STRIP = " \t\n\r\f\v\xa0\u2000\u2001\u2002\u2003\u2009\u200b\u202f\u3000" + _SEPARATORS
_SPLIT = re.compile(r"\s*[|•·]\s*|\s{2,}")
_SPACE = re.compile(r"\s+")
# Every text node in document order (lxml "smart strings" know their element); with the
# images and title attributes when one of them can be part of a counter. The union costs a
# sort in libxml2 (~0.4 ms on a page of 1 800 nodes), so most pages go without it.
_TEXTS = etree.XPath("//text()")
_TITLES = etree.XPath("//@title", smart_strings=False)
_PLAIN_TEXTS = etree.XPath("//text()", smart_strings=False)
# "ư" (NFC): on nearly every Vietnamese page ("người", "được"), where a counter is the rule.
_VIETNAMESE_LETTER = "\u01b0"
_NODES = etree.XPath("//text() | //img | //@title")

# Token kinds.
_ROW, _LABEL, _NUM, _DIGIT, _OTHER, _VETO, _HEADING_TOKEN = range(7)
Token = tuple[int, Any, Any, Any]  # (kind, key or value, value or None, owner element)


def extract_visitor_counter(doc: Document) -> dict[str, int] | None:
    """Return {"online": 61, "today": 2579, ...} or None when the page shows no counter.

    Keys are COUNTER_KEYS, plus verbatim labels the table does not know. Rows close to each
    other, in text and in the tree, form a block; the block with most known keys wins (ties:
    the later one, since counters sit in sidebars and footers after the content). A lone
    "Tổng: 45" row in an article's data table therefore cannot displace the counter.
    """
    gate = _GATE.match
    if any(map(_is_mark, doc.root.iter("img"))) or _has_title_mark(_TITLES(doc.root)):
        nodes = _NODES(doc.root)
        gated = [
            index
            for index, node in enumerate(nodes)
            if gate(node if isinstance(node, str) else node.get("alt") or "")
        ]
    elif _VIETNAMESE_LETTER in doc.markup:
        # First pass, on every text node of every page: a regex on the raw text rules almost
        # all of them out before anything is stripped, normalised or folded.
        nodes = _TEXTS(doc.root)
        gated = _gated_texts(nodes)
    else:
        # A page in another language rarely has a label: its text nodes are gated as plain
        # strings (half the cost of lxml's "smart" ones, which know their element), fetched
        # again with their elements only if one passes. Either way, the same nodes.
        gated = _gated_texts(_PLAIN_TEXTS(doc.root))
        if not gated:
            return None
        nodes = _TEXTS(doc.root)
    tokens = {index: _tokens(nodes[index]) for index in gated}
    anchors = [
        index
        for index in gated
        if any(kind in (_ROW, _LABEL) and key in _KNOWN_KEYS for kind, key, *_ in tokens[index])
    ]
    if not anchors:
        return None
    # Second pass, only around anchors: every node is read, unknown labels included.
    reader = _BlockReader()
    count, next_anchor, i = len(nodes), 0, 0
    while i < count:
        upcoming = anchors[next_anchor] if next_anchor < len(anchors) else None
        if reader.idle() and (upcoming is None or i < upcoming - _LOOKBEHIND):
            if upcoming is None:
                break
            i = upcoming - _LOOKBEHIND  # nothing can join a block here: skip to the next one
            continue
        if i == upcoming:
            next_anchor += 1
        found = tokens.get(i)
        for token in found if found is not None else _tokens(nodes[i]):
            reader.feed(token)
        i += 1
    return reader.result()


def _gated_texts(texts: list[str]) -> list[int]:
    """Indexes of the text nodes that pass `_GATE` and are at most a line long."""
    joined = _SEPARATOR + _SEPARATOR.join(texts)
    lowered = joined.lower()
    if len(lowered) != len(joined):  # a letter whose lower case is longer: node by node
        gate = _GATE.match
        return [i for i, text in enumerate(texts) if len(text) <= _MAX_LINE_CHARS and gate(text)]
    gated = []
    index, position = 0, 0
    for match in _JOINED_GATE.finditer(lowered):
        # The separators before this one: its node's index.
        index += lowered.count(_SEPARATOR, position, match.start())
        position = match.start()
        if len(texts[index]) <= _MAX_LINE_CHARS:
            gated.append(index)
    return gated


def _has_title_mark(titles: list[str]) -> bool:
    """Whether any title attribute can be part of a counter (`_is_title_mark`), the gate
    run once over all of them joined (pages carry hundreds of link titles, rarely a label)."""
    joined = _SEPARATOR + _SEPARATOR.join(titles)
    lowered = joined.lower()
    if len(lowered) != len(joined):  # a letter whose lower case is longer: one by one
        return any(map(_is_title_mark, titles))
    return any(_is_title_mark(titles[i]) for i in _gated_indexes(lowered))


def _gated_indexes(lowered: str) -> Iterator[int]:
    """Indexes of the NUL-separated pieces of `lowered` where `_JOINED_GATE` matches."""
    index, position = -1, 0
    for match in _JOINED_GATE.finditer(lowered):
        index += lowered.count(_SEPARATOR, position, match.start() + 1)
        position = match.start() + 1
        yield index


def _is_title_mark(title: str) -> bool:
    """Whether a title attribute can be part of a counter: a known label (as `_tokens`)."""
    return bool(_GATE.match(title)) and bool(
        COUNTER_LABELS.get(fold_label(title).rstrip(":").rstrip())
    )


def _is_mark(node: Any) -> bool:
    """Whether an image or title attribute can be part of a counter: a label or a digit."""
    if isinstance(node, str):  # a title attribute
        return bool(_GATE.match(node)) and bool(_tokens(node))
    alt = node.get("alt") or ""
    if len(alt) == 1 and alt.isdigit():
        return True
    return bool(_DIGIT_IMAGE.search(node.get("src") or "")) or (
        bool(_GATE.match(alt)) and bool(_tokens(node))
    )


def _tokens(node: Any) -> list[Token]:
    """The tokens of one node: [] for whitespace, punctuation and irrelevant attributes."""
    if not isinstance(node, str):  # an <img>
        alt = (node.get("alt") or "").strip()
        if len(alt) == 1 and alt.isdigit():
            return [(_DIGIT, alt, None, node)]
        key = COUNTER_LABELS.get(fold_label(alt).rstrip(":").rstrip()) if alt else None
        if key:
            return [(_LABEL, key, None, node)]
        digit = _DIGIT_IMAGE.search(node.get("src") or "")  # alt="counter" src=".../3.gif"
        return [(_DIGIT, digit.group(1), None, node)] if digit else []
    if node.is_attribute:  # title="Hôm nay": a label, or nothing
        key = COUNTER_LABELS.get(fold_label(node).rstrip(":").rstrip())
        return [(_LABEL, key, None, node.getparent())] if key else []
    text = node.strip(_STRIP)
    if not text or _PUNCTUATION.match(text):
        return []
    owner = _owner(node)
    if len(text) == 1 and text.isdigit() and not node.is_tail and owner.tag in _DIGIT_TAGS:
        return [(_DIGIT, text, None, owner)]
    size = len(text)
    if size > _MAX_LINE_CHARS:
        return [(_OTHER, None, None, owner)]
    text = unicodedata.normalize("NFC", text)  # decomposed pages exist
    if size > _MAX_ROW_CHARS or _SPLIT.search(text):
        pieces = [piece for piece in _SPLIT.split(text) if piece]
        found = _line_tokens(pieces, owner) if len(pieces) > 1 else None
        if found is not None:
            return found
    if size > _MAX_ROW_CHARS:
        return [(_OTHER, None, None, owner)]
    return [_piece_token(text, owner)]


def _line_tokens(pieces: list[str], owner: Element) -> list[Token] | None:
    """A footer one-liner ("Đang online: 7 | Tổng truy cập: 284.613"): every piece must be a
    row, a known label or a number, and one must be known; else None (read it as one piece:
    "Lượt   truy cập IP:" is one label with a run of spaces)."""
    found = [_piece_token(piece, owner) for piece in pieces]
    known = any(kind in (_ROW, _LABEL) and key in _KNOWN_KEYS for kind, key, *_ in found)
    if known and all(
        kind in (_ROW, _NUM) or (kind == _LABEL and (key in _KNOWN_KEYS or key == _PART))
        for kind, key, *_ in found
    ):
        return found
    return None


def _piece_token(text: str, owner: Element) -> Token:
    """Classify one row-sized piece of text (NFC already)."""
    folded = _SPACE.sub(" ", text).lower()
    known = _KNOWN.match(folded)
    if known:
        key = _ALL_LABELS[known.group(1)]
        if known.group(2).strip():
            value = parse_count(known.group(2))
            return (_ROW, key, value, owner) if value is not None else (_OTHER, None, None, owner)
        return (_LABEL, key, None, owner)
    if _NUMBER.match(folded):
        value = parse_count(folded)
        return (_NUM, value, None, owner) if value is not None else (_OTHER, None, None, owner)
    if _NOT_A_COUNTER.search(folded):
        return (_VETO, None, None, owner)
    if _HEADING.search(folded):
        return (_HEADING_TOKEN, None, None, owner)
    labelled = _LABELLED.match(text)
    if labelled:
        label = _verbatim(labelled.group(1))
        digits = _SPACE.sub("", labelled.group(2))
        value = parse_count(labelled.group(2))
        if label and value is not None and not (len(digits) > 1 and digits[0] == "0"):
            return (_ROW, label, value, owner)
        return (_OTHER, None, None, owner)
    label = _verbatim(text)
    return (_LABEL, label, None, owner) if label else (_OTHER, None, None, owner)


def _verbatim(text: str) -> str | None:
    """The label as shown (NFC, single-spaced, no trailing colon), if it can be one."""
    label = _SPACE.sub(" ", text).strip().rstrip(":").rstrip()
    if not _LABEL_SHAPE.match(label) or len(label.split()) > 6:
        return None
    return None if _NOT_A_LABEL.search(label.lower()) else label


@dataclass(slots=True)
class _Block:
    rows: dict[str, int] = field(default_factory=dict)
    #: Rows read, emitted or not (ONLINE_PARTS); a vetoed block is no counter.
    started: bool = False
    vetoed: bool = False

    @property
    def known(self) -> int:
        return sum(1 for key in self.rows if key in _KNOWN_KEYS)


@dataclass(slots=True)
class _Label:
    key: str
    owner: Element
    #: Unrelated nodes between the previous row and this label.
    gap: int


class _BlockReader:
    """Turns tokens into rows and rows into blocks (see the module docstring)."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.current = _Block()
        self.labels: list[_Label] = []  # a run of labels without numbers yet
        self.numbers: list[tuple[int, Element]] = []  # the run of numbers after them
        self.digits: list[tuple[str, Element, Element | None]] = []  # a run of drawn digits
        self.gap = _MAX_GAP + 1
        self.last_owner: Element | None = None

    def idle(self) -> bool:
        """Nothing pending and too far from the last row for anything to join its block."""
        return (
            self.gap > _MAX_GAP
            and not self.numbers
            and not self.digits
            and not any(label.key in _KNOWN_KEYS for label in self.labels)
        )

    def feed(self, token: Token) -> None:
        kind, key, value, owner = token
        if kind == _DIGIT:
            parent = owner.getparent()
            if self.digits and not _same_run(self.digits[-1], owner, parent):
                self._flush_digits()
            self.digits.append((key, owner, parent))
            return
        self._flush_digits()
        if kind == _NUM:
            self._number(key, owner)
            return
        self._flush_numbers()
        if kind == _LABEL:
            if self.labels and self.labels[-1].key == key:  # alt, title and text of one row
                return
            self.labels.append(_Label(key, owner, self.gap))
            if key not in _KNOWN_KEYS:  # a maybe-label: plain text until a number follows
                self.gap += 1
        elif kind == _ROW:
            self.labels.clear()
            self._add(key, value, owner, self.gap)
        elif kind == _VETO:
            self.labels.clear()
            self._join(owner, self.gap)
            self.current.started = self.current.vetoed = True
            self.gap, self.last_owner = 0, owner
        elif kind == _HEADING_TOKEN:
            self.labels.clear()
            self._close()
            self.gap = _MAX_GAP + 1
        else:
            self.labels.clear()
            self.gap += 1

    def result(self) -> dict[str, int] | None:
        self._flush_digits()
        self._flush_numbers()
        self._close()
        counters = [block for block in self.blocks if not block.vetoed and block.known]
        if not counters:
            return None
        return dict(max(reversed(counters), key=lambda block: block.known).rows)

    def _number(self, value: int, owner: Element) -> None:
        if self.labels:
            self.numbers.append((value, owner))
        else:  # a number nobody labelled (a page count, a drawn total without a label)
            self.gap += 1

    def _flush_digits(self) -> None:
        if not self.digits:
            return
        digits, self.digits = self.digits, []
        first, parent = digits[0][1], digits[0][2]
        owner = parent if len(digits) > 1 and parent is not None else first
        self._number(int("".join(digit for digit, _, _ in digits)), owner)

    def _flush_numbers(self) -> None:
        if not self.numbers:
            return
        labels, numbers = self.labels, self.numbers
        if len(numbers) <= len(labels):
            labels = labels[len(labels) - len(numbers) :]  # extra leading labels: a caption
        else:
            numbers = numbers[: len(labels)]
        self.labels, self.numbers = [], []
        for index, (label, (value, owner)) in enumerate(zip(labels, numbers, strict=True)):
            self._add(label.key, value, owner, label.gap if index == 0 else 0)

    def _join(self, owner: Element, gap: int) -> None:
        """Close the current block unless a row at `owner` belongs to it."""
        if self.current.started and (gap > _MAX_GAP or not _near(self.last_owner, owner)):
            self._close()

    def _add(self, key: str, value: int, owner: Element, gap: int) -> None:
        self._join(owner, gap)
        if key in self.current.rows:  # a key seen twice means a second block has started
            self._close()
        if key != _PART:
            self.current.rows[key] = value
        self.current.started = True
        self.gap, self.last_owner = 0, owner

    def _close(self) -> None:
        if self.current.rows or self.current.vetoed:
            self.blocks.append(self.current)
        self.current = _Block()


def _same_run(
    previous: tuple[str, Element, Element | None], element: Element, parent: Element | None
) -> bool:
    """Two drawn digits of one number: siblings, or images in sibling wrappers."""
    _, previous_element, previous_parent = previous
    if parent is None or previous_parent is None:
        return False
    if parent is previous_parent:
        return True
    return (
        element.tag == "img"
        and previous_element.tag == "img"
        and parent.tag not in _NO_DIGIT_WRAPPERS
        and parent.getparent() is previous_parent.getparent()
    )


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
