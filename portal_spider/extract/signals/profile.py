"""The platform profile's layer: the detected family's selectors (platforms/, selectors.py).

Exact where the theme is the one a profile was written from, and blind on a re-themed portal:
so it only proposes. A body container it names is still validated (enough text, few links,
not a list of teasers) before it wins, and every field it misses is asked of other layers.
"""

from __future__ import annotations

from lxml.etree import _Element as Element

from ..article import article_container, is_teaser_list, walk_body
from ..dates import parse_meta_datetime, parse_vn_datetime
from ..document import Document
from ..text import clean_text, text_of
from . import Body, Candidate

LAYER = "profile"


def profile_body(doc: Document, own: tuple[str, ...] = (), own_only: bool = False) -> Body | None:
    """The body container the profile's selectors name, read into paragraphs and images.

    `own`: the platform's own body selectors; a match of one of them is `specific` (the
    theme the profile was written from), a match of a generic selector (`article`,
    `.content`) is only a guess that other layers get to contest. `own_only`: try only
    those (a generic match is read only when the other layers find nothing).
    """
    for candidate in doc.candidates("body"):
        if own_only and candidate.css not in own:
            continue
        found = candidate.find(doc.root, doc.index, None)
        if not found or is_teaser_list(found):
            continue
        element = found[0]
        specific = candidate.css in own
        if not specific:
            # A broad guess (`article`) narrowed to the body the page's microdata names.
            named = element.find(".//*[@itemprop='articleBody']")
            element = named if named is not None else element
        paragraphs, images = walk_body(doc, element)
        if paragraphs or images:
            body = Body(paragraphs=paragraphs, layer=LAYER, element=element, images=images)
            body.specific = specific
            return body
    return None


def profile_candidates(doc: Document, body: Element | None) -> list[Candidate]:
    """Title, date, lead and byline from the profile's selectors, near the body first."""
    near = article_container(body) if body is not None else None
    found: list[Candidate] = []
    heading = _first_near(doc, "title", near)
    if heading is not None:
        text = clean_text(text_of(heading))
        if text:
            found.append(Candidate("title", text, LAYER, "selector", heading))
    for scope in (near, None) if near is not None else (None,):
        for matches in doc.select(doc.candidates("date"), within=scope):
            for element in matches:
                stamp = element.get("datetime")
                parsed = (parse_meta_datetime(stamp) if stamp else None) or parse_vn_datetime(
                    text_of(element)
                )
                if parsed:
                    found.append(Candidate("published_line", parsed, LAYER, "selector", element))
        if any(c.field == "published_line" for c in found):
            break
    summary = _first_near(doc, "summary", near)
    if summary is not None:
        text = clean_text(text_of(summary))
        if text:
            found.append(Candidate("summary", text, LAYER, "selector", summary))
    byline = doc.candidates("byline")
    for scope in (body, near):
        if scope is None:
            continue
        marked = next(doc.select(byline, within=scope), None)
        if marked:
            text = clean_text(text_of(marked[-1]))
            if text:
                found.append(Candidate("byline", text, LAYER, "selector", marked[-1]))
                break
    return found


def _first_near(doc: Document, name: str, near: Element | None) -> Element | None:
    candidates = doc.candidates(name)
    if near is not None:
        found = doc.first(candidates, within=near)
        if found is not None:
            return found
    return doc.first(candidates)
