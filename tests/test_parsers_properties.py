"""Property tests (hypothesis) for the number, date and text parsers."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from portal_spider.extract.dates import parse_vn_datetime
from portal_spider.extract.numbers import parse_count
from portal_spider.extract.text import clean_text

counts = st.integers(min_value=0, max_value=10**12)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31))


def _grouped(value: int, separator: str) -> str:
    return f"{value:,}".replace(",", separator)


@given(counts, st.sampled_from([".", ",", ""]))
def test_count_round_trips_with_any_separator(value: int, separator: str) -> None:
    assert parse_count(_grouped(value, separator) if separator else str(value)) == value


@given(st.integers(min_value=1_000_000, max_value=10**9))
def test_mixed_separators_are_refused(value: int) -> None:
    text = _grouped(value, ".")
    mixed = text[::-1].replace(".", ",", 1)[::-1]  # last group uses the other separator
    assert parse_count(mixed) is None


@given(st.text(max_size=30))
def test_parse_count_never_raises(text: str) -> None:
    result = parse_count(text)
    assert result is None or result >= 0


@given(days, st.sampled_from(["/", "-", "."]), st.booleans())
def test_day_first_dates_round_trip(day: date, separator: str, padded: bool) -> None:
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if padded else (str(day.day), str(day.month))
    assert parse_vn_datetime(f"Ngày đăng: {d}{separator}{m}{separator}{day.year}") == (
        day.isoformat()
    )


@given(days, st.integers(0, 23), st.integers(0, 59))
def test_date_with_time_is_vietnam_time(day: date, hour: int, minute: int) -> None:
    text = f"Thứ Hai, {day:%d/%m/%Y} - {hour:02d}:{minute:02d}"
    expected = datetime(day.year, day.month, day.day, hour, minute).isoformat() + "+07:00"
    assert parse_vn_datetime(text) == expected


@given(days, st.integers(1, 12), st.integers(0, 59), st.sampled_from(["AM", "PM"]))
def test_twelve_hour_clock(day: date, hour: int, minute: int, meridiem: str) -> None:
    parsed = parse_vn_datetime(f"{day:%d/%m/%Y} | {hour:02d}:{minute:02d} {meridiem}")
    expected_hour = hour % 12 + (12 if meridiem == "PM" else 0)
    assert parsed == f"{day.isoformat()}T{expected_hour:02d}:{minute:02d}:00+07:00"


@given(st.text(max_size=60))
def test_parse_date_never_raises(text: str) -> None:
    result = parse_vn_datetime(text, context_year=2024)
    assert result is None or result[:4].isdigit()


@given(st.text(max_size=80))
def test_clean_text_is_idempotent_and_nfc(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    if once is not None:
        assert unicodedata.is_normalized("NFC", once)
        assert once == once.strip() and "  " not in once
