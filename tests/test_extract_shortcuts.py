"""The shortcuts taken for speed in the main-text and structured layers give what the long way
gives (pages written here). (Detection and counter shortcuts: test_extract_fast_paths.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from trafilatura.utils import load_html

from portal_spider.extract import parse_document
from portal_spider.extract.fallback import _may_have_layout_tables, _unwrap_layout_tables
from portal_spider.extract.signals.structured import structured_candidates
from portal_spider.extract.text import has_text, text_of, text_upto

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted(FIXTURES.glob("platforms/*/*.html")) + sorted(FIXTURES.glob("generic/*.html"))


@pytest.mark.parametrize("path", PAGES, ids=[f"{p.parent.name}/{p.stem}" for p in PAGES])
def test_markup_goes_to_trafilatura_unparsed_only_when_no_table_would_change(path: Path) -> None:
    """When no table could be a layout table or a photo box, trafilatura gets the markup
    (it parses it once) instead of our tree: unwrapping it would have changed nothing."""
    doc = parse_document(path.read_bytes(), "https://xa-mau.example.gov.vn/")
    tree = load_html(doc.markup)
    before = etree.tostring(tree)
    captions = _unwrap_layout_tables(tree)
    if not _may_have_layout_tables(doc.root):
        assert captions == set()
        assert etree.tostring(tree) == before


def test_layout_tables_are_noticed() -> None:
    page = "<html><body><table><tr><td>{}</td></tr></table></body></html>"
    photo = page.format('<img src="/a.jpg"><br>Chú thích ảnh')
    nested = page.format("<table><tr><td>x</td></tr></table>")
    prose = page.format("<p>Đoạn một.</p><p>Đoạn hai.</p>")
    data = page.format("Hôm nay")
    found = [
        _may_have_layout_tables(parse_document(h, "https://x.vn/").root)
        for h in (photo, nested, prose, data)
    ]
    assert found == [True, True, True, False]


def test_bounded_text_reads() -> None:
    element = etree.fromstring("<div><p>Một <b>hai</b></p>  <p>ba</p></div>")
    assert text_upto(element, 100) == text_of(element)
    assert text_upto(element, len(text_of(element)) - 1) is None
    assert has_text(element)
    assert not has_text(etree.fromstring("<div> <span>\n</span> </div>"))


def test_structured_candidates_are_read_once_and_not_shared() -> None:
    html = (
        '<html><head><meta property="og:title" content="Xã Mẫu sơ kết"></head><body></body></html>'
    )
    doc = parse_document(html, "https://x.vn/")
    first = structured_candidates(doc)
    first.clear()  # a caller's list is its own
    assert [c.value for c in structured_candidates(doc)] == ["Xã Mẫu sơ kết"]
