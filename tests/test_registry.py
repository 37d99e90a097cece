"""The portal registry: built-in entries load, user files add portals, bad entries fail clearly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from portal_spider.registry import RegistryError, get_portal, load_registry

GOOD = """
[portals.my-city]
name = "Cổng thông tin điện tử Thành phố Mẫu"
base_url = "https://mau.example.vn"
platform = "generic"
download_delay = 2
sections = [{ path = "/tin-tuc/", name = "Tin tức" }]
"""


def test_builtin_demo_portal() -> None:
    demo = get_portal("demo")
    assert demo.platform == "demo"
    assert demo.is_loopback
    assert [s.name for s in demo.sections][:3] == [
        "Tin tức - Sự kiện",
        "Chính trị",
        "Kinh tế - Xã hội",
    ]
    assert demo.section_urls()[1][0] == "http://127.0.0.1:8600/chinh-tri/"
    moved = demo.with_base_url("http://127.0.0.1:9999")
    assert moved.section_urls()[0][0] == "http://127.0.0.1:9999/tin-tuc-su-kien/"


def test_user_file_adds_a_portal(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(GOOD, encoding="utf-8")
    portals = load_registry([config])
    assert set(portals) == {"demo", "my-city"}
    city = portals["my-city"]
    assert city.base_url == "https://mau.example.vn/"
    assert city.download_delay == 2.0
    assert not city.is_loopback


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('base_url = "https://mau.example.vn"', 'base_url = "ftp://mau.example.vn"'), "base_url"),
        (('platform = "generic"', 'platform = "mambo"'), "platform"),
        (('name = "Cổng thông tin điện tử Thành phố Mẫu"', 'name = ""'), "name"),
        (('sections = [{ path = "/tin-tuc/", name = "Tin tức" }]', 'sections = "tin"'), "sections"),
        (("download_delay = 2", "max_pages_per_section = 0"), "max_pages_per_section"),
        (("download_delay = 2", "max_requests = true"), "max_requests"),
        (("download_delay = 2", 'max_sitemap_urls = "10"'), "max_sitemap_urls"),
        (("download_delay = 2", 'discover = "no"'), "discover"),
        (('{ path = "/tin-tuc/"', '{ path = "tin-tuc/"'), "sections[0].path"),
        (("download_delay = 2", "download_delay = -1"), "download_delay"),
        (("download_delay = 2", "colour = 2"), "colour"),
        (("[portals.my-city]", "[portals.My_City]"), "portals.My_City"),
    ],
)
def test_bad_entries_name_file_and_field(
    tmp_path: Path, change: tuple[str, str], field: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(RegistryError) as error:
        load_registry([config])
    assert str(config) in str(error.value)
    assert field in str(error.value)


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[portals.x\nname=", encoding="utf-8")
    with pytest.raises(RegistryError, match="not valid TOML"):
        load_registry([broken])
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry([tmp_path / "absent.toml"])


def test_unknown_slug_lists_the_known_ones() -> None:
    with pytest.raises(RegistryError, match=r"unknown portal 'nowhere' \(known: demo\)"):
        get_portal("nowhere")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal_spider", *args], capture_output=True, text=True, timeout=60
    )


def test_crawl_with_bad_config_exits_2_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(GOOD.replace('platform = "generic"', 'platform = "mambo"'), encoding="utf-8")
    result = _cli("crawl", "my-city", "--config", str(config), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("portal-archive: error:") and "platform" in lines[0]
    assert not (tmp_path / "a.db").exists()  # nothing written on failure


def test_crawl_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _cli("crawl", "--db", str(tmp_path / "a.db")).returncode == 2
    result = _cli("crawl", "nowhere", "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2 and "unknown portal 'nowhere'" in result.stderr
    result = _cli("crawl", "demo", "--base-url", "not a url", "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2 and "base" in result.stderr


def test_crawl_refuses_a_file_that_is_not_an_archive(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("my notes, not SQLite", encoding="utf-8")
    result = _cli("crawl", "demo", "--db", str(notes))
    assert result.returncode == 2
    assert notes.read_text(encoding="utf-8") == "my notes, not SQLite"


def test_robots_flag_and_contact_are_validated(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(
        GOOD + 'obey_robots = false\ncontact = "https://lab.example/lien-he"\n', encoding="utf-8"
    )
    city = load_registry([config])["my-city"]
    assert (city.obey_robots, city.contact) == (False, "https://lab.example/lien-he")
    config.write_text(GOOD + 'obey_robots = "no"\n', encoding="utf-8")
    with pytest.raises(RegistryError, match="obey_robots"):
        load_registry([config])


def test_sections_and_limits_are_optional(tmp_path: Path) -> None:
    """A portal added from its home URL alone: the crawl finds its sections by evidence."""
    config = tmp_path / "home-only.toml"
    config.write_text(
        GOOD.replace('sections = [{ path = "/tin-tuc/", name = "Tin tức" }]\n', "")
        + "max_pages_per_section = 50\n",
        encoding="utf-8",
    )
    city = load_registry([config])["my-city"]
    assert city.sections == ()
    assert city.limits.max_pages_per_section == 50
    assert city.limits.max_requests is None


def test_discover_false_needs_sections(tmp_path: Path) -> None:
    config = tmp_path / "chosen.toml"
    config.write_text(GOOD.replace("download_delay = 2", "discover = false"), encoding="utf-8")
    assert load_registry([config])["my-city"].discover is False
    config.write_text(
        GOOD.replace("download_delay = 2", "discover = false").replace(
            'sections = [{ path = "/tin-tuc/", name = "Tin tức" }]', ""
        ),
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="discover: false needs the sections"):
        load_registry([config])
