"""NukeViet, the Vietnamese PHP CMS many commune and district sites run.

Fingerprints: the inline `nv_base_siteurl` script variables every NukeViet 3/4 page prints,
its generator meta, and the `nv=news&op=` URLs of unrewritten sites. Selectors follow the news
module's templates (`detail.tpl`: `.news_column` > `h1.title`, `span.h5` date line, `.hometext`
sapo, `#news-bodyhtml.bodytext`, `p.h5.text-right` "Tác giả:" line, `.news-download-file`;
`viewcat_page_new.tpl`: one `.news_column` panel per item with an `h3 a`).
"""

from __future__ import annotations

import re

from ..document import Document
from .base import Platform


def _next_page(doc: Document) -> str | None:
    """The link after `<li class="active"><a href="#">2</a></li>`: NukeViet's pager marks the
    current page on the <li> and gives it a dead link, so the generic "current + 1" misses it."""
    for pager in doc.index.by_class.get("pagination", ()):
        items = [li for li in pager.iterfind("li")]
        for position, item in enumerate(items[:-1]):
            if "active" in (item.get("class") or "").split():
                link = items[position + 1].find(".//a")
                return doc.absolute(link.get("href")) if link is not None else None
    return None


PLATFORM = Platform(
    name="nukeviet",
    fingerprint=re.compile(r"nukeviet|nv_base_siteurl|[?&]nv=news&op="),
    fingerprint_lowercase=True,
    hints=("nukeviet", "nv_base_siteurl", "nv=news&op="),
    selectors={
        "title": (".news_column h1",),
        "date": (".news_column span.h5",),
        "summary": (".news_column .hometext",),
        "body": ("#news-bodyhtml", ".news_column .bodytext"),
        "byline": (".news_column p.text-right",),
        "attachment_areas": (".news-download-file",),
        "listing_links": (".news_column h3 a",),
    },
    next_page=_next_page,
)
