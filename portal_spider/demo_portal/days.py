"""Demo portal days: how the portal changes from one day to the next.

Day 0 is the initial portal. Each later day d, deterministically from (articles, seed, d), and
cumulatively (day d includes every change of days 1..d-1):

- NEW_PER_DAY new articles are published on date 2022-06-30 + d, between 07:00 and 19:00. Their
  serials continue the sequence (N + 20*(d-1) .. N + 20*d - 1), so ids, and therefore every
  existing URL, never change; their sections follow the same blocks-of-8 layout as day 0.
- Up to EDITS_PER_DAY recent articles get a corrected figure in one body sentence
  ("có 150 đoàn viên" -> "có 165 đoàn viên"), edited that evening (19:05-21:54).
- Up to REMOVALS_PER_DAY recent articles are taken down, one with each removal kind.

"Recent" means on the first listing page of its section on day d, once that day's articles are
in and before that day's removals; the day's own new articles, the seed article and (for edits)
already edited articles are not eligible. Candidates are ordered by a keyed hash of
(seed, day, serial), so the schedule is a pure function of (articles, seed, day). Only a
portal too small to have six eligible articles gets fewer changes.

`Listings` is the per-section order at one day in O(changes) memory: the visible new serials on
top, then the day-0 order with removed positions skipped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .rng import TAG_NEW_TIME, mix
from .timeline import END_OF_TIMELINE, SECTIONS, Timeline
from .vntext import vn_decimal, vn_int
from .writer import Body

if TYPE_CHECKING:
    from .content import ArticleMeta

NEW_PER_DAY = 20
EDITS_PER_DAY = 3
REMOVALS_PER_DAY = 3
MAX_DAYS = 365
REMOVAL_KINDS = ("http_404", "redirect", "soft_404")
SOFT_404_TEXT = "Bài viết không tồn tại hoặc đã bị xóa"

__all__ = [
    "EDITS_PER_DAY",
    "MAX_DAYS",
    "NEW_PER_DAY",
    "REMOVALS_PER_DAY",
    "REMOVAL_KINDS",
    "SOFT_404_TEXT",
    "DayChanges",
    "Edit",
    "EditedArticle",
    "RemovedArticle",
]


# -- what the introspection API returns ------------------------------------------------------


@dataclass(frozen=True)
class EditedArticle:
    meta: ArticleMeta  # as the portal shows it (meta.modified == edited_at)
    old_sentence: str
    new_sentence: str
    edited_at: datetime  # local time (+07:00), the article's Last-Modified


@dataclass(frozen=True)
class RemovedArticle:
    meta: ArticleMeta
    kind: str  # "http_404" | "redirect" | "soft_404"


@dataclass(frozen=True)
class DayChanges:
    """What happened on one day (day 0: nothing)."""

    day: int
    new: tuple[ArticleMeta, ...]  # newest first
    edited: tuple[EditedArticle, ...]
    removed: tuple[RemovedArticle, ...]


# -- times --------------------------------------------------------------------------------------


def day_date(day: int) -> datetime:
    """Midnight of the portal's date on `day` (day 0 = 2022-06-30)."""
    return datetime.combine(END_OF_TIMELINE.date(), datetime.min.time()) + timedelta(days=day)


def new_published(seed: int, day: int, number: int, serial: int) -> datetime:
    """The number-th (0 = first) new article of a day: 07:00 + 36 min per slot + < 30 min."""
    jitter = mix(seed, TAG_NEW_TIME, serial) % 30
    return day_date(day) + timedelta(hours=7, minutes=36 * number + jitter)


def edit_time(key: int, day: int) -> datetime:
    """Edits are made in the evening, after the day's publishing window (19:05-21:54)."""
    return day_date(day) + timedelta(hours=19, minutes=5 + key % 170)


# -- listings at one day ----------------------------------------------------------------------


