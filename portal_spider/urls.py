"""Which URLs name the same article, so duplicates collapse to one archived article.

Two rules, both conservative, because merging two different articles loses one of them:

1. `canonical_url` (before requesting): the URL in the form Scrapy requests it, host in lower
   case, default port, tracking and session parameters, ``print=1`` and the fragment
   dropped. It is defined in archive/url_rules.py, where the archive's look-up by a pasted
   URL uses the very same function (the archive never imports the crawler); see there.
2. `trusted_canonical` (after fetching): letter case and a trailing slash *may* matter (Linux
   servers are case-sensitive), so a URL differing only that way is merged only when the page
   itself says so, with ``<link rel="canonical">``. The canonical link is trusted only when it
   names the same page up to those differences; a CMS that points every page's canonical at
   the home page (it happens) cannot merge articles.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from archive.url_rules import canonical_url

__all__ = ["canonical_url", "declared_canonical", "trusted_canonical"]

# <link ... rel="canonical" ... href="..."> in the page head (attributes in any order).
_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
_REL_CANONICAL = re.compile(rb"""\brel\s*=\s*["']?canonical\b""", re.IGNORECASE)
_HREF = re.compile(rb"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_HEAD_BYTES = 64 * 1024


def declared_canonical(body: bytes, url: str) -> str | None:
    """The absolute URL of the page's ``<link rel="canonical">``, if its head has one."""
    end = body.find(b"</head>", 0, _HEAD_BYTES)
    end = end if end >= 0 else _HEAD_BYTES
    if body.find(b"anonical", 0, end) < 0 and body.find(b"ANONICAL", 0, end) < 0:
        return None  # most pages: no canonical link at all, no regex needed
    for tag in _LINK_TAG.finditer(body, 0, end):
        if _REL_CANONICAL.search(tag[0]):
            href = _HREF.search(tag[0])
            if href is None:
                return None
            value = next(group for group in href.groups() if group is not None)
            text = value.decode("utf-8", "replace").strip().replace("&amp;", "&")
            return urljoin(url, text) if text else None
    return None


def trusted_canonical(body: bytes, url: str) -> str | None:
    """The page's canonical URL when it differs from `url` only by letter case, a trailing
    slash or tracking parameters (rule 2 above); None otherwise."""
    declared = declared_canonical(body, url)
    if declared is None:
        return None
    declared = canonical_url(declared)
    if declared == url or _folded(declared) != _folded(url):
        return None
    return declared


def _folded(url: str) -> tuple[str, str, str, str]:
    parts = urlsplit(canonical_url(url))
    path = parts.path.lower()
    if len(path) > 1:
        path = path.rstrip("/")
    return parts.scheme.lower(), parts.netloc.lower(), path, parts.query
