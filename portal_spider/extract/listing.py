"""Listing pages: article links in page order and the next page's URL.

Two sources for each answer. A platform profile's selectors and hooks know the class names of
the themes we have seen; on an unseen theme (or a known one restyled) every class and id may
be new, so the page's *structure* is read as well:

- Links: the article list is a block of repeated sibling items under one container, each with
  a title link of several words plus a date, a thumbnail or a summary. Sidebars ("Tin mới",
  "Tin đọc nhiều", "Văn bản mới") repeat too, but they are shorter, bare and announced by such
  a heading; menus repeat with short labels and category URLs. Groups are found from
  consecutive title links (their lowest common ancestor is the list container), so the whole
  page costs one pass over its `<a>` elements plus a little work per title link.
- Next page: `rel="next"`, a link labelled "Trang sau"/"Tiếp"/"»" (or an icon link whose title
  or aria-label says so), else the numbered pager: the number after the current page, where
  the current page is the unlinked number, a link marked current, or read from the page URL
  (page 1 carries no page parameter).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element as Element

from .document import Document
from .text import text_of

# Link texts that mean "next page": "Trang sau" (next page), "Tiếp (theo)" (continue), "Kế
# tiếp", "Sau", arrows. Anchored: "Tiếp xúc cử tri…" is a title, "Xem tiếp" a "more" link.
_NEXT_TEXT = re.compile(
    r"^(?:(?:đi đến |đến )?(?:trang )?(?:sau|tiếp(?: theo)?|kế(?: tiếp)?)(?: trang)?"
    r"|next(?: page)?|›|»|>|>>|→|≫|▶|►)\W*$"
)
# Texts that look like arrows but mean first/last/previous: "Cuối »" (last), "« Đầu" (first).
_NOT_NEXT = re.compile(r"cuối|đầu|last|first|trước|prev|lùi")  # on lower-cased text
# Page numbers in pager URLs: /trang-2.html, /page-3/, /page/4/, /pageid/5/, ?page=6, &p=7,
# PageIndex=8, _101_cur=9 (Liferay); offsets: ?start=10, limitstart=20.
_PAGE_IN_URL = re.compile(
    r"[/_-](?:trang|page|pageid|pg|paged|pagenum)[/_-](?P<path>\d{1,5})(?=[/.?#&]|$)"
    r"|[?&;](?:[\w-]*_)?(?:page|p|trang|pg|paged|pageindex|pagenum|pageno|pagenumber|"
    r"currentpage|cur|pi)=(?P<query>\d{1,5})(?=[&#;]|$)"
    r"|[?&;](?:start|limitstart|offset|from)=(?P<offset>\d{1,7})(?=[&#;]|$)",
    re.I,
)
# Date archives and calendars: their links are numbered (days) or "»" (next month) too.
_DATE_URL = re.compile(
    r"(?:19|20)\d\d[-/_.]\d{1,2}[-/_.]\d{1,2}(?!\d)|[?&](?:date|ngay|day|month|thang|year|nam|"
    r"calendar|lich)=|/(?:19|20)\d\d/\d{1,2}/?(?:$|[?#])",
    re.I,
)
# A date in an item's text: 14/03/2023, 14-03-2023, 2023-03-14 ("15 Tháng Tám": _MONTH_WORD).
_DATE_TEXT = re.compile(r"\d ?[/.-] ?\d{1,2} ?[/.-] ?\d\d|\d\d\d\d-\d\d-\d\d")
_MONTH_WORD = re.compile(r"[Tt]háng \w")
# A box heading that announces a sidebar list, not the page's own: "Tin mới", "Tin đọc
# nhiều", "Tin xem nhiều", "Văn bản mới", "Tin liên quan", "Tin khác", "Most read".
_SIDEBAR_HEADING = re.compile(
    r"tin (?:mới|đọc nhiều|xem nhiều|nổi bật|liên quan|khác|cùng chuyên mục|tiêu điểm|nóng)"
    r"|đọc nhiều|xem nhiều|văn bản mới|văn bản (?:chỉ đạo|điều hành)|bài (?:viết )?mới|"
    r"thông báo mới|latest|most (?:read|viewed)|popular|related",
    re.I,
)
# An article URL carries a numeric id or a long slug (_article_like); a category rarely does.
_ID = re.compile(r"\d\d\d")
_FILE_URL = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z|jpe?g|png|gif|webp|mp[34]|avi)(?:$|[?#])", re.I
)
_ARROWS = "›»>→≫▶►"
_SKIP_HREF = ("#", "javascript:", "mailto:", "tel:", "data:", "sms:")
_CURRENT_MARKERS = ("current", "active", "selected")
# Containers a pager number may sit in, walked up from its link.
_PAGER_LEVELS = 4
# A table of more numbered links than this is a calendar or an index, not a pager.
_MAX_PAGER_NUMBERS = 27
# A teaser item is small; "items" this large are page columns or whole boxes.
_MAX_ITEM_LINKS = 12
_MAX_ITEM_TEXT = 3000
# Below this a repeated block is a menu: two bare title links to articles score 1.0, eight
# menu labels to category pages ~0.7, three bare article titles 1.5, three dated ones 3.
_MIN_SCORE = 1.0


@dataclass(slots=True)
class Listing:
    """What a listing page offers the crawl, with where each answer came from."""

    links: list[str]  # absolute article URLs of the page's own list, page order, each once
    links_source: str  # "profile" (platform selectors) or "structure"
    next_page: str | None  # absolute URL of the following listing page
    next_source: str | None  # "profile", "rel_next", "label", "number"
    items: int  # how many repeated item blocks were found (evidence strength)
    dated_items: int  # how many of them carry a date or a thumbnail


def find_listing(
    doc: Document, profile_next: Callable[[Document], str | None] | None = None
) -> Listing:
    """The page's own article list and next page, from the profile and from structure."""
    scan = _Scan(doc)
    links, source, items, dated = _choose_links(doc, scan)
    next_page, next_source = None, None
    if profile_next is not None:
        candidate = _valid_next(doc, profile_next(doc))
        if candidate:
            next_page, next_source = candidate, "profile"
    if next_page is None:
        next_page, next_source = _structural_next(doc, scan)
    return Listing(links, source, next_page, next_source, items, dated)


