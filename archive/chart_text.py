"""The statistics dashboard's words in English, for the English switch.

metadata.json holds the dashboard (datasette-dashboards' config) in Vietnamese, one language
per line as on every page of the site. :func:`translate` gives its English copy: every
``title``, ``description``, ``name`` (a filter's label) and ``suffix`` (a metric card's unit)
is looked up in :data:`ENGLISH`, and so is every quoted label inside a Vega-Lite
``labelExpr`` (the legends' and axes' names for values such as ``requests`` or ``menu``).
A Vietnamese string without its English entry stays Vietnamese (a test checks there is none).
"""

from __future__ import annotations

import re
from typing import Any

TRANSLATED_KEYS = frozenset({"title", "description", "name", "suffix"})
LABEL_EXPRESSION = "labelExpr"
#: ``'value': 'label'`` in a labelExpr's object literal
_LABEL = re.compile(r"('[^'\\]*':\s*)'([^'\\]*)'")

ENGLISH: dict[str, str] = {
    "Thống kê lưu trữ": "Archive statistics",
    "Bộ đếm lượt truy cập, tin bài đăng theo tháng và tình trạng các lần thu thập.": (
        "Visitor counters, articles published per month and crawl health."
    ),
    "Cổng": "Portal",
    "Tin bài đã lưu": "Archived articles",
    " tin bài": " articles",
    "Tin bài đã bị gỡ": "Removed articles",
    "Tin bài không đọc được nội dung, sẽ được tải lại": (
        "Articles whose content could not be read, fetched again next crawl"
    ),
    "Phiên bản do trình trích xuất mới đọc lại, không phải sửa bài": (
        "Versions re-read by a newer extractor, not edits"
    ),
    " phiên bản": " versions",
    "Tổng lượt truy cập theo thời gian": "Total visits over time",
    "Thời điểm ghi nhận (giờ Việt Nam)": "Observed (Vietnam time)",
    "Tổng lượt truy cập": "Total visits",
    "Lượt truy cập hôm nay theo thời gian": "Visits today over time",
    "Hôm nay": "Today",
    "Tin bài đăng theo tháng": "Articles published per month",
    "Tháng đăng": "Month published",
    "Tin bài": "Articles",
    "Tình trạng thu thập: yêu cầu, lỗi và tin bài không đọc được mỗi lần": (
        "Crawl health: requests, errors and extraction failures per run"
    ),
    "Bắt đầu (giờ Việt Nam)": "Started (Vietnam time)",
    "Số lượng": "Count",
    "Chỉ số": "Measure",
    "Tin bài theo nguồn liệt kê: trang danh sách, sitemap/RSS hay cả hai": (
        "Articles by the sources that listed them: listings, sitemap or feed, or both"
    ),
    "Nguồn": "Source",
    "Lần thu thập bị giới hạn cắt ngắn (partial), lần sau sẽ tiếp tục": (
        "Crawls cut short by a limit (partial), the next one continues"
    ),
    " lần": " crawls",
    "Chuyên mục và trang trong trình đơn theo loại và cách tìm thấy (chi tiết: bảng sections)": (
        "Sections and menu targets by kind and how they were found (details: the sections table)"
    ),
    "Loại": "Kind",
    "Số chuyên mục, trang": "Sections, pages",
    "Tìm thấy qua": "Found through",
    # labels of values (labelExpr)
    "yêu cầu": "requests",
    "lỗi": "errors",
    "không đọc được nội dung": "content not read",
    "chỉ trang danh sách": "listing pages only",
    "chỉ sitemap hoặc RSS": "sitemap or RSS only",
    "cả hai": "both",
    "tin tức": "news",
    "tổng hợp": "aggregate",
    "văn bản": "documents",
    "lịch công tác": "work schedules",
    "hỏi đáp": "questions and answers",
    "thủ tục hành chính": "administrative procedures",
    "trang": "pages",
    "trang ngoài cổng": "off the portal",
    "không truy cập được": "unreachable",
    "cấu hình": "configuration",
    "trình đơn": "menu",
    "trình đơn con": "submenu",
    "chân trang": "footer",
    "liên kết xem tất cả": "see-all link",
    "sitemap": "sitemap",
}


def translate(config: Any, lang: str) -> Any:
    """``config`` with its words in ``lang`` (the same object for Vietnamese)."""
    if lang != "en":
        return config
    return _english(config, None)


def _english(value: Any, key: str | None) -> Any:
    if isinstance(value, dict):
        return {k: _english(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_english(v, None) for v in value]
    if isinstance(value, str):
        if key in TRANSLATED_KEYS:
            return ENGLISH.get(value, value)
        if key == LABEL_EXPRESSION:
            return _LABEL.sub(lambda m: m[1] + "'" + ENGLISH.get(m[2], m[2]) + "'", value)
    return value


def words(config: Any, key: str | None = None) -> list[str]:
    """Every string :func:`translate` would look up (for the test that each has English)."""
    if isinstance(config, dict):
        return [w for k, v in config.items() for w in words(v, k)]
    if isinstance(config, list):
        return [w for v in config for w in words(v, None)]
    if isinstance(config, str) and key in TRANSLATED_KEYS:
        return [config]
    if isinstance(config, str) and key == LABEL_EXPRESSION:
        return [m[2] for m in _LABEL.finditer(config)]
    return []
