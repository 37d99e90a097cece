"""A portal's sections found by evidence, not by name (issue 15).

Two pure steps, used by `portal-archive detect`/`add` and by the crawl's discovery:

1. `section_candidates(home)`: every same-site link a home page offers as a way into the site:
   its menus (found by structure: `<nav>`, ARIA navigation roles, lists and rows of short
   links, nested dropdowns and mega menus), its footer link blocks, and the headings and
   "Xem thêm / Xem tiếp / Xem tất cả" links of its news blocks. No word list decides what is a
   section and there is no cap on count or name length: a section named "Kinh tế - Nông
   nghiệp" is as much a candidate as "Tin tức".
2. `classify_target(candidate, listing, items)`: what the candidate's page *is*, from its
   structure (issue 11's listing detection, already in the PageRecord) and from one or two of
   its items read by extraction: a news section, an aggregate of other sections, a document
   register, a schedule, Q&A, administrative procedures, or a plain page. The name only
   breaks ties.

One candidate per canonical path: a link found in several places keeps the strongest place
(menu > submenu > footer > more_link) and the name given there (a "Xem thêm" link is named
after its block's heading).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from lxml.etree import _Element as Element

from ..urls import canonical_url
from .document import Document
from .listing import find_listing
from .record import PageRecord
from .text import clean_text, text_of

FOUND_IN = ("menu", "submenu", "footer", "more_link", "banner", "section_menu")
KINDS = (
    "news",
    "aggregate",
    "documents",
    "schedule",
    "qa",
    "procedures",
    "page",
    "other_host",
    "unreachable",
)


def fold(text: str) -> str:
    """Lower case without diacritics, đ -> d: "Tin tức - Sự kiện" -> "tin tuc - su kien".

    Two `str.replace` calls, not `str.translate` (a dict look-up per character: ~5 ms on a
    50 KB page, where the replaces take 0.1 ms)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower().strip()


@dataclass(frozen=True, slots=True)
class SectionCandidate:
    """A link of the home page that may lead to a section."""

    url: str  # absolute, canonical_url'd
    path: str  # path + "?query": the key sections are stored under
    name: str  # NFC, whitespace collapsed, any length
    found_in: str  # "menu" | "submenu" | "footer" | "more_link" | "banner" | "section_menu"
    other_host: bool  # a subdomain of the portal (english.x.gov.vn): reported, not fetched


# --- candidates -----------------------------------------------------------------------------

# "Xem thêm", "Xem tiếp", "Xem tất cả", "Chi tiết", "Tất cả", "more", "»" (folded, trimmed).
_MORE = re.compile(
    r"(?:xem (?:them|tiep|tat ca|het|toan bo|chi tiet|cac tin khac|them tin)|tat ca|chi tiet|"
    r"tin khac|read more|more|view (?:all|more)|see (?:all|more)|[»>›]+)"
)
_FILE = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|odt|rtf|zip|rar|7z|jpe?g|png|gif|webp|svg|mp[34]|avi|"
    r"xml|rss|atom|apk|exe)$",
    re.I,
)
# Login, registration and search targets are never sections.
_SKIP_PATH = re.compile(
    r"(?:^|[/_.=?&-])(?:dang-?nhap|dang-?ky|dang-?xuat|login|logout|signin|sign-in|"
    r"register|tim-?kiem|search|timkiem)(?:$|[/_.=?&-])",
    re.I,
)
# Feeds and sitemaps are second sources (`second_sources`), not sections.
_FEED_PATH = re.compile(r"(?:^|/)(?:rss|feeds?|atom|sitemap)(?:/|$|\.)|[?&]format=feed", re.I)
# A pager's links ("2", "»", "Trang sau", ?page=3, /trang-4) page a listing: never sections.
_PAGER_URL = re.compile(
    r"[?&;](?:[\w-]*_)?(?:page|p|trang|pg|paged|pageindex|pagenum|pageno|cur|start|limitstart)"
    r"=\d+(?:$|&)|[/_-](?:page|trang|pageid)[/_-]\d+(?:[/.?]|$)",
    re.I,
)
_PAGER_NAME = re.compile(
    r"\d{1,4}|[«»‹›<>→←]+|(?:trang )?(?:sau|truoc|dau|cuoi|tiep)(?: trang)?|next|prev(?:ious)?|"
    r"first|last|\.\.\."
)
_SKIP_NAME = re.compile(r"^(?:dang nhap|dang ky|dang xuat|tim kiem|login|log in|search)$")
# Home pages under their many names: "/", "/index.php", "/trang-chu.html", "/vi/", "/portal".
_HOME = re.compile(
    r"/?|(?:/[^/]+){0,2}/(?:default|index|home|trang-?chu|trangchu)(?:\.\w{2,5})?/?"
    r"|/(?:vi|vn|portal|web|web/guest|portal/pages/default\.aspx)/?",
    re.I,
)
_DATE = re.compile(r"\d ?[/.-] ?\d{1,2} ?[/.-] ?\d\d|\d\d\d\d-\d\d-\d\d")
_ARTICLE_ID = re.compile(r"\d{3}")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_NAV_ROLES = ("navigation", "menubar", "menu")
_FOOTER_TOKENS = re.compile(r"(?:^|[\s_-])(?:footer|foot|ft|bottom)(?:$|[\s_-])", re.I)
# Menu labels are short; an article title in a news list is a sentence.
_SHORT_LABEL_CHARS = 60
_SHORT_LABEL_WORDS = 10
_MENU_SHARE = 0.7
_MIN_MENU_LINKS = 3
_ORDER = {name: rank for rank, name in enumerate(FOUND_IN)}
# Containers a list-less menu is built from: link rows, table rows, stacks of boxes.
_DROPDOWN_LEVELS = 3
# A box title: the link, at most this many levels down, with at most this much other text.
_HEADING_LEVELS = 3
_HEADING_SLACK = 8
_BLOCK_TAGS = frozenset(("div", "p", "span", "td", "tr", "tbody", "table", "section"))


