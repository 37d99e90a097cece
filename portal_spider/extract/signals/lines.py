"""Visible text lines: what a reader sees, read without class names.

A "line" is the largest element whose text is short (a headline, a date line, a byline), or a
loose run of text; lines are read in document order from an anchor. This layer finds the
headline (the line the `<title>`/og:title starts with, else the first `<h1>`), the date
line just under (or just above) it, the lead between headline and body, and bylines and
source lines at the ends of the body. Positions do the work classes do in a profile: the
header clock sits above the headline and the "Tin mới" dates after the body, so neither is
ever read as the article's date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml.etree import _Element as Element

from ..bylines import is_plausible_author, parse_bylines
from ..dates import (
    date_label_kind,
    looks_like_header_clock,
    parse_meta_datetime,
    parse_vn_datetime,
)
from ..document import Document
from ..text import clean_text, first_inside, fold_label, text_of, text_upto
from . import Candidate

LAYER = "lines"
#: Longest text read as one line (a date line with its labels, a byline, a headline).
LINE_CHARS = 200
# How many lines after the headline the date line may be (breadcrumb, share buttons, sapo).
_DATE_WINDOW = 30
# How many lines above the headline, inside its own container, a date may stand.
_DATE_ABOVE = 3
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ")
_MIN_TITLE_CHARS = 12
_SUMMARY_MIN, _SUMMARY_MAX = 60, 900
# A paragraph of running text: the body has begun, the date line is behind us.
_PROSE_CHARS = 260
_HEADINGS = ("h1", "h2", "h3")
_SKIP_TAGS = frozenset({"script", "style", "select", "option", "button", "nav", "form", "head"})
_LINE_BLOCKS = frozenset(
    {"p", "div", "li", "tr", "td", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table",
     "section", "article", "header", "footer", "dl", "dt", "dd", "br"}
)  # fmt: skip
_STYLED = re.compile(r"text-align\s*:\s*right|font-weight\s*:\s*(?:bold|[6-9]00)", re.I)


def title_tag_heading(doc: Document) -> str | None:
    """The `<title>` without the portal's " - Site name" part."""
    value = doc.page_title()
    if not value:
        return None
    split = _split_title(doc, value)
    return split[0] if split is not None and split[0] else value


def site_names(doc: Document) -> set[str]:
    """Folded names of the site (og:site_name, the `<title>`'s name part): never a title.
    Read once a page; a new set each call."""
    cached = doc.memo.get(_SITE_NAMES)
    if cached is None:
        cached = doc.memo[_SITE_NAMES] = _meta_site_names(doc)
        value = doc.page_title()
        split = _split_title(doc, value, cached) if value else None
        if split is not None:
            cached.update(split[1])
    return set(cached)


_SITE_NAMES = "site_names"


def _meta_site_names(doc: Document) -> set[str]:
    names: set[str] = set()
    for key in ("og:site_name", "application-name", "twitter:site"):
        value = doc.meta(key)
        if value:
            names.add(fold_label(value))
    return names


def _split_title(
    doc: Document, value: str, names: set[str] | None = None
) -> tuple[str | None, set[str]] | None:
    """("Headline - Site name" read as (headline, {folded site names})), or None without a
    separator.

    Which side is the site's name is read from the parts themselves, not their length: a
    part the page's meta names as the site, or one worded as a portal's name ("Cổng thông
    tin điện tử huyện …", "Trang thông tin …", "Website …"). A Vietnamese portal's name is
    often longer than a short headline, so "the shorter side is the name" (what
    international sites do) is only the fallback when no part reads as a name. The headline
    is then the rest, joined back ("Văn hóa - Xã hội: …" keeps its own dash).
    """
    for separator in _TITLE_SEPARATORS:
        if separator not in value:
            continue
        parts = [p.strip() for p in value.split(separator)]
        known = names if names is not None else _meta_site_names(doc)
        named = [_is_site_part(p, known) for p in parts]
        if any(named) and not all(named):
            # The name stands at one end (or both); what lies between is the headline.
            start, end = 0, len(parts)
            while start < end and named[start]:
                start += 1
            while end > start and named[end - 1]:
                end -= 1
            rest = [p for p in parts[start:end] if p]
            headline = separator.join(rest) if rest else None
            return headline, {fold_label(p) for p, n in zip(parts, named, strict=True) if n and p}
        longest = max(parts, key=len)
        headline = longest if len(longest) >= _MIN_TITLE_CHARS else None
        return headline, {fold_label(p) for p in parts if p and p != longest}
    return None


