"""Section candidates of a home page (by structure, not wording) and the classification of
each target page (by its listing and items). Pure: small pages written here, and the real
Liferay pages of ../shared (skipped when it is absent)."""

from __future__ import annotations

from pathlib import Path

from portal_spider.extract import extract_page, parse_document
from portal_spider.extract.sections import (
    SectionCandidate,
    classify_target,
    page_cues,
    section_candidates,
)

BASE = "https://www.huyenmau.gov.vn/"


def _home(body: str, url: str = BASE) -> dict[str, SectionCandidate]:
    html = f"<html><head><title>Trang chủ</title></head><body>{body}</body></html>"
    return {c.path: c for c in section_candidates(parse_document(html.encode(), url))}


def _news_list(n: int, prefix: str = "/tin") -> str:
    items = "".join(
        f'<li><a href="{prefix}/bai-viet-so-{100 + i}.html">Huyện tổ chức hội nghị tổng kết '
        f"công tác năm thứ {i} với nhiều kết quả</a> <span>(0{1 + i % 9}/03/2024)</span></li>"
        for i in range(n)
    )
    return f"<ul>{items}</ul>"


# -- candidates --------------------------------------------------------------------------------


def test_nested_dropdown_links_are_submenus_and_the_parent_is_a_menu_item() -> None:
    found = _home(
        "<nav><ul>"
        '<li><a href="/">Trang chủ</a></li>'
        '<li><a href="/tin-tuc">Tin tức</a><ul>'
        '<li><a href="/tin-tuc/nong-nghiep">Nông nghiệp</a></li>'
        '<li><a href="/tin-tuc/giao-duc">Giáo dục</a><ul>'
        '<li><a href="/tin-tuc/giao-duc/mam-non">Mầm non</a></li></ul></li>'
        "</ul></li>"
        '<li><a href="#">Giới thiệu</a><ul><li><a href="/lich-su">Lịch sử</a></li></ul></li>'
        "</ul></nav>"
    )
    assert {p: c.found_in for p, c in found.items()} == {
        "/tin-tuc": "menu",
        "/tin-tuc/nong-nghiep": "submenu",
        "/tin-tuc/giao-duc": "submenu",
        "/tin-tuc/giao-duc/mam-non": "submenu",
        "/lich-su": "submenu",
    }
    assert found["/tin-tuc/nong-nghiep"].url == "https://www.huyenmau.gov.vn/tin-tuc/nong-nghiep"


def test_a_mega_menu_without_nav_keeps_long_names_and_column_headings() -> None:
    long_name = "Kinh tế - Nông nghiệp và phát triển nông thôn bền vững của huyện"
    found = _home(
        '<div class="thanh-tren"><ul>'
        '<li><a href="/gioi-thieu">Giới thiệu</a></li>'
        '<li><a href="/chuyen-muc">Chuyên mục</a><div class="khoi"><div class="cot">'
        f'<h4><a href="/kinh-te-nong-nghiep">{long_name}</a></h4>'
        '<p><a href="/kinh-te-nong-nghiep/thuy-loi">Thủy lợi</a></p></div>'
        '<div class="cot"><h4><a href="/xa-hoi">Xã hội</a></h4></div></div></li>'
        '<li><a href="/lien-he">Liên hệ</a></li>'
        "</ul></div>" + _news_list(5)
    )
    assert found["/kinh-te-nong-nghiep"].name == long_name  # no 40-character cap
    assert found["/kinh-te-nong-nghiep"].found_in == "submenu"
    assert found["/kinh-te-nong-nghiep/thuy-loi"].found_in == "submenu"
    assert found["/chuyen-muc"].found_in == "menu"
    assert not any(path.startswith("/tin/") for path in found)  # news titles are not menus


