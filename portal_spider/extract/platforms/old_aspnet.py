"""Old table-layout ASP.NET sites (`.aspx`, `__VIEWSTATE`, no SharePoint or DNN markers)."""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(name="aspnet", fingerprint=re.compile(r"__VIEWSTATE|\.aspx", re.I))
