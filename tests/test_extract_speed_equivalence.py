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

from portal_spider.extract import parse_document
from portal_spider.extract.fallback import (
    trafilatura_body,
    trafilatura_options,
    trafilatura_tree,
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