def section_candidates(doc: Document) -> list[SectionCandidate]:
    """Every candidate section link of a home page, in page order, one per canonical path."""
    port = _port(doc.url)
    site = _site(doc.url)
    own = _path_of(canonical_url(doc.url))
    menus, dropdowns, footers = _regions(doc.root)
    titled = _titled_urls(doc)
    found: dict[str, SectionCandidate] = {}
    order: list[str] = []
    for anchor in doc.root.iter("a"):
        place = _place(anchor, menus, dropdowns, footers)
        if place is None:
            continue
        url = doc.absolute(anchor.get("href"))
        if url is None:
            continue
        url = canonical_url(url)
        if place == "banner" and url in titled:
            continue  # a teaser's picture: the article's title links there too
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        if _port_of(parts) != port:
            continue
        other_host = host != site
        if other_host and not host.endswith("." + site):
            continue  # another site altogether: not the portal's
        path = _path_of(url)
        name = _name(anchor, place)
        if _skipped(path, name) or (not other_host and (path == own or _is_home(parts))):
            continue
        key = f"{parts.hostname}{path}" if other_host else path
        candidate = SectionCandidate(url, path, name, place, other_host)
        old = found.get(key)
        if old is None:
            found[key] = candidate
            order.append(key)
        elif _better(candidate, old):
            found[key] = candidate
    return [found[key] for key in order]


def _regions(root: Element) -> tuple[set[Element], set[Element], set[Element]]:
    """Menu roots (nav, navigation roles, lists and rows of short links), detached dropdowns
    (blocks of short links right after a menu: WebForms and table layouts show them on
    mouse-over) and footer roots."""
    menus: set[Element] = set()
    footers: set[Element] = set()
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        role = (element.get("role") or "").lower()
        if tag == "footer" or role == "contentinfo" or _footer_marked(element):
            footers.add(element)
        elif _menu_root(element, tag, role):
            menus.add(element)
    dropdowns: set[Element] = set()
    for menu in menus:
        level: Element | None = menu
        for _ in range(_DROPDOWN_LEVELS):  # the menu row's table or wrapper may be the sibling
            if level is None:
                break
            for sibling in level.itersiblings():
                if not isinstance(sibling.tag, str) or sibling in menus or not _dropdown(sibling):
                    break
                dropdowns.add(sibling)
            level = level.getparent()
    return menus, dropdowns, footers


