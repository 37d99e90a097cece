"""`portal-archive serve --public` and `--snapshots`: real servers on 127.0.0.1.

Two `serve` child processes: the live archive (WAL mode, as a crawl leaves it) with the
default public settings and a snapshot directory, and a snapshot file with a custom SQL time
limit. Plus in-process checks of the snapshots plugin and of what `--public` refuses.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive import ArchiveError, ArchiveLock, open_archive, site_config
from archive.datasette_app import make_datasette
from archive.public import check_public_database, check_public_plugins
from archive.snapshot import MANIFEST_NAME, take_snapshot

from .conftest import free_port, portal_archive, stop, wait_for_http

SLOW_SQL = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"


@dataclass
class Site:
    base: str
    db: Path
    db_sha256: str
    snapshots: Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """(status, headers, body) without raising on HTTP errors."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def start_serve(tmp: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    log = (tmp / f"serve-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_spider", "serve", "--port", str(port), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/-/versions.json")
    except OSError:
        stop(process)
        raise AssertionError((tmp / f"serve-{port}.log").read_text()) from None
    return process, base


@pytest.fixture(scope="module")
def public_site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("public")
    db = tmp / "demo.db"
    shutil.copyfile(demo_archive, db)
    open_archive(db).close()  # current schema, so the snapshot can be served --public too
    snapshots = tmp / "snapshots"
    take_snapshot(db, snapshots, now=datetime(2025, 7, 1, 3, 4, 5, tzinfo=UTC))
    process, base = start_serve(tmp, "--db", str(db), "--public", "--snapshots", str(snapshots))
    try:
        yield Site(base, db, sha256(db.read_bytes()), snapshots)
    finally:
        stop(process)


def test_settings_are_public_ones(public_site: Site) -> None:
    _, _, body = fetch(f"{public_site.base}/-/settings.json")
    settings = json.loads(body)
    assert settings["sql_time_limit_ms"] == 1000
    assert settings["allow_download"] is True
    assert settings["default_cache_ttl"] == 600


def test_slow_query_is_stopped_by_the_time_limit(public_site: Site) -> None:
    query = urllib.parse.urlencode({"sql": SLOW_SQL})
    started = time.monotonic()
    status, _, body = fetch(f"{public_site.base}/demo.json?{query}")
    elapsed = time.monotonic() - started
    assert status == 400
    assert json.loads(body)["title"] == "SQL Interrupted"
    assert elapsed < 5, elapsed  # 1 s limit, not a hung worker