def extract_listing_links(doc: Document) -> list[str]:
    """Links from the platform's listing selectors only (find_listing adds structure)."""
    anchors = next(doc.select(doc.candidates("listing_links")), [])
    return _unique_urls(doc, anchors)


def extract_next_page(doc: Document) -> str | None:
    """The next listing page, from rel=next, a "next" link, or the number after the current."""
    return _structural_next(doc, _Scan(doc))[0]


def is_next_label(text: str) -> bool:
    """Whether a pager link's text means "next page" (also used by postback pagers)."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    return bool(_NEXT_TEXT.match(text)) and not _NOT_NEXT.search(text)


def current_page_number(container: Element) -> int | None:
    """The current page number shown in a pager block (public for platform hooks)."""
    return _current_page_number(container)


# --- one pass over the page's links ------------------------------------------------------


@dataclass(slots=True)
class _Link:
    element: Element
    href: str
    words: int
    article: bool  # the URL carries a numeric id or a long slug


@dataclass(slots=True)
class _Scan:
    """Every `<a>` sorted once: title-like links, numbered pager links, "next" links."""

    doc: Document
    titles: list[_Link] = field(default_factory=list)
    numbers: list[tuple[int, Element]] = field(default_factory=list)
    labels: list[Element] = field(default_factory=list)
    rel_next: list[Element] = field(default_factory=list)
    host: str = ""

    def __post_init__(self) -> None:
        self.host = _site(self.doc.url)
        for anchor in self.doc.root.iter("a"):
            href = anchor.get("href")
            if not href:
                continue
            href = href.strip()
            if not href or href[0] == "#" or href[:11].lower().startswith(_SKIP_HREF):
                continue
            rel = anchor.get("rel")
            if rel and "next" in rel.lower():
                self.rel_next.append(anchor)
            text = anchor.text if len(anchor) == 0 else "".join(anchor.itertext())
            text = text.strip() if text else ""
            if len(text) <= 16:
                if text.isdigit():
                    if len(text) <= 4:
                        self.numbers.append((int(text), anchor))
                    continue
                if _is_label(anchor, text):
                    self.labels.append(anchor)
                    continue
            words = text.count(" ") + 1 if text else 0
            if words < 2:
                continue
            words = len(text.split())
            if words < 2 or not _same_site_href(href, self.host) or _FILE_URL.search(href):
                continue
            if words < 5 and _NOT_NEXT.search(text.lower()):
                continue  # "← Đầu tiên", "Trang trước", "Cuối cùng →": the pager's own links
            article = _article_like(href)
            if words >= 3 or article:
                self.titles.append(_Link(anchor, href, words, article))


def _is_label(anchor: Element, text: str) -> bool:
    """A "next page" link: by its text, else (icon links) its title or aria-label or class."""
    if text and (text[0].isalpha() or text[0] in _ARROWS):
        return is_next_label(text)
    for label in (anchor.get("title"), anchor.get("aria-label")):
        if label and is_next_label(label):
            return True
    classes = anchor.get("class")
    if not classes or "next" not in classes.lower():
        return False
    classes = f" {classes} ".replace("-", " ").replace("_", " ").lower()
    return " next " in classes and not _NOT_NEXT.search(classes)


def _article_like(href: str) -> bool:
    """A numeric id of 3+ digits or a slug of 5+ words in the URL's path or query (not its
    host: "127.0.0.1:8000", "so123.gov.vn"): an article, not a menu."""
    if "//" in href[:8] or href.startswith("//"):
        href = "/" + href.split("//", 1)[1].partition("/")[2]
    if _ID.search(href):
        return True
    return any(part.count("-") >= 4 for part in href.split("/"))


def _site(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _same_site_href(href: str, host: str) -> bool:
    """Relative hrefs are on the page's site; absolute ones must name its host (www. or not)."""
    lowered = href[:8].lower()
    if lowered.startswith(("http://", "https://")) or href.startswith("//"):
        return _site(href if not href.startswith("//") else "http:" + href) == host
    return ":" not in href.split("/", 1)[0]  # "ftp:…", "viber:…": not a page of the site


