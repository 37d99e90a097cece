"""Generic main text: trafilatura, then Vietnamese post-processing, and the shared clean-up.

Used by the `main_text` signal layer (signals/main_text.py), which `extract_page` runs only
when the platform profile's own body selector gives no valid body, so the 10-30 ms trafilatura
costs is not paid on a known theme. Pure: no I/O.

Why trafilatura, and in which mode (numbers in docs/extraction.md, `bench/extract_eval.py`):
- recall mode (trafilatura's defaults, `favor_precision` off): on the 990 real pages of
  ../shared/realdata/trafilatura-eval it gives the higher F1 once our own clean-up removes
  what a portal adds (sidebars, counters, polls, footers); precision mode lost more article
  text than it kept boilerplate out. The 7 government pages of gov-pages-intl stay at
  their floors (tests/test_fallback.py).
- `include_comments=False`: portals have no reader comments; their "Ý kiến bạn đọc" forms
  and polls are boilerplate. `include_tables=True`: articles carry data tables (figures by
  commune, schedules); layout tables are unwrapped before trafilatura sees them (below).
- trafilatura wants an lxml.html tree with scripts and styles; ours has none of them
  (document.py). Where trafilatura will likely run (`extract_page` guesses from the
  platform's body selectors) and the markup is one `load_html` takes as it is
  (`shares_parse`), the page is parsed once with trafilatura's parser options and a copy
  taken before scripts leave our tree is trafilatura's (`Document.source_tree`); else the
  markup is parsed again for it (`trafilatura_tree`: `load_html`'s steps). Either way its
  elements are `HtmlElement`s chosen in C (`HTML_ELEMENT_PARSER`): lxml.html's parser calls
  back into Python for each element trafilatura touches, thousands a page. The tree is
  made for trafilatura alone, so it is not deep-copied again (`trafilatura_body`). Same
  extraction: trafilatura asks only `isinstance(x, HtmlElement)` and generic element
  methods, never the form-field classes lxml.html would also pick
  (tests/test_extract_speed_equivalence.py).

What trafilatura does not know about Vietnamese portals, done here on its output
(`postprocess`) and, by `tidy_generic`, on every body whatever layer found it:
- old portals lay the whole page out in nested tables; tables that hold other tables or long
  paragraphs are turned into plain blocks first;
- the heading and the date line ("Cập nhật: 05/06/2024 14:30 | Lượt xem: 327") are dropped;
- the sapo is dropped when repeated as the first paragraph;
- image captions (figcaption, an image's own box, a styled line after it) are dropped;
- bylines leave the text ("Thực hiện:", "Tin, ảnh:"), "Nguồn:" / "Theo …" as the source;
- widgets, view counts, files-block entries, CMS labels, visitor-counter rows, polls;
- "Các tin khác" / "Tin liên quan" lists, tag lists and everything after them are cut;
- footer lines ("Giấy phép", "Chịu trách nhiệm chính", "Địa chỉ:", ...) are cut.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lxml.etree import _Element as Element
from lxml.html import HtmlElement, _looks_like_full_html_unicode
from lxml.html import fromstring as html_fromstring
from trafilatura import bare_extraction
from trafilatura.core import trafilatura_sequence
from trafilatura.settings import Extractor
from trafilatura.utils import is_dubious_html, load_html, repair_faulty_html
from trafilatura.xml import xmltotxt

from .dates import parse_vn_datetime
from .document import HTML_ELEMENT_PARSER, Document
from .text import (
    all_inside,
    clean_text,
    first_inside,
    fold_label,
    has_text,
    has_text_beside,
    text_of,
    text_upto,
)

#: Below this many characters of body text (after post-processing) a page is not an article.
#: A listing's teaser (title + sapo) is 150-300 characters and trafilatura in precision mode
#: keeps at most one or two of them; the shortest portal news items (three sentences: who,
#: what, when) run to ~400. The selector path uses 200 because there a body container named
#: by a platform profile already says "article".
MIN_FALLBACK_CHARS = 400
#: A page whose extracted paragraphs are mostly link texts is a list of links, not an article.
_MAX_LINK_PARAGRAPH_SHARE = 0.3
# Teaser boxes: at most this many children, one link with a title-length text.
_TEASERS = 3
_TEASER_BOX_CHILDREN = 5
_TITLE_LINK_CHARS = 20
_PREFIX = 40

# Headings that open the related-articles list at the end of an article: "Các tin khác"
# (other news), "Tin liên quan" (related news), "Các bài viết khác", "Tin cùng chuyên mục"
# (same section), "Xem thêm" (see also), "Tin đã đưa" (earlier news).
_RELATED = re.compile(
    r"^(?:các |những )?(?:tin|bài|bài viết|tin bài|tin tức)\s*(?:khác|liên quan|cùng chuyên mục|"
    r"cùng loại|đã đưa|mới hơn|cũ hơn|đọc nhiều)(?:\s+\S+){0,3}\s*[:.»>]*$|^xem thêm\s*:?$",
    re.IGNORECASE,
)
# Footer lines: licence ("Giấy phép số 12/GP-..."), editor in charge ("Chịu trách nhiệm chính"),
# "Ghi rõ nguồn" (cite the source), owner ("Cơ quan chủ quản"), address, phone, copyright.
_FOOTER = re.compile(
    r"^(?:giấy phép(?: số| thiết lập|:)|chịu trách nhiệm|ghi rõ nguồn|cơ quan chủ quản|"
    r"đơn vị quản lý|bản quyền|copyright|©|địa chỉ\s*:|điện thoại\s*:|đt\s*:|fax\s*:|"
    r"email\s*:|e-mail\s*:|trưởng ban biên tập)",
    re.IGNORECASE,
)
_FOOTER_ANYWHERE = re.compile(
    r"chịu trách nhiệm (?:chính|nội dung)|ghi rõ nguồn|giấy phép số\s*\d+\s*/|/GP-", re.I
)
_FOOTER_MAX_CHARS = 300
# The portal's name printed above the footer lines: "Cổng thông tin điện tử xã ...",
# "Trang thông tin điện tử ...", or any short line in capitals.
_SITE_NAME = re.compile(r"^(?:cổng thông tin|trang thông tin|website|trang tin)", re.IGNORECASE)
_SITE_NAME_MAX_CHARS = 120
_DATE_LINE_MAX_CHARS = 120
# A paragraph opening with a date ("29/09/2012 | 12:00 AM ..."), and a date line's openings:
# "Ngày đăng" (posted on), "Đăng ngày", "Cập nhật" (updated), "Ngày".
_STAMP = re.compile(r"^\W{0,3}\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}")
_STAMP_LINE = re.compile(
    r"^\W{0,3}(?:\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|ngày đăng|đăng ngày|cập nhật|"
    r"ngày \d|thứ (?:hai|ba|tư|năm|sáu|bảy|[2-7])\b|chủ nhật\b)",
    re.IGNORECASE,
)
_LAYOUT_CELL_CHARS = 300
_FIGURE_TABLE_CHARS = 300


@dataclass(slots=True)
class MainText:
    """What the fallback found: body paragraphs, byline, and the date line if it saw one."""

    paragraphs: list[str]
    author: str | None = None
    published_at: str | None = None
    source: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def trafilatura_options(url: str | None = None) -> Extractor:
    """The trafilatura settings the fallback uses (see the module docstring for why)."""
    return Extractor(
        # "txt", not "python": only the body tree is read (`raw_paragraphs`); "python" also
        # renders it as text (~0.6 ms a page). The format plays no part in the extraction.
        output_format="txt",
        precision=False,
        comments=False,
        tables=True,
        url=url,
    )


def trafilatura_tree(markup: str) -> HtmlElement | None:
    """What `trafilatura.utils.load_html(markup)` returns for decoded markup, parsed with
    `HTML_ELEMENT_PARSER`; None wherever `load_html` would take another path (a parse error,
    an empty tree, its bytes retry, markup it rejects): the caller then hands trafilatura
    the markup and it decides as before."""
    beginning = markup[:50].lower()
    dubious = is_dubious_html(beginning)
    markup = repair_faulty_html(markup, beginning)
    try:
        tree = html_fromstring(markup, parser=HTML_ELEMENT_PARSER)
    except Exception:  # load_html retries its own way: let it
        return None
    if tree is None or len(tree) < 1 or (dubious and len(tree) < 2):
        return None
    return tree


def trafilatura_body(source: HtmlElement | str, options: Extractor) -> Element | None:
    """trafilatura's body tree: `bare_extraction(source, options=options).body`.

    A tree handed to `bare_extraction` is deep-copied first (it may be the caller's); one
    from `trafilatura_tree` is made for this call alone, so it takes `bare_extraction`'s
    steps for our options without the copy (~0.5-1 ms a page): no language check, no
    metadata, no pruning, no duplicate test, no tree size limit (checked here, else the
    long way), then its output size check. The body is the same by construction
    (tests/test_extract_speed_equivalence.py compares them).
    """
    # (A fragment's element stays in its document: its copy would be a document of its
    # own, which XPath from the root searches. Only a document's root goes uncopied.)
    if isinstance(source, str) or source.getparent() is not None or not _takes_short_way(options):
        result = bare_extraction(source, options=options)
        return None if result is None else result.body
    try:
        body, text, _, comments = trafilatura_sequence(source, options, options.url)
    except (TypeError, ValueError):  # what bare_extraction turns into "no result"
        return None
    if len(text) < options.min_output_size and len(comments) < options.min_output_comm_size:
        return None
    return body


def _takes_short_way(options: Extractor) -> bool:
    """Whether `bare_extraction` would do nothing with these options but run the sequence
    and check the output's size (see `trafilatura_body`)."""
    return not (
        options.lang
        or options.with_metadata
        or options.only_with_metadata
        or options.dedup
        or options.max_tree_size
    )


def shares_parse(markup: str) -> bool:
    """Whether `load_html` would parse this markup as it is, into the document's root: a
    full document (lxml.html's test) that `repair_faulty_html` leaves alone. Then the tree
    `build_document` parses with `HTML_ELEMENT_PARSER`, if `tree_is_shareable`, is the one
    trafilatura would make, and a copy of it serves (`Document.source_tree`)."""
    if not _looks_like_full_html_unicode(markup):
        return False
    return repair_faulty_html(markup, markup[:50].lower()) == markup


def tree_is_shareable(root: Element) -> bool:
    """`load_html`'s checks of the parsed tree, both passed (1+ children, 2+ when the markup
    opens without "html")."""
    return len(root) >= 2


def raw_paragraphs(tree: HtmlElement | str, url: str | None = None) -> list[str]:
    """trafilatura's main text as paragraphs, before our post-processing (a tree from
    `trafilatura_tree` is used up: trafilatura prunes it in place)."""
    body = trafilatura_body(tree, trafilatura_options(url))
    if body is None:
        return []
    paragraphs: list[str] = []
    for block in body:
        if block.tag == "list":
            items = [xmltotxt(item, False) for item in block.iter("item")]
        elif block.tag == "table":
            items = [
                " | ".join(t for c in row if (t := clean_text(xmltotxt(c, False))))
                for row in block.iter("row")
            ]
        else:
            items = [xmltotxt(block, False)]
        paragraphs.extend(t for item in items if (t := clean_text(item)))
    return paragraphs


def extract_main_text(
    doc: Document,
    title: str | None = None,
    summary: str | None = None,
    min_chars: int = MIN_FALLBACK_CHARS,
    *,
    lenient: bool = False,
) -> MainText | None:
    """The page's main text, post-processed; None when it is not substantial (not an article).

    `lenient` (the crawl expects an article here): the listing-shape checks do not veto,
    and when the clean-up leaves too little, trafilatura's own paragraphs are kept: an
    article with some boilerplate beats an article lost.
    """
    tree = doc.take_source_tree()
    if tree is None:
        tree = trafilatura_tree(doc.markup)
    captions: set[str] = set()
    if _may_have_layout_tables(doc.root):
        if tree is None:
            tree = load_html(doc.markup)
        if tree is None:
            return None
        captions = _unwrap_layout_tables(tree)
    # (None: trafilatura parses the markup itself, as `trafilatura_tree` would not.)
    source: HtmlElement | str = tree if tree is not None else doc.markup
    captions.update(_captions(doc.root))
    captions.update(poll_texts(doc.root))
    paragraphs = raw_paragraphs(source, doc.url)
    if not lenient and _has_teaser_stamps(paragraphs):
        return None
    paragraphs = cut_dated_link_lists(paragraphs, doc)
    found = postprocess(paragraphs, title, summary, captions, min_chars)
    if found is None:
        if lenient and sum(len(p) for p in paragraphs) >= min_chars:
            return MainText(paragraphs=_dedupe(paragraphs))
        return None
    if lenient:
        return found
    if _mostly_links(doc, found.paragraphs) or _mostly_teasers(doc, found.paragraphs):
        return None
    return found


def postprocess(
    paragraphs: list[str],
    title: str | None = None,
    summary: str | None = None,
    captions: set[str] | None = None,
    min_chars: int = MIN_FALLBACK_CHARS,
) -> MainText | None:
    """Vietnamese clean-up of extracted paragraphs; None when too little text is left."""
    paragraphs = _cut_related(paragraphs)
    paragraphs = _cut_footer(paragraphs)
    paragraphs, published_at = _drop_heading_lines(paragraphs, title)
    if summary:
        folded = fold_label(summary)
        paragraphs = [p for p in paragraphs if fold_label(p) != folded]
    if captions:
        paragraphs = [p for p in paragraphs if fold_label(p) not in captions]
    # Role-aware: "Nguồn: X" / "Theo X" name the source, never the author (bylines.py).
    from .signals.lines import split_bylines

    author, source, paragraphs = split_bylines(paragraphs)
    paragraphs = _dedupe(paragraphs)
    if not paragraphs or sum(len(p) for p in paragraphs) < min_chars:
        return None
    return MainText(paragraphs=paragraphs, author=author, source=source, published_at=published_at)


# Sharing and printing widgets under an article: "Chia sẻ" (share), "In bài" (print), …
_WIDGET_LINE = re.compile(
    r"^(?:chia sẻ|share|in bài|in trang|bản in|gửi email|gửi bài|lưu bài|facebook|zalo|"
    r"twitter|tweet|quay lại|trở về|về đầu trang|đầu trang|lên đầu trang)\b"
    # The label of the files block ("Tài liệu đính kèm"): the files go to attachments.
    r"|^(?:tài liệu|tệp|file|tập tin|văn bản) đính kèm\s*:?$",
    re.IGNORECASE,
)
_WIDGET_MAX_CHARS = 60


def tidy_generic(paragraphs: list[str], title: str | None) -> list[str]:
    """The post-processing of generic main text, for a body found by density too."""
    paragraphs = _cut_related(paragraphs)
    paragraphs = _cut_footer(paragraphs)
    paragraphs = _cut_tags(paragraphs)
    paragraphs = _drop_polls(paragraphs)
    paragraphs, _ = _drop_heading_lines(paragraphs, title)
    paragraphs = [p for p in paragraphs if not is_furniture_line(p)]
    return _dedupe(_drop_counter_rows(paragraphs))


def is_furniture_line(line: str) -> bool:
    """A widget or metadata line ("Chia sẻ", "Lượt xem: 3", "Trước Sau"): never text, never
    a byline."""
    line = _LIST_MARK.sub("", line)  # "- Lượt xem: 3" as a metadata list item
    return len(line) <= _WIDGET_MAX_CHARS and bool(
        _WIDGET_LINE.match(line) or _META_LINE.match(line)
    )


_LIST_MARK = re.compile(r"^[-–•·*]\s+")


# A poll read into the text ("Thăm dò ý kiến"): the question, its options, the vote button.
_POLL_ONE_LINE = re.compile(
    r"^\|?\s*[^?|]{10,200}\?\s.{0,160}(?:bình chọn|biểu quyết|xem kết quả|gửi ý kiến)\s*\|?$",
    re.IGNORECASE,
)
_POLL_BUTTON = re.compile(r"^(?:bình chọn|biểu quyết|xem kết quả|kết quả)$", re.IGNORECASE)


def _drop_polls(paragraphs: list[str]) -> list[str]:
    """Remove polls wherever they sit: a question line followed by short options (and a
    vote button), or the whole poll run together on one line."""
    kept: list[str] = []
    index = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        if _POLL_ONE_LINE.match(paragraph):
            index += 1
            continue
        if paragraph.rstrip().endswith("?") and len(paragraph) <= _FOOTER_MAX_CHARS:
            end = index + 1
            while end < len(paragraphs) and len(paragraphs[end]) <= _POLL_OPTION_CHARS:
                end += 1
            options = paragraphs[index + 1 : end]
            if len(options) >= _POLL_OPTIONS and any(_POLL_BUTTON.match(o) for o in options):
                index = end
                continue
        kept.append(paragraph)
        index += 1
    return kept


def _drop_counter_rows(paragraphs: list[str]) -> list[str]:
    """Table rows (cells joined by " | ") of the visitor counter: a row of its labels, and
    a row of bare numbers right after one. A data table's number rows have a label cell."""
    kept: list[str] = []
    after_labels = False
    for paragraph in paragraphs:
        cells = _cells(paragraph)
        plain = bool(cells) and all(_META_LINE.match(c) or _is_number(c) for c in cells)
        if plain and any(_META_LINE.match(c) for c in cells):
            after_labels = True
            continue
        if plain and after_labels:
            continue  # the numbers under the counter's labels
        after_labels = False
        kept.append(paragraph)
    return kept


def _cells(paragraph: str) -> list[str]:
    if "|" not in paragraph or len(paragraph) > _FOOTER_MAX_CHARS:
        return []
    return [c.strip() for c in paragraph.split("|") if c.strip()]


def _is_number(cell: str) -> bool:
    return cell.replace(".", "").replace(",", "").replace(" ", "").isdigit()


# Page furniture printed inside article boxes, never article text: view counts ("Lượt xem:
# 314"), file sizes and names under a files block, CMS metadata labels ("Chi tiết",
# "Danh mục: …", "Bạn đang ở: …"), previous/next article links ("Trước", "Sau").
_META_LINE = re.compile(
    r"^(?:lượt xem|lượt đọc|số lượt xem|số lần xem|đã xem|views?)\s*:?\s*[\d.,]+$"
    r"|^\(?\d+(?:[.,]\d+)?\s*(?:kb|mb|gb|bytes?)\)?$"
    r"|^[\w.-]+\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z)$"
    # A files block's entry: a name and its size ("Mẫu đơn kiến nghị (32.1 KB)").
    r"|^.{1,50}\(\s*\d+(?:[.,]\d+)?\s*(?:kb|mb|gb)\s*\)$"
    r"|^(?:chi tiết|danh mục\s*:.*|chuyên mục\s*:.*|bạn đang ở\s*:?.*)$"
    # The visitor counter's rows, when a sidebar box is read with the text.
    r"|^(?:thống kê truy cập|đang (?:online|truy cập|trực tuyến)|hôm nay|hôm qua|tuần này|"
    r"tuần trước|tháng này|tháng trước|năm nay|tổng(?: số)?(?: lượt)?(?: truy cập)?|tất cả)"
    r"\s*:?\s*[\d.,]*$"
    r"|^(?:«\s*)?(?:trước|sau|bài trước|bài sau|trang trước|trang sau)"
    r"(?:\s*(?:»|«))?(?:\s+(?:«\s*)?(?:trước|sau|bài trước|bài sau)(?:\s*»)?)?$",
    re.IGNORECASE,
)
# "Từ khóa:" / "Tags:": the tag list closes the article; what follows is never its text.
_TAGS_LINE = re.compile(r"^(?:từ khóa|từ khoá|tags?|thẻ|keywords?)\s*:", re.IGNORECASE)


def _cut_tags(paragraphs: list[str]) -> list[str]:
    """Cut at a tag list, or at a poll ("Bạn đánh giá thế nào …?" and its short answers)."""
    # Where the run of short lines closing the text starts (a poll's options), found once:
    # asking "are all the lines after this one short?" at every line was quadratic.
    short_from = len(paragraphs)
    while short_from > 0 and len(paragraphs[short_from - 1]) <= _POLL_OPTION_CHARS:
        short_from -= 1
    for index, paragraph in enumerate(paragraphs):
        if index == 0 or len(paragraph) > _FOOTER_MAX_CHARS:
            continue
        if _TAGS_LINE.match(paragraph):
            return paragraphs[:index]
        rest = len(paragraphs) - index - 1
        if index + 1 >= short_from and (
            (paragraph.rstrip().endswith("?") and rest >= _POLL_OPTIONS)
            or (not rest and _POLL_INLINE.match(paragraph))
        ):
            return paragraphs[:index]
    return paragraphs


_POLL_OPTIONS = 2
_POLL_OPTION_CHARS = 60
# A poll read as one line at the very end: the question, then its options run together.
_POLL_INLINE = re.compile(r"^[^?.!]{10,200}\?\s+\S.{0,80}$")


def looks_like_teasers(doc: Document, paragraphs: list[str]) -> bool:
    """Paragraphs that are a listing's teasers (dated, boxed with title links), not a body."""
    return (
        _has_teaser_stamps(paragraphs)
        or _mostly_links(doc, paragraphs)
        or _mostly_teasers(doc, paragraphs)
    )


# A date closing a line, as side boxes print each entry's: "Tiêu đề (18/07/2022)",
# "Tiêu đề 18/07/2022", "Tiêu đề Ngày ban hành: 12/03/2023" (a new document's date).
_DATE_AT_END = re.compile(
    r"[\s(\[-]*(?:(?:ngày ban hành|ngày đăng|ngày|cập nhật)\s*:?\s*)?"
    r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}(?:\s*-?\s*\d{1,2}:\d{2})?\s*[)\]]?$",
    re.IGNORECASE,
)
_DATED_ITEM_CHARS = 260
_DATED_RUN = 2
_MIN_LINK_CHARS = 15


