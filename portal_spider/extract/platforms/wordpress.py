"""WordPress sites (`wp-content`, `/page/N/` paging)."""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(
    name="wordpress",
    fingerprint=re.compile(r"/wp-content/|/wp-includes/|content=\"WordPress", re.I),
    selectors={"body": (".entry-content",)},
)