def _resolve(doc: Document, href: str | None) -> str | None:
    """Absolute URL; a query-only href ("?page=5") is relative to the page itself."""
    if href and href.strip().startswith("?"):
        try:
            return urljoin(doc.url, href.strip())
        except ValueError:
            return None
    return doc.absolute(href)


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _unique_urls(doc: Document, anchors: list[Element]) -> list[str]:
    urls: list[str] = []
    seen: set[str] = set()
    for anchor in anchors:
        url = _resolve(doc, anchor.get("href"))
        if url and url not in seen:
            seen.add(url)
            urls.append(url)
    return urls


# --- links: profile or structure -----------------------------------------------------------


@dataclass(slots=True)
class _Group:
    """Items (children of one container) each holding title links, in page order; per item
    its longest title link and where that link sits in the title list (index, item depth)."""

    container: Element
    items: dict[int, tuple[Element, _Link, int, int]] = field(default_factory=dict)

    def add(self, item: Element, link: _Link, index: int, depth: int) -> None:
        known = self.items.get(id(item))
        if known is None or link.words > known[1].words:
            self.items[id(item)] = (item, link, index, depth)


@dataclass(slots=True)
class _Scored:
    links: list[str]
    items: int
    dated: int
    score: float


def _choose_links(doc: Document, scan: _Scan) -> tuple[list[str], str, int, int]:
    """The profile's list when plausible, else the best repeated block of the page."""
    profile = [
        url
        for url in extract_listing_links(doc)
        if _site(url) == scan.host and _without_fragment(url) != _without_fragment(doc.url)
    ]
    best = _best_group(doc, scan)
    if best is None:
        return profile, "profile", len(profile), 0
    if not profile or _implausible(profile, best):
        return best.links, "structure", best.items, best.dated
    return profile, "profile", best.items, best.dated


