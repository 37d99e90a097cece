"""The `portal-archive` command line: help, the demo-portal pass-through, clear failures."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

from .conftest import free_port, portal_archive, stop


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return portal_archive(*args, timeout=60)


def test_help_lists_every_command() -> None:
    result = _cli("--help")
    assert result.returncode == 0
    for command in ("demo", "demo-portal", "crawl", "serve", "extract", "add", "detect"):
        assert f"  {command} " in result.stdout


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in ("demo", "demo-portal", "crawl", "serve", "extract", "add", "detect"):
        assert f"`portal-archive {command}" in readme


def test_demo_portal_command_prints_its_url_and_serves() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_spider", "demo-portal", "--port", "0", "--articles", "30"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("Demo portal: http://127.0.0.1:")
        url = line.split(": ", 1)[1]
        page = urllib.request.urlopen(url + "chinh-tri/").read().decode("utf-8")
        assert "Thống kê truy cập" in page
    finally:
        stop(process)


def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    result = _cli("serve", "--db", str(tmp_path / "absent.db"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "absent.db" in result.stderr
    assert not (tmp_path / "absent.db").exists()


def test_demo_portal_bad_input_exits_2() -> None:
    result = _cli("demo-portal", "--articles", "0")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_detect_on_a_saved_home_page(demo_portal: str, tmp_path: Path) -> None:
    """Offline: every candidate of the home page with where it was found, "not fetched"."""
    home = tmp_path / "home.html"
    home.write_bytes(urllib.request.urlopen(demo_portal).read())
    result = _cli("detect", str(home), "--url", demo_portal)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert (found["platform"], found["visitor_counter"]) == ("demo", True)
    paths = ["/tin-tuc-su-kien/", "/chinh-tri/", "/kinh-te-xa-hoi/", "/van-hoa-xa-hoi/"]
    assert [c["path"] for c in found["candidates"]] == paths
    assert [c["url"] for c in found["candidates"]] == [demo_portal + p[1:] for p in paths]
    assert {(c["found_in"], c["verdict"]) for c in found["candidates"]} == {("menu", "not fetched")}
    assert found["candidates"][1]["name"] == "Chính trị"


def test_add_dry_run_prints_verdicts_and_writes_nothing(demo_portal: str, tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    result = _cli("add", demo_portal, "--config", str(config), "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "news",
        "menu",
        "/tin-tuc-su-kien/",
        "Tin",
        "tức",
        "-",
        "Sự",
        "kiện",
    ]
    assert "items read as articles (1/1)" in lines[1]
    assert not config.exists() and list(tmp_path.iterdir()) == []


def test_add_writes_an_entry_that_crawls_the_whole_portal(demo_portal: str, tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    result = _cli("add", demo_portal, "--config", str(config), "--slug", "tra-vinh")
    assert result.returncode == 0, result.stderr
    assert "added portals.tra-vinh" in result.stdout
    db = tmp_path / "added.db"
    crawl = portal_archive("crawl", "tra-vinh", "--config", str(config), "--db", str(db))
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from articles").fetchone()[0] == 240
    assert conn.execute("select platform from portals").fetchone()[0] == "demo"
    again = _cli("add", demo_portal, "--config", str(config), "--slug", "tra-vinh")
    assert again.returncode == 2 and "already present" in again.stderr


def test_add_refuses_bad_urls_and_unreachable_portals(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    result = _cli("add", "ftp://example.gov.vn/", "--config", str(config))
    assert result.returncode == 2 and "not an http(s) URL" in result.stderr
    closed = f"http://127.0.0.1:{free_port()}/"
    result = _cli("add", closed, "--config", str(config))
    assert result.returncode == 2 and "could not fetch" in result.stderr
    assert not config.exists()


def test_add_refuses_a_taken_slug_before_fetching_anything(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(
        '[portals.mot]\nname = "Một"\nbase_url = "https://mot.example.gov.vn/"\n'
        'platform = "generic"\n'
        'sections = [{ path = "/tin", name = "Tin" }]\n',
        encoding="utf-8",
    )
    before = config.read_bytes()
    closed = f"http://127.0.0.1:{free_port()}/"  # nothing listens: a fetch would fail
    result = _cli("add", closed, "--config", str(config), "--slug", "mot")
    assert result.returncode == 2 and "already present" in result.stderr, result.stderr
    assert config.read_bytes() == before


def test_add_says_when_its_budget_left_candidates_unfetched(demo_portal: str) -> None:
    result = _cli("add", demo_portal, "--dry-run", "--budget", "2")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[:-1:2]]
    assert [row[:2] for row in rows] == [["news", "menu"]] + [["over", "budget"]] * 3
    assert result.stdout.splitlines()[-1] == (
        "note: 3 candidates not fetched: the budget of 2 requests was spent (raise --budget)"
    )
