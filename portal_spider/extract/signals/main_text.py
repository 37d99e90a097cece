"""Generic main-content extraction: trafilatura, our Vietnamese clean-up, and where it sits.

The costly layer (10-30 ms a page), run only when the profile gives no valid body. The
paragraphs come from `fallback.py` (trafilatura plus post-processing: related-news lists,
footers, heading and date lines, captions); this module then finds the element that holds
them in our own tree, so images, captions and attachments can be read from the same place
whichever layer found the text.
"""

from __future__ import annotations

import re
import unicodedata

from lxml.etree import _Element as Element

from ..article import body_images, walk_body
from ..document import Document
from ..fallback import extract_main_text
from ..record import Image
from ..text import clean_text
from . import Body

LAYER = "main_text"
_PREFIX = 30
_HEAD_CHARS = 4 * _PREFIX
# Characters clean_text removes or turns into a space that str.lstrip keeps (zero-width
# space and joiners, soft hyphen, BOM): a node starting with one is always cleaned.
_UNCLEAN_FIRSTS = frozenset("\u200b\u00ad\u200c\u200d\u2060\ufeff")
_MIN_ICON_PX = 60


def main_text_body(
    doc: Document, title: str | None, summary: str | None, min_chars: int, lenient: bool = False
) -> Body | None:
    """trafilatura's main text, cleaned; None when too little is left for an article."""
    found = extract_main_text(
        doc, title=title, summary=summary, min_chars=min_chars, lenient=lenient
    )
    if found is None or not found.paragraphs:
        return None
    first, last, container = locate(doc, found.paragraphs)
    images = _images_between(doc, container, first, last) if container is not None else []
    body = Body(
        paragraphs=found.paragraphs,
        layer=LAYER,
        element=container,
        images=images,
        author=found.author,
        source=found.source,
    )
    body.last_element = last
    body.first_element = first
    return body


def locate(
    doc: Document, paragraphs: list[str]
) -> tuple[Element | None, Element | None, Element | None]:
    """The elements holding the first and last paragraphs, and their closest container.

    One pass over the text nodes, matching paragraph openings; the first and last
    paragraphs that can be found count (trafilatura joins table cells with " | ", which
    no text node holds).
    """
    # Table rows ("| cell | cell |", trafilatura's joining) are held by no single text node.
    prefixes = ["" if p.startswith("|") else p[:_PREFIX] for p in paragraphs]
    if not any(prefixes):
        return None, None, None
    # Every opening of every paragraph (4 to _PREFIX characters): a text node that begins
    # a paragraph is found with one dict look-up, whatever its length.
    lowest: dict[str, int] = {}
    highest: dict[str, int] = {}
    for index, prefix in enumerate(prefixes):
        for size in range(4, len(prefix) + 1):  # an empty prefix (a table row) adds none
            lowest.setdefault(prefix[:size], index)
            highest[prefix[:size]] = index
    # A text node can open a paragraph only if its first visible character opens one (as
    # written, or decomposed): most nodes are ruled out before any clean-up.
    firsts = {c for p in prefixes if p for c in (p[0], unicodedata.normalize("NFD", p[0])[0])}
    firsts |= _UNCLEAN_FIRSTS
    first_at: tuple[int, Element] | None = None
    last_at: tuple[int, Element] | None = None
    body = doc.root.find(".//body")
    for element in (body if body is not None else doc.root).iter():
        if not isinstance(element.tag, str):
            continue
        text, tail = element.text, element.tail
        # (Most nodes have neither: indentation between tags. The tail's owner, the parent,
        # is asked for only when there is a tail worth reading.)
        if not (text and len(text) >= 4) and not (tail and len(tail) >= 4):
            continue
        for piece, owner in (
            (text, element),
            (tail, element.getparent() if tail and len(tail) >= 4 else None),
        ):
            if not piece or len(piece) < 4 or owner is None:
                continue
            head = piece.lstrip()
            if not head or head[0] not in firsts:
                continue  # indentation between tags, or text no paragraph starts like
            # Only the opening is compared: clean (NFC, spacing) a bounded head, not the
            # whole paragraph (this visits every text node of the page).
            text = clean_text(head[:_HEAD_CHARS])
            if not text or len(text) < 4:
                continue
            key = text[:_PREFIX]
            low = lowest.get(key)
            if low is None:
                continue
            if first_at is None or low < first_at[0]:
                first_at = (low, owner)
            high = highest[key]
            if last_at is None or high > last_at[0]:
                last_at = (high, owner)
    found = {} if first_at is None else {first_at[0]: first_at[1], last_at[0]: last_at[1]}
    if not found:
        return None, None, None
    first = found[min(found)]
    last = found[max(found)]
    ancestors = [first, *first.iterancestors()]
    ids = {id(a): a for a in ancestors}
    for candidate in [last, *last.iterancestors()]:
        if id(candidate) in ids:
            return first, last, candidate
    return first, last, None


