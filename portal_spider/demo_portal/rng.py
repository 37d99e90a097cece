"""Stateless deterministic hashing: every value of the portal is a pure function of its inputs.

A keyed hash (instead of one shared random stream) lets any article be generated on its own in
O(1), so a 100 000-article portal needs no precomputation.
"""

from __future__ import annotations

import random

_MASK = (1 << 64) - 1

# Purpose tags, so different uses of the same article serial draw independent values.
TAG_LAYOUT = 1
TAG_TIME = 2
TAG_DATE_ONLY = 3
TAG_META = 4
TAG_BODY = 5
TAG_VIEWS = 6
TAG_ONLINE = 7
TAG_NEW_TIME = 8
TAG_EDIT = 9
TAG_REMOVE = 10


def _splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def mix(*parts: int) -> int:
    """64-bit hash of a tuple of integers (stable across runs, unlike hash())."""
    h = 0x6A09E667F3BCC909
    for part in parts:
        h = _splitmix64(h ^ (part & _MASK))
    return h


def rng_for(*parts: int) -> random.Random:
    """A private Random stream for one (purpose, item) pair."""
    return random.Random(mix(*parts))
