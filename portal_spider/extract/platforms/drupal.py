"""Drupal sites (`data-drupal-`, `/sites/default/files/`)."""

from __future__ import annotations

import re

from .base import Platform

PLATFORM = Platform(
    name="drupal",
    fingerprint=re.compile(r"Drupal\.settings|data-drupal-|/sites/default/files/", re.I),
)