def test_pages_are_gzipped_and_cacheable(public_site: Site) -> None:
    url = f"{public_site.base}/demo/articles"
    status, headers, packed = fetch(url, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "max-age=600"
    html = gzip.decompress(packed)
    assert b"<table" in html and b"articles: 260 rows" in html
    _, plain_headers, plain = fetch(url)
    assert "Content-Encoding" not in plain_headers
    ratio = len(plain) / len(packed)
    print(f"articles page: {len(plain)} bytes, gzip {len(packed)} bytes, ratio {ratio:.1f}")
    assert ratio > 4
    _, json_headers, _ = fetch(f"{public_site.base}/demo/articles.json")
    assert json_headers["Cache-Control"] == "max-age=600"


def test_the_database_is_downloadable_and_unchanged(public_site: Site) -> None:
    status, headers, body = fetch(f"{public_site.base}/demo.db")
    assert status == 200
    assert body == public_site.db.read_bytes()
    assert sha256(body) == public_site.db_sha256  # serving never changed the file
    assert headers["Content-Disposition"] == 'attachment; filename="demo.db"'


def test_nothing_can_write(public_site: Site) -> None:
    _, _, body = fetch(f"{public_site.base}/-/databases.json")
    [database] = json.loads(body)
    assert database["name"] == "demo" and database["is_mutable"] is False
    query = urllib.parse.urlencode({"sql": "DELETE FROM articles"})
    status, _, body = fetch(f"{public_site.base}/demo.json?{query}")
    assert status == 400 and json.loads(body)["title"] == "Invalid SQL"
    insert = f"{public_site.base}/demo/articles/-/insert"
    assert fetch(insert, {"Content-Type": "application/json"}, method="POST")[0] in (403, 404, 405)
    _, _, body = fetch(f"{public_site.base}/demo.json?sql=select+count(*)+as+n+from+articles")
    assert json.loads(body)["rows"] == [[260]]
    _, _, plugins = fetch(f"{public_site.base}/-/plugins.json")
    names = {p["name"] for p in json.loads(plugins)}
    ours = {p.name for p in site_config.PLUGINS_DIR.glob("*.py")}
    assert names <= site_config.PUBLIC_PLUGINS | ours, names - ours


def test_snapshots_page_lists_and_serves_files(public_site: Site) -> None:
    manifest = json.loads((public_site.snapshots / MANIFEST_NAME).read_text(encoding="utf-8"))
    [entry] = manifest["snapshots"]
    status, headers, body = fetch(f"{public_site.base}/-/snapshots")
    assert status == 200 and headers["Cache-Control"] == "max-age=600"
    page = body.decode("utf-8")
    assert f'href="/-/snapshots/{entry["file"]}"' in page
    assert entry["sha256"] in page and "01/07/2025 10:04" in page  # Vietnam time
    assert f"{entry['bytes'] / 1e6:.1f} MB".replace(".", ",") in page

    _, _, listing = fetch(f"{public_site.base}/-/snapshots.json")
    [listed] = json.loads(listing)["snapshots"]
    assert listed["sha256"] == entry["sha256"]
    assert listed["url"] == f"{public_site.base}/-/snapshots/{entry['file']}"

    # Browsers send Accept-Encoding: gzip; the file still arrives byte for byte.
    status, headers, data = fetch(listed["url"], {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "identity"
    assert sha256(data) == entry["sha256"] and len(data) == entry["bytes"]
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["ETag"] == f'"{entry["sha256"]}"'
    assert fetch(listed["url"], {"If-None-Match": headers["ETag"]})[0] == 304

    status, _, line = fetch(f"{listed['url']}.sha256")
    assert status == 200 and line.decode() == f"{entry['sha256']}  {entry['file']}\n"
    for name in ("manifest.json", f".{entry['file']}.partial", "..%2Fdemo.db", "nope.db"):
        assert fetch(f"{public_site.base}/-/snapshots/{name}")[0] == 404, name

    _, _, index = fetch(f"{public_site.base}/")
    assert b'<a href="/-/snapshots">' in index  # the menu links the page


def test_serving_a_snapshot_leaves_it_intact(public_site: Site, tmp_path: Path) -> None:
    [entry] = json.loads((public_site.snapshots / MANIFEST_NAME).read_text())["snapshots"]
    snapshot = tmp_path / entry["file"]
    shutil.copyfile(public_site.snapshots / entry["file"], snapshot)
    process, base = start_serve(
        tmp_path, "--db", str(snapshot), "--public", "--sql-time-limit-ms", "1500"
    )
    try:
        settings = json.loads(fetch(f"{base}/-/settings.json")[2])
        assert settings["sql_time_limit_ms"] == 1500
        name = snapshot.stem
        status, _, body = fetch(f"{base}/{name}.db")
        assert status == 200 and sha256(body) == entry["sha256"]
        assert fetch(f"{base}/-/snapshots")[0] == 404  # no --snapshots: no page
    finally:
        stop(process)
    assert sha256(snapshot.read_bytes()) == entry["sha256"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".log") == [snapshot.name]


def test_public_refuses_an_archive_a_crawl_is_writing(tmp_path: Path, demo_archive: Path) -> None:
    db = tmp_path / "demo.db"
    shutil.copyfile(demo_archive, db)
    with ArchiveLock(db):
        result = portal_archive("serve", "--db", str(db), "--public", timeout=60)
    assert result.returncode == 3
    [message] = result.stderr.splitlines()
    assert message.startswith(f"portal-archive: a crawl is writing {db} (pid=")
    assert "serve a snapshot" in message


def test_public_never_migrates_a_snapshot(tmp_path: Path, demo_archive: Path) -> None:
    db = tmp_path / "demo.db"
    shutil.copyfile(demo_archive, db)
    open_archive(db).close()
    snap = take_snapshot(db, tmp_path / "snaps").path
    with closing(sqlite3.connect(snap)) as conn:  # pretend it was taken before migration 0002
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0002_removals_http_evidence'")
        conn.commit()
    before = snap.read_bytes()
    with pytest.raises(ArchiveError, match="misses migrations 0002_removals_http_evidence"):
        check_public_database(snap)
    assert snap.read_bytes() == before
    result = portal_archive("serve", "--db", str(snap), "--public", timeout=60)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "never modifies a snapshot" in result.stderr


def test_public_refuses_unreviewed_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    check_public_plugins()  # what is installed now is reviewed
    monkeypatch.setattr(
        site_config, "PUBLIC_PLUGINS", site_config.PUBLIC_PLUGINS - {"datasette-atom"}
    )
    with pytest.raises(ArchiveError, match="unreviewed Datasette plugins: datasette-atom;"):
        check_public_plugins()


def test_print_command(tmp_path: Path, demo_archive: Path) -> None:
    snaps = tmp_path / "snaps"
    snaps.mkdir()
    result = portal_archive(
        "serve", "--db", str(demo_archive), "--public", "--snapshots", str(snaps), "--print-command"
    )
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith(f"PORTAL_ARCHIVE_SNAPSHOTS={snaps.resolve()} ")
    assert f" -m datasette serve -i {demo_archive} " in line
    assert "--setting sql_time_limit_ms 1000" in line and "--setting allow_download on" in line
    private = portal_archive("serve", "--db", str(demo_archive), "--print-command").stdout
    assert f" serve {demo_archive} " in private and "sql_time_limit_ms 3000" in private
    missing = portal_archive("serve", "--db", str(demo_archive), "--snapshots", "/nonexistent")
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "portal-archive: error: snapshot directory not found: /nonexistent "
        "(portal-archive snapshot creates it)"
    )


# In-process: how the plugin finds its directory, and what it does with bad manifests.


def get(db: Path, path: str, metadata: Path | None = None):
    ds = make_datasette(db, metadata=metadata)

    async def run():
        return await ds.client.get(path)

    return asyncio.run(run())


def test_directory_from_plugin_configuration(
    tmp_path: Path, demo_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(site_config.SNAPSHOTS_ENV, raising=False)
    db = tmp_path / "demo.db"
    shutil.copyfile(demo_archive, db)
    assert get(db, "/-/snapshots").status_code == 404
    assert b"/-/snapshots" not in get(db, "/").content  # no menu link without a directory
    snap = take_snapshot(db, tmp_path / "snaps")
    metadata = json.loads(site_config.METADATA_PATH.read_text(encoding="utf-8"))
    plugins = metadata.setdefault("plugins", {})
    plugins[site_config.SNAPSHOTS_PLUGIN] = {"directory": str(tmp_path / "snaps")}
    path = tmp_path / "metadata.json"
    path.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
    listing = get(db, "/-/snapshots.json", metadata=path).json()
    assert [s["sha256"] for s in listing["snapshots"]] == [snap.entry["sha256"]]


def test_bad_manifests_are_handled(
    tmp_path: Path, demo_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "demo.db"
    shutil.copyfile(demo_archive, db)
    snaps = tmp_path / "snaps"
    snaps.mkdir()
    monkeypatch.setenv(site_config.SNAPSHOTS_ENV, str(snaps))
    page = get(db, "/-/snapshots")
    assert page.status_code == 200 and "Chưa có bản chụp nào" in page.text

    (tmp_path / "secret.txt").write_text("không được lộ")
    hostile = {"file": "../secret.txt", "sha256": "0" * 64, "bytes": 1, "articles": 0}
    (snaps / MANIFEST_NAME).write_text(json.dumps({"format": 1, "snapshots": [hostile]}))
    assert get(db, "/-/snapshots.json").json()["snapshots"] == []
    assert get(db, "/-/snapshots/..%2Fsecret.txt").status_code == 404

    (snaps / MANIFEST_NAME).write_text("{broken")
    page = get(db, "/-/snapshots")
    assert page.status_code == 500 and "Không đọc được danh sách bản chụp" in page.text
    assert str(snaps) not in page.text  # the server's path stays in its log
    listing = get(db, "/-/snapshots.json")
    assert listing.status_code == 500 and str(snaps) not in listing.text
