"""Reading an article container: body paragraphs, images with captions, attached files.

Shared by the layers that find a container (the profile's selector, the densest block, the
element holding trafilatura's text); choosing the container is theirs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import urlsplit

from lxml.etree import _Element as Element

from .document import Document
from .record import Attachment, Image
from .text import all_inside, clean_text, first_inside, has_text_beside, text_of

_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "blockquote", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
     "li", "table", "tr", "td", "th", "pre", "figure", "center", "header", "footer", "dl", "dt",
     "dd"}
)  # fmt: skip
_DOCUMENT_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".rtf", ".zip",
    ".rar", ".7z",
)  # fmt: skip
# Text an image's own block may carry (an alt-less caption, a credit) and still be its block.
_FIGURE_TEXT_CHARS = 300
# How far above the body to look for the title, date line, sapo and attachments first.
_CONTAINER_LEVELS = 2
_CAPTION_CLASSES = re.compile(r"caption|image_desc|img-desc|desc-img|chu-thich|note", re.I)
# Body-selector matches side by side that make a list of teasers rather than one article.
_TEASERS = 3
# Link texts that say "this is a file": tải về/tải xuống (download), (file|tệp) đính kèm
# (attached file), văn bản đính kèm (attached document).
_DOWNLOAD_CUE = re.compile(
    r"tải về|tải xuống|download|(?:file|tệp|tập tin|văn bản) đính kèm", re.IGNORECASE
)
# Something in an href that may name a file (an extension anywhere, a file ticket, a
# download handler); confirmed on the resolved URL below. Decomposed text never matters here.
_FILE_HINT = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z)\b|fileticket|download|tai-?ve|getfile"
)


def is_teaser_list(found: list[Element]) -> bool:
    """Three or more matches at one depth under one container are a listing's teasers
    (`<article>` + excerpt per post in WordPress and other HTML5 themes), not an article."""
    if len(found) < _TEASERS:
        return False
    first = found[0]
    for depth in range(1, 4):
        container = _ancestor(first, depth)
        if container is None:
            return False
        if sum(_ancestor(other, depth) is container for other in found) >= _TEASERS:
            return True
    return False


def _ancestor(element: Element, depth: int) -> Element | None:
    for _ in range(depth):
        parent = element.getparent()
        if parent is None:
            return None
        element = parent
    return element


def article_container(body: Element) -> Element:
    """Where title, date line, sapo and files usually sit: the body's grandparent at most."""
    container = body
    for _ in range(_CONTAINER_LEVELS):
        parent = container.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        container = parent
    return container


def walk_body(doc: Document, body: Element) -> tuple[list[str], list[Image]]:
    """Paragraph texts and images, in reading order; captions go to images, not the text."""
    return _walk(doc, body, True)


def body_images(doc: Document, body: Element) -> list[Image]:
    """`walk_body`'s images alone: a text block is read only when it can be the caption of
    the image before it (the main-text layer has its paragraphs already)."""
    if first_inside(body, "img") is None:
        return []
    return _walk(doc, body, False)[1]


def _walk(doc: Document, body: Element, texts: bool) -> tuple[list[str], list[Image]]:
    paragraphs: list[str] = []
    images: list[Image] = []
    for block in _blocks(body, _holding_blocks(body)):
        pictures = all_inside(block, "img") if block.tag != "img" else [block]
        if pictures:
            caption = _caption(block)
            for img in pictures:
                url = doc.absolute(img.get("src") or img.get("data-src"))
                if url:
                    images.append(Image(url=url, caption=caption))
            text = _text_without_caption(block)
            if caption is None and _is_figure_like(block) and text and len(text) <= 300:
                caption, text = text, None
                for image in images[-len(pictures) :]:
                    image.caption = caption
        elif texts or (images and images[-1].caption is None):
            text = clean_text(text_of(block))
        else:
            continue  # (no image waits for a caption: `_is_caption_of_previous` is False)
        if text and not _is_caption_of_previous(block, images, text):
            paragraphs.append(text)
    return paragraphs, images


def _blocks(element: Element, holding: set[Element]) -> Iterator[Element]:
    """Leaf-level blocks: a figure is one block; a block with block children is descended.

    `holding`: the elements with a block element somewhere inside (`_holding_blocks`)."""
    if element.text and element.text.strip():
        # Loose text in a container (text<br>text) is one block: splitting it further would
        # cut sentences at <br> or inline tags.
        yield element
        return
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child not in holding or _is_figure_like(child):
            yield child
        else:
            yield from _blocks(child, holding)


def _holding_blocks(root: Element) -> set[Element]:
    """Every element under `root` that has a block element among its descendants: one pass
    up from each block (stopping at an ancestor already marked), not a scan per element."""
    holding: set[Element] = set()
    for element in root.iter(*_BLOCK_TAGS):
        if element is root:
            continue
        parent = element.getparent()
        while parent is not None and parent not in holding:
            holding.add(parent)
            if parent is root:
                break
            parent = parent.getparent()
    return holding


