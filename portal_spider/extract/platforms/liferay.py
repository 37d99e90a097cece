"""Liferay 6/7 portals (asset publisher, `/-/view_content/<id>-<slug>.html`, `_101_cur` paging).

Markers from the real sotttt.hanoi.gov.vn pages (research notes §2): `p_p_id`, `lfr-css-file`,
`<html class="aui`, `Liferay.` in inline scripts; Liferay 7 asset publisher URLs carry
`/-/asset_publisher/`. Article pages are the asset publisher's full view
(`.asset-full-content`: `.header-title` in 6.2, `.component-title` in 7) around the web
content (`.journal-content-article`); selectors are scoped to it because every Liferay page
also has banner web content and `h1.portlet-title` headings in its sidebars.
"""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(
    name="liferay",
    fingerprint=re.compile(
        r"/-/view_content/|/-/asset_publisher/|p_p_id[=_]|lfr-css-file|class=\"aui |liferay\.",
    ),
    fingerprint_lowercase=True,
    hints=(
        "/-/view_content/",
        "/-/asset_publisher/",
        "p_p_id",
        "lfr-css-file",
        'class="aui ',
        "liferay.",
    ),
    selectors={
        "title": (
            ".asset-full-content .header-title",
            ".asset-full-content .component-title",
            ".journal-content-article h1",
        ),
        "date": (
            ".asset-full-content .block_timer",
            ".asset-full-content .metadata-publish-date",
            ".block_timer",
            ".assetPublishDate",
        ),
        "summary": (".asset-full-content .asset-summary",),
        "body": (
            ".asset-full-content .news-content",
            ".asset-full-content .journal-content-article",
            ".journal-content-article",
        ),
        "listing_links": (".asset-content-custom .asset-title a", ".asset-title a"),
        "pagination": (".lfr-pagination-buttons", ".lfr-pagination", ".taglib-page-iterator"),
    },
)
