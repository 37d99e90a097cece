"""What the article page shows, built from archive rows (pure: no Datasette, no SQL).

Everything returned here is plain text or a checked URL; the template escapes the text
(Jinja autoescape) and only ever puts :func:`safe_url` results into ``href``/``src``. The
archive stores no HTML (extraction keeps text, captions and URLs), so there is nothing to
sanitise as HTML at this stage; the rendered fragment is additionally passed through nh3 in
the plugin (:mod:`archive_article`) as a second line of defence.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from archive.vn_format import vn_datetime

SAFE_SCHEMES = ("http", "https")
REMOVAL_REASONS: dict[str, tuple[str, str]] = {
    "http_404": ("trang trả về lỗi 404, không tìm thấy", "the page answered 404 Not Found"),
    "http_410": ("trang trả về mã 410, đã bị xóa hẳn", "the page answered 410 Gone"),
    "redirect": (
        "địa chỉ chuyển hướng về trang chủ hoặc chuyên mục",
        "the address redirected to the home or a section page",
    ),
    "soft_404": (
        "trang báo không tìm thấy bài viết",
        "the page said the article could not be found",
    ),
}
#: Layers whose values are guesses (portal_spider/extract/record.py WEAK_LAYERS; the archive
#: never imports the crawler, tests check the two stay equal), with how the page says it.
WEAK_LAYERS: dict[str, tuple[str, str]] = {
    "lines": ("đoán từ nội dung trang", "guessed from the page text"),
    "url": ("đoán từ địa chỉ trang", "guessed from the page address"),
    "title_tag": ("lấy từ thẻ tiêu đề của trang", "taken from the page's <title> tag"),
}
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "title": ("Tiêu đề", "title"),
    "published_at": ("Ngày đăng", "publication date"),
    "updated_at": ("Ngày cập nhật", "update date"),
    "author": ("Tác giả", "author"),
    "source": ("Nguồn", "source"),
    "summary": ("Tóm tắt", "summary"),
    "body_text": ("Nội dung", "body text"),
}
FAILURE_REASONS: dict[str, tuple[str, str]] = {
    "no_body": ("trang không có phần nội dung đọc được", "the page has no readable body"),
}
CHANGE_KINDS: dict[str, tuple[str, str]] = {
    "first": ("lần đầu lưu", "first archived"),
    "edit": ("nội dung thay đổi", "content changed"),
    "extractor": (
        "đọc lại bằng trình trích xuất mới, không phải cổng sửa bài",
        "re-read by a newer extractor, not an edit by the portal",
    ),
    "restore": ("xuất hiện trở lại", "restored"),
    "removal": ("bị gỡ", "removed"),
}
_DIFF_MARK = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}")
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class Link:
    url: str | None  # None when the stored URL is not http(s): shown as text, never a link
    text: str


@dataclass(frozen=True)
class Version:
    version: int
    fetched_at: str
    fetched: str  # fetched_at in Vietnam time, dd/mm/yyyy HH:MM
    http_status: int | None
    tombstone: bool
    removal_reason: str | None
    row_id: int
    # (kind, text) runs of the word diff from the previous content version; kind is
    # "same", "del" or "ins". Empty for the first version and for tombstones.
    diff: list[tuple[str, str]] = field(default_factory=list)
    title_diff: list[tuple[str, str]] = field(default_factory=list)
    previous_version: int | None = None
    restored: bool = False
    #: first, edit, extractor, removal or restore (NULL only on hand-made rows).
    change_kind: str | None = None
    extractor_version: str | None = None
    extraction_failed: str | None = None
    #: captures.record_id of the response this version was read from (None: no capture).
    capture: str | None = None

    @property
    def reason(self) -> tuple[str, str]:
        return removal_reason(self.removal_reason)

    @property
    def kind(self) -> tuple[str, str]:
        return change_kind(self.change_kind)

    @property
    def failure(self) -> tuple[str, str]:
        return failure_reason(self.extraction_failed)


def safe_url(url: Any) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (``javascript:``, ``data:``, …)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    return url


def paragraphs(text: str | None) -> list[str]:
    """Body paragraphs: the extractor joins paragraphs with blank lines, some with one newline."""
    return [p for p in _PARAGRAPH_BREAK.split(text or "") if p]


def images(value: str | None) -> list[tuple[Link, str]]:
    """``images`` JSON ``[{url, caption}]`` as (link, caption); malformed entries skipped."""
    return [
        (
            Link(safe_url(item.get("url")), str(item.get("url") or "")),
            str(item.get("caption") or ""),
        )
        for item in _json_list(value)
    ]


def attachments(value: str | None) -> list[Link]:
    """``attachments`` JSON ``[{url, title}]``; the title falls back to the URL."""
    return [
        Link(safe_url(item.get("url")), str(item.get("title") or item.get("url") or ""))
        for item in _json_list(value)
    ]


def _json_list(value: str | None) -> list[dict]:
    try:
        items = json.loads(value or "[]")
    except ValueError:
        return []
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def weak_fields(field_sources: str | None) -> dict[str, tuple[str, str]]:
    """``{field: (Vietnamese, English) note}`` for fields taken from a weak layer.

    ``field_sources`` is the stored JSON ``{field: layer}``; "ngày đăng đoán từ nội dung
    trang" tells a reader that the date is a guess. Malformed JSON gives no notes.
    """
    try:
        sources = json.loads(field_sources or "{}")
    except ValueError:
        return {}
    if not isinstance(sources, dict):
        return {}
    notes = {}
    for name, layer in sources.items():
        if layer in WEAK_LAYERS and isinstance(name, str):
            vi_field, en_field = FIELD_NAMES.get(name, (name, name))
            vi_how, en_how = WEAK_LAYERS[layer]
            notes[name] = (f"{vi_field} {vi_how}", f"{en_field} {en_how}")
    return notes


def failure_reason(reason: str | None) -> tuple[str, str]:
    """(Vietnamese, English) wording of an ``extraction_failed`` reason; unknown ones as given."""
    if reason in FAILURE_REASONS:
        return FAILURE_REASONS[reason]
    return (reason or "không rõ", reason or "unknown")


def change_kind(kind: str | None) -> tuple[str, str]:
    """(Vietnamese, English) wording of a version's ``change_kind``."""
    return CHANGE_KINDS.get(kind or "", (kind or "không rõ", kind or "unknown"))


