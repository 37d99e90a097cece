"""Which URLs name the same article: the one rule the crawler and the archive share.

`canonical_url` is rule 1 of portal_spider/urls.py (applied before requesting, so what the
archive stores is its output) and the first step of the archive's look-up by a pasted URL
(archive/permalinks.py ``url_variants``): one function, so a pasted URL finds the form the
crawl stored. It lives under ``archive/`` because the archive never imports the crawler
(archive/__init__.py); it is pure (w3lib and the standard library) so the crawler and its
pure extraction layer import it cheaply.

The form: the URL as Scrapy requests it (w3lib's ``safe_url_string``: non-ASCII and spaces
percent-encoded as UTF-8, an IDN host in punycode, which is also the form of
``response.url`` and of the archived row), the scheme and host in lower case and a default
port dropped, so a listing link, a sitemap entry and an archived URL of one article compare
equal. Tracking and session parameters never select content, so they are dropped:
``utm_*``, ``fbclid``, ``gclid``, ``zarsrc`` (Zalo), ``jsessionid``/``phpsessid``/
``aspsessionid`` (query or ``;jsessionid=`` path parameter), ``print=1`` and the fragment.
Everything else is kept byte for byte (order, encoding): w3lib's ``url_query_cleaner``
matches exact names only (not ``utm_*``) and re-encodes the query it keeps.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

from w3lib.url import safe_url_string

_TRACKING = re.compile(
    r"utm_[a-z0-9_]*|fbclid|gclid|zarsrc|jsessionid|phpsessid|aspsessionid[a-z]*", re.IGNORECASE
)
_PRINT_VALUES = {"1", "true", "yes"}
_SESSION_PATH_PARAM = re.compile(r";(?:jsessionid|phpsessid)=[^/?#]*", re.IGNORECASE)
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def canonical_url(url: str) -> str:
    """`url` encoded as requested, host lower-cased, default port, tracking/session
    parameters and fragment dropped (see the module's docstring)."""
    if not url.isascii() or " " in url:
        url = safe_url_string(url)
    scheme, sep, rest = url.partition("://")
    if sep:
        netloc, slash, tail = rest.partition("/")
        if "?" in netloc or "#" in netloc:  # no path: the host ends at the query or fragment
            end = min(at for at in (netloc.find("?"), netloc.find("#")) if at >= 0)
            netloc, tail, slash = netloc[:end], netloc[end:] + slash + tail, ""
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
