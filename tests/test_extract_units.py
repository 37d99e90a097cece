"""Unit tests for the small parsers: numbers, dates, text clean-up."""

import json
import unicodedata

import pytest

from portal_spider.extract.dates import parse_vn_datetime
from portal_spider.extract.numbers import parse_count
from portal_spider.extract.text import clean_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2579", 2579),
        ("33,715", 33715),
        ("1,448,808", 1448808),
        ("4.798.812 ", 4798812),
        ("358\u00a0920", 358920),
        ("0", 0),
    ],
)
def test_parse_count_accepts_vietnamese_grouping(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["5,01", "1.234,5", "1,23,456", "12.34", "", "abc", "1.234.56"])
def test_parse_count_rejects_decimals_and_garbage(text: str) -> None:
    assert parse_count(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02/06/2022 08:30", "2022-06-02T08:30:00+07:00"),
        ("Thứ Năm, 02/06/2022 - 16:30", "2022-06-02T16:30:00+07:00"),
        ("Cập nhật lúc 14:05 ngày 02/06/2022", "2022-06-02T14:05:00+07:00"),
        ("21/07/2022 | 10:00 AM", "2022-07-21T10:00:00+07:00"),
        ("18/03/2019 | 04:01 PM", "2019-03-18T16:01:00+07:00"),
        ("29/09/2012 | 12:00 AM", "2012-09-29T00:00:00+07:00"),
        ("Ngày đăng: 02-06-2022", "2022-06-02"),
        ("Thứ Năm, 02/06/2022", "2022-06-02"),
        ("3/10/2025", "2025-10-03"),
        ("Hà Nội, ngày 2 tháng 6 năm 2022", "2022-06-02"),
        ("Cập nhật lúc 08:15 ngày 12 tháng 01 năm 2023", "2023-01-12T08:15:00+07:00"),
        ("01/11/2024 - 09:50", "2024-11-01T09:50:00+07:00"),
        ("Ngày đăng 18/03/2019 | 04:01 PM", "2019-03-18T16:01:00+07:00"),
    ],
)
def test_parse_vn_datetime(text: str, expected: str) -> None:
    assert parse_vn_datetime(text) == expected


@pytest.mark.parametrize("text", ["31/02/2022", "no date", "", None, "02/13/2022"])
def test_parse_vn_datetime_rejects(text: str | None) -> None:
    assert parse_vn_datetime(text) is None


def test_day_and_month_only_needs_a_context_year() -> None:
    lead = "Ngày 02/6, Thường trực Thành ủy tổ chức hội nghị."
    assert parse_vn_datetime(lead) is None
    assert parse_vn_datetime(lead, context_year=2022) == "2022-06-02"
    assert parse_vn_datetime("Sáng 16/5, đoàn công tác làm việc", context_year=2024) == "2024-05-16"
    assert parse_vn_datetime("Ngày 31/2 tới", context_year=2024) is None
    assert parse_vn_datetime("tỷ lệ 10/12 phường", context_year=2024) is None


def test_clean_text_is_nfc_and_keeps_tone_mark_style() -> None:
    decomposed = unicodedata.normalize("NFD", "Thành uỷ  Trà Vinh\u00a0")
    assert clean_text(decomposed) == "Thành uỷ Trà Vinh"
    assert clean_text("hoà") != clean_text("hòa")  # old-style marks are kept, not rewritten
    assert clean_text("   ") is None


def test_dotnetnuke_file_tickets_are_attachments() -> None:
    from pathlib import Path

    from portal_spider.extract import extract_page

    fixture = Path(__file__).parent / "fixtures/platforms/dotnetnuke/article_attachments"
    expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    html = fixture.with_suffix(".html").read_text(encoding="utf-8")
    ticket = "/LinkClick.aspx?fileticket=Ab3dEf%3d&amp;tabid=81&amp;mid=512"
    links = (
        f'<a href="{ticket}">Quyết định số 12</a>'
        '<a href="/LinkClick.aspx?link=91&amp;tabid=81">Trang liên kết</a>'
    )
    area = '<div class="tep-dinh-kem"><b>Văn bản đính kèm:</b><br />'
    html = html.replace(area, area + links)
    record = extract_page(html.encode(), expected["url"])
    host = "https://huyendongmau.example.gov.vn"
    assert [(a.url, a.title) for a in record.attachments][:1] == [
        (f"{host}/LinkClick.aspx?fileticket=Ab3dEf%3d&tabid=81&mid=512", "Quyết định số 12")
    ]
    assert len(record.attachments) == len(expected["expected"]["attachments"]) + 1