def _implausible(profile: list[str], best: _Scored) -> bool:
    """The profile found too little (1 link where structure finds 10) or another block."""
    if best.items >= 3 and len(profile) * 3 <= best.items and best.dated * 2 >= best.items:
        return True
    overlap = len(set(profile) & set(best.links))
    return overlap == 0 and best.items > len(profile) and best.dated * 2 >= best.items


def _best_group(doc: Document, scan: _Scan) -> _Scored | None:
    """The highest-scoring group; evidence is read only for groups that could still win."""
    groups, kept, chains = _groups(scan.titles)
    ranked = []
    for group in groups.values():
        entries = _entries(group)
        if entries is not None:
            ranked.append((_bound(entries), group, entries))
    ranked.sort(key=lambda r: r[0], reverse=True)
    best: tuple[float, list[Element], int] | None = None
    for bound, group, entries in ranked:
        if best is not None and bound <= best[0]:
            break
        if _boxes(entries, kept, chains):
            continue
        items = [entry[0] for entry in entries]
        score, dated = _score(group.container, items, bound)
        if score and _navigation(doc, group.container, entries, dated):
            continue
        if best is None or score > best[0]:
            best = (score, [entry[1].element for entry in entries], dated)
    if best is None or best[0] < _MIN_SCORE:
        return None
    score, anchors, dated = best
    links = [url for url in _unique_urls(doc, anchors) if _site(url) == scan.host]
    return _Scored(links, len(anchors), dated, score) if len(links) >= 2 else None


def _navigation(
    doc: Document, container: Element, entries: list[tuple[Element, _Link, int, int]], dated: int
) -> bool:
    """A menu, not a list of articles: the group sits in navigation (`<nav>`, a role of
    navigation or menu), or its items are bare and one of them links to the page itself or
    to the home page (a menu does; a section's own list of articles never does). Read from
    tags, roles and URLs, not class names, so a re-themed portal's menu is still one."""
    for node in (container, *container.iterancestors()):
        if node.tag == "nav" or (node.get("role") or "").lower() in _NAV_ROLES:
            return True
    if dated:
        return False
    here = _without_fragment(doc.url).rstrip("/")
    for _, link, _, _ in entries:
        url = _resolve(doc, link.href)
        if url is None:
            continue
        url = _without_fragment(url)
        parts = urlsplit(url)
        if url.rstrip("/") == here:
            return True
        # (with a query, /index.php is any page of a CMS without URL rewriting)
        if not parts.query and _HOME.fullmatch(parts.path.lower().rstrip("/")):
            return True
    return False


_NAV_ROLES = frozenset({"navigation", "menu", "menubar"})
# The home page's path: "/", "/Default.aspx", "/index.php", "/trang-chu", "/web/guest/home".
_HOME = re.compile(
    r"(?:/(?:vi|vn|en|portal|web(?:/guest)?))?(?:/(?:default|index|home|trang-?chu|trangchu)"
    r"(?:\.(?:aspx?|php|html?|jsp))?)?"
)