def test_footer_blocks_and_more_links_named_after_their_block() -> None:
    found = _home(
        '<div class="khoi-tin"><h3>Thông tin chỉ đạo</h3>'
        + _news_list(4, "/chi-dao")
        + '<a href="/chi-dao-dieu-hanh">Xem thêm »</a></div>'
        '<div class="khoi-tin"><h2><a href="/tin-anh">Tin ảnh</a></h2>'
        + _news_list(4, "/tin-anh")
        + "</div>"
        '<div id="footer"><p>Địa chỉ: số 1 đường Lê Lợi</p>'
        '<a href="/duong-day-nong">Đường dây nóng</a> <a href="/tin-anh">Ảnh đẹp</a></div>'
    )
    more = found["/chi-dao-dieu-hanh"]
    assert (more.found_in, more.name) == ("more_link", "Thông tin chỉ đạo")
    assert found["/duong-day-nong"].found_in == "footer"
    # The same path seen twice: one candidate, from its strongest place and with that name.
    assert (found["/tin-anh"].found_in, found["/tin-anh"].name) == ("footer", "Ảnh đẹp")


def test_same_site_means_with_or_without_www_and_subdomains_are_other_hosts() -> None:
    found = _home(
        "<nav>"
        '<a href="https://huyenmau.gov.vn/tin-tuc?utm_source=zalo">Tin tức</a>'
        '<a href="https://english.huyenmau.gov.vn/news">English</a>'
        '<a href="https://tinhmau.gov.vn/tin-tuc-tinh">Tin của tỉnh</a>'
        '<a href="https://www.huyenmau.gov.vn:8443/khac">Cổng khác</a>'
        "</nav>"
    )
    assert set(found) == {"/tin-tuc", "/news"}
    assert found["/tin-tuc"].url == "https://huyenmau.gov.vn/tin-tuc"  # canonical: no utm_*
    assert not found["/tin-tuc"].other_host and found["/news"].other_host


def test_home_anchors_scripts_files_login_and_search_are_skipped() -> None:
    found = _home(
        "<nav><ul>"
        '<li><a href="/">Trang chủ</a></li><li><a href="/trang-chu.html">Trang chủ</a></li>'
        '<li><a href="#noi-dung">Nội dung</a></li><li><a href="javascript:void(0)">Mở</a></li>'
        '<li><a href="/files/bao-cao.pdf">Báo cáo</a></li><li><a href="/dang-nhap">Vào</a></li>'
        '<li><a href="/tim-kiem?q=">Tìm</a></li><li><a href="/y-kien">Đăng nhập</a></li>'
        '<li><a href="mailto:a@huyenmau.gov.vn">Thư</a></li><li><a href="/hoi-dap">Hỏi đáp</a></li>'
        "</ul></nav>"
    )
    assert list(found) == ["/hoi-dap"]


def test_query_sections_keep_their_query() -> None:
    found = _home(
        '<nav><a href="/index.php?cat=12">Tin tức</a><a href="/index.php?cat=13">Văn bản</a></nav>'
    )
    assert list(found) == ["/index.php?cat=12", "/index.php?cat=13"]


# -- classification ----------------------------------------------------------------------------

_PARAGRAPHS = [
    "Sáng nay, Ủy ban nhân dân huyện tổ chức hội nghị sơ kết sáu tháng đầu năm, đánh giá kết "
    "quả thực hiện các chỉ tiêu kinh tế, xã hội và triển khai nhiệm vụ trọng tâm thời gian tới.",
    "Theo báo cáo, tổng giá trị sản xuất nông nghiệp tăng so với cùng kỳ, diện tích lúa chất "
    "lượng cao được mở rộng ở nhiều xã, các mô hình liên kết tiêu thụ nông sản tiếp tục phát huy.",
    "Phát biểu chỉ đạo, lãnh đạo huyện đề nghị các phòng, ban tập trung tháo gỡ khó khăn cho "
    "doanh nghiệp, đẩy nhanh tiến độ giải ngân vốn đầu tư công và chăm lo đời sống nhân dân.",
    "Hội nghị cũng thống nhất nhiều giải pháp về cải cách hành chính, chuyển đổi số và bảo đảm "
    "an ninh trật tự trên địa bàn trong những tháng cuối năm.",
]


def _page(title: str, main: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body>"
        '<nav><a href="/tin">Tin tức</a><a href="/van-ban">Văn bản</a></nav>'
        f"<div class='noi-dung'>{main}</div><footer>Cổng thông tin điện tử huyện</footer>"
        "</body></html>"
    ).encode()