def _is_figure_like(element: Element) -> bool:
    """<figure>, the one-image layout table many VN portals use for photo + caption, or a
    captioned image box (WordPress classic editor: `div.wp-caption` > img + p.wp-caption-text)."""
    if element.tag == "figure":
        return True
    captioned = element.tag == "div" and (
        _CAPTION_CLASSES.search(element.get("class") or "") or _image_box(element)
    )
    if (element.tag != "table" and not captioned) or first_inside(element, "img") is None:
        return False
    return len(text_of(element).strip()) <= 300


def _image_box(element: Element) -> bool:
    """A box of one image and a short line, whatever its class: the image and its caption
    (`<div><img><p>caption</p></div>`). Not a linked card (thumbnail + title link)."""
    images = all_inside(element, "img")
    if len(images) != 1:
        return False
    text = text_of(element).strip()
    if not text or len(text) > _BOX_CAPTION_CHARS:
        return False
    linked = sum(len(text_of(a).strip()) for a in element.iter("a"))
    return linked * 2 < len(text)


_BOX_CAPTION_CHARS = 200


def _caption(block: Element) -> str | None:
    for element in block.iter():
        if not isinstance(element.tag, str):
            continue
        classes = element.get("class") or ""
        if element.tag == "figcaption" or _CAPTION_CLASSES.search(classes):
            return clean_text(text_of(element))
    return None


def _text_without_caption(block: Element) -> str | None:
    if _inside_caption(block):
        return None
    parts: list[str] = []

    def visit(element: Element) -> None:
        # One walk that skips caption subtrees (not their tails), instead of climbing to
        # the root from every element to ask whether it sits in a caption.
        if element.text:
            parts.append(element.text)
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if not _is_caption_element(child):
                visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(block)
    return clean_text(" ".join(parts))


def _is_caption_element(element: Element) -> bool:
    return element.tag == "figcaption" or bool(_CAPTION_CLASSES.search(element.get("class") or ""))


def _inside_caption(element: Element | None) -> bool:
    while element is not None:
        if element.tag == "figcaption" or _CAPTION_CLASSES.search(element.get("class") or ""):
            return True
        element = element.getparent()
    return False


def _is_caption_of_previous(block: Element, images: list[Image], text: str) -> bool:
    """A short italic/centred line right after an image is its caption (common VN markup)."""
    if not images or images[-1].caption is not None or len(text) > 200:
        return False
    node = block
    # Out of wrappers that hold nothing else (<div><p>caption</p></div>): the image's block
    # is the wrapper's previous sibling.
    while node.getprevious() is None:
        parent = node.getparent()
        if parent is None or has_text_beside(parent, node):
            break
        node = parent
    previous = node.getprevious()
    if previous is None or not (previous.tag == "img" or first_inside(previous, "img") is not None):
        return False
    if len(text_of(previous).strip()) > _FIGURE_TEXT_CHARS:
        return False  # a paragraph with an inline image, not the image's own block
    styled = first_inside(block, "em") is not None or first_inside(block, "i") is not None
    centred = "center" in (block.get("style") or "") or block.get("align") == "center"
    if styled or centred:
        images[-1].caption = text
        return True
    return False


def find_attachments(
    doc: Document, body: Element, near: Element, extra_areas: list[Element] | None = None
) -> list[Attachment]:
    """Documents linked from the article: by file extension, or by a download cue in the
    link ("Tải về", "File đính kèm") for portals that serve files from Download.aspx?id=…"""
    areas = [body, *(extra_areas or [])]
    for found in doc.select(doc.candidates("attachment_areas"), within=near):
        areas.extend(found)
    seen: set[str] = set()
    found: list[Attachment] = []
    for area in areas:
        for link in area.iterdescendants("a"):
            href = link.get("href")
            if href is None:
                continue
            raw_text = None
            # Cheap gate before resolving: most links (related news, menus) are not files.
            # Attributes first; the link's text is joined only when they do not settle it.
            if not (link.get("title") or link.get("class") or _FILE_HINT.search(href.lower())):
                raw_text = text_of(link)
                if not _DOWNLOAD_CUE.search(unicodedata.normalize("NFC", raw_text)):
                    continue
            url = doc.absolute(href)
            if not url or url in seen:
                continue
            label = clean_text(raw_text if raw_text is not None else text_of(link))
            parts = urlsplit(url)
            path = parts.path.lower()
            if (
                path.endswith(_DOCUMENT_EXTENSIONS)
                or _is_file_handler(path, parts.query)
                or _is_download_cue(label, link)
            ):
                seen.add(url)
                found.append(Attachment(url=url, title=label))
    return found


def _is_file_handler(path: str, query: str) -> bool:
    """DotNetNuke serves uploaded files as ``LinkClick.aspx?fileticket=…`` (no extension,
    often no cue text: the link text is the document's own title)."""
    return path.endswith("/linkclick.aspx") and "fileticket=" in query.lower()


def _is_download_cue(label: str | None, link: Element) -> bool:
    cue = " ".join(filter(None, (label, link.get("title"), link.get("class"))))
    return bool(cue) and _DOWNLOAD_CUE.search(unicodedata.normalize("NFC", cue)) is not None
