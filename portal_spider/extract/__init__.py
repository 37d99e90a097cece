"""Pure extraction: HTML bytes + URL in, PageRecord out. No Scrapy, no database, no I/O.

One parse per page (`parse_document`), shared by every field extractor, so the same code serves
the spider, `portal-archive extract`, and anyone re-extracting saved pages.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

from .article import article_container
from .assemble import VIETNAM, assemble_article
from .choose import MIN_BODY_CHARS, MIN_EXPECTED_BODY_CHARS, valid_body
from .counter import extract_visitor_counter
from .document import Document, build_document, parse_document, prepare_markup
from .fallback import (
    MIN_FALLBACK_CHARS,
    looks_like_teasers,
    shares_parse,
    tidy_generic,
    tree_is_shareable,
)
from .listing import Listing, find_listing
from .platforms import Platform, detect_platform_in
from .record import COUNTER_KEYS, EXTRACTOR_VERSION, Attachment, Image, PageRecord
from .signals import Body
from .signals.lines import title_tag_heading
from .signals.main_text import densest_body, main_text_body
from .signals.profile import profile_body
from .signals.structured import structured_candidates
from .text import clean_text, text_of, text_upto

__all__ = [
    "COUNTER_KEYS",
    "EXTRACTOR_VERSION",
    "Attachment",
    "Document",
    "Image",
    "PageRecord",
    "extract_page",
    "parse_document",
]

# "Bài viết không tồn tại hoặc đã bị xóa" (the article does not exist or was deleted) and
# its variants, folded (no diacritics): what portals show instead of a 404 status.
_REMOVAL_NOTICE = re.compile(
    r"(?:bai viet|tin bai|noi dung|trang)[^.]{0,40}(?:khong ton tai|da bi xoa|da bi go|"
    r"khong tim thay|da bi an|da het han)"
)

# On an unknown platform a listing needs this many article links (fewer is more likely a home
# page block or a sidebar). A known platform's listing selectors are specific enough that one
# link is a listing: a section that has published a single article is still a section.
_MIN_LISTING_LINKS = 3


def extract_page(
    html: bytes | str,
    url: str,
    encoding: str | None = None,
    *,
    expect: Literal["article", "listing"] | None = None,
    captured_at: datetime | None = None,
) -> PageRecord:
    """Extract everything we archive from one page.

    `expect`: what the crawl expects the page to be ("article" for a page reached through a
    listing's article link). An expected article becomes another kind only on positive
    evidence (a removal notice, a login or error page, a listing); otherwise it stays an
    article, flagged `extraction_failed` when no layer can read its text.
    `captured_at`: when the bytes were fetched (default: now); dates after it are rejected,
    so re-reading an old capture later gives the same dates.
    """
    markup = prepare_markup(html, encoding)
    platform = detect_platform_in(url, markup)
    # One parse for our tree and trafilatura's where trafilatura will likely read the page.
    shared = _main_text_likely(platform, markup, expect) and shares_parse(markup)
    doc = build_document(markup, url, keep_source=tree_is_shareable if shared else None)
    doc.field_candidates = platform.all_candidates
    record = PageRecord(url=url, platform=platform.name)
    record.visitor_counter = extract_visitor_counter(doc)
    if record.visitor_counter:
        record.field_sources["visitor_counter"] = "lines"
    captured = captured_at or datetime.now(UTC)
    if captured.tzinfo is None:
        captured = captured.replace(tzinfo=UTC)
    captured = captured.astimezone(VIETNAM)

    # 1. The cheap layers: the profile's body container, validated, and the densest block
    #    as a second opinion (a profile that found a fragment of the text is contested).
    own = platform.selectors.get("body", ())
    body = profile_body(doc, own, own_only=True)
    if valid_body(body, MIN_BODY_CHARS) and body.specific:
        dense = densest_body(doc) if _text_elsewhere(doc, body) else None
        if not _contests(dense, body):
            assemble_article(doc, record, body, captured)
            return record
    # 2. Not an article by the profile: a listing the profile or the structure recognises?
    listing = find_listing(doc, platform.next_page) if expect != "article" else None
    if (
        listing is not None
        and listing.links
        and listing.links_source == "profile"
        and (len(listing.links) >= _MIN_LISTING_LINKS or platform.name != "generic")
    ):
        return _as_listing(doc, record, platform, listing)
    # 3. The generic layers: the densest text block, then trafilatura's main text.
    notice = _positive_evidence(doc, expect)
    if notice is None:
        min_chars = MIN_EXPECTED_BODY_CHARS if expect == "article" else MIN_FALLBACK_CHARS
        if listing is not None and len(listing.links) >= _MIN_LISTING_LINKS:
            min_chars = max(min_chars, MIN_FALLBACK_CHARS)
        hints = _title_hints(doc)
        title_hint = hints[0] if hints else None
        generic = main_text_body(doc, title_hint, None, min_chars, lenient=expect == "article")
        if generic is not None:
            generic = _cleaner_of(generic, doc)
        if generic is None:
            # A generic selector's container (`article`, `.content`), read only now: it is
            # the body when nothing better reads.
            body = profile_body(doc, own)
            if valid_body(body, MIN_BODY_CHARS):
                generic = body
        if generic is None:
            dense = densest_body(doc)
            if valid_body(dense, max(min_chars, MIN_BODY_CHARS)) and not looks_like_teasers(
                doc, dense.paragraphs
            ):
                generic = dense
        if generic is None and expect == "article":
            # Last resort before "unreadable": trafilatura's text without the listing-shape
            # vetoes, and its raw paragraphs if the clean-up leaves too little.
            generic = main_text_body(doc, title_hint, None, min_chars, lenient=True)
        if generic is not None and expect != "article" and _reads_teasers(doc, listing, generic):
            return _as_listing(doc, record, platform, listing)
        if generic is not None and _is_document(generic):
            notice = "document"
        elif generic is not None:
            assemble_article(doc, record, generic, captured)
            return record
        elif expect == "article" and body is not None and body.chars:
            assemble_article(doc, record, body, captured)  # short, but the page's own text
            return record
    if listing is None and notice is None:
        listing = find_listing(doc, platform.next_page)
    if expect == "article" and notice is None and not _is_strong_listing(listing):
        # No positive evidence that it is anything else: an article we could not read,
        # kept and flagged (the crawl stores it and asks for it again next time).
        assemble_article(doc, record, None, captured)
        record.extraction_failed = "no_body"
        return record
    if listing is not None and len(listing.links) >= _MIN_LISTING_LINKS and notice is None:
        return _as_listing(doc, record, platform, listing)
    record.title = doc.page_title()
    if record.title:
        record.field_sources["title"] = "title_tag"
    record.removal_notice = notice == "removed" or (
        _REMOVAL_NOTICE.search(_fast_fold(text_of(doc.root))) is not None
    )
    return record


def _main_text_likely(platform: Platform, markup: str, expect: str | None = None) -> bool:
    """Whether the main-text layer (trafilatura) will likely read this page: the platform
    has no body selector of its own, or the markup names none of its classes and ids, and
    (unless the crawl expects an article) none of its listing selectors' either. A guess,
    for speed only (see `build_document`): a wrong one costs a parse or a copy."""
    if expect != "article" and _names_in(platform, "listing_links", markup):
        return False  # a profile listing returns before the generic layers
    return not _names_in(platform, "body", markup)


def _names_in(platform: Platform, field: str, markup: str) -> bool:
    """Whether a class or id named by one of the platform's own selectors for `field` is in
    the markup (a substring: the cheap test before any parse)."""
    own = platform.selectors.get(field, ())
    names = {
        name
        for candidate in platform.candidates(field)
        if candidate.css in own
        for step in candidate.steps
        for name in (*step.classes, *((step.id,) if step.id else ()))
    }
    return any(name in markup for name in names)


def _cleaner_of(text: Body, doc: Document) -> Body:
    """trafilatura's text or the densest block, whichever is the article without extras.

    On old table layouts trafilatura keeps sidebar tables ("Văn bản mới") after the text;
    the densest block is then the same text without them, in its own container (so images,
    captions, bylines and files come along). When the densest block is only part of
    trafilatura's text, or other text, trafilatura's reading stands.

    Cheapest first: a text that has nothing the block could shed is kept without looking
    for the block, and the block's teaser check runs only when the block would win.
    """
    if _nothing_to_shed(text):
        return text
    dense = densest_body(doc)
    if dense is None or not valid_body(dense, MIN_BODY_CHARS):
        return text
    if _prefers_dense(text, dense) and not looks_like_teasers(doc, dense.paragraphs):
        return dense
    return text


def _nothing_to_shed(text: Body) -> bool:
    """What `_prefers_dense` needs of trafilatura's text alone: a scrap, table rows (100+
    characters of cells) or three short lines. Without any, the densest block cannot win."""
    if text.chars < MIN_BODY_CHARS:
        return False
    cells = sum(len(p) for p in text.paragraphs if "|" in p)
    short = sum(1 for p in text.paragraphs if len(p) < _SHORT_LINE)
    return (
        cells < _MIN_TABLE_EXTRA
        and short < _MIN_BOX_LINES
        and cells < (_CLEANER_SHARE * text.chars)
    )


def _prefers_dense(text: Body, dense: Body) -> bool:
    """Whether the densest block is trafilatura's text without its extras (see
    `_cleaner_of`); the teaser check on the block is the caller's."""
    if text.chars < MIN_BODY_CHARS:
        return True  # trafilatura kept a scrap (a poll, a caption); the block has the text
    rows = sum(len(p) for p in text.paragraphs if p.startswith("|"))
    if rows >= _CLEANER_SHARE * text.chars:
        return True  # a layout table read as data rows: the block reads it as paragraphs
    if dense.chars < _CLEANER_SHARE * text.chars:
        return False
    found = _fast_fold(" ".join(text.paragraphs))
    shared = sum(len(p) for p in dense.paragraphs if _fast_fold(p[:_PREFIX]) in found)
    if shared < _CONTAINED_SHARE * dense.chars:
        return False
    # What trafilatura has beyond the block must look like boxes, not prose: table rows
    # (cells joined by " | ") and short lines (headline, date line, link lists).
    kept = _fast_fold(" ".join(dense.paragraphs))
    # trafilatura marks list items ("- Viết bởi X"): the same line as the block's, not extra.
    extras = [p for p in text.paragraphs if _fast_fold(_LIST_MARK.sub("", p)[:_PREFIX]) not in kept]
    prose = sum(len(p) for p in extras if "|" not in p and len(p) >= _SHORT_LINE)
    tables = sum(len(p) for p in extras if "|" in p)
    boxes = len(extras) >= _MIN_BOX_LINES and all(len(p) < _SHORT_LINE for p in extras)
    if tables < _MIN_TABLE_EXTRA and not boxes:
        return False  # no sidebar table or box lines to shed: trafilatura's reading stands
    return prose <= _EXTRA_PROSE_SHARE * sum(len(p) for p in extras)