def _dropdown(element: Element) -> bool:
    anchors = list(element.iter("a"))
    return bool(anchors) and all(_short(a) for a in anchors) and not _dated(element)


def _menu_root(element: Element, tag: str, role: str) -> bool:
    if tag == "nav" or role in _NAV_ROLES:
        return True
    if tag in ("ul", "ol"):
        return _short_link_list(element)
    return tag in _BLOCK_TAGS and _short_link_block(element)


def _footer_marked(element: Element) -> bool:
    marks = f"{element.get('id') or ''} {element.get('class') or ''}"
    return bool(marks.strip()) and _FOOTER_TOKENS.search(marks) is not None


def _label(item: Element) -> Element | None:
    return next(item.iter("a"), None)


def _short(anchor: Element) -> bool:
    text = _link_text(anchor)
    return 0 < len(text) <= _SHORT_LABEL_CHARS and len(text.split()) <= _SHORT_LABEL_WORDS


def _short_link_list(element: Element) -> bool:
    """A list whose items are mostly one short link each, undated: a menu, not a news list."""
    items = [child for child in element if child.tag == "li"]
    if len(items) < _MIN_MENU_LINKS:
        return False
    short = dated = articles = 0
    for item in items:
        label = _label(item)
        if label is None:
            continue
        short += _short(label)
        articles += _article_href(label.get("href"))
        if not any(child.tag in ("ul", "ol", "div") for child in item.iter()):
            dated += _DATE.search(text_of(item)) is not None
    return (
        short >= _MENU_SHARE * len(items)
        and dated < 0.3 * len(items)
        and articles < 0.5 * len(items)
    )


def _short_link_block(element: Element) -> bool:
    """Links side by side ("Sơ đồ cổng | Hỏi đáp | Liên hệ"), or a table row or a stack of
    boxes each holding one short link: a menu built without lists."""
    linked = short = 0
    for child in element:
        if not isinstance(child.tag, str):
            continue
        anchors = [child] if child.tag == "a" else list(child.iter("a"))
        if not anchors:
            continue
        linked += 1
        short += len(anchors) == 1 and _short(anchors[0]) and not _dated(child)
    return linked >= _MIN_MENU_LINKS + 1 and short >= _MENU_SHARE * linked


def _article_href(href: str | None) -> bool:
    """A numeric id in the link's path or query (not its host or port): an article link."""
    if not href:
        return False
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return False
    return _ARTICLE_ID.search(f"{parts.path}?{parts.query}") is not None


def _dated(element: Element) -> bool:
    return _DATE.search(text_of(element)) is not None


def _place(
    anchor: Element, menus: set[Element], dropdowns: set[Element], footers: set[Element]
) -> str | None:
    """Where a link sits: footer, menu, submenu, more_link (news block), or None."""
    outer: Element | None = None
    items = items_at_outer = 0
    dropdown = False
    node = anchor.getparent()
    while node is not None:
        if node in footers:
            return "footer"
        dropdown = dropdown or node in dropdowns
        if node in menus:
            outer = node
            items_at_outer = items
        if node.tag == "li":
            items += 1
        node = node.getparent()
    if dropdown and outer is None:
        return "submenu"
    if outer is not None:
        if items_at_outer == 0:
            return "menu"
        parent = anchor.getparent()
        while parent is not None and parent.tag != "li":
            parent = parent.getparent()
        first = items_at_outer == 1 and parent is not None and _label(parent) is anchor
        return "menu" if first else "submenu"
    if _is_more(anchor) or _is_block_heading(anchor):
        return "more_link"
    if _is_banner(anchor):
        return "banner"
    return None


def _is_banner(anchor: Element) -> bool:
    """A picture linking into the site ("Chỉ đạo điều hành", "Phòng chống dịch" banners in a
    sidebar): sections are often reached only that way. Article links are not banners."""
    if anchor.find(".//img") is None or (clean_text(text_of(anchor)) or ""):
        return False
    return not _article_href(anchor.get("href"))


def _titled_urls(doc: Document) -> set[str]:
    """URLs some link names with a sentence (an article title): their pictures are teasers."""
    urls: set[str] = set()
    for anchor in doc.root.iter("a"):
        text = clean_text(text_of(anchor)) or ""
        if len(text.split()) > _SHORT_LABEL_WORDS or len(text) > _SHORT_LABEL_CHARS:
            url = doc.absolute(anchor.get("href"))
            if url:
                urls.add(canonical_url(url))
    return urls


