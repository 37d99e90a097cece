"""The fast paths of platform detection, the counter gate and the class/id index read pages
exactly as the plain ones: these tests take the pages where the two could part."""

from __future__ import annotations

from portal_spider.extract.counter import extract_visitor_counter
from portal_spider.extract.document import parse_document
from portal_spider.extract.platforms import detect_platform

_COUNTER = (
    "<div class='thong-ke'><p>Thống kê truy cập</p>"
    "<p>Đang online: 12</p><p>Hôm nay: 345</p><p>Tổng truy cập: 45.210</p></div>"
)


def _page(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_hint_found_only_through_unicode_lower_case() -> None:
    # The Kelvin sign's lower case is "k": str.lower() reads "NUKEVIET", a bytes search of
    # ASCII letters would not, so such a page takes the str path.
    head = '<meta name="generator" content="NU\u212aEVIET 4">'
    doc = parse_document(_page("<p>Trang</p>", head), "https://xa.example.vn/")
    assert detect_platform(doc).name == "nukeviet"


def test_hints_in_bytes_and_case_sensitive_fingerprints() -> None:
    cases = {
        '<meta name="generator" content="NukeViet v4.5">': "nukeviet",
        '<link href="/wp-content/themes/x/style.css">': "wordpress",
        '<link href="/WP-CONTENT/themes/x/style.css">': "generic",  # the regex is exact-case
        '<div id="dnn_ctr123_ContentPane"></div>': "dotnetnuke",
        '<form name="aspnetForm"><input name="MSOWebPartPageFormName"></form>': "sharepoint",
    }
    for markup, expected in cases.items():
        doc = parse_document(_page(markup), "https://xa.example.vn/tin-tuc/")
        assert detect_platform(doc).name == expected, markup


def test_counter_read_when_a_text_changes_length_in_lower_case() -> None:
    # "İ" lower-cases to two characters: the joined gate cannot map positions back and the
    # nodes are gated one by one; the counter is the same.
    plain = parse_document(_page("<p>Tin</p>" + _COUNTER), "https://xa.example.vn/")
    dotted = parse_document(_page("<p>İzmir</p>" + _COUNTER), "https://xa.example.vn/")
    expected = {"online": 12, "today": 345, "total": 45210}
    assert extract_visitor_counter(plain) == expected
    assert extract_visitor_counter(dotted) == expected


def test_counter_gate_finds_labels_among_many_nodes_and_long_texts() -> None:
    filler = "".join(
        f"<p>Đoạn văn số {n} của bài viết, đủ dài để không là nhãn.</p>" for n in range(300)
    )
    long_line = "<p>" + "Hôm nay " * 30 + "</p>"  # a label's first word, but a whole paragraph
    doc = parse_document(_page(filler + long_line + _COUNTER), "https://xa.example.vn/")
    assert extract_visitor_counter(doc) == {"online": 12, "today": 345, "total": 45210}
    no_counter = parse_document(_page(filler + long_line), "https://xa.example.vn/")
    assert extract_visitor_counter(no_counter) is None


def test_class_and_id_index_in_document_order() -> None:
    doc = parse_document(
        _page(
            "<div class='a b' id='x'><span class='b'>1</span></div><p class=' b '>2</p>"
            "<p id=''>3</p><p id='x'>4</p>"
        ),
        "https://xa.example.vn/",
    )
    index = doc.index
    assert [e.tag for e in index.by_class["b"]] == ["div", "span", "p"]
    assert [e.tag for e in index.by_class["a"]] == ["div"]
    assert [e.tag for e in index.by_id["x"]] == ["div", "p"]
    assert "" not in index.by_id
