"""The published archive is read-only, whatever a visitor sends.

Real `portal-archive serve` child processes (`--public` and plain) over a copy of an archive:
every write attempt we can think of, through every endpoint, fails; `PRAGMA`, `ATTACH` and
extension loading are refused through `?sql=`; the SQL time limit stops a runaway query;
and afterwards the database file is byte-for-byte what it was.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive import ArchiveWriter

from .conftest import free_port, stop, wait_for_http

ARTICLES = 5
SLOW_SQL = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"


@dataclass
class Served:
    base: str
    db: Path
    sha256: str
    time_limit_s: float


def _archive(path: Path) -> Path:
    with ArchiveWriter(path) as writer:
        writer.ensure_portal("demo", "Cổng thử", "http://127.0.0.1:9/", "demo", ["tin"])
        for n in range(ARTICLES):
            record = {
                "url": f"http://127.0.0.1:9/tin/{n}.html",
                "title": f"Tin số {n} về chợ phường",
                "body_text": f"Nội dung tin số {n}.",
            }
            writer.add_article(
                record, portal="demo", section="Tin", fetched_at="2025-07-01T01:00:00Z"
            )
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(url: str, *, method: str = "GET", data: bytes | None = None, headers=None):  # type: ignore[no-untyped-def]
    """(status, body) without raising on HTTP errors."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module", params=["public", "plain"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp(f"readonly-{request.param}")
    db = _archive(folder / "demo.db")
    port = free_port()
    args = ["--public"] if request.param == "public" else []
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_spider", "serve", "--db", str(db), "--port", str(port),
         *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/-/versions.json")
        limit = json.loads(fetch(base + "/-/settings.json")[1])["sql_time_limit_ms"] / 1000
        yield Served(base, db, _sha256(db), limit)
    finally:
        stop(process)  # type: ignore[arg-type]
    assert _sha256(db) == _sha256(db)  # the file is still readable after shutdown


def sql(served: Served, query: str) -> tuple[int, dict]:
    status, body = fetch(f"{served.base}/demo.json?" + urllib.parse.urlencode({"sql": query}))
    return status, json.loads(body)


WRITES = [
    "insert into articles (url) values ('http://x/')",
    "update articles set title = 'đã sửa'",
    "delete from articles",
    "drop table articles",
    "replace into portals (slug) values ('x')",
    "create table t (x)",
    "with x as (select 1) delete from articles",
    "with x as (select 1) insert into portals (slug, name) select 'x', 'y' from x",
    "with x as (select 1) update articles set title = 'đã sửa'",
    "select 1; delete from articles",
    "vacuum",
    "reindex",
    "analyze",
    "insert into articles_search(articles_search) values ('delete-all')",
    "begin immediate",
]
REFUSED_OTHER = [
    "pragma journal_mode = delete",
    "pragma writable_schema = 1",
    "pragma query_only = 0",
    "select * from pragma_journal_mode('delete')",
    "with x as (select 1) select * from pragma_writable_schema",
    "attach database '/tmp/khac.db' as khac",
    "attach ':memory:' as m",
    "detach database main",
    "select load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')",
    "select writefile('/tmp/x', 'y')",
    "select edit('x')",
    "select readfile('/etc/passwd')",
]


@pytest.mark.parametrize("query", WRITES)
def test_writes_through_sql_are_refused(served: Served, query: str) -> None:
    status, body = sql(served, query)
    assert status == 400, (status, body)
    assert body.get("ok") is False, body


@pytest.mark.parametrize("query", REFUSED_OTHER)
def test_pragma_attach_and_extensions_are_refused(served: Served, query: str) -> None:
    status, body = sql(served, query)
    assert status == 400, (status, body)
    assert body.get("ok") is False, body


def test_nothing_changed_after_the_attempts(served: Served) -> None:
    for query in WRITES + REFUSED_OTHER:
        sql(served, query)
    assert sql(served, "select count(*) as n from articles")[1]["rows"] == [[ARTICLES]]
    assert sql(served, "select count(*) from portals")[1]["rows"] == [[1]]
    assert _sha256(served.db) == served.sha256


ENDPOINTS = [
    ("POST", "/demo"),
    ("POST", "/demo.json"),
    ("POST", "/demo/articles"),
    ("POST", "/demo/articles.json"),
    ("POST", "/demo/articles/1"),
    ("POST", "/demo/articles/-/insert"),
    ("POST", "/demo/articles/-/upsert"),
    ("POST", "/demo/articles/1/-/update"),
    ("POST", "/demo/articles/1/-/delete"),
    ("POST", "/demo/articles/-/drop"),
    ("POST", "/demo/-/create"),
    ("POST", "/demo/search"),
    ("POST", "/demo/portal_feed"),
    ("PUT", "/demo/articles/1"),
    ("DELETE", "/demo/articles/1"),
    ("PATCH", "/demo/articles/1"),
    ("POST", "/-/auth-token"),
    ("GET", "/-/auth-token"),
    ("POST", "/-/permissions"),
    ("GET", "/_internal"),
    ("GET", "/_memory.json?sql=select+1"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=[f"{m} {p}" for m, p in ENDPOINTS])
def test_no_write_endpoint_answers(served: Served, method: str, path: str) -> None:
    payloads = [
        json.dumps({"row": {"url": "http://x/", "title": "y"}, "sql": "delete from articles"}),
        urllib.parse.urlencode({"sql": "delete from articles", "title": "y"}),
    ]
    kinds = ("application/json", "application/x-www-form-urlencoded")
    for data, kind in zip(payloads, kinds, strict=True):
        status, body = fetch(
            served.base + path, method=method, data=data.encode(),
            headers={"Content-Type": kind},
        )  # fmt: skip
        assert status in (400, 403, 404, 405), (method, path, status, body[:300])
    assert sql(served, "select count(*) from articles")[1]["rows"] == [[ARTICLES]]


def test_no_one_is_signed_in_and_nothing_is_writable(served: Served) -> None:
    assert json.loads(fetch(served.base + "/-/actor.json")[1]) == {"actor": None}
    databases = json.loads(fetch(served.base + "/-/databases.json")[1])
    assert [d["name"] for d in databases] == ["demo"]
    if served.base and served.time_limit_s == 1:  # --public: the file itself is immutable
        assert databases[0]["is_mutable"] is False


def test_sql_time_limit_stops_a_runaway_query(served: Served) -> None:
    started = time.monotonic()
    status, body = sql(served, SLOW_SQL)
    elapsed = time.monotonic() - started
    assert status == 400 and body["title"] == "SQL Interrupted", body
    assert elapsed < served.time_limit_s + 2, elapsed
    assert sql(served, "select 1")[0] == 200  # the server is still answering


def test_one_query_cannot_take_the_server_s_memory(served: Served) -> None:
    """A blob or string larger than any archived text is refused, not allocated: SQLite's
    length limit is lowered on Datasette's connections (site/plugins/archive_limits.py)."""
    for query in (
        "select length(randomblob(400000000))",
        "select length(zeroblob(900000000))",
        "select length(printf('%.*c', 400000000, 'x'))",
        "select length(group_concat(randomblob(1000000))) from (select 1 from "
        "(with recursive c(x) as (select 1 union all select x + 1 from c limit 500) "
        "select x from c))",
    ):
        status, body = sql(served, query)
        if status == 200:  # printf() gives NULL instead of a string over the limit
            assert body["rows"] == [[None]], (query, body)
            continue
        assert status == 400, (query, status, body)
        refused = "too big" in body.get("error", "") or body.get("title") == "SQL Interrupted"
        assert refused, body
    assert sql(served, "select length(body_text) from articles limit 1")[0] == 200
