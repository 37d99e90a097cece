"""What a fuzzed input must satisfy, shared by tests/test_fuzz.py (hypothesis) and
bench/fuzz_atheris.py (coverage-guided, for long runs).

Each ``check_*`` feeds one input to the code under test and raises (the code's own exception,
or AssertionError for a broken contract) when something is wrong; nothing else.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from datetime import date, datetime

from portal_spider.extract import COUNTER_KEYS, PageRecord, extract_page
from portal_spider.extract.dates import parse_vn_datetime
from portal_spider.extract.numbers import parse_count

try:
    from archive import vn_search
except ImportError:  # the Vietnamese search module is newer than some checkouts
    vn_search = None  # type: ignore[assignment]

URLS = (
    "https://phuong1.travinh.gov.vn/tin-tuc/bai-viet-123.html",
    "http://127.0.0.1:8600/chinh-tri/",
    "https://xn--ngh-an-8va.gov.vn/Pages/default.aspx?ItemID=7&p=2",
    "https://sotttt.hanoi.gov.vn/tin-tuc",
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+07:00)?$")


def check_text(value: object, where: str) -> None:
    """Extracted text: None or a non-empty NFC string (record.py: "never \"\"")."""
    if value is None:
        return
    assert isinstance(value, str), (where, value)
    assert value, f"{where}: empty string instead of None"
    assert unicodedata.is_normalized("NFC", value), (where, value)


def check_iso(value: str | None, where: str = "date") -> None:
    if value is None:
        return
    assert _ISO.match(value), (where, value)
    if "T" in value:
        datetime.fromisoformat(value)
    else:
        date.fromisoformat(value)


def check_record(record: PageRecord) -> None:
    """The contract of a PageRecord (record.py), whatever the input was."""
    assert record.kind in ("article", "listing", "other")
    for name in ("title", "author", "summary", "body_text"):
        check_text(getattr(record, name), name)
    check_iso(record.published_at, "published_at")
    for image in record.images:
        assert isinstance(image.url, str) and image.url.startswith(("http://", "https://"))
        check_text(image.caption, "caption")
    for attachment in record.attachments:
        assert isinstance(attachment.url, str)
        assert attachment.url.startswith(("http://", "https://"))
        check_text(attachment.title, "attachment title")
    for link in [*record.links, record.next_page]:
        assert link is None or link.startswith(("http://", "https://")), link
    if record.visitor_counter is not None:
        for key in set(record.visitor_counter) - set(COUNTER_KEYS):
            check_text(key, "verbatim counter label")  # a label we do not know, kept as shown
            assert key and len(key) <= 40 and not any(c.isdigit() for c in key), key
        assert all(isinstance(v, int) and v >= 0 for v in record.visitor_counter.values())
    json.dumps(record.to_dict(), ensure_ascii=False)  # what `extract` prints and we store


def check_extract(data: bytes | str, url: str = URLS[0]) -> PageRecord:
    record = extract_page(data, url)
    check_record(record)
    return record


def check_count(text: str) -> None:
    value = parse_count(text)
    assert value is None or (isinstance(value, int) and value >= 0), (text, value)


def check_date(text: str, year: int | None = 2024) -> None:
    check_iso(parse_vn_datetime(text, context_year=year))


_FTS = sqlite3.connect(":memory:", check_same_thread=False)
_FTS.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
_FTS.execute("INSERT INTO t VALUES ('Ủy ban nhân dân phường 1 họp về đường làng')")


def check_query(text: str) -> None:
    """Search box input: rewritten, without error, into a query FTS5 accepts; highlighting
    and snippets of any text for any query work too. No-op without archive/vn_search.py."""
    if vn_search is None:
        return
    cleaned = vn_search.clean_query(text)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert len(cleaned) <= vn_search.MAX_QUERY_CHARS
    _FTS.execute("SELECT count(*) FROM t WHERE t MATCH ?", [vn_search.fts_query(text)])
    marked = vn_search.highlight(text, text)
    plain = marked.replace(vn_search.MARK_START, "").replace(vn_search.MARK_END, "")
    assert unicodedata.is_normalized("NFC", plain)
    vn_search.snippet(text + " " + text, text)


def as_text(data: bytes) -> str:
    """Fuzzer bytes as text: UTF-8, lone surrogates allowed (they reach us from browsers)."""
    try:
        return data.decode("utf-8", errors="surrogatepass")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


#: Fuzz targets by name: the directory names of tests/fixtures/fuzz/.
CHECKS: dict[str, Callable[[bytes], object]] = {
    "extract": lambda data: check_extract(data),
    "count": lambda data: check_count(as_text(data)),
    "date": lambda data: check_date(as_text(data)),
    "query": lambda data: check_query(as_text(data)),
}
