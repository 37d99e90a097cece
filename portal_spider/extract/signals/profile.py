"""The platform profile's layer: the detected family's selectors (platforms/, selectors.py).

Exact where the theme is the one a profile was written from, and blind on a re-themed portal:
so it only proposes. A body container it names is still validated (enough text, few links,
not a list of teasers) before it wins, and every field it misses is asked of other layers.
"""

from __future__ import annotations

from lxml.etree import _Element as Element

from ..article import article_container, is_teaser_list, walk_body
from ..dates import looks_like_header_clock, parse_meta_datetime, parse_vn_datetime
from ..document import Document
from ..text import clean_text, text_of
from . import Body, Candidate

LAYER = "profile"


def profile_body(doc: Document) -> Body | None:
    """The body container the profile's selectors name, read into paragraphs and images."""
    for found in doc.select(doc.candidates("body")):
        if is_teaser_list(found):
            continue
        element = found[0]
        paragraphs, images = walk_body(doc, element)
        if paragraphs or images:
            return Body(paragraphs=paragraphs, layer=LAYER, element=element, images=images)
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
                if not stamp and looks_like_header_clock(text_of(element)):
                    continue  # a header clock matched by a broad date selector
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
