"""Rules that read a page whose theme renamed every class and id: the lead beside a
container that also holds the headline, and file-type icons among the images. Our text."""

from __future__ import annotations

import pytest

from portal_spider.extract.document import parse_document
from portal_spider.extract.signals.lines import summary_between
from portal_spider.extract.signals.main_text import is_icon_file

URL = "https://xaanbinh.example.gov.vn/tin-tuc/hoi-nghi-ra-mat-to-cong-nghe-so-5678.html"
LEAD = (
    "Chiều 14/6, Ủy ban nhân dân xã An Bình ra mắt 9 tổ công nghệ số cộng đồng và tập huấn "
    "cho các thành viên cách hướng dẫn người dân nộp hồ sơ trực tuyến."
)
FIRST = (
    "Mỗi tổ có từ 5 đến 7 người, gồm trưởng thôn, công an viên và đoàn viên thanh niên am hiểu "
    "công nghệ, hỗ trợ người dân tại nhà văn hóa thôn vào tối thứ Năm hằng tuần."
)
PAGE = f"""<html><head><meta charset="utf-8"><title>Tin</title></head><body>
<div class="x1"><p>Trang chủ</p></div>
<article class="x2">
  <h1 class="x3">Xã An Bình ra mắt tổ công nghệ số cộng đồng</h1>
  <div class="x4"><span>14/06/2024 - 16:10</span> <span>Lượt xem: 87</span></div>
  <div class="x5">{LEAD}</div>
  <div class="x6"><p>{FIRST}</p><p>Đến cuối năm, xã phấn đấu mọi thôn có điểm hỗ trợ.</p></div>
</article></body></html>"""


def _parts():
    doc = parse_document(PAGE, URL)
    article = doc.root.find(".//article")
    return article, article.find("h1"), article.find(".//p")


def test_lead_found_when_the_first_paragraph_given_is_the_headline() -> None:
    """The generic text may start with the headline (its element then passed as the first
    paragraph's): the lead between the date line and the text is still found."""
    article, headline, _ = _parts()
    found = summary_between(headline, FIRST, article, headline)
    assert found is not None and found.value == LEAD


def test_lead_found_in_a_container_holding_the_headline() -> None:
    article, headline, first = _parts()
    found = summary_between(headline, FIRST, article, first)
    assert found is not None and found.value == LEAD
    found = summary_between(headline, FIRST, article, None)
    assert found is not None and found.value == LEAD


def test_no_lead_when_the_text_follows_the_date_line() -> None:
    page = PAGE.replace(f'<div class="x5">{LEAD}</div>', "")
    doc = parse_document(page, URL)
    article = doc.root.find(".//article")
    assert summary_between(article.find("h1"), FIRST, article, article.find("h1")) is None


@pytest.mark.parametrize(
    ("url", "icon"),
    [
        ("https://a.gov.vn/Images/Files/pdf.gif", True),
        ("https://a.gov.vn/_layouts/15/images/icpdf.png", True),
        ("https://a.gov.vn/img/icon-docx.png?v=2", True),
        ("https://a.gov.vn/Images/Rating/stars-0-0.gif", True),
        ("https://a.gov.vn/uploads/2024/6/ngay-hoi-doc-sach.jpg", False),
        ("https://a.gov.vn/uploads/2024/6/ban-do-quy-hoach.png", False),
        ("https://a.gov.vn/uploads/2024/6/ho-so-file-mem.jpg", False),
        (None, False),
    ],
)
def test_icon_files_by_name(url: str | None, icon: bool) -> None:
    assert is_icon_file(url) is icon


def test_files_block_after_wrapped_body_is_read() -> None:
    """A page builder wraps the text in bare divs; the files block after the wrappers is
    still the article's."""
    from portal_spider.extract import extract_page

    text = "".join(f"<p>{FIRST} Đoạn {n} của bài viết.</p>" for n in range(4))
    page = (
        '<html><head><meta charset="utf-8"><title>Tin</title></head><body><div class="z0">'
        '<h1 class="z1">Xã An Bình ra mắt tổ công nghệ số cộng đồng</h1>'
        f'<div class="z2"><div><div class="z3">{text}</div></div></div>'
        '<div class="z4"><b>Tài liệu đính kèm:</b> Kế hoạch số 21/KH-UBND '
        '<a href="/uploads/KH-21-UBND.pdf">Tải về</a></div>'
        "</div></body></html>"
    )
    record = extract_page(page, URL)
    assert record.kind == "article"
    assert [a.url for a in record.attachments] == [
        "https://xaanbinh.example.gov.vn/uploads/KH-21-UBND.pdf"
    ]


def test_a_side_column_between_headline_and_text_is_not_the_lead() -> None:
    """A theme that prints the side column first puts its poll and links between the
    headline and the text: a box of form controls or links is never the lead."""
    side = (
        '<div class="x7"><p>Bạn thấy thông tin trên cổng hữu ích ở mức nào?</p>'
        '<label><input type="radio" name="v"> Rất hữu ích</label>'
        '<label><input type="radio" name="v"> Bình thường</label>'
        "<p>Liên kết: <a href='/a'>Cổng Dịch vụ công</a> <a href='/b'>Báo Nhân dân</a>"
        " <a href='/c'>Đài phát thanh tỉnh</a></p></div>"
    )
    page = PAGE.replace(f'<div class="x5">{LEAD}</div>', side)
    doc = parse_document(page, URL)
    article = doc.root.find(".//article")
    first = article.find(".//div[@class='x6']/p")
    assert summary_between(article.find("h1"), FIRST, article, first) is None
    links_only = side.replace('<label><input type="radio" name="v"> ', "<label>")
    doc = parse_document(PAGE.replace(f'<div class="x5">{LEAD}</div>', links_only), URL)
    article = doc.root.find(".//article")
    assert summary_between(article.find("h1"), FIRST, article, None) is None


@pytest.mark.parametrize(
    "box",
    [
        # A photo with its caption between headline and text.
        '<div class="x7"><img src="/anh/hop.jpg"><p>Quang cảnh buổi ra mắt tổ công nghệ số '
        "tại nhà văn hóa thôn Đông chiều 14/6.</p></div>",
        # A caption set apart from its photo, closed by the credit.
        '<div class="x7"><p>Thành viên tổ hướng dẫn người cao tuổi cài đặt ứng dụng VNeID '
        "trên điện thoại. Ảnh: Minh Anh</p></div>",
    ],
)
def test_a_photo_box_is_not_the_lead(box: str) -> None:
    page = PAGE.replace(f'<div class="x5">{LEAD}</div>', box)
    doc = parse_document(page, URL)
    article = doc.root.find(".//article")
    assert summary_between(article.find("h1"), FIRST, article, None) is None


def test_a_lead_with_a_link_or_two_is_still_the_lead() -> None:
    linked = LEAD.replace("hồ sơ trực tuyến", '<a href="/dvc">hồ sơ trực tuyến</a>')
    page = PAGE.replace(f'<div class="x5">{LEAD}</div>', f'<div class="x5">{linked}</div>')
    doc = parse_document(page, URL)
    article = doc.root.find(".//article")
    found = summary_between(article.find("h1"), FIRST, article, None)
    assert found is not None and found.value == LEAD