_CLEANER_SHARE = 0.5
_LIST_MARK = re.compile(r"^[-–•·*]\s+")
_CONTAINED_SHARE = 0.8
_SHORT_LINE = 80
_EXTRA_PROSE_SHARE = 0.2
_MIN_TABLE_EXTRA = 100
_MIN_BOX_LINES = 3
_PREFIX = 40


def _reads_teasers(doc: Document, listing: Listing | None, body: Body) -> bool:
    """The generic text is the listing's own teasers: most of it sits inside the listing's
    item boxes (title, date, summary of each linked article).

    An article that kept a "Tin mới" box has its own prose outside any item, so the share
    stays small; a listing read as one text is almost all items.
    """
    if listing is None or len(listing.links) < _MIN_LISTING_LINKS or not body.chars:
        return False
    wanted = set(listing.links)
    boxes: list[str] = []
    for anchor in doc.root.iter("a"):
        if doc.absolute(anchor.get("href")) not in wanted:
            continue
        item = anchor
        for parent in anchor.iterancestors():
            if parent.tag in ("body", "html") or len(text_of(parent)) > _ITEM_BOX_CHARS:
                break
            item = parent
        boxes.append(_fast_fold(text_of(item)))
    inside = " ".join(boxes)
    # Judged on the text as it would be stored: footers and widgets cut first (on a listing
    # trafilatura may return little but the footer).
    paragraphs = tidy_generic(body.paragraphs, None)
    chars = sum(len(p) for p in paragraphs)
    if chars < MIN_FALLBACK_CHARS:
        # Nothing an article is made of, beside a clear list of dated items.
        return listing.dated_items >= _STRONG_LISTING_ITEMS
    shared = sum(len(p) for p in paragraphs if _fast_fold(p[:_PREFIX]) in inside)
    if shared >= _TEASER_SHARE * chars:
        return True
    # Or the other way round (trafilatura may return a whole page as one paragraph): the
    # items' own text makes up most of the body.
    text = _fast_fold(" ".join(paragraphs))
    held = sum(len(box) for box in set(boxes) if box[:_PREFIX] in text)
    if held >= _TEASER_SHARE * chars:
        return True
    # Or the page has no text of its own at all: trafilatura read menus, tiles and sidebar
    # as one text (a grid of thumbnails and titles, no dates, no summaries).
    return listing.dated_items * 2 >= len(listing.links) and _own_text(doc, wanted) < (
        MIN_BODY_CHARS
    )


