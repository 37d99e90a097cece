"""Joomla sites (`option=com_content`, `/components/com_…`, `?start=N` / `?limitstart=N` paging).

Fingerprints: the generator meta "Joomla! - Open Source Content Management", `com_` component
paths and query strings. Selectors follow com_content's layouts: article `.item-page`
(`.com-content-article__body` in Joomla 4/5; Joomla 3's `itemprop="articleBody"` div has no
class, so it is not reachable with class selectors), `dl.article-info` with `dd.createdby`
("Viết bởi …") and `dd.published time[datetime]`; blog listings `.blog … .page-header h2 a`,
list layout `table.category td.list-title a`.
"""

from __future__ import annotations

import re
import unicodedata

from ..document import Document
from .base import Platform

# "Tiếp"/"Sau"/"Trang tiếp" (next), "Next"; Joomla 3/4 next links are icon-only, so their
# title or aria-label says it ("Đi đến trang tiếp", "Trang tiếp").
_NEXT = re.compile(r"^(?:đi đến )?(?:trang )?(?:tiếp|sau|tiếp theo|next)(?: page)?$", re.I)


def _next_page(doc: Document) -> str | None:
    """The pager link labelled "next" by its title or aria-label (its text is only an icon)."""
    for pager in doc.index.by_class.get("pagination", ()):
        for link in pager.iterfind(".//a[@href]"):
            for label in (link.get("title"), link.get("aria-label")):
                if label and _NEXT.match(unicodedata.normalize("NFC", label).strip()):
                    return doc.absolute(link.get("href"))
    return None


PLATFORM = Platform(
    name="joomla",
    fingerprint=re.compile(r'content="joomla|/components/com_|option=com_'),
    fingerprint_lowercase=True,
    hints=('content="joomla', "/components/com_", "option=com_"),
    selectors={
        "title": (".item-page .page-header h1", ".item-page .page-header h2"),
        "date": (".item-page .published time", ".item-page .published"),
        "body": (".com-content-article__body",),
        "byline": (".item-page .createdby",),
        "listing_links": (".blog .page-header h2 a", ".category .list-title a"),
    },
    next_page=_next_page,
)