def cut_dated_link_lists(paragraphs: list[str], doc: Document) -> list[str]:
    """Drop side boxes read with the text: runs of dated link entries ("Tin mới", "Văn bản
    mới", "Các tin khác" under a heading a theme may print as an image).

    An entry is a short line ending with a date, printed in the small box of a link (the
    link's text, or a title beside it); two or more in a row are a list of other pages,
    whatever the class names. A run after the article's text ends it (what follows is other
    boxes, a poll, the footer) unless running text comes later (a left column printed
    before the article).
    """
    dated = [
        i
        for i, p in enumerate(paragraphs)
        if len(p) <= _DATED_ITEM_CHARS and not p.startswith("|") and _DATE_AT_END.search(p)
    ]
    if len(dated) < _DATED_RUN:
        return paragraphs
    boxes = _link_boxes(doc)
    items = {i for i in dated if _is_link_entry(paragraphs[i], boxes)}
    runs = [i for i in items if i - 1 in items or i + 1 in items]
    if not runs:
        return paragraphs
    first = min(runs)
    text_before = any(_is_prose(p) for p in paragraphs[:first])
    text_after = any(
        _is_prose(p) for i, p in enumerate(paragraphs[first:], first) if i not in items
    )
    if text_before and not text_after:
        return paragraphs[:first]
    drop = set(runs)
    return [p for i, p in enumerate(paragraphs) if i not in drop]


