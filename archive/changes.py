"""What the "Đã sửa / Đã gỡ" page, its feeds and the diff page show (pure: no Datasette).

An *edit* is a version of change kind ``edit`` (the portal changed the article), a *removal*
a tombstone (``removal``), a *restoration* ``restore``. Versions of kind ``extractor`` (our
reading changed, not the page) and every version written by ``portal-archive reextract``
(``reextract_run`` set) are not edits and never appear here, nor do hidden articles
(:mod:`archive.hide`).

Weeks are ISO weeks (Monday to Sunday) in Vietnam time; the archive's times are UTC strings
of one fixed format (archive/timestamps.py), so a week is a string range on ``fetched_at``.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from archive.article_page import diff_runs
from archive.diff import word_diff
from archive.vn_format import VIETNAM

KINDS: dict[str, tuple[str, str]] = {
    "edit": ("Đã sửa", "Edited"),
    "removal": ("Đã gỡ", "Removed"),
    "restore": ("Xuất hiện lại", "Restored"),
}
#: Version fields compared as metadata on the diff page, with their labels.
META_FIELDS: dict[str, tuple[str, str]] = {
    "author": ("Tác giả", "Author"),
    "published_at": ("Ngày đăng", "Published"),
    "updated_at": ("Cập nhật", "Updated"),
    "source": ("Nguồn", "Source"),
}
WHOLE_TEXT = 10**9  # word_diff context that hides nothing
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
FEED_ENTRIES = 50


@dataclass(frozen=True)
class Week:
    """An ISO week in Vietnam time and its ``fetched_at`` range in UTC (start inclusive)."""

    year: int
    number: int

    @property
    def key(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def start_utc(self) -> str:
        return _utc(self.monday)

    @property
    def end_utc(self) -> str:
        return _utc(self.monday + timedelta(days=7))

    def label(self, lang: str = "vi") -> str:
        sunday = self.monday + timedelta(days=6)
        span = f"{self.monday:%d/%m} – {sunday:%d/%m/%Y}"
        word = "Week" if lang == "en" else "Tuần"
        return f"{word} {self.number}/{self.year} ({span})"


def _utc(day: date) -> str:
    start = datetime(day.year, day.month, day.day, tzinfo=VIETNAM)
    return start.astimezone(UTC).strftime(_UTC_FORMAT)


def week_of(moment: str | datetime) -> Week:
    """The Vietnam-time ISO week holding ``moment`` (a UTC archive time or aware datetime)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    year, number, _ = moment.astimezone(VIETNAM).isocalendar()
    return Week(year, number)


def parse_week(text: str | None, now: datetime) -> Week | None:
    """``2026-W50`` as a Week; missing or empty means the current week; None when malformed."""
    if not text:
        return week_of(now)
    match = _WEEK.fullmatch(text.strip())
    if not match:
        return None
    try:
        week = Week(int(match.group(1)), int(match.group(2)))
        week.start_utc, week.end_utc  # noqa: B018 - week 53, and years 1 and 9999 at the edges
    except (ValueError, OverflowError):
        return None
    return week


def kind_label(kind: str, lang: str = "vi") -> str:
    vietnamese, english = KINDS.get(kind, (kind, kind))
    return english if lang == "en" else vietnamese


#: Edits, removals and restorations that readers see (see the module docstring).
_EVENTS_FROM = """from article_versions as v join articles as a on a.id = v.article_id
where v.change_kind in ('edit', 'removal', 'restore') and v.reextract_run is null
  and (v.tombstone = 1 or v.extraction_failed is null) {hidden} {where}"""
PAGE_SIZE = 100


def events_from(*, hidden_table: bool, where: str = "") -> str:
    """``from … where …`` of the events; ``where`` adds ``and …`` clauses on ``v``/``a``."""
    hidden = "and a.hidden_at is null" if hidden_table else ""  # archive/hide.py
    return _EVENTS_FROM.format(hidden=hidden, where=where)


def events_sql(
    *, hidden_table: bool, where: str = "", limit: int = PAGE_SIZE, offset: int = 0
) -> str:
    """One page of events, newest first; the previous readable version (what an edit's diff
    starts from) is looked up for the page's rows only."""
    return f"""with e as (
  select v.article_id, v.version, v.fetched_at, v.change_kind, v.removal_reason,
    v.title as version_title
  {events_from(hidden_table=hidden_table, where=where)}
  order by v.fetched_at desc, v.article_id desc limit {int(limit)} offset {int(offset)})
select e.*, a.title, a.url, a.portal, p.name as portal_name,
  (select max(q.version) from article_versions as q where q.article_id = e.article_id
     and q.version < e.version and q.tombstone = 0 and q.extraction_failed is null)
     as previous_version
from e join articles as a on a.id = e.article_id left join portals as p on p.slug = a.portal
order by e.fetched_at desc, e.article_id desc"""


def counts_sql(*, hidden_table: bool, where: str = "") -> str:
    """``(change_kind, count)`` of the events."""
    source = events_from(hidden_table=hidden_table, where=where)
    return f"select v.change_kind, count(*) {source} group by v.change_kind"


def bound_sql(*, hidden_table: bool, where: str, earliest: bool) -> str:
    """The first (or last) event time matching ``where``."""
    pick = "min" if earliest else "max"
    return f"select {pick}(v.fetched_at) {events_from(hidden_table=hidden_table, where=where)}"


@dataclass(frozen=True)
class MetaChange:
    field: str
    label: tuple[str, str]
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Comparison:
    """Version ``a`` against version ``b`` of one article, ready for the template."""

    title: list[tuple[str, str]]
    summary: list[tuple[str, str]]
    body: list[tuple[str, str]]
    meta: list[MetaChange]
    images_changed: bool
    attachments_changed: bool

    @property
    def identical(self) -> bool:
        return not (
            self.title
            or self.summary
            or self.body
            or self.meta
            or self.images_changed
            or self.attachments_changed
        )


def compare(old: dict, new: dict, *, whole: bool = False) -> Comparison:
    """Word diffs of title, summary and body, and the metadata that changed, old -> new."""
    context = WHOLE_TEXT if whole else 6

    def runs(name: str) -> list[tuple[str, str]]:
        return diff_runs(word_diff(old.get(name), new.get(name), context) or "")

    meta = [
        MetaChange(name, label, old.get(name), new.get(name))
        for name, label in META_FIELDS.items()
        if (old.get(name) or None) != (new.get(name) or None)
    ]
    return Comparison(
        title=runs("title"),
        summary=runs("summary"),
        body=runs("body_text"),
        meta=meta,
        images_changed=(old.get("images") or "[]") != (new.get("images") or "[]"),
        attachments_changed=(old.get("attachments") or "[]") != (new.get("attachments") or "[]"),
    )


def plain_diff(old: dict, new: dict) -> str:
    """A change as plain text for a feed entry: the title's and the body's word diffs."""
    parts = []
    title = word_diff(old.get("title"), new.get("title"))
    if title:
        parts.append(f"Tiêu đề: {title}")
    body = word_diff(old.get("body_text"), new.get("body_text"))
    if body:
        parts.append(body)
    return "\n\n".join(parts) or "Thay đổi ở tóm tắt, tác giả, ngày, ảnh hoặc tệp đính kèm."
