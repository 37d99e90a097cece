"""The site's words in Vietnamese (default) and English (the switch), one catalogue.

Why not gettext/Babel: the site has a few dozen strings in two languages, and the pages that
use them are ours; a dict keeps each pair side by side so no English line can exist without
its Vietnamese one (tests check every key has both). Templates call ``t("key")``, provided
by archive/site/plugins/archive_format.py with the reader's language already chosen.

Choosing the language: ``?lang=en`` (or ``vi``) on any page, else the ``lang`` cookie that
``/-/lang?to=en`` sets, else Vietnamese.
"""

from collections.abc import Callable, Mapping

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
COOKIE = "lang"

MESSAGES: dict[str, tuple[str, str]] = {
    # header, nav, footer (base.html)
    "skip": ("Bỏ qua, tới nội dung", "Skip to content"),
    "search_label": ("Tìm tin bài trong kho lưu trữ", "Search the archived articles"),
    "search_placeholder": ("Tìm tin bài: ủy ban, UBND, sáp nhập…", "Search: ủy ban, UBND…"),
    "search_button": ("Tìm", "Search"),
    "nav_label": ("Các trang chính", "Main pages"),
    "nav_home": ("Trang chủ", "Home"),
    "nav_search": ("Tìm kiếm", "Search"),
    "nav_changes": ("Đã sửa / Đã gỡ", "Edited / Removed"),
    "nav_snapshots": ("Bản chụp", "Snapshots"),
    "nav_stats": ("Thống kê", "Statistics"),
    "switch_to": ("English", "Tiếng Việt"),
    "switch_title": ("Xem trang bằng tiếng Anh", "Xem trang bằng tiếng Việt"),
    "advanced_data": ("Dữ liệu nâng cao", "Advanced data"),
    "advanced_data_hint": (
        "bảng, truy vấn SQL, JSON và CSV",
        "tables, SQL queries, JSON and CSV",
    ),
    "licence": ("Giấy phép", "Licence"),
    "source": ("Nguồn", "Source"),
    "licence_text": ("CC BY 4.0, chỉ phần biên soạn", "CC BY 4.0, our compilation only"),
    "licence_note": (
        "bản quyền tin bài thuộc về cơ quan đăng tải",
        "article texts remain their publishers'",
    ),
    "source_text": (
        "cổng thông tin điện tử các địa phương Việt Nam",
        "Vietnamese local-government web portals",
    ),
    "times_note": ("Giờ Việt Nam (UTC+7)", "Vietnam time (UTC+7)"),
    # home page (index.html)
    "home_intro": (
        "Tin bài từ cổng thông tin điện tử các địa phương, được lưu lại cùng mọi lần sửa và gỡ.",
        "Articles from Vietnamese local-government portals, kept with every edit and removal.",
    ),
    "home_total": ("tin bài đã lưu", "archived articles"),
    "home_portals": ("Các cổng thông tin", "Portals"),
    "home_portal": ("Cổng", "Portal"),
    "home_articles": ("Tin bài", "Articles"),
    "home_last_crawl": ("Lần thu thập gần nhất", "Last crawl"),
    "home_latest": ("Tin bài mới đăng", "Latest published articles"),
    "home_no_articles": ("Chưa có tin bài nào.", "No articles yet."),
    "home_changes": (
        "Tin bài đã sửa và đã gỡ trong tuần",
        "Articles edited and removed this week",
    ),
    "home_snapshots": (
        "Bản chụp kho lưu trữ để tải về và kiểm tra",
        "Archive snapshots to download and verify",
    ),
    "home_lookup": ("Tra theo địa chỉ bài trên cổng", "Look up by the portal's URL"),
    "home_lookup_hint": (
        "Dán địa chỉ gốc của bài (http hay https, có hay không www. đều được).",
        "Paste the article's original URL (http or https, with or without www.).",
    ),
    "home_lookup_button": ("Tra cứu", "Look up"),
    "home_published": ("Đăng ngày", "Published"),
    "home_first_seen": ("Lưu lần đầu", "First archived"),
    "home_search_help": ("Cách tìm", "How to search"),
    "home_search_help_text": (
        "Gõ có dấu hay không dấu đều được (\u201cuy ban\u201d tìm cả \u201cỦy ban\u201d); "
        "chữ viết tắt như UBND, HĐND tìm cả dạng đầy đủ; đặt cụm từ trong ngoặc kép để "
        "tìm đúng cụm.",
        "Type with or without tone marks (\u201cuy ban\u201d also finds \u201cỦy ban\u201d); "
        "abbreviations such as UBND and HĐND also find the full form; put a phrase in "
        "double quotes to find it exactly.",
    ),
    # snapshots page (snapshots.html)
    "snap_title": ("Bản chụp kho lưu trữ", "Archive snapshots"),
    "snap_intro": (
        "Mỗi bản chụp là một bản sao trọn vẹn, có ghi ngày, của cơ sở dữ liệu lưu trữ tại "
        "một thời điểm.",
        "Each snapshot is a complete, dated copy of the archive database at one moment.",
    ),
    "snap_verify": ("Cách kiểm tra tệp tải về", "How to verify a download"),
    "snap_verify_text": (
        "Tải tệp .db và tệp .sha256 đi kèm về cùng một thư mục rồi chạy:",
        "Download the .db file and its .sha256 file into one folder, then run:",
    ),
    "snap_json": ("Danh sách dạng JSON", "The list as JSON"),
    "snap_none": (
        "Chưa có bản chụp nào (lệnh portal-archive snapshot tạo bản chụp).",
        "No snapshots yet (portal-archive snapshot makes one).",
    ),
    "snap_unconfigured": (
        "Trang này chưa có thư mục bản chụp.",
        "This site has no snapshot directory.",
    ),
    "snap_unreadable": (
        "Không đọc được danh sách bản chụp; người quản trị đã được báo trong nhật ký máy chủ.",
        "The snapshot list cannot be read; the server's log says why.",
    ),
    "snap_date": ("Thời điểm", "Taken"),
    "snap_file": ("Tệp", "File"),
    "snap_size": ("Dung lượng", "Size"),
    "snap_articles": ("Tin bài", "Articles"),
    "snap_by_portal": ("Theo cổng", "By portal"),
    # look-up by the portal's URL (web_lookup.html) and the permanent link page (web_article.html)
    "lookup_title": ("Tra cứu theo địa chỉ gốc", "Look up by original URL"),
    "lookup_title_pasted": ("Tra cứu: {url}", "Look up: {url}"),
    "lookup_label": ("Địa chỉ tin bài trên cổng", "The article's URL on the portal"),
    "lookup_placeholder": (
        "Dán địa chỉ tin bài trên cổng, ví dụ https://…",
        "Paste the article's URL on the portal, e.g. https://…",
    ),
    "lookup_hint": (
        "Mọi dạng của địa chỉ đều được: http hay https, có hay không www., dấu / ở cuối, "
        "tham số theo dõi (utm_…, fbclid).",
        "Any form of the URL works: http or https, with or without www., a trailing /, "
        "tracking parameters (utm_…, fbclid).",
    ),
    "lookup_no_archive": (
        "Trang này không phục vụ cơ sở dữ liệu lưu trữ nào.",
        "This site serves no archive database.",
    ),
    "lookup_not_found": ("Chưa lưu trữ địa chỉ này", "This URL is not archived"),
    "lookup_not_found_before": (
        "Không có tin bài nào được lưu với địa chỉ",
        "No article is archived at",
    ),
    "lookup_not_found_after": ("hay một dạng khác của nó.", "or any other form of it."),
    "lookup_elsewhere": (
        "Có thể tin bài được lưu dưới một địa chỉ khác:",
        "The article may be archived under another URL:",
    ),
    "lookup_search_words": (
        "tìm các từ “{words}” trong kho lưu trữ",
        "search the archive for “{words}”",
    ),
    "lookup_candidates": ("{n} tin bài khớp với địa chỉ này", "{n} articles match this URL"),
    "no_title": ("(không có tiêu đề)", "(no title)"),
    "lookup_archived_url": ("Địa chỉ đã lưu:", "Archived URL:"),
    "lookup_removed": (
        "Đã gỡ khỏi cổng ngày {date} ({reason}).",
        "Removed from the portal on {date} ({reason}).",
    ),
    "lookup_versions": ("Các phiên bản", "Versions"),
    "lookup_version": ("Phiên bản", "Version"),
    "lookup_archived_at": ("Thời điểm lưu", "Archived at"),
    "lookup_status": ("Trạng thái", "Status"),
    "lookup_status_removed": ("đã gỡ: {reason}", "removed: {reason}"),
    "lookup_status_failed": ("không đọc được nội dung", "content could not be read"),
    "lookup_status_first": ("lần đầu lưu", "first archived"),
    "lookup_status_changed": ("nội dung thay đổi", "content changed"),
    "lookup_captures": ("Các bản lưu gốc", "Original captures"),
    "lookup_fetched_at": ("Thời điểm tải", "Fetched at"),
    "lookup_kind": ("Loại", "Kind"),
    "lookup_digest": ("Mã băm SHA-256", "SHA-256 digest"),
    "lookup_no_captures": (
        "Không có bản lưu gốc (WARC) nào của địa chỉ này.",
        "No original capture (WARC) of this URL.",
    ),
    "web_data_page": ("Trang dữ liệu của tin bài", "The article's data page"),
    # error pages (error.html; headlines and explanations in archive/error_text.py)
    "error_status": ("Mã lỗi HTTP", "HTTP status"),
    "error_detail": ("Chi tiết kỹ thuật", "Technical detail"),
    "error_home": ("Về trang chủ", "Back to the home page"),
    "error_search": ("Tìm tin bài", "Search the articles"),
    "error_advanced": ("Dữ liệu nâng cao", "Advanced data"),
    # canned-query pages (query.html)
    "query_advanced": (
        "Trang truy vấn dữ liệu nâng cao. Để tìm tin bài, dùng ô tìm kiếm ở đầu trang.",
        "An advanced data query page. To search articles, use the search box at the top.",
    ),
}


def message(key: str, lang: str = DEFAULT) -> str:
    """The text for ``key`` in ``lang`` (Vietnamese when the language is unknown).

    An unknown key raises KeyError: a template typo must fail its test, not show a key.
    """
    vietnamese, english = MESSAGES[key]
    return english if lang == "en" else vietnamese


def choose_language(args: Mapping[str, str], cookies: Mapping[str, str]) -> str:
    """``?lang=`` first, then the cookie, then Vietnamese; anything else is ignored."""
    for candidate in (args.get("lang"), cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT


def translator(lang: str) -> Callable[..., str]:
    """``t(key)`` for templates, bound to one language; ``t(key, name=value)`` fills the
    message's ``{name}`` fields."""

    def t(key: str, **values: object) -> str:
        text = message(key, lang)
        return text.format(**values) if values else text

    return t


def safe_next(target: str | None) -> str:
    """Where the switch sends the reader back to: a local path only (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