def _is_prose(paragraph: str) -> bool:
    """A paragraph of running text: a sentence or more, not a list entry or a heading."""
    return len(paragraph) >= _PROSE_CHARS and not paragraph.startswith("|")


_PROSE_CHARS = 150


def _link_boxes(doc: Document) -> list[str]:
    """The folded texts of the small boxes around the page's links (a link, or the list
    entry or card holding it with a title, a number and a date), longest first."""
    found: set[str] = set()
    for a in doc.root.iterfind(".//body//a"):
        box, text = a, text_of(a)
        for _ in range(_BOX_LEVELS):
            parent = box.getparent()
            if parent is None or parent.tag in ("body", "ul", "ol", "table", "tbody"):
                break
            wider = text_of(parent)
            if len(wider) > _DATED_ITEM_CHARS * 2:
                break
            box, text = parent, wider
        folded = fold_label(text)
        if len(folded) >= _MIN_LINK_CHARS:
            found.add(folded)
    return sorted(found, key=len, reverse=True)


_BOX_LEVELS = 3


def _is_link_entry(paragraph: str, boxes: list[str]) -> bool:
    """Whether the line is a link's box: a headline link, or an entry whose title sits
    beside its link (a document list links the number, "33/QĐ-UBND", not the title)."""
    entry = fold_label(_DATE_AT_END.sub("", _LIST_MARK.sub("", paragraph)))
    if len(entry) < _MIN_LINK_CHARS:
        return False
    return any(entry in box for box in boxes)


