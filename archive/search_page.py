"""The search results page's parameters and index queries (``/-/search``, issue 13).

Pure: request arguments in, validated :class:`SearchParams` or a :class:`SearchInputError`
with a Vietnamese message out; the search key's arithmetic (date ranges as rowid ranges);
and the SQL that asks the FTS5 index alone (counts per period, a page of keys) for a search
without an article filter. :mod:`archive.search_run` runs one search with them and the
facet table of :mod:`archive.search_cache`; the plugin (archive/site/plugins/
archive_search_page.py) formats the :class:`Outcome`.

Why it is shaped this way (measured in bench/search.py, see docs/site.md):

- The FTS5 rowid is ``articles.search_key`` = publication day (Julian day number) × 10⁸ + id,
  so "newest first" is the index's own order and a date range, a year or a month is a rowid
  range FTS5 applies while it reads the index: no article row is touched to filter by date.
  Within one day the order is by article id, not by time of day (docs/search.md).
- Hidden articles and failed extractions are not in the index (migration 0011, applied by
  ``serve`` before Datasette starts), so no query here leaves anything out.
- The exact total and year/month counts (:func:`period_counts`) are FTS5's own counts per
  rowid range; portal, section and the other facets come from the facet table, exact up to
  :data:`FACET_CAP` matches, past it labelled as counting the newest ones only.
- Relevance (BM25) ranks the :data:`RELEVANCE_CANDIDATES` newest matches; pages past them
  continue in date order (they are exactly the date order's items from that rank on), and
  the page says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from archive import search_text, vn_search

PAGE_SIZE = 50
RELEVANCE_CANDIDATES = 1000  # a multiple of PAGE_SIZE: page 21 starts at date rank 1 000
FACET_CAP = 100_000  # matches read for the portal, section… counts (archive/search_run.py)
MAX_PAGE = 1_000_000  # 50 million results: more than any archive; past it a clear message
SORTS = ("relevance", "date")
KEY_DAY = 100_000_000  # articles.search_key = Julian day number * KEY_DAY + id
_JULIAN_OFFSET = 1_721_424  # date.toordinal() + this = SQLite's julianday() at 00:00, floored
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FLAGS = {"1": True, "0": False, "": None}
#: bm25 weights of the five index columns: title, body, title_folded, body_folded, variants
BM25 = "bm25(articles_search, 8.0, 1.0, 8.0, 1.0, 0.5)"


class SearchInputError(ValueError):
    """A request the page cannot answer as asked: a message key of archive/search_text.py
    with its fields, and an HTTP status. ``str()`` and ``message`` are the Vietnamese text
    (logs, CLI); :meth:`text` is the reader's language."""

    def __init__(
        self, key: str, *, status: int = 400, names: tuple[str, ...] = (), **fields: object
    ) -> None:
        self.message = search_text.text(key, "vi", **fields)  # KeyError: an unknown key
        super().__init__(self.message)
        self.key = key
        self.fields = fields
        self.status = status
        self.names = names  # the request arguments at fault: the error page keeps the others

    def text(self, lang: str) -> str:
        return search_text.text(self.key, lang, **self.fields)


@dataclass(frozen=True)
class SearchParams:
    """What the reader asked for, validated. ``None`` means "no filter"."""

    q: str = ""
    sort: str = "relevance"
    page: int = 1
    portal: str | None = None
    section: str | None = None
    year: int | None = None
    month: int | None = None
    attachments: bool | None = None
    changed: bool | None = None
    removed: bool | None = None
    date_from: date | None = None
    date_to: date | None = None

    def phrases(self) -> list[str]:
        return vn_search.query_phrases(self.q)

    def filtered(self) -> bool:
        """True when anything narrows the search beyond the words."""
        return any(
            value is not None
            for value in (
                self.portal,
                self.section,
                self.year,
                self.attachments,
                self.changed,
                self.removed,
                self.date_from,
                self.date_to,
            )
        )

    def args(self, **changes: Any) -> dict[str, str]:
        """The URL arguments of these parameters with ``changes`` (None drops a filter); page 1
        and the default sort are left out, so links stay short."""
        params = replace(self, **changes)
        out: dict[str, str] = {"q": params.q}
        if params.sort != "relevance":
            out["sort"] = params.sort
        for name in ("portal", "section", "year", "month"):
            value = getattr(params, name)
            if value is not None:
                out[name] = str(value)
        for name in ("attachments", "changed", "removed"):
            value = getattr(params, name)
            if value is not None:
                out[name] = "1" if value else "0"
        if params.date_from:
            out["from"] = params.date_from.isoformat()
        if params.date_to:
            out["to"] = params.date_to.isoformat()
        if params.page != 1:
            out["page"] = str(params.page)
        return out