def _is_more(anchor: Element) -> bool:
    text = fold(clean_text(text_of(anchor)) or anchor.get("title") or "")
    text = text.strip(" .:…«»>›-–+").strip() or text.strip()
    return bool(text) and _MORE.fullmatch(text) is not None


def _is_block_heading(anchor: Element) -> bool:
    """The short title link of a home-page news block: `<h2><a>Chính trị</a></h2>` above its
    list, or any box title holding just that link (`<div class="heading"><div><a>…`) whose
    next sibling holds the block's links."""
    if not _short(anchor) or _article_href(anchor.get("href")):
        return False
    label = len(_link_text(anchor))
    node = anchor
    for _ in range(_HEADING_LEVELS):
        parent = node.getparent()
        if parent is None:
            return False
        if parent.tag in _HEADINGS:
            block = parent.getparent()
            return block is not None and sum(1 for _ in block.iter("a")) > _MIN_MENU_LINKS
        if len(clean_text(text_of(parent)) or "") > label + _HEADING_SLACK:
            return False  # the link is part of a sentence or a teaser, not a title
        following = parent.getnext()
        while following is not None and not isinstance(following.tag, str):
            following = following.getnext()
        if following is not None and sum(1 for _ in following.iter("a")) >= _MIN_MENU_LINKS:
            return True
        node = parent
    return False


def _name(anchor: Element, place: str) -> str:
    if place == "more_link" and _is_more(anchor):
        return _block_heading(anchor) or _link_text(anchor)
    return _link_text(anchor)


def _link_text(anchor: Element) -> str:
    """The link's text, else its title or aria-label, else its image's alt text."""
    text = clean_text(text_of(anchor))
    if text:
        return text
    for attribute in ("title", "aria-label"):
        text = clean_text(anchor.get(attribute))
        if text:
            return text
    image = next(anchor.iter("img"), None)
    return (clean_text(image.get("alt")) if image is not None else None) or ""


def _block_heading(anchor: Element) -> str | None:
    """The heading of the block a "Xem thêm" link closes, up to five levels up."""
    node = anchor.getparent()
    for _ in range(5):
        if node is None:
            return None
        for heading in node.iter(*_HEADINGS):
            text = clean_text(text_of(heading))
            if text and not _MORE.fullmatch(fold(text)):
                return text
        node = node.getparent()
    return None


def _better(new: SectionCandidate, old: SectionCandidate) -> bool:
    if _ORDER[new.found_in] != _ORDER[old.found_in]:
        return _ORDER[new.found_in] < _ORDER[old.found_in]
    return bool(new.name) and not old.name


def _skipped(path: str, name: str) -> bool:
    bare = path.split("?", 1)[0]
    return bool(
        _PAGER_URL.search(path)
        or _PAGER_NAME.fullmatch(fold(name))
        or _FILE.search(bare)
        or _SKIP_PATH.search(path)
        or _FEED_PATH.search(path)
        or _SKIP_NAME.fullmatch(fold(name))
    )


