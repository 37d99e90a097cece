"""Extraction on fixture pages written for these tests (tests/fixtures/pages)."""

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

from portal_spider.extract import extract_page

PAGES = Path(__file__).parent / "fixtures" / "pages"
ARTICLE_URL = "http://mau.example.vn/tin-tuc/phuong-7-ra-quan-501.html"


def _extract(name: str, url: str):
    return extract_page((PAGES / name).read_bytes(), url)


def test_article_fields() -> None:
    record = _extract("article_figure.html", ARTICLE_URL)
    assert record.kind == "article"
    assert record.platform == "demo"
    assert record.title == "Phường 7 ra quân làm sạch kênh thủy lợi"
    assert record.published_at == "2022-05-09T07:45:00+07:00"
    assert record.summary.startswith("Sáng 8/5, UBND Phường 7")
    assert record.author == "Lê Minh Hoà"
    assert [(i.url, i.caption) for i in record.images] == [
        ("http://mau.example.vn/images/501-1.png", "Lực lượng đoàn viên nạo vét kênh"),
        ("http://mau.example.vn/images/501-2.png", "Người dân khóm 4 thu gom lục bình"),
    ]
    assert [(a.url, a.title) for a in record.attachments] == [
        ("http://mau.example.vn/files/501/ke-hoach-nao-vet.pdf", "Kế hoạch nạo vét kênh năm 2022")
    ]
    assert record.visitor_counter == {
        "online": 61,
        "today": 2579,
        "this_week": 33715,
        "total": 1448808,
    }


def test_article_body_has_paragraphs_only() -> None:
    body = _extract("article_figure.html", ARTICLE_URL).body_text
    paragraphs = body.split("\n\n")
    assert paragraphs[0].startswith("Tham gia buổi ra quân")
    assert paragraphs[-1] == "Dịp này, Uỷ ban MTTQ phường trao 20 phần quà cho hộ khó khăn."
    assert len(paragraphs) == 3
    for leak in (
        "Tin, ảnh",  # byline goes to author
        "Lực lượng đoàn viên",  # captions go to images
        "thu gom lục bình",
        "Lượt xem",
        "CÁC BÀI VIẾT KHÁC",
        "Tin mới",
        "Thống kê",
        "Giấy phép",
        "Trang chủ",
        "tracking",
    ):
        assert leak not in body


def test_listing_links_in_order_and_next_page() -> None:
    url = "http://mau.example.vn/tin-tuc/?page=2"
    record = _extract("listing_numbered.html", url)
    assert record.kind == "listing"
    assert record.title == "Tin tức"
    assert record.links[0] == "http://mau.example.vn/tin-tuc/bai-01-110.html"
    assert record.links[2] == "http://mau.example.vn/tin-tuc/bai-03-108.html"
    assert [link.rsplit("-", 1)[1] for link in record.links] == [
        f"{n}.html" for n in range(110, 100, -1)
    ]
    assert record.next_page == "http://mau.example.vn/tin-tuc/?page=3"
    assert record.visitor_counter is None


def test_next_page_from_numbers_when_no_next_link() -> None:
    html = (PAGES / "listing_numbered.html").read_text(encoding="utf-8")
    html = html.replace('<a href="?page=3" class="next">Trang sau ›</a>', "")
    html = html.replace('<a href="?page=9">Cuối »</a>', "")
    record = extract_page(html, "http://mau.example.vn/tin-tuc/?page=2")
    assert record.next_page == "http://mau.example.vn/tin-tuc/?page=3"


def test_last_listing_page_has_no_next() -> None:
    html = (PAGES / "listing_numbered.html").read_text(encoding="utf-8")
    html = html.replace('<a href="?page=3">3</a>', "")
    html = html.replace('<a href="?page=3" class="next">Trang sau ›</a>', "")
    html = html.replace('<a href="?page=9">Cuối »</a>', "")
    assert extract_page(html, "http://mau.example.vn/tin-tuc/?page=2").next_page is None


def test_counter_sibling_spans_dot_separators_and_table_decoy() -> None:
    record = _extract("counter_variants.html", "http://mau.example.vn/")
    # The article's data table "Tổng | 45" must not displace the real counter block.
    assert record.visitor_counter == {"online": 27, "yesterday": 3104, "total": 4798812}


def test_counter_labels_in_th_numbers_in_td_and_view_count_ignored() -> None:
    record = _extract("counter_table.html", "http://mau.example.vn/")
    assert record.visitor_counter == {"this_week": 9840, "last_month": 41002, "total": 358920}


def test_other_page_kind() -> None:
    record = extract_page(
        b"<html><head><title>Gi\xe1\xbb\x9bi thi\xe1\xbb\x87u</title></head>"
        b"<body><p>Ng\xe1\xba\xafn.</p></body></html>",
        "http://x.vn/gioi-thieu",
    )
    assert record.kind == "other"
    assert record.title == "Giới thiệu"
    assert record.body_text is None and record.links == []


def test_windows_1258_page_is_decoded() -> None:
    # Windows-1258 writes tone marks as combining characters: "Văn hóa" is "Văn ho" + U+0301.
    html = '<html><head><meta charset="windows-1258"><title>Văn ho\u0301a</title></head></html>'
    record = extract_page(html.encode("cp1258"), "http://x.vn/")
    assert record.title == "Văn hóa"  # decoded and stored NFC


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal_spider", *args], capture_output=True, text=True, timeout=60
    )


