"""Side boxes that the generic main text reads with the article, on a theme whose class
names say nothing (fallback.cut_dated_link_lists). All text is ours."""

from __future__ import annotations

from portal_spider.extract import extract_page
from portal_spider.extract.document import parse_document
from portal_spider.extract.fallback import cut_dated_link_lists

URL = "https://xaanbinh.example.gov.vn/tin-tuc/xa-an-binh-ra-quan-lam-duong-giao-thong-nong-thon-1234.html"

_PARAGRAPHS = [
    "Sáng 5/3, Ủy ban nhân dân xã An Bình tổ chức lễ ra quân làm đường giao thông nông "
    "thôn năm 2024 với sự tham gia của hơn 400 đoàn viên, hội viên và người dân ở 9 thôn.",
    "Theo kế hoạch, trong năm nay xã sẽ cứng hóa thêm 6,5 km đường trục thôn và đường ngõ "
    "xóm, trong đó Nhân dân hiến hơn 3.000 mét vuông đất và đóng góp ngày công lao động. "
    "Các thôn Đông, Tây và Trung được chọn làm trước vì có tỷ lệ đường đất còn cao nhất xã.",
    "Phát biểu tại buổi lễ, Chủ tịch Ủy ban nhân dân xã đề nghị các thôn công khai mức đóng "
    "góp, giám sát chất lượng từng đoạn đường và hoàn thành phần việc trước mùa mưa bão. "
    "Ban Giám sát đầu tư của cộng đồng sẽ kiểm tra hằng tháng và báo cáo kết quả với xã.",
]


def _page(side: str, *, side_first: bool = False) -> str:
    article = "".join(f'<p style="text-align: justify;">{p}</p>' for p in _PARAGRAPHS)
    article += '<p style="text-align: right;"><strong>Lê Minh Khoa</strong></p>'
    headline = "Xã An Bình ra quân làm đường giao thông nông thôn"
    main = f'<div class="q1"><h1 class="q2">{headline}</h1><div class="q3">{article}</div></div>'
    columns = side + main if side_first else main + side
    return (
        "<html><head><meta charset='utf-8'><title>Xã An Bình ra quân làm đường</title></head>"
        f"<body><div class='q9'>{columns}</div></body></html>"
    )


# A "new documents" box: the link is the document's number; its title and date sit beside it.
_DOCUMENTS = (
    '<div class="q5"><h2 class="q6">Văn bản mới</h2><ul class="q7">'
    '<li><a href="/van-ban/11">11/KH-UBND</a>'
    "<p>Kế hoạch trồng cây xanh trên các tuyến đường trục xã</p>"
    "<span>Ngày ban hành: 01/03/2024</span></li>"
    '<li><a href="/van-ban/12">12/TB-UBND</a>'
    "<p>Thông báo lịch tiếp công dân của Chủ tịch xã tháng 3</p>"
    "<span>Ngày ban hành: 28/02/2024</span></li>"
    '<li><a href="/van-ban/13">13/QĐ-UBND</a>'
    "<p>Quyết định thành lập tổ giám sát công trình thôn Đông</p>"
    "<span>Ngày ban hành: 26/02/2024</span></li>"
    "</ul></div>"
)
# A "latest news" box: headline links with their dates.
_NEWS = (
    '<div class="q5"><h2 class="q6">Tin mới</h2><ul class="q7">'
    '<li><a href="/tin-tuc/a-1.html">'
    "Hội Nông dân xã tập huấn kỹ thuật trồng lúa hữu cơ</a> (04/03/2024)</li>"
    '<li><a href="/tin-tuc/b-2.html">'
    "Trường Tiểu học An Bình tổ chức ngày hội đọc sách</a> (02/03/2024)</li>"
    '<li><a href="/tin-tuc/c-3.html">'
    "Xã An Bình tổng kết công tác dân số năm 2023</a> (29/02/2024)</li>"
    "</ul></div>"
)
_POLL = "<div class='q8'><p>Bạn thường đọc tin của xã qua kênh nào?</p></div>"


