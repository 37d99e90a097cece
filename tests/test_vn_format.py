"""Vietnamese dates and numbers (archive/vn_format.py): the one format journalists' pages use."""

from datetime import UTC, date, datetime

import pytest

from archive.vn_format import vn_date, vn_datetime, vn_number


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2022-03-11T11:24:00.000000Z", "11/03/2022 18:24"),  # archive time, UTC -> UTC+7
        ("2022-03-11T11:24:59Z", "11/03/2022 18:24"),
        ("2022-03-11T18:24:00+07:00", "11/03/2022 18:24"),  # already Vietnam time
        ("2022-03-11T20:24:00+09:00", "11/03/2022 18:24"),  # another offset, converted
        ("2022-03-11 18:24:00", "11/03/2022 18:24"),  # naive: the portal's own local time
        ("2022-03-11T18:24", "11/03/2022 18:24"),
        ("2022-03-11", "11/03/2022"),  # a date stays a date
        ("2022-03", "03/2022"),
        ("2021-12-31T17:30:00Z", "01/01/2022 00:30"),  # crosses midnight and the year
        (datetime(2022, 3, 11, 11, 24, tzinfo=UTC), "11/03/2022 18:24"),
        (date(2022, 3, 11), "11/03/2022"),
        (None, ""),
        ("", ""),
        ("khoảng tháng 3", "khoảng tháng 3"),  # unparseable evidence is shown as given
        ("2022-02-30", "2022-02-30"),
    ],
)
def test_vn_datetime(stored: object, shown: str) -> None:
    assert vn_datetime(stored) == shown


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2022-03-11T11:24:00.000000Z", "11/03/2022"),
        ("2022-03-11T17:00:00.000000Z", "12/03/2022"),  # midnight in Hanoi is the next day
        ("2022-03-11T16:59:59Z", "11/03/2022"),
        ("2022-03-11", "11/03/2022"),
        ("2022-03-11T23:30:00", "11/03/2022"),  # naive: not shifted
        (None, ""),
        ("không rõ", "không rõ"),
    ],
)
def test_vn_date(stored: object, shown: str) -> None:
    assert vn_date(stored) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1449050, "1.449.050"),
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (-1234567, "-1.234.567"),
        ("1449050", "1.449.050"),
        (3.5, "3,5"),
        (1234.25, "1.234,25"),
        (2.0, "2"),
        (None, ""),
        ("", ""),
        ("n/a", "n/a"),
    ],
)
def test_vn_number(value: object, shown: str) -> None:
    assert vn_number(value) == shown


def test_vn_number_fixed_decimals() -> None:
    assert vn_number(1234.5, 2) == "1.234,50"
    assert vn_number(1234.567, 1) == "1.234,6"
