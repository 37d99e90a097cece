"""One parse per page: decode the bytes, build one lxml tree, share it with every extractor."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterator
from copy import copy
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any
from urllib.parse import urljoin

from bs4.dammit import UnicodeDammit
from lxml import etree
from lxml.etree import _Element as Element
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction

from .selectors import GENERIC, Candidate, PageIndex
from .text import clean_text, text_of

# bs4 logs a WARNING for every page it decodes with replacement characters: on stderr of
# `extract` (no logging configured), once per broken page in a crawl log. Expected, not news.
logging.getLogger("bs4.dammit").setLevel(logging.ERROR)
# Markup that never carries page text; removed once so no extractor can leak it.
_NOISE_TAGS = ("script", "style", "noscript", "template")
# Comments and processing instructions never carry page text; lxml drops them while parsing.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
#: The parse trafilatura makes (`trafilatura.utils.HTML_PARSER`'s options: the same tree as
#: `_PARSER`'s, no id table, no default doctype), with every element an lxml.html
#: `HtmlElement`, as trafilatura wants, chosen in C: lxml.html's own parser calls back into
#: Python for each element it hands out (~0.7 ms a page in trafilatura's reading).
HTML_ELEMENT_PARSER = etree.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
    remove_pis=True,
)  # fmt: skip
HTML_ELEMENT_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# libxml2 (2.14) ends the document at the first </html>: after a stray one mid-page (pasted
# from Word, a broken template) the pager, attachments and sidebar would vanish. The parser
# closes <html> at the end of the input anyway, so end tags found before the end are dropped.
_HTML_END_TAG = re.compile(r"</html\s*>", re.IGNORECASE)


@dataclass(slots=True)
class Document:
    """A parsed page: its tree, its URL, its raw markup (for fingerprints)."""

    url: str
    root: Element
    markup: str
    #: The URL relative links resolve against (honours <base href>).
    base_url: str
    #: The page's JSON-LD blocks (`<script type="application/ld+json">`), read before
    #: scripts leave the tree; parsed by signals/structured.py.
    json_ld: list[str] = dataclass_field(default_factory=list)
    #: The tree as parsed, before scripts and styles left it, kept for trafilatura (see
    #: `build_document`); taken once (`take_source_tree`): trafilatura prunes it in place.
    source_tree: Element | None = None
    _index: PageIndex | None = None
    _metas: dict[str, str] | None = None
    #: Values derived from the page that several layers ask for, computed once (by key).
    memo: dict[str, Any] = dataclass_field(default_factory=dict)
    #: Selectors per field for this page's platform (set by extract_page after detection).
    field_candidates: dict[str, tuple[Candidate, ...]] = dataclass_field(
        default_factory=lambda: dict(GENERIC)
    )

    def candidates(self, name: str) -> tuple[Candidate, ...]:
        """Selectors for one field (title, date, body, ...), the platform's own first."""
        return self.field_candidates[name]

    @property
    def index(self) -> PageIndex:
        """Elements by class and id, built on first use, once per page."""
        if self._index is None:
            self._index = PageIndex.build(self.root)
        return self._index

    def select(
        self, candidates: tuple[Candidate, ...], within: Element | None = None
    ) -> Iterator[list[Element]]:
        """Matches of each candidate selector in priority order; `within` limits the subtree."""
        for candidate in candidates:
            found = candidate.find(self.root, self.index, within)
            if found:
                yield found

    def first(
        self, candidates: tuple[Candidate, ...], within: Element | None = None
    ) -> Element | None:
        """The first element of the highest-priority candidate that matches anything."""
        return next((found[0] for found in self.select(candidates, within)), None)

    def absolute(self, href: str | None) -> str | None:
        """Resolve an href to an absolute http(s) URL; None for anchors and scripts."""
        if not href:
            return None
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            return None
        try:
            url = urljoin(self.base_url, href)
        except ValueError:  # "http://[::1" (unclosed IPv6 host): no URL at all
            return None
        return url if url.startswith(("http://", "https://")) else None

    def take_source_tree(self) -> Element | None:
        """`source_tree`, once (None after: the caller parses the markup anew)."""
        tree, self.source_tree = self.source_tree, None
        return tree

    def page_title(self) -> str | None:
        """The <title> text (read once: several layers ask)."""
        if "page_title" not in self.memo:
            title = self.root.find(".//title")
            self.memo["page_title"] = clean_text(text_of(title)) if title is not None else None
        return self.memo["page_title"]

    def meta(self, key: str) -> str | None:
        """Content of the first <meta name|property|itemprop=key> (case-insensitive key)."""
        if self._metas is None:
            self._metas = {}
            # Every <meta>, not only the head's: themes put OpenGraph and itemprop metas in
            # the body too (and a broken head ends early in libxml2).
            for element in self.root.iter("meta"):
                for name in (element.get("name"), element.get("property"), element.get("itemprop")):
                    name = name.strip().lower() if name else None
                    if name and name not in self._metas:
                        self._metas[name] = element.get("content") or ""
        return clean_text(self._metas.get(key.lower()))


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """Decode page bytes: the declared encoding when trustworthy, else detection.

    bs4's UnicodeDammit is used for detection because old portals still serve Windows-1258 or
    mislabelled charsets; its tree builder is not used (lxml is several times faster, and
    extraction cost must stay below Scrapy's own per-page cost).
    """
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        dammit = UnicodeDammit(data, ["utf-8", "windows-1258", "windows-1252"], is_html=True)
        return dammit.unicode_markup or data.decode("utf-8", errors="replace")


