"""Vietnamese dates to ISO 8601 (day first, Vietnam time, UTC+07:00).

Three readers, one per kind of evidence:

- `parse_vn_datetime`: a visible date line, as editors and CMS templates print it;
- `parse_meta_datetime`: a machine-readable value (meta, JSON-LD, `<time datetime>`), which
  Vietnamese CMSs often emit malformed (PHP's `date('Y-m-dTH:i:s')` prints the zone for `T`);
- `date_label_kind`: whether a date line calls its date the publication or the last update.

`is_plausible_date` is the sanity check every layer applies before trusting a date.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Literal

VN_OFFSET = "+07:00"
VIETNAM = timezone(timedelta(hours=7))
#: Older than the first Vietnamese government websites: a mis-parse, not an article date.
MIN_YEAR = 1995

# Month names as Vietnamese locales print them ("Tháng Tám", "Tháng Mười Hai"); "Bốn" and
# "Bẩy" are common variants of "Tư" and "Bảy". "Năm" (May) is also the word for "year":
# "9 tháng năm 2023" is "the nine months of 2023", so as a month name it is taken only when
# written "Năm" (a locale's capital) or followed by a comma ("15 tháng năm, 2023").
_MONTH_NAMES = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "tư": 4,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
    "mười một": 11,
    "mười hai": 12,
}
_MONTH_WORD = (
    r"(?:mười\s+một|mười\s+hai|mười|một|hai|ba|tư|bốn|sáu|bảy|bẩy|tám|chín"
    r"|(?-i:Năm)|năm(?=\s*,))(?!\w)"
)
# Every full date form, one alternation so one scan finds the earliest:
#   1. day first: "02/06/2022", "12-09-2022", "2.6.2022";
#   2. year first (ISO-like text): "2023-08-17", "2023/08/17";
#   3. day, "tháng", month, year: "ngày 2 tháng 6 năm 2022" (documents), "16 Tháng 6 2022"
#      (Joomla vi-VN), "15 Tháng Tám, 2023" (WordPress vi), "3 tháng 12, 2025";
#   4. month name first: "Tháng Tám 15, 2023" (WordPress's "F j, Y").
_DATES = re.compile(
    r"(?<!\d)(?:"
    r"(?P<d1>\d{1,2})\s*[/.\-]\s*(?P<m1>\d{1,2})\s*[/.\-]\s*(?P<y1>\d{4})"
    r"|(?P<y2>\d{4})(?P<sep>[/.\-])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2})"
    rf"|(?P<d3>\d{{1,2}})\s+tháng\s+(?P<m3>\d{{1,2}}|{_MONTH_WORD})"
    r"(?:\s*,\s*(?:năm\s+)?|\s+(?:năm\s+)?)(?P<y3>\d{4})"
    rf"|tháng\s+(?P<m4>{_MONTH_WORD})\s+(?P<d4>\d{{1,2}})\s*,\s*(?P<y4>\d{{4}})"
    r")(?!\d)",
    re.IGNORECASE,
)
# Cheap gate: every full date has a run of four digits (its year).
_FOUR_DIGITS = re.compile(r"\d{4}")
# "Ngày 02/6", "Sáng 16/5", "Chiều 27/7": day and month only, as leads open; the year must
# come from context (the article's URL or another full date).
_SHORT_DATE = re.compile(
    r"(?:ngày|sáng|chiều|trưa|tối|đêm|hôm)\s+(\d{1,2})\s*/\s*(\d{1,2})(?!\s*/\s*\d)",
    re.IGNORECASE,
)
# "10:00 AM", "2:35:10 CH" (chiều, afternoon), "9:20 sáng", "15h20", "10 giờ 30 phút tối".
_TIME = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})(?:\s*:\s*(\d{2}))?(?:\s*phút)?"
    r"(?:\s*(a\.?m\.?|p\.?m\.?|sáng|trưa|chiều|tối|đêm|sa|ch)(?!\w))?",
    re.IGNORECASE,
)
# How far from the date a time may stand and still belong to it: "02/06/2022 | 10:00 AM",
# "14:05 ngày 02/06/2022", "Thứ Năm, 02/06/2022 - 08:30".
_TIME_WINDOW = 24


def parse_vn_datetime(text: str | None, context_year: int | None = None) -> str | None:
    """Return "YYYY-MM-DDTHH:MM:SS+07:00", "YYYY-MM-DD" when no time is given, or None.

    The first possible date in the text wins; an impossible one (31/02) is skipped. A time
    within a few characters before or after it is its time. `context_year` lets a lead's
    "Ngày 02/6" (no year) be dated; without it such text gives None. Whether the date is a
    header clock or the article's is for the caller to tell (by position), not this parser.
    """
    if not text:
        return None
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)  # "ngày", "tháng" may arrive decomposed
    found_full = False
    if _FOUR_DIGITS.search(text):
        for match in _DATES.finditer(text):
            found_full = True
            day_value = _date_of(match)
            if day_value is None:
                continue
            clock = _find_time(text, match.start(), match.end())
            if clock is None:
                return day_value.isoformat()
            stamp = datetime(day_value.year, day_value.month, day_value.day, *clock)
            return stamp.isoformat() + VN_OFFSET
    if found_full or not context_year:
        return None
    short = _SHORT_DATE.search(text)
    if short is None:
        return None
    try:
        return date(context_year, int(short.group(2)), int(short.group(1))).isoformat()
    except ValueError:
        return None


def _date_of(match: re.Match[str]) -> date | None:
    for suffix in "1234":
        year = match.group("y" + suffix)
        if year is None:
            continue
        month_text = match.group("m" + suffix)
        if month_text.isdigit():
            month = int(month_text)
        else:
            month = _MONTH_NAMES[" ".join(month_text.lower().split())]
        try:
            return date(int(year), month, int(match.group("d" + suffix)))
        except ValueError:
            return None
    return None


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
    hour = _with_meridiem(hour, (after.group(4) or "").lower().replace(".", ""))
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _with_meridiem(hour: int, part: str) -> int:
    """24-hour clock from "3:40 chiều" (afternoon), "10:00 PM", "12:15 SA" (sáng, morning)."""
    if part in ("pm", "ch", "chiều", "tối") and hour < 12:
        return hour + 12
    if part in ("am", "sa", "sáng") and hour == 12:
        return 0
    if part == "trưa" and hour < 6:  # "1:30 trưa": midday runs past noon
        return hour + 12
    if part == "đêm":  # "11 giờ đêm" is 23:00, "2 giờ đêm" is 02:00
        return hour + 12 if 6 <= hour < 12 else (0 if hour == 12 else hour)
    return hour


# "Thứ Tư, 3 tháng 12, 2025" alone, no time: how portal headers print today's date.
_HEADER_CLOCK = re.compile(
    r"[\W_]*(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|cn)\s*,?\s*(?:ngày\s+)?"
    r"\d{1,2}\s+tháng\s+\d{1,2}\s*,?\s*(?:năm\s+)?\d{4}[\W_]*",
    re.IGNORECASE,
)


def looks_like_header_clock(text: str | None) -> bool:
    """Whether a line has the shape of a header clock ("Thứ Tư, 3 tháng 12, 2025") and nothing
    else. A hint only: `parse_vn_datetime` reads it, and where the line stands decides."""
    if not text:
        return False
    return _HEADER_CLOCK.fullmatch(unicodedata.normalize("NFC", text).strip()) is not None


# --- machine-readable values -------------------------------------------------------------

# ISO 8601, and PHP's `date('Y-m-dTH:i:s')` where `T` printed the server's zone
# abbreviation: "2024-01-31+0714:05:00" ("+07", then 14:05:00), "2023-08-17ICT07:45",
# "2022-06-02GMT+0716:30:00". Backtracking gives the zone back the digits the hour needs.
_META_STAMP = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:T|\s+|(?P<zone>[A-Za-z]{1,5}(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}(?::?\d{2})?))"
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<off>Z|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
# "2023-08-17", also with an XML Schema zone ("2023-08-17+07:00"): a day, no time.
_META_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:Z|[+-]\d{2}:?\d{2})?", re.IGNORECASE)
# Day-first values some portals put in meta: "17/08/2023 07:45", "17-08-2023".
_META_DAY_FIRST = re.compile(
    r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}"
    r"(?:[\sT,|\-]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:AM|PM|SA|CH))?)?",
    re.IGNORECASE,
)
# RFC 2822, as in RSS: "Thu, 17 Aug 2023 07:45:00 +0700".
_META_RFC2822 = re.compile(r"(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")
_OFFSET = re.compile(r"([+-])(\d{1,2})(?::?(\d{2}))?")
# Zone names PHP prints for Vietnam's zone, and the names of UTC.
_VIETNAM_ZONES = frozenset({"ict", "vn", "vnt", "ict+07", "gmt+07", "gmt+7", "utc+07", "utc+7"})
_UTC_ZONES = frozenset({"z", "utc", "gmt", "ut"})
_META_TEXT_MAX_CHARS = 60


def parse_meta_datetime(value: str | None) -> str | None:
    """A machine-readable date value in our ISO form (Vietnam time), or None.

    Offsets are honoured and converted to +07:00; a value without one is Vietnam time. A
    zone glued where PHP's literal `T` should be ("+07", "ICT", "GMT+07") is read as that
    zone; an abbreviation we do not know is taken as Vietnam time (the server is Vietnamese).
    Epoch numbers are not guessed (seconds or milliseconds, which zone?): None.
    """
    if not value:
        return None
    text = unicodedata.normalize("NFC", value).strip()
    if not text or text.replace(".", "").isdigit():
        return None
    if stamp := _META_STAMP.fullmatch(text):
        return _meta_stamp(stamp)
    if day := _META_DATE.fullmatch(text):
        try:
            return date(*(int(g) for g in day.groups())).isoformat()
        except ValueError:
            return None
    if _META_DAY_FIRST.fullmatch(text):
        return parse_vn_datetime(text)
    if _META_RFC2822.match(text):
        return _rfc2822(text)
    # Some templates put the visible wording in meta ("Thứ năm, 16 Tháng 6 2022 15:42").
    if len(text) <= _META_TEXT_MAX_CHARS and not text.isascii():
        return parse_vn_datetime(text)
    return None


def _meta_stamp(match: re.Match[str]) -> str | None:
    try:
        naive = datetime(
            int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            int(match["h"]),
            int(match["mi"]),
            int(match["s"] or 0),
        )
    except ValueError:
        return None
    zone = _zone(match["off"]) if match["off"] else _zone(match["zone"])
    if zone is None:
        return None
    return naive.replace(tzinfo=zone).astimezone(VIETNAM).isoformat(timespec="seconds")


def _zone(name: str | None) -> timezone | None:
    """The zone a suffix or glued abbreviation names; Vietnam for none or an unknown one."""
    if not name:
        return VIETNAM
    folded = name.lower()
    if folded in _VIETNAM_ZONES:
        return VIETNAM
    if folded in _UTC_ZONES:
        return UTC
    offset = _OFFSET.search(folded)
    if offset is None:
        return VIETNAM
    sign = -1 if offset.group(1) == "-" else 1
    delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0))
    if delta > timedelta(hours=14):
        return None
    return timezone(sign * delta)


def _rfc2822(text: str) -> str | None:
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # "-0000": UTC with no local information (RFC 2822 §3.3)
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(VIETNAM).isoformat(timespec="seconds")


# --- labels --------------------------------------------------------------------------------

# "Cập nhật" (updated), "Cập nhật lần cuối" (last updated), "Sửa đổi lần cuối" (last
# modified), "Chỉnh sửa" (edited); "Ngày đăng"/"Đăng ngày"/"Đăng lúc" (posted on/at),
# "Xuất bản" (published), "Ngày tạo" (created), "Ngày đưa tin" (reported on).
_UPDATED = (
    r"(?:ngày\s+|lần\s+)?cập\s+nhật(?:\s+lần\s+cuối|\s+cuối)?|(?:ngày\s+)?sửa\s+đổi(?:\s+lần\s+cuối)?"
    r"|(?:ngày\s+)?chỉnh\s+sửa(?:\s+lần\s+cuối)?|lần\s+sửa\s+cuối|last\s+(?:updated|modified)"
    r"|updated(?:\s+on)?|modified(?:\s+on)?"
)
_PUBLISHED = (
    r"ngày\s+đăng(?:\s+tin|\s+tải|\s+bài)?|đăng\s+(?:ngày|lúc|tải|tin)|ngày\s+(?:xuất\s+bản|tạo"
    r"|đưa\s+tin|phát\s+hành)|xuất\s+bản(?:\s+(?:ngày|lúc))?|tạo\s+(?:ngày|lúc)"
    r"|published(?:\s+on)?|posted(?:\s+on)?|created(?:\s+on)?"
)
_LABEL = rf"(?:(?P<updated>{_UPDATED})|(?P<published>{_PUBLISHED}))(?!\w)"
_LABEL_AT_START = re.compile(rf"[\W_]*{_LABEL}", re.IGNORECASE)
_LABEL_ANYWHERE = re.compile(rf"(?<!\w){_LABEL}", re.IGNORECASE)
# What may stand between a label and its date: "lúc"/"ngày"/"vào" (at, on), a time and a
# weekday ("Cập nhật lúc 14:05 ngày 09/05/2023", "Ngày đăng: Thứ Hai, 12/03/2024"); any
# other word means the label is not the date's ("Cập nhật thông tin dịch bệnh 12/03/2024").
_FILLER = frozenset(
    {"lúc", "ngày", "vào", "on", "at", "am", "pm", "sa", "ch", "sáng", "trưa", "chiều", "tối",
     "h", "giờ", "phút", "thứ", "hai", "ba", "tư", "năm", "sáu", "bảy", "chủ", "nhật", "cn"}
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_LABEL_LOOKBEHIND = 48


def date_label_kind(text: str) -> Literal["published", "updated"] | None:
    """What a visible date line says its date is: "published", "updated", or None (no label).

    The label must stand right before the line's first date (only "lúc", "ngày", a time or a
    weekday between), or open a line with no date. "Ngày đăng: 01/02/2024 - Cập nhật:
    03/02/2024" is therefore "published"; the caller splits such lines to read the second.
    """
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    first = _DATES.search(text) if _FOUR_DIGITS.search(text) else None
    if first is None:  # a label element apart from its date ("Cập nhật:" | "12/03/2024")
        start = _LABEL_AT_START.match(text)
    else:
        before = text[max(0, first.start() - _LABEL_LOOKBEHIND) : first.start()]
        labels = list(_LABEL_ANYWHERE.finditer(before))
        start = labels[-1] if labels else None
        if start is not None and any(
            word.lower() not in _FILLER for word in _WORD.findall(before[start.end() :])
        ):
            start = None
    if start is None:
        return None
    return "updated" if start.group("updated") else "published"


# --- plausibility --------------------------------------------------------------------------


def is_plausible_date(iso: str, captured_at: datetime | None = None) -> bool:
    """Whether an ISO date or timestamp can be an article's: year ≥ 1995, not after capture.

    `captured_at` is when the page was fetched (tz-aware; naive is taken as UTC; default now).
    A date without a time is compared by day in Vietnam time: a page fetched at 01:00 on day D
    in Vietnam (still D-1 in UTC) may say D. A timestamp without an offset is Vietnam time.
    """
    if not iso or not isinstance(iso, str):
        return False
    captured = captured_at or datetime.now(UTC)
    if captured.tzinfo is None:
        captured = captured.replace(tzinfo=UTC)
    try:
        if len(iso) == 10:
            day = date.fromisoformat(iso)
            return day.year >= MIN_YEAR and day <= captured.astimezone(VIETNAM).date()
        stamp = datetime.fromisoformat(iso)
    except ValueError:
        return False
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=VIETNAM)
    return stamp.year >= MIN_YEAR and stamp <= captured