# A part of the <title> worded as a portal's name: "Cổng thông tin điện tử …", "Cổng TTĐT
# …", "Trang thông tin điện tử …", "Trang tin điện tử …", "Website …" (folded).
_PORTAL_NAME = re.compile(
    r"^(?:cổng (?:thông tin|ttđt|tt)|trang (?:thông tin|tin|ttđt)(?: điện tử)?\b|website\b|"
    r"portal\b)"
)


def _is_site_part(part: str, names: set[str]) -> bool:
    folded = fold_label(part)
    return bool(folded) and (folded in names or _PORTAL_NAME.match(folded) is not None)


def find_headline(doc: Document, hints: list[str]) -> tuple[str, Element] | None:
    """The element that prints the article's headline, and its text.

    `hints` are titles other layers proposed (profile, og:title, JSON-LD, `<title>`): the
    headline is the visible line equal to one of them, or that one of them starts with;
    failing that, the first `<h1>`/`<h2>` that is not the site's name.
    """
    folded = [_bare(h) for h in hints if h]
    names = site_names(doc)
    body = first_inside(doc.root, "body")
    if body is None:
        return None
    if folded:
        for element in body.iter():
            if not isinstance(element.tag, str) or element.tag in _SKIP_TAGS or element.tag == "a":
                continue
            if len(element) > 4:  # a container, not a line; its children are visited
                continue
            raw = text_upto(element, _HEADLINE_SCAN_CHARS)  # a wrapper of the page: no line
            text = clean_text(raw) if raw is not None else None
            if not text or len(text) < _MIN_TITLE_CHARS or len(text) > 400:
                continue
            if fold_label(text) in names:
                continue
            line = _bare(text)
            if any(_same_title(line, h) for h in folded):
                return text, _outermost_same_text(element, fold_label(text))
    for tag in _HEADINGS[:2]:
        for element in body.iter(tag):
            text = clean_text(text_of(element))
            if (
                text
                and len(text) >= _MIN_TITLE_CHARS
                and fold_label(text) not in names
                and not (text.isupper() and len(text.split()) <= _BANNER_WORDS)
            ):
                return text, element  # the first heading that is not a logo or banner
    return None


_BANNER_WORDS = 8
_HEADLINE_SCAN_CHARS = 1600
_PUNCTUATION = re.compile(r"[^\w\s]+")


def _bare(text: str) -> str:
    """Lower case, no punctuation or quotes, single spaces: "Mô hình “Dân vận khéo”" and
    "mô hình dân vận khéo" are the same headline."""
    return " ".join(_PUNCTUATION.sub(" ", fold_label(text)).split())


def _same_title(line: str, hint: str) -> bool:
    """The visible line is the headline a hint names: equal, or one a cut of the other
    (a `<title>` or og:title shortened by the CMS, or a hint with a suffix left on)."""
    if line == hint:
        return True
    if hint.startswith(line):
        return len(line) >= 0.6 * len(hint)
    return line.startswith(hint) and len(hint) >= _MIN_CUT_TITLE_CHARS


_MIN_CUT_TITLE_CHARS = 25


def headline_before(anchor: Element | None, names: set[str]) -> tuple[str, Element] | None:
    """A headline guessed from position alone, when nothing names one: the nearest line
    above the body's first paragraph that reads like a title (several words, not a date
    line, a byline, a link, a label or the site's name). Old table layouts print the title
    in a bare `<span>` with no `<h1>` and a `<title>` that is only the site's name."""
    if anchor is None:
        return None
    found: list[tuple[str, Element]] = []
    dated_at: int | None = None  # index in `found` where the date line was passed
    for text, element in lines_before(anchor, _HEADLINE_LOOKBACK, levels=8):
        if element.tag == "a" or first_inside(element, "a") is not None:
            continue  # breadcrumbs, menus, related links
        if len(text) <= LINE_CHARS and parse_vn_datetime(text):
            dated_at = len(found) if dated_at is None else dated_at
            continue
        folded = fold_label(text)
        if (
            len(text) < _MIN_TITLE_CHARS
            or len(text) > LINE_CHARS
            or len(text.split()) < _MIN_HEADLINE_WORDS
            or folded in names
            or parse_bylines(text)
            or text.rstrip().endswith(":")
        ):
            continue
        found.append((text, element))
    # The headline stands above the date line; without one, a line that is not a sentence
    # (a lead ends with a full stop, a headline does not).
    if dated_at is not None and dated_at < len(found):
        return found[dated_at]
    return next((f for f in found if not f[0].rstrip().endswith(".")), None)


