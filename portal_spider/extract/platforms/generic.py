"""The fallback for pages no fingerprint recognises: generic selectors only."""

from __future__ import annotations

from .base import Platform

PLATFORM = Platform(name="generic", fingerprint=None)