def _images_between(
    doc: Document, container: Element, first: Element | None, last: Element | None
) -> list[Image]:
    """Images inside the container, from the first paragraph's block to the last's, that are
    not link thumbnails or icons (related-news cards, share buttons)."""
    if container.tag in ("body", "html"):
        return []
    images = body_images(doc, container)
    if not images:
        return []
    keep: list[Image] = []
    in_links = {
        doc.absolute(img.get("src") or img.get("data-src"))
        for a in container.iter("a")
        for img in a.iter("img")
    }
    small = {
        doc.absolute(img.get("src"))
        for img in container.iter("img")
        if _tiny(img.get("width")) or _tiny(img.get("height"))
    }
    for image in images:
        if image.url in in_links or image.url in small or is_icon_file(image.url):
            continue
        keep.append(image)
    return keep


# Words naming an icon in its file name: a file type beside a download, rating stars,
# bullets. Only GIF/PNG/SVG/ICO files: photos are JPEG or WebP, and a photo's Vietnamese
# slug may hold "doc" ("ngay-hoi-doc-sach.jpg").
_ICON_WORDS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "rar", "txt", "file", "files",
     "icon", "icons", "ico", "star", "stars", "rating", "rate", "vote", "bullet", "arrow"}
)  # fmt: skip
_ICON_EXTENSIONS = (".gif", ".png", ".svg", ".ico")
_ICON_TOKENS = re.compile(r"[a-z]+")


def is_icon_file(url: str | None) -> bool:
    """Whether an image's file name says it is an icon ("pdf.gif", "icpdf.png",
    "stars-0-0.gif"): a themed page no longer says so with a class name."""
    if not url:
        return False
    name = url.rsplit("/", 1)[-1].split("?", 1)[0].lower()
    if not name.endswith(_ICON_EXTENSIONS):
        return False
    tokens = _ICON_TOKENS.findall(name.rsplit(".", 1)[0])
    return any(t in _ICON_WORDS or (t.startswith("ic") and t[2:] in _ICON_WORDS) for t in tokens)


def _tiny(value: str | None) -> bool:
    if not value:
        return False
    digits = value.strip().removesuffix("px")
    return digits.isdigit() and int(digits) < _MIN_ICON_PX


# Leaf blocks whose text counts towards their container's score (Readability's idea, cut
# down: one pass, no class-name weights, because a re-themed portal renames every class).
_LEAF_BLOCKS = frozenset(
    {"p", "li", "td", "div", "span", "font", "blockquote", "pre", "h2", "h3", "h4", "dd",
     "section", "article", "center"}
)  # fmt: skip
_BLOCKISH = frozenset(
    {"p", "div", "li", "ul", "ol", "table", "tr", "td", "section", "article", "blockquote",
     "h1", "h2", "h3", "h4", "h5", "h6", "form", "dl", "header", "footer", "nav", "aside"}
)  # fmt: skip
_MIN_LEAF_CHARS = 40
_WRAPPERS = frozenset({"div", "section", "article", "main", "span", "font", "center"})
_NOT_CONTENT = frozenset({"nav", "header", "footer", "aside", "select", "a", "button"})


def densest_body(doc: Document) -> Body | None:
    """The container whose paragraphs hold the most running text (no trafilatura).

    Each leaf block of 40+ characters outside links scores its length for its parent and
    half for its grandparent; the best-scoring element is read like a profile's body
    container (paragraphs, images with captions). Cheap (one pass), and blind to class
    names, so it reads old table layouts and renamed themes alike.
    """
    body = doc.root.find(".//body")
    if body is None:
        return None
    scores: dict[int, float] = {}
    elements: dict[int, Element] = {}
    # Depth-first from <body>, never entering navigation, header, footer, forms' widgets or
    # links: one visit per element, no ancestor walks (this runs on every article page).
    stack = [body]
    while stack:
        element = stack.pop()
        blocks = False
        for child in element:
            tag = child.tag
            if isinstance(tag, str) and tag in _BLOCKISH:
                blocks = True
                break
        if blocks or element.tag not in _LEAF_BLOCKS:
            stack.extend(
                child
                for child in element
                if isinstance(child.tag, str) and child.tag not in _NOT_CONTENT
            )
            continue
        size = len("".join(element.itertext()).strip())
        if size < _MIN_LEAF_CHARS:
            continue
        size -= sum(len("".join(a.itertext())) for a in element.iter("a"))
        if size < _MIN_LEAF_CHARS:
            continue
        parent = _lift(element)
        if parent is None:
            continue
        for weight, target in ((1.0, parent), (0.5, _lift(parent))):
            if target is None or target.tag in ("body", "html"):
                continue
            key = id(target)
            elements[key] = target
            scores[key] = scores.get(key, 0.0) + weight * size
    if not scores:
        return None
    best = elements[max(scores, key=scores.__getitem__)]
    paragraphs, images = walk_body(doc, best)
    if not paragraphs:
        return None
    return Body(paragraphs=paragraphs, layer=LAYER, element=best, images=images)


def _lift(element: Element) -> Element | None:
    """The element's container, climbing through bare wrappers (an element holding only the
    one child and no text of its own): page builders and re-themes wrap every paragraph in
    divs, which must not split the paragraphs' score between as many parents. Table rows
    and cells are layout, not wrappers: a one-cell row stays its own block."""
    parent = element.getparent()
    while (
        parent is not None
        and len(parent) == 1
        and parent.tag in _WRAPPERS
        and not (parent.text or "").strip()
        and not (element.tail or "").strip()
    ):
        element, parent = parent, parent.getparent()
    return parent