def _groups(titles: list[_Link]) -> tuple[dict[int, _Group], list[_Link], list[list[Element]]]:
    """Group title links by the container that two consecutive ones share.

    Consecutive links of one list meet at the list's container, each in its own item; links
    of one item (image, title, "Xem thêm") share an href or meet inside the item. Also
    returns the title links kept and their ancestor chains (root first), for _boxes.
    """
    groups: dict[int, _Group] = {}
    kept: list[_Link] = []
    chains: list[list[Element]] = []
    for link in titles:
        if kept and link.href == kept[-1].href:
            continue
        chain = list(link.element.iterancestors())
        chain.reverse()
        chain.append(link.element)
        if kept:
            previous_chain = chains[-1]
            depth = 0
            limit = min(len(chain), len(previous_chain))
            while depth < limit and chain[depth] is previous_chain[depth]:
                depth += 1
            if 0 < depth < limit:
                container = chain[depth - 1]
                group = groups.get(id(container))
                if group is None:
                    group = groups[id(container)] = _Group(container)
                group.add(previous_chain[depth], kept[-1], len(kept) - 1, depth)
                group.add(chain[depth], link, len(kept), depth)
        kept.append(link)
        chains.append(chain)
    return groups, kept, chains


def _entries(group: _Group) -> list[tuple[Element, _Link, int, int]] | None:
    """The group's items of its most common tag, one per article href; None under two."""
    if len(group.items) < 2:
        return None
    tags: dict[str, int] = {}
    for entry in group.items.values():
        tags[entry[0].tag] = tags.get(entry[0].tag, 0) + 1
    tag = max(tags, key=tags.__getitem__)
    entries = []
    seen: set[str] = set()
    for entry in group.items.values():
        if entry[0].tag == tag and entry[1].href not in seen:
            seen.add(entry[1].href)
            entries.append(entry)
    return entries if len(entries) >= 2 else None


def _boxes(
    entries: list[tuple[Element, _Link, int, int]],
    kept: list[_Link],
    chains: list[list[Element]],
) -> bool:
    """Whether the items are boxes, each holding several articles of its own: page columns
    or sidebar boxes ("Tin mới", "Văn bản mới" side by side), not teasers. A link repeated
    in every item (a category label) is not an article of its own."""
    owned: list[set[str]] = []
    owners: dict[str, int] = {}
    for item, _, index, depth in entries:
        hrefs: set[str] = set()
        for step in (-1, 1):  # an item's title links are neighbours in page order
            position = index if step == 1 else index - 1
            while 0 <= position < len(kept):
                chain = chains[position]
                if len(chain) <= depth or chain[depth] is not item:
                    break
                hrefs.add(kept[position].href)
                position += step
        owned.append(hrefs)
        for href in hrefs:
            owners[href] = owners.get(href, 0) + 1
    boxes = sum(1 for hrefs in owned if sum(1 for h in hrefs if owners[h] == 1) >= 2)
    return boxes * 2 >= len(entries)


def _bound(entries: list[tuple[Element, _Link, int, int]]) -> float:
    """The score a group would get with every item dated and summarised (URL and words only):
    article-like URLs (ids, long slugs) and titles of several words, not menu labels."""
    count = len(entries)
    article_like = sum(1 for entry in entries if entry[1].article)
    words = sum(min(entry[1].words, 12) for entry in entries)
    return count * 2.0 * (0.25 + 0.75 * article_like / count) * min(1.0, words / count / 6)


def _score(container: Element, items: list[Element], bound: float) -> tuple[float, int]:
    """Evidence that a group is the page's own list: dates, thumbnails, summaries, and no
    sidebar heading above it. Returns the score and how many items are dated."""
    members = {id(item) for item in items}
    dated = summaries = 0
    for item in items:
        evidence = _item_evidence(item, members)
        if evidence is None:
            return 0.0, 0  # items this large are page columns, not teasers
        has_date, has_image, free_text = evidence
        dated += has_date or has_image
        summaries += free_text >= 40
    count = len(items)
    score = bound / 2.0 * (0.5 + dated / count + 0.5 * summaries / count)
    if _sidebar_heading(container, members):
        score *= 0.3
    return score, dated