def _end_tag_before_end(markup: str) -> bool:
    """`_HTML_END_TAG` found before the last 64 characters. Its letters spelled in both cases
    instead of IGNORECASE (no other character folds to h, t, m or l): the regex then looks
    for "</" as a literal, ~0.06 ms on a page where the case-insensitive scan took ~0.1."""
    return _HTML_END_TAG_CASED.search(markup, 0, max(0, len(markup) - 64)) is not None


_HTML_END_TAG_CASED = re.compile(r"</[hH][tT][mM][lL]\s*>")


def parse_document(html: bytes | str, url: str, encoding: str | None = None) -> Document:
    """Parse a page once; scripts, styles and comments are dropped from the tree."""
    return build_document(prepare_markup(html, encoding), url)


def prepare_markup(html: bytes | str, encoding: str | None = None) -> str:
    """The markup every reader of the page sees: decoded, without an XML declaration or an
    `</html>` before the end."""
    markup = html if isinstance(html, str) else decode_html(html, encoding)
    markup = _XML_DECLARATION.sub("", markup, count=1)
    if _end_tag_before_end(markup):
        markup = _HTML_END_TAG.sub("", markup)
    return markup


def build_document(
    markup: str, url: str, *, keep_source: Callable[[Element], bool] | None = None
) -> Document:
    """The Document of `prepare_markup`'s output.

    `keep_source` (given when trafilatura will likely read the page too): the tree is then
    parsed with `HTML_ELEMENT_PARSER`, and if `keep_source(root)` says the tree is the one
    trafilatura would parse, a copy is kept, before scripts leave it, as `source_tree`: the
    page is parsed once for both (a copy costs less than half a parse).
    """
    # Not normalised to NFC here: real pages are often decomposed and normalising 90 KB of
    # markup costs ~1.2 ms; every text we output or match is short and normalised where used
    # (clean_text, fold_label, parse_vn_datetime, the pager texts).
    parser = _PARSER if keep_source is None else HTML_ELEMENT_PARSER
    try:
        root = etree.fromstring(markup, parser) if markup.strip() else None
    except etree.XMLSyntaxError:
        root = None
    source = None
    if root is None:  # empty or unparseable: an empty page, never an exception
        root = etree.fromstring("<html><body></body></html>", _PARSER)
    elif keep_source is not None and keep_source(root):
        source = copy(root)
    json_ld = [
        script.text
        for script in root.iter("script")
        if script.text and "ld+json" in (script.get("type") or "").lower()
    ]
    etree.strip_elements(root, *_NOISE_TAGS, with_tail=False)
    base = root.find(".//base[@href]")
    base_url = url
    if base is not None:  # an unparseable <base href> ("http://[::1"): the page URL
        with contextlib.suppress(ValueError):
            base_url = urljoin(url, base.get("href", "").strip())
    return Document(
        url=url, root=root, markup=markup, base_url=base_url, json_ld=json_ld, source_tree=source
    )
