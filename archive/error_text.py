"""What an error page says, in Vietnamese and English (issue 13: every error page Vietnamese,
English under the switch, never a traceback).

Datasette raises its errors with short English messages ("Table not found", "Cannot sort table
by x"). :func:`describe` turns a status and such a message into a headline and an explanation
in the reader's language; a message it does not know is kept as a technical detail (4xx only:
the text of an unexpected 500 can hold SQL or server paths, so it goes to the log, not the page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADLINES: dict[int, tuple[str, str]] = {
    400: ("Yêu cầu không hợp lệ", "Bad request"),
    403: ("Không được phép", "Forbidden"),
    404: ("Không tìm thấy trang", "Page not found"),
    405: ("Không hỗ trợ phương thức này", "Method not allowed"),
    500: ("Lỗi máy chủ", "Server error"),
}
OTHER_HEADLINE = ("Lỗi {status}", "Error {status}")

#: What to say when the message itself is not known, by status class.
EXPLANATIONS: dict[int, tuple[str, str]] = {
    400: (
        "Trang không trả lời được yêu cầu này như đã viết; hãy kiểm tra các tham số trong địa chỉ.",
        "The page cannot answer this request as written; check the parameters in the address.",
    ),
    403: ("Trang này không được phép xem.", "This page may not be viewed."),
    404: (
        "Không có trang nào ở địa chỉ này. Có thể địa chỉ bị gõ sai hoặc trang đã được chuyển.",
        "There is no page at this address. It may be mistyped, or the page has moved.",
    ),
    500: (
        "Máy chủ gặp lỗi khi trả lời; lỗi đã được ghi lại. Xin thử lại sau.",
        "The server failed to answer; the error has been logged. Please try again later.",
    ),
}

#: Datasette's messages (datasette/views/*.py) and datasette-dashboards', as full patterns.
KNOWN: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), vietnamese, english)
    for pattern, vietnamese, english in (
        (r"404", EXPLANATIONS[404][0], EXPLANATIONS[404][1]),
        (
            r"Database not found",
            "Không có cơ sở dữ liệu nào ở địa chỉ này.",
            "There is no database at this address.",
        ),
        (
            r"Table not found",
            "Không có bảng nào tên như vậy trong kho lưu trữ.",
            "The archive has no table of that name.",
        ),
        (
            r"Record not found",
            "Không có bản ghi nào với mã này trong bảng.",
            "The table has no record with this key.",
        ),
        (
            r"Cannot sort table by (.+)",
            "Không sắp xếp được bảng theo “{0}”: không có cột nào tên như vậy.",
            "The table cannot be sorted by “{0}”: there is no such column.",
        ),
        (
            r"Cannot use _sort and _sort_desc at the same time",
            "Không dùng được _sort và _sort_desc cùng lúc.",
            "_sort and _sort_desc cannot be used together.",
        ),
        (
            r"_size must be a positive integer",
            "_size phải là một số nguyên dương.",
            "_size must be a positive whole number.",
        ),
        (
            r"_size must be <= (\d+)",
            "_size không được lớn hơn {0}.",
            "_size must be at most {0}.",
        ),
        (
            r"Dashboard not found: (.+)",
            "Không có trang thống kê “{0}”.",
            "There is no statistics page “{0}”.",
        ),
        (
            r"Chart does not exist: (.+)",
            "Không có biểu đồ “{0}”.",
            "There is no chart “{0}”.",
        ),
    )
)


#: Datasette raises these as plain ``DatasetteError`` (status 500), but the request is at
#: fault, not the server: answered 400 so monitoring does not count a reader's typo as an
#: outage and the reader is told to change the address.
READER_FAULTS = tuple(
    re.compile(p)
    for p in (r"Cannot sort table by .+", r"Cannot use _sort and _sort_desc at the same time")
)


def reader_fault(status: int, message: str) -> int:
    """``status``, or 400 when a 500 carries a message of :data:`READER_FAULTS`."""
    if status == 500 and any(p.fullmatch(message.strip()) for p in READER_FAULTS):
        return 400
    return status


@dataclass(frozen=True)
class ErrorText:
    """The page's words: a headline, an explanation, and Datasette's own message when we do
    not know it (shown folded, as a technical detail)."""

    headline: str
    explanation: str
    detail: str | None


def describe(status: int, message: str, lang: str = "vi") -> ErrorText:
    """The headline and explanation of an error page in ``lang``."""
    index = 1 if lang == "en" else 0
    headline = HEADLINES.get(status, OTHER_HEADLINE)[index].format(status=status)
    for pattern, vietnamese, english in KNOWN:
        found = pattern.fullmatch(message.strip())
        if found:
            chosen = english if lang == "en" else vietnamese
            return ErrorText(headline, chosen.format(*found.groups()), None)
    family = status if status in EXPLANATIONS else (500 if status >= 500 else 400)
    detail = message.strip() if status < 500 and message.strip() else None
    return ErrorText(headline, EXPLANATIONS[family][index], detail)
