"""The sidebar visitor counter ("Thống kê truy cập"), reproducing the seed page's numbers.

The n-th HTML page served (n = 0 for the first) shows today 2579+n, week 33,715+n and total
1,448,808+n; "Đang online" oscillates deterministically around 61. The crawler stores these as a
time series, so the server takes a number and sends the page under one lock (see server.py).
"""

from __future__ import annotations

import threading

from .rng import TAG_ONLINE, mix
from .vntext import en_int

BASE_ONLINE = 61
BASE_TODAY = 2579
BASE_WEEK = 33_715
BASE_TOTAL = 1_448_808
_HALF_PERIOD = 18  # triangle wave: 0 -> +9 -> -9 -> 0 over 36 pages


def online_at(n: int) -> int:
    """'Đang online' for the n-th page: 61 at n=0, bounded (51..71), never below 1."""
    phase = n % (2 * _HALF_PERIOD)
    quarter = _HALF_PERIOD // 2
    if phase <= quarter:
        wave = phase
    elif phase <= 3 * quarter:
        wave = _HALF_PERIOD - phase
    else:
        wave = phase - 2 * _HALF_PERIOD
    noise = 0 if n == 0 else mix(TAG_ONLINE, n) % 3 - 1
    return max(1, BASE_ONLINE + wave + noise)


def counter_html(n: int) -> str:
    """The counter box exactly as the real portal marks it up."""
    return (
        '<div class="box box-thongke"><div class="box-title">Thống kê truy cập</div>'
        f'<ul class="thongke"><li class="online">Đang online: <span>{online_at(n)}</span></li>'
        f'<li class="today">Hôm nay: <span>{BASE_TODAY + n}</span></li>'
        f'<li class="week">Trong tuần: <span>{en_int(BASE_WEEK + n)}</span></li>'
        f'<li class="total">Tất cả: <span>{en_int(BASE_TOTAL + n)}</span></li></ul></div>'
    )


class VisitorCounter:
    """Page numbers in serving order. Hold `lock` while calling take() AND sending the page."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._next = 0

    def take(self) -> int:
        n = self._next
        self._next += 1
        return n

    @property
    def served(self) -> int:
        return self._next