def test_extract_cli_single_page_prints_the_record() -> None:
    result = _run_cli("extract", str(PAGES / "article_figure.html"), "--url", ARTICLE_URL)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == [
        "url", "kind", "platform", "title", "published_at", "updated_at", "author", "source",
        "summary", "body_text", "images", "attachments", "links", "next_page",
        "visitor_counter", "field_sources", "extraction_failed", "extractor_version",
    ]  # fmt: skip
    assert data["author"] == "Lê Minh Hoà"
    assert data["field_sources"]["body_text"] == "profile"
    assert data["field_sources"]["title"] == "profile"
    assert data["next_page"] is None
    assert all(value != "" for value in data.values())


def test_extract_cli_batch_keeps_input_order(tmp_path: Path) -> None:
    listing = tmp_path / "list.tsv"
    listing.write_text(
        f"{PAGES / 'listing_numbered.html'}\thttp://mau.example.vn/tin-tuc/?page=2\n"
        f"{PAGES / 'article_figure.html'}\t{ARTICLE_URL}\n"
        f"missing.html\thttp://mau.example.vn/missing\n"
        f"{PAGES / 'counter_table.html'}\thttp://mau.example.vn/\n",
        encoding="utf-8",
    )
    result = _run_cli("extract", "--batch", str(listing))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("kind") for line in lines] == ["listing", "article", None, "other"]
    assert "cannot read" in lines[2]["error"] and lines[2]["line"] == 3
    assert result.returncode == 1  # one line failed, and it says so


def test_extract_cli_usage_errors_exit_2() -> None:
    result = _run_cli("extract", str(PAGES / "article_figure.html"))
    assert result.returncode == 2
    assert "--url" in result.stderr
    result = _run_cli("extract", "/nonexistent/page.html", "--url", "http://x.vn/")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot read" in result.stderr


def _bare_article(head: str = "", date_line: str = "", lead: str = "") -> str:
    body = "<p>" + "Nội dung bài viết về công tác cải cách hành chính của phường. " * 6 + "</p>"
    return (
        f"<html><head><title>Tin</title>{head}</head><body><h1>Tiêu đề bài viết</h1>"
        f"<div class='date-news'>{date_line}</div><div class='sapo'>{lead}</div>"
        f"<div class='content-detail'>{body}</div></body></html>"
    )


def test_published_at_from_meta_is_shown_in_vietnam_time() -> None:
    head = '<meta property="article:published_time" content="2022-06-02T09:30:00Z">'
    record = extract_page(_bare_article(head=head), "https://x.example.gov.vn/tin/a-1")
    assert record.published_at == "2022-06-02T16:30:00+07:00"


def test_published_at_from_a_sharepoint_url_when_the_page_has_no_date_line() -> None:
    url = "https://x.example.gov.vn/portal/Pages/2020-11-3/Ra-quan-ve-sinh-moi-truong-cgc20c.aspx"
    assert extract_page(_bare_article(), url).published_at == "2020-11-03"


def test_published_at_from_the_lead_with_the_year_from_the_url() -> None:
    lead = "Ngày 02/6, Ủy ban nhân dân phường tổ chức hội nghị."
    url = "https://x.example.gov.vn/2022/06/hoi-nghi-phuong.html"
    assert extract_page(_bare_article(lead=lead), url).published_at == "2022-06-02"
    assert (
        extract_page(_bare_article(lead=lead), "https://x.example.gov.vn/hn").published_at is None
    )


def test_header_clock_is_not_the_article_date() -> None:
    """A date-only weekday line above the headline is the header's clock (today); the same
    form under the headline is the article's date (old ASP.NET portals print it there)."""
    html = _bare_article(date_line="Thứ Tư, 3 tháng 12, 2025")
    above = html.replace("<h1>", "<div class='header-date'>Thứ Tư, 3 tháng 12, 2025</div><h1>")
    above = above.replace("<div class='date-news'>Thứ Tư, 3 tháng 12, 2025</div>", "")
    assert extract_page(above, "https://x.example.gov.vn/tin/a-1").published_at is None
    assert extract_page(html, "https://x.example.gov.vn/tin/a-1").published_at == "2025-12-03"


def test_decomposed_page_gives_the_same_nfc_record() -> None:
    """Real portals serve NFD text; the record must be the same as for the NFC page."""
    html = (PAGES / "article_figure.html").read_text(encoding="utf-8")
    nfc = extract_page(html, ARTICLE_URL).to_dict()
    nfd = extract_page(unicodedata.normalize("NFD", html), ARTICLE_URL).to_dict()
    assert nfd == nfc
    assert nfd["visitor_counter"]["total"] == 1448808
    assert nfd["published_at"] == "2022-05-09T07:45:00+07:00"


def test_attachments_by_download_cue_and_invisible_characters_removed() -> None:
    body = (
        "<p>Ủy ban nhân dân\u200b phường ban hành kế hoạch tổ chức\u00ad Ngày hội Đại đoàn "
        "kết toàn dân tộc năm 2024 tại các khu dân cư trên địa bàn.</p>"
        * 3
        + '<p><a href="/Download.aspx?id=8841">Tải về</a> kế hoạch chi tiết.</p>'
        + '<p><a href="/tin-tuc/bai-khac.html">Bài khác</a></p>'
    )
    html = f"<html><body><h1>Kế hoạch</h1><div class='content-detail'>{body}</div></body></html>"
    record = extract_page(html, "https://x.example.gov.vn/tin-tuc/ke-hoach-1.html")
    assert [(a.url, a.title) for a in record.attachments] == [
        ("https://x.example.gov.vn/Download.aspx?id=8841", "Tải về")
    ]
    assert "\u200b" not in record.body_text and "\u00ad" not in record.body_text
    assert "Ủy ban nhân dân phường ban hành kế hoạch tổ chức Ngày hội" in record.body_text
