"""Bad input to every command: one clear line, the documented exit code, nothing written.

Every case runs the real `portal-archive` in a child process. "Nothing written" is checked on
the bytes and mtimes of every file in the directory involved, before and after. A full disk
is a real 256 KiB or 1 MiB tmpfs and a read-only directory a real read-only bind mount
(`chmod` does not bind root, which runs these tests here); both skip where mounting is not
allowed. Exit codes (portal_spider/cli.py, docs/reliability.md): 0 ok, 1 a crawl finished
partial or failed, 2 usage/configuration/database error, 3 archive busy.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from archive import ArchiveWriter
from archive.schema import open_archive

from .conftest import free_port, portal_archive, start_demo_portal, stop, wait_for_http

USAGE, PARTIAL = 2, 1
DEMO_ARTICLES = 240


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return portal_archive(*args, timeout=timeout)


def assert_refused(result: subprocess.CompletedProcess[str], *words: str, code: int = USAGE) -> str:
    """Exit ``code``, exactly one stderr line naming the problem, no traceback."""
    assert result.returncode == code, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr[-2000:]
    assert lines[0].startswith("portal-archive"), lines[0]
    for word in words:
        assert word.lower() in lines[0].lower(), (word, lines[0])
    return lines[0]


def tree(root: Path) -> dict[str, tuple[int, int, str] | None]:
    """Every path under ``root`` with (size, mtime_ns, sha256) for files: "nothing written".

    Not SQLite's ``-shm`` index nor an empty ``-wal``: a read-only reader of a WAL-mode file
    (snapshot) creates them and may not delete them (a writer could be using them); they hold
    no data.
    """
    state: dict[str, tuple[int, int, str] | None] = {}
    for path in sorted(root.rglob("*")):
        if path.name.endswith("-shm") or (path.name.endswith("-wal") and not path.stat().st_size):
            continue
        if path.is_file():
            stat = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns, digest)
        else:
            state[str(path.relative_to(root))] = None
    return state


def make_archive(path: Path, articles: int = 12) -> Path:
    """A real archive (ArchiveWriter) with our own short articles, checkpointed on close."""
    with ArchiveWriter(path) as writer:
        writer.ensure_portal("demo", "Cổng thử nghiệm", "http://127.0.0.1:9/", "demo", ["tin"])
        for n in range(articles):
            record = {
                "url": f"http://127.0.0.1:9/tin/bai-{n}.html",
                "title": f"Bài thử số {n} về đường làng",
                "published_at": "2024-03-05T08:00:00+07:00",
                "body_text": f"Đoạn văn thử số {n}. " * 200,
            }
            writer.add_article(
                record, portal="demo", section="Tin", fetched_at=f"2025-01-0{1 + n % 9}T01:00:00Z"
            )
    return path


# -- mounts: a full disk and a read-only directory --------------------------------------------


def _mount(*args: str) -> bool:
    if shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    if not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)):
        pytest.skip("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """``path`` (a directory) bind-mounted read-only onto itself."""
    if not _mount("--bind", "-o", "ro", str(path), str(path)):
        pytest.skip("cannot bind-mount read-only here (needs root or CAP_SYS_ADMIN)")
    try:
        probe = path / ".probe"
        try:
            probe.touch()
        except OSError as exc:
            assert exc.errno == errno.EROFS
        else:  # an old kernel ignored "ro" on the first bind: remount it
            probe.unlink()
            _mount("-o", "remount,ro,bind", str(path))
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(folder: Path) -> None:
    """Write zeros until the file system holding ``folder`` is full."""
    with (folder / "filler").open("wb", buffering=0) as fh:
        try:
            while fh.write(b"\0" * 4096):
                pass
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    assert os.statvfs(folder).f_bavail == 0


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of unusable archive files, and one good archive to derive them from."""
    folder = tmp_path_factory.mktemp("bad-input")
    good = make_archive(folder / "good.db")
    data = good.read_bytes()
    assert len(data) > 8 * 4096
    (folder / "truncated.db").write_bytes(data[: len(data) // 2])
    (folder / "not_sqlite.db").write_bytes(
        "Biên bản họp tổ dân phố, không phải CSDL.\n".encode() * 50
    )
    (folder / "empty.db").write_bytes(b"")
    (folder / "folder.db").mkdir()
    newer = folder / "newer.db"
    shutil.copyfile(good, newer)
    with closing(sqlite3.connect(newer)) as conn, conn:
        conn.execute(
            "insert into _sqlite_migrations (migration_set, name, applied_at) "
            "values ('portal_archive', '0099_from_the_future', '2031-01-01')"
        )
    return folder


@pytest.fixture(scope="module")
def demo() -> Iterator[str]:
    process, url = start_demo_portal("--articles", str(DEMO_ARTICLES))
    try:
        yield url
    finally:
        stop(process)


# -- unusable database files: crawl, serve, serve --public, snapshot --------------------------

DB_COMMANDS = {
    "crawl": ("crawl", "demo", "--base-url", "http://127.0.0.1:9/", "--db"),
    "serve": ("serve", "--port", "{port}", "--db"),
    "serve-public": ("serve", "--public", "--port", "{port}", "--db"),
    "snapshot": ("snapshot", "--out", "{out}", "--db"),
}
# (command, bad file) -> words the error line must contain. `snapshot` of newer.db is no error:
# see test_snapshot_copies_an_archive_from_newer_code_without_touching_it.
EXPECTED = {
    ("crawl", "not_sqlite.db"): "not a SQLite database",
    ("crawl", "truncated.db"): "is truncated",
    ("crawl", "newer.db"): "newer archive schema than this code understands",
    ("crawl", "folder.db"): "is a directory",
    ("serve", "missing.db"): "not found",
    ("serve", "not_sqlite.db"): "not a SQLite database",
    ("serve", "truncated.db"): "is truncated",
    ("serve", "newer.db"): "newer archive schema than this code understands",
    ("serve", "folder.db"): "is a directory",
    ("serve", "empty.db"): "is empty",
    ("serve-public", "missing.db"): "not found",
    ("serve-public", "not_sqlite.db"): "not a SQLite database",
    ("serve-public", "truncated.db"): "is truncated",
    ("serve-public", "newer.db"): "0099_from_the_future",
    ("serve-public", "folder.db"): "is a directory",
    ("serve-public", "empty.db"): "not a SQLite database",
    ("snapshot", "missing.db"): "not found",
    ("snapshot", "not_sqlite.db"): "not a readable SQLite database",
    ("snapshot", "truncated.db"): "is truncated",
    ("snapshot", "folder.db"): "is a directory",
    ("snapshot", "empty.db"): "not an archive database",
}


@pytest.mark.parametrize(
    ("command", "name"), sorted(EXPECTED), ids=[f"{c}-{n}" for c, n in sorted(EXPECTED)]
)
def test_unusable_database_is_refused_untouched(
    bad: Path, tmp_path: Path, command: str, name: str
) -> None:
    before = tree(bad)
    out = tmp_path / "snapshots"
    args = [a.format(port=free_port(), out=out) for a in DB_COMMANDS[command]]
    line = assert_refused(cli(*args, str(bad / name), timeout=60), EXPECTED[command, name])
    assert name in line
    assert tree(bad) == before  # bytes and mtimes: never repaired, migrated or created
    assert not out.exists()


def test_snapshot_copies_an_archive_from_newer_code_without_touching_it(
    bad: Path, tmp_path: Path
) -> None:
    """A snapshot is a backup: it copies what is there (and says which schema) but never
    writes to the source, so an archive from newer code can still be backed up."""
    before = tree(bad)
    out = tmp_path / "snapshots"
    result = cli("snapshot", "--db", str(bad / "newer.db"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert tree(bad) == before
    [copy] = out.glob("newer-*.db")
    with closing(sqlite3.connect(copy)) as conn:
        names = [n for (n,) in conn.execute("select name from _sqlite_migrations")]
    assert names[-1] == "0099_from_the_future"
    assert "0099_from_the_future" in (out / "manifest.json").read_text(encoding="utf-8")


def test_crawl_of_a_missing_database_creates_nothing_when_the_request_is_wrong(
    tmp_path: Path,
) -> None:
    db = tmp_path / "sub" / "new.db"
    assert_refused(cli("crawl", "nowhere", "--db", str(db)), "unknown portal 'nowhere'", "demo")
    assert_refused(cli("crawl", "--db", str(db)), "name at least one portal slug")
    assert_refused(cli("crawl", "demo", "--all", "--db", str(db)), "not both")
    assert list(tmp_path.iterdir()) == []


# -- configuration files ----------------------------------------------------------------------

CONFIGS = {
    "invalid.toml": ("[portals.x\nname = 'Cổng'\n", "not valid TOML"),
    "cp1258.toml": (b"[portals.x]\nname = 'C\xf4ng'\n", "not valid TOML"),  # not UTF-8
    "no_table.toml": ("title = 'danh sách cổng'\n", "missing [portals.<slug>] tables"),
    "bad_platform.toml": (
        "[portals.x]\nname = 'Cổng'\nbase_url = 'https://x.gov.vn/'\nplatform = 'cobol'\n"
        "sections = [{ path = '/tin/', name = 'Tin' }]\n",
        "portals.x.platform: unknown platform 'cobol'",
    ),
    "bad_url.toml": (
        "[portals.x]\nname = 'Cổng'\nbase_url = 'file:///etc/passwd'\nplatform = 'demo'\n"
        "sections = [{ path = '/tin/', name = 'Tin' }]\n",
        "portals.x.base_url: must be an http(s) URL",
    ),
    "folder.toml": (None, "cannot read: Is a directory"),
    "missing.toml": (False, "cannot read: No such file or directory"),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_crawl_with_a_bad_config_names_file_and_field(tmp_path: Path, name: str) -> None:
    content, words = CONFIGS[name]
    config = tmp_path / name
    if content is None:
        config.mkdir()  # a directory as config: what chmod 000 would test, as root too
    elif content is not False:
        config.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = tree(tmp_path)
    db = tmp_path / "archive.db"
    line = assert_refused(cli("crawl", "demo", "--config", str(config), "--db", str(db)), words)
    assert name in line
    assert tree(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file (see folder.toml)")
def test_crawl_with_an_unreadable_config(tmp_path: Path) -> None:
    config = tmp_path / "secret.toml"
    config.write_text("[portals]\n", encoding="utf-8")
    config.chmod(0)
    result = cli("crawl", "demo", "--config", str(config), "--db", str(tmp_path / "a.db"))
    assert_refused(result, "secret.toml: cannot read: Permission denied")


# -- URLs and the network ------------------------------------------------------------------------

BAD_URLS = ["not-a-url", "ftp://x", "file:///etc/passwd", "http://", "javascript:alert(1)"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_urls_are_refused_by_crawl_add_extract_and_detect(tmp_path: Path, url: str) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Trang thử</p></body></html>", encoding="utf-8")
    before = tree(tmp_path)
    db, config = tmp_path / "a.db", tmp_path / "mine.toml"
    assert_refused(cli("crawl", "demo", "--base-url", url, "--db", str(db)), "http(s) URL")
    assert_refused(cli("add", url, "--config", str(config)), "not an http(s) URL")
    assert_refused(cli("extract", str(page), "--url", url), "--url: not an http(s) URL")
    assert_refused(cli("detect", str(page), "--url", url), "--url: not an http(s) URL")
    assert tree(tmp_path) == before


def test_add_without_a_network_route_writes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    closed = f"http://127.0.0.1:{free_port()}/"
    assert_refused(cli("add", closed, "--config", str(config)), closed, "could not fetch")
    assert list(tmp_path.iterdir()) == []


def test_crawl_without_a_network_route_fails_in_the_archive_not_with_a_traceback(
    tmp_path: Path,
) -> None:
    """A crawl that cannot reach its portal is a crawl outcome (exit 1, crawls row 'failed'),
    reported by the summary line; per-page warnings may precede it, a traceback may not."""
    db = tmp_path / "archive.db"
    result = cli("crawl", "demo", "--base-url", f"http://127.0.0.1:{free_port()}/", "--db", str(db))
    assert result.returncode == PARTIAL, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("demo: failed") and "0 articles" in last, last
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("select status from crawls").fetchall() == [("failed",)]
        assert conn.execute("select count(*) from articles").fetchone() == (0,)


# -- extract, detect, demo-portal -------------------------------------------------------------


def test_extract_and_detect_refuse_missing_or_unreadable_pages(tmp_path: Path) -> None:
    url = "https://phuong1.travinh.gov.vn/tin/bai.html"
    folder = tmp_path / "folder.html"
    folder.mkdir()
    for command in ("extract", "detect"):
        assert_refused(cli(command, str(tmp_path / "none.html"), "--url", url), "cannot read")
        assert_refused(cli(command, str(folder), "--url", url), "is a directory")
    assert_refused(cli("extract", str(tmp_path / "none.html")), "give FILE and --url")
    assert_refused(cli("extract", "--batch", str(tmp_path / "none.tsv")), "cannot read")
    assert_refused(cli("detect", str(tmp_path / "none.html")), "Missing option '--url'")


def test_extract_batch_reports_each_bad_line_and_keeps_going(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)  # an image saved as a page
    batch = tmp_path / "list.tsv"
    batch.write_text(
        f"{page}\thttps://x.gov.vn/a.html\n"
        f"{page}\tftp://x.gov.vn/a.html\n"
        "no-tab-here\n"
        f"{tmp_path / 'none.html'}\thttps://x.gov.vn/b.html\n",
        encoding="utf-8",
    )
    result = cli("extract", "--batch", str(batch))
    assert_refused(result, "3 line(s)", code=PARTIAL)
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert '"kind": "other"' in lines[0]  # bytes that are no page: extracted as nothing
    assert [('"error"' in line) for line in lines] == [False, True, True, True]


DEMO_PORTAL_BAD = {
    "articles": (["--articles", "0"], "--articles must be between"),
    "port-range": (["--port", "99999"], "--port must be between"),
    "host": (["--host", "203.0.113.7", "--port", "0"], "cannot listen on 203.0.113.7"),
    "option": (["--bogus"], "unrecognized arguments: --bogus"),
    "number": (["--articles", "many"], "invalid int value: 'many'"),
}


@pytest.mark.parametrize("case", sorted(DEMO_PORTAL_BAD))
def test_demo_portal_bad_arguments(case: str) -> None:
    args, words = DEMO_PORTAL_BAD[case]
    assert_refused(cli("demo-portal", *args, timeout=30), words)


def test_demo_portal_on_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        result = cli("demo-portal", "--port", port, timeout=30)
    assert_refused(result, f"cannot listen on 127.0.0.1:{port}", "Address already in use")


def test_click_usage_errors_are_one_line_too(tmp_path: Path) -> None:
    assert_refused(cli("crawl", "demo", "--revisit-days", "-3"), "--revisit-days")
    assert_refused(cli("serve", "--db", str(tmp_path)), "is a directory")
    assert_refused(cli("snapshto"), "No such command 'snapshto'")
    assert not list(tmp_path.iterdir())


# -- a full disk ------------------------------------------------------------------------------


def test_disk_full_before_the_archive_exists(tmp_path: Path, bad: Path) -> None:
    with tmpfs(tmp_path / "full", "256k") as full:
        (full / "snapshots").mkdir()
        fill(full)
        before = tree(full)
        db = full / "new.db"
        line = assert_refused(cli("crawl", "demo", "--db", str(db)), "no space left", "new.db")
        assert "disk full" in line
        assert tree(full) == before  # no empty archive, -wal or -shm left behind
        result = cli("snapshot", "--db", str(bad / "good.db"), "--out", str(full / "snapshots"))
        assert_refused(result, "cannot snapshot")
        assert tree(full) == before  # no partial copy, no manifest


def test_disk_full_while_adding_a_portal_leaves_the_config_as_it_was(
    tmp_path: Path, demo: str
) -> None:
    with tmpfs(tmp_path / "full", "256k") as full:
        config = full / "mine.toml"
        first = cli("add", demo, "--config", str(config), "--slug", "mot")
        assert first.returncode == 0, first.stderr
        with config.open("a", encoding="utf-8") as fh:  # 60 bytes left in its last tmpfs
            fh.write("#" * ((4036 - config.stat().st_size) % 4096) + "\n")  # page: an append
        fill(full)  # would write part of the entry, then fail
        before = tree(full)
        result = cli("add", demo, "--config", str(config), "--slug", "hai")
        assert_refused(result, "mine.toml", "No space left on device")
        assert tree(full) == before


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory: pytest.TempPathFactory, demo: str) -> Iterator[tuple]:
    """A crawl whose archive fills its 2 MiB disk mid-way: (result, tmpfs folder).

    The WARC captures beside the database fill the disk too (2 MiB: some batches commit
    before it is full, as 1 MiB did before captures existed)."""
    with tmpfs(tmp_path_factory.mktemp("disk") / "full", "2m") as full:
        result = cli("crawl", "demo", "--base-url", demo, "--db", str(full / "archive.db"))
        yield result, full


def test_disk_full_during_a_crawl_loses_nothing_committed(full_crawl: tuple, demo: str) -> None:
    """Committed batches stay intact, the next run on the full disk is refused in one line,
    and once there is room the crawl resumes to the end."""
    first, full = full_crawl
    db = full / "archive.db"
    assert first.returncode != 0
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        kept = conn.execute("select url, content_hash from articles").fetchall()
    assert 0 < len(kept) < DEMO_ARTICLES
    # Every committed pointer names a complete WARC record; no file ends in a torn one.
    checked = cli("verify", "--db", str(db), "--progress-every", "0")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    again = cli("crawl", "demo", "--base-url", demo, "--db", str(db))
    assert_refused(again, "archive.db", "No space left on device")
    assert _mount("-o", "remount,size=32m", str(full))
    final = cli("crawl", "demo", "--base-url", demo, "--db", str(db))
    assert final.returncode == 0, final.stderr[-2000:]
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        rows = dict(conn.execute("select url, content_hash from articles"))
        assert len(rows) == DEMO_ARTICLES
        assert all(rows[url] == digest for url, digest in kept)  # none lost or changed
    checked = cli("verify", "--db", str(db), "--progress-every", "0")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_disk_full_during_a_crawl_is_one_line(full_crawl: tuple) -> None:
    result, _ = full_crawl
    assert "Traceback" not in result.stderr
    assert "disk" in result.stderr.strip().splitlines()[-1]


# -- a read-only directory --------------------------------------------------------------------


@pytest.fixture
def shelf(tmp_path: Path, bad: Path) -> Iterator[Path]:
    """A read-only directory holding a live (WAL-mode) archive and a snapshot of it."""
    folder = tmp_path / "shelf"
    folder.mkdir()
    made = cli("snapshot", "--db", str(bad / "good.db"), "--out", str(folder / "snaps"))
    assert made.returncode == 0, made.stderr
    # No -wal/-shm beside it: with them SQLite could still read it on a read-only mount.
    shutil.copyfile(bad / "good.db", folder / "archive.db")
    with read_only(folder):
        yield folder


def test_read_only_directory_refuses_writers(shelf: Path, tmp_path: Path) -> None:
    before = tree(shelf)
    archive = str(shelf / "archive.db")
    for args in (
        ("crawl", "demo", "--db", archive),
        ("crawl", "demo", "--db", str(shelf / "new.db")),
        ("serve", "--port", str(free_port()), "--db", archive),
        ("serve", "--public", "--port", str(free_port()), "--db", archive),
    ):
        assert_refused(cli(*args, timeout=60), "read-only file system")
    assert_refused(cli("crawl", "demo", "--db", str(shelf / "sub" / "new.db")), "Read-only file")
    result = cli("snapshot", "--db", str(tmp_path.parent / "none.db"), "--out", str(shelf))
    assert_refused(result, "not found")
    made = cli("snapshot", "--db", str(_writable_copy(shelf, tmp_path)), "--out", str(shelf))
    assert_refused(made, "directory is not writable")
    made = cli("snapshot", "--db", str(_writable_copy(shelf, tmp_path)), "--out", str(shelf / "x"))
    assert_refused(made, "cannot create directory", "Read-only file system")
    assert tree(shelf) == before


def test_read_only_directory_still_serves_and_copies_a_snapshot(
    shelf: Path, tmp_path: Path
) -> None:
    """Read-only media are fine for what only reads: serving a snapshot, snapshotting it."""
    [snapshot] = (shelf / "snaps").glob("*.db")
    before = tree(shelf)
    copied = cli("snapshot", "--db", str(snapshot), "--out", str(tmp_path / "copies"))
    assert copied.returncode == 0, copied.stderr
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "portal_spider",
            "serve",
            "--public",
            "--port",
            str(port),
            "--db",
            str(snapshot),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/-/versions.json")
        sql = "select+count(*)+from+articles"
        with urllib.request.urlopen(f"{base}/{snapshot.stem}.json?sql={sql}&_shape=array") as r:
            assert b'"count(*)": 12' in r.read()
    finally:
        stop(process)  # type: ignore[arg-type]
    assert tree(shelf) == before


def test_add_to_a_read_only_directory_writes_nothing(tmp_path: Path, demo: str) -> None:
    folder = tmp_path / "configs"
    folder.mkdir()
    with read_only(folder):
        result = cli("add", demo, "--config", str(folder / "mine.toml"))
        assert_refused(result, "mine.toml", "Read-only file system")
        assert list(folder.iterdir()) == []


def test_add_refuses_a_broken_or_directory_config(tmp_path: Path, demo: str) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[portals.x\n", encoding="utf-8")
    before = tree(tmp_path)
    assert_refused(cli("add", demo, "--config", str(broken)), "broken.toml", "not valid TOML")
    assert_refused(cli("add", demo, "--config", str(tmp_path)), "is a directory")
    assert tree(tmp_path) == before


def _writable_copy(shelf: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "writable.db"
    if not copy.exists():
        shutil.copyfile(shelf / "archive.db", copy)
        open_archive(copy).close()
    return copy
