"""The search results page's words, (Vietnamese, English) side by side; ``st(key)`` in templates.

Like archive/site_messages.py (the site's frame) and archive/changes_text.py: one catalogue, so
an English line cannot exist without its Vietnamese one and a page is never in both at once.
Values are ``str.format`` templates (``st("count", n="175")``).

:class:`archive.search_page.SearchInputError` carries one of the ``input_*`` keys and its
fields; its ``str()`` is the Vietnamese text, the error page renders the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable

TEXT: dict[str, tuple[str, str]] = {
    # the page (search_results.html, search_form.html)
    "title": ("Tìm kiếm", "Search"),
    "title_q": ("Tìm kiếm: {q}", "Search: {q}"),
    "title_count": ("Tìm kiếm: {q} — {n} kết quả", "Search: {q} — {n} results"),
    "title_count_one": ("Tìm kiếm: {q} — {n} kết quả", "Search: {q} — {n} result"),
    "heading_empty": ("Tìm kiếm tin bài", "Search the articles"),
    "heading_q": ("Tìm kiếm:", "Search:"),
    "count": ("kết quả", "results"),
    "count_one": ("kết quả", "result"),
    "count_pages": (
        "trang {page}/{pages} (kết quả {first}–{last})",
        "page {page} of {pages} (results {first}–{last})",
    ),
    "none": ("Không tìm thấy kết quả nào", "No results"),
    "none_for": ("cho", "for"),
    "none_filtered": ("với các bộ lọc đã chọn", "with the chosen filters"),
    "active_label": ("Bộ lọc đang dùng", "Filters in use"),
    "remove_filter": ("Bỏ bộ lọc này", "Remove this filter"),
    "sort_label": ("Sắp xếp:", "Order:"),
    "sort_word": ("Sắp xếp", "Order"),
    "sort_relevance": ("phù hợp nhất", "best match"),
    "sort_date": ("mới nhất", "newest"),
    "no_date": ("Trang không ghi ngày đăng", "The page gives no publication date"),
    "seen_on": ("lưu ngày {date}", "archived {date}"),
    "badge_files": ("có tệp đính kèm", "attachments"),
    "badge_changed": ("đã sửa", "edited"),
    "badge_removed": ("đã gỡ {date}", "removed {date}"),
    "pages_label": ("Các trang kết quả", "Result pages"),
    "previous": ("‹ Trang trước", "‹ Previous"),
    "next": ("Trang sau ›", "Next ›"),
    "exports": ("Tải kết quả trang này:", "Download this page of results:"),
    "export_csv": ("CSV (mở được bằng Excel)", "CSV (opens in Excel)"),
    "export_atom": ("nguồn tin Atom (mới nhất trước)", "Atom feed (newest first)"),
    "try": ("Thử tìm:", "Try:"),
    "try_hint": (
        "Hãy thử ít từ hơn, hoặc viết không dấu (ví dụ <q>thanh uy</q> tìm được cả “Thành ủy” "
        "và “Thành uỷ”).",
        "Try fewer words, or type without tone marks (<q>thanh uy</q> finds both “Thành ủy” "
        "and “Thành uỷ”).",
    ),
    "alt_no_tone_marks": ("Bỏ dấu", "Without tone marks"),
    "alt_no_quotes": ("Bỏ ngoặc kép", "Without quotes"),
    "alt_unfiltered": ("Trên mọi cổng, không lọc", "All portals, no filter"),
    "alt_none": (
        "Tìm {tried} cũng không có kết quả nào.",
        "Searching {tried} finds nothing either.",
    ),
    "alt_or": (" hoặc ", " or "),
    "alt_no_tone_marks_tried": ("không dấu", "without tone marks"),
    "alt_no_quotes_tried": ("bỏ ngoặc kép", "without quotes"),
    "alt_unfiltered_tried": ("bỏ mọi bộ lọc", "with no filter"),
    "narrow": ("Thu hẹp kết quả", "Narrow the results"),
    "capped": (
        "Số theo cổng, chuyên mục, tệp đính kèm, đã sửa và đã gỡ chỉ đếm trong {counted} kết "
        "quả mới nhất, không phải trên toàn bộ {total} kết quả. Số theo năm, tháng và tổng số "
        "là chính xác.",
        "The portal, section, attachment, edited and removed counts cover the {counted} newest "
        "results only, not all {total}. The year and month counts and the total are exact.",
    ),
    "words_label": ("Từ cần tìm", "Words to search for"),
    "words_placeholder": (
        "Ví dụ: ủy ban, UBND, \u201csơ kết tình hình\u201d",
        "For example: ủy ban, UBND, \u201csơ kết tình hình\u201d",
    ),
    "button": ("Tìm", "Search"),
    "from_label": ("Đăng từ ngày", "Published from"),
    "to_label": ("đến ngày", "to"),
    "help": ("Cách tìm", "How to search"),
    "help_marks": (
        "Gõ có dấu hoặc không dấu: <q>thanh uy</q> tìm cả “Thành ủy” và “Thành uỷ”; gõ có dấu "
        "thì chỉ tìm đúng dấu đó (<q>tám</q> không ra “tâm”).",
        "Type with or without tone marks: <q>thanh uy</q> finds both “Thành ủy” and “Thành uỷ”; "
        "with tone marks only those marks match (<q>tám</q> does not find “tâm”).",
    ),
    "help_abbreviations": (
        "Từ viết tắt và dạng đầy đủ là một: <q>UBND</q> tìm cả “Ủy ban nhân dân”.",
        "An abbreviation and its full form are one: <q>UBND</q> also finds “Ủy ban nhân dân”.",
    ),
    "help_phrase": (
        "Đặt cụm từ trong ngoặc kép để tìm các từ liền nhau, đúng thứ tự: "
        '<q>"sơ kết tình hình"</q>.',
        "Put a phrase in double quotes to find its words together and in order: "
        '<q>"sơ kết tình hình"</q>.',
    ),
    "help_all_words": (
        "Mọi từ đều phải có trong tin bài (tiêu đề, sapo hoặc nội dung).",
        "Every word must be in the article (title, summary or body).",
    ),
    "help_dates": (
        "Ngày lọc là ngày đăng do cổng ghi; tin không ghi ngày đăng được tính theo ngày lưu "
        "trữ thấy lần đầu.",
        "Dates are the publication dates the portals give; an article without one counts on "
        "the day the archive first saw it.",
    ),
    "help_failed": (
        "Tin bài không đọc được nội dung không có trong kết quả.",
        "Articles whose content could not be read are not in the results.",
    ),
    "advanced": ("SQL cho người dùng nâng cao", "SQL for advanced users"),
    "advanced_note": (
        "(truy vấn <code>search</code> cũ, có thể sửa)",
        "(the older <code>search</code> query, editable)",
    ),
    "error_title": ("không trả lời được", "cannot answer"),
    "last_page": ("Tới trang cuối (trang {page})", "Go to the last page (page {page})"),
    "retry": (
        "Tìm lại, bỏ giá trị không hợp lệ (giữ các bộ lọc khác)",
        "Search again without the invalid value (other filters kept)",
    ),
    # facets and filters
    "facet_portal": ("Cổng", "Portal"),
    "facet_section": ("Chuyên mục", "Section"),
    "facet_year": ("Năm đăng", "Year published"),
    "facet_month": ("Tháng đăng ({year})", "Month published ({year})"),
    "facet_attachments": ("Tệp đính kèm", "Attachments"),
    "facet_changed": ("Đã sửa", "Edited"),
    "facet_removed": ("Đã gỡ", "Removed"),
    "month": ("tháng {month}/{year}", "{month_name} {year}"),
    "with_files": ("Có tệp đính kèm", "With attachments"),
    "without_files": ("Không có tệp", "Without attachments"),
    "changed_yes": ("Đã được sửa sau khi đăng", "Edited after publication"),
    "changed_no": ("Chưa sửa", "Not edited"),
    "removed_yes": ("Đã bị gỡ khỏi cổng", "Removed from the portal"),
    "removed_no": ("Còn trên cổng", "Still on the portal"),
    "filter_portal": ("Cổng: {name}", "Portal: {name}"),
    "filter_section": ("Chuyên mục: {name}", "Section: {name}"),
    "filter_month": ("Đăng tháng {month}/{year}", "Published {month_name} {year}"),
    "filter_year": ("Đăng năm {year}", "Published in {year}"),
    "filter_changed": ("Đã sửa", "Edited"),
    "filter_removed": ("Đã gỡ", "Removed"),
    "filter_from": ("Từ ngày {date}", "From {date}"),
    "filter_to": ("Đến ngày {date}", "To {date}"),
    "order_ranked": (
        "Chỉ {limit} kết quả mới nhất được xếp theo mức phù hợp; từ trang {page}, các kết quả "
        "còn lại xếp theo ngày đăng, mới nhất trước.",
        "Only the {limit} newest results are ranked by relevance; from page {page} on, the "
        "others follow by publication date, newest first.",
    ),
    "order_by_date": (
        "Trang này xếp theo ngày đăng: {limit} kết quả mới nhất (trang 1–{last}) đã được xếp "
        "theo mức phù hợp.",
        "This page is in publication-date order: the {limit} newest results (pages 1–{last}) "
        "were ranked by relevance.",
    ),
    # answers the page cannot give as asked
    "err_format": (
        "Không có định dạng “.{fmt}” cho trang tìm kiếm: dùng .json, .csv hoặc .atom.",
        "The search page has no “.{fmt}” format: use .json, .csv or .atom.",
    ),
    "err_no_archive": (
        "Trang web này chưa có kho lưu trữ nào.",
        "This site serves no archive yet.",
    ),
    "err_no_q": ("Hãy nhập từ cần tìm (tham số q).", "Type the words to search for (parameter q)."),
    "err_no_word": (
        "“{q}” không có từ nào để tìm (chỉ có dấu câu, ký hiệu hoặc biểu tượng). Hãy nhập ít "
        "nhất một từ có chữ hoặc số.",
        "“{q}” has no word to search for (only punctuation, symbols or emoji). Type at least "
        "one word with letters or digits.",
    ),
    "err_timeout": (
        "Tìm kiếm này mất quá nhiều thời gian và đã bị dừng. Hãy thêm từ, chọn một cổng hoặc "
        "một khoảng ngày để thu hẹp.",
        "This search took too long and was stopped. Add words, choose a portal or a date range "
        "to narrow it.",
    ),
    "err_database": (
        "Lỗi khi đọc kho lưu trữ; xin thử lại sau.",
        "The archive could not be read; please try again later.",
    ),
    "err_past_last": (
        "Không có trang {page}: kết quả chỉ có {pages} trang.",
        "There is no page {page}: the results have {pages} page(s) only.",
    ),
    # the request's arguments at fault (archive/search_page.py raises SearchInputError(key))
    "input_sort": (
        "Cách sắp xếp “{sort}” không có: chỉ có sort=relevance (phù hợp nhất) hoặc sort=date "
        "(mới nhất).",
        "There is no order “{sort}”: only sort=relevance (best match) or sort=date (newest).",
    ),
    "input_month_without_year": (
        "Lọc theo tháng cần cả năm (ví dụ year=2022&month=6).",
        "Filtering by month needs the year too (for example year=2022&month=6).",
    ),
    "input_date_range": (
        "Khoảng ngày không hợp lệ: từ {start} đến {end} (ngày bắt đầu sau ngày kết thúc).",
        "Invalid date range: from {start} to {end} (the start is after the end).",
    ),
    "input_page": (
        "Số trang “{page}” không hợp lệ: hãy dùng một số từ 1 trở lên.",
        "Page number “{page}” is not valid: use a whole number from 1 up.",
    ),
    "input_page_zero": (
        "Số trang bắt đầu từ 1 (page=1 là trang đầu).",
        "Pages start at 1 (page=1 is the first page).",
    ),
    "input_page_too_large": (
        "Số trang {page} quá lớn: kết quả không có nhiều trang đến vậy.",
        "Page number {page} is too large: no search has that many pages.",
    ),
    "input_year": (
        "Năm “{value}” không hợp lệ (year: từ {low} đến {high}).",
        "Year “{value}” is not valid (year: from {low} to {high}).",
    ),
    "input_month": (
        "Tháng “{value}” không hợp lệ (month: từ {low} đến {high}).",
        "Month “{value}” is not valid (month: from {low} to {high}).",
    ),
    "input_flag": (
        "Giá trị “{value}” của {name} không hợp lệ: dùng 1 (có) hoặc 0 (không).",
        "The value “{value}” of {name} is not valid: use 1 (yes) or 0 (no).",
    ),
    "input_from": (
        "Từ ngày “{value}” không hợp lệ: hãy viết theo dạng năm-tháng-ngày, ví dụ 2022-06-02.",
        "The start date “{value}” is not valid: write it as year-month-day, for example "
        "2022-06-02.",
    ),
    "input_to": (
        "Đến ngày “{value}” không hợp lệ: hãy viết theo dạng năm-tháng-ngày, ví dụ 2022-06-02.",
        "The end date “{value}” is not valid: write it as year-month-day, for example 2022-06-02.",
    ),
    # Atom and CSV
    "site_name": ("Lưu trữ cổng thông tin", "Portal archive"),
    "feed_title": ("Tìm kiếm: {q} — {site}", "Search: {q} — {site}"),
    "csv_name": ("tim-kiem-trang-{page}.csv", "search-page-{page}.csv"),
}

#: English month names (not calendar.month_name, which follows the server's locale)
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # fmt: skip


def text(key: str, lang: str = "vi", **values: object) -> str:
    """The text for ``key`` in ``lang``, formatted with ``values`` (KeyError for a typo)."""
    vietnamese, english = TEXT[key]
    chosen = english if lang == "en" else vietnamese
    return chosen.format(**values) if values else chosen


def translator(lang: str) -> Callable[..., str]:
    """``st(key, **values)`` for the templates and the plugin, bound to one language."""

    def st(key: str, **values: object) -> str:
        return text(key, lang, **values)

    return st


def month_name(month: int) -> str:
    return MONTH_NAMES[month - 1]


def number(value: int, lang: str) -> str:
    """``1.449.050`` (Vietnamese) or ``1,449,050`` (English)."""
    shown = f"{value:,}"
    return shown if lang == "en" else shown.replace(",", ".")
