"""DotNetNuke portals (`DesktopModules`, `/tabid/N`, `dnn_ctr…`)."""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(
    name="dotnetnuke", fingerprint=re.compile(r"DesktopModules/|/tabid/\d+|dnn_ctr", re.I)
)
