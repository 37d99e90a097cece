"""The search results page in one language at a time (issue 13, point 7): Vietnamese by
default, English under the switch (``?lang=en`` or the ``lang`` cookie), never both. In-process
Datasette over a copy of the demo archive."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from lxml import html

from archive import search_page, search_text
from archive.search_page import SearchInputError

from .site_support import VIETNAMESE_LETTERS, Site, get, module_site

site = module_site("search-en")


def interface_text(response: httpx.Response) -> str:
    """The page's own words: the content minus what the archive holds (result titles and
    snippets, portal and section names, the echoed query) and the help's Vietnamese examples."""
    page = html.fromstring(response.text)
    [content] = page.xpath("//section[@id='pa-content']")
    drop = (
        ".//ol[@class='sr-results'] | .//q | .//script | .//style"
        " | .//section[@data-facet='portal' or @data-facet='section']//li"
        " | .//ul[@class='sr-active']/li[1] | .//details[@class='sr-help']//li"
    )
    for node in content.xpath(drop):
        node.drop_tree()
    return " ".join(content.text_content().split())


def literal_chunks(template: str) -> list[str]:
    """The fixed words of a catalogue entry (placeholders and markup removed)."""
    chunks = re.split(r"\{\w+\}|<[^>]+>", template)
    return [c.strip(" .,:;()‹›") for c in chunks if len(c.strip(" .,:;()‹›")) >= 6]


def assert_one_language(text: str, lang: str) -> None:
    other = 0 if lang == "en" else 1
    for key, pair in search_text.TEXT.items():
        if pair[0] == pair[1]:
            continue
        for chunk in literal_chunks(pair[other]):
            if chunk not in pair[1 - other]:  # words both languages share (code, names)
                assert chunk not in text, (lang, key, chunk)
    if lang == "en":
        assert not VIETNAMESE_LETTERS.search(text), text


SEARCH = "/-/search?q=" + quote("ủy ban")


@pytest.mark.parametrize("how", ["cookie", "parameter"])
def test_results_page_in_english_under_the_switch(site: Site, how: str) -> None:
    cookies = {"lang": "en"} if how == "cookie" else {}
    path = SEARCH + "&year=2022" + ("" if cookies else "&lang=en")
    response = get(site, path, **cookies)
    assert response.status_code == 200
    page = html.fromstring(response.text)
    assert page.get("lang") == "en"
    count = int(page.xpath("//p[@class='sr-count']/@data-count")[0])
    assert count > 50  # several pages
    assert page.xpath("//title")[0].text == f"Search: ủy ban — {count} results"
    shown = " ".join(page.xpath("//p[@class='sr-count']")[0].text_content().split())
    assert shown == f"{count} results · page 1 of {-(-count // 50)} (results 1–50)"
    titles = page.xpath("//aside[@class='sr-facets']//h3/text()")
    assert titles[:4] == ["Portal", "Section", "Year published", "Month published (2022)"]
    assert set(titles[4:]) <= {"Attachments", "Edited", "Removed"}
    months = page.xpath("//section[@data-facet='month']//a/text()")
    assert months and all(re.fullmatch(r"[A-Z][a-z]+ 2022", m) for m in months), months
    assert page.xpath("//a[@class='sr-next']")[0].text == "Next ›"
    assert page.xpath("//details[@class='sr-help']/summary")[0].text == "How to search"
    assert page.xpath("//ul[@class='sr-active']//a/text()")[0].strip() == "Published in 2022"
    assert_one_language(interface_text(response), "en")


def test_results_page_is_vietnamese_by_default_and_never_doubled(site: Site) -> None:
    response = get(site, SEARCH + "&year=2022")
    page = html.fromstring(response.text)
    assert page.get("lang") == "vi"
    count = int(page.xpath("//p[@class='sr-count']/@data-count")[0])
    assert page.xpath("//title")[0].text == f"Tìm kiếm: ủy ban — {count} kết quả"
    titles = page.xpath("//aside[@class='sr-facets']//h3/text()")
    assert titles[:4] == ["Cổng", "Chuyên mục", "Năm đăng", "Tháng đăng (2022)"]
    assert page.xpath("//a[@class='sr-next']")[0].text == "Trang sau ›"
    assert_one_language(interface_text(response), "vi")
    # a cookie asking for another language, or a bad ?lang=, keeps Vietnamese
    assert html.fromstring(get(site, SEARCH, lang="fr").text).get("lang") == "vi"