def _listing(path: str, item_paths: list[str]) -> bytes:
    items = "".join(
        f'<div class="muc"><img src="/anh/{i}.jpg"><h3><a href="{p}">Huyện triển khai kế hoạch '
        f"phát triển kinh tế nông thôn giai đoạn mới số {i}</a></h3><span>1{i}/03/2024</span>"
        "<p>Tóm tắt nội dung chính của bài viết.</p></div>"
        for i, p in enumerate(item_paths)
    )
    return _page("Danh sách", f'<h1>Danh sách</h1>{items}<a href="{path}?page=2">Trang sau</a>')


def _article(title: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return _page(title, f"<h1>{title}</h1><div class='ngay'>12/03/2024 08:30</div>{body}")


def _document() -> bytes:
    rows = (
        ("Số ký hiệu", "125/QĐ-UBND"),
        ("Ngày ban hành", "12/03/2024"),
        ("Trích yếu", "Về việc ban hành kế hoạch cải cách hành chính năm 2024"),
        ("Cơ quan ban hành", "Ủy ban nhân dân huyện"),
        ("Người ký", "Nguyễn Văn Mẫu"),
    )
    table = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
    return _page(
        "Văn bản",
        f"<h1>Quyết định 125/QĐ-UBND</h1><table>{table}</table>"
        '<p>Tệp đính kèm: <a href="/files/125-qd-ubnd.pdf">125-QĐ-UBND.pdf</a></p>',
    )


def _candidate(path: str, name: str) -> SectionCandidate:
    return SectionCandidate("https://huyenmau.gov.vn" + path, path, name, "menu", False)


def _verdict(candidate, target: bytes, items: list[bytes], sections=()):  # type: ignore[no-untyped-def]
    url = candidate.url
    listing = extract_page(target, url)
    cues = page_cues(parse_document(target, url), listing)
    records, item_cues = [], []
    for n, html in enumerate(items):
        item_url = f"{url.rstrip('/')}/muc-{n}.html"
        record = extract_page(html, item_url, expect="article")
        records.append(record)
        item_cues.append(page_cues(parse_document(html, item_url), record))
    return classify_target(
        candidate, listing, records, listing_cues=cues, item_cues=item_cues, sections=sections
    )


def test_a_listing_of_articles_is_news_whatever_its_name() -> None:
    candidate = _candidate("/kinh-te-nong-nghiep", "Kinh tế - Nông nghiệp")
    paths = [f"/kinh-te-nong-nghiep/bai-{200 + i}.html" for i in range(6)]
    verdict = _verdict(
        candidate, _listing(candidate.path, paths), [_article("Bài một"), _article("Bài hai")]
    )
    assert verdict.kind == "news", verdict
    assert "listing: 6 article links (6 dated)" in verdict.evidence
    assert "next page ?page=2" in verdict.evidence
    assert "items read as articles (2/2)" in verdict.evidence


def test_a_listing_whose_items_sit_under_other_sections_is_an_aggregate() -> None:
    candidate = _candidate("/tin-moi", "Mới đăng")
    paths = [f"/chinh-tri/bai-{300 + i}.html" for i in range(3)]
    paths += [f"/kinh-te/bai-{400 + i}.html" for i in range(3)]
    verdict = _verdict(
        candidate,
        _listing(candidate.path, paths),
        [_article("Bài một"), _article("Bài hai")],
        sections=["/chinh-tri", "/kinh-te", "/tin-moi"],
    )
    assert verdict.kind == "aggregate", verdict
    assert "6/6 items under other sections" in verdict.evidence
    # The same listing under its own path is a news section.
    own = _candidate("/chinh-tri", "Chính trị")
    own_paths = [f"/chinh-tri/bai-{300 + i}.html" for i in range(6)]
    assert _verdict(own, _listing(own.path, own_paths), [_article("Bài")], ["/kinh-te"]).kind == (
        "news"
    )


def test_a_listing_of_documents_is_a_register_even_when_named_like_news() -> None:
    candidate = _candidate("/thong-tin-moi", "Thông tin mới")
    paths = [f"/thong-tin-moi/van-ban-{500 + i}.html" for i in range(6)]
    verdict = _verdict(candidate, _listing(candidate.path, paths), [_document(), _document()])
    assert verdict.kind == "documents", verdict
    assert "items read as documents (2/2)" in verdict.evidence


def test_a_work_schedule_page_is_a_schedule() -> None:
    days = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu")
    rows = "".join(
        f"<tr><td>{day} ({11 + i}/03/2024)</td><td>07:30</td><td>Chủ tịch UBND huyện họp "
        f"giao ban với các phòng chuyên môn về nhiệm vụ tuần</td></tr>"
        f"<tr><td>{day}</td><td>14:00</td><td>Phó Chủ tịch kiểm tra công trình thủy lợi "
        f"tại các xã trên địa bàn huyện</td></tr>"
        for i, day in enumerate(days)
    )
    page = _page("Lịch làm việc", f"<h1>Lịch tuần 11</h1><table>{rows}</table>")
    verdict = _verdict(_candidate("/lich", "Lịch"), page, [])
    assert verdict.kind == "schedule", verdict
    assert "thu hai" in verdict.evidence


def test_a_page_without_listing_structure_is_a_page() -> None:
    page = _page(
        "Giới thiệu", "<h1>Giới thiệu chung</h1>" + "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    )
    verdict = _verdict(_candidate("/gioi-thieu", "Tin tức"), page, [])
    assert verdict.kind == "page", verdict
    assert verdict.evidence.startswith("no listing structure")


def test_other_hosts_are_reported_without_reading_anything() -> None:
    candidate = SectionCandidate(
        "https://english.huyenmau.gov.vn/news", "/news", "English", "menu", True
    )
    listing = extract_page(_listing("/news", ["/news/a-123.html"] * 3), candidate.url)
    verdict = classify_target(candidate, listing, [])
    assert verdict.kind == "other_host" and "english.huyenmau.gov.vn" in verdict.evidence


def test_menus_built_without_lists_are_found_by_their_short_links() -> None:
    cells = "".join(
        f'<td><a href="/{slug}.aspx"><img src="/i/{slug}.gif" alt="{name}"></a></td>'
        for slug, name in (
            ("TinTuc", "Tin tức"),
            ("NongNghiep", "Nông nghiệp"),
            ("VanBan", "Văn bản"),
            ("HoiDap", "Hỏi đáp"),
        )
    )
    boxes = "".join(
        f'<div class="o"><a href="/chuyen-de/{n}">Chuyên đề {n}</a></div>' for n in range(4)
    )
    found = _home(f"<table><tr>{cells}</tr></table><div>{boxes}</div>" + _news_list(5))
    assert [p for p in found if not p.startswith("/tin/")] == [
        "/TinTuc.aspx",
        "/NongNghiep.aspx",
        "/VanBan.aspx",
        "/HoiDap.aspx",
        "/chuyen-de/0",
        "/chuyen-de/1",
        "/chuyen-de/2",
        "/chuyen-de/3",
    ]
    assert found["/NongNghiep.aspx"].name == "Nông nghiệp"  # an image link named by its alt
    assert not any(p.startswith("/tin/") for p in found)


def test_a_dropdown_shown_on_mouse_over_beside_a_table_menu_is_a_submenu() -> None:
    cells = "".join(
        f'<td><a href="/{slug}.aspx">{name}</a></td>'
        for slug, name in (
            ("GioiThieu", "Giới thiệu"),
            ("TinTuc", "Tin tức"),
            ("#", "Chuyên mục"),
            ("VanBan", "Văn bản"),
        )
    )
    found = _home(
        f'<table><tr><td><table class="thanh"><tr>{cells}</tr></table>'
        '<div style="display:none"><a href="/DanhSach.aspx?Ma=7">Xây dựng Đảng</a><br>'
        '<a href="/Lich.aspx">Lịch</a></div></td></tr></table>' + _news_list(4)
    )
    assert found["/DanhSach.aspx?Ma=7"].found_in == "submenu"
    assert found["/Lich.aspx"].found_in == "submenu"
    assert found["/TinTuc.aspx"].found_in == "menu"


def test_the_menu_read_as_a_listing_is_not_a_listing() -> None:
    """A short page whose only repeated links are the menu's: its 'items' are sections."""
    menu = "".join(
        f'<li><a href="/{s}">Chuyên mục {s} của huyện nhà</a> <span>0{n}/04/2024</span></li>'
        for n, s in enumerate(("an-ninh", "giao-duc", "y-te", "du-lich"), 1)
    )
    page = _page("Liên hệ", f"<ul>{menu}</ul><p>Điện thoại: 0215 3800 123</p>")
    sections = ["/an-ninh", "/giao-duc", "/y-te", "/du-lich"]
    verdict = _verdict(_candidate("/lien-he", "Liên hệ"), page, [], sections)
    assert verdict.kind == "page", verdict
    assert "menu links" in verdict.evidence


def test_questions_and_procedures_are_their_own_kinds() -> None:
    questions = "".join(
        f'<div class="hoi"><a href="/hoi-dap?id={n}">Xin hỏi về thủ tục số {n}?</a>'
        f"<div>Người hỏi: Nguyễn Văn {n} - Ngày gửi: 0{n}/03/2024</div></div>"
        for n in range(1, 4)
    )
    qa = _verdict(_candidate("/hoi-dap", "Tin tức"), _page("Hỏi", questions), [])
    assert qa.kind == "qa", qa
    rows = "".join(
        f"<tr><td>{n}</td><td><a href='/tt?ma={n}'>Đăng ký việc số {n}</a></td>"
        f"<td>Hộ tịch</td><td>Toàn trình</td></tr>"
        for n in range(1, 5)
    )
    table = f"<table><tr><th>Tên thủ tục</th><th>Lĩnh vực</th><th>Mức độ</th></tr>{rows}</table>"
    procedures = _verdict(_candidate("/tthc", "Tin tức"), _page("TTHC", table), [])
    assert procedures.kind == "procedures", procedures
    assert "ten thu tuc" in procedures.evidence


def test_a_listing_whose_items_other_sections_list_is_an_aggregate() -> None:
    """Permalinks that name no section (/2024/05/03/slug/): the overlap with the other
    sections' listings tells the aggregate, and one section's overlap is not enough."""
    paths = [f"/2024/05/0{i}/bai-so-{i}/" for i in range(1, 7)]
    base = "https://huyenmau.gov.vn"
    listings = {
        "/thoi-su": {base + p for p in paths[:3]},
        "/doi-song": {base + p for p in paths[3:5]},
    }
    page = _listing("/moi-dang", paths)
    candidate = _candidate("/moi-dang", "Mới đăng")
    listing = extract_page(page, candidate.url)
    cues = page_cues(parse_document(page, candidate.url), listing)
    item = extract_page(_article("Bài"), base + paths[0], expect="article")
    verdict = classify_target(
        candidate, listing, [item], listing_cues=cues, other_listings=listings
    )
    assert verdict.kind == "aggregate", verdict
    assert "5/6 items also listed by" in verdict.evidence
    alone = {"/thoi-su": {base + p for p in paths}}
    news = classify_target(candidate, listing, [item], listing_cues=cues, other_listings=alone)
    assert news.kind == "news", news


def test_http_and_https_links_to_the_portal_are_one_site() -> None:
    found = _home(
        '<nav><a href="http://huyenmau.gov.vn/tin-tuc">Tin tức</a>'
        '<a href="https://www.huyenmau.gov.vn:443/van-ban">Văn bản</a></nav>'
    )
    assert set(found) == {"/tin-tuc", "/van-ban"}


def test_a_dated_listing_of_items_extraction_cannot_read_is_still_news() -> None:
    candidate = _candidate("/anh", "Phóng sự ảnh")
    paths = [f"/anh/bai-{600 + i}.html" for i in range(5)]
    unreadable = _page("Ảnh", "<h1>Phóng sự ảnh</h1><img src='/anh/1.jpg'>")
    verdict = _verdict(candidate, _listing(candidate.path, paths), [unreadable])
    assert verdict.kind == "news", verdict
    assert "items read as unreadable (1/1), kept as news: the listing is dated" in verdict.evidence
    # Without dates, such a 'listing' is not taken on trust.
    bare = _page("Ảnh", "".join(f"<p><a href='{p}'>Ảnh số {p[-8:-5]} ở đây</a></p>" for p in paths))
    assert _verdict(candidate, bare, [unreadable]).kind != "news"


def test_a_box_title_link_above_a_news_block_is_a_candidate_without_heading_tags() -> None:
    found = _home(
        '<div class="khung"><div class="tieu-de"><div><a href="/kinh-te-nong-nghiep">'
        "Kinh tế - Nông nghiệp</a></div></div>"
        f'<div class="than">{_news_list(4, "/kinh-te-nong-nghiep")}</div></div>'
        "<p>Xem thông tin tại <a href='/ban-do'>bản đồ</a> của huyện và nhiều nội dung khác.</p>"
        + _news_list(3)
    )
    assert found["/kinh-te-nong-nghiep"].found_in == "more_link"
    assert found["/kinh-te-nong-nghiep"].name == "Kinh tế - Nông nghiệp"
    assert "/ban-do" not in found  # a link inside a sentence is not a box title


def test_dated_teasers_extraction_reads_as_an_article_are_still_a_listing() -> None:
    """Long teasers can pass for an article's text; dated repeated items are a list."""
    teaser = " ".join(_PARAGRAPHS)
    items = "".join(
        f'<div class="muc"><h3><a href="/an-ninh/vu-viec-{700 + i}.html">Công an huyện '
        f"xử lý vụ việc thứ {i} trên địa bàn xã</a></h3><span>0{i + 1}/06/2024</span>"
        f"<p>{teaser}</p></div>"
        for i in range(5)
    )
    page = _page("An ninh", f"<h1>An ninh</h1>{items}<a href='/an-ninh?page=2'>Trang sau</a>")
    candidate = _candidate("/an-ninh", "An ninh")
    verdict = _verdict(candidate, page, [_article("Bài")])
    assert verdict.kind == "news", verdict
    assert "listing: 5 article links (5 dated)" in verdict.evidence


def test_banner_pictures_into_the_site_are_candidates_but_teaser_pictures_are_not() -> None:
    found = _home(
        '<table><tr><td><a href="/chi-dao-dieu-hanh.html"><img src="/b/1.png" alt=""></a>'
        '</td></tr><tr><td><a href="/cai-cach-hanh-chinh"><img src="/b/2.png" '
        'alt="Cải cách hành chính"></a></td></tr></table>'
        '<div><a href="/tin/hoi-nghi-tong-ket"><img src="/t/1.jpg"></a>'
        '<a href="/tin/hoi-nghi-tong-ket">Huyện tổ chức hội nghị tổng kết công tác năm với '
        "nhiều kết quả nổi bật</a></div>"
        '<a href="/tin/bai-123"><img src="/t/2.jpg"></a>'
    )
    assert {p: (c.found_in, c.name) for p, c in found.items()} == {
        "/chi-dao-dieu-hanh.html": ("banner", ""),
        "/cai-cach-hanh-chinh": ("banner", "Cải cách hành chính"),
    }


def test_on_a_real_liferay_portal(shared_dir: Path) -> None:
    """A department portal's saved home page and listings (../shared, not in the repo)."""
    folder = shared_dir / "realdata" / "hanoi-liferay"
    site = "https://sotttt.hanoi.gov.vn/"
    home = parse_document((folder / "sotttt-hanoi_liferay_home_trang-chu.html").read_bytes(), site)
    found = {c.path: c for c in section_candidates(home)}
    assert found["/tin-tuc-su-kien.html"].found_in == "menu"
    assert found["/cong-nghe-thong-tin.html"].found_in == "submenu"
    # Sections the home page reaches only through sidebar banners.
    assert found["/chi-dao-dieu-hanh.html"].found_in == "banner"
    assert found["/phong-chong-dich-benh-covid-19.html"].found_in == "banner"
    assert not any("view_content" in path for path in found)  # no article is a candidate
    for name, path in (
        ("chi-dao-dieu-hanh", "/chi-dao-dieu-hanh.html"),  # one article published so far
        ("covid19", "/phong-chong-dich-benh-covid-19.html"),
        ("cong-nghe-thong-tin_p1", "/cong-nghe-thong-tin.html"),
    ):
        page = (folder / f"sotttt-hanoi_liferay_listing_{name}.html").read_bytes()
        url = site + path[1:-5]
        listing = extract_page(page, url)
        cues = page_cues(parse_document(page, url), listing)
        verdict = classify_target(found[path], listing, [], listing_cues=cues, sections=list(found))
        assert verdict.kind == "news", (name, verdict)
