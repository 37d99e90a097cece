"""`portal-archive hide`: an article leaves every public surface, its evidence stays.

A copy of the demo archive (with its WARC files) has one edited article hidden with the real
command; the site (`portal-archive serve`) and a public snapshot served with `--public` are
then checked as a reader sees them, the private archive and its captures as the archivist
does; `unhide` brings everything back.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from archive import vn_search
from archive.lock import ArchiveLock
from archive.warc_store import archive_folder, read_record_bytes, warc_root

from .conftest import free_port, portal_archive, served_archive, stop, wait_for_http

NOTICE = "Bài viết này đã được gỡ khỏi trang công khai"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def one(db: Path, sql: str, *params: object) -> tuple:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchone()
    finally:
        conn.close()


@contextmanager
def served_public(db: Path) -> Iterator[str]:
    """`portal-archive serve --public` of a snapshot file."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "portal_spider",
            "serve",
            "--public",
            "--db",
            str(db),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/-/versions.json")
        yield base
    finally:
        stop(process)  # type: ignore[arg-type]


def route(base: str) -> str:
    """The archive database's path on the site (whatever the file's name)."""
    import json

    listing = json.loads(fetch(base + "/-/databases.json")[1])
    (entry,) = [d for d in listing if not d["name"].startswith("_")]
    return "/" + entry.get("route", entry["name"])


@pytest.fixture
def archive(demo_archive: Path, tmp_path: Path) -> dict:
    """A writable copy of the demo archive with its WARC files, and the article to hide."""
    db = tmp_path / demo_archive.name
    shutil.copy(demo_archive, db)
    shutil.copytree(warc_root(demo_archive), warc_root(db))
    article_id, url, title = one(
        db,
        "select a.id, a.url, a.title from articles as a join article_versions as v "
        "on v.article_id = a.id where v.change_kind = 'edit' order by a.id limit 1",
    )
    return {"db": db, "id": article_id, "url": url, "title": title, "tmp": tmp_path}


def hide(archive: dict, *extra: str) -> subprocess.CompletedProcess[str]:
    return portal_archive("hide", "--db", str(archive["db"]), archive["url"], *extra)


def search_ids(base: str, db_path: str, q: str) -> list[int]:
    import json

    query = urlencode({"q": q, "sort": "date", "portal": "", "page": "", "_shape": "array"})
    status, body = fetch(f"{base}{db_path}/search.json?{query}")
    assert status == 200, body[:300]
    return [row["id"] for row in json.loads(body)]


def test_hide_leaves_public_pages_search_feeds_and_changes(archive: dict) -> None:
    db, url, title, article = archive["db"], archive["url"], archive["title"], archive["id"]
    with served_archive(db) as base:  # before: the article is everywhere
        path = route(base)
        assert fetch(f"{base}{path}/articles/{article}")[0] == 200
        assert article in search_ids(base, path, title)
        assert url in fetch(f"{base}{path}/portal_feed.atom?portal=demo")[1]
        assert f'data-article="{article}"' in fetch(f"{base}/-/changes")[1]

    result = hide(archive, "--reason", "personal_data", "--note", "Đơn của người được nêu tên")
    assert result.returncode == 0, result.stderr
    assert f"article {article} hidden" in result.stdout

    with served_archive(db) as base:
        path = route(base)
        status, page = fetch(f"{base}{path}/articles/{article}")
        assert status == 410
        assert NOTICE in page and "bảo vệ dữ liệu cá nhân" in page
        assert title not in page and "Đơn của người" not in page
        status, body = fetch(f"{base}{path}/articles/{article}.json")
        assert status == 410 and title not in body
        for web in (f"/-/web/{url}", f"/-/web/20300101000000/{url}"):
            status, page = fetch(base + quote(web, safe="/:?=&"))
            assert status == 410 and NOTICE in page and title not in page, web
        assert article not in search_ids(base, path, title)
        assert url not in fetch(f"{base}{path}/portal_feed.atom?portal=demo")[1]
        assert url not in fetch(f"{base}{path}/search.atom?q={quote(title)}")[1]
        changes = fetch(f"{base}/-/changes")[1]
        assert f'data-article="{article}"' not in changes and title not in changes
        for feed in ("/-/changes.atom", "/-/changes.atom?portal=demo"):
            assert title not in fetch(base + feed)[1]
        status, page = fetch(f"{base}/-/changes/diff?{urlencode({'url': url})}")
        assert status == 410 and title not in page
        # Another article is untouched; an id SQLite cannot hold is Datasette's 404, not a 500.
        assert fetch(f"{base}{path}/articles/{article + 1}")[0] == 200
        assert fetch(f"{base}{path}/articles/{'9' * 25}")[0] == 404

    # The private archive keeps everything: the text, every version, the captures.
    assert one(db, "select title, hidden_at is not null from articles where id = ?", article) == (
        title,
        1,
    )
    assert one(db, "select count(*) from article_versions where article_id = ?", article)[0] == 2
    row = one(db, "select reason, note, url, restored_at from hidden_articles")
    assert row == ("personal_data", "Đơn của người được nêu tên", url, None)
    capture = one(
        db,
        "select c.warc_file, c.warc_offset, c.warc_length from articles as a "
        "join captures as c on c.record_id = a.capture where a.id = ?",
        article,
    )
    record = gzip.decompress(read_record_bytes(archive_folder(db), *capture))
    assert f"WARC-Target-URI: {url}".encode() in record


