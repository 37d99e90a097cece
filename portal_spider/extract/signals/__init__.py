"""Signal layers: each reads the page its own way and proposes candidates for fields.

No layer decides: `choose.py` validates every candidate and picks per field by a stated
precedence, so a layer that finds nothing (a renamed theme defeats the profile's selectors,
a portal without JSON-LD) never ends the search. Layers:

- `profile`: the detected platform's selectors (platforms/), the cheapest and most exact
  where the theme is the one the profile was written from;
- `structured`: JSON-LD, OpenGraph and `article:*` meta, microdata, Dublin Core, `<time>`;
- `lines`: what a reader sees: the headline, the date line under it, bylines and "Nguồn:"
  lines at the ends of the body, the `<title>` tag;
- `main_text`: generic main-content extraction (trafilatura) with our Vietnamese clean-up,
  run only when the cheaper layers give no valid body (it costs 10-30 ms a page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml.etree import _Element as Element

from ..record import Image


@dataclass(slots=True)
class Candidate:
    """One layer's proposal for one field."""

    field: str
    value: Any
    #: The layer's name (record.LAYERS): where the value came from, stored as provenance.
    layer: str
    #: Which signal inside the layer ("og:title", "h1", "json-ld"): for debugging and docs.
    via: str = ""
    #: The element the value was read from, when there is one (positions matter: a date
    #: line under the headline beats a date in the sidebar).
    element: Element | None = None


@dataclass(slots=True)
class Body:
    """A body candidate: paragraphs in reading order, and where they sit in the tree."""

    paragraphs: list[str]
    layer: str
    #: The container the paragraphs were read from, if known (images and files are looked
    #: for inside it); for main_text, the smallest element holding the paragraphs found.
    element: Element | None = None
    images: list[Image] = field(default_factory=list)
    #: Byline and source lines found at the ends of the paragraphs (already removed).
    author: str | None = None
    source: str | None = None
    #: A profile body found by the platform's own selector (not a generic one).
    specific: bool = False
    #: The element of the last paragraph, when the container holds more than the text
    #: (trafilatura's reading): bylines are looked for right after it.
    last_element: Element | None = None
    #: The element of the first paragraph, likewise: a lead printed apart stands before it.
    first_element: Element | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.paragraphs)