class Listings:
    """Per-section article order on one day, by serial; mutated day by day while building."""

    def __init__(self, timeline: Timeline) -> None:
        self.tl = timeline
        self.n = timeline.n
        self.new: list[list[int]] = [[] for _ in SECTIONS]  # visible new serials, newest first
        self.removed_base: list[list[int]] = [[] for _ in SECTIONS]  # sorted day-0 positions
        self.removed: dict[int, str] = {}  # serial -> removal kind

    def section_of(self, serial: int) -> int:
        return self.tl.section_of_serial(serial)

    def add_new(self, serials: range) -> None:
        for serial in serials:
            self.new[self.section_of(serial)].insert(0, serial)

    def remove(self, serial: int, kind: str) -> None:
        section = self.section_of(serial)
        if serial >= self.n:
            self.new[section].remove(serial)
        else:
            insort(self.removed_base[section], self.tl.position_in_section(self.n - 1 - serial))
        self.removed[serial] = kind

    def size(self, section: int) -> int:
        return (
            len(self.new[section])
            + self.tl.section_counts[section]
            - len(self.removed_base[section])
        )

    def serial_at(self, section: int, position: int) -> int:
        """Serial of the position-th (0 = newest) listed article of a section."""
        new = self.new[section]
        if position < len(new):
            return new[position]
        base = position - len(new)
        for removed in self.removed_base[section]:  # sorted: skip each one at or before
            if removed <= base:
                base += 1
            else:
                break
        return self.n - 1 - self.tl.index_in_section(section, base)

    def position_of(self, serial: int) -> int:
        """Inverse of serial_at for a listed article."""
        section = self.section_of(serial)
        new = self.new[section]
        if serial >= self.n:
            return new.index(serial)
        base = self.tl.position_in_section(self.n - 1 - serial)
        return len(new) + base - bisect_left(self.removed_base[section], base)


# -- body edits -------------------------------------------------------------------------------

# A figure followed by a unit: those are the numbers a correction plausibly changes (not years,
# dates, ward or document numbers, "6 tháng đầu năm" or "3 sao").
_FIGURE = re.compile(
    r"(?<![\d.,/])(\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?)"
    r"(?=%| (?:người|hộ|cuộc|vụ|triệu|tỷ|tấn|km|ha|lượt|căn|suất|tập thể|cá nhân|đảng viên"
    r"|tổ chức|nghị quyết|lớp|liều|đội|trường|câu lạc bộ|sản phẩm|doanh nghiệp|thanh niên"
    r"|hội viên|trường hợp|đồng|nhân khẩu)\b)"
)
# A sentence ends at ". " before a capital letter, except in "TP. Trà Vinh".
_SENTENCE_END = re.compile(r"(?<!TP)[.!?](?= +[^\W\d_])")


@dataclass(frozen=True)
class Edit:
    """One body correction: in paragraph `block`, old_sentence becomes new_sentence."""

    day: int
    block: int
    old_sentence: str
    new_sentence: str
    at: datetime

    def apply(self, body: Body) -> Body:
        blocks = list(body.blocks)
        paragraph = blocks[self.block]
        assert isinstance(paragraph, str)
        blocks[self.block] = paragraph.replace(self.old_sentence, self.new_sentence, 1)
        return Body(tuple(blocks), body.author, body.attachments)


def _sentence_bounds(paragraph: str, at: int) -> tuple[int, int]:
    start, end = 0, len(paragraph)
    for match in _SENTENCE_END.finditer(paragraph):
        if match.end() <= at:
            start = match.end() + 1
        else:
            end = match.end()
            break
    while paragraph[start : start + 1] == " ":
        start += 1
    return start, end


def _corrected(figure: str, key: int) -> str:
    """A plausible correction of a printed figure, in the same format ('1.817', '5,01')."""
    up = key % 10 < 7  # most corrections raise the figure
    if "," in figure:
        whole, frac = figure.split(",")
        value = float(f"{whole.replace('.', '')}.{frac}")
        delta = (20 + key // 10 % 280) / 100
        if not up and value - delta <= 0:
            up = True
        return vn_decimal(value + delta if up else value - delta, len(frac))
    value = int(figure.replace(".", ""))
    unit = max(1, 5 * 10 ** (len(str(value)) - 3)) if value >= 100 else 1
    delta = max(unit, round(value * (5 + key // 10 % 16) / 100 / unit) * unit)
    if not up and value - delta <= 0:
        up = True
    return vn_int(value + delta if up else value - delta)


def find_edit(body: Body, key: int, day: int) -> Edit | None:
    """Correct one figure of the body (chosen by `key`), or None if it has none to correct."""
    paragraphs = [(i, b) for i, b in enumerate(body.blocks) if isinstance(b, str)]
    figures = [
        (i, m)
        for i, text in paragraphs
        for m in _FIGURE.finditer(text)
        if m[1] not in ("100", "100,00")
    ]
    whole = "\n".join(text for _, text in paragraphs)
    for attempt in range(len(figures)):
        block, match = figures[(key + attempt) % len(figures)]
        paragraph = body.blocks[block]
        assert isinstance(paragraph, str)
        start, end = _sentence_bounds(paragraph, match.start())
        old = paragraph[start:end]
        at = match.start() - start
        new = old[:at] + _corrected(match[1], key >> 8) + old[at + len(match[1]) :]
        if new != old and whole.count(old) == 1 and new not in whole:
            return Edit(day, block, old, new, edit_time(key >> 20, day))
    return None
