"""Candidate CSS selectors per field, across the platform families we know, and their engine.

Order is priority: demo and known platform classes first, generic HTML5 last.

Why not lxml.cssselect: it compiles to XPath, and libxml2 evaluates every XPath over every
element (~0.07 ms per selector on a 20 KB portal page). Extraction tries a dozen selectors per
page on every crawled page, so instead each page gets one class/id index (`PageIndex`, one
pass over the tree) and selectors are answered from it. Only the CSS we need is supported:
descendant chains of `tag`, `.class`, `#id` and `tag.class` steps; anything else is refused
when this module is imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml.etree import _Element as Element

_STEP = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?(?P<rest>(?:[.#][\w-]+)*)$")
_PART = re.compile(r"([.#])([\w-]+)")


@dataclass(frozen=True, slots=True)
class Step:
    """One compound selector: `div.news-title`, `#div_content`, `h1`."""

    tag: str | None
    classes: tuple[str, ...]
    id: str | None

    def matches(self, element: Element) -> bool:
        if self.tag is not None and element.tag != self.tag:
            return False
        if self.id is not None and element.get("id") != self.id:
            return False
        if self.classes:
            tokens = (element.get("class") or "").split()
            return all(c in tokens for c in self.classes)
        return True


@dataclass(slots=True)
class PageIndex:
    """Elements of one page by class token and by id, in document order."""

    by_class: dict[str, list[Element]] = field(default_factory=dict)
    by_id: dict[str, list[Element]] = field(default_factory=dict)

    @classmethod
    def build(cls, root: Element) -> PageIndex:
        """Two XPath passes over the attributes (document order): only elements that have a
        class or id are touched, ~30% less than visiting every element."""
        index = cls()
        by_class, by_id = index.by_class, index.by_id
        for classes in _CLASS_VALUES(root):
            element = classes.getparent()
            for token in classes.split():
                by_class.setdefault(token, []).append(element)
        for ident in _ID_VALUES(root):
            if ident:
                by_id.setdefault(str(ident), []).append(ident.getparent())
        return index


_CLASS_VALUES = etree.XPath("//@class")
_ID_VALUES = etree.XPath("//@id")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A parsed selector: a descendant chain of steps."""

    css: str
    steps: tuple[Step, ...]

    def find(self, root: Element, index: PageIndex, within: Element | None) -> list[Element]:
        """Matches in document order, limited to `within`'s subtree when given.

        Evaluation starts from the last step that names a class or id (looked up in the
        index), checks the steps before it against ancestors, then descends for the tag-only
        steps after it: no step walks the whole tree unless the selector names no class.
        """
        anchor_at = self._anchor_position()
        if anchor_at is None:
            results = [within if within is not None else root]
            rest = self.steps
        else:
            anchor = self.steps[anchor_at]
            pool = (
                index.by_class.get(anchor.classes[0], [])
                if anchor.classes
                else index.by_id.get(anchor.id or "", [])
            )
            top = within if within is not None else root
            results = [
                element
                for element in pool
                if anchor.matches(element)
                and (within is None or _inside(element, within))
                and self._ancestors_match(element, anchor_at, top)
            ]
            rest = self.steps[anchor_at + 1 :]
        for step in rest:
            results = [
                found
                for element in results
                for found in element.iterdescendants(step.tag or "*")
                if step.matches(found)
            ]
        return list(dict.fromkeys(results)) if len(rest) > 1 else results

    def _anchor_position(self) -> int | None:
        for position in range(len(self.steps) - 1, -1, -1):
            if self.steps[position].classes or self.steps[position].id is not None:
                return position
        return None

    def _ancestors_match(self, element: Element, anchor_at: int, top: Element) -> bool:
        """The steps before the anchor match its ancestors, in order (descendant combinator)."""
        position = anchor_at - 1
        if position < 0:
            return True
        for ancestor in element.iterancestors():
            if self.steps[position].matches(ancestor):
                position -= 1
                if position < 0:
                    return True
            if ancestor is top:
                break
        return False


def _inside(element: Element, container: Element) -> bool:
    if element is container:
        return True
    return any(ancestor is container for ancestor in element.iterancestors())


def _parse(css: str) -> Candidate:
    steps = []
    for text in css.split():
        match = _STEP.match(text)
        if not match or not (match.group("tag") or match.group("rest")):
            raise ValueError(f"unsupported selector {css!r}: use descendant chains of tag.class#id")
        parts = _PART.findall(match.group("rest"))
        classes = tuple(name for kind, name in parts if kind == ".")
        ids = [name for kind, name in parts if kind == "#"]
        steps.append(Step(tag=match.group("tag"), classes=classes, id=ids[0] if ids else None))
    return Candidate(css=css, steps=tuple(steps))


def compile_selectors(*selectors: str) -> tuple[Candidate, ...]:
    """Parse selectors once (at import); unsupported CSS raises here, not on a page."""
    return tuple(_parse(s) for s in selectors)


ARTICLE_TITLE = compile_selectors(
    ".article-title",
    ".tandan-title-view",  # SharePoint (Tân Dân builds)
    ".title-detail",
    ".detail-title",
    ".title-news",
    ".journal-content-article h1",  # Liferay web content
    "article h1",
    ".col-main h1",
    "h1",
)
ARTICLE_DATE = compile_selectors(
    ".article-date",
    ".tandan-date-view",
    ".date-detail",
    ".date-news",
    ".post-date",
    ".news-date",
    ".timer",
    ".block_timer",
    "time",
)
ARTICLE_SUMMARY = compile_selectors(
    ".article-sapo",
    ".sapo",
    ".news-sapo",
    ".summary-news",
    ".article-summary",
    ".detail-sapo",
)
ARTICLE_BODY = compile_selectors(
    ".article-body",
    ".tandan-content-view",
    ".content-detail",
    ".news-content",
    "#div_content",
    ".detail-content",
    ".journal-content-article",
    ".entry-content",
    "article .content",
    "article",
)
LISTING_LINKS = compile_selectors(
    ".list-news .news-title a",
    ".asset-title a",  # Liferay asset publisher
    ".channel-news-title a",
    ".tandan-p-article-news-title a",
    ".list-news .title-news a",
    ".news-list .title a",
)
PAGINATION = compile_selectors(
    ".pagination",
    ".paging",
    ".pager",
    ".lfr-pagination",
    ".taglib-page-iterator",
)
ATTACHMENT_AREAS = compile_selectors(".attachments", ".file-attach", ".attach", ".tep-dinh-kem")
BYLINE = compile_selectors(".author", ".tac-gia", ".article-author")

#: The generic candidates per field, tried after a platform's own (platforms/base.py).
GENERIC: dict[str, tuple[Candidate, ...]] = {
    "title": ARTICLE_TITLE,
    "date": ARTICLE_DATE,
    "summary": ARTICLE_SUMMARY,
    "body": ARTICLE_BODY,
    "listing_links": LISTING_LINKS,
    "pagination": PAGINATION,
    "byline": BYLINE,
    "attachment_areas": ATTACHMENT_AREAS,
}
