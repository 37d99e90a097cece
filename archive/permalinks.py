"""Permanent, citable links keyed on the portal's original URL (pure: no Datasette, no SQL).

``/-/web/<original URL>`` names an article whatever the database file or its rowid;
``/-/web/<timestamp>/<original URL>`` names the version that was current at that moment, as
the Wayback Machine does. A timestamp is UTC digits ``YYYYMMDDhhmmss``; shorter prefixes
(``2026``, ``20261207``) mean "by the end of that period"; up to six more digits
(microseconds) tell apart two versions captured within one second, which only the links the
site makes itself ever need.

Look-up by a pasted URL (:func:`url_variants`) finds the archived form of any variant a
reader may hold: ``http``/``https``, ``www.`` or not, a trailing slash, tracking parameters,
a fragment, a default port, the host's letter case. Its first step is the crawler's own
rule (archive/url_rules.py ``canonical_url``, which the crawl applies before storing a URL),
so a pasted URL is put in the form the crawl stored.
"""

import re
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from archive.url_rules import canonical_url

__all__ = [
    "LOOKUP",
    "PREFIX",
    "TIMESTAMP",
    "canonical_url",
    "encode_url",
    "is_at_or_before",
    "permalink",
    "split_request",
    "timestamp",
    "url_variants",
    "url_words",
    "version_at",
    "version_stamps",
]

PREFIX = "/-/web/"
LOOKUP = "/-/web"
#: 4 to 20 digits: a year up to microseconds.
TIMESTAMP = re.compile(r"\d{4,20}")
#: Printable ASCII except space, '"', '<', '>', '\\', '^', '`', '{', '|', '}': kept as given,
#: the rest (non-ASCII, spaces) percent-encoded as UTF-8, like w3lib's safe_url_string.
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"
_HOST = re.compile(r"[a-z0-9.-]+(:\d{1,5})?")
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOT_WORDS = {"html", "htm", "aspx", "asp", "php", "jsp", "www", "http", "https", "index"}


def timestamp(fetched_at: str, *, precise: bool = False) -> str:
    """``2026-12-07T18:35:01.205938Z`` -> ``20261207183501`` (``…205938`` when precise)."""
    moment = datetime.fromisoformat(fetched_at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y%m%d%H%M%S%f" if precise else "%Y%m%d%H%M%S")


def encode_url(url: str) -> str:
    """The original URL as it goes into a permalink path: non-ASCII and spaces encoded."""
    return quote(url, safe=_URL_SAFE)


def permalink(url: str, at: str | None = None) -> str:
    """``/-/web/<url>`` or ``/-/web/<at>/<url>`` (relative to the site's root)."""
    return PREFIX + (f"{at}/" if at else "") + encode_url(url)


def version_stamps(fetched: list[str]) -> list[str]:
    """A timestamp per version fetch time: 14 digits, or 20 where two share one second."""
    short = [timestamp(f) for f in fetched]
    return [
        timestamp(f, precise=True) if short.count(s) > 1 else s
        for f, s in zip(fetched, short, strict=True)
    ]


def split_request(rest: str, query_string: str) -> tuple[str | None, str]:
    """``(timestamp or None, original URL)`` from what follows ``/-/web/`` and the query.

    The URL's own ``?query`` reaches the server as the request's query string; a proxy or
    browser that merged ``//`` after the scheme into ``/`` is undone.
    """
    at = None
    first, slash, remainder = rest.partition("/")
    if slash and TIMESTAMP.fullmatch(first):
        at, rest = first, remainder
    rest = re.sub(r"^(https?):/(?!/)", r"\1://", rest, flags=re.IGNORECASE)
    return at, rest + (f"?{query_string}" if query_string else "")


def is_at_or_before(stamp: str, at: str) -> bool:
    """Whether a version fetched at ``stamp`` (20 digits) was captured by ``at`` (a prefix)."""
    return stamp[: len(at)] <= at


def version_at(fetched: list[str], at: str) -> tuple[int, bool]:
    """Index of the version current at ``at`` among versions in order, and whether ``at`` is
    before the first capture (then the first version, index 0)."""
    chosen = None
    for index, fetched_at in enumerate(fetched):
        if is_at_or_before(timestamp(fetched_at, precise=True), at):
            chosen = index
    return (0, True) if chosen is None else (chosen, False)


def url_variants(pasted: str) -> list[str]:
    """Every archived form the pasted URL may have: http/https × with/without ``www.`` ×
    with/without a trailing slash, after what the crawl does to a URL before storing it
    (Scrapy's request encodes it with w3lib's ``safe_url_string``, then
    :func:`canonical_url`). Empty for a non-URL."""
    text = pasted.strip()
    if not text:
        return []
    if not re.match(r"^https?://", text, re.IGNORECASE):
        if re.match(r"^[a-z][a-z0-9+.-]*:(?!\d)", text, re.IGNORECASE):
            return []  # another scheme (javascript:, mailto:, ftp://)
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(canonical_url(safe_url_string(text)))
    except ValueError:  # a host IDNA cannot encode, a port out of range, a broken [IPv6]
        return []
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(parts.netloc):
        return []
    host = parts.netloc.removeprefix("www.")
    path = parts.path or "/"
    paths = [path, path.rstrip("/") or "/", path if path.endswith("/") else path + "/"]
    found: list[str] = []
    for scheme in ("https", "http"):
        for netloc in (host, "www." + host):
            for variant in paths:
                url = urlunsplit((scheme, netloc, variant, parts.query, ""))
                if variant == "/" and not parts.query:
                    found.append(f"{scheme}://{netloc}")
                if url not in found:
                    found.append(url)
    return found


def url_words(url: str) -> str:
    """Words of a URL's path for a fallback search (``khai-mac-hoi-nghi-10235.html`` ->
    ``khai mac hoi nghi``): digits, extensions and URL noise left out."""
    path = unquote(urlsplit(url.strip()).path)
    words = [w for w in _WORD.findall(path) if w.lower() not in _NOT_WORDS]
    return " ".join(words)
