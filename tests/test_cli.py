"""The `portal-archive` command line: help, the demo-portal pass-through, clear failures."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

from .conftest import stop


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal_spider", *args], capture_output=True, text=True, timeout=60
    )


def test_help_lists_every_command() -> None:
    result = _cli("--help")
    assert result.returncode == 0
    for command in ("demo", "demo-portal", "crawl", "serve", "extract"):
        assert f"  {command} " in result.stdout


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in ("demo", "demo-portal", "crawl", "serve", "extract"):
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