def _cut_related(paragraphs: list[str]) -> list[str]:
    for index, paragraph in enumerate(paragraphs):
        if index > 0 and len(paragraph) <= 60 and _RELATED.match(paragraph.strip()):
            return paragraphs[:index]
    return paragraphs


def _cut_footer(paragraphs: list[str]) -> list[str]:
    for index, paragraph in enumerate(paragraphs):
        if index == 0 or len(paragraph) > _FOOTER_MAX_CHARS:
            continue
        strong = _is_strong_footer(paragraph)
        if (strong or _FOOTER.match(paragraph)) and all(
            len(p) <= _FOOTER_MAX_CHARS for p in paragraphs[index:]
        ):
            kept = paragraphs[:index]
            while len(kept) > 1 and _is_site_name(kept[-1]):
                kept.pop()  # "CỔNG THÔNG TIN ĐIỆN TỬ XÃ ..." heading the footer
            return kept
    return [p for p in paragraphs if not (len(p) <= _FOOTER_MAX_CHARS and _is_strong_footer(p))]


def _is_site_name(paragraph: str) -> bool:
    if len(paragraph) > _SITE_NAME_MAX_CHARS:
        return False
    letters = [c for c in paragraph if c.isalpha()]
    return bool(letters) and (
        all(c.isupper() for c in letters) or _SITE_NAME.match(paragraph) is not None
    )


