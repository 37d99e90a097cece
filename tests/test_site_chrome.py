"""The site's frame in Vietnamese (issue 13, point 7): our base.html on every page, the
English switch, one date and number format, the dashboard's axes and portal menu, and no
server paths in what a public site answers. In-process Datasette over a real demo crawl."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from datasette.app import Datasette
from lxml import html

from archive import site_config
from archive.hide import hide_article
from archive.site_messages import MESSAGES, message, safe_next
from archive.snapshot import take_snapshot
from archive.vn_format import vn_number

from .site_support import Site, copy_archive

ENGLISH_CHROME = ("Powered by", "Queries took", "This data as")
VN_DATETIME = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
NAV = ["Trang chủ", "Tìm kiếm", "Đã sửa / Đã gỡ", "Bản chụp", "Thống kê"]
NAV_EN = ["Home", "Search", "Edited / Removed", "Snapshots", "Statistics"]
OWN_TEMPLATES = ["base.html", "index.html", "snapshots.html"]


@pytest.fixture(scope="module")
def served(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo archive with one snapshot listed at /-/snapshots."""
    folder = tmp_path_factory.mktemp("chrome")
    db = copy_archive(demo_archive, folder / "demo.db")
    snapshots = folder / "snapshots"
    take_snapshot(db, snapshots)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(site_config.SNAPSHOTS_ENV, str(snapshots))
        site = Site(db)
        site.snapshots = snapshots  # type: ignore[attr-defined]
        yield site


def get(site: Site, path: str, **cookies: str) -> httpx.Response:
    return asyncio.run(site.datasette.client.get(path, cookies=cookies or None))


def journalist_pages(site: Site) -> list[str]:
    edited = site.row(
        "select a.url from articles a join article_versions v on v.article_id = a.id "
        "where v.change_kind = 'edit' limit 1"
    )["url"]
    return [
        "/",
        "/-/search?q=" + quote("ủy ban"),
        "/-/changes",
        "/-/changes/diff?url=" + quote(edited, safe=""),
        "/-/snapshots",
        "/-/web/" + edited,
    ]


def visible_text(page: html.HtmlElement) -> str:
    for node in page.xpath("//script | //style"):
        node.drop_tree()
    return " ".join(page.text_content().split())


def test_journalist_pages_are_vietnamese_with_search_and_nav(served: Site) -> None:
    for path in journalist_pages(served):
        response = get(served, path)
        assert response.status_code == 200, (path, response.text[-1500:])
        page = html.fromstring(response.text)
        assert page.get("lang") == "vi", path
        [form] = page.xpath("//header//form[@role='search']")
        assert form.get("action") == "/-/search" and form.xpath(".//input[@name='q']"), path
        nav = [a.text_content().strip() for a in page.xpath("//nav[@class='pa-nav']//a")]
        assert nav == NAV, (path, nav)
        assert not page.xpath("//header//a[normalize-space()='home' or .='Dashboards']"), path
        text = visible_text(page)
        for english in ENGLISH_CHROME:
            assert english not in text, (path, english)
        [advanced] = page.xpath("//footer//a[normalize-space()='Dữ liệu nâng cao']")
        assert get(served, advanced.get("href")).status_code == 200


def test_datasette_pages_keep_working_inside_our_frame(served: Site) -> None:
    database = get(served, "/").text
    advanced = html.fromstring(database).xpath("//footer//a[@rel!='license' or not(@rel)]/@href")
    for path in [advanced[0], f"{advanced[0]}/articles", f"{advanced[0]}/articles/1"]:
        response = get(served, path)
        assert response.status_code == 200, path
        page = html.fromstring(response.text)
        assert page.get("lang") == "vi"
        assert page.xpath("//header//form[@role='search']"), path
        assert page.xpath("//p[@class='crumbs']") or path == advanced[0]
    table = get(served, f"{advanced[0]}/articles").text
    assert "rows-and-columns" in table  # Datasette's own table still renders