_HEADLINE_LOOKBACK = 8
# A date line ("Thứ Ba, 14/05/2024 - 09:45 | Lượt xem: 314") is short; a lead that opens
# with a date ("Tính đến ngày 31/5/2024, xã …") runs on.
_DATE_LINE_CHARS = 90
# Labels of the metadata block between headline and text: never in a lead's opening.
_META_IN_LEAD = re.compile(
    r"lượt xem|lượt đọc|danh mục\s*:|chuyên mục\s*:|viết bởi|ngày đăng|đăng ngày|cập nhật|"
    r"đăng lúc|chia sẻ|in bài|gửi bài|tác giả\s*:|nguồn\s*:|bạn đang ở",
    re.IGNORECASE,
)
_META_SCAN_CHARS = 120
_MIN_HEADLINE_WORDS = 4


def _outermost_same_text(element: Element, folded: str) -> Element:
    """`<h1><a>Title</a></h1>`: the block, not the link inside it."""
    parent = element.getparent()
    while parent is not None and parent.tag != "body":
        if fold_label(text_of(parent)) != folded:
            break
        element, parent = parent, parent.getparent()
    return element


def lines_after(anchor: Element, limit: int) -> Iterator[tuple[str, Element]]:
    """Up to `limit` visible lines after `anchor` in document order (not inside it)."""
    count = 0
    node: Element | None = anchor
    while node is not None and count < limit:
        tail = clean_text(node.tail) if node is not anchor.getroottree().getroot() else None
        if tail:
            count += 1
            yield tail, node.getparent() if node.getparent() is not None else node
        for sibling in node.itersiblings():
            for line in _lines_in(sibling):
                count += 1
                yield line
                if count >= limit:
                    return
            tail = clean_text(sibling.tail)
            if tail:
                count += 1
                yield tail, sibling.getparent()
                if count >= limit:
                    return
        node = node.getparent()
        if node is not None and node.tag == "body":
            return


def lines_before(anchor: Element, limit: int, levels: int = 2) -> list[tuple[str, Element]]:
    """Up to `limit` lines right above `anchor`, within `levels` containers (nearest first)."""
    found: list[tuple[str, Element]] = []
    node: Element | None = anchor
    for _ in range(levels):
        if node is None:
            break
        for sibling in node.itersiblings(preceding=True):
            for line in reversed(list(_lines_in(sibling))):
                found.append(line)
                if len(found) >= limit:
                    return found
        node = node.getparent()
    return found


def _lines_in(element: Element) -> Iterator[tuple[str, Element]]:
    if not isinstance(element.tag, str) or element.tag in _SKIP_TAGS:
        return
    text = text_upto(element, LINE_CHARS * 2)  # None: too long to be one line
    has_blocks = any(isinstance(c.tag, str) and c.tag in _LINE_BLOCKS for c in element)
    if text is not None and not has_blocks:
        line = clean_text(text)
        if line and len(line) <= LINE_CHARS:
            yield line, element
            return
        if not line:
            return
    own = clean_text(element.text)
    if own:
        yield own, element
    for child in element:
        yield from _lines_in(child)
        tail = clean_text(child.tail)
        if tail:
            yield tail, element


def lines_under_headline(headline: Element, body_start: str | None) -> list[tuple[str, Element]]:
    """The lines after the headline until the body's running text begins: where the date
    line and the byline sit (read once, for both)."""
    start = fold_label(body_start[:40]) if body_start else None
    found: list[tuple[str, Element]] = []
    for text, element in lines_after(headline, _DATE_WINDOW):
        if len(text) > _PROSE_CHARS or (start and fold_label(text).startswith(start)):
            break  # the body's running text has begun
        found.append((text, element))
    return found


