"""Vietnamese date lines to ISO 8601 (day first, Vietnam time, UTC+07:00)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

VN_OFFSET = "+07:00"

_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
# "ngày 2 tháng 6 năm 2022" (day 2, month 6, year 2022): the formal long form of documents.
_LONG_DATE = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:,\s*)?năm\s+(\d{4})", re.IGNORECASE
)
# "Ngày 02/6", "Sáng 16/5", "Chiều 27/7": day and month only, as leads open; the year must
# come from context (the article's URL or another full date).
_SHORT_DATE = re.compile(
    r"(?:ngày|sáng|chiều|trưa|tối|đêm|hôm)\s+(\d{1,2})\s*/\s*(\d{1,2})(?!\s*/\s*\d)",
    re.IGNORECASE,
)
# "Thứ Tư, 3 tháng 12, 2025": the long weekday form is how portal headers print *today*
# (a clock), never how they date an article, so it is deliberately not parsed.
_TIME = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})(?:\s*:\s*(\d{2}))?(?:\s*(AM|PM|SA|CH)\b)?",
    re.IGNORECASE,
)
# How far from the date a time may stand and still belong to it: "02/06/2022 | 10:00 AM",
# "14:05 ngày 02/06/2022", "Thứ Năm, 02/06/2022 - 08:30".
_TIME_WINDOW = 24


def parse_vn_datetime(text: str | None, context_year: int | None = None) -> str | None:
    """Return "YYYY-MM-DDTHH:MM:SS+07:00", "YYYY-MM-DD" when no time is given, or None.

    `context_year` lets a lead's "Ngày 02/6" (no year) be dated; without it such text gives None.
    """
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)  # "ngày", "tháng" may arrive decomposed
    match = _DATE.search(text) or _LONG_DATE.search(text)
    if not match:
        short = _SHORT_DATE.search(text) if context_year else None
        if short is None:
            return None
        try:
            return date(context_year, int(short.group(2)), int(short.group(1))).isoformat()
        except ValueError:
            return None
    day, month, year = (int(g) for g in match.groups())
    try:
        day_value = date(year, month, day)
    except ValueError:
        return None
    clock = _find_time(text, match.start(), match.end())
    if clock is None:
        return day_value.isoformat()
    stamp = datetime(year, month, day, *clock)
    return stamp.isoformat() + VN_OFFSET


def _find_time(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    after = _TIME.search(text[end : end + _TIME_WINDOW])
    if after is None:
        before_text = text[max(0, start - _TIME_WINDOW) : start]
        found = list(_TIME.finditer(before_text))
        after = found[-1] if found else None
    if after is None:
        return None
    hour, minute = int(after.group(1)), int(after.group(2))
    second = int(after.group(3) or 0)
    meridiem = (after.group(4) or "").upper()
    if meridiem in ("PM", "CH") and hour < 12:
        hour += 12
    elif meridiem in ("AM", "SA") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second
