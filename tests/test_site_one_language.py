"""An audit of the journalists' pages in each language (issue 13, point 7): no doubled
"Tiếng Việt / English" line and no Datasette English ("Powered by", "home") in Vietnamese; no
Vietnamese label in the English page's frame and tables. The article texts themselves (titles,
portal names, the Vietnamese citation) are what the archive holds and are left out."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from lxml import html

from archive import site_config
from archive.snapshot import take_snapshot

from .site_support import Site, copy_archive

VN = "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
VIETNAMESE_LETTERS = re.compile(f"[{VN}]", re.IGNORECASE)
#: a Vietnamese phrase, " / ", then an English word: "Tin bài / Articles"
DOUBLED = re.compile(rf"[{VN}{VN.upper()}][^/·|\n]{{0,80}} / [A-Z][a-z]{{2,}}")
DATASETTE_ENGLISH = ("Powered by", "Queries took", "This data as", "Error ", "Record not found")
#: what a reader of the English page reads as the page's own: labels, headings of tables
FRAME = (
    "//header//a[not(@class='pa-lang')] | //header//button | //footer | //th | //dt"
    " | //label | //button | //summary | //legend | //p[@class='crumbs'] | //nav"
)


@pytest.fixture(scope="module")
def site(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("one-language")
    db = copy_archive(demo_archive, folder / "demo.db")
    take_snapshot(db, folder / "snapshots")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(site_config.SNAPSHOTS_ENV, str(folder / "snapshots"))
        yield Site(db)


def pages(site: Site) -> list[str]:
    edited = site.row(
        "select a.id, a.url from articles a join article_versions v on v.article_id = a.id "
        "where v.change_kind = 'edit' order by a.id limit 1"
    )
    removed = site.row("select url from articles where removed_at is not null order by id")
    return [
        "/",
        "/-/search",
        "/-/search?q=" + quote("ủy ban") + "&year=2022",
        "/-/search?q=" + quote("không có từ này xyzzy"),
        f"/archive/articles/{edited['id']}",
        "/-/web/" + edited["url"],
        "/-/web/" + removed["url"],
        "/-/changes/diff?url=" + quote(edited["url"], safe=""),
        "/-/changes",
        "/-/snapshots",
        "/-/web?url=" + quote(edited["url"], safe=""),
        "/-/web?url=" + quote("https://x.example/tin-tuc/bai-1.html", safe=""),
        "/-/dashboards/archive",
        "/archive/no_such_table",
    ]


def get(site: Site, path: str, lang: str) -> httpx.Response:
    cookies = {"lang": lang} if lang == "en" else None
    return asyncio.run(site.datasette.client.get(path, cookies=cookies))


def page_words(response: httpx.Response) -> html.HtmlElement:
    """The page without what the archive holds: article texts and the citation."""
    page = html.fromstring(response.text)
    drop = (
        "//script | //style | //article//*[contains(@class, 'archive-body')]"
        " | //section[contains(@class, 'archive-cite')]"
        " | //details[contains(@class, 'archive-raw')]"
        " | //ol[@class='sr-results'] | //div[contains(@class, 'dashboard-grid')]"
    )
    for node in page.xpath(drop):
        node.drop_tree()
    return page


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_main_pages_are_in_one_language(site: Site, lang: str) -> None:
    for path in pages(site):
        response = get(site, path, lang)
        assert response.status_code in (200, 404), (path, response.status_code)
        page = page_words(response)
        assert page.get("lang") == lang, path
        text = " ".join(page.text_content().split())
        for piece in page.itertext():  # a doubled line is one text: "Tin bài / Articles"
            doubled = DOUBLED.search(" ".join(piece.split()))
            assert doubled is None, (path, lang, doubled and doubled.group())
        if lang == "vi":
            for english in DATASETTE_ENGLISH:
                assert english not in text, (path, english)
            if not path.startswith("/-/dashboards"):  # its plugin's crumbs: relabelled by JS
                crumbs = page.xpath("//p[@class='crumbs']/a[1]/text()")
                assert all(c.strip() != "home" for c in crumbs), path
        else:
            for node in page.xpath(FRAME):
                words = " ".join(node.text_content().split())
                words = words.replace(site.datasette.metadata("title") or "", "")
                assert not VIETNAMESE_LETTERS.search(words), (path, words[:200])