def removal_reason(reason: str | None) -> tuple[str, str]:
    """(Vietnamese, English) wording of a ``removal_reason`` code; unknown codes as given."""
    if reason in REMOVAL_REASONS:
        return REMOVAL_REASONS[reason]
    return (reason or "không rõ", reason or "unknown")


def diff_runs(diff: str | None) -> list[tuple[str, str]]:
    """Split :func:`archive.diff.word_diff` output into ("same" | "del" | "ins", text) runs.

    word_diff marks changes as ``[-old-]``/``{+new+}`` and never spans a marker over a line
    break, so a non-greedy match per marker is exact unless the article itself contains
    those bracket pairs; then the display is off but the text stays escaped.
    """
    runs: list[tuple[str, str]] = []
    at = 0
    for match in _DIFF_MARK.finditer(diff or ""):
        if match.start() > at:
            runs.append(("same", diff[at : match.start()]))
        deleted, inserted = match.groups()
        runs.append(("del", deleted) if deleted is not None else ("ins", inserted))
        at = match.end()
    if diff and at < len(diff):
        runs.append(("same", diff[at:]))
    return runs


def readable_time(value: str | None) -> str:
    """``2022-06-02T16:30:00+07:00`` -> ``02/06/2022 16:30 (+07:00)``; date-only stays a date.

    Vietnamese day-first order; the offset is shown as stored (UTC as ``UTC``) because
    published_at is the portal's own clock and our own timestamps are UTC.
    """
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) <= 10:
        return moment.strftime("%d/%m/%Y")
    text = moment.strftime("%d/%m/%Y %H:%M")
    offset = moment.strftime("%z")  # "+0700"; "" for a naive time
    if not offset:
        return text
    if offset == "+0000":
        return f"{text} UTC"
    return f"{text} ({offset[:3]}:{offset[3:]})"


def versions(rows: list[dict], changes: list[dict]) -> list[Version]:
    """Versions in order, each content version with its diff from ``article_changes``."""
    by_version = {change["version"]: change for change in changes}
    result = []
    for row in rows:
        change = by_version.get(row["version"], {})
        result.append(
            Version(
                version=row["version"],
                fetched_at=row["fetched_at"],
                fetched=vn_datetime(row["fetched_at"]),
                http_status=row["http_status"],
                tombstone=bool(row["tombstone"]),
                removal_reason=row["removal_reason"],
                row_id=row["id"],
                diff=diff_runs(change.get("change")),
                title_diff=diff_runs(change.get("title_change")),
                previous_version=change.get("previous_version"),
                restored=change.get("status") == "restored",
                change_kind=row.get("change_kind"),
                extractor_version=row.get("extractor_version"),
                extraction_failed=row.get("extraction_failed"),
                capture=row.get("capture"),
            )
        )
    return result
