"""The look-up page (/-/web?url=…) and the permanent link page's own lines in one language:
Vietnamese by default, English under the switch, never "vi / en" (issue 13, point 7)."""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx
from lxml import html

from archive import site_config
from archive.site_messages import MESSAGES

from .site_support import VIETNAMESE_LETTERS, Site, get, module_site

site = module_site("lookup-en")


def lookup_text(response: httpx.Response) -> str:
    """The page's own words: without the archived title, URLs and what the archive holds."""
    page = html.fromstring(response.text)
    [box] = page.xpath("//div[@class='web-lookup']")
    for node in box.xpath(".//h2/a | .//*[contains(@class, 'web-url')] | .//style"):
        node.drop_tree()
    return " ".join(box.text_content().split())


def removed_url(site: Site) -> str:
    return site.row("select url from articles where removed_at is not null order by id")["url"]


def test_lookup_of_a_removed_article_in_english(site: Site) -> None:
    url = removed_url(site)
    response = get(site, "/-/web?url=" + quote(url, safe=""), lang="en")
    assert response.status_code == 200
    page = html.fromstring(response.text)
    assert page.get("lang") == "en"
    assert page.xpath("//title")[0].text == f"Look up: {url}"
    assert page.xpath("//div[@class='web-lookup']/h1")[0].text == "Look up by original URL"
    headers = page.xpath("//table[@id='web-versions']//th/text()")
    assert headers == ["Version", "Archived at", "Status"]
    statuses = [td.text for td in page.xpath("//table[@id='web-versions']//tr/td[3]")]
    assert statuses[0] == "first archived" and statuses[-1].startswith("removed: ")
    removed = page.xpath("//p[@id='web-removed']")[0].text
    assert re.fullmatch(r"Removed from the portal on \d\d/\d\d/\d{4} \d\d:\d\d \(.+\)\.", removed)
    text = lookup_text(response)
    assert not VIETNAMESE_LETTERS.search(text), text
    assert page.xpath("//table[@id='web-captures']//th/text()")[2:] == ["Kind", "SHA-256 digest"]


def test_lookup_is_vietnamese_by_default_with_no_english_line(site: Site) -> None:
    url = removed_url(site)
    response = get(site, "/-/web?url=" + quote(url, safe=""))
    page = html.fromstring(response.text)
    assert page.get("lang") == "vi"
    assert page.xpath("//table[@id='web-versions']//th/text()") == [
        "Phiên bản",
        "Thời điểm lưu",
        "Trạng thái",
    ]
    text = lookup_text(response)
    for key, (_, english) in MESSAGES.items():
        if key.startswith("lookup_") and "{" not in english:
            assert english not in text, key
    assert "removed:" not in text and "first archived" not in text


def test_unarchived_url_and_empty_form_in_english(site: Site) -> None:
    response = get(
        site, "/-/web?url=" + quote("https://x.example/tin-tuc/khai-mac-10.html"), lang="en"
    )
    assert response.status_code == 404
    page = html.fromstring(response.text)
    assert page.xpath("//div[@id='web-not-found']/h2")[0].text == "This URL is not archived"
    assert (
        page.xpath("//a[@id='web-search']")[0].text == "search the archive for “tin tuc khai mac”"
    )
    assert not VIETNAMESE_LETTERS.search(lookup_text(response))
    form = html.fromstring(get(site, "/-/web?lang=en").text)
    assert form.xpath("//form[@id='web-lookup-form']//input[@name='lang']/@value") == ["en"]
    assert form.xpath("//form[@id='web-lookup-form']/button")[0].text == "Look up"


def test_permalink_page_links_in_one_language(site: Site) -> None:
    url = removed_url(site)
    for lang, expected in (
        ("vi", ["Trang dữ liệu của tin bài", "Tra cứu theo địa chỉ gốc"]),
        ("en", ["The article's data page", "Look up by original URL"]),
    ):
        page = html.fromstring(get(site, "/-/web/" + url, lang=lang).text)
        links = page.xpath("//p[@class='archive-web-links']/a/text()")
        assert links == expected, lang


def test_lookup_templates_take_every_word_from_the_catalogue() -> None:
    for name in ("web_lookup.html", "web_article.html"):
        source = (site_config.TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert not VIETNAMESE_LETTERS.search(source), name
        used = set(re.findall(r"""\bt\(["'](\w+)["']""", source))
        assert used and used <= set(MESSAGES), used - set(MESSAGES)
