"""Datasette side: search, metadata, and the serve command, via an in-process Datasette."""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from archive import ArchiveError, ArchiveWriter, open_archive
from archive.datasette_app import make_datasette
from archive.serve import datasette_command, serve
from archive.site_config import METADATA_PATH

FETCHED = "2025-07-01T10:00:00+07:00"


def build_archive(path: Path) -> None:
    with ArchiveWriter(path) as w:
        w.ensure_portal("travinh", "Cổng TTĐT Trà Vinh", "https://travinh.gov.vn", "dnn", [])
        for n, (title, published) in enumerate(
            [
                ("Thành ủy Trà Vinh tổ chức Hội nghị sơ kết", "2022-06-02T16:30:00+07:00"),
                ("Thời tiết Vĩnh Long hôm nay", "2022-06-03"),
                ("Tỉnh uỷ Trà Vinh họp", "2022-06-01T08:00:00+07:00"),
            ]
        ):
            record = {"url": f"https://travinh.gov.vn/{n}", "title": title}
            w.add_article(
                {**record, "published_at": published, "body_text": "Nội dung."},
                portal="travinh",
                section="tin-tuc",
                fetched_at=FETCHED,
            )
        for hour in (1, 3, 2):
            w.add_counter(
                portal="travinh",
                observed_at=f"2025-07-01T0{hour}:00:00Z",
                page_url="https://travinh.gov.vn/",
                counter={"online": hour},
            )


def get_json(db_path: Path, path: str) -> object:
    ds = make_datasette(db_path)

    async def fetch() -> object:
        response = await ds.client.get(path, follow_redirects=True)  # /<stem>/ -> /archive/
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(fetch())


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("site") / "demo.db"
    build_archive(path)
    return path


def test_search_ignores_diacritics(demo_db: Path) -> None:
    found = get_json(demo_db, "/demo/articles.json?_search=thanh+uy+tra+vinh&_shape=array")
    assert [row["title"] for row in found] == ["Thành ủy Trà Vinh tổ chức Hội nghị sơ kết"]
    # old-style "uỷ" is stored as written yet still found by the unaccented "uy"
    found = get_json(demo_db, "/demo/articles.json?_search=tinh+uy&_shape=array")
    assert [row["title"] for row in found] == ["Tỉnh uỷ Trà Vinh họp"]
    # ... and by the new-style "ủy", while a query with diacritics stays exact
    found = get_json(demo_db, "/demo/articles.json?_search=T%E1%BB%89nh+%E1%BB%A7y&_shape=array")
    assert [row["title"] for row in found] == ["Tỉnh uỷ Trà Vinh họp"]
    found = get_json(demo_db, "/demo/articles.json?_search=th%C3%A0nh+u%E1%BB%B7&_shape=array")
    assert [row["title"] for row in found] == ["Thành ủy Trà Vinh tổ chức Hội nghị sơ kết"]
    found = get_json(demo_db, "/demo/articles.json?_search=V%C4%A9nh&_shape=array")  # Vĩnh
    assert [row["title"] for row in found] == ["Thời tiết Vĩnh Long hôm nay"]
    assert get_json(demo_db, "/demo/articles.json?_search=V%E1%BB%8Bnh&_shape=array") == []


def test_metadata_is_served(demo_db: Path) -> None:
    metadata = get_json(demo_db, "/-/metadata.json")
    assert metadata["title"] == "Lưu trữ cổng thông tin điện tử địa phương"
    assert metadata["license_url"] == "https://creativecommons.org/licenses/by/4.0/"


def test_table_metadata_applies_to_any_database_name(tmp_path: Path) -> None:
    path = tmp_path / "archive-2025.db"
    build_archive(path)
    articles = get_json(path, "/archive-2025/articles.json?_shape=objects")
    assert [r["published_at"] for r in articles["rows"]] == [
        "2022-06-03",
        "2022-06-02T16:30:00+07:00",
        "2022-06-01T08:00:00+07:00",
    ]
    assert set(articles["facet_results"]) == {"portal", "section"}
    counters = get_json(path, "/archive-2025/visitor_stats.json?_shape=array")
    assert [row["online"] for row in counters] == [3, 2, 1]
    tables = get_json(path, "/archive-2025.json")["tables"]
    hidden = {t["name"] for t in tables if t["hidden"]}
    assert {"_sqlite_migrations", "articles_search", "_articles_search_meta"} <= hidden


def test_metadata_describes_every_column(demo_db: Path) -> None:
    described = json.loads(METADATA_PATH.read_text(encoding="utf-8"))["databases"]["demo"]
    db = open_archive(demo_db)  # registers word_diff, which the article_changes view calls
    tables = ("portals", "articles", "article_versions", "visitor_stats", "crawls")
    tables += ("crawl_errors", "sections", "article_sources", "captures", "reextract_runs")
    views = ("article_changes", "removals", "portal_coverage")
    assert set(db.view_names()) == set(views)
    for table in (*tables, *views):
        columns = described["tables"][table]["columns"]
        actual = {row[1] for row in db.execute(f"PRAGMA table_xinfo({table})")}  # + generated
        assert set(columns) == actual, table
    db.close()


def test_datasette_command(tmp_path: Path) -> None:
    command = datasette_command([tmp_path / "demo.db"], port=9000)
    assert command[:4] == [sys.executable, "-m", "datasette", "serve"]
    assert command[command.index("--metadata") + 1] == str(METADATA_PATH)
    assert METADATA_PATH.is_file()
    assert Path(command[command.index("--plugins-dir") + 1]).is_dir()
    assert command[command.index("--port") + 1] == "9000"
    settings = {command[i + 1]: command[i + 2] for i, a in enumerate(command) if a == "--setting"}
    assert settings == {
        "sql_time_limit_ms": "3000",
        "default_page_size": "50",
        "suggest_facets": "off",
    }


def test_serve_refuses_missing_database(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="not found"):
        serve(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_archive_never_imports_the_crawler() -> None:
    code = (
        "import sys, archive, archive.serve, archive.datasette_app, archive.writer\n"
        "import archive.lock, archive.diff, archive.queries\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('scrapy', 'portal_spider')]\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
