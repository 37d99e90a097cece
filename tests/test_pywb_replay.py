"""Replay of the demo crawl's captures with pywb (issue 12 item 5), tested once.

pywb 2.10.0 pins packages this project pins differently, so it gets its own virtualenv,
made here on first use under .cache/pywb-venv in the repository (gitignored) and reused
after. The collection is our own index: the CDXJ files the crawl wrote beside its WARCs,
merged, with the archive's folder as the place pywb reads the WARC files from, so this also
proves a replay tool loads our CDXJ. A second collection is the export-wacz package added
with ``wb-manager add``.
"""

from __future__ import annotations

import html
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path

import pytest

from archive.wacz_export import export_wacz
from archive.warc_index import cdxj_path
from archive.warc_store import archive_folder, read_record_bytes, resolve
from tests.conftest import REPO, free_port

PYWB = "pywb==2.10.0"
VENV = REPO / ".cache" / "pywb-venv"

# Not marked slow: ~20 s with the venv in place (crawl included); building it took 16 s here.


def _pywb_venv() -> Path:
    """pywb's own venv (made once; reused when its wayback is there)."""
    wayback = VENV / "bin" / "wayback"
    if wayback.exists():
        return VENV
    VENV.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    install = subprocess.run(
        [VENV / "bin" / "python", "-m", "pip", "install", "-q", PYWB],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if install.returncode != 0:
        if not _pypi_reachable():
            pytest.skip(f"PyPI is unreachable, cannot install {PYWB} into {VENV}")
        raise AssertionError(f"pip install {PYWB} failed:\n{install.stderr[-3000:]}")
    return VENV


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        return False
    return True


@contextmanager
def _wayback(root: Path, venv: Path) -> Iterator[str]:
    """pywb's `wayback` serving the collections configured in ``root``, on loopback."""
    port = free_port()
    log = (root / "wayback.log").open("w")
    process = subprocess.Popen(
        [venv / "bin" / "wayback", "-p", str(port), "-b", "127.0.0.1"],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "wayback did not start: " + (root / "wayback.log").read_text()[-2000:]
                    ) from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _get(url: str) -> tuple[int, Message, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _stamp(fetched_at: str) -> str:
    return re.sub(r"\D", "", fetched_at)[:14]


def _rows(db: Path, sql: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _has_gzip_payload(db: Path, row: sqlite3.Row) -> bool:
    member = read_record_bytes(archive_folder(db), row["warc_file"], row["warc_offset"],
                               row["warc_length"])  # fmt: skip
    record = zlib.decompress(member, zlib.MAX_WBITS + 16)
    http_head = record.split(b"\r\n\r\n", 2)[1].lower()
    return b"\r\ncontent-encoding: gzip" in http_head


def test_pywb_replays_the_demo_crawl(demo_archive: Path, tmp_path: Path) -> None:
    venv = _pywb_venv()
    articles = _rows(
        demo_archive,
        "SELECT a.title, c.* FROM articles a JOIN captures c ON c.record_id = a.capture "
        "WHERE c.record_type = 'response' AND c.http_status = 200 ORDER BY a.id",
    )
    gzipped = [row for row in articles if _has_gzip_payload(demo_archive, row)]
    plain = [row for row in articles if not _has_gzip_payload(demo_archive, row)]
    assert gzipped and plain, "the demo crawl should capture gzip-encoded and plain articles"
    (revisit,) = _rows(
        demo_archive,
        "SELECT r.*, o.warc_file AS o_file, o.warc_offset AS o_offset, o.warc_length AS o_length "
        "FROM captures r JOIN captures o ON o.record_id = r.refers_to "
        "WHERE r.revisit_profile LIKE '%identical-payload-digest' LIMIT 1",
    )

    # Collection 1: our CDXJ files (merged) over the archive's own folder.
    root = tmp_path / "pywb"
    root.mkdir()
    lines: list[str] = []
    for (name,) in _rows(demo_archive, "SELECT DISTINCT warc_file FROM captures"):
        lines += cdxj_path(resolve(archive_folder(demo_archive), name)).read_text().splitlines()
    (root / "index.cdxj").write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    # Collection 2: the export-wacz package, added the way pywb's docs say.
    package = tmp_path / "demo.wacz"
    export_wacz(demo_archive, package)
    init = subprocess.run([venv / "bin" / "wb-manager", "init", "wacz"], cwd=root,
                          capture_output=True, text=True)  # fmt: skip
    assert init.returncode == 0, init.stderr
    add = subprocess.run(
        [venv / "bin" / "wb-manager", "add", "--unpack-wacz", "wacz", str(package)],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert add.returncode == 0, add.stderr
    (root / "config.yaml").write_text(
        "collections:\n"
        "  cdxj:\n"
        f"    index_paths: {root / 'index.cdxj'}\n"
        f"    archive_paths: {archive_folder(demo_archive)}/\n"
        "framed_replay: false\n",
        encoding="utf-8",
    )

    with _wayback(root, venv) as base:
        for collection in ("cdxj", "wacz"):
            for row in (plain[0], gzipped[0]):
                url = f"{base}/{collection}/{_stamp(row['fetched_at'])}mp_/{row['url']}"
                status, headers, body = _get(url)
                assert status == 200, (collection, url, body[:300])
                assert headers["Memento-Datetime"], headers
                assert html.escape(row["title"], quote=False) in body.decode("utf-8"), url
            _, headers, _ = _get(
                f"{base}/{collection}/{_stamp(gzipped[0]['fetched_at'])}mp_/{gzipped[0]['url']}"
            )
            assert headers["X-Archive-Orig-Content-Encoding"] == "gzip"
            # The revisit replays its original's payload, under the revisit's own date.
            status, headers, body = _get(
                f"{base}/{collection}/{_stamp(revisit['fetched_at'])}id_/{revisit['url']}"
            )
            assert status == 200, body[:300]
            original = read_record_bytes(archive_folder(demo_archive), revisit["o_file"],
                                         revisit["o_offset"], revisit["o_length"])  # fmt: skip
            payload = zlib.decompress(original, zlib.MAX_WBITS + 16).split(b"\r\n\r\n", 2)[2]
            assert body == payload.removesuffix(b"\r\n\r\n")
            stamp = _stamp(revisit["fetched_at"])
            assert headers["Memento-Datetime"].split()[-2].replace(":", "") == stamp[8:]