def test_no_results_page_and_nearby_searches_in_english(site: Site) -> None:
    response = get(site, "/-/search?q=" + quote("Thánh ủy") + "&portal=demo", lang="en")
    page = html.fromstring(response.text)
    count_line = " ".join(page.xpath("//p[@class='sr-count']")[0].text_content().split())
    assert count_line == "No results for Thánh ủy with the chosen filters."
    labels = [a.text_content() for a in page.xpath("//ul[@class='sr-alternatives']//a")]
    # "Thánh ủy" over all portals finds nothing either: not offered (only what finds something)
    assert labels == ["Without tone marks: Thanh uy"]
    assert_one_language(interface_text(response), "en")
    data = get(site, "/-/search.json?q=" + quote("Thánh ủy") + "&portal=demo&lang=en").json()
    assert [a["label"] for a in data["alternatives"]] == ["Without tone marks"]
    unfiltered = get(site, "/-/search.json?q=ubnd&year=2021&lang=en").json()
    assert [a["label"] for a in unfiltered["alternatives"]] == ["All portals, no filter"]
    default = get(site, "/-/search.json?q=" + quote("Thánh ủy") + "&portal=demo").json()
    assert default["alternatives"][0]["label"] == "Bỏ dấu"


def test_json_facets_follow_the_language(site: Site) -> None:
    data = get(site, "/-/search.json?q=" + quote("ủy ban") + "&year=2022&lang=en").json()
    labels = {item["label"] for item in data["facets"].get("attachments", [])}
    assert labels and labels <= {"With attachments", "Without attachments"}
    assert all(re.fullmatch(r"[A-Z][a-z]+ 2022", m["label"]) for m in data["facets"]["month"])
    vietnamese = get(site, "/-/search.json?q=" + quote("ủy ban") + "&year=2022").json()
    assert {i["label"] for i in vietnamese["facets"]["attachments"]} <= {
        "Có tệp đính kèm",
        "Không có tệp",
    }


def test_atom_title_and_csv_name_follow_the_language(site: Site) -> None:
    atom = get(site, SEARCH.replace("/-/search", "/-/search.atom"), lang="en").text
    assert "<title>Search: ủy ban — Portal archive</title>" in atom
    csv = get(site, SEARCH.replace("/-/search", "/-/search.csv") + "&page=2", lang="en")
    assert 'filename="search-page-2.csv"' in csv.headers["content-disposition"]
    atom_vi = get(site, SEARCH.replace("/-/search", "/-/search.atom")).text
    assert "<title>Tìm kiếm: ủy ban — Lưu trữ cổng thông tin</title>" in atom_vi


#: (arguments, Vietnamese message, English message): what the page says, word for word
BAD_INPUT = [
    (
        {"sort": "best"},
        "Cách sắp xếp “best” không có: chỉ có sort=relevance (phù hợp nhất) hoặc sort=date "
        "(mới nhất).",
        "There is no order “best”: only sort=relevance (best match) or sort=date (newest).",
    ),
    (
        {"month": "6"},
        "Lọc theo tháng cần cả năm (ví dụ year=2022&month=6).",
        "Filtering by month needs the year too (for example year=2022&month=6).",
    ),
    (
        {"from": "2022-06-30", "to": "2022-03-01"},
        "Khoảng ngày không hợp lệ: từ 30/06/2022 đến 01/03/2022 (ngày bắt đầu sau ngày kết thúc).",
        "Invalid date range: from 30/06/2022 to 01/03/2022 (the start is after the end).",
    ),
    (
        {"page": "abc"},
        "Số trang “abc” không hợp lệ: hãy dùng một số từ 1 trở lên.",
        "Page number “abc” is not valid: use a whole number from 1 up.",
    ),
    (
        {"page": "0"},
        "Số trang bắt đầu từ 1 (page=1 là trang đầu).",
        "Pages start at 1 (page=1 is the first page).",
    ),
    (
        {"page": "9" * 25},
        f"Số trang {'9' * 20} quá lớn: kết quả không có nhiều trang đến vậy.",
        f"Page number {'9' * 20} is too large: no search has that many pages.",
    ),
    (
        {"year": "1800"},
        "Năm “1800” không hợp lệ (year: từ 1900 đến 2100).",
        "Year “1800” is not valid (year: from 1900 to 2100).",
    ),
    (
        {"year": "2022", "month": "13"},
        "Tháng “13” không hợp lệ (month: từ 1 đến 12).",
        "Month “13” is not valid (month: from 1 to 12).",
    ),
    (
        {"changed": "yes"},
        "Giá trị “yes” của changed không hợp lệ: dùng 1 (có) hoặc 0 (không).",
        "The value “yes” of changed is not valid: use 1 (yes) or 0 (no).",
    ),
    (
        {"from": "02/06/2022"},
        "Từ ngày “02/06/2022” không hợp lệ: hãy viết theo dạng năm-tháng-ngày, ví dụ 2022-06-02.",
        "The start date “02/06/2022” is not valid: write it as year-month-day, for example "
        "2022-06-02.",
    ),
    (
        {"to": "2022-13-01"},
        "Đến ngày “2022-13-01” không hợp lệ: hãy viết theo dạng năm-tháng-ngày, ví dụ 2022-06-02.",
        "The end date “2022-13-01” is not valid: write it as year-month-day, for example "
        "2022-06-02.",
    ),
]


