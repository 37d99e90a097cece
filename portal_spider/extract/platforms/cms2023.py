"""The 2023+ custom CMSs of rebuilt and merged portals: `/<section>/<slug>-<id>`, `?page=N`."""

from __future__ import annotations

from .base import Platform

# Fingerprint still to be made specific (issue 3): these builds share URL shapes, not markup.
PLATFORM = Platform(name="cms2023", fingerprint=None)