def _item_evidence(item: Element, members: set[int]) -> tuple[bool, bool, int] | None:
    """Date, thumbnail and length of text outside links of an item; None for an item too
    large to be a teaser. A bare item (a heading holding the title link) takes in the siblings
    up to the next item: flat lists put the date and summary after the heading."""
    own = _part_evidence(item)
    if own is None:
        return None
    text, linked, has_image = own
    if not has_image and _visible_length(text) - linked < 40 and not _has_date(text):
        sibling = item.getnext()
        for _ in range(3):
            if sibling is None or id(sibling) in members or sibling.tag == item.tag:
                break
            more = _part_evidence(sibling) if isinstance(sibling.tag, str) else None
            if more is None:
                break
            text, linked, has_image = text + more[0], linked + more[1], has_image or more[2]
            sibling = sibling.getnext()
    return _has_date(text), has_image, _visible_length(text) - linked


def _part_evidence(part: Element) -> tuple[str, int, bool] | None:
    """Text, length of linked text and whether an image is inside; None when too large."""
    text = text_of(part)
    if len(text) > _MAX_ITEM_TEXT:
        return None
    linked = anchors = 0
    for anchor in part.iter("a"):
        anchors += 1
        linked += _visible_length(text_of(anchor))
    if anchors > _MAX_ITEM_LINKS:
        return None
    has_image = part.tag == "img" or next(part.iter("img"), None) is not None
    return text, linked, has_image


def _has_date(text: str) -> bool:
    return _DATE_TEXT.search(text) is not None or _MONTH_WORD.search(text) is not None


def _visible_length(text: str) -> int:
    """Characters other than whitespace (indented markup puts runs of it between tags)."""
    return len("".join(text.split()))


def _sidebar_heading(container: Element, members: set[int]) -> bool:
    """Whether the nearest heading above the list names a sidebar box ("Tin mới", …)."""
    for child in container:
        if id(child) in members:
            break
        if isinstance(child.tag, str):
            text = _short_text(child)
            if text:
                return text != _LONG and bool(_SIDEBAR_HEADING.search(text))
    node: Element | None = container
    for _ in range(4):
        if node is None:
            return False
        sibling = node.getprevious()
        for _ in range(3):
            if sibling is None:
                break
            if isinstance(sibling.tag, str):
                text = _short_text(sibling)
                if text == _LONG:
                    return False
                if text:
                    return bool(_SIDEBAR_HEADING.search(text))
            sibling = sibling.getprevious()
        node = node.getparent()
    return False


_LONG = "\x00long"


def _short_text(element: Element, limit: int = 80) -> str:
    """An element's text (NFC, stripped) when at most `limit` characters, else _LONG; reads
    no further than needed (the sibling before a list may be a whole page column)."""
    parts: list[str] = []
    size = 0
    for piece in element.itertext():
        parts.append(piece)
        size += len(piece.strip())
        if size > limit:
            return _LONG
    return unicodedata.normalize("NFC", "".join(parts).strip())


# --- next page -------------------------------------------------------------------------------


def _valid_next(doc: Document, url: str | None) -> str | None:
    """Same site, not this page, not a date archive."""
    if not url or _site(url) != _site(doc.url):
        return None
    if _without_fragment(url) == _without_fragment(doc.url) or _DATE_URL.search(url):
        return None
    return url


def _structural_next(doc: Document, scan: _Scan) -> tuple[str | None, str | None]:
    for element in (*doc.root.iter("link"), *scan.rel_next):
        if "next" in (element.get("rel") or "").lower().split():
            url = _valid_next(doc, _resolve(doc, element.get("href")))
            if url:
                return url, "rel_next"
    blocks = _pager_blocks(scan)
    current = _page_of(doc.url)
    labelled = _next_by_label(doc, scan, blocks, current)
    if labelled is not None and _just_after(_page_of(labelled), current):
        return labelled, "label"
    by_number, marked = _next_by_number(doc, blocks)
    if labelled is not None:
        if by_number is not None and marked:
            label_page, number_page = _page_of(labelled), _page_of(by_number)
            if label_page and number_page and label_page[1] > number_page[1]:
                return by_number, "number"  # "»" jumps past the shown current + 1: last page
        return labelled, "label"
    if by_number is not None:
        return by_number, "number"
    return None, None


