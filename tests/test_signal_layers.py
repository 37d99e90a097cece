"""Each signal layer on its own (signals/ and choose.py), on small pages written here."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal_spider.extract import extract_page, parse_document
from portal_spider.extract.choose import choose_dates, choose_title, valid_title
from portal_spider.extract.fallback import poll_texts, postprocess
from portal_spider.extract.signals import Candidate
from portal_spider.extract.signals.lines import (
    date_candidates,
    find_headline,
    site_names,
    split_bylines,
    summary_between,
    title_tag_heading,
)
from portal_spider.extract.signals.main_text import densest_body
from portal_spider.extract.signals.structured import structured_candidates
from portal_spider.extract.text import fold_label

URL = "https://xa-mau.example.gov.vn/tin-tuc/hoi-nghi-so-ket-123.html"
CAPTURED = datetime(2025, 1, 1, tzinfo=UTC)
PARAGRAPH = (
    "Ủy ban nhân dân xã tổ chức hội nghị sơ kết công tác cải cách hành chính, đánh giá kết "
    "quả sáu tháng đầu năm và đề ra nhiệm vụ trọng tâm cho những tháng còn lại của năm. "
)


def _values(candidates: list[Candidate], field: str) -> list[object]:
    return [c.value for c in candidates if c.field == field]


# --- structured ---------------------------------------------------------------------------


def test_json_ld_news_article_in_a_graph() -> None:
    html = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Cổng thông tin xã Mẫu"},
      {"@type": "NewsArticle", "headline": "Xã Mẫu sơ kết cải cách hành chính",
       "datePublished": "2024-07-02T08:15:00+07:00", "dateModified": "2024-07-03T01:00:00Z",
       "author": [{"@type": "Person", "name": "Lê Văn An"}], "description": "Lời dẫn."}
    ]}</script></head><body><p>x</p></body></html>"""
    found = structured_candidates(parse_document(html, URL))
    assert _values(found, "title") == ["Xã Mẫu sơ kết cải cách hành chính"]
    assert _values(found, "published_at") == ["2024-07-02T08:15:00+07:00"]
    assert _values(found, "updated_at") == ["2024-07-03T08:00:00+07:00"]
    assert _values(found, "author") == ["Lê Văn An"]
    assert all(c.layer == "structured" for c in found)


def test_broken_json_ld_is_ignored_and_meta_still_read() -> None:
    html = """<html><head><script type="application/ld+json">{"@type": "NewsArticle",}</script>
    <meta property="og:title" content="Tiêu đề từ OpenGraph">
    <meta property="article:published_time" content="2024-01-31+0714:05:00">
    <meta name="DC.creator" content="Trần Thị Bình"></head><body></body></html>"""
    found = structured_candidates(parse_document(html, URL))
    assert _values(found, "title") == ["Tiêu đề từ OpenGraph"]
    assert _values(found, "published_at") == ["2024-01-31T14:05:00+07:00"]
    assert _values(found, "author") == ["Trần Thị Bình"]


def test_microdata_in_the_body() -> None:
    html = """<html><body><article itemscope itemtype="https://schema.org/Article">
    <h1 itemprop="headline">Tiêu đề theo microdata</h1>
    <time itemprop="datePublished" datetime="2024-11-20T07:30:00+07:00">20/11/2024</time>
    <span itemprop="author" itemscope><span itemprop="name">Phạm Minh</span></span>
    </article></body></html>"""
    found = structured_candidates(parse_document(html, URL))
    assert _values(found, "title") == ["Tiêu đề theo microdata"]
    assert _values(found, "published_at") == ["2024-11-20T07:30:00+07:00"]
    assert _values(found, "author") == ["Phạm Minh"]


def test_author_urls_are_not_names() -> None:
    html = '<html><head><meta property="article:author" content="https://fb.com/x"></head></html>'
    assert _values(structured_candidates(parse_document(html, URL)), "author") == []


# --- lines --------------------------------------------------------------------------------

