"""Platform families: detection by fingerprint, and each family's extraction profile.

Order matters: the first family whose fingerprint matches wins, most specific first (an
old ASP.NET page matches "aspnet" only when no SharePoint or DNN marker is present).
Evidence for every fingerprint is in ../shared/research/vn-portals.md.
"""

from __future__ import annotations

from ..document import Document
from .base import FIELDS, Platform, PostBack
from .cms2023 import PLATFORM as CMS2023
from .demo import PLATFORM as DEMO
from .dotnetnuke import PLATFORM as DOTNETNUKE
from .drupal import PLATFORM as DRUPAL
from .generic import PLATFORM as GENERIC
from .joomla import PLATFORM as JOOMLA
from .liferay import PLATFORM as LIFERAY
from .nukeviet import PLATFORM as NUKEVIET
from .old_aspnet import PLATFORM as OLD_ASPNET
from .sharepoint import PLATFORM as SHAREPOINT
from .wordpress import PLATFORM as WORDPRESS

__all__ = [
    "ALL",
    "FIELDS",
    "Platform",
    "PostBack",
    "detect_platform",
    "detect_platform_in",
    "get_platform",
]

#: Detection order; "generic" (no fingerprint) is the fallback, not a candidate.
DETECTION_ORDER: tuple[Platform, ...] = (
    DEMO,
    LIFERAY,
    SHAREPOINT,
    DOTNETNUKE,
    NUKEVIET,
    JOOMLA,
    WORDPRESS,
    DRUPAL,
    CMS2023,
    OLD_ASPNET,
)
ALL: dict[str, Platform] = {p.name: p for p in (*DETECTION_ORDER, GENERIC)}
_HEAD_CHARS = 200_000


def detect_platform(doc: Document) -> Platform:
    """The platform family that built this page, or the generic profile."""
    return detect_platform_in(doc.url, doc.markup)


def detect_platform_in(url: str, markup: str) -> Platform:
    """`detect_platform` from the URL and the markup alone (before the page is parsed)."""
    haystack = url + "\n" + markup[:_HEAD_CHARS]
    # Hints are searched in bytes (made at the first family with hints, after the demo
    # portal's own check); the str lower case only for a fingerprint that asks for it after
    # a hint was found (most pages match no family: ~0.2 ms saved a page).
    ascii_lowered: bytes | None = None
    lowered: str | None = None
    for platform in DETECTION_ORDER:
        hinted = False
        if platform.hints and lowered is None:
            if ascii_lowered is None:
                encoded = haystack.encode("utf-8", "surrogatepass")
                if _LOWER_TO_ASCII in encoded or _KELVIN in encoded:
                    lowered = haystack.lower()  # bytes would miss what str.lower() finds
                else:
                    ascii_lowered = encoded.lower()
            if ascii_lowered is not None:
                if not platform.hinted_in(ascii_lowered):
                    continue
                hinted = True
        if platform.fingerprint_lowercase and lowered is None:
            lowered = haystack.lower()
        if platform.matches(haystack, lowered, hinted=hinted):
            return platform
    return GENERIC


# The two characters whose str.lower() is (or starts with) an ASCII letter: "İ" -> "i̇",
# Kelvin sign "K" -> "k". With either on the page, hints are searched in str.lower().
_LOWER_TO_ASCII = "\u0130".encode()
_KELVIN = "\u212a".encode()


def get_platform(name: str) -> Platform:
    """A platform by name (KeyError for an unknown one)."""
    return ALL[name]