@pytest.mark.parametrize(("args", "vietnamese", "english"), BAD_INPUT)
def test_input_errors_in_both_languages(
    site: Site, args: dict, vietnamese: str, english: str
) -> None:
    with pytest.raises(SearchInputError) as raised:
        search_page.parse_params({"q": "uy ban", **args})
    assert str(raised.value) == raised.value.message == vietnamese  # logs and the CLI
    query = "&".join(f"{k}={quote(v)}" for k, v in {"q": "uy ban", **args}.items())
    for lang, expected in (("vi", vietnamese), ("en", english)):
        response = get(site, f"/-/search?{query}", lang=lang)
        assert response.status_code == raised.value.status == 400
        page = html.fromstring(response.text)
        assert page.xpath("//p[@class='sr-message']")[0].text == expected, lang
        assert page.get("lang") == lang
        data = get(site, f"/-/search.json?{query}", lang=lang).json()
        assert data == {"ok": False, "error": expected, "status": 400}


def test_every_input_error_key_has_both_languages_and_a_case() -> None:
    """Each ``input_*`` key of the catalogue has its Vietnamese and English text with the same
    fields, and BAD_INPUT above raises it; a key written in archive/search_page.py is in the
    catalogue (else raising it would fail with KeyError, not answer the reader)."""
    keys = {key for key in search_text.TEXT if key.startswith("input_")}
    for key in keys:
        vietnamese, english = search_text.TEXT[key]
        assert vietnamese.strip() and english.strip(), key
        assert not VIETNAMESE_LETTERS.search(english), key
        assert sorted(re.findall(r"\{\w+\}", vietnamese)) == sorted(
            re.findall(r"\{\w+\}", english)
        ), key
    raised = set()
    for args, _, _ in BAD_INPUT:
        with pytest.raises(SearchInputError) as error:
            search_page.parse_params({"q": "x", **args})
        raised.add(error.value.key)
    assert raised == keys
    source = Path(search_page.__file__).read_text(encoding="utf-8")
    assert source.count("raise SearchInputError(") <= len(BAD_INPUT)
    written = set(re.findall(r"SearchInputError\(\s*\"(\w+)\"", source))
    assert written and written <= keys, written - keys
    with pytest.raises(KeyError):
        SearchInputError("input_no_such_key")


def test_other_answers_in_english(site: Site) -> None:
    no_word = (
        '“"” has no word to search for (only punctuation, symbols or emoji). Type at least '
        "one word with letters or digits."
    )
    no_format = "The search page has no “.xml” format: use .json, .csv or .atom."
    cases = [
        ("/-/search.xml?q=uy", 404, no_format),
        ("/-/search?q=%22", 400, no_word),
        ("/-/search?q=uy&page=99", 404, None),
    ]  # fmt: skip
    for path, status, expected in cases:
        response = get(site, path, lang="en")
        assert response.status_code == status, path
        page = html.fromstring(response.text)
        message = page.xpath("//p[@class='sr-message']")[0].text
        if expected:
            assert message == expected
        else:
            assert re.fullmatch(
                r"There is no page 99: the results have \d+ page\(s\) only\.", message
            )
            assert page.xpath("//p/a/text()")[0].startswith("Go to the last page")
        assert page.xpath("//title")[0].text.endswith("— cannot answer")
        assert not VIETNAMESE_LETTERS.search(message.replace("ủy", ""))


def test_catalogue_has_both_languages_and_templates_use_known_keys() -> None:
    from archive import site_config

    for key, (vietnamese, english) in search_text.TEXT.items():
        assert vietnamese.strip() and english.strip(), key
        assert re.findall(r"\{\w+\}", vietnamese) == re.findall(r"\{\w+\}", english) or key in (
            "month",
            "filter_month",
        ), key
    used = set()
    for name in ("search_results.html", "search_form.html", "search_error.html"):
        source = (site_config.TEMPLATES_DIR / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bst\(["'](\w+)["']""", source))
        assert not VIETNAMESE_LETTERS.search(source), name  # every word from the catalogue
    assert used and used <= set(search_text.TEXT), used - set(search_text.TEXT)
