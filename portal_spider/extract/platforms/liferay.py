"""Liferay 6/7 portals (asset publisher, `/-/view_content/<id>-<slug>.html`, `_101_cur` paging).

Markers from the real sotttt.hanoi.gov.vn pages: `p_p_id`, `lfr-css-file`, `<html class="aui`.
"""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(
    name="liferay",
    fingerprint=re.compile(
        r"/-/view_content/|p_p_id[=_]|lfr-css-file|class=\"aui |Liferay\.", re.IGNORECASE
    ),
    selectors={
        "title": (".journal-content-article h1", ".asset-full-content .header-title"),
        "date": (".block_timer", ".assetPublishDate"),
        "body": (".journal-content-article",),
        "listing_links": (".asset-title a",),
        "pagination": (".lfr-pagination", ".taglib-page-iterator"),
    },
)