PAGE = f"""<html><head><title>Xã Mẫu sơ kết cải cách hành chính - Cổng TTĐT xã Mẫu</title>
</head><body>
<div class="k1"><div class="k2">Thứ Tư, 3 tháng 12, 2025</div></div>
<div class="k3"><div class="k4">Xã Mẫu sơ kết cải cách hành chính</div>
<div class="k5">Ngày đăng: 02/07/2024 08:15 | Cập nhật: 03/07/2024 10:00</div>
<div class="k6">Sáng 2/7, xã Mẫu sơ kết sáu tháng thực hiện cải cách hành chính.</div>
<div class="k7"><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p><p><b>Tin, ảnh: Ngọc Lan</b></p></div>
</div>
<div class="k8"><h3>Tin mới</h3><p>Hội nghị khác 03/12/2025</p></div>
</body></html>"""


def test_title_tag_heading_and_site_names() -> None:
    doc = parse_document(PAGE, URL)
    assert title_tag_heading(doc) == "Xã Mẫu sơ kết cải cách hành chính"
    assert site_names(doc) == {"cổng ttđt xã mẫu"}


def test_headline_found_without_class_names_or_h1() -> None:
    doc = parse_document(PAGE, URL)
    found = find_headline(doc, [title_tag_heading(doc)])
    assert found is not None
    text, element = found
    assert text == "Xã Mẫu sơ kết cải cách hành chính"
    assert element.get("class") == "k4"


def test_date_line_under_the_headline_not_the_header_clock() -> None:
    doc = parse_document(PAGE, URL)
    _, headline = find_headline(doc, [title_tag_heading(doc)])
    found = date_candidates(doc, headline, None, PARAGRAPH)
    assert [(c.field, c.value) for c in found] == [
        ("published_line", "2024-07-02T08:15:00+07:00"),
        ("updated_line", "2024-07-03T10:00:00+07:00"),
    ]
    published, _ = choose_dates(found, URL, CAPTURED)
    assert published == ("2024-07-02T08:15:00+07:00", "lines")


def test_updated_line_is_kept_apart() -> None:
    html = PAGE.replace("Ngày đăng: 02/07/2024 08:15 | ", "")
    doc = parse_document(html, URL)
    _, headline = find_headline(doc, [title_tag_heading(doc)])
    found = date_candidates(doc, headline, None, PARAGRAPH)
    assert [(c.field, c.value) for c in found] == [("updated_line", "2024-07-03T10:00:00+07:00")]


def test_lead_between_headline_and_body() -> None:
    doc = parse_document(PAGE, URL)
    _, headline = find_headline(doc, [title_tag_heading(doc)])
    body = doc.root.find(".//div[@class='k7']")
    lead = summary_between(headline, PARAGRAPH, body)
    assert lead is not None
    assert lead.value == "Sáng 2/7, xã Mẫu sơ kết sáu tháng thực hiện cải cách hành chính."


@pytest.mark.parametrize(
    ("block", "is_lead"),
    [
        # A photo header that prints the headline again (a carousel, an audio player).
        (
            '<div class="k6"><img src="/a.jpg"><div>Ảnh: Minh Tâm. Cán bộ xã tiếp nhận hồ sơ '
            "tại bộ phận một cửa.</div><div>Xã Mẫu sơ kết cải cách hành chính</div></div>",
            False,
        ),
        # A lead that restates the headline's words in its sentence is still the lead.
        (
            '<div class="k6">Sáng 2/7, Xã Mẫu sơ kết cải cách hành chính sáu tháng đầu năm '
            "với sự tham dự của các ban, ngành.</div>",
            True,
        ),
    ],
)
def test_a_box_repeating_the_headline_is_not_the_lead(block: str, is_lead: bool) -> None:
    html = (
        "<html><head><title>Xã Mẫu sơ kết cải cách hành chính - Cổng TTĐT xã Mẫu</title></head>"
        f'<body><div class="k3"><h1>Xã Mẫu sơ kết cải cách hành chính</h1>{block}'
        f'<div class="k7"><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></div></div></body></html>'
    )
    doc = parse_document(html, URL)
    _, headline = find_headline(doc, [title_tag_heading(doc)])
    lead = summary_between(headline, PARAGRAPH, doc.root.find(".//div[@class='k7']"))
    assert (lead is not None) is is_lead


