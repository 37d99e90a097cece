"""NukeViet, the Vietnamese PHP CMS many commune and district sites run."""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(name="nukeviet", fingerprint=re.compile(r"nukeviet|nv_base_siteurl", re.I))