def test_public_snapshot_holds_only_a_tombstone(archive: dict) -> None:
    db, url, title, article = archive["db"], archive["url"], archive["title"], archive["id"]
    captures = one(db, "select count(*) from captures where url = ?", url)[0]
    assert captures > 0
    assert hide(archive, "--reason", "court_order", "--note", "Quyết định số 12").returncode == 0
    made = portal_archive("snapshot", "--db", str(db), "--out", str(archive["tmp"] / "snaps"))
    assert made.returncode == 0, made.stderr
    (snapshot,) = (archive["tmp"] / "snaps").glob("*.db")

    data = snapshot.read_bytes()
    for secret in (url, title, "Quyết định số 12"):
        assert secret.encode("utf-8") not in data, secret
    assert one(snapshot, "select count(*) from articles where id = ?", article) == (0,)
    assert one(snapshot, "select count(*) from article_versions where article_id = ?", article) == (
        0,
    )
    assert one(snapshot, "select count(*) from captures where url = ?", url) == (0,)
    assert one(snapshot, "select count(*) from article_sources where url = ?", url) == (0,)
    total = one(db, "select count(*) from articles")[0]
    assert one(snapshot, "select count(*) from articles") == (total - 1,)
    tombstone = one(
        snapshot, "select article_id, url, url_sha256, reason, note, hidden_by from hidden_articles"
    )
    assert tombstone == (
        article,
        None,
        hashlib.sha256(url.encode()).hexdigest(),
        "court_order",
        None,
        None,
    )
    conn = sqlite3.connect(snapshot)
    vn_search.register(conn)
    hits = conn.execute(
        "select count(*) from articles_search where articles_search match vn_fts_query(?)",
        [title],
    ).fetchone()[0]
    source = sqlite3.connect(db)
    vn_search.register(source)
    hits_before = source.execute(
        "select count(*) from articles_search where articles_search match vn_fts_query(?)",
        [title],
    ).fetchone()[0]
    # Hidden articles are out of the archive's search index too (migration 0011: the index
    # triggers leave them out, unhide puts them back): the snapshot finds what the archive
    # finds, and neither finds the hidden article itself.
    assert hits == hits_before
    key = one(db, "select search_key from articles where id = ?", article)[0]
    for index in (conn, source):
        assert not index.execute(
            "select 1 from articles_search where articles_search match vn_fts_query(?)"
            " and rowid = ?",
            [title, key],
        ).fetchone()
    assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    conn.execute("insert into articles_search (articles_search) values ('integrity-check')")
    conn.close()
    source.close()
    # The snapshot's manifest counts what it holds.
    assert f"{total - 1} articles" in made.stdout

    # Served publicly, the snapshot answers the article's page and permalink with the notice.
    with served_public(snapshot) as base:
        status, page = fetch(f"{base}{route(base)}/articles/{article}")
        assert status == 410 and NOTICE in page and "quyết định của cơ quan có thẩm quyền" in page
        status, page = fetch(base + quote(f"/-/web/{url}", safe="/:?=&"))
        assert status == 410 and NOTICE in page