def date_candidates(
    doc: Document,
    headline: Element | None,
    body: Element | None,
    body_start: str | None = None,
    under_headline: list[tuple[str, Element]] | None = None,
) -> list[Candidate]:
    """Dates printed next to the headline: below it (the usual place) or just above it,
    never past the start of the body (footers and "Tin mới" carry dates too).
    `under_headline`: `lines_under_headline(headline, body_start)` if the caller has it."""
    found: list[Candidate] = []
    if headline is not None:
        if under_headline is None:
            under_headline = lines_under_headline(headline, body_start)
        for text, element in under_headline:
            found.extend(_dates_in_line(text, element))
        for text, element in lines_before(headline, _DATE_ABOVE):
            if not looks_like_header_clock(text):  # above the headline: today's date
                found.extend(_dates_in_line(text, element))
    elif body is not None:
        for text, element in _first_lines(body, 6):
            found.extend(_dates_in_line(text, element))
    return found


def _first_lines(body: Element, limit: int) -> list[tuple[str, Element]]:
    lines: list[tuple[str, Element]] = []
    for line in _lines_in(body):
        lines.append(line)
        if len(lines) >= limit:
            break
    return lines


def _dates_in_line(text: str, element: Element) -> list[Candidate]:
    """The dates a line states, each with what it says it is ("Ngày đăng …" / "Cập nhật …").

    One line may hold both ("Ngày đăng: 02/07/2024 08:15 | Cập nhật: 03/07/2024 10:00"):
    labelled pieces are read apart so the update time is not lost or taken for the date.
    """
    if len(text) > LINE_CHARS:
        return []
    pieces = [p for p in _PIECES.split(text) if p.strip()]
    if len(pieces) > 1:
        found = [c for piece in pieces for c in _dates_in_piece(piece, element, None)]
        if len(found) > 1:
            return found
    stamp = element.get("datetime") if element.tag == "time" else None
    if stamp is None:
        inner = element.find(".//time[@datetime]")
        stamp = inner.get("datetime") if inner is not None else None
    return _dates_in_piece(text, element, stamp)


def _dates_in_piece(text: str, element: Element, stamp: str | None) -> list[Candidate]:
    parsed = parse_vn_datetime(text)
    if stamp:
        machine = parse_meta_datetime(stamp)
        if machine and (parsed is None or len(machine) > len(parsed)):
            parsed = machine
    if not parsed:
        return []
    kind = date_label_kind(text) or "published"
    return [Candidate(f"{kind}_line", parsed, LAYER, kind, element)]


_PIECES = re.compile(r"\s*[|•·]\s*")


def summary_between(
    headline: Element | None,
    body_start: str | None,
    body: Element | None,
    first: Element | None = None,
) -> Candidate | None:
    """The lead printed between the headline and the body, when it is its own block.

    `first`: the element of the body's first paragraph, when known; a lead stands before it
    in the document (a block after it is a comment form or a "Mehr zum Thema" box).
    """
    if headline is None or body is None:
        return None
    start = fold_label(body_start[:60]) if body_start else None
    title = fold_label(clean_text(text_of(headline)) or "")
    holders = [body, *body.iterancestors()]  # alive, so their ids cannot be reused
    stop = {id(a) for a in holders}
    if first is not None and _within_or_before(first, headline):
        # The generic text's first paragraph was the headline itself (dropped from the
        # text since): not a bound.
        first = None
    if first is not None:
        limit: int | None = _position(first)
    elif any(a is body for a in headline.iterancestors()):
        limit = None  # the container holds the headline too: the text's opening ends it
    else:
        limit = _position(body)
    for text, element in _blocks_toward(headline, body, stop, 12):
        if element is body or (limit is not None and _position(element) >= limit):
            return None  # reached the body without meeting a separate lead
        folded = fold_label(text)
        if start and folded.startswith(start):
            return None
        if (len(text) <= _DATE_LINE_CHARS and parse_vn_datetime(text)) or (
            len(text) <= LINE_CHARS and parse_bylines(text)
        ):
            continue  # the date line or a byline block, not the lead
        if _META_IN_LEAD.search(text[:_META_SCAN_CHARS]):
            continue  # the metadata block (section, views, byline account, date labels)
        if len(title) >= _MIN_TITLE_CHARS and title in folded and _prints_line(element, title):
            continue  # a box repeating the headline (a photo header, a player): not a lead
        if _SUMMARY_MIN <= len(text) <= _SUMMARY_MAX:
            if (
                first_inside(element, "a") is not None
                and len(text_of(first_inside(element, "a"))) > 40
            ):
                continue  # a related-article link, not the lead
            if _is_widget_box(element):
                continue  # a side column printed before the text (poll, links, counter)
            return Candidate("summary", text, LAYER, "lead", element)
    return None