def _is_strong_footer(paragraph: str) -> bool:
    """`_FOOTER_ANYWHERE` in the paragraph. Its case-insensitive scan costs ~15 µs on a
    paragraph of prose, so the lower-cased text is first searched for its fixed phrases;
    "ı" and "ſ" (which match "i" and "s" case-insensitively but are their own lower case)
    and a lower case of another length (from "İ") skip that shortcut."""
    lowered = paragraph.lower()
    if (
        len(lowered) == len(paragraph)
        and "ı" not in lowered
        and "ſ" not in lowered
        and not any(phrase in lowered for phrase in _FOOTER_PHRASES)
    ):
        return False
    return _FOOTER_ANYWHERE.search(paragraph) is not None


# What every `_FOOTER_ANYWHERE` match starts with, lower-cased.
_FOOTER_PHRASES = ("chịu trách nhiệm ", "ghi rõ nguồn", "giấy phép số", "/gp-")


def _drop_heading_lines(paragraphs: list[str], title: str | None) -> tuple[list[str], str | None]:
    """Drop the title and the date line trafilatura keeps above the body; return the date."""
    published_at = None
    folded_title = fold_label(title) if title else None
    kept: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if index < 4 and folded_title and fold_label(paragraph) == folded_title:
            continue
        if index < 4 and len(paragraph) <= _DATE_LINE_MAX_CHARS:
            parsed = parse_vn_datetime(paragraph)
            if parsed and not kept:
                published_at = published_at or parsed
                continue
        kept.append(paragraph)
    return kept, published_at