def parse_params(args: Mapping[str, str]) -> SearchParams:
    """Validate the request's arguments; :class:`SearchInputError` names what is wrong."""
    q = vn_search.clean_query(args.get("q") or "")
    sort = (args.get("sort") or "relevance").strip()
    if sort not in SORTS:
        raise SearchInputError("input_sort", sort=sort, names=("sort",))
    page = parse_page(args.get("page"))
    year = _int_arg(args, "year", 1900, 2100)
    month = _int_arg(args, "month", 1, 12)
    if month is not None and year is None:
        raise SearchInputError("input_month_without_year", names=("month",))
    date_from, date_to = _date_arg(args, "from"), _date_arg(args, "to")
    if date_from and date_to and date_from > date_to:
        raise SearchInputError(
            "input_date_range",
            start=f"{date_from:%d/%m/%Y}",
            end=f"{date_to:%d/%m/%Y}",
            names=("from", "to"),
        )
    return SearchParams(
        q=q,
        sort=sort,
        page=page,
        portal=(args.get("portal") or "").strip() or None,
        section=(args.get("section") or "").strip() or None,
        year=year,
        month=month,
        attachments=_flag_arg(args, "attachments"),
        changed=_flag_arg(args, "changed"),
        removed=_flag_arg(args, "removed"),
        date_from=date_from,
        date_to=date_to,
    )


def parse_kept(args: Mapping[str, str]) -> SearchParams:
    """The request's parameters without the arguments at fault (an error page keeps the
    reader's query in its box and the valid filters in its links)."""
    kept = dict(args)
    for _ in range(len(kept) + 1):
        try:
            return parse_params(kept)
        except SearchInputError as error:
            if not any(name in kept for name in error.names):
                break
            for name in error.names:
                kept.pop(name, None)
    return SearchParams(q=vn_search.clean_query(args.get("q") or ""))


def parse_page(value: str | None) -> int:
    """A page number 1..MAX_PAGE, or a clear message (never SQLite's "datatype mismatch")."""
    text = (value or "").strip()
    if not text:
        return 1
    if not text.isascii() or not text.isdigit():
        raise SearchInputError("input_page", page=text[:40], names=("page",))
    number = int(text[:20]) if len(text) <= 20 else MAX_PAGE + 1
    if number < 1:
        raise SearchInputError("input_page_zero", names=("page",))
    if number > MAX_PAGE:
        raise SearchInputError("input_page_too_large", page=text[:20], names=("page",))
    return number


