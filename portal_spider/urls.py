"""Which URLs name the same article, so duplicates collapse to one archived article.

Two rules, both conservative, because merging two different articles loses one of them:

1. `canonical_url` (before requesting): the URL in the form Scrapy requests it (w3lib's
   ``safe_url_string``: non-ASCII and spaces percent-encoded as UTF-8, which is also the form
   of ``response.url`` and of the archived row), the host in lower case and a default port
   dropped, so a listing link, a sitemap entry and an archived URL of one article compare
   equal. Tracking and session parameters never select content, so they are dropped:
   ``utm_*``, ``fbclid``, ``gclid``, ``zarsrc`` (Zalo),
   ``jsessionid``/``phpsessid``/``aspsessionid`` (query or ``;jsessionid=`` path
   parameter), ``print=1`` and the fragment. Everything else is kept byte for byte (order,
   encoding): w3lib's ``url_query_cleaner`` matches exact names only (not ``utm_*``) and
   re-encodes the query it keeps.
2. `trusted_canonical` (after fetching): letter case and a trailing slash *may* matter (Linux
   servers are case-sensitive), so a URL differing only that way is merged only when the page
   itself says so, with ``<link rel="canonical">``. The canonical link is trusted only when it
   names the same page up to those differences; a CMS that points every page's canonical at
   the home page (it happens) cannot merge articles.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

_TRACKING = re.compile(
    r"utm_[a-z0-9_]*|fbclid|gclid|zarsrc|jsessionid|phpsessid|aspsessionid[a-z]*", re.IGNORECASE
)
_PRINT_VALUES = {"1", "true", "yes"}
_SESSION_PATH_PARAM = re.compile(r";(?:jsessionid|phpsessid)=[^/?#]*", re.IGNORECASE)
# <link ... rel="canonical" ... href="..."> in the page head (attributes in any order).
_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
_REL_CANONICAL = re.compile(rb"""\brel\s*=\s*["']?canonical\b""", re.IGNORECASE)
_HREF = re.compile(rb"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_HEAD_BYTES = 64 * 1024
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def canonical_url(url: str) -> str:
    """`url` encoded as requested, host lower-cased, default port, tracking/session
    parameters and fragment dropped (rule 1 above)."""
    if not url.isascii() or " " in url:
        url = safe_url_string(url)
    scheme, sep, rest = url.partition("://")
    if sep:
        netloc, slash, tail = rest.partition("/")
        host = netloc.lower()
        default = _DEFAULT_PORTS.get(scheme.lower())
        if default and host.endswith(default):
            host = host.removesuffix(default)
        if host != netloc or scheme != scheme.lower():
            url = f"{scheme.lower()}://{host}{slash}{tail}"
    if "?" not in url and ";" not in url and "#" not in url:
        return url  # the common case, kept cheap: this runs for every listed link
    parts = urlsplit(url)
    path = _SESSION_PATH_PARAM.sub("", parts.path)
    query = "&".join(pair for pair in parts.query.split("&") if pair and not _is_tracking(pair))
    if path == parts.path and query == parts.query and not parts.fragment:
        return url
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def _is_tracking(pair: str) -> bool:
    name, _, value = pair.partition("=")
    name = unquote(name)
    if name.lower() == "print":
        return value.lower() in _PRINT_VALUES
    return _TRACKING.fullmatch(name) is not None


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