def _dedupe(paragraphs: list[str]) -> list[str]:
    """Drop a paragraph repeated right after itself (sapo printed twice, duplicated blocks)."""
    kept: list[str] = []
    for paragraph in paragraphs:
        if kept and kept[-1] == paragraph:
            continue
        kept.append(paragraph)
    return kept


def _has_teaser_stamps(paragraphs: list[str]) -> bool:
    """Dates stamped between texts, as listings print each teaser's ("Ngày đăng 18/02/2020").

    An article has one date line, above its text; a date glued to the front of a long
    paragraph, or a date line after text has begun, is the next teaser's stamp.
    """
    text_started = False
    stamped = False  # a stamp with its time seen
    sapo_since = False  # a teaser's sentence seen since that stamp
    for paragraph in paragraphs:
        short = len(paragraph) <= _DATE_LINE_MAX_CHARS
        if not short and _STAMP.match(paragraph):
            return True
        stamp = short and _STAMP_LINE.match(paragraph) and parse_vn_datetime(paragraph)
        if stamp and text_started:
            return True
        if stamp and _CLOCK.search(paragraph) and not paragraph.startswith("|"):
            # Stamp, sentence, stamp: teasers whose sapos are shorter than a paragraph. An
            # article's date lines stand together under its headline; a schedule's day
            # headings carry no time, and its table rows start with "|".
            if stamped and sapo_since:
                return True
            stamped, sapo_since = True, False
        elif stamped and not stamp and len(paragraph) >= _TEASER_TEXT_CHARS:
            sapo_since = True
        text_started = text_started or not short
    return False