def test_unhide_restores_everything(archive: dict) -> None:
    db, url, title, article = archive["db"], archive["url"], archive["title"], archive["id"]
    assert hide(archive, "--reason", "legal").returncode == 0
    result = portal_archive("unhide", "--db", str(db), url)
    assert result.returncode == 0, result.stderr
    assert "restored" in result.stdout
    with served_archive(db) as base:
        path = route(base)
        status, page = fetch(f"{base}{path}/articles/{article}")
        assert status == 200 and title in page
        assert article in search_ids(base, path, title)
        assert f'data-article="{article}"' in fetch(f"{base}/-/changes")[1]
    assert one(db, "select hidden_at from articles where id = ?", article) == (None,)
    assert one(
        db, "select restored_at is not null, restored_by is not null from hidden_articles"
    ) == (
        1,
        1,
    )
    made = portal_archive("snapshot", "--db", str(db), "--out", str(archive["tmp"] / "snaps"))
    (snapshot,) = (archive["tmp"] / "snaps").glob("*.db")
    assert made.returncode == 0
    assert one(snapshot, "select title from articles where id = ?", article) == (title,)
    assert one(snapshot, "select count(*) from hidden_articles") == (0,)
    # Hide again, restore with --restore: the history keeps both rows.
    assert hide(archive, "--reason", "other").returncode == 0
    assert hide(archive, "--restore").returncode == 0
    assert one(db, "select count(*), count(restored_at) from hidden_articles") == (2, 2)


def test_hide_refuses_while_a_crawl_holds_the_archive(archive: dict) -> None:
    with ArchiveLock(archive["db"]):
        result = hide(archive, "--reason", "personal_data")
    assert result.returncode == 3
    assert "another crawl is writing" in result.stderr
    assert one(archive["db"], "select count(*) from hidden_articles") == (0,)
    assert hide(archive, "--reason", "personal_data").returncode == 0  # free again


def test_hide_usage_errors(archive: dict) -> None:
    for args, message in (
        ((), "--reason is required"),
        (("--reason", "because"), "Invalid value for '--reason'"),
    ):
        result = hide(archive, *args)
        assert (result.returncode, message in result.stderr) == (2, True), result.stderr
    result = portal_archive(
        "hide", "--db", str(archive["db"]), "http://x.example/a.html", "--reason", "other"
    )
    assert result.returncode == 2 and "no archived article" in result.stderr
    result = portal_archive("unhide", "--db", str(archive["db"]), archive["url"])
    assert result.returncode == 2 and "is not hidden" in result.stderr
    missing = archive["tmp"] / "none.db"
    result = portal_archive("hide", "--db", str(missing), archive["url"], "--reason", "other")
    assert result.returncode == 2 and not missing.exists()
    assert hide(archive, "--reason", "other").returncode == 0
    result = hide(archive, "--reason", "other")
    assert result.returncode == 2 and "already hidden" in result.stderr


def test_hide_accepts_a_variant_of_the_url(archive: dict) -> None:
    """The URL a journalist holds: https for http, a tracking parameter."""
    variant = archive["url"].replace("http://", "https://", 1) + "?utm_source=zalo"
    result = portal_archive("hide", "--db", str(archive["db"]), variant, "--reason", "other")
    assert result.returncode == 0, result.stderr
    assert one(archive["db"], "select article_id, url from hidden_articles") == (
        archive["id"],
        archive["url"],
    )


def test_public_serving_of_the_live_archive_is_refused_while_an_article_is_hidden(
    archive: dict,
) -> None:
    """Datasette's table and SQL pages read every row of the file they serve: only a
    snapshot (which leaves hidden articles out) may be served publicly then."""
    from archive.errors import ArchiveError
    from archive.public import check_public_database

    db = archive["db"]
    check_public_database(db)  # nothing hidden: the live archive may be served
    assert hide(archive, "--reason", "personal_data").returncode == 0
    with pytest.raises(ArchiveError, match="1 article"):
        check_public_database(db)
    refused = portal_archive("serve", "--public", "--db", str(db))
    assert refused.returncode == 2
    assert "1 article(s) taken off the public site" in refused.stderr
    assert "serve a snapshot" in refused.stderr
    assert portal_archive("unhide", "--db", str(db), archive["url"]).returncode == 0
    check_public_database(db)
