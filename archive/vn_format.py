"""Dates and numbers as Vietnamese readers write them: ``11/03/2022 18:24``, ``1.449.050``.

One format for every page journalists read (issue 13): times the archive records are UTC
(``...Z``, archive/timestamps.py) and are shown in Vietnam time (UTC+7, no daylight saving
since 1975, so a fixed offset is exact and needs no tz database). Dates taken from a portal
page are kept as given: a date-only value stays a date, a naive date-time is the portal's own
local (Vietnam) time and is shown as is, never shifted. Anything unparseable is returned
unchanged rather than hidden: it is evidence.

Pure functions, registered as Jinja filters by archive/site/plugins/archive_format.py.
"""

import re
from datetime import date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")

_DATE_ONLY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH_ONLY = re.compile(r"(\d{4})-(\d{2})")


def _parse(value: object) -> datetime | date | str | None:
    """A datetime (aware or naive), a date, the original string when unparseable, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value
    text = str(value).strip()
    if match := _DATE_ONLY.fullmatch(text):
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return text
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
    except ValueError:
        return text


def to_vietnam(value: datetime) -> datetime:
    """An aware datetime in Vietnam time; a naive one is taken as already Vietnam time."""
    return value.astimezone(VIETNAM) if value.tzinfo is not None else value


def vn_datetime(value: object) -> str:
    """``11/03/2022 18:24`` in Vietnam time; a date-only value gives ``11/03/2022``."""
    parsed = _parse(value)
    if parsed is None:
        return ""
    if isinstance(parsed, str):
        return _month(parsed) or parsed
    if isinstance(parsed, datetime):
        return to_vietnam(parsed).strftime("%d/%m/%Y %H:%M")
    return parsed.strftime("%d/%m/%Y")


def vn_date(value: object) -> str:
    """``11/03/2022``: the calendar day in Vietnam time (a UTC evening is the next day)."""
    parsed = _parse(value)
    if parsed is None:
        return ""
    if isinstance(parsed, str):
        return _month(parsed) or parsed
    if isinstance(parsed, datetime):
        parsed = to_vietnam(parsed)
    return parsed.strftime("%d/%m/%Y")


def _month(text: str) -> str | None:
    """``2022-03`` (a month the portal gave without a day) as ``03/2022``."""
    match = _MONTH_ONLY.fullmatch(text)
    return f"{match.group(2)}/{match.group(1)}" if match else None


def vn_number(value: object, decimals: int | None = None) -> str:
    """``1.449.050``: dots between thousands, a comma before decimals (``3,5``).

    Integers (and integral strings) get no decimals; floats keep ``decimals`` places (default:
    as many as needed, at most 2). Non-numbers are returned as text, None as ``""``.
    """
    if value is None or value == "" or isinstance(value, bool):
        return "" if value is None or value == "" else str(value)
    number: int | float
    if isinstance(value, int | float):
        number = value
    else:
        text = str(value).strip()
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return text
    if isinstance(number, float) and (decimals is not None or not number.is_integer()):
        places = 2 if decimals is None else decimals
        formatted = f"{number:,.{places}f}"
        if decimals is None and "." in formatted:
            formatted = formatted.rstrip("0").rstrip(".")
    else:
        formatted = f"{int(number):,}"
    return formatted.replace(",", "\0").replace(".", ",").replace("\0", ".")
