"""Date forms Vietnamese portals print and emit, read into our ISO form (dates.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal_spider.extract.dates import (
    date_label_kind,
    is_plausible_date,
    looks_like_header_clock,
    parse_meta_datetime,
    parse_vn_datetime,
)

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}\+07:00)?$")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Joomla vi-VN: weekday, day, "Tháng" and the month number, year, time.
        ("Thứ năm, 16 Tháng 6 2022 15:42", "2022-06-16T15:42:00+07:00"),
        # WordPress vi: month names.
        ("15 Tháng Tám, 2023", "2023-08-15"),
        ("Đăng ngày 4 Tháng Một, 2024", "2024-01-04"),
        ("20 Tháng Tư, 2021", "2021-04-20"),
        ("7 Tháng Bảy, 2022", "2022-07-07"),
        ("30 Tháng Chín, 2020", "2020-09-30"),
        ("2 Tháng Mười, 2019", "2019-10-02"),
        ("11 Tháng Mười Một, 2023", "2023-11-11"),
        ("25 tháng mười hai, 2023", "2023-12-25"),
        ("1 Tháng Năm, 2024", "2024-05-01"),
        ("Tháng Tám 15, 2023", "2023-08-15"),  # "F j, Y"
        # Liberal day-first lines.
        ("21/07/2022 | 10:00 AM", "2022-07-21T10:00:00+07:00"),
        ("24/04/2023 2:35:10 CH", "2023-04-24T14:35:10+07:00"),
        ("24/04/2023 9:05:00 SA", "2023-04-24T09:05:00+07:00"),
        ("09:15 14/03/2023", "2023-03-14T09:15:00+07:00"),
        ("14:05 ngày 09/05/2023", "2023-05-09T14:05:00+07:00"),
        ("Thứ Năm, 02/06/2022 - 08:30", "2022-06-02T08:30:00+07:00"),
        ("12-09-2022", "2022-09-12"),
        ("2023-08-17 07:45", "2023-08-17T07:45:00+07:00"),
        ("Ngày đăng: 2023/08/17", "2023-08-17"),
        ("Thứ Hai, 15/04/2024, 15:20 (GMT+7)", "2024-04-15T15:20:00+07:00"),
        ("ngày 15 tháng 9 năm 2011", "2011-09-15"),
        ("Cà Mau, 15 tháng 9 năm 2011", "2011-09-15"),
        ("08/11/2023 9:20 sáng", "2023-11-08T09:20:00+07:00"),
        ("08/11/2023 3:40 chiều", "2023-11-08T15:40:00+07:00"),
        ("8 giờ 30 phút tối 08/11/2023", "2023-11-08T20:30:00+07:00"),
        ("08/11/2023 12:10 trưa", "2023-11-08T12:10:00+07:00"),
        ("08/11/2023 1:10 trưa", "2023-11-08T13:10:00+07:00"),
        ("08/11/2023 11:00 đêm", "2023-11-08T23:00:00+07:00"),
        # The long weekday form is parsed now; header clocks are told apart by position.
        ("Thứ Tư, 3 tháng 12, 2025", "2025-12-03"),
        # An impossible first date is skipped, not the whole line.
        ("30/02/2023, sửa lại 02/03/2023", "2023-03-02"),
    ],
)
def test_date_forms(text: str, expected: str) -> None:
    assert parse_vn_datetime(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "tháng 8 năm 2023",  # no day
        "Tháng 08/2023",
        "Trong 9 tháng năm 2023, huyện thu ngân sách vượt kế hoạch",  # "nine months of 2023"
        "Sơ kết công tác 6 tháng đầu năm 2023",
        "32 Tháng Tám, 2023",
        "29 Tháng Hai, 2023",
        "Lượt xem: 2023",
        "Thứ Hai, 15/04",
    ],
)
def test_date_forms_rejected(text: str) -> None:
    assert parse_vn_datetime(text) is None


def test_header_clock_shape() -> None:
    assert looks_like_header_clock("Thứ Tư, 3 tháng 12, 2025")
    assert looks_like_header_clock(" Chủ nhật, 7 tháng 12, 2025 ")
    assert not looks_like_header_clock("Thứ năm, 16 Tháng 6 2022 15:42")  # has a time
    assert not looks_like_header_clock("Ngày đăng: Thứ Tư, 3 tháng 12, 2025 - Lượt xem: 31")
    assert not looks_like_header_clock("03/12/2025")
    assert not looks_like_header_clock(None)


def test_decomposed_text_is_read() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "Thứ Sáu, 15 Tháng Chín, 2023 08:00")
    assert parse_vn_datetime(text) == "2023-09-15T08:00:00+07:00"


def test_no_year_still_needs_context() -> None:
    assert parse_vn_datetime("Chiều 27/7, đoàn công tác làm việc tại xã") is None
    assert parse_vn_datetime("Chiều 27/7, đoàn công tác", context_year=2023) == "2023-07-27"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-08-17T07:45:00+07:00", "2023-08-17T07:45:00+07:00"),
        ("2023-08-17T00:45:00Z", "2023-08-17T07:45:00+07:00"),
        ("2023-08-16T20:45:00-05:00", "2023-08-17T08:45:00+07:00"),
        ("2023-08-17T07:45:00.250+0700", "2023-08-17T07:45:00+07:00"),
        ("2023-08-17 07:45:00", "2023-08-17T07:45:00+07:00"),  # naive: Vietnam time
        ("2023-08-17T07:45", "2023-08-17T07:45:00+07:00"),
        ("2023-08-17", "2023-08-17"),
        ("2023-08-17+07:00", "2023-08-17"),
        ("  2023-08-17T07:45:00+07:00\n", "2023-08-17T07:45:00+07:00"),
    ],
)
def test_meta_iso(value: str, expected: str) -> None:
    assert parse_meta_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # PHP date('Y-m-dTH:i:s'): T printed the zone, glued to the time.
        ("2024-01-31+0714:05:00", "2024-01-31T14:05:00+07:00"),
        ("2024-01-31+070014:05:00", "2024-01-31T14:05:00+07:00"),
        ("2024-01-31+0707:05:00", "2024-01-31T07:05:00+07:00"),
        ("2023-08-17ICT07:45:00", "2023-08-17T07:45:00+07:00"),
        ("2023-08-17ICT07:45", "2023-08-17T07:45:00+07:00"),
        ("2022-06-02GMT+0716:30:00", "2022-06-02T16:30:00+07:00"),
        ("2022-06-02GMT+070016:30:00", "2022-06-02T16:30:00+07:00"),
        ("2024-01-31+0714:05:00+07:00", "2024-01-31T14:05:00+07:00"),  # 'Y-m-dTH:i:sP'
        ("2022-06-02UTC09:30:00", "2022-06-02T16:30:00+07:00"),  # a UTC server: converted
        ("2022-06-02SEAST09:30:00", "2022-06-02T09:30:00+07:00"),  # unknown zone: local
    ],
)
def test_meta_php_zone_for_t(value: str, expected: str) -> None:
    assert parse_meta_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("17/08/2023 07:45", "2023-08-17T07:45:00+07:00"),
        ("17-08-2023", "2023-08-17"),
        ("17/08/2023 | 02:10 PM", "2023-08-17T14:10:00+07:00"),
        ("Thu, 17 Aug 2023 07:45:00 +0700", "2023-08-17T07:45:00+07:00"),
        ("Thu, 17 Aug 2023 00:45:00 GMT", "2023-08-17T07:45:00+07:00"),
        ("17 Aug 2023 07:45:00 +0700", "2023-08-17T07:45:00+07:00"),
        ("Thứ năm, 17 Tháng 8 2023 07:45", "2023-08-17T07:45:00+07:00"),
    ],
)
def test_meta_other_forms(value: str, expected: str) -> None:
    assert parse_meta_datetime(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "1692233100",  # epoch seconds: not guessed
        "1692233100000",  # epoch milliseconds
        "1692233100.5",
        "0000-00-00 00:00:00",  # MySQL's zero date
        "2023-02-30T10:00:00",
        "2023-08-17T25:10:00",
        "2023-13-01",
        "2023-08-17T07:45:00+25:00",
        "hôm qua",
        "Thu, 45 Aug 2023 07:45:00 +0700",
        "{{ post.date }}",
    ],
)
def test_meta_garbage(value: str | None) -> None:
    assert parse_meta_datetime(value) is None


@pytest.mark.parametrize(
    "text",
    [
        "Cập nhật: 12/03/2024",
        "Cập nhật lúc 14:05 ngày 09/05/2023",
        "Ngày cập nhật: 12/03/2024",
        "Cập nhật lần cuối: 12/03/2024 08:00",
        "Sửa đổi lần cuối 12/03/2024",
        "Chỉnh sửa: 12/03/2024",
        "Last updated: 12/03/2024",
        "Modified: 2024-03-12",
        "CẬP NHẬT: Thứ Ba, 12/03/2024",
        "Tin tức | Cập nhật: 12/03/2024",
        "Cập nhật:",  # the label element, its date in the next one
    ],
)
def test_updated_labels(text: str) -> None:
    assert date_label_kind(text) == "updated"


@pytest.mark.parametrize(
    "text",
    [
        "Ngày đăng: 12/03/2024",
        "Đăng ngày 12/03/2024",
        "Đăng lúc 08:15 ngày 12/03/2024",
        "Ngày xuất bản: 12/03/2024",
        "Xuất bản: 15 Tháng Tám, 2023",
        "Ngày tạo: 12/03/2024",
        "Published: 2024-03-12",
        "Posted on 12/03/2024",
        "(Ngày đăng: 12/03/2024)",
        "Ngày đăng: 01/02/2024 - Cập nhật: 03/02/2024",  # the first date's label
    ],
)
def test_published_labels(text: str) -> None:
    assert date_label_kind(text) == "published"


@pytest.mark.parametrize(
    "text",
    [
        "Thứ Hai, 12/03/2024 08:00",
        "12/03/2024 | Cập nhật",  # a label after the date is not its label
        "Cập nhật tình hình mưa lũ ngày 12/03/2024",  # a headline that starts with the word
        "",
    ],
)
def test_no_label(text: str) -> None:
    assert date_label_kind(text) is None


def test_label_is_read_decomposed() -> None:
    import unicodedata

    assert date_label_kind(unicodedata.normalize("NFD", "Ngày cập nhật: 12/03/2024")) == ("updated")


CAPTURED = datetime(2024, 3, 11, 18, 0, tzinfo=UTC)  # 01:00 on 12 March in Vietnam


@pytest.mark.parametrize(
    ("iso", "plausible"),
    [
        ("2024-03-12", True),  # the capture day in Vietnam, though still 11 March in UTC
        ("2024-03-13", False),
        ("2024-03-12T00:59:00+07:00", True),
        ("2024-03-12T01:01:00+07:00", False),  # a minute after capture
        ("2024-03-12T00:30:00", True),  # naive: Vietnam time
        ("2024-03-11T19:00:00+00:00", False),
        ("1995-01-01", True),
        ("1994-12-31", False),
        ("1994-12-31T23:00:00+07:00", False),
        ("2024-02-30", False),
        ("tháng 3", False),
        ("", False),
    ],
)
def test_plausibility(iso: str, plausible: bool) -> None:
    assert is_plausible_date(iso, CAPTURED) is plausible


def test_plausibility_defaults_to_now() -> None:
    assert is_plausible_date("2020-01-01")
    assert not is_plausible_date("2999-01-01")


def test_naive_capture_time_is_utc() -> None:
    assert is_plausible_date("2024-03-12", datetime(2024, 3, 11, 18, 0))
    assert not is_plausible_date("2024-03-12", datetime(2024, 3, 11, 16, 0))


@given(st.text(max_size=60))
def test_meta_parser_never_raises(value: str) -> None:
    result = parse_meta_datetime(value)
    assert result is None or _ISO.match(result)


@given(st.text(alphabet="0123456789-+:TZ/ .ICTGMUA", max_size=32))
def test_meta_parser_on_date_like_noise(value: str) -> None:
    result = parse_meta_datetime(value)
    assert result is None or _ISO.match(result)


_PIECES = st.sampled_from(
    ["Thứ", "Hai", "năm", "Năm", "tháng", "Tháng", "Tám", "Mười", "một", "ngày", ",", "/",
     "-", ":", " ", "2023", "12", "31", "7", "AM", "CH", "sáng", "chiều", "đêm", "h", "giờ"]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=14), st.one_of(st.none(), st.integers(1990, 2035)))
def test_vn_parser_on_date_like_noise(pieces: list[str], year: int | None) -> None:
    result = parse_vn_datetime(" ".join(pieces), context_year=year)
    assert result is None or _ISO.match(result)
    if result is not None:
        datetime.fromisoformat(result)
