"""What a portal's article URLs look like, learnt from its listings (issue 15).

A sitemap lists every page of a portal: articles, but also sections, static pages, document
registers. The crawl fetches a sitemap URL as a possible article only when it has the shape
of the article links the portal's own listings show (same depth, same last-segment pattern,
same query keys), and extraction then confirms it. The same shapes place a sitemap-only
article in a section: the section whose path prefixes it, else the one whose items share its
folder. Pure functions over URL strings: no Scrapy, no HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlsplit

_EXTENSION = re.compile(r"\.([a-z][a-z0-9]{0,4})$")
_TRAILING_ID = re.compile(r"(.*?)([-_.]?)(\d+)")

#: A URL shape: (path depth, pattern of the last segment, sorted query keys).
Shape = tuple[int, str, tuple[str, ...]]


def url_shape(url: str) -> Shape:
    """The shape of a URL: "/chinh-tri/hop-ban-12.html" -> (2, "a-9.html", ()).

    The last segment keeps its extension and becomes "a-9" (a slug ending in an id), "9"
    (an id), or "a" (words only), so two article slugs of different lengths share a shape
    while a section's index ("/chinh-tri/") or a static page ("/gioi-thieu.html") does not
    share it with articles that carry an id.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    last = segments[-1].lower() if segments else ""
    extension = _EXTENSION.search(last)
    stem = last[: extension.start()] if extension else last
    trailing = _TRAILING_ID.fullmatch(stem)
    pattern = "a" if stem else ""
    if trailing:
        pattern = f"a{trailing[2]}9" if trailing[1] else "9"
    if extension:
        pattern += extension[0]
    if parts.path.endswith("/") and segments:
        pattern += "/"
    keys = tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return (len(segments), pattern, keys)


class ArticleShapes:
    """The shapes of the article links seen so far (listing items, archived articles)."""

    def __init__(self, urls: Iterable[str] = ()) -> None:
        self._shapes: dict[Shape, int] = {}
        self.add(urls)

    def add(self, urls: Iterable[str]) -> None:
        for url in urls:
            shape = url_shape(url)
            self._shapes[shape] = self._shapes.get(shape, 0) + 1

    def __len__(self) -> int:
        return len(self._shapes)

    def matches(self, url: str) -> bool:
        """Whether ``url`` looks like an article link of this portal. With nothing learnt
        yet (no listing read), every URL may be an article: extraction decides."""
        return not self._shapes or url_shape(url) in self._shapes


def folder_of(url: str) -> str:
    """The folder of a URL's path: "/tin-tuc/a-1.html" -> "/tin-tuc"."""
    return urlsplit(url).path.rsplit("/", 1)[0]


def section_of(
    url: str, section_paths: Mapping[str, str], folders: Mapping[str, Mapping[str, int]]
) -> str | None:
    """The section (its name) a URL most likely belongs to: the one whose path is the
    longest prefix of the URL's path, else the one whose listed items share the URL's folder
    most often; None when nothing points to one.

    ``section_paths``: {name: section path}; ``folders``: {folder: {name: items listed}},
    kept up to date as listings are read (see :class:`FolderIndex`), so a lookup costs the
    same whatever the number of listed articles.
    """
    path = urlsplit(url).path
    prefixed = [
        (len(p), name)
        for name, section_path in section_paths.items()
        if (p := urlsplit(section_path).path) not in ("", "/") and path.startswith(p)
    ]
    if prefixed:
        return max(prefixed)[1]
    counts = folders.get(path.rsplit("/", 1)[0])
    if not counts:
        return None
    return max(counts.items(), key=lambda item: item[1])[0]


class FolderIndex(dict[str, dict[str, int]]):
    """{folder: {section name: items listed}}, for :func:`section_of`."""

    def add(self, section: str, urls: Iterable[str]) -> None:
        for url in urls:
            counts = self.setdefault(folder_of(url), {})
            counts[section] = counts.get(section, 0) + 1