_TEASER_TEXT_CHARS = 60
_CLOCK = re.compile(r"\b\d{1,2}\s*[:h]\s*\d{2}\b")


def _mostly_teasers(doc: Document, paragraphs: list[str]) -> bool:
    """True when most paragraphs sit in a small box with a title link: a listing's teasers.

    An article's paragraphs share one container with many children; a teaser's sapo shares a
    box of at most a few children (title link, date, image) with a link to another page.
    """
    starts = {p[:_PREFIX]: p for p in paragraphs if len(p) >= _PREFIX}
    if len(starts) < _TEASERS:
        return False
    teasers = 0
    # Only a text whose first visible character opens a paragraph is cleaned and compared.
    firsts = {c for k in starts for c in (k[0], unicodedata.normalize("NFD", k[0])[0])}
    firsts |= _UNCLEAN_FIRSTS
    for element in doc.root.iter():
        if not isinstance(element.tag, str) or not element.text:
            continue
        head = element.text.lstrip()
        if not head or head[0] not in firsts:
            continue
        text = clean_text(head[: 4 * _PREFIX])  # only its opening is compared
        if not text or len(text) < _PREFIX or starts.pop(text[:_PREFIX], None) is None:
            continue
        box = element
        for _ in range(2):
            box = box.getparent()
            if box is None or len(box) > _TEASER_BOX_CHILDREN:
                break
            if any(
                not _inside(a, element) and len(text_of(a).strip()) >= _TITLE_LINK_CHARS
                for a in box.iter("a")
            ):
                teasers += 1
                break
    return teasers >= _TEASERS and teasers / len(paragraphs) > 0.5


# Characters clean_text removes that str.lstrip keeps: a text starting with one is cleaned.
_UNCLEAN_FIRSTS = frozenset("\u200b\u00ad\u200c\u200d\u2060\ufeff")


def _inside(element: Element, container: Element) -> bool:
    return element is container or any(a is container for a in element.iterancestors())


def _mostly_links(doc: Document, paragraphs: list[str]) -> bool:
    """True when many paragraphs are whole link texts: a list of teasers, not an article."""
    folded_paragraphs = [fold_label(p) for p in paragraphs]
    # A link text shorter than the shortest paragraph it could be is not folded at all
    # (folding only shortens a text): most links are menu items of a few words.
    shortest = min((len(f) for f in folded_paragraphs if len(f) >= 20), default=None)
    if shortest is None:
        return False
    anchors = {
        folded
        for a in doc.root.iterfind(".//body//a")
        if len(raw := text_of(a)) >= shortest and len(folded := fold_label(raw)) >= 20
    }
    if not anchors:
        return False
    linked = sum(1 for f in folded_paragraphs if f in anchors)
    return linked >= 3 and linked / len(paragraphs) > _MAX_LINK_PARAGRAPH_SHARE


