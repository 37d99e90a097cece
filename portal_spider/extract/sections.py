"""A portal's news sections, found from its home page menu (for `portal-archive add`/`detect`).

Menu wording is what portals share, not markup: "Tin tức", "Tin tức - Sự kiện", "Tin hoạt
động", "Thông báo", "Chính trị", "Kinh tế - Xã hội"... Items that are not news ("Giới thiệu",
"Văn bản", "Thủ tục hành chính", "Liên hệ", "Hỏi đáp") are left out.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from .document import Document
from .text import clean_text, text_of

# Folded (no diacritics, đ -> d, lower case) menu texts that name news sections.
_NEWS = re.compile(
    r"^(?:tin tuc|tin tuc\W+su kien|tin hoat dong|hoat dong|thong bao|tin moi|tin dia phuong|"
    r"tin trong (?:tinh|thanh pho|huyen)|tin noi bat|su kien|chinh tri|kinh te|"
    r"kinh te\W+xa hoi|van hoa\W+xa hoi|van hoa|xa hoi|quoc phong\W+an ninh|"
    r"tin (?:chi dao|dieu hanh)|chi dao\W+dieu hanh|tin .{2,30})$"
)
_NOT_NEWS = re.compile(
    r"van ban|thu tuc|gioi thieu|lien he|hoi dap|so do|dang nhap|tim kiem|english|"
    r"tin xem nhieu|tin moi nhat|trang chu"
)
_MAX_SECTIONS = 12


def fold(text: str) -> str:
    """Lower case without diacritics, đ -> d: "Tin tức - Sự kiện" -> "tin tuc - su kien"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def find_sections(doc: Document) -> list[tuple[str, str]]:
    """(absolute URL, menu text) of the news sections linked from this page, in page order."""
    host = urlsplit(doc.url).hostname
    found: dict[str, str] = {}
    for anchor in doc.root.iter("a"):
        name = clean_text(text_of(anchor))
        url = doc.absolute(anchor.get("href"))
        if not name or not url or len(name) > 40 or urlsplit(url).hostname != host:
            continue
        folded = fold(name)
        if _NOT_NEWS.search(folded) or not _NEWS.match(folded):
            continue
        if urlsplit(url).path in ("", "/") or url in found:
            continue
        found[url] = name
        if len(found) >= _MAX_SECTIONS:
            break
    return list(found.items())