def _is_home(parts) -> bool:
    return not parts.query and _HOME.fullmatch(parts.path) is not None


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _site(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _port(url: str) -> int | None:
    return _port_of(urlsplit(url))


def _port_of(parts) -> int | None:
    """An explicit non-default port, else None: http and https links to one portal mix."""
    try:
        port = parts.port
    except ValueError:
        return -1
    return None if port == {"http": 80, "https": 443}.get(parts.scheme) else port


# --- classification -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionVerdict:
    """What a candidate's page is, and a short sentence with the numbers that say so."""

    kind: str  # one of KINDS
    evidence: str


@dataclass(frozen=True, slots=True)
class PageCues:
    """Structure and wording cues of one fetched page, outside its menus and footer."""

    items: int  # repeated item blocks of its own list (find_listing)
    dated_items: int  # ... of which carry a date or a thumbnail
    document: tuple[str, ...]  # document-register labels: "so ky hieu", "ngay ban hanh"...
    schedule: tuple[str, ...]  # weekday names and clock times of a work schedule
    qa: tuple[str, ...]  # question/answer labels
    procedures: tuple[str, ...]  # administrative-procedure labels
    links: tuple[str, ...] = ()  # the structural listing's item links (find_listing)
    next_page: str | None = None  # ... and its next page


# Folded labels; each cue family counts distinct labels found.
_DOCUMENT = re.compile(
    r"so ky hieu|ngay ban hanh|trich yeu|co quan ban hanh|nguoi ky|loai van ban|"
    r"ngay hieu luc|so hieu van ban|linh vuc van ban"
)
# A schedule's rows open with the day: "Thứ Hai (05/6)", "THỨ 3", "Chủ nhật".
_WEEKDAY = re.compile(r"(?:thu (?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat)\b")
_CLOCK = re.compile(r"\b\d{1,2} ?(?:h|gio) ?\d{0,2}\b|\b\d{1,2}:\d\d\b")
_SCHEDULE_TITLE = re.compile(r"lich (?:cong tac|lam viec|tiep cong dan)")
_QA = re.compile(
    r"nguoi hoi|ngay gui|cau hoi ?:|noi dung (?:cau )?hoi|tra loi ?:|ngay hoi|ngay tra loi|"
    r"(?:^|\s)hoi ?:|(?:^|\s)dap ?:|co quan tra loi"
)
_PROCEDURES = re.compile(
    r"trinh tu thuc hien|cach thuc thuc hien|thanh phan(?:,| va) so luong ho so|"
    r"thanh phan ho so|thoi han giai quyet|doi tuong thuc hien|co quan thuc hien|"
    r"ket qua thuc hien|yeu cau,? dieu kien|can cu phap ly|"
    # the columns of a procedures list: "Tên thủ tục | Lĩnh vực | Mức độ"
    r"ten thu tuc|ma thu tuc|linh vuc|muc do(?: dich vu cong| dvc)?"
)
# Names that break ties: "Văn bản", "Lịch công tác", "Hỏi đáp", "Thủ tục", "Tin mới".
_NAME_KINDS = (
    ("documents", re.compile(r"van ban|cong van|quyet dinh")),
    ("schedule", re.compile(r"lich (?:cong tac|lam viec)")),
    ("qa", re.compile(r"hoi dap|hoi - dap|giai dap")),
    ("procedures", re.compile(r"thu tuc")),
    ("aggregate", re.compile(r"^(?:tin moi|tin moi nhat|moi cap nhat|tin tong hop|tat ca tin)$")),
)
_MIN_DOCUMENT_LABELS = 3
_MIN_SCHEDULE_DAYS = 3
_MIN_SCHEDULE_TIMES = 3
_MIN_QA_LABELS = 2
_MIN_PROCEDURE_LABELS = 3
# "A body that is only a file": an attachment and hardly any text of its own.
_FILE_ONLY_BODY = 300
_SKIPPED_REGIONS = ("nav", "header", "footer")
_SHOWN_URL = 40
# A listing with this many dated items is news even when extraction cannot read its items.
_DATED_LISTING = 3
# A listing without dates needs this many item links.
_MIN_UNDATED_LINKS = 3
# An aggregate: at least this share of its items listed by two or more other sections.
_AGGREGATE_SHARE = 0.6
_LABEL_TAGS = frozenset(("th", "td", "dt", "dd", "label", "strong", "b", "span", "div", "p", "li"))
_LABEL_LINE = 120


def furniture_of(doc: Document) -> frozenset[str]:
    """The home page's text fragments (folded): sidebars, menus and footers that every page
    repeats, so a "Lịch công tác" box beside every article is not read as the article."""
    return frozenset(f for t in doc.root.itertext() if (f := fold(t)))


def page_cues(
    doc: Document, record: PageRecord | None = None, furniture: frozenset[str] | None = None
) -> PageCues:
    """Cues of a fetched page, from its own text: the text fragments outside nav, header and
    footer that the home page does not also show (`furniture`), or without `furniture`, the
    record's title and body as extraction found them. Document labels count as label cells
    (a register's "Số ký hiệu" column header, a "Ngày ban hành:" label)."""
    listing = find_listing(doc)
    if furniture is not None:
        lines = [f for t in _content_texts(doc.root) if (f := fold(t)) and f not in furniture]
    else:
        own = f"{record.title or ''}\n{record.body_text or ''}" if record is not None else ""
        lines = [fold(line) for line in own.splitlines() if line.strip()]
    text = " ".join(lines)
    clocks = len(_CLOCK.findall(text))
    days = {m.group() for line in lines if (m := _WEEKDAY.match(line.lstrip(" -:|(")))}
    schedule: tuple[str, ...] = ()
    titled = _SCHEDULE_TITLE.search(text[:300])
    if clocks >= _MIN_SCHEDULE_TIMES and (
        len(days) >= _MIN_SCHEDULE_DAYS or (titled and len(days) >= 2)
    ):
        schedule = (*sorted(days), f"{clocks} times")
    return PageCues(
        items=listing.items,
        dated_items=listing.dated_items,
        document=_labels(_DOCUMENT, text, doc, furniture),
        schedule=schedule,
        qa=tuple(sorted({m.strip(" :") for m in _labels(_QA, text, doc, furniture)})),
        procedures=_labels(_PROCEDURES, text, doc, furniture),
        links=tuple(listing.links),
        next_page=listing.next_page,
    )


def _labels(
    pattern: re.Pattern[str], text: str, doc: Document, furniture: frozenset[str] | None
) -> tuple[str, ...]:
    return tuple(sorted(set(pattern.findall(text)) | _label_cells(doc.root, furniture, pattern)))


def _label_cells(
    root: Element, furniture: frozenset[str] | None, pattern: re.Pattern[str]
) -> set[str]:
    """Labels that stand as their own cell (a register's column header) or open a
    "Label: value" line."""
    found: set[str] = set()
    for element in _content_elements(root):
        if element.tag not in _LABEL_TAGS:
            continue
        text = fold(clean_text(text_of(element)) or "")
        if not text or len(text) > _LABEL_LINE or (furniture and text in furniture):
            continue
        for match in pattern.finditer(text):
            rest = text[match.end() :].lstrip()
            if not rest or rest.startswith(":"):
                found.add(match.group().strip(" :"))
    return found


def _content_texts(root: Element) -> list[str]:
    texts: list[str] = []
    for element in _content_elements(root):
        if element.text:
            texts.append(element.text)
        texts.extend(child.tail for child in element if child.tail)
    return texts


def _content_elements(root: Element) -> list[Element]:
    """Elements outside nav, header and footer."""
    elements: list[Element] = []
    stack = [root]
    while stack:
        element = stack.pop()
        elements.append(element)
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED_REGIONS:
                continue
            if (child.get("role") or "").lower() in _NAV_ROLES:
                continue
            stack.append(child)
    return elements


def _cue_kind(cues: PageCues | None) -> tuple[str, str] | None:
    """The non-news kind a page's own wording shows, with its evidence."""
    if cues is None:
        return None
    if len(cues.document) >= _MIN_DOCUMENT_LABELS:
        return "documents", "document labels (" + ", ".join(cues.document) + ")"
    if cues.schedule:
        return "schedule", "schedule cues (" + ", ".join(cues.schedule) + ")"
    if len(cues.qa) >= _MIN_QA_LABELS:
        return "qa", "question/answer labels (" + ", ".join(cues.qa) + ")"
    if len(cues.procedures) >= _MIN_PROCEDURE_LABELS:
        return "procedures", "procedure labels (" + ", ".join(cues.procedures) + ")"
    return None


def read_item(record: PageRecord, cues: PageCues | None = None) -> str:
    """How one fetched item reads: "article", "documents", "schedule", "qa", "procedures",
    "unreadable" (an article extraction could not read: flagged, no positive evidence that
    it is anything else) or "other" (a page that says it is not an article)."""
    cue = _cue_kind(cues)
    if cue is not None:
        return cue[0]
    body = record.body_text or ""
    if record.attachments and len(body) < _FILE_ONLY_BODY:
        return "documents"  # the item is a file with a caption
    if record.kind == "article" and not record.extraction_failed and body:
        return "article"
    if record.kind == "article" and record.extraction_failed:
        return "unreadable"
    return "other"


def name_kind(name: str) -> str | None:
    """The kind a menu name suggests; used only to break ties."""
    folded = fold(name)
    return next((kind for kind, pattern in _NAME_KINDS if pattern.search(folded)), None)


def classify_target(
    candidate: SectionCandidate,
    listing: PageRecord,
    items: list[PageRecord],
    *,
    listing_cues: PageCues | None = None,
    item_cues: Sequence[PageCues | None] = (),
    sections: Collection[str] = (),
    other_listings: Mapping[str, Collection[str]] | None = None,
) -> SectionVerdict:
    """What the candidate's page is, decided by structure and by its items.

    `listing`: extract_page of the candidate's page (no `expect`); `items`: extract_page
    (`expect="article"`) of one or two of its `item_links`; the cues are `page_cues` of the
    same pages; `sections`: the paths of the other candidates and known sections (links to
    them are the menu, not items; items under their paths belong to them); `other_listings`:
    the item links other candidates' pages list, by path, to tell an aggregate ("Tin mới")
    whose items other sections list, whatever its URLs look like.
    """
    if candidate.other_host:
        host = urlsplit(candidate.url).hostname
        return SectionVerdict("other_host", f"on {host}, another host than the portal's")
    listing = as_listing(listing, listing_cues)
    links = item_links(listing, sections)
    if (
        len(links) < _MIN_UNDATED_LINKS
        and listing_cues is not None
        and not listing_cues.dated_items
        and listing.field_sources.get("links") != "profile"
        and not any(_under(urlsplit(u).path, _path_key(candidate.path)) for u in links)
    ):
        # One or two undated links, not under the section's own path, found by structure
        # alone: a box beside the page's text. (A section that has published one article
        # lists it under its own path, or the platform's listing selectors find it.)
        links = []
    own_cue = _cue_kind(listing_cues)
    if links and own_cue is not None and own_cue[0] == "schedule":
        own_cue = None  # a listing's dated teasers can read like a schedule
    if not links:
        if own_cue is not None:
            return SectionVerdict(own_cue[0], f"no listing; page shows {own_cue[1]}")
        if listing.kind == "listing" and listing.links:
            n, own = len(listing.links), len(item_links(listing, sections))
            why = f"{own} undated links" if own else f"its {n} links are menu links"
            return SectionVerdict("page", f"no listing structure ({why})")
        size = len(listing.body_text or "")
        return SectionVerdict(
            "page", f"no listing structure (reads as {listing.kind}, {size} chars of text)"
        )
    shape = _listing_evidence(listing, listing_cues, len(links))
    others = other_listings or {}
    reads = [read_item(r, c) for r, c in zip(items, _padded(item_cues, len(items)), strict=True)]
    if not reads:
        if own_cue is not None:
            return SectionVerdict(own_cue[0], f"{shape}; page shows {own_cue[1]}; items not read")
        kind = "aggregate" if name_kind(candidate.name) == "aggregate" else "news"
        evidence = f"{shape}; items not read"
        return _news_or_aggregate(candidate, links, sections, others, evidence, kind)
    counts = Counter(reads)
    ranked = counts.most_common()
    top, votes = ranked[0]
    if len(ranked) > 1 and ranked[1][1] == votes:  # a tie: the listing's cues, then the name
        tied = {kind for kind, n in ranked if n == votes}
        hint = own_cue[0] if own_cue else None
        named = name_kind(candidate.name)
        named = "documents" if named is None and "article" not in tied else named
        top = next((k for k in (hint, named) if k in tied), "article" if "article" in tied else top)
        votes = counts[top]
    label = {"article": "articles", "other": "not articles"}.get(top, top)
    read = f"items read as {label} ({votes}/{len(reads)})"
    dated = listing_cues is not None and listing_cues.dated_items >= _DATED_LISTING
    if top == "unreadable" and dated:
        # The crawl keeps and flags such articles; a dated listing of them is still news.
        top = "article"
        read = f"{read}, kept as news: the listing is dated"
    if top == "article":
        return _news_or_aggregate(candidate, links, sections, others, f"{shape}; {read}", "news")
    if top == "unreadable":
        top = "other"
    if top == "other":
        if own_cue is not None:
            return SectionVerdict(own_cue[0], f"{shape}; {read}; page shows {own_cue[1]}")
        return SectionVerdict("page", f"{shape}; {read}")
    return SectionVerdict(top, f"{shape}; {read}")


def _padded(cues: Sequence[PageCues | None], n: int) -> list[PageCues | None]:
    return [*cues[:n], *([None] * (n - len(cues[:n])))]


def as_listing(record: PageRecord, cues: PageCues | None) -> PageRecord:
    """The page as a listing when structure says so though extraction read it otherwise
    (teasers long enough to pass for an article's text): dated repeated items are a list."""
    if record.kind == "listing" or cues is None:
        return record
    if cues.dated_items < _DATED_LISTING or len(cues.links) < _MIN_UNDATED_LINKS:
        return record
    return replace(record, kind="listing", links=list(cues.links), next_page=cues.next_page)


def item_links(listing: PageRecord, sections: Collection[str] = ()) -> list[str]:
    """A listing's item links, without links to the candidates themselves: on a page with
    little content, structure may read the menu as the page's list."""
    if listing.kind != "listing":
        return []
    menu = {_exact_key(path) for path in sections}
    return [link for link in listing.links if _exact_key(_path_of(link)) not in menu]


def _exact_key(path: str) -> str:
    bare, mark, query = path.partition("?")
    return (bare.rstrip("/") or "/") + mark + query


def _listing_evidence(listing: PageRecord, cues: PageCues | None, n: int) -> str:
    dated = f" ({cues.dated_items} dated)" if cues is not None else ""
    if listing.next_page:
        parts = urlsplit(listing.next_page)
        own = urlsplit(listing.url)
        shown = f"?{parts.query}" if parts.path == own.path and parts.query else parts.path
        if parts.query and parts.path != own.path:
            shown += f"?{parts.query}"
        if len(shown) > _SHOWN_URL:
            shown = f"{shown[: _SHOWN_URL // 2]}…{shown[-_SHOWN_URL // 2 :]}"
        following = f"next page {shown}"
    else:
        following = "no next page"
    return f"listing: {n} article links{dated}, {following}"


def _news_or_aggregate(
    candidate: SectionCandidate,
    links: list[str],
    sections: Collection[str],
    other_listings: Mapping[str, Collection[str]],
    evidence: str,
    default: str,
) -> SectionVerdict:
    """An aggregate when most listed items sit under other sections' paths, or are listed
    by two or more other sections; a name like "Tin mới" decides only without either."""
    own = _path_key(candidate.path)
    others = [p for p in {_path_key(s) for s in sections} if p and p != own]
    elsewhere: Counter[str] = Counter()
    mine = 0
    for link in links:
        path = urlsplit(link).path
        best = max((p for p in [*others, own] if p and _under(path, p)), key=len, default=None)
        if best == own and best is not None:
            mine += 1
        elif best is not None:
            elsewhere[best] += 1
        # unattributed links (ids only) say nothing either way
    spread = sum(elsewhere.values())
    if spread >= 2 and spread > mine and spread * 2 >= len(links):
        shown = ", ".join(p for p, _ in elsewhere.most_common(3))
        return SectionVerdict(
            "aggregate", f"{evidence}; {spread}/{len(links)} items under other sections ({shown})"
        )
    listers: Counter[str] = Counter()
    shared = 0
    for link in links:
        found = [
            path
            for path, listed in other_listings.items()
            if path != candidate.path and link in listed
        ]
        shared += bool(found)
        listers.update(found)
    if len(listers) >= 2 and shared >= max(_AGGREGATE_SHARE * len(links), 2):
        shown = ", ".join(p for p, _ in listers.most_common(3))
        return SectionVerdict(
            "aggregate", f"{evidence}; {shared}/{len(links)} items also listed by {shown}"
        )
    if (default == "aggregate" or name_kind(candidate.name) == "aggregate") and not mine:
        return SectionVerdict("aggregate", f"{evidence}; named like an aggregate")
    return SectionVerdict("news", evidence)


def _path_key(path: str) -> str:
    """A section path as a prefix of its items' paths: no query, no extension, no slash."""
    bare = path.split("?", 1)[0]
    bare = re.sub(r"\.(?:html?|aspx?|php|jsp)$", "", bare, flags=re.I)
    return bare.rstrip("/")


def _under(path: str, prefix: str) -> bool:
    return path.startswith(prefix + "/") or path.startswith(prefix + "-/")