def test_document_box_after_the_article_is_cut_and_the_signature_found() -> None:
    record = extract_page(_page(_DOCUMENTS + _POLL), URL)
    assert record.kind == "article"
    assert "Ban Giám sát đầu tư" in record.body_text
    for leak in ("Kế hoạch trồng cây xanh", "Thông báo lịch tiếp công dân", "qua kênh nào"):
        assert leak not in record.body_text
    assert record.author == "Lê Minh Khoa"


def test_news_box_after_the_article_is_cut() -> None:
    record = extract_page(_page(_NEWS), URL)
    assert "Ban Giám sát đầu tư" in record.body_text
    assert "tập huấn kỹ thuật trồng lúa" not in record.body_text
    assert record.author == "Lê Minh Khoa"


def test_a_box_printed_before_the_article_drops_only_its_entries() -> None:
    doc = parse_document(_page(_NEWS, side_first=True), URL)
    entries = [
        "- Hội Nông dân xã tập huấn kỹ thuật trồng lúa hữu cơ (04/03/2024)",
        "- Trường Tiểu học An Bình tổ chức ngày hội đọc sách (02/03/2024)",
    ]
    assert cut_dated_link_lists([*entries, *_PARAGRAPHS], doc) == _PARAGRAPHS


def test_dated_lines_of_the_article_itself_are_kept() -> None:
    """Dates closing lines of the text (a timetable) are not a box: no link holds them."""
    lines = [
        *_PARAGRAPHS,
        "- Đợt 1: đường trục thôn Đông, khởi công ngày 10/03/2024",
        "- Đợt 2: đường ngõ xóm thôn Tây, khởi công ngày 15/04/2024",
    ]
    doc = parse_document(_page(_NEWS), URL)
    assert cut_dated_link_lists(lines, doc) == lines


def test_a_single_dated_link_is_not_a_box() -> None:
    lines = [*_PARAGRAPHS, "- Hội Nông dân xã tập huấn kỹ thuật trồng lúa hữu cơ (04/03/2024)"]
    doc = parse_document(_page(_NEWS), URL)
    assert cut_dated_link_lists(lines, doc) == lines


def test_stamps_after_short_teasers_are_a_listing() -> None:
    """Teasers whose sapos are shorter than a paragraph, each followed by its weekday stamp
    with a time: a listing's text, not an article's."""
    from portal_spider.extract.fallback import _has_teaser_stamps

    teasers = [
        "Cuộc họp bàn phương án di dời các hộ dân ở vùng có nguy cơ sạt lở trong mùa mưa.",
        "- Thứ ba, 24/10/2023 12:35",
        "Hội thảo bàn cách đưa sản phẩm OCOP của xã lên các sàn thương mại điện tử lớn.",
        "- Thứ hai, 23/10/2023 16:00",
        "Đoàn kiểm tra yêu cầu dừng thi công 3 công trình xây dựng không phép trên địa bàn.",
    ]
    assert _has_teaser_stamps(teasers)
    # With a metadata line between stamp and sapo ("Phản hồi: 0").
    assert _has_teaser_stamps([teasers[1], "- Phản hồi: 0", teasers[0], teasers[3], teasers[4]])
    # An article's two date lines stand together under the headline.
    dated = [teasers[0], "Ngày đăng: 23/10/2023 08:10", "Cập nhật: 24/10/2023 09:30"]
    assert not _has_teaser_stamps([*dated, teasers[2], teasers[4]])
    # An article: headline, its date line (once), the text.
    article = [teasers[0], teasers[1], *_PARAGRAPHS]
    assert not _has_teaser_stamps(article)
    # A week's schedule: day headings without a time are not teaser stamps.
    schedule = [
        "Thứ Hai, 23/10/2023",
        "Sáng: Chủ tịch UBND xã dự họp giao ban với các thôn về kế hoạch thu hoạch lúa mùa.",
        "Thứ Ba, 24/10/2023",
        "Chiều: Phó Chủ tịch UBND xã kiểm tra tiến độ làm đường giao thông nông thôn thôn Đông.",
        "Thứ Tư, 25/10/2023",
    ]
    assert not _has_teaser_stamps(schedule)
