"""Where each article sits: publication time and section, computed in O(1) from its index.

Index k = 0..N-1 counts from the newest article. Content is keyed on the *serial*
c = N-1-k (0 = oldest), so later days (days.py) append articles at the top, with serials
N, N+1, ..., without changing the ones that already exist.

Time model: each day has a 12-hour publishing window (07:00-19:00); the N articles are spread
evenly over the "active minutes" of a span ending 2022-06-30 19:00, with a jitter below 40 % of
one step, which keeps the times strictly decreasing. The seed article is pinned to
02/06/2022 16:30 at the index whose slot contains that time.

Section model: serials are grouped in blocks of 8 whose slots are a deterministic shuffle of the
section weights (3, 2, 2, 1), so the j-th newest article of a section is found arithmetically.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from .rng import TAG_DATE_ONLY, TAG_LAYOUT, TAG_TIME, mix

SECTIONS: tuple[tuple[str, str], ...] = (
    ("tin-tuc-su-kien", "Tin tức - Sự kiện"),
    ("chinh-tri", "Chính trị"),
    ("kinh-te-xa-hoi", "Kinh tế - Xã hội"),
    ("van-hoa-xa-hoi", "Văn hóa - Xã hội"),
)
SECTION_WEIGHTS = (3, 2, 2, 1)
BLOCK = sum(SECTION_WEIGHTS)
SEED_SECTION = 1  # "chinh-tri"

END_OF_TIMELINE = datetime(2022, 6, 30, 19, 0)
WINDOW_MINUTES = 12 * 60
SEED_PUBLISHED = datetime(2022, 6, 2, 16, 30)
_SEED_OFFSET = (END_OF_TIMELINE.date() - SEED_PUBLISHED.date()).days * WINDOW_MINUTES + (
    END_OF_TIMELINE.hour * 60 - SEED_PUBLISHED.hour * 60 - SEED_PUBLISHED.minute
)
MIN_STEP_MINUTES = 3  # guarantees strictly decreasing minute-resolution times


def span_days(n: int) -> int:
    """Days covered by n articles: ~n/2 days, at least 90, about 2 years for large n."""
    days = max(90, min(730, n // 2))
    needed = -(-MIN_STEP_MINUTES * n // WINDOW_MINUTES)
    return max(days, needed)


@lru_cache(maxsize=1 << 16)
def _block_layout(seed: int, block: int) -> tuple[int, ...]:
    """Section of each of the 8 slots of a block (Fisher-Yates driven by a keyed hash)."""
    slots = [s for s, weight in enumerate(SECTION_WEIGHTS) for _ in range(weight)]
    h = mix(seed, TAG_LAYOUT, block)
    for i in range(BLOCK - 1, 0, -1):
        j = h % (i + 1)
        h //= i + 1
        slots[i], slots[j] = slots[j], slots[i]
    return tuple(slots)


class Timeline:
    """Index arithmetic for N articles: dates, sections and per-section order."""

    def __init__(self, articles: int, seed: int) -> None:
        self.n = articles
        self.seed = seed
        self.total_minutes = span_days(articles) * WINDOW_MINUTES
        nearest = (2 * _SEED_OFFSET * articles + self.total_minutes) // (2 * self.total_minutes)
        self.seed_index = min(max(nearest, 0), articles - 1)
        self.seed_serial = articles - 1 - self.seed_index
        self._seed_block, self._seed_slot = divmod(self.seed_serial, BLOCK)
        self._seed_layout = self._force_seed_layout()
        full_blocks, rest = divmod(articles, BLOCK)
        top = self.layout(full_blocks) if rest else ()
        self.section_counts = tuple(
            full_blocks * weight + sum(1 for slot in range(rest) if top[slot] == s)
            for s, weight in enumerate(SECTION_WEIGHTS)
        )

    def _force_seed_layout(self) -> tuple[int, ...]:
        """The seed's block, with the seed's slot swapped into the seed section."""
        layout = list(_block_layout(self.seed, self._seed_block))
        if layout[self._seed_slot] != SEED_SECTION:
            other = layout.index(SEED_SECTION)
            layout[other], layout[self._seed_slot] = layout[self._seed_slot], SEED_SECTION
        return tuple(layout)

    def layout(self, block: int) -> tuple[int, ...]:
        if block == self._seed_block:
            return self._seed_layout
        return _block_layout(self.seed, block)

    def serial(self, index: int) -> int:
        return self.n - 1 - index

    def published(self, index: int) -> datetime:
        """Publication time; strictly decreasing in index."""
        if index == self.seed_index:
            return SEED_PUBLISHED
        jitter = mix(self.seed, TAG_TIME, self.serial(index)) % max(1, 2 * self.total_minutes // 5)
        offset = (index * self.total_minutes + jitter) // self.n
        days, minutes = divmod(offset, WINDOW_MINUTES)
        return END_OF_TIMELINE - timedelta(days=days, minutes=minutes)

    def has_time(self, index: int) -> bool:
        """About 1 in 8 articles show only a date, never the seed."""
        if index == self.seed_index:
            return True
        return mix(self.seed, TAG_DATE_ONLY, self.serial(index)) % 8 != 0

    def section_of(self, index: int) -> int:
        return self.section_of_serial(self.serial(index))

    def section_of_serial(self, serial: int) -> int:
        """Section of any serial, including those past N (articles added on later days)."""
        block, slot = divmod(serial, BLOCK)
        return self.layout(block)[slot]

    def index_in_section(self, section: int, position: int) -> int:
        """Global index of the position-th newest article (0-based) of a section."""
        ascending = self.section_counts[section] - 1 - position
        block, rank = divmod(ascending, SECTION_WEIGHTS[section])
        layout = self.layout(block)
        slot = [i for i, s in enumerate(layout) if s == section][rank]
        return self.serial(block * BLOCK + slot)

    def position_in_section(self, index: int) -> int:
        """Inverse of index_in_section: 0 = newest of its section."""
        block, slot = divmod(self.serial(index), BLOCK)
        layout = self.layout(block)
        section = layout[slot]
        rank = sum(1 for s in layout[:slot] if s == section)
        ascending = block * SECTION_WEIGHTS[section] + rank
        return self.section_counts[section] - 1 - ascending