def test_bylines_and_sources_leave_the_body() -> None:
    author, source, rest = split_bylines(["Nội dung.", "Tin, ảnh: Ngọc Lan", "Nguồn: Báo Mẫu"])
    assert (author, source, rest) == ("Ngọc Lan", "Báo Mẫu", ["Nội dung."])
    author, source, rest = split_bylines(["Nội dung.", "Viết bởi Quản trị viên"])
    assert (author, source, rest) == (None, None, ["Nội dung."])  # a CMS account is no author


# --- main text: the densest block ------------------------------------------------------------


def test_densest_block_is_the_article_not_the_sidebar() -> None:
    doc = parse_document(PAGE, URL)
    body = densest_body(doc)
    assert body is not None
    assert body.element.get("class") == "k7"  # the paragraphs' box, not "Tin mới"
    assert PARAGRAPH.strip() in body.paragraphs


def test_densest_block_is_not_split_by_wrapper_divs() -> None:
    """Every paragraph in its own stack of bare divs (a page builder, a re-theme): the
    paragraphs still score their common box, not one wrapper each."""
    wrapped = "".join(
        f"<div><div><p>{i}. {PARAGRAPH}</p></div></div>"
        if i % 2
        else f"<div><p>{PARAGRAPH}</p></div>"
        for i in range(4)
    )
    html = (
        f'<html><body><div class="side"><p>{PARAGRAPH[:90]} bên lề.</p></div>'
        f'<div class="k9">{wrapped}</div></body></html>'
    )
    body = densest_body(parse_document(html, URL))
    assert body is not None and body.element.get("class") == "k9"
    assert len(body.paragraphs) == 4


def test_one_cell_table_rows_are_not_wrappers() -> None:
    """A layout table's rows stay separate blocks: the article's row wins, not the table
    with the breadcrumb and the other-news rows."""
    html = (
        "<html><body><table>"
        "<tr><td>Trang chủ » Tin tức - Sự kiện của xã Mẫu trong tháng này</td></tr>"
        f'<tr><td class="k3"><span><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></span></td></tr>'
        "<tr><td>Các tin khác: hội nghị tổng kết công tác dân vận năm 2024 của xã</td></tr>"
        "</table></body></html>"
    )
    body = densest_body(parse_document(html, URL))
    assert body is not None and body.element.tag != "table"
    assert not any("Trang chủ" in p for p in body.paragraphs)


_POLL = (
    '<div class="q1"><div>Thăm dò ý kiến</div><p>Bạn đánh giá thế nào về dịch vụ công của xã?</p>'
    '<input type="radio" name="v" value="1"> Hài lòng<br>'
    '<input type="radio" name="v" value="2"> Chưa hài lòng<br><a href="#">Bình chọn</a></div>'
)


def test_poll_texts_are_found_by_their_choices() -> None:
    doc = parse_document(f"<html><body>{_POLL}<p>{PARAGRAPH}</p></body></html>", URL)
    found = poll_texts(doc.root)
    assert fold_label("Bạn đánh giá thế nào về dịch vụ công của xã?") in found
    assert fold_label("Hài lòng") in found
    assert fold_label(PARAGRAPH) not in found  # the article next to it is not the widget


def test_a_poll_read_with_the_text_leaves_it() -> None:
    """A left column printed first puts the poll's question above the text, where generic
    extraction may keep it (end to end: the SharePoint perturbation cases)."""
    doc = parse_document(f"<html><body>{_POLL}<p>{PARAGRAPH}</p></body></html>", URL)
    question = "Bạn đánh giá thế nào về dịch vụ công của xã?"
    found = postprocess([question, PARAGRAPH.strip()], captions=poll_texts(doc.root), min_chars=40)
    assert found is not None and found.paragraphs == [PARAGRAPH.strip()]


