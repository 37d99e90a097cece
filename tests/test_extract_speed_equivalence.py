"""Shortcuts taken for extraction speed give exactly what the long way gives (issue 11's speed
goal on real pages; docs/extraction.md, Measured). Pages written here; the bench compares
outputs on the real ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from portal_spider.extract import _main_text_likely, parse_document
from portal_spider.extract.document import (
    _HTML_END_TAG,
    _end_tag_before_end,
    build_document,
    prepare_markup,
)
from portal_spider.extract.fallback import (
    shares_parse,
    trafilatura_body,
    trafilatura_options,
    trafilatura_tree,
    tree_is_shareable,
)
from portal_spider.extract.platforms import get_platform
from portal_spider.extract.text import (
    all_inside,
    first_inside,
    has_text,
    has_text_beside,
    text_of,
)

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted(FIXTURES.glob("platforms/*/*.html")) + sorted(FIXTURES.glob("generic/*.html"))
IDS = [f"{p.parent.name}/{p.stem}" for p in PAGES]


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_our_tree_for_trafilatura_is_the_one_it_would_parse(path: Path) -> None:
    """`trafilatura_tree` is `load_html`'s tree (same elements, attributes, text), every
    element of class HtmlElement, and trafilatura reads the same body from it, the long way
    (`bare_extraction`, which copies it) and ours (`trafilatura_body`, which does not)."""
    doc = parse_document(path.read_bytes(), "https://xa-mau.example.gov.vn/tin/1.html")
    ours, theirs = trafilatura_tree(doc.markup), load_html(doc.markup)
    assert ours is not None and theirs is not None
    assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")
    assert ours.tag == theirs.tag
    assert all(type(element) is HtmlElement for element in ours.iter(etree.Element))
    reference = bare_extraction(doc.markup, options=trafilatura_options(doc.url))
    expected = None if reference is None else etree.tostring(reference.body)
    copied = bare_extraction(ours, options=trafilatura_options(doc.url))
    assert (None if copied is None else etree.tostring(copied.body)) == expected
    body = trafilatura_body(trafilatura_tree(doc.markup), trafilatura_options(doc.url))
    assert (None if body is None else etree.tostring(body)) == expected


def test_forms_are_plain_html_elements_with_the_same_markup() -> None:
    markup = (
        "<!DOCTYPE html><html><body><form id='f'><label>Tên</label><input name='q' value='x'>"
        "<select><option>1</option></select><textarea>t</textarea></form>"
        "<p>Bài viết.</p></body></html>"
    )
    tree = trafilatura_tree(markup)
    assert tree is not None
    assert {type(e) for e in tree.iter(etree.Element)} == {HtmlElement}
    assert etree.tostring(tree) == etree.tostring(load_html(markup))


@pytest.mark.parametrize(
    "markup",
    [
        "chỉ là chữ, không có thẻ nào",  # no "html" in its opening: load_html refuses it
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
        "",
    ],
)
def test_markup_load_html_treats_its_own_way_is_left_to_it(markup: str) -> None:
    """Where load_html would refuse the markup or retry it as bytes, no tree is made here:
    trafilatura is handed the markup and decides as before."""
    assert trafilatura_tree(markup) is None


def test_a_fragment_gives_the_element_load_html_gives() -> None:
    """lxml.html's fromstring returns the single element of a fragment, not the document:
    what trafilatura works on must be that same element."""
    markup = "<div><h1>Tiêu đề</h1><p>Một đoạn</p></div><div>html hai</div>"
    ours, theirs = trafilatura_tree(markup), load_html(markup)
    assert ours is not None and theirs is not None
    assert ours.tag == theirs.tag == "div"
    assert etree.tostring(ours) == etree.tostring(theirs)


def test_short_pages_give_no_body_either_way() -> None:
    """trafilatura's own size check: a page with no text is no result, both ways."""
    markup = "<!DOCTYPE html><html><head><title>x</title></head><body><div></div></body></html>"
    assert bare_extraction(markup, options=trafilatura_options(None)) is None
    assert trafilatura_body(trafilatura_tree(markup), trafilatura_options(None)) is None


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_one_parse_for_both_gives_each_its_own_tree(path: Path) -> None:
    """Where the page is parsed once for us and trafilatura, trafilatura's copy is the tree
    `load_html` would make, and ours the tree `parse_document` makes."""
    markup = prepare_markup(path.read_bytes())
    url = "https://xa-mau.example.gov.vn/tin/1.html"
    if not shares_parse(markup):
        return  # parsed again for trafilatura (the test above)
    doc = build_document(markup, url, keep_source=tree_is_shareable)
    plain = parse_document(path.read_bytes(), url)
    assert etree.tostring(doc.root) == etree.tostring(plain.root)
    assert doc.json_ld == plain.json_ld and doc.base_url == plain.base_url
    source = doc.take_source_tree()
    assert source is not None and doc.take_source_tree() is None  # taken once
    expected = etree.tostring(load_html(markup), encoding="unicode")
    assert etree.tostring(source, encoding="unicode") == expected
    assert source.getparent() is None