def _int_arg(args: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not low <= int(text[:6]) <= high:
        raise SearchInputError(f"input_{name}", value=text[:40], low=low, high=high, names=(name,))
    return int(text)


def _flag_arg(args: Mapping[str, str], name: str) -> bool | None:
    text = (args.get(name) or "").strip()
    if text not in _FLAGS:
        raise SearchInputError("input_flag", value=text[:40], name=name, names=(name,))
    return _FLAGS[text]


def _date_arg(args: Mapping[str, str], name: str) -> date | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise SearchInputError(f"input_{name}", value=text[:40], names=(name,)) from None


# -- keys and dates ----------------------------------------------------------------------------


def day_number(day: date) -> int:
    """The Julian day number ``articles.search_key`` uses for ``day``."""
    return day.toordinal() + _JULIAN_OFFSET


def key_day(key: int) -> date:
    """The publication day (or first-seen day) encoded in a search key."""
    return date.fromordinal(key // KEY_DAY - _JULIAN_OFFSET)


def key_range(params: SearchParams) -> tuple[int, int] | None:
    """The rowid bounds (inclusive) the date range, year and month allow; None when all."""
    first, last = params.date_from, params.date_to
    if params.year is not None:
        if params.month is not None:
            start = date(params.year, params.month, 1)
            end = date(params.year + params.month // 12, params.month % 12 + 1, 1)
        else:
            start, end = date(params.year, 1, 1), date(params.year + 1, 1, 1)
        end = date.fromordinal(end.toordinal() - 1)
        first = max(first, start) if first else start
        last = min(last, end) if last else end
    if first is None and last is None:
        return None
    low = day_number(first) * KEY_DAY if first else 0
    high = (day_number(last) + 1) * KEY_DAY - 1 if last else (1 << 62)
    return low, high


# -- SQL -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    sql: str
    params: dict[str, Any]


def needs_articles(params: SearchParams) -> bool:
    """True when a filter is not a rowid range of the index (portal, section, files,
    changed, removed): :mod:`archive.search_run` then lists every match and applies it per
    article with the facet table, instead of letting FTS5 count."""
    article_filters = (params.portal, params.section, params.attachments, params.changed,
                       params.removed)  # fmt: skip
    return any(value is not None for value in article_filters)


def _source(params: SearchParams, bounds: tuple[int, int] | None = None) -> tuple[str, dict]:
    """``FROM … WHERE …`` of the matches in the index alone (``s``); ``bounds`` replaces the
    date range's rowid bounds (a year or month of the facets). Only for searches without an
    article filter (:func:`needs_articles`); hidden articles and failed extractions are not
    in the index (migration 0011), so nothing is subtracted."""
    clauses = ["articles_search MATCH :match"]
    values: dict[str, Any] = {"match": vn_search.fts_query(params.q)}
    bounds = bounds or key_range(params)
    if bounds:
        clauses.append("s.rowid BETWEEN :key_low AND :key_high")
        values["key_low"], values["key_high"] = bounds
    return "FROM articles_search AS s WHERE " + " AND ".join(clauses), values


def count_query(params: SearchParams, bounds: tuple[int, int] | None = None) -> Query:
    """The exact number of matches (within ``bounds``, when given) of a search without an
    article filter: FTS5 counts its own matches without producing each rowid."""
    source, values = _source(params, bounds)
    return Query(f"SELECT count(*) {source}", values)


def period_counts(conn: Any, params: SearchParams) -> tuple[int, dict[str, int]]:
    """Exact counts per year (or per month of the chosen year) and their sum, the total:
    the periods partition every key the search can reach. ``conn``: a sqlite3 connection;
    a search without an article filter."""
    first, last = conn.execute(KEY_SPAN).fetchone()
    counts = {}
    for label, low, high in periods(params, first or 0, last or 0):
        query = count_query(params, (low, high))
        counts[label] = int(conn.execute(query.sql, query.params).fetchone()[0])
    return sum(counts.values()), counts


#: The first and last search keys: through their index (min()/max() of a generated column
#: scan the table: 1 s at 200 000 articles).
KEY_SPAN = (
    "SELECT (SELECT search_key FROM articles ORDER BY search_key LIMIT 1),"
    " (SELECT search_key FROM articles ORDER BY search_key DESC LIMIT 1)"
)


def periods(params: SearchParams, first_key: int, last_key: int) -> list[tuple[str, int, int]]:
    """The facet's periods and their rowid bounds: each year the archive spans, or each
    month of the chosen year; clipped to the date range asked for."""
    bounds = key_range(params) or (0, 1 << 62)
    low_day, high_day = key_day(max(first_key, bounds[0])), key_day(min(last_key, bounds[1]))
    if params.year is None:
        spans = [
            (str(y), date(y, 1, 1), date(y + 1, 1, 1))
            for y in range(low_day.year, high_day.year + 1)
        ]
    else:
        y = params.year
        spans = [
            (f"{y:04d}-{m:02d}", date(y, m, 1), date(y + m // 12, m % 12 + 1, 1))
            for m in range(1, 13)
        ]
    out = []
    for label, start, end in spans:
        low = max(day_number(start) * KEY_DAY, bounds[0])
        high = min(day_number(end) * KEY_DAY - 1, bounds[1])
        if low <= high and start <= high_day and end > low_day:
            out.append((label, low, high))
    return out


def page_query(params: SearchParams) -> Query:
    """One page of a search without an article filter: rows of (article id, score), best
    first (relevance) or newest first (date), from the index alone.

    Relevance ranks the :data:`RELEVANCE_CANDIDATES` newest matches; a page past them is the
    date order's page of the same number (see :func:`relevance_covers`)."""
    source, values = _source(params)
    offset = (params.page - 1) * PAGE_SIZE
    values = {**values, "limit": PAGE_SIZE, "offset": offset}
    if params.sort == "relevance" and relevance_covers(params.page):
        sql = (
            f"SELECT key % {KEY_DAY}, score FROM (SELECT s.rowid AS key, {BM25} AS score"
            f" {source} ORDER BY s.rowid DESC LIMIT {RELEVANCE_CANDIDATES})"
            " ORDER BY score, key DESC LIMIT :limit OFFSET :offset"
        )
    else:
        sql = (
            f"SELECT s.rowid % {KEY_DAY}, 0.0 {source}"
            " ORDER BY s.rowid DESC LIMIT :limit OFFSET :offset"
        )
    return Query(sql, values)


def relevance_covers(page: int) -> bool:
    """True when ``page`` lies within the relevance-ranked candidates."""
    return (page - 1) * PAGE_SIZE < RELEVANCE_CANDIDATES


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


# -- facets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facets:
    """Counts per value. ``counted``: how many matches the portal, section, files, changed
    and removed counts cover (the newest ones); ``capped`` when that is not all of them.
    ``year``/``month`` are exact counts of every match."""

    portal: dict[str, int]
    section: dict[str, int]
    year: dict[int, int]
    month: dict[str, int]
    attachments: dict[bool, int]
    changed: dict[bool, int]
    removed: dict[bool, int]
    counted: int
    capped: bool


@dataclass
class Outcome:
    """Everything one search produced, for any format."""

    params: SearchParams
    database: str
    total: int = 0
    pages: int = 1
    rows: list[dict[str, Any]] = field(default_factory=list)
    facets: Facets | None = None
    portals: dict[str, str] = field(default_factory=dict)
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    ms: float = 0.0


def without_tone_marks(q: str) -> str:
    """The same query without any diacritic (đ -> d): widens to every accented form."""
    return vn_search.fold(q)


def without_quotes(q: str) -> str:
    """The same words, no longer required to be adjacent."""
    return " ".join(q.replace('"', " ").split())