# --- choose -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "ok"),
    [
        ("Xã Mẫu sơ kết cải cách hành chính", True),
        ("Tin tức", False),  # a section label
        ("Cổng TTĐT xã Mẫu", False),  # the site's name
        ("Ngắn", False),
    ],
)
def test_valid_title(title: str, ok: bool) -> None:
    assert valid_title(title, {"cổng ttđt xã mẫu"}) is ok


def test_title_precedence_skips_invalid_candidates() -> None:
    candidates = [
        Candidate("title", "Tin tức", "profile"),
        Candidate("title", "Xã Mẫu sơ kết cải cách hành chính", "lines"),
        Candidate("title", "Xã Mẫu sơ kết - Cổng TTĐT", "title_tag"),
    ]
    assert choose_title(candidates, set()) == ("Xã Mẫu sơ kết cải cách hành chính", "lines")


def test_dates_future_and_ancient_values_are_rejected() -> None:
    candidates = [
        Candidate("published_at", "2031-01-01", "structured"),
        Candidate("published_line", "1990-05-05", "lines"),
        Candidate("published_line", "2024-07-02", "lines"),
    ]
    published, _ = choose_dates(candidates, URL, CAPTURED)
    assert published == ("2024-07-02", "lines")


def test_date_only_meta_takes_the_visible_time() -> None:
    candidates = [
        Candidate("published_at", "2024-07-02", "structured"),
        Candidate("published_line", "2024-07-02T08:15:00+07:00", "lines"),
    ]
    assert choose_dates(candidates, URL, CAPTURED)[0] == ("2024-07-02T08:15:00+07:00", "lines")


def test_generation_stamp_loses_to_the_visible_day() -> None:
    captured = datetime(2024, 7, 10, 5, 0, tzinfo=UTC)
    candidates = [
        Candidate("published_at", "2024-07-10T09:00:00+07:00", "structured"),
        Candidate("published_line", "2024-07-02T08:15:00+07:00", "lines"),
    ]
    assert choose_dates(candidates, URL, captured)[0] == ("2024-07-02T08:15:00+07:00", "lines")


# --- the whole cascade --------------------------------------------------------------------


def test_field_sources_say_which_layer_gave_each_field() -> None:
    record = extract_page(PAGE, URL, expect="article", captured_at=CAPTURED)
    assert record.kind == "article"
    assert record.title == "Xã Mẫu sơ kết cải cách hành chính"
    assert record.published_at == "2024-07-02T08:15:00+07:00"
    assert record.updated_at == "2024-07-03T10:00:00+07:00"
    assert record.author == "Ngọc Lan"
    assert record.field_sources["published_at"] == "lines"
    assert record.field_sources["author"] == "lines"
    assert record.field_sources["body_text"] == "main_text"
    assert "Tin mới" not in (record.body_text or "")


def test_capture_time_bounds_dates() -> None:
    """Re-reading an old capture: a date after the capture time is not the article's."""
    early = datetime(2024, 7, 1, tzinfo=UTC)
    record = extract_page(PAGE, URL, expect="article", captured_at=early)
    assert record.published_at is None or record.published_at < "2024-07-01"


def test_unreadable_expected_article_is_flagged_not_lost() -> None:
    html = (
        "<html><head><title>Thông báo lịch tiếp dân - Cổng TTĐT</title></head><body></body></html>"
    )
    record = extract_page(html, URL, expect="article")
    assert record.kind == "article"
    assert record.extraction_failed == "no_body"
    assert record.title == "Thông báo lịch tiếp dân"
    assert extract_page(html, URL).kind == "other"  # without the crawl's context


def test_removal_notice_is_positive_evidence() -> None:
    html = (
        "<html><body><h1>Thông báo</h1><p>Bài viết không tồn tại hoặc đã bị xóa.</p></body></html>"
    )
    record = extract_page(html, URL, expect="article")
    assert record.kind == "other"
    assert record.removal_notice


# --- the <title>'s site name, told by its wording (not by being the shorter part) ---------

