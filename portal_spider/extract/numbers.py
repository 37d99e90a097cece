"""Numbers as Vietnamese portals print them: "1,448,808", "4.798.812", "1 448 808", "2579"."""

from __future__ import annotations

import re

# Thousands groups separated consistently by "." or "," (portals use both), or plain digits.
_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
# Thousands groups separated by spaces (also no-break and narrow no-break spaces).
_SPACED = re.compile(r"^\d{1,3}(?:[\s\u00a0\u202f]\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_count(text: str) -> int | None:
    """Parse a whole-number count; None for anything that is not clearly one.

    "5,01" (a decimal) and "1.234,5" are rejected rather than guessed, so a percentage in the
    text can never be mistaken for a visitor count; so is "12 34" (two numbers, not one).
    """
    candidate = text.strip()
    if _PLAIN.match(candidate):
        return int(candidate)
    if _GROUPED.match(candidate):
        return int(candidate.replace(".", "").replace(",", ""))
    if _SPACED.match(candidate):
        return int(_SPACES.sub("", candidate))
    return None
