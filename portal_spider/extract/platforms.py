"""Which platform family built a page, from markup and URL fingerprints (never portal names)."""

from __future__ import annotations

import re

from .document import Document

# Ordered: the first family whose fingerprint matches wins. Evidence for each is in
# ../shared/research/vn-portals.md (Liferay markers from real sotttt.hanoi.gov.vn pages).
_FINGERPRINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("demo", re.compile(r'<meta name="generator" content="portal-archive demo portal"')),
    (
        "liferay",
        re.compile(r"/-/view_content/|p_p_id[=_]|lfr-css-file|class=\"aui |Liferay\.", re.I),
    ),
    ("sharepoint", re.compile(r"_layouts/1[45]/|MSOWebPartPageFormName|/portal/pages/", re.I)),
    ("dotnetnuke", re.compile(r"DesktopModules/|/tabid/\d+|dnn_ctr", re.I)),
    ("nukeviet", re.compile(r"nukeviet|nv_base_siteurl", re.I)),
    ("joomla", re.compile(r'content="Joomla|/components/com_|option=com_', re.I)),
    ("wordpress", re.compile(r"/wp-content/|/wp-includes/|content=\"WordPress", re.I)),
    ("drupal", re.compile(r"Drupal\.settings|data-drupal-|/sites/default/files/", re.I)),
    ("aspnet", re.compile(r"__VIEWSTATE|\.aspx", re.I)),
)
_HEAD_BYTES = 200_000


def detect_platform(doc: Document) -> str:
    """Return the platform family name, or "generic" when nothing matches."""
    haystack = doc.url + "\n" + doc.markup[:_HEAD_BYTES]
    for name, pattern in _FINGERPRINTS:
        if pattern.search(haystack):
            return name
    return "generic"
