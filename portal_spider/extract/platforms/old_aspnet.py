"""Old table-layout ASP.NET WebForms sites, and the WebForms postback pager they share.

Markers: a `__VIEWSTATE` hidden field (every WebForms page) or an `.aspx` page URL. Only the
page URL counts for `.aspx`: portals link to `.aspx` pages elsewhere (vbpl.vn documents,
provincial SharePoint portals), which must not make a PHP page "aspnet". SharePoint and DNN
pages carry `__VIEWSTATE` too, so this family is detected last (platforms/__init__.py).
Field classes (`title_detail`, `content_detail`, `title_news`, …) are the underscore styles of
hand-written WebForms templates; the counter user control is "THỐNG KÊ TRUY CẬP" with
`Đang online:` / `Tổng số lượt:` labels (research notes, SoftStore `onl_statistics.ascx`).
"""

from __future__ import annotations

import re

from lxml.etree import _Element as Element

from ..document import Document
from ..listing import current_page_number, is_next_label
from ..text import text_of
from .base import Platform, PostBack

# href="javascript:__doPostBack('ctl00$…$lbtnNext','')", or a LinkButton with validation:
# WebForm_DoPostBackWithOptions(new WebForm_PostBackOptions("ctl00$…", "", true, …)).
_POSTBACK = re.compile(
    r"__doPostBack\(\s*(['\"])(?P<target>[^'\"]+)\1\s*,\s*(['\"])(?P<argument>[^'\"]*)\3"
    r"|WebForm_PostBackOptions\(\s*\"(?P<target2>[^\"]+)\"\s*,\s*\"(?P<argument2>[^\"]*)\""
)
# How far above a numbered pager link the block showing the current page may be (a GridView
# pager puts each number in its own <td>).
_PAGER_LEVELS = 4


def find_postback(doc: Document) -> PostBack | None:
    """The form post that loads the next listing page, or None.

    WebForms pagers are `javascript:` links, never a next_page URL: take the link whose text
    means "next" ("Tiếp", "Trang sau", "»"), else the number after the current page.
    """
    links: list[tuple[Element, re.Match[str]]] = []
    for anchor in doc.root.iter("a"):
        href = anchor.get("href") or ""
        if href.startswith("javascript:"):
            match = _POSTBACK.search(href)
            if match:
                links.append((anchor, match))
    for anchor, match in links:
        if is_next_label(text_of(anchor)):
            return _postback(doc, anchor, match)
    numbered = {text_of(a).strip(): (a, m) for a, m in links if text_of(a).strip().isdigit()}
    if not numbered:
        return None
    first = next(iter(numbered.values()))[0]
    for level, block in enumerate(first.iterancestors()):
        current = current_page_number(block)
        if current is not None:
            found = numbered.get(str(current + 1))
            return _postback(doc, *found) if found else None
        if level >= _PAGER_LEVELS:
            break
    return None


def _postback(doc: Document, anchor: Element, match: re.Match[str]) -> PostBack:
    target = match.group("target") or match.group("target2")
    argument = match.group("argument") or match.group("argument2") or ""
    form = next(anchor.iterancestors("form"), None)
    if form is None:
        form = doc.root.find(".//form[@id]")
    return PostBack(
        target=target, argument=argument, form_id=form.get("id") if form is not None else None
    )


PLATFORM = Platform(
    name="aspnet",
    fingerprint=re.compile(r"\A(?:[^\n]*\.[Aa][Ss][Pp][Xx]|(?s:.*)__VIEWSTATE)"),
    selectors={
        "title": (".title_detail", ".tieude_chitiet"),
        "date": (".date_detail", ".ngay_dang"),
        "summary": (".sapo_detail", ".tomtat"),
        "body": (".content_detail", ".noidung_chitiet"),
        "listing_links": (".title_news a", ".tieude_tin a"),
    },
    postback=find_postback,
)