def _just_after(page: tuple[str, int] | None, current: tuple[str, int] | None) -> bool:
    """Whether a "next" link's page follows the page URL's at once (no pager check needed)."""
    if page is None or page[0] != "page":
        return False
    if current is None:
        return page[1] <= 2  # from page 1: "?page=2" (or 0-based "?page=1")
    return current[0] == "page" and page[1] == current[1] + 1


def _page_of(url: str) -> tuple[str, int] | None:
    """("page", N) or ("offset", N) from a pager URL; None when it names no page."""
    matches = list(_PAGE_IN_URL.finditer(url))
    if not matches:
        return None
    found = matches[-1]  # the last one: a path may hold an id before the pager's parameter
    if found.group("offset") is not None:
        return "offset", int(found.group("offset"))
    return "page", int(found.group("path") or found.group("query"))


def _pager_blocks(scan: _Scan) -> list[tuple[Element, list[tuple[int, Element]]]]:
    """Elements holding numbered links, each the lowest one with two or more of them."""
    counts: dict[int, int] = {}
    chains: list[list[Element]] = []
    for _, anchor in scan.numbers:
        chain = []
        for level, ancestor in enumerate(anchor.iterancestors()):
            if level >= _PAGER_LEVELS:
                break
            chain.append(ancestor)
            counts[id(ancestor)] = counts.get(id(ancestor), 0) + 1
        chains.append(chain)
    blocks: dict[int, tuple[Element, list[tuple[int, Element]]]] = {}
    for (number, anchor), chain in zip(scan.numbers, chains, strict=True):
        if not chain:
            continue
        block = next((a for a in chain if counts[id(a)] >= 2), chain[min(1, len(chain) - 1)])
        blocks.setdefault(id(block), (block, []))[1].append((number, anchor))
    return [
        (block, numbers)
        for block, numbers in blocks.values()
        if len(numbers) <= _MAX_PAGER_NUMBERS
        and not any(_DATE_URL.search(a.get("href") or "") for _, a in numbers)
    ]


def _next_by_number(
    doc: Document, blocks: list[tuple[Element, list[tuple[int, Element]]]]
) -> tuple[str | None, bool]:
    """The numbered link after the current page, in the first pager that shows it, and
    whether the page showed its current number (else it was read from the page URL)."""
    page_url = _without_fragment(doc.url)
    for block, numbers in blocks:
        current = _current_page_number(block)
        if current is None and block.getparent() is not None:
            current = _current_page_number(block.getparent())  # "17 ▾" beside a page menu
        marked = current is not None
        if current is None:
            current, marked = _current_from_links(doc, numbers, page_url)
        if current is None:
            continue
        for number, anchor in numbers:
            if number == current + 1:
                url = _valid_next(doc, _resolve(doc, anchor.get("href")))
                if url:
                    return url, marked
    return None, False


def _current_from_links(
    doc: Document, numbers: list[tuple[int, Element]], page_url: str
) -> tuple[int | None, bool]:
    """A numbered link marked current or leading to this page; else the page URL's number."""
    resolved: list[tuple[int, str]] = []
    for number, anchor in numbers:
        if anchor.get("aria-current") or _marked(anchor) or _marked(anchor.getparent()):
            return number, True
        url = _resolve(doc, anchor.get("href"))
        if url:
            if _without_fragment(url) == page_url:
                return number, True
            resolved.append((number, url))
    return _current_from_url(page_url, resolved), False