_TEASER_SHARE = 0.5
_ITEM_BOX_CHARS = 800


def _own_text(doc: Document, wanted: set[str]) -> int:
    """Characters of text the page prints outside its listing's items, links and page
    furniture (nav, header, footer, aside): what an article page has and a listing lacks.

    An item is the largest box around a listed link that holds no other listed article, if
    a teaser's size (an article's text holding one such link is not an item); a text counts
    in chunks of a phrase or more (labels, counts and clocks do not add up).
    """
    owners: dict[int, set[str]] = {}
    alive: list = []  # the ids below stay unique only while their elements are referenced
    for anchor in doc.root.iter("a"):
        url = doc.absolute(anchor.get("href"))
        if url not in wanted:
            continue
        for node in (anchor, *anchor.iterancestors()):
            owners.setdefault(id(node), set()).add(url)
            alive.append(node)
    body = doc.root.find(".//body")
    if body is None or len(owners.get(id(body), ())) < _MIN_LISTING_LINKS:
        return MIN_BODY_CHARS  # the listed links are not on this page as such: no judgement
    items: set[int] = set()
    for anchor in alive:
        if len(owners[id(anchor)]) != 1 or anchor.tag != "a":
            continue
        top = anchor
        for parent in anchor.iterancestors():
            if len(owners[id(parent)]) != 1:
                break
            top = parent
        if len(text_of(top)) <= _ITEM_BOX_CHARS:  # a teaser, not an article holding a link
            items.add(id(top))
    total = 0
    stack = [body]
    while stack:
        element = stack.pop()
        for piece in [element.text, *(child.tail for child in element)]:
            if piece and len(piece) >= _OWN_CHUNK and len(piece.strip()) >= _OWN_CHUNK:
                total += len(piece.strip())
        if total >= MIN_BODY_CHARS:
            return total
        for child in element:
            if not isinstance(child.tag, str) or child.tag in _NOT_OWN or id(child) in items:
                continue
            if child.tag in _FURNITURE and len(text_of(child)) <= _FURNITURE_CHARS:
                continue  # (a `<header>` left open can hold the whole page: read that one)
            stack.append(child)
    return total


