"""The words of the changes page, the diff page and the hidden-article notice, (Vietnamese,
English) side by side like archive/site_messages.py; ``ct(key)`` in the templates."""

from collections.abc import Callable

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Đã sửa / Đã gỡ", "Edited / Removed"),
    "intro": (
        "Tin bài mà cổng đã sửa, gỡ xuống hoặc đăng lại, theo tuần (giờ Việt Nam). Lần đọc lại "
        "bằng trình trích xuất mới không phải là sửa bài và không được liệt kê.",
        "Articles the portals edited, took down or put back, by week (Vietnam time). Re-reading "
        "with a newer extractor is not an edit and is not listed.",
    ),
    "all_portals": ("Tất cả các cổng", "All portals"),
    "none": ("Tuần này không có tin bài nào bị sửa hay gỡ.", "Nothing was edited or removed."),
    "earlier": ("Tuần trước có thay đổi", "Earlier week with changes"),
    "later": ("Tuần sau có thay đổi", "Later week with changes"),
    "this_week": ("Tuần này", "This week"),
    "feed": ("Nguồn tin Atom", "Atom feed"),
    "edited": ("bài đã sửa", "edited"),
    "removed": ("bài đã gỡ", "removed"),
    "restored": ("bài xuất hiện lại", "restored"),
    "see_diff": ("xem thay đổi", "see the changes"),
    "see_last": ("xem bản cuối cùng", "see the last copy"),
    "diff_title": ("So sánh phiên bản", "Compare versions"),
    "version": ("Phiên bản", "Version"),
    "compare": ("So sánh", "Compare"),
    "from": ("Từ", "From"),
    "to": ("đến", "to"),
    "as_it_was": ("bài viết lúc đó", "the article as it was"),
    "whole": ("Xem toàn văn", "Whole text"),
    "compact": ("Chỉ đoạn thay đổi", "Changed passages only"),
    "legend": (
        "bị xóa; được thêm; … là đoạn không đổi",
        "deleted; inserted; … marks unchanged text",
    ),
    "deleted": ("bị xóa", "deleted"),
    "inserted": ("được thêm", "inserted"),
    "title_field": ("Tiêu đề", "Title"),
    "summary_field": ("Tóm tắt", "Summary"),
    "body_field": ("Nội dung", "Body"),
    "meta_field": ("Thông tin khác", "Other details"),
    "images_changed": ("Ảnh đã thay đổi.", "The images changed."),
    "attachments_changed": ("Tệp đính kèm đã thay đổi.", "The attachments changed."),
    "identical": ("Hai phiên bản giống nhau.", "The two versions are the same."),
    "one_version": (
        "Bài viết chỉ có một phiên bản đọc được; chưa có gì để so sánh.",
        "The article has one readable version only; nothing to compare.",
    ),
    "extractor_note": (
        "Phiên bản do trình trích xuất mới đọc lại: khác biệt có thể do cách đọc, không phải "
        "do cổng sửa bài.",
        "A version re-read by a newer extractor: differences may come from our reading, not "
        "from an edit by the portal.",
    ),
    "article_page": ("Trang bài viết", "Article page"),
    "all_versions": ("Các phiên bản", "Versions"),
    "paste": ("Địa chỉ gốc của bài viết trên cổng", "The article's original URL on the portal"),
    "not_found": (
        "Không có bài viết nào với địa chỉ này trong kho lưu trữ.",
        "No archived article has this address.",
    ),
    "bad_version": (
        "Phiên bản không hợp lệ: chọn hai phiên bản đọc được trong danh sách dưới đây.",
        "Invalid version: choose two readable versions from the list below.",
    ),
    "bad_page": (
        "Trang không hợp lệ: tuần này có {pages} trang.",
        "Invalid page: this week has {pages} pages.",
    ),
    "page_of": ("Trang {page}/{pages}", "Page {page} of {pages}"),
    "previous_page": ("Trang trước", "Previous page"),
    "next_page": ("Trang sau", "Next page"),
    "bad_week": (
        "Tuần không hợp lệ: dùng dạng 2026-W50.",
        "Invalid week: use the form 2026-W50.",
    ),
    "no_archive": ("Chưa có kho lưu trữ nào được phục vụ.", "No archive is served."),
    "hidden_reason": ("Lý do", "Reason"),
    "hidden_since": ("Gỡ khỏi trang công khai ngày", "Taken off the public site on"),
    "old": ("Cũ", "Old"),
    "new": ("Mới", "New"),
    "empty": ("(trống)", "(empty)"),
    "when": ("Thời điểm", "When"),
    "portal": ("Cổng", "Portal"),
    "what": ("Thay đổi", "Change"),
    "article": ("Bài viết", "Article"),
    "unreadable": ("không đọc được", "unreadable"),
}


def translator(lang: str) -> Callable[[str], str]:
    """``ct(key)`` bound to one language (Vietnamese unless ``lang`` is ``en``); an unknown
    key raises KeyError, so a template typo fails its test."""

    def ct(key: str) -> str:
        vietnamese, english = TEXT[key]
        return english if lang == "en" else vietnamese

    return ct