_FORM_CONTROLS = ("input", "select", "textarea", "button")
_LEAD_MAX_LINKS = 3


def _is_widget_box(element: Element) -> bool:
    """A box of widgets, links or a photo, never a lead: it holds form controls (a poll, a
    search box, a "Liên kết website" select), several links making much of its text, an
    image with a caption's length of text, or a photo credit ("Ảnh: …") closing its text."""
    if any(element.find(f".//{tag}") is not None for tag in _FORM_CONTROLS):
        return True
    if element.tag in ("figure", "figcaption") or any(
        a.tag in ("figure", "figcaption") for a in element.iterancestors()
    ):
        return True
    text = clean_text(text_of(element)) or ""
    if len(text) <= _CAPTION_CHARS and first_inside(element, "img") is not None:
        return True  # a photo and its caption (a short article's box with photos is text)
    if _PHOTO_CREDIT.search(text[-_CREDIT_SCAN_CHARS:]):
        return True
    links = [clean_text(text_of(a)) or "" for a in element.iter("a")]
    return len(links) >= _LEAD_MAX_LINKS and sum(map(len, links)) >= _LINKED_SHARE * len(text)


_LINKED_SHARE = 0.3
_CAPTION_CHARS = 200
_CREDIT_SCAN_CHARS = 80
_PHOTO_CREDIT = re.compile(r"\b(?:ảnh|foto|photo|photograph|bild|image)\s*:", re.IGNORECASE)


def _within_or_before(element: Element, headline: Element) -> bool:
    """Whether `element` is the headline, inside it, or earlier in the document."""
    if element is headline or any(a is headline for a in element.iterancestors()):
        return True
    return _position(element) < _position(headline)


def _prints_line(block: Element, folded: str) -> bool:
    """Whether an element inside `block` prints exactly this (folded) line: the headline
    repeated as a line of its own, not words of it in a lead's sentence."""
    return any(
        isinstance(el.tag, str) and fold_label(clean_text(text_of(el)) or "") == folded
        for el in block.iter()
    )


def _blocks_toward(
    anchor: Element, body: Element, holders: set[int], limit: int
) -> Iterator[tuple[str, Element]]:
    """Blocks after `anchor` in document order, opening any block that holds the body (the
    lead often sits beside the body inside one article box) and ending at the body."""
    count = 0

    def expand(element: Element) -> Iterator[tuple[str, Element]]:
        if element is body or id(element) not in holders:
            text = clean_text(text_of(element))
            if text or element is body:
                yield text or "", element
            return
        for child in element:
            if isinstance(child.tag, str) and child.tag not in _SKIP_TAGS:
                yield from expand(child)

    node: Element | None = anchor
    while node is not None and node.tag != "body":
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag in _SKIP_TAGS:
                continue
            for text, element in expand(sibling):
                count += 1
                yield text, element
                if element is body or count >= limit:
                    return
        node = node.getparent()


def _position(element: Element) -> int:
    """Document-order position (lxml has no compareDocumentPosition); a few calls a page."""
    return int(_POSITION(element))


_POSITION = etree.XPath("count(preceding::*) + count(ancestor::*)")


def lines_after_blocks(anchor: Element, limit: int) -> Iterator[tuple[str, Element]]:
    """Like lines_after, but a block of up to a lead's length counts as one line."""
    count = 0
    node: Element | None = anchor
    while node is not None and count < limit:
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag in _SKIP_TAGS:
                continue
            text = clean_text(text_of(sibling))
            if not text:
                continue
            count += 1
            yield text, sibling
            if count >= limit:
                return
        node = node.getparent()
        if node is not None and node.tag == "body":
            return


