"""The statistics dashboard in one language (issue 13, point 7): Vietnamese by default, English
under the switch, never "Tiếng Việt / English" card titles. In-process Datasette over the demo
archive."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx
import pytest
from datasette.app import Datasette
from lxml import html

from archive import chart_text, site_config

from .site_support import Site, copy_archive

VIETNAMESE_LETTERS = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)
DASHBOARDS = json.loads(site_config.METADATA_PATH.read_text(encoding="utf-8"))["plugins"][
    "datasette-dashboards"
]
CHARTS = DASHBOARDS["archive"]["charts"]


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    return Site(copy_archive(demo_archive, tmp_path_factory.mktemp("dash-lang") / "demo.db"))


def get(datasette: Datasette, path: str, **cookies: str) -> httpx.Response:
    response = asyncio.run(datasette.client.get(path, cookies=cookies or None))
    assert response.status_code == 200, (path, response.text[-800:])
    return response


def rendered(response: httpx.Response) -> dict[str, dict]:
    calls = re.findall(r"renderChart\('(\w+)', (\{.*?\}), '", response.text)
    return {slug: json.loads(config) for slug, config in calls}


def card_titles(response: httpx.Response) -> list[str]:
    page = html.fromstring(response.text)
    return [
        " ".join(a.text_content().split())
        for a in page.xpath("//div[@class='dashboard-card-title']/p/a")
    ]


def strings(config: object) -> list[str]:
    """The words a reader sees in a chart's config: titles, units and value labels."""
    return chart_text.words(config)


def test_metadata_holds_one_language_and_every_word_has_its_english() -> None:
    words = chart_text.words(DASHBOARDS)
    assert len(words) > 40
    for word in words:
        assert " / " not in word, word  # no "Tiếng Việt / English"
        assert word in chart_text.ENGLISH, word
        assert not VIETNAMESE_LETTERS.search(chart_text.ENGLISH[word]), word


def test_dashboard_is_vietnamese_by_default(site: Site) -> None:
    response = get(site.datasette, "/-/dashboards/archive")
    page = html.fromstring(response.text)
    assert page.get("lang") == "vi"
    assert page.xpath("//h1")[0].text_content().strip() == "Thống kê lưu trữ"
    assert card_titles(response) == [chart["title"] for chart in CHARTS.values()]
    charts = rendered(response)
    assert list(charts) == list(CHARTS) and {c["db"] for c in charts.values()} == {"demo"}
    assert charts["visitors_total"]["display"]["encoding"]["x"]["title"] == (
        "Thời điểm ghi nhận (giờ Việt Nam)"
    )
    assert (
        "'extraction_failures': 'không đọc được nội dung'"
        in (charts["crawl_health"]["display"]["encoding"]["color"]["legend"]["labelExpr"])
    )
    assert page.xpath("//fieldset/legend")[0].text == "Cổng"
    assert "Áp dụng" in response.text and "Trang chủ" in response.text  # the relabelling script


@pytest.mark.parametrize("how", ["cookie", "parameter"])
def test_dashboard_in_english_under_the_switch(site: Site, how: str) -> None:
    path = "/-/dashboards/archive" + ("?lang=en" if how == "parameter" else "")
    cookies = {"lang": "en"} if how == "cookie" else {}
    response = get(site.datasette, path, **cookies)
    page = html.fromstring(response.text)
    assert page.get("lang") == "en"
    assert page.xpath("//h1")[0].text_content().strip() == "Archive statistics"
    titles = card_titles(response)
    assert titles == [chart_text.ENGLISH[chart["title"]] for chart in CHARTS.values()]
    assert titles[0] == "Archived articles"
    charts = rendered(response)
    assert list(charts) == list(CHARTS) and {c["db"] for c in charts.values()} == {"demo"}
    for slug, chart in charts.items():
        for word in strings(chart):
            assert not VIETNAMESE_LETTERS.search(word), (slug, word)
    assert charts["articles_total"]["display"]["suffix"] == " articles"
    assert page.xpath("//fieldset/legend")[0].text == "Portal"
    assert "Áp dụng" not in response.text
    suffix = "?lang=en" if how == "parameter" else ""
    chart_page = get(site.datasette, "/-/dashboards/archive/crawl_health" + suffix, **cookies)
    assert "Crawl health" in chart_page.text and "Tình trạng thu thập" not in chart_page.text


def test_language_does_not_leak_between_requests(site: Site) -> None:
    get(site.datasette, "/-/dashboards/archive", lang="en")
    again = get(site.datasette, "/-/dashboards/archive")
    assert card_titles(again)[0] == "Tin bài đã lưu"
    metadata = get(site.datasette, "/-/metadata.json").json()
    assert metadata["plugins"]["datasette-dashboards"]["archive"]["title"] == "Thống kê lưu trữ"


def test_two_sites_from_one_metadata_both_have_the_dashboard(demo_archive: Path) -> None:
    metadata = json.loads(site_config.METADATA_PATH.read_text(encoding="utf-8"))
    sites = [
        Datasette(
            [str(demo_archive)],
            metadata=metadata,
            settings=dict(site_config.SETTINGS),
            plugins_dir=str(site_config.PLUGINS_DIR),
            template_dir=str(site_config.TEMPLATES_DIR),
        )
        for _ in range(2)
    ]
    for datasette in sites:
        assert card_titles(get(datasette, "/-/dashboards/archive"))[0] == "Tin bài đã lưu"
    assert "datasette-dashboards" in metadata["plugins"]  # the caller's dict is left alone
