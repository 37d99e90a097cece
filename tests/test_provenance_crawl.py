"""Issue 11 over real sockets: a re-crawl after an extractor change makes no "edits", and an
article whose last read failed is fetched again in full by the next crawl.

The demo portal is crawled on day 0; the archive is then changed the way an older extractor
or a failed read would have left it (rows written exactly as the writer writes them), and the
unchanged portal is crawled again by the real `portal-archive crawl`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive import open_archive, queries
from archive.records import article_content, content_hash
from portal_spider.extract.record import EXTRACTOR_VERSION

from .conftest import free_port, portal_archive, stop

ARTICLES = 240
OLD = "2020.1.0"
_REQUEST = re.compile(r'"GET (\S+) HTTP/1\.[01]" (\d{3})')


def _crawl(db: Path, port: int, log: Path) -> str:
    """Serve day 0 on ``port`` (logging every request to ``log``), crawl it into ``db``."""
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "portal_spider.demo_portal", "--articles", str(ARTICLES),
             "--day", "0", "--port", str(port), "--verbose", "--no-extras"],
            stdout=subprocess.PIPE, stderr=errors, text=True,
        )  # fmt: skip
        try:
            assert process.stdout is not None
            url = process.stdout.readline().split()[-1]
            result = portal_archive("crawl", "demo", "--base-url", url, "--db", str(db))
        finally:
            stop(process)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


def _requests(log: Path) -> list[tuple[str, int]]:
    return [(m[1], int(m[2])) for m in _REQUEST.finditer(log.read_text())]


@pytest.fixture(scope="module")
def day0(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    work = tmp_path_factory.mktemp("provenance-crawl")
    port = free_port()
    db = work / "day0.db"
    _crawl(db, port, work / "day0.log")
    return db, port


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_recrawl_after_an_extractor_change_makes_no_edits(
    day0: tuple[Path, int], tmp_path: Path
) -> None:
    source, port = day0
    db_path = shutil.copy(source, tmp_path / "demo.db")
    db = open_archive(db_path)
    revisits = queries.recent_articles(db, "demo", first_seen_since="2000-01-01T00:00:00Z", days=30)
    assert len(revisits) >= 6
    older, control = [r.url for r in revisits[:5]], revisits[5].url
    with db.conn:
        for url, version in [(u, OLD) for u in older] + [(control, EXTRACTOR_VERSION)]:
            # What an older extractor stored: the same page read differently (last paragraph
            # missed, no author). Validators cleared, as in an archive from before they were
            # kept, so the re-crawl reads the pages (a 304 would re-read nothing).
            row = db.execute(
                "select title, summary, published_at, updated_at, source, body_text, images, "
                "attachments from articles where url = ?",
                [url],
            ).fetchone()
            record = dict(
                zip(("title", "summary", "published_at", "updated_at", "source", "body_text"),
                    row[:6], strict=True),
            )  # fmt: skip
            record["body_text"] = record["body_text"].rsplit("\n", 1)[0].strip()
            content = article_content(record)
            content.update(author=None, images=json.loads(row[6]), attachments=json.loads(row[7]))
            digest = content_hash(content)
            values = {**content, "images": row[6], "attachments": row[7]}
            sets = ", ".join(f"{c} = :{c}" for c in values)
            params = {**values, "digest": digest, "version": version, "url": url}
            db.execute(
                f"update articles set {sets}, content_hash = :digest, extractor_version = "
                ":version, etag = null, last_modified = null where url = :url",
                params,
            )
            db.execute(
                f"update article_versions set {sets}, content_hash = :digest, "
                "extractor_version = :version where article_id = "
                "(select id from articles where url = :url)",
                params,
            )
    db.close()

    summary = _crawl(db_path, port, tmp_path / "recrawl.log")
    assert "0 new, 1 updated, 5 re-extracted" in summary, summary
    db = open_archive(db_path)
    crawl = db.execute(
        "select status, articles_new, articles_updated, articles_reextracted, "
        "extraction_failures from crawls order by id desc limit 1"
    ).fetchone()
    assert crawl == ("ok", 0, 1, 5, 0)
    kinds = db.execute(
        "select a.url, v.change_kind from article_versions v join articles a "
        "on a.id = v.article_id where v.version > 1"
    ).fetchall()
    assert sorted(kinds) == sorted([(u, "extractor") for u in older] + [(control, "edit")])
    # Only the control (same extractor, different content) is a change a reader is shown.
    assert db.execute("select url from article_changes").fetchall() == [(control,)]
    for url in older:  # the page's own text is back, read by today's extractor
        body, version = db.execute(
            "select body_text, extractor_version from articles where url = ?", [url]
        ).fetchone()
        assert version == EXTRACTOR_VERSION and "\n" in body
    db.close()


def test_failed_articles_are_fetched_again_in_full(day0: tuple[Path, int], tmp_path: Path) -> None:
    source, port = day0
    db_path = shutil.copy(source, tmp_path / "demo.db")
    db = open_archive(db_path)
    section = "Chính trị"
    failed = [
        r[0]
        for r in db.execute(
            "select url from articles where section = ? order by url", [section]
        ).fetchall()
    ]
    assert len(failed) > 12  # more than one listing page
    with db.conn:
        for url in failed:
            # What the writer stores for a failed read: URL, title, the reason; no content.
            title = db.execute("select title from articles where url = ?", [url]).fetchone()[0]
            content = article_content({"title": title})
            params = {**content, "images": "[]", "attachments": "[]"}
            params.update(digest=content_hash(content), url=url)
            sets = ", ".join(f"{c} = :{c}" for c in content)
            for table, key in (("articles", "url = :url"),
                               ("article_versions", "article_id = "
                                "(select id from articles where url = :url)")):  # fmt: skip
                db.execute(
                    f"update {table} set {sets}, content_hash = :digest, "
                    f"extraction_failed = 'no_body', extractor_version = '{EXTRACTOR_VERSION}' "
                    f"where {key}",
                    params,
                )
    assert len(queries.failed_articles(db, "demo")) == len(failed)
    db.close()

    log = tmp_path / "recrawl.log"
    summary = _crawl(db_path, port, log)
    assert f"({len(failed)} new, 0 updated" in summary, summary
    requests = _requests(log)
    for url in failed:  # once each, in full: 200, never a conditional 304
        assert [status for path, status in requests if path == _path(url)] == [200], url
    # A listing page made of failed articles does not stop paging: the section is walked to
    # its last page, while other sections stop at their first page (all known).
    pages = [path for path, _ in requests if not path.endswith(".html")]  # articles: .html
    listing = [path for path in pages if path.startswith("/chinh-tri/")]
    others = [path for path in pages if path.startswith("/kinh-te-xa-hoi/")]
    assert len(set(others)) == 1 and len(set(listing)) > 1, (listing, others)
    db = open_archive(db_path)
    assert queries.failed_articles(db, "demo") == []
    latest = db.execute(
        "select v.change_kind, v.http_status, a.extraction_failed, a.body_text is not null "
        "from articles a join article_versions v on v.article_id = a.id and "
        "v.version = a.version where a.section = ?",
        [section],
    ).fetchall()
    assert set(latest) == {("first", 200, None, 1)}
    assert db.execute("select count(*) from article_changes").fetchone()[0] == 0
    db.close()