def test_english_switch_by_parameter_and_by_cookie(served: Site) -> None:
    page = html.fromstring(get(served, "/?lang=en").text)
    assert page.get("lang") == "en"
    assert [a.text_content().strip() for a in page.xpath("//nav[@class='pa-nav']//a")] == NAV_EN
    switch = get(served, "/-/lang?to=en&next=" + quote("/-/changes?portal=demo&lang=vi"))
    assert switch.status_code == 302
    assert switch.headers["location"] == "/-/changes?portal=demo&lang=vi"
    assert re.match(r"lang=en;", switch.headers["set-cookie"])
    for path in ["/", "/-/snapshots", "/-/changes"]:
        english = html.fromstring(get(served, path, lang="en").text)
        assert english.get("lang") == "en", path
        assert english.xpath("//a[@class='pa-lang']")[0].text_content() == "Tiếng Việt"
        assert "Trang chủ" not in visible_text(english), path
    # the switch back, from an English page, drops ?lang= so the cookie decides
    link = html.fromstring(get(served, "/-/snapshots?lang=en").text).xpath(
        "//a[@class='pa-lang']/@href"
    )[0]
    assert link == "/-/lang?to=vi&next=%2F-%2Fsnapshots"
    assert html.fromstring(get(served, "/", lang="fr").text).get("lang") == "vi"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "", "\\\\x"])
def test_switch_never_redirects_off_site(target: str) -> None:
    assert safe_next(target) == "/"


def test_every_message_has_both_languages_and_every_key_used_exists() -> None:
    for key, (vietnamese, english) in MESSAGES.items():
        assert vietnamese.strip() and english.strip() and vietnamese != english, key
    folder = site_config.TEMPLATES_DIR
    used = {
        key
        for name in OWN_TEMPLATES
        for key in re.findall(r"""\bt\(["'](\w+)["']\)""", (folder / name).read_text())
    }
    assert used and used <= set(MESSAGES), used - set(MESSAGES)
    with pytest.raises(KeyError):
        message("no_such_key")


def test_home_page_counts_and_latest_articles(served: Site) -> None:
    page = html.fromstring(get(served, "/").text)
    total = served.row("select count(*) as n from articles")["n"]
    assert page.xpath("//strong[@class='pa-count']")[0].text == vn_number(total)
    rows = page.xpath("//table[@class='pa-portals']/tbody/tr")
    per_portal = {
        r["portal"]: r["n"]
        for r in served.rows("select portal, count(*) as n from articles group by portal")
    }
    assert len(rows) == len(per_portal)
    assert rows[0].xpath("td[@class='num']")[0].text == vn_number(per_portal["demo"])
    latest = page.xpath("//ul[@class='pa-latest']/li/a/@href")
    assert len(latest) == 10 and all(href.startswith("/-/web/http") for href in latest)
    newest = served.row(
        "select title from articles where published_at glob '2*' order by published_at desc"
    )["title"]
    assert page.xpath("//ul[@class='pa-latest']/li/a")[0].text == newest
    assert get(served, latest[0]).status_code == 200
    dates = page.xpath("//ul[@class='pa-latest']//div[@class='pa-meta']/text()")
    assert all(VN_DATETIME.match(d.split("Đăng ngày ")[1].strip()) for d in dates)
    [lookup] = page.xpath("//form[@class='pa-lookup']")
    assert lookup.get("action") == "/-/web" and lookup.xpath(".//input[@name='url']")


def test_snapshots_page_in_vietnam_time(served: Site) -> None:
    manifest = json.loads((served.snapshots / "manifest.json").read_text())  # type: ignore[attr-defined]
    [entry] = manifest["snapshots"]
    page = html.fromstring(get(served, "/-/snapshots").text)
    [shown] = page.xpath("//td[@class='date']/time")
    assert VN_DATETIME.match(shown.text) and shown.get("datetime") == entry["created_at"]
    hours = int(entry["created_at"][11:13])
    assert int(shown.text[11:13]) == (hours + 7) % 24
    assert page.xpath("//td[@class='num']")[1].text == vn_number(entry["articles"])


def _datasette(db: Path, *, public: bool) -> Datasette:
    metadata = json.loads(site_config.METADATA_PATH.read_text(encoding="utf-8"))
    files = {"immutables": [str(db)]} if public else {"files": [str(db)]}
    return Datasette(
        **files,
        metadata=metadata,
        settings=site_config.site_settings(public=public),
        plugins_dir=str(site_config.PLUGINS_DIR),
        template_dir=str(site_config.TEMPLATES_DIR),
    )