def _current_from_url(page_url: str, resolved: list[tuple[int, str]]) -> int | None:
    """The page number this URL shows, as the pager numbers it; 1 without a parameter."""
    own = _page_of(page_url)
    if own is None:
        return 1  # page 1 carries no page parameter
    # Map the URL's parameter to the numbers shown: param = step * number + shift.
    points = [(n, p[1]) for n, u in resolved if (p := _page_of(u)) and p[0] == own[0]]
    if not points:
        return own[1] if own[0] == "page" else None
    if own[0] == "page":
        shift = points[0][1] - points[0][0]  # 0 for 1-based, -1 for 0-based (Drupal)
        return own[1] - shift
    if len(points) >= 2:
        (n1, p1), (n2, p2) = points[0], points[-1]
        step = (p2 - p1) // (n2 - n1) if n2 != n1 else 0
    else:
        step = points[0][1] // (points[0][0] - 1) if points[0][0] > 1 else 0
    if step <= 0:
        return None
    shift = points[0][1] - step * points[0][0]
    number, remainder = divmod(own[1] - shift, step)
    return number if remainder == 0 else None


def _marked(element: Element | None) -> bool:
    if element is None:
        return False
    classes = (element.get("class") or "").lower()
    return any(marker in classes for marker in _CURRENT_MARKERS) or bool(
        element.get("aria-current")
    )


def _next_by_label(
    doc: Document,
    scan: _Scan,
    blocks: list[tuple[Element, list[tuple[int, Element]]]],
    current: tuple[str, int] | None,
) -> str | None:
    """A "next" link that sits in a pager or names a later page; the nearest page wins."""
    pager_ids = set()
    parents = []  # kept alive: lxml may reuse a collected proxy's id
    for block, _ in blocks:
        pager_ids.add(id(block))
        parent = block.getparent()
        if parent is not None:
            parents.append(parent)
            pager_ids.add(id(parent))
    best: tuple[int, str] | None = None
    for anchor in scan.labels:
        url = _valid_next(doc, _resolve(doc, anchor.get("href")))
        if url is None:
            continue
        page = _page_of(url)
        in_pager = any(
            id(ancestor) in pager_ids
            for level, ancestor in enumerate(anchor.iterancestors())
            if level < _PAGER_LEVELS
        )
        later = page is not None and (
            current is None or page[0] != current[0] or page[1] > current[1]
        )
        if not (in_pager or later):
            continue
        rank = page[1] if page is not None else 1 << 30
        if best is None or rank < best[0]:
            best = (rank, url)
    return best[1] if best else None


def _current_page_number(container: Element) -> int | None:
    """The page number shown as the current page: an element that is not a live link.

    A number marked current/active/selected (by class or aria-current) comes first; else a
    bare number in a span/strong/b/em/li, or in a link to "#" (NukeViet's active page).
    Dropdown options (a "go to page" select) do not count.
    """
    bare: int | None = None
    for element in container.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag in ("option", "select"):
            continue
        text = (element.text or "").strip()
        if not text.isdigit() or len(text) > 4 or len(element):
            continue
        live = tag == "a" and _is_live(element.get("href"))
        if not live and (_marked(element) or _marked(element.getparent())):
            return int(text)
        if live or bare is not None:
            continue
        if _inside_live_link(element, container):
            continue
        if tag in ("span", "strong", "b", "em", "li", "a", "font", "td", "u", "i", "div", "p"):
            bare = int(text)
    return bare


def _is_live(href: str | None) -> bool:
    """A link that loads a page: not "#", "javascript:;" or "javascript:void(0)" (a postback
    pager's `javascript:__doPostBack(…)` numbers are live)."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return False
    return not href.lower().startswith("javascript:") or "postback" in href.lower()


def _inside_live_link(element: Element, top: Element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag == "a" and _is_live(ancestor.get("href")):
            return True
        if ancestor is top:
            return False
    return False