_OWN_CHUNK = 25
_NOT_OWN = frozenset({"a", "select", "button", "script", "style"})
# Not "form": WebForms portals wrap the whole page in one.
_FURNITURE = frozenset({"nav", "header", "footer", "aside"})
_FURNITURE_CHARS = 2000


def _text_elsewhere(doc: Document, body: Body) -> bool:
    """Whether the page has enough paragraph text outside the profile's body for another
    block to contest it: a cheap pass over `<p>` before the full densest-block pass."""
    if body.element is None:
        return False
    kept = list(body.element.iter("p"))  # alive, so their ids cannot be reused below
    inside = {id(p) for p in kept}
    outside = 0
    for paragraph in doc.root.iter("p"):
        if id(paragraph) in inside:
            continue
        outside += len("".join(paragraph.itertext()).strip())
        if outside >= _CONTEST_RATIO * body.chars:
            return True
    return False


def _contests(dense: Body | None, body: Body) -> bool:
    """The densest block holds much more text than the profile's body, and elsewhere (not
    around it, where title, lead and date lines add up): the profile matched a fragment,
    such as a teaser box or one column."""
    if dense is None or dense.element is None or body.element is None:
        return False
    if dense.chars < _CONTEST_RATIO * body.chars:
        return False
    related = (
        dense.element is body.element
        or any(a is body.element for a in dense.element.iterancestors())
        or any(a is dense.element for a in body.element.iterancestors())
    )
    return not related


_CONTEST_RATIO = 2.0