def split_bylines(
    paragraphs: list[str], lines_at_end: int = 3, lines_at_start: int = 1
) -> tuple[str | None, str | None, list[str]]:
    """Take bylines and source lines off the ends of the body: (author, source, rest)."""
    author: str | None = None
    source: str | None = None
    kept = list(paragraphs)
    ends = list(range(len(kept) - 1, max(-1, len(kept) - 1 - lines_at_end), -1))
    ends += [i for i in range(min(lines_at_start, len(kept))) if i not in ends]
    drop: set[int] = set()
    for index in ends:
        line = kept[index]
        if len(line) > LINE_CHARS:
            continue
        found = parse_bylines(line)
        if not found:
            continue
        for byline in found:
            if byline.role == "source" and source is None:
                source = byline.name
            elif byline.role == "author" and author is None and is_plausible_author(byline.name):
                author = byline.name
        drop.add(index)
    return author, source, [p for i, p in enumerate(kept) if i not in drop]


def byline_near(body: Element, limit: int = 6) -> tuple[str | None, str | None, set[str]]:
    """Bylines printed just after the body container (NukeViet's "Tác giả bài viết:",
    Joomla's signature under the text); returns (author, source, lines used)."""
    author: str | None = None
    source: str | None = None
    used: set[str] = set()
    for text, element in lines_after(body, limit):
        if len(text) > LINE_CHARS:
            break
        found = parse_bylines(text)
        if not any(b.label for b in found):
            if _starts_other_box(element):
                break  # a sidebar's or the footer's heading or menu: the article has ended
            if found and _all_linked(element, text):
                continue  # a menu or related link ("Văn hóa - Xã hội"), not a signature
        for byline in found:
            if byline.role == "source" and source is None:
                source, _ = byline.name, used.add(text)
            elif byline.role == "author" and author is None and is_plausible_author(byline.name):
                author, _ = byline.name, used.add(text)
    return author, source, used


_BOX_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "nav", "aside"})


def _starts_other_box(element: Element) -> bool:
    """A line in a heading, a side column, navigation, or the page's footer or header: past
    the article's end. Tags, not class names, so a re-themed portal reads the same (an
    `<article>`'s own `<footer>` may sign it: not a boundary)."""
    furniture = False
    for depth, node in enumerate([element, *element.iterancestors()]):
        if node.tag == "body":
            break
        if node.tag == "article":
            return False
        if depth < _BOX_LEVELS and node.tag in _BOX_TAGS:
            return True
        furniture = furniture or node.tag in ("footer", "header")
    return furniture


_BOX_LEVELS = 6


def _all_linked(element: Element, text: str) -> bool:
    """Whether the line's text is all inside links (a menu item, a related headline)."""
    anchors = [element] if element.tag == "a" else list(element.iter("a"))
    linked = sum(len(clean_text(text_of(a)) or "") for a in anchors)
    return linked >= len(text) - 2


def byline_by_headline(
    headline: Element | None,
    body_start: str | None,
    under_headline: list[tuple[str, Element]] | None = None,
) -> tuple[str | None, str | None]:
    """A labelled byline in the metadata under the headline ("20/11/2024 - Tác giả: X",
    "Nguồn: Y"), read piece by piece; (author, source). Unlabelled names are not taken here:
    next to the headline they are too often a section or a place.
    `under_headline`: `lines_under_headline(headline, body_start)` if the caller has it."""
    if headline is None:
        return None, None
    if under_headline is None:
        under_headline = lines_under_headline(headline, body_start)
    author: str | None = None
    source: str | None = None
    for text, _ in under_headline:
        for piece in _BYLINE_PIECES.split(text):
            for byline in parse_bylines(piece):
                if byline.label is None:
                    continue
                if byline.role == "source":
                    source = source or byline.name
                elif author is None and is_plausible_author(byline.name):
                    author = byline.name
    return author, source


_BYLINE_PIECES = re.compile(r"\s*(?:[|•·]|\s-\s)\s*")


def is_styled_line(element: Element) -> bool:
    """Bold, italic or right-aligned: how portals set a signature apart from the text."""
    if element.get("align", "").lower() == "right" or _STYLED.search(element.get("style") or ""):
        return True
    return any(child.tag in ("strong", "b", "em", "i") for child in element.iter())
