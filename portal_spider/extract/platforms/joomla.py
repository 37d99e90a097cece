"""Joomla sites (`option=com_content`, `?start=N` paging)."""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(
    name="joomla", fingerprint=re.compile(r'content="Joomla|/components/com_|option=com_', re.I)
)