def _as_listing(doc: Document, record: PageRecord, platform, listing: Listing) -> PageRecord:
    record.kind = "listing"
    record.links = listing.links
    record.field_sources["links"] = listing.links_source
    record.next_page = listing.next_page
    if listing.next_page:
        record.field_sources["next_page"] = listing.next_source or "lines"
    record.postback = platform.postback(doc) if platform.postback is not None else None
    record.title = _listing_title(doc)
    return record


def _title_hints(doc: Document) -> list[str]:
    hints = [c.value for c in structured_candidates(doc) if c.field == "title"]
    tag = title_tag_heading(doc)
    if tag:
        hints.append(tag)
    return hints


def _is_strong_listing(listing: Listing | None) -> bool:
    return listing is not None and listing.dated_items >= _STRONG_LISTING_ITEMS


_STRONG_LISTING_ITEMS = 5
# Login and error pages: what the page says it is ("Đăng nhập" = log in, "Lỗi" = error).
_ERROR_TITLE = re.compile(
    r"^\W*(?:404|403|500)\b|\b(?:error|lỗi)\s*(?:404|403|500)\b|không tìm thấy trang|"
    r"page not found|trang không tồn tại|"
    r"^lỗi\b|đăng nhập hệ thống|^đăng nhập$",
    re.IGNORECASE,
)


def _positive_evidence(doc: Document, expect: str | None = None) -> str | None:
    """What says this page is not an article: "removed", "error", "login", "home" or
    "document" (a legal-document register entry); else None."""
    path = urlsplit(doc.url).path.lower().rstrip("/")
    if expect != "article" and not urlsplit(doc.url).query and _HOME_PATH.fullmatch(path):
        return "home"
    title = doc.page_title() or ""
    heading = doc.root.find(".//body//h1")
    head_text = clean_text(text_of(heading)) if heading is not None else ""
    for text in (title, head_text or ""):
        if text and _ERROR_TITLE.search(text):
            return "error"
    if (
        doc.root.find(".//input[@type='password']") is not None
        and len(text_of(doc.root).strip()) < 3000
    ):
        return "login"
    body = doc.root.find(".//body")
    # Only a short page can be a notice: a long one is not joined whole to find out.
    raw = text_upto(body, _NOTICE_PAGE_CHARS - 1) if body is not None else None
    visible = _fast_fold(raw) if raw else ""
    if visible and _REMOVAL_NOTICE.search(visible):
        return "removed"
    return None


_NOTICE_PAGE_CHARS = 6000
# Vietnamese letters decomposed to ASCII (đ -> d, marks dropped): what the evidence patterns
# are written in. Encoding away non-ASCII is done in C; sections.fold's per-character loop
# cost 7 ms on a 100 KB page, and str.translate with a table ~5 ms on 50 KB (a dict look-up
# per character) where two str.replace calls take 0.1 ms.


def _fast_fold(text: str) -> str:
    return (
        unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        .encode("ascii", "ignore")
        .decode("ascii")
        .lower()
    )


def _is_document(body: Body) -> bool:
    """A legal-document register entry: its own block lists number, issue date, abstract."""
    text = _fast_fold(body.text)
    if body.element is not None:
        text += " " + _fast_fold(text_of(article_container(body.element)))
    found = set(_DOCUMENT_LABELS.findall(text))
    return len(found) >= _DOCUMENT_LABELS_NEEDED


# The portal's home page, whatever it links to, is not an article.
_HOME_PATH = re.compile(
    r"(?:/[^/]+){0,2}/(?:default|index|home|trang-?chu|trangchu)(?:\.(?:aspx?|php|html?|jsp))?"
    r"|(?:/(?:portal|web|vi|vn|en)(?:/(?:guest|home|trang-chu))?)?"
)
# A legal-document register entry: "Số ký hiệu" (number), "Ngày ban hành" (issued on),
# "Trích yếu" (abstract), "Cơ quan ban hành" (issuer), "Người ký" (signed by), "Loại văn
# bản" (type), "Ngày hiệu lực" (in force from); folded, without diacritics.
_DOCUMENT_LABELS = re.compile(
    r"so ky hieu|ngay ban hanh|trich yeu|co quan ban hanh|nguoi ky|loai van ban|"
    r"ngay hieu luc|linh vuc"
)
_DOCUMENT_LABELS_NEEDED = 3


def _listing_title(doc: Document) -> str | None:
    heading = doc.root.find(".//h1")
    if heading is not None:
        return clean_text(text_of(heading))
    return doc.page_title()
