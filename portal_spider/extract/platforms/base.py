"""What a platform family contributes to extraction: a fingerprint, selectors, hooks.

Per-platform code stays small: most platforms are data (a fingerprint and a few selectors that
go before the generic ones). Hooks exist for what data cannot say, such as a pagination
scheme in the URL or a SharePoint postback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..document import Document
from ..selectors import GENERIC, Candidate, compile_selectors

#: The fields a platform may give selectors for (the generic lists in selectors.GENERIC).
FIELDS = (
    "title",
    "date",
    "summary",
    "body",
    "listing_links",
    "pagination",
    "byline",
    "attachment_areas",
)


@dataclass(frozen=True, slots=True)
class PostBack:
    """An ASP.NET/SharePoint "next page" that is a form post, not a link.

    The spider answers it with Scrapy's FormRequest.from_response(formname/formid, formdata=
    {"__EVENTTARGET": target, "__EVENTARGUMENT": argument}), which carries __VIEWSTATE and the
    page's other hidden fields itself.
    """

    target: str
    argument: str = ""
    #: id of the form to submit (ASP.NET pages have one: "aspnetForm" or "form1").
    form_id: str | None = None


@dataclass(frozen=True)
class Platform:
    """One platform family. `selectors` maps a FIELDS name to CSS tried before the generic."""

    name: str
    #: Searched in the page URL and the first 200 000 characters of markup.
    fingerprint: re.Pattern[str] | None
    selectors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: URL of the next listing page when the platform's pagination is not a plain link.
    next_page: Callable[[Document], str | None] | None = None
    #: A form post that loads the next listing page (SharePoint, old ASP.NET).
    postback: Callable[[Document], PostBack | None] | None = None
    #: Match `fingerprint` (written in lower case) against the lower-cased haystack: Python's
    #: re cannot use its fast literal search with IGNORECASE (2.5 ms a 200 KB page).
    fingerprint_lowercase: bool = False
    #: Lower-case substrings one of which every page of the family contains: checked with
    #: `in` (C's memmem) before the regex, since an alternation of literals is scanned
    #: position by position (0.5-1 ms a page per family).
    hints: tuple[str, ...] = ()
    _compiled: dict[str, tuple[Candidate, ...]] = field(default_factory=dict, repr=False)
    _ascii_hints: tuple[bytes, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        unknown = set(self.selectors) - set(FIELDS)
        if unknown:
            raise ValueError(f"platform {self.name}: unknown selector fields {sorted(unknown)}")
        for name in FIELDS:
            own = compile_selectors(*self.selectors.get(name, ()))
            generic = tuple(c for c in GENERIC[name] if c.css not in self.selectors.get(name, ()))
            self._compiled[name] = own + generic
        object.__setattr__(self, "_ascii_hints", tuple(hint.encode() for hint in self.hints))

    def candidates(self, name: str) -> tuple[Candidate, ...]:
        """Selectors for one field: this platform's first, then the generic ones."""
        return self._compiled[name]

    @property
    def all_candidates(self) -> dict[str, tuple[Candidate, ...]]:
        """Every field's selectors, for Document.field_candidates."""
        return self._compiled

    def matches(self, haystack: str, lowered: str | None = None, *, hinted: bool = False) -> bool:
        """`hinted`: the caller found one of `hints` already (`hinted_in`)."""
        if self.fingerprint is None:
            return False
        if self.hints and not hinted:
            lowered = lowered if lowered is not None else haystack.lower()
            if not any(hint in lowered for hint in self.hints):
                return False
        if self.fingerprint_lowercase:
            haystack = lowered if lowered is not None else haystack.lower()
        return self.fingerprint.search(haystack) is not None

    def hinted_in(self, ascii_lowered: bytes) -> bool:
        """Whether one of `hints` is in the page: `ascii_lowered` is the haystack as UTF-8
        with ASCII letters lowered (a bytes search reads a half or a quarter of the memory of
        a str one); it finds what `haystack.lower()` would when the page has no "İ" or Kelvin
        sign, the only letters whose lower case is ASCII."""
        return any(hint in ascii_lowered for hint in self._ascii_hints)
