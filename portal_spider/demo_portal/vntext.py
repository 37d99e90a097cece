"""Vietnamese text helpers: slugs, number and date formats as real portals print them.

Kept separate so the content model and the renderer agree on one formatting of every value.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_len: int = 80) -> str:
    """ASCII URL slug: diacritics dropped, đ -> d, lowercase, hyphens, cut at a word boundary."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    slug = _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_len:
        cut = slug[: max_len + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else cut[:max_len]
    return slug or "bai-viet"


def capitalize_first(text: str) -> str:
    """Upper-case only the first letter (str.capitalize would lower-case 'UBND')."""
    return text[:1].upper() + text[1:]


def vn_int(value: int) -> str:
    """Vietnamese thousands separator: 44301 -> '44.301'."""
    return f"{value:,}".replace(",", ".")


def vn_decimal(value: float, digits: int = 2) -> str:
    """Vietnamese decimal comma: 5.01 -> '5,01'."""
    return f"{value:.{digits}f}".replace(".", ",")


def en_int(value: int) -> str:
    """Comma thousands separator, as the portal's visitor counter prints it: '1,448,808'."""
    return f"{value:,}"


def dmy(day: date) -> str:
    """'02/06/2022'."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def list_date(when: datetime, has_time: bool) -> str:
    """Date as shown in listings: '02/06/2022 16:30' or just '02/06/2022'."""
    return f"{dmy(when)} {when:%H:%M}" if has_time else dmy(when)


def article_date(when: datetime, has_time: bool) -> str:
    """Date line of an article page: 'Thứ Năm, 02/06/2022 - 16:30' (time optional)."""
    text = f"{WEEKDAYS[when.weekday()]}, {dmy(when)}"
    return f"{text} - {when:%H:%M}" if has_time else text


def clock_text(day: date) -> str:
    """Header clock wording: 'Thứ Năm, 30 tháng 6, 2022'."""
    return f"{WEEKDAYS[day.weekday()]}, {day.day} tháng {day.month}, {day.year}"