def test_most_fixture_pages_are_parsed_once() -> None:
    shared = sum(shares_parse(prepare_markup(path.read_bytes())) for path in PAGES)
    assert shared >= len(PAGES) // 2


@pytest.mark.parametrize(
    ("markup", "shared"),
    [
        ("<!DOCTYPE html>\n<html><head></head><body><p>x</p></body></html>", True),
        ("<html><head></head><body><p>x\x0by</p></body></html>", False),  # a control character
        (  # an XHTML doctype on the first line: load_html drops it before parsing
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html><body></body></html>',
            False,
        ),
        ("<body><p>x</p></body>", False),  # not a whole document: lxml.html may return a part
    ],
)
def test_markup_shared_only_as_load_html_would_take_it(markup: str, shared: bool) -> None:
    assert shares_parse(markup) is shared


def test_main_text_guess_follows_the_platforms_body_selectors() -> None:
    wordpress, generic = get_platform("wordpress"), get_platform("generic")
    assert _main_text_likely(generic, "<html><body><p>x</p></body></html>")
    assert not _main_text_likely(wordpress, '<div class="entry-content"><p>x</p></div>')
    assert _main_text_likely(wordpress, '<div class="post-body"><p>x</p></div>')


@pytest.mark.parametrize("path", PAGES[::5], ids=IDS[::5])
def test_descendant_reads_are_elementpaths(path: Path) -> None:
    """`first_inside` / `all_inside` are `find(".//tag")` / `findall(".//tag")`."""
    root = parse_document(path.read_bytes(), "https://xa-mau.example.gov.vn/").root
    for element in root.iter("div", "td", "p", "body", "table", "img"):
        for tag in ("img", "a", "em", "table"):
            assert first_inside(element, tag) is element.find(f".//{tag}")
            assert all_inside(element, tag) == element.findall(f".//{tag}")


@pytest.mark.parametrize(
    ("tail", "cut"),
    [
        ("</html>", True),
        ("</HTML >", True),
        ("</HtMl\n>", True),
        ("</htm>", False),
        ("</html-x>", False),
        ("", False),
    ],
)
def test_a_stray_end_tag_is_found_in_any_case(tail: str, cut: bool) -> None:
    markup = f"<html><body><p>Một</p>{tail}<p>Hai</p>" + " " * 80 + "</body></html>"
    assert _end_tag_before_end(markup) is cut
    assert _end_tag_before_end(markup) is (
        _HTML_END_TAG.search(markup, 0, len(markup) - 64) is not None
    )


@pytest.mark.parametrize("path", PAGES[::3], ids=IDS[::3])
def test_text_beside_a_child_is_the_length_comparison_it_replaces(path: Path) -> None:
    """`has_text_beside(parent, child)` is "the parent's stripped text is longer than the
    child's", and `has_text(parent)` when the child has none."""
    root = parse_document(path.read_bytes(), "https://xa-mau.example.gov.vn/").root
    for parent in root.iter("div", "p", "td", "a", "span", "figure"):
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            longer = len(text_of(parent).strip()) != len(text_of(child).strip())
            assert has_text_beside(parent, child) is longer
            if not has_text(child):
                assert has_text_beside(parent, child) is has_text(parent)
