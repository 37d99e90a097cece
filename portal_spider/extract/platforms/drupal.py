"""Drupal 8/9 sites (`data-drupal-selector`, `/sites/default/files/`; research §4, theme
`gavias_batiz`).

Core templates give the classes: the full node is `.node--view-mode-full` (teasers in views
and blocks are other view modes, so their bodies never pass for the article), fields are
`.field--name-<machine name>`, and views lists are `.views-row .views-field-title a`. The
main view sits in `.region-content`; "Tin xem nhiều" blocks of the same markup sit in the
sidebars. The pager is 0-based (`?page=1` is the second page) with `.pager__item--next a`.
"""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(
    name="drupal",
    # Case-sensitive (core prints them so; re.I made a miss ~5x slower). Drupal 7 has no
    # data-drupal- attributes but still `Drupal.settings` and `/sites/default/files/`.
    fingerprint=re.compile(r"data-drupal-|Drupal\.settings|/sites/default/files/"),
    hints=("data-drupal-", "drupal.settings", "/sites/default/files/"),
    selectors={
        "title": ("h1.page-title", ".node--view-mode-full h1"),
        "date": (".field--name-created", ".node__submitted", ".post-created"),
        "summary": (".field--name-field-tom-tat", ".field--name-field-summary"),
        "body": (".node--view-mode-full .field--name-body",),
        "listing_links": (
            ".region-content .views-row .views-field-title a",
            ".region-content .node--view-mode-teaser h2 a",
            ".views-row .views-field-title a",
        ),
        "pagination": (".pager__item--next", ".pager"),
        "attachment_areas": (".field--type-file",),
    },
)