def test_no_server_paths_on_a_public_site(
    demo_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = copy_archive(demo_archive, tmp_path / "private-folder" / "demo.db")
    snapshots = tmp_path / "snapshots"
    take_snapshot(db, snapshots)
    monkeypatch.setenv(site_config.SNAPSHOTS_ENV, str(snapshots))
    assert str(db) in (snapshots / "manifest.json").read_text()  # the server keeps it

    public = _datasette(db, public=True)
    paths = ["/-/databases.json", "/-/databases", "/-/snapshots.json", "/-/snapshots", "/",
             "/-/versions.json", "/-/plugins.json", "/-/settings.json", "/-/metadata.json",
             "/-/threads.json"]  # fmt: skip
    for path in paths:
        response = asyncio.run(public.client.get(path))
        assert str(tmp_path) not in response.text, path
        assert "/work/" not in response.text and ".venv" not in response.text, path
    [listed] = asyncio.run(public.client.get("/-/databases.json")).json()
    assert listed["path"] == "demo.db" and listed["is_mutable"] is False
    [snapshot] = asyncio.run(public.client.get("/-/snapshots.json")).json()["snapshots"]
    assert "source" not in snapshot and snapshot["url"].endswith(snapshot["file"])
    assert asyncio.run(public.client.get("/-/threads.json")).status_code == 404

    private = _datasette(db, public=False)  # the operator's own site keeps the full path
    [listed] = asyncio.run(private.client.get("/-/databases.json")).json()
    assert listed["path"] == str(db)


def test_dashboard_axes_and_portal_menu(served: Site) -> None:
    metadata = json.loads(site_config.METADATA_PATH.read_text(encoding="utf-8"))
    charts = metadata["plugins"]["datasette-dashboards"]["archive"]["charts"]
    temporal = [
        (slug, chart["display"]["encoding"]["x"])
        for slug, chart in charts.items()
        if chart["library"] == "vega-lite"
        and chart["display"]["encoding"].get("x", {}).get("type") == "temporal"
    ]
    assert len(temporal) >= 4
    for slug, x in temporal:
        fmt = x["axis"]["format"]
        assert "%L" not in fmt and "%S" not in fmt, slug  # no milliseconds, no seconds
        assert fmt in ("%d/%m/%Y %H:%M", "%m/%Y"), slug
        if fmt.endswith("%H:%M"):  # a moment: shifted to Vietnam time and shown as UTC
            assert x["scale"] == {"type": "utc"}
            [shift] = [t for t in charts[slug]["display"]["transform"] if "calculate" in t]
            assert shift["as"] == x["field"] and "7 * 3600 * 1000" in shift["calculate"]
            assert "UTC" not in x["title"]
    metrics = [chart for chart in charts.values() if chart["library"] == "metric"]
    assert metrics and all(chart["display"]["field"] == "shown" for chart in metrics)
    database = html.fromstring(get(served, "/").text).xpath("//footer//a/@href")[0]
    sql = get(served, f"{database}.json?sql=select+vn_number(1449050)+as+n&_shape=array")
    assert sql.json() == [{"n": "1.449.050"}]  # what a metric card prints
    text = get(served, "/-/dashboards/archive").text
    assert re.search(r"<option value=\"\"\s*(selected)?\s*></option>", text)  # dashboards' blank
    assert '"Tất cả cổng"' in text
    assert '"All portals"' in get(served, "/-/dashboards/archive", lang="en").text


def test_home_page_leaves_hidden_articles_out(demo_archive: Path, tmp_path: Path) -> None:
    db = copy_archive(demo_archive, tmp_path / "demo.db")
    before = html.fromstring(get(Site(db), "/").text)
    newest = before.xpath("//ul[@class='pa-latest']/li/a/@href")[0]
    url = newest.removeprefix("/-/web/")
    hide_article(db, url, "personal_data")
    after = html.fromstring(get(Site(db), "/").text)
    count = "//strong[@class='pa-count']/text()"
    assert (
        int(after.xpath(count)[0].replace(".", ""))
        == int(before.xpath(count)[0].replace(".", "")) - 1
    )
    assert newest not in after.xpath("//ul[@class='pa-latest']/li/a/@href")
    assert len(after.xpath("//ul[@class='pa-latest']/li")) == 10


def test_error_pages_render_inside_our_frame(served: Site) -> None:
    for path in ["/no-such-database", "/-/no-such-page"]:
        response = get(served, path)
        assert response.status_code == 404, (path, response.text[-500:])
        page = html.fromstring(response.text)
        assert page.get("lang") == "vi"
        assert page.xpath("//header//form[@role='search']/@action") == ["/-/search"]
        assert page.xpath("//footer//a[normalize-space()='Dữ liệu nâng cao']")
