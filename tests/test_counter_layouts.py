"""The visitor counter in every layout portals use, and the numbers that are never the counter.

Fixture pages (tests/fixtures/counters/) and inline snippets are our own invented text.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from portal_spider.extract import extract_page
from portal_spider.extract.counter import COUNTER_LABELS, ONLINE_PARTS, extract_visitor_counter
from portal_spider.extract.document import parse_document
from portal_spider.extract.record import COUNTER_KEYS

COUNTERS = Path(__file__).parent / "fixtures" / "counters"
URL = "http://mau.example.vn/"


def _counter(html: str) -> dict[str, int] | None:
    return extract_visitor_counter(parse_document(html, URL))


def _page(name: str) -> dict[str, int] | None:
    return extract_visitor_counter(parse_document((COUNTERS / name).read_bytes(), URL))


def _box(rows: str) -> str:
    return (
        '<html><body><div class="main"><p>Hội nghị triển khai nhiệm vụ năm 2024 của xã.</p>'
        f'</div><div class="sidebar"><div class="box">{rows}</div></div></body></html>'
    )


# --- Layouts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # "Label: N" in one text node; a per-article view count and a data table nearby.
        ("same_node.html", {"online": 61, "today": 2579, "yesterday": 3104, "total": 1448808}),
        # Label and number in sibling elements, with and without a colon.
        (
            "sibling_elements.html",
            {"online": 12, "today": 845, "this_month": 21930, "total": 4798812},
        ),
        # <td>label</td><td>number</td>, one row per counter.
        (
            "table_cells.html",
            {
                "online": 7,
                "today": 2579,
                "last_week": 18220,
                "last_month": 75004,
                "this_year": 302117,
                "total": 1448808,
            },
        ),
        # Labels in a <th> row (after a caption row), the numbers in the next <tr>.
        (
            "th_row.html",
            {
                "online": 3,
                "this_week": 9840,
                "this_month": 41002,
                "this_year": 398115,
                "total": 5120774,
            },
        ),
        # One digit per <span>, <b>, <i>, <div>.
        (
            "digits_per_element.html",
            {"online": 14, "today": 306, "yesterday": 512, "total": 452318},
        ),
        # One digit per image: ".../counter/2.gif", ".../digits/6.png", alt="3".
        ("digit_images.html", {"today": 2579, "this_month": 6041, "total": 381092}),
        # Labels as an image's alt or an element's title (alt, title and text of one row).
        (
            "image_labels.html",
            {"online": 9, "today": 2579, "this_week": 13480, "total": 284613},
        ),
        # The footer one-liner, next to an address and a phone number.
        ("footer_oneliner.html", {"online": 7, "total": 284613}),
        # NukeViet's default counter: sibling spans, no colon, parts-of-online sub-rows.
        (
            "nukeviet_default.html",
            {"online": 33, "today": 1602, "this_month": 40227, "total": 1805390},
        ),
        # Labels the table does not know are kept verbatim (NFC, spaces collapsed, no colon).
        (
            "unknown_labels.html",
            {"online": 5, "Khách": 30, "Lượt truy cập IP": 12, "total": 9000},
        ),
        # Three candidate blocks: the sidebar counter (most known keys) wins.
        (
            "two_blocks.html",
            {"online": 48, "today": 1926, "yesterday": 2011, "total": 612340},
        ),
    ],
)
def test_counter_layout(name: str, expected: dict[str, int]) -> None:
    assert _page(name) == expected


def test_counter_through_extract_page() -> None:
    record = extract_page((COUNTERS / "nukeviet_default.html").read_bytes(), URL)
    assert record.visitor_counter == {
        "online": 33,
        "today": 1602,
        "this_month": 40227,
        "total": 1805390,
    }


def test_label_and_number_in_separate_li_and_div() -> None:
    html = _box(
        "<ul><li>Hôm nay</li><li>1.204</li><li>Tổng số</li><li>88.310</li></ul>"
        "<div><div>Hôm qua</div><div>905</div></div>"
    )
    assert _counter(html) == {"today": 1204, "total": 88310, "yesterday": 905}


def test_th_row_without_caption_and_single_digit_cells_stay_apart() -> None:
    html = _box(
        "<table><tr><th>Đang truy cập</th><th>Khách</th><th>Hôm nay</th></tr>"
        "<tr><td><span>4</span></td><td><span>3</span></td><td><span>7</span></td></tr></table>"
    )
    assert _counter(html) == {"online": 4, "Khách": 3, "today": 7}


@pytest.mark.parametrize(
    "number", ["1,448,808", "1.448.808", "1 448 808", "1\u00a0448\u00a0808", "1448808"]
)
def test_separators(number: str) -> None:
    html = _box(f"<p>Đang online: 12</p><p>Tổng truy cập: {number}</p>")
    assert _counter(html) == {"online": 12, "total": 1448808}


def test_mixed_separators_on_one_page() -> None:
    html = _box("<p>Hôm nay: 2579</p><p>Trong tuần: 33,715</p><p>Tất cả: 4.798.812</p>")
    assert _counter(html) == {"today": 2579, "this_week": 33715, "total": 4798812}


def test_one_liner_with_nbsp_runs_and_bullets() -> None:
    html = _box("<p>• Đang online: 12&nbsp;&nbsp;&nbsp;Hôm nay: 345 • Tổng: 1.448.808</p>")
    assert _counter(html) == {"online": 12, "today": 345, "total": 1448808}


def test_one_liner_keeps_an_unknown_label() -> None:
    html = _box("<p>Đang online: 7 | Lượt truy cập IP: 40 | Tổng truy cập: 284.613</p>")
    assert _counter(html) == {"online": 7, "Lượt truy cập IP": 40, "total": 284613}


def test_decomposed_and_upper_case_labels() -> None:
    rows = "<p>ĐANG TRUY CẬP: 5</p><p>Hôm nay: 61</p><p>Tổng lượt truy cập: 9.001</p>"
    html = _box(unicodedata.normalize("NFD", rows))
    assert _counter(html) == {"online": 5, "today": 61, "total": 9001}


def test_unknown_label_keeps_its_case_and_is_nfc() -> None:
    html = _box(unicodedata.normalize("NFD", "<p>Hôm nay: 3</p><p>Lượt Khách   Mới: 2</p>"))
    result = _counter(html)
    assert result == {"today": 3, "Lượt Khách Mới": 2}
    assert all(unicodedata.is_normalized("NFC", key) for key in result)


def test_nukeviet_parts_of_online_are_read_but_not_emitted() -> None:
    result = _page("nukeviet_default.html")
    assert result is not None
    assert not set(result) & {"Thành viên", "Máy chủ tìm kiếm", "Khách viếng thăm"}
    assert result["online"] == 33  # not 1, 14 or 18 (the sub-rows)


def test_nukeviet_sub_rows_with_colons() -> None:
    html = _box(
        "<p><span>Đang truy cập : 18</span></p><p><span>Máy chủ tìm kiếm : 3</span></p>"
        "<p><span>Khách viếng thăm : 15</span></p><p><span>Hôm nay : 412</span></p>"
        "<p><span>Tổng lượt truy cập : <strong>318.777</strong></span></p>"
    )
    assert _counter(html) == {"online": 18, "today": 412, "total": 318777}


def test_drawn_digits_without_a_label_are_not_a_row() -> None:
    # Vinaora-style: a drawn total without a label, then the labelled rows.
    digits = "".join(f'<span class="vdigit">{d}</span>' for d in "452318")
    html = _box(
        f'<div class="digits">{digits}</div><div class="rows">'
        '<div><div class="cell">Hôm nay</div><div class="cell">386</div></div>'
        '<div><div class="cell">Tất cả</div><div class="cell">452318</div></div></div>'
    )
    assert _counter(html) == {"today": 386, "total": 452318}


def test_label_in_title_attribute_of_the_number() -> None:
    html = _box('<div title="Đang online">12</div><div title="Tổng truy cập">4.500</div>')
    assert _counter(html) == {"online": 12, "total": 4500}


# --- One test per label --------------------------------------------------------------------

LABELS: list[tuple[str, str]] = [
    ("Đang truy cập", "online"),
    ("Đang online", "online"),
    ("Đang trực tuyến", "online"),
    ("Trực tuyến", "online"),
    ("Online", "online"),
    ("Hôm nay", "today"),
    ("Lượt truy cập hôm nay", "today"),
    ("Truy cập hôm nay", "today"),
    ("Hôm qua", "yesterday"),
    ("Lượt truy cập hôm qua", "yesterday"),
    ("Tuần này", "this_week"),
    ("Trong tuần", "this_week"),
    ("Tuần trước", "last_week"),
    ("Tháng này", "this_month"),
    ("Trong tháng", "this_month"),
    ("Tháng hiện tại", "this_month"),
    ("Lượt truy cập tháng này", "this_month"),
    ("Tháng trước", "last_month"),
    ("Năm nay", "this_year"),
    ("Trong năm", "this_year"),
    ("Tổng", "total"),
    ("Tổng số", "total"),
    ("Tổng cộng", "total"),
    ("Tổng truy cập", "total"),
    ("Tổng lượt truy cập", "total"),
    ("Tổng số lượt", "total"),
    ("Tổng số lượt truy cập", "total"),
    ("Tất cả", "total"),
    ("Lượt truy cập", "total"),
]


@pytest.mark.parametrize(("label", "key"), LABELS)
def test_label(label: str, key: str) -> None:
    html = _box(f'<div class="row"><span>{label}</span> <span>4.321</span></div>')
    assert _counter(html) == {key: 4321}


def test_label_table_is_lower_case_nfc_and_maps_to_counter_keys() -> None:
    for label, key in COUNTER_LABELS.items():
        assert label == unicodedata.normalize("NFC", label).lower()
        assert key in COUNTER_KEYS
    for label, key in LABELS:
        assert COUNTER_LABELS[label.lower()] == key
    assert not ONLINE_PARTS & set(COUNTER_LABELS)


# --- Never the site counter ----------------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        "<p>Lượt xem: 314</p>",
        "<p>Đã xem: 215</p>",
        "<p>Lượt tải: 12</p>",
        "<p>Số lần xem: 64</p>",
        "<span>Lượt xem</span> <span>1.208</span>",
        "<p>Ngày: 20/06/2024</p><p>Cập nhật lúc 14:05 ngày 09/05/2023</p>",
        "<p>Điện thoại: 02393856123</p><p>Hotline: 1900 1234</p>",
        "<p>Khách: 30</p><p>Thành viên: 4</p>",  # no known label: no counter block
    ],
)
def test_not_a_counter(rows: str) -> None:
    assert _counter(_box(rows)) is None


def test_document_statistics_are_not_the_counter() -> None:
    assert _page("document_stats.html") is None


def test_file_processing_widget_and_poll_results_are_not_the_counter() -> None:
    # The widget even has "Năm nay" and "Tổng" rows: its file vocabulary rules it out.
    assert _page("hoso_widget.html") is None


def test_file_processing_widget_next_to_the_real_counter() -> None:
    html = _box(
        '<div class="w"><div class="h">Tình hình xử lý hồ sơ</div><ul>'
        "<li>Hồ sơ tiếp nhận: <b>12.845</b></li><li>Tổng: <b>13.002</b></li></ul></div>"
        '<div class="w"><div class="h">Thống kê truy cập</div><ul>'
        "<li>Đang online: <b>9</b></li><li>Tổng: <b>95.412</b></li></ul></div>"
    )
    assert _counter(html) == {"online": 9, "total": 95412}


def test_view_count_next_to_the_counter_is_not_kept_as_a_label() -> None:
    html = _box("<p>Lượt xem: 57</p><p>Đang online: 3</p><p>Tổng: 800</p><p>Lượt tải: 4</p>")
    assert _counter(html) == {"online": 3, "total": 800}


def test_article_photo_named_like_a_digit_is_not_a_number() -> None:
    html = _box('<p>Hôm nay: 25</p><p><img src="/upload/1.png"> Ảnh: Lễ ra quân</p>')
    assert _counter(html) == {"today": 25}


def test_digit_images_with_a_generic_alt() -> None:
    images = "".join(f'<img alt="counter" src="/images/counter/{d}.gif">' for d in "4096")
    assert _counter(_box(f"<div><span>Tổng truy cập</span> {images}</div>")) == {"total": 4096}
