"""Perturbations of an article page that a robust extractor must survive.

Each function takes HTML text and returns HTML text (doctype and charset kept), is pure and,
where randomness is involved, seeded. They model what really differs between portals and
between one portal's redesigns: class names and ids (every CMS theme names them differently),
nesting depth (page builders wrap everything in divs), the sidebar's place in the markup (left
columns come first in document order), and whether structured metadata (JSON-LD, OpenGraph,
microdata, `<time datetime>`) is present at all. An extractor tuned to our fixtures' class
names or to "the first list of links after the headline" fails them; one that reads the page's
signals does not.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Iterable

from lxml import etree
from lxml import html as lxml_html
from lxml.etree import _Element as Element

__all__ = [
    "PERTURBATIONS",
    "SIDEBAR_HEADINGS",
    "drop_structured",
    "find_body_anchor",
    "find_headline",
    "find_sidebars",
    "move_sidebar_first",
    "perturb_all",
    "rename_classes_ids",
    "wrap_blocks",
]

# New names use consonants and digits only: no English or Vietnamese word ("title", "date",
# "content", "tin") can appear in them by chance and be picked up by a class-name heuristic.
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz0123456789"
# Attributes holding a list of ids (for=, aria-*, headers=): renamed with the ids they name.
_ID_REF_ATTRS = ("for", "aria-controls", "aria-labelledby", "aria-describedby", "aria-owns")
_ID_REF_LIST_ATTRS = ("headers",)

# Flow containers a <div> may sit in without the HTML parser re-nesting it on the next parse
# (a <div> inside <p>, <a>, <span> or <h1> would be moved out and change the text order).
_FLOW_PARENTS = frozenset(
    [
        "body",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "header",
        "footer",
        "nav",
        "form",
        "td",
        "th",
        "li",
        "dd",
        "blockquote",
        "figure",
        "center",
    ]
)
_WRAPPABLE = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figure",
        "table",
        "ul",
        "ol",
        "dl",
        "blockquote",
        "div",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "time",
    ]
)

#: Box headings of the sidebars of Vietnamese portals (folded, lower case, no diacritics).
SIDEBAR_HEADINGS: tuple[str, ...] = (
    "tin moi",
    "van ban moi",
    "thong ke truy cap",
    "tin xem nhieu",
    "tin doc nhieu",
    "tham do y kien",
    "lien ket website",
)
_SIDEBAR_TOKEN = re.compile(
    r"sidebar|side-?bar|(?:^|[-_])(?:aside|side|sidebox)(?:$|[-_])|col(?:-[a-z]{2})?-[34]$"
)
# "left", "right" (trái, phải) as a word of the token: col-left, LeftPane, kq-right; never
# "copyright" or "footleft".
_LEFT_RIGHT = re.compile(r"(?:^|[-_])(?:left|right|trai|phai)")
# Utility classes that say where text sits, not that the element is a column.
_ALIGN_PREFIX = re.compile(
    r"^(?:text|pull|float|align|is|has|ml|mr|pl|pr|m|p|to|from|border|rounded|justify|"
    r"items|self|content|icon|fa|glyphicon|arrow|caret|btn|nav|dropdown|menu)[-_]"
)
_BLOCKS = frozenset(["div", "p", "ul", "ol", "table", "section", "article", "aside"])
_COLUMN_TAGS = frozenset(["div", "aside", "section", "td", "ul", "table"])


def _parse(html: str) -> tuple[Element, str | None]:
    """The document's root element and its doctype line (None when the page has none)."""
    root = lxml_html.document_fromstring(html)
    doctype = root.getroottree().docinfo.doctype or None
    return root, doctype


def _serialize(root: Element, doctype: str | None) -> str:
    text = etree.tostring(root, method="html", encoding="unicode")
    return f"{doctype}\n{text}" if doctype else text