def _captions(root: Element) -> set[str]:
    """Caption texts in the page, folded, so they can be dropped from the body.

    By structure, not class names (themes rename them): a `<figcaption>`; the short text
    sharing a small box with an image (`<div><img><p>caption</p></div>`, the one-image
    table); a short italic or centred line right after an image's block.
    """
    found: set[str] = set()
    for element in root.iterfind(".//figcaption"):
        text = fold_label(text_of(element))
        if text:
            found.add(text)
    for image in root.iter("img"):
        block = image.getparent()
        for _ in range(2):
            if block is None or block.tag in ("body", "html"):
                break
            raw = text_upto(block, _CAPTION_SCAN_CHARS)
            if raw is None:
                break  # the image sits in running text: no box of its own
            text = clean_text(raw)
            if text and len(text) <= _CAPTION_CHARS and len(all_inside(block, "img")) == 1:
                found.add(fold_label(text))
                break
            if text:
                break  # the image sits in running text: no box of its own
            block = block.getparent()
        holder = image
        if not has_text(image):  # (an image holds none: the climb reads only what is beside)
            while (parent := holder.getparent()) is not None and not has_text_beside(
                parent, holder
            ):
                holder = parent  # climb out of <a>, <span>, <p> that hold only the image
        after = holder.getnext()
        if after is not None and isinstance(after.tag, str):
            text = clean_text(text_upto(after, _CAPTION_SCAN_CHARS))
            styled = (
                first_inside(after, "em") is not None
                or first_inside(after, "i") is not None
                or ("center" in (after.get("style") or "") or after.get("align") == "center")
            )
            if text and len(text) <= _CAPTION_CHARS and (styled or after.tag == "figcaption"):
                found.add(fold_label(text))
    return found


_CAPTION_CHARS = 200
# Raw text read before giving up on a caption (whitespace and tags' spacing included).
_CAPTION_SCAN_CHARS = 8 * _CAPTION_CHARS


def poll_texts(root: Element) -> set[str]:
    """The texts of polls and other choice widgets, folded: never article text.

    By structure: the smallest box holding two or more radio buttons or checkboxes is a
    widget ("Thăm dò ý kiến": heading, question, options), whatever its class names or
    wherever a theme puts it (a left column comes before the article in the markup).
    """
    found: set[str] = set()
    seen: set[int] = set()
    for choice in root.iterfind(".//input"):
        if (choice.get("type") or "").lower() not in ("radio", "checkbox"):
            continue
        box = choice.getparent()
        while box is not None and box.tag not in ("body", "html"):
            if len(box.xpath(".//input[@type='radio' or @type='checkbox']")) >= _POLL_CHOICES:
                break
            box = box.getparent()
        if box is None or box.tag in ("body", "html") or id(box) in seen:
            continue
        seen.add(id(box))
        if len(text_of(box)) > _POLL_BOX_CHARS:
            continue  # a whole form (a search page, a survey): not a sidebar widget
        for element in box.iter():
            for piece in (element.text, element.tail) if element is not box else (element.text,):
                text = clean_text(piece)
                if text:
                    found.add(fold_label(text))
    return found


_POLL_CHOICES = 2
_POLL_BOX_CHARS = 800


def _unwrap_layout_tables(tree: HtmlElement) -> set[str]:
    """Turn layout tables into blocks and one-image tables into figures; return captions.

    A table is layout when it holds another table or a cell with long paragraphs: data tables
    hold short cells. The one-image table with a caption row (how many VN portals print a
    photo) becomes a <figure> so its caption is not read as a data table.
    """
    captions: set[str] = set()
    decisions: list[tuple[Element, str]] = []
    for table in tree.iter("table"):  # decide on the tree as parsed, then rewrite
        text = text_of(table).strip()
        if first_inside(table, "img") is not None and len(text) <= _FIGURE_TABLE_CHARS:
            if text:
                captions.add(fold_label(text))
            decisions.append((table, "figure"))
        elif first_inside(table, "table") is not None or any(
            _is_prose_cell(cell) for cell in table.iter("td", "th")
        ):
            decisions.append((table, "div"))
    for table, tag in decisions:
        _to_blocks(table, tag)
    return captions


def _may_have_layout_tables(root: Element) -> bool:
    """Whether `_unwrap_layout_tables` could change anything: a table holding an image, a
    table, or a cell of several blocks (looser than its tests, which also weigh text that
    our tree, without scripts, may not have)."""
    for table in root.iter("table"):
        if first_inside(table, "img") is not None or first_inside(table, "table") is not None:
            return True
        for cell in table.iter("td", "th"):
            if sum(1 for child in cell if child.tag in _PROSE_BLOCKS) >= _PROSE_CELL_BLOCKS:
                return True
    return False


_PROSE_BLOCKS = frozenset({"p", "div", "ul", "ol", "h2", "h3"})
_PROSE_CELL_BLOCKS = 2


def _is_prose_cell(cell: Element) -> bool:
    blocks = [child for child in cell if child.tag in ("p", "div", "ul", "ol", "h2", "h3")]
    return len(blocks) >= 2 and len(text_of(cell)) >= _LAYOUT_CELL_CHARS


def _to_blocks(table: Element, tag: str) -> None:
    """Rename the table and its own rows and cells (not a nested table's) to plain blocks."""
    table.tag = tag
    stack = list(table)
    while stack:
        element = stack.pop()
        if element.tag in ("tbody", "thead", "tfoot", "tr", "td", "th", "caption"):
            element.tag = "div"
            stack.extend(element)
    for attribute in ("width", "cellpadding", "cellspacing", "border", "align"):
        table.attrib.pop(attribute, None)