_SHORT_HEADLINE_PAGE = """<html><head><title>{title}</title>{meta}</head><body>
<div class="k1"><a href="/">Cổng thông tin điện tử huyện Bình Lộc</a></div>
<h1 class="k2">Khánh thành cầu treo bản Nà</h1><div class="k3">Thứ Hai, 04/03/2024 09:10</div>
<div class="k4"><p>{paragraph}</p><p>{paragraph}</p></div></body></html>"""


@pytest.mark.parametrize(
    ("title", "meta", "heading", "names"),
    [
        # The headline shorter than the portal's name, either side of it.
        ("Khánh thành cầu treo bản Nà - Cổng thông tin điện tử huyện Bình Lộc", "",
         "Khánh thành cầu treo bản Nà", {"cổng thông tin điện tử huyện bình lộc"}),
        ("CỔNG TTĐT HUYỆN BÌNH LỘC | Khánh thành cầu treo bản Nà", "",
         "Khánh thành cầu treo bản Nà", {"cổng ttđt huyện bình lộc"}),
        # Named by og:site_name, whatever its wording; the headline keeps its own dash.
        ("Văn hóa - Xã hội: khánh thành cầu treo - Bình Lộc ngày nay",
         '<meta property="og:site_name" content="Bình Lộc ngày nay">',
         "Văn hóa - Xã hội: khánh thành cầu treo", {"bình lộc ngày nay"}),
        # Nothing reads as a name: the shorter side is the name, as before.
        ("Khánh thành cầu treo bản Nà giữa mùa lũ - Bình Lộc", "",
         "Khánh thành cầu treo bản Nà giữa mùa lũ", {"bình lộc"}),
    ],
)  # fmt: skip
def test_title_site_name_is_told_by_its_wording(
    title: str, meta: str, heading: str, names: set[str]
) -> None:
    doc = parse_document(
        _SHORT_HEADLINE_PAGE.format(title=title, meta=meta, paragraph=PARAGRAPH), URL
    )
    assert title_tag_heading(doc) == heading
    assert site_names(doc) == names


def test_a_headline_shorter_than_the_portal_name_is_the_title() -> None:
    html = _SHORT_HEADLINE_PAGE.format(
        title="Khánh thành cầu treo bản Nà - Cổng thông tin điện tử huyện Bình Lộc",
        meta="",
        paragraph=PARAGRAPH,
    )
    record = extract_page(html, URL, expect="article", captured_at=CAPTURED)
    assert record.title == "Khánh thành cầu treo bản Nà"
    assert record.published_at == "2024-03-04T09:10:00+07:00"


# --- bylines after the body stop where the article does ------------------------------------

_AFTER_BODY = """<html><head><title>Nạo vét kênh mương nội đồng</title></head><body>
<div class="k1"><h1>Nạo vét kênh mương nội đồng</h1><div>Thứ Ba, 05/03/2024 08:00</div>
<div class="k2"><p>{paragraph}</p><p>{paragraph}</p></div>{after}</div>
<div class="k5"><h3>Tin xem nhiều</h3><ul><li><a href="/tin/cay-lua-123.html">Cấy lúa
xuân đúng khung thời vụ trên toàn huyện</a></li></ul></div>
<div class="k6"><ul><li><a href="/kinh-te-xa-hoi">Kinh tế - Xã hội</a></li>
<li><a href="/lien-he">Liên hệ</a></li></ul><p>Trần Văn Hậu</p></div>
</body></html>"""


@pytest.mark.parametrize(
    ("after", "author"),
    [
        ("", None),  # a menu link and a name past the sidebar's heading: not bylines
        ('<p class="k3">Tác giả bài viết: Lò Thị Mai</p>', "Lò Thị Mai"),
        ('<p class="k3"><b>Hoàng Vũ - Phước Lập</b></p>', "Hoàng Vũ - Phước Lập"),
    ],
)
def test_byline_after_the_body_never_from_the_next_box(after: str, author: str | None) -> None:
    html = _AFTER_BODY.format(paragraph=PARAGRAPH, after=after)
    record = extract_page(html, URL, expect="article", captured_at=CAPTURED)
    assert record.kind == "article"
    assert record.author == author
