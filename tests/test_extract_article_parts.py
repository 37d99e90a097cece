"""Parts of an article read by structure, not class names: the lead, image captions, the
files block after the body, and the body the page's microdata names (pages written here)."""

from __future__ import annotations

from datetime import UTC, datetime

from portal_spider.extract import extract_page, parse_document
from portal_spider.extract.article import walk_body
from portal_spider.extract.signals.profile import profile_body

URL = "https://xa-mau.example.gov.vn/tin-tuc/ra-quan-nao-vet-kenh-4521.html"
CAPTURED = datetime(2025, 6, 1, tzinfo=UTC)
TITLE = "Xã Mẫu ra quân nạo vét kênh thủy lợi nội đồng"
LEAD = (
    "Sáng 12/3, Ủy ban nhân dân xã Mẫu huy động hơn 150 cán bộ, đoàn viên và người dân ra "
    "quân nạo vét kênh thủy lợi nội đồng trước mùa khô."
)
TEXT = [
    "Tuyến kênh được nạo vét dài 1,2 km, từ cống ấp Một đến trạm bơm ấp Ba, là nơi thường "
    "xuyên bồi lắng bùn đất và lục bình, gây thiếu nước tưới cho hơn 80 ha lúa.",
    "Kết thúc buổi ra quân, các lực lượng đã thu gom khoảng 12 tấn bùn rác. Xã giao các ấp "
    "duy trì tổ tự quản, kiểm tra định kỳ tuyến kênh và nhắc nhở hộ dân không xả rác.",
    "Dịp này, Hội Nông dân xã trao tặng 50 bộ dụng cụ vệ sinh kênh mương cho các tổ tự quản "
    "của ba ấp ven kênh, góp phần giữ gìn nguồn nước phục vụ sản xuất vụ Hè Thu.",
]


def _page(article: str, head: str = "", after: str = "") -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{TITLE} - Cổng TTĐT xã Mẫu</title>{head}</head><body>
<div class="k1"><a href="/">Trang chủ</a> <a href="/tin-tuc">Tin tức</a></div>
<div class="k2"><div class="k3"><h1>{TITLE}</h1><div class="k4">12/03/2025 09:30</div>
{article}</div>{after}</div>
<div class="k9">Giấy phép số 12/GP-STTTT. Chịu trách nhiệm chính: Chủ tịch UBND xã.</div>
</body></html>""".encode()


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def test_a_lead_set_wholly_in_bold_is_the_summary() -> None:
    html = _page(f'<div class="k5"><p><strong>{LEAD}</strong></p>{_paragraphs(*TEXT)}</div>')
    record = extract_page(html, URL, expect="article", captured_at=CAPTURED)
    assert record.summary == LEAD
    assert record.body_text == "\n\n".join(TEXT)


def test_a_bold_dateline_or_subheading_is_not_a_lead() -> None:
    partly = LEAD.replace("Sáng 12/3,", "<b>Sáng 12/3,</b>", 1)
    html = _page(
        f'<div class="k5"><p>{partly}</p><p><b>Giữ nguồn nước</b></p>{_paragraphs(*TEXT)}</div>'
    )
    record = extract_page(html, URL, expect="article", captured_at=CAPTURED)
    assert record.summary is None
    assert record.body_text is not None and record.body_text.startswith("Sáng 12/3")


def test_the_first_paragraph_the_description_repeats_is_the_summary() -> None:
    head = f'<meta property="og:description" content="{LEAD}">'
    html = _page(f'<div class="k5">{_paragraphs(LEAD, *TEXT)}</div>', head=head)
    record = extract_page(html, URL, expect="article", captured_at=CAPTURED)
    assert (record.summary, record.body_text) == (LEAD, "\n\n".join(TEXT))


def test_an_image_box_with_a_short_line_is_a_captioned_image() -> None:
    caption = "Lực lượng ra quân vớt lục bình trên kênh."
    box = f'<div class="k6"><img src="/media/kenh.jpg" alt=""><p class="k7">{caption}</p></div>'
    html = _page(f'<div class="k5">{_paragraphs(LEAD, TEXT[0])}{box}{_paragraphs(*TEXT[1:])}</div>')
    record = extract_page(html, URL, expect="article", captured_at=CAPTURED)
    assert [(i.url, i.caption) for i in record.images] == [
        ("https://xa-mau.example.gov.vn/media/kenh.jpg", caption)
    ]
    assert caption not in (record.body_text or "")


def test_files_after_the_body_count_but_not_a_documents_box_further_on() -> None:
    files = '<div class="k6">Tài liệu: <a href="/files/ke-hoach-15.pdf">Kế hoạch số 15</a></div>'
    box = (
        '<div class="k8"><h3>Văn bản mới</h3><ul><li><a href="/van-ban/qd-99.pdf">Quyết định '
        "số 99/QĐ-UBND về thành lập tổ công tác</a></li></ul></div>"
    )
    html = _page(f'<div class="k5">{_paragraphs(LEAD, *TEXT)}</div>{files}', after=box)
    record = extract_page(html, URL, expect="article", captured_at=CAPTURED)
    assert [a.url for a in record.attachments] == [
        "https://xa-mau.example.gov.vn/files/ke-hoach-15.pdf"
    ]


def test_sidebar_documents_right_after_the_article_are_not_attachments() -> None:
    aside = (
        '<aside><div><div class="k8">Văn bản mới</div><a href="/van-ban/qd-99.pdf">Quyết định '
        "số 99/QĐ-UBND về thành lập tổ công tác</a></div></aside>"
    )
    html = _page(f'<div class="k5">{_paragraphs(LEAD, *TEXT)}</div>{aside}')
    record = extract_page(html, URL, expect="article", captured_at=CAPTURED)
    assert record.attachments == []


def test_microdata_article_body_narrows_a_broad_article_match() -> None:
    """`<article>` is only a guess at the body; its `itemprop="articleBody"` says exactly
    where the text is, so the files line beside it stays out of the text."""
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{TITLE}</title></head>
<body><div class="k2"><article class="k3" itemscope itemtype="https://schema.org/Article">
<h1 itemprop="headline">{TITLE}</h1><div class="k4">12/03/2025 09:30</div>
<div class="k5" itemprop="articleBody">{_paragraphs(LEAD, *TEXT)}</div>
<div class="k6">Tài liệu: <a href="/files/ke-hoach-15.pdf">Kế hoạch số 15</a></div>
</article></div></body></html>""".encode()
    body = profile_body(parse_document(html, URL))
    assert body is not None and body.element.get("itemprop") == "articleBody"
    assert body.paragraphs == [LEAD, *TEXT] and not body.specific
    record = extract_page(html, URL, captured_at=CAPTURED)
    assert record.body_text is not None and "Tài liệu" not in record.body_text
    assert [a.url for a in record.attachments] == [
        "https://xa-mau.example.gov.vn/files/ke-hoach-15.pdf"
    ]


def test_text_beside_an_image_keeps_its_word_order() -> None:
    """Inline tags inside an image's block: their tails follow their text, in order."""
    html = (
        '<html><body><div class="k5"><div class="k6"><img src="/a.jpg">'
        "<p>Xã <b>Mẫu <i>Đông</i> đạt</b> chuẩn nông thôn mới</p></div></div></body></html>"
    )
    doc = parse_document(html, URL)
    _, images = walk_body(doc, doc.root.find(".//div[@class='k5']"))
    assert [i.caption for i in images] == ["Xã Mẫu Đông đạt chuẩn nông thôn mới"]