def _fold(text: str) -> str:
    """Lower case, no diacritics (đ -> d), whitespace collapsed: for matching headings."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", bare.lower()).split())


def _elements(root: Element) -> Iterable[Element]:
    """Real elements only (lxml also yields comments and processing instructions)."""
    return (el for el in root.iter() if isinstance(el.tag, str))


def _text(el: Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _new_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = "z" + "".join(rng.choice(_NAME_ALPHABET) for _ in range(7))
        if name not in taken:
            taken.add(name)
            return name


def rename_classes_ids(html: str, seed: int) -> str:
    """Every class token and id renamed to a random token, consistently within the page.

    The same old name always gets the same new name (a class shared by the title and the list
    items stays shared), and `for=`, `aria-controls`, `headers=` and `href="#id"` follow their
    ids. `itemprop`, `property` and `name` are structured metadata, left to `drop_structured`.
    CSS and scripts are not rewritten: no extractor reads them.
    """
    root, doctype = _parse(html)
    rng = random.Random(seed)
    taken: set[str] = set()
    names: dict[str, str] = {}

    def rename(old: str) -> str:
        if old not in names:
            names[old] = _new_name(rng, taken)
        return names[old]

    for el in _elements(root):
        if el.get("id"):
            el.set("id", rename(el.get("id")))
        if el.get("class") is not None:
            tokens = el.get("class").split()
            el.set("class", " ".join(rename(t) for t in tokens))
    for el in _elements(root):
        for attr in (*_ID_REF_ATTRS, *_ID_REF_LIST_ATTRS):
            if el.get(attr):
                el.set(attr, " ".join(rename(t) for t in el.get(attr).split()))
        href = el.get("href")
        if href and href.startswith("#") and href[1:] in names:
            el.set("href", "#" + names[href[1:]])
    return _serialize(root, doctype)


def _wrap(el: Element, levels: int) -> None:
    """Put `el` inside `levels` nested bare <div>s, at its place (its tail stays outside)."""
    parent = el.getparent()
    outer = etree.Element("div")
    inner = outer
    for _ in range(levels - 1):
        inner = etree.SubElement(inner, "div")
    tail, el.tail = el.tail, None
    parent.replace(el, outer)
    inner.append(el)
    outer.tail = tail


def wrap_blocks(html: str, seed: int, share: float = 0.6) -> str:
    """Wrap block elements (paragraphs, headings, figures, tables, containers) in 1-3 divs.

    About `share` of the body's block elements get wrapped, each on its own, so paragraphs
    that were siblings no longer are and the headline sits deeper than its date line. Only
    blocks whose parent may hold a <div> are wrapped: the page parses to the same text order.
    """
    root, doctype = _parse(html)
    rng = random.Random(seed)
    body = root.find("body")
    if body is None:
        return _serialize(root, doctype)
    targets = [
        el
        for el in _elements(body)
        if el is not body
        and el.tag in _WRAPPABLE
        and el.getparent() is not None
        and el.getparent().tag in _FLOW_PARENTS
    ]
    for el in targets:
        if rng.random() < share:
            _wrap(el, rng.randint(1, 3))
    return _serialize(root, doctype)


def find_body_anchor(root: Element) -> Element | None:
    """The element holding the most paragraph text: the article body, whatever the markup.

    Scored by the text of its direct <p> children, or its own text nodes for table layouts
    that put the body straight into a <td>; so one long footer line does not win.
    """
    body = root.find("body")
    if body is None:
        return None
    best: Element | None = None
    best_len = 0
    for el in _elements(body):
        if el.tag in ("script", "style"):
            continue
        paragraphs = sum(_paragraph_size(c) for c in el if c.tag in ("p", "div"))
        own = len(((el.text or "") + "".join(c.tail or "" for c in el)).strip())
        if max(paragraphs, own) > best_len:
            best, best_len = el, max(paragraphs, own)
    return best


def _paragraph_size(el: Element) -> int:
    """Text length of a paragraph-like block (no nested blocks), 0 for a list of links."""
    if any(d.tag in _BLOCKS for d in el.iterdescendants()):
        return 0
    size = len(_text(el))
    linked = sum(len(_text(a)) for a in el.iter("a"))
    return 0 if linked * 2 > size else size


def find_headline(root: Element) -> Element | None:
    """The article's headline, found without class names (so also on a renamed page).

    Portals title their pages "<headline> - <site name>" (the headline sometimes shortened),
    so the headline is an element whose text (15+ characters, punctuation ignored) is part of
    <title> or holds all of it: the last such before the body (the site name in the header
    comes earlier), which is also the innermost one. Else the first <h1> before the body;
    else None (a <title> naming only the site: the body alone is then the anchor).
    """
    body = root.find("body")
    if body is None:
        return None
    title_el = root.find(".//title")
    page_title = _fold(title_el.text_content()) if title_el is not None else ""
    anchor = find_body_anchor(root)
    before: list[Element] = []
    first_h1: Element | None = None
    for el in _elements(body):
        if el is anchor:
            break
        if el.tag == "h1" and first_h1 is None:
            first_h1 = el
        if not page_title or el.tag in ("script", "style", "a"):
            continue
        text = _fold(_text(el))
        if len(text) >= 15 and (
            text in page_title or (page_title in text and len(text) < 2 * len(page_title))
        ):
            before.append(el)
    return before[-1] if before else first_h1


def _contains(ancestor: Element, el: Element | None) -> bool:
    """Whether `el` is `ancestor` or inside it."""
    if el is None:
        return False
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def _is_sidebar_by_name(el: Element) -> bool:
    if el.tag == "aside":
        return True
    if el.tag not in _COLUMN_TAGS:
        return False
    tokens = [*(el.get("class") or "").lower().split(), (el.get("id") or "").lower()]
    for token in filter(None, tokens):
        if _SIDEBAR_TOKEN.search(token):
            return True
        if _LEFT_RIGHT.search(token) and not _ALIGN_PREFIX.match(token):
            return True
    return False


def _heading_boxes(body: Element) -> list[Element]:
    """Boxes found by their heading text ("Tin mới", "Thống kê truy cập"...): the heading's
    nearest ancestor that holds more than the heading."""
    boxes: list[Element] = []
    for el in _elements(body):
        if el.tag in ("a", "li", "option", "script", "style", "body"):
            continue
        if _fold(_text(el)) not in SIDEBAR_HEADINGS:
            continue
        box = el
        while box.getparent() is not None and _text(box.getparent()) == _text(el):
            box = box.getparent()
        if box.getparent() is not None and box.getparent().tag != "body":
            boxes.append(box.getparent())
    return boxes


def find_sidebars(root: Element) -> list[Element]:
    """The page's sidebars, outermost only, in document order.

    A sidebar is an <aside>, a column whose class or id says side/left/right (or a narrow grid
    column: col-md-3, col-4), or a box with a sidebar heading. Anything holding the headline
    or the body (`find_body_anchor`) is never a sidebar; alignment utilities ("text-right",
    "pull-left") are not columns, so a right-aligned byline stays in the article.
    """
    body = root.find("body")
    if body is None:
        return []
    anchors = [a for a in (find_headline(root), find_body_anchor(root)) if a is not None]
    found = [el for el in _elements(body) if el is not body and _is_sidebar_by_name(el)]
    found += _heading_boxes(body)
    chosen: list[Element] = []
    for el in found:
        if any(_contains(el, a) for a in anchors):
            continue
        chosen.append(el)
    outermost = [el for el in chosen if not any(o is not el and _contains(o, el) for o in chosen)]
    order = {id(el): i for i, el in enumerate(_elements(root))}
    unique = list({id(el): el for el in outermost}.values())
    return sorted(unique, key=lambda el: order[id(el)])


def _common_ancestor(elements: list[Element]) -> Element:
    paths = [[el, *el.iterancestors()][::-1] for el in elements]
    common = paths[0][0]
    for level in zip(*paths, strict=False):
        if all(x is level[0] for x in level):
            common = level[0]
        else:
            break
    return common


def move_sidebar_first(html: str) -> str:
    """Move every sidebar before the main content container, in document order.

    Many portals put the left column first in the markup, so "Tin mới" and "Văn bản mới"
    come before the headline; an extractor that takes the first date or the first list after
    some landmark picks the sidebar's. Each sidebar goes right before the child of its common
    ancestor with the article (headline and longest paragraph) that holds the article. Run it
    before `rename_classes_ids`: it finds sidebars by their class names.
    """
    root, doctype = _parse(html)
    anchors = [a for a in (find_headline(root), find_body_anchor(root)) if a is not None]
    if not anchors:
        return _serialize(root, doctype)
    order = {id(el): i for i, el in enumerate(_elements(root))}
    first_anchor = min(anchors, key=lambda el: order[id(el)])
    for sidebar in find_sidebars(root):
        common = _common_ancestor([sidebar, *anchors])
        main = next(
            (a for a in [first_anchor, *first_anchor.iterancestors()] if a.getparent() is common),
            None,
        )
        if main is None or main is sidebar:
            continue
        _detach(sidebar)
        main.addprevious(sidebar)
    return _serialize(root, doctype)


def _detach(el: Element) -> None:
    """Remove `el` from the tree, leaving its tail text where it was."""
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    el.tail = None
    parent.remove(el)


# <meta name=...> / <meta property=...> values that carry article metadata.
_STRUCTURED_META = re.compile(
    r"^(?:og:|article:|twitter:|dc\.|dcterms\.|dc:|citation_|parsely-|sailthru\.|book:)|"
    r"^(?:author|description|keywords|news_keywords|pubdate|publishdate|publish-date|"
    r"publication_date|date|datepublished|datemodified|last-modified|lastmod|creator|"
    r"copyright|abstract|title)$",
    re.IGNORECASE,
)
_MICRODATA_ATTRS = ("itemprop", "itemscope", "itemtype", "itemid", "itemref")
_RDFA_ATTRS = ("property", "typeof", "vocab", "datatype", "about", "resource")


def drop_structured(html: str) -> str:
    """Remove every piece of structured metadata, keeping all visible text.

    Gone: JSON-LD scripts, OpenGraph / article:* / Dublin Core / author / description metas,
    microdata (`itemprop`, `itemscope`, `itemtype`; `<meta itemprop>` elements), RDFa
    (`property`, `typeof`, `content` on body elements), `datetime` on `<time>` and `title` on
    `<abbr>`. What remains is what a reader sees, plus `<title>`: many portals have no more.
    """
    root, doctype = _parse(html)
    for el in list(_elements(root)):
        tag = el.tag
        if tag == "script" and (el.get("type") or "").strip().lower() == "application/ld+json":
            _detach(el)
            continue
        if tag in ("meta", "link"):
            key = el.get("property") or el.get("name") or ""
            if el.get("itemprop") is not None or (key and _STRUCTURED_META.search(key.strip())):
                _detach(el)
                continue
            if (el.get("http-equiv") or "").lower() == "last-modified":
                _detach(el)
                continue
            continue
        for attr in (*_MICRODATA_ATTRS, *_RDFA_ATTRS, "content"):
            el.attrib.pop(attr, None)
        if tag in ("time", "ins", "del"):
            el.attrib.pop("datetime", None)
        if tag == "abbr":
            el.attrib.pop("title", None)
    return _serialize(root, doctype)


def perturb_all(html: str, seed: int) -> str:
    """All perturbations together: sidebar first (needs class names), metadata dropped,
    blocks wrapped, then every class and id renamed."""
    html = move_sidebar_first(html)
    html = drop_structured(html)
    html = wrap_blocks(html, seed)
    return rename_classes_ids(html, seed)


#: Perturbation name -> function of (html, seed), for parametrised tests.
PERTURBATIONS: dict[str, Callable[[str, int], str]] = {
    "rename": rename_classes_ids,
    "wrap": wrap_blocks,
    "sidebar_first": lambda html, seed: move_sidebar_first(html),
    "drop_structured": lambda html, seed: drop_structured(html),
    "all": perturb_all,
}
