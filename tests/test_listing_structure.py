"""Listing links and the next page found from a page's structure, without a platform profile.

Themes change class names; these tests rename every class and id and still expect the same
article list and next page (extract/listing.py, issue 11 item 6). Fixture pages under
tests/fixtures/listings/ are ours, with invented Vietnamese text.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from portal_spider.extract import extract_page
from portal_spider.extract.document import Document, parse_document
from portal_spider.extract.listing import Listing, find_listing
from portal_spider.extract.platforms import detect_platform

FIXTURES = Path(__file__).parent / "fixtures"
LISTINGS = FIXTURES / "listings"
_ATTRIBUTE = re.compile(r"""\b(class|id)=(["'])([^"']*)\2""", re.IGNORECASE)


def rename_classes(html: str) -> str:
    """Every class token and id replaced by a random-looking one (same name, same token)."""

    def token(name: str) -> str:
        return "r" + hashlib.sha1(name.encode()).hexdigest()[:7]

    def replace(match: re.Match[str]) -> str:
        names = match.group(3).split() if match.group(1).lower() == "class" else [match.group(3)]
        return (
            f"{match.group(1)}={match.group(2)}{' '.join(token(n) for n in names)}{match.group(2)}"
        )

    return _ATTRIBUTE.sub(replace, html)


def listing_of(html: str, url: str, *, profile: bool = False) -> Listing:
    """find_listing on a page, with its detected platform's selectors and hook if asked."""
    doc = parse_document(html, url)
    if not profile:
        return find_listing(doc)
    platform = detect_platform(doc)
    doc.field_candidates = platform.all_candidates
    return find_listing(doc, platform.next_page)


def fixture(name: str) -> str:
    return (LISTINGS / name).read_text(encoding="utf-8")


# --- invented themes ----------------------------------------------------------------------

CARDS_URL = "https://xa-anphumau.example.gov.vn/tin-tuc/hoat-dong/trang-3.html"
CARDS_LINKS = [
    "https://xa-anphumau.example.gov.vn/tin-tuc/hoat-dong/" + slug
    for slug in (
        "ra-quan-don-ve-sinh-kenh-muong-noi-dong-3311.html",
        "tap-huan-ky-thuat-nuoi-ong-lay-mat-3307.html",
        "gap-mat-phu-nu-tieu-bieu-nhan-ngay-8-3-3302.html",
        "kiem-tra-an-toan-thuc-pham-cho-que-3298.html",
        "trao-nha-dai-doan-ket-cho-ho-can-ngheo-3290.html",
    )
]


@pytest.mark.parametrize("renamed", [False, True])
def test_div_cards_with_a_dated_tin_moi_sidebar_and_a_menu(renamed: bool) -> None:
    """Cards (thumbnail + title + date + summary) win over the "Tin mới" box (also dated,
    with thumbnails) and over the menu; the thumbnail and title links count once."""
    html = fixture("theme_cards.html")
    listing = listing_of(rename_classes(html) if renamed else html, CARDS_URL)
    assert listing.links == CARDS_LINKS
    assert listing.links_source == "structure"
    assert (listing.items, listing.dated_items) == (5, 5)
    # Only numbered links; the current page is a bare <b>3</b>; "Cuối »" is the last page.
    assert listing.next_page == "https://xa-anphumau.example.gov.vn/tin-tuc/hoat-dong/trang-4.html"
    assert listing.next_source == "number"


TABLE_URL = "http://huyenbinhmau.example.gov.vn/ThongBao.aspx?id=4"


@pytest.mark.parametrize("renamed", [False, True])
def test_table_layout_with_van_ban_moi_and_a_calendar(renamed: bool) -> None:
    """Table rows with "(Ngày dd/mm/yyyy)"; the www. host is the same site; the calendar's
    day numbers and "»" (next month) are not the pager."""
    html = fixture("theme_table.html")
    listing = listing_of(rename_classes(html) if renamed else html, TABLE_URL)
    assert listing.links == [
        f"http://www.huyenbinhmau.example.gov.vn/ChiTiet.aspx?id={n}"
        for n in (8812, 8807, 8795, 8790)
    ]
    assert listing.next_page == "http://huyenbinhmau.example.gov.vn/ThongBao.aspx?id=4&page=2"
    assert listing.next_source == "label"


BASE_URL = "https://phuongdongmau.example.gov.vn/tin-tuc/page/2/"


@pytest.mark.parametrize("renamed", [False, True])
def test_ul_li_with_base_href_and_an_icon_next_link(renamed: bool) -> None:
    """Relative links resolve against <base href>; an off-site item is dropped; "Tin đọc
    nhiều" is a sidebar; the next link is an icon whose aria-label says "Trang sau"."""
    html = fixture("theme_ul_base.html")
    listing = listing_of(rename_classes(html) if renamed else html, BASE_URL)
    site = "https://phuongdongmau.example.gov.vn/tin-tuc/"
    assert listing.links == [
        site + "khanh-thanh-nha-van-hoa-khu-pho-3-540.html",
        site + "phat-dong-thang-thanh-nien-nam-2024-536.html",
        site + "tong-ve-sinh-moi-truong-khu-dan-cu-531.html",
        site + "trao-qua-cho-nguoi-cao-tuoi-neo-don-527.html",
        site + "giao-nhan-quan-nam-2024-thanh-cong-522.html",
        "https://www.phuongdongmau.example.gov.vn/tin-tuc/ra-soat-ho-ngheo-cuoi-nam-518.html",
    ]
    assert listing.next_page == "https://phuongdongmau.example.gov.vn/tin-tuc/page/3/"
    assert listing.next_source == "label"


FLAT_URL = "https://xataymau.example.gov.vn/chuyen-muc/chuyen-doi-so?p=4"


@pytest.mark.parametrize("renamed", [False, True])
def test_flat_headings_and_a_query_only_pager(renamed: bool) -> None:
    """Title headings with the date and summary in the following siblings; "?p=5" resolves
    against the page URL; "›" (next) is taken, not "»" (here the last page)."""
    html = fixture("theme_flat_query.html")
    listing = listing_of(rename_classes(html) if renamed else html, FLAT_URL)
    site = "https://xataymau.example.gov.vn/chuyen-muc/chuyen-doi-so/bai-viet/"
    assert listing.links == [
        site + "nguoi-dan-thanh-toan-khong-dung-tien-mat-o-cho",
        site + "to-cong-nghe-so-huong-dan-cai-dat-dinh-danh-dien-tu",
        site + "so-hoa-ho-so-ho-tich-tai-bo-phan-mot-cua",
    ]
    assert listing.dated_items == 3
    assert listing.next_page == "https://xataymau.example.gov.vn/chuyen-muc/chuyen-doi-so?p=5"


# --- pager URL styles ------------------------------------------------------------------------

_ITEM = (
    '<li><a href="/tin/bai-viet-so-{n}-ve-hoat-dong-cua-xa-{n}00.html">Bài viết số {n} về '
    "hoạt động của xã</a> <span>0{n}/03/2024</span></li>"
)


def pager_page(pager: str) -> str:
    """A small listing (four dated items) followed by a pager of plain numbered links."""
    items = "".join(_ITEM.format(n=n) for n in range(1, 5))
    return f"<html><body><ul>{items}</ul><div>{pager}</div></body></html>"


def numbered(hrefs: dict[int, str]) -> str:
    return " ".join(f'<a href="{href}">{n}</a>' for n, href in hrefs.items())


# (page URL, {number shown: href}, expected next): every page number is a link, no marker,
# so the current page is read from the page URL's own parameter.
STYLES = {
    "trang-N.html": (
        "https://xa.example.gov.vn/tin-tuc/trang-3.html",
        {n: f"/tin-tuc/trang-{n}.html" for n in range(1, 6)},
        "https://xa.example.gov.vn/tin-tuc/trang-4.html",
    ),
    "page-N.html": (
        "https://xa.example.gov.vn/news/thoi-su/page-2.html",
        {n: f"/news/thoi-su/page-{n}.html" for n in range(1, 6)},
        "https://xa.example.gov.vn/news/thoi-su/page-3.html",
    ),
    "?page=N": (
        "https://xa.example.gov.vn/tin-tuc?page=4",
        {n: f"/tin-tuc?page={n}" for n in range(1, 8)},
        "https://xa.example.gov.vn/tin-tuc?page=5",
    ),
    "&p=N": (
        "https://xa.example.gov.vn/index.php?cat=7&p=2",
        {n: f"/index.php?cat=7&p={n}" for n in range(1, 6)},
        "https://xa.example.gov.vn/index.php?cat=7&p=3",
    ),
    "/page/N": (
        "https://xa.example.gov.vn/chuyen-muc/thong-bao/page/3/",
        {n: f"/chuyen-muc/thong-bao/page/{n}/" for n in range(1, 6)},
        "https://xa.example.gov.vn/chuyen-muc/thong-bao/page/4/",
    ),
    "/pageid/N/": (
        "https://huyen.example.gov.vn/tin-tuc/tabid/75/pageid/2/Default.aspx",
        {n: f"/tin-tuc/tabid/75/pageid/{n}/Default.aspx" for n in range(1, 6)},
        "https://huyen.example.gov.vn/tin-tuc/tabid/75/pageid/3/Default.aspx",
    ),
    "PageIndex=N": (
        "https://huyen.example.gov.vn/DanhSach.aspx?CatID=3&PageIndex=5",
        {n: f"/DanhSach.aspx?CatID=3&PageIndex={n}" for n in range(1, 9)},
        "https://huyen.example.gov.vn/DanhSach.aspx?CatID=3&PageIndex=6",
    ),
    "?start=N": (
        "https://huyen.example.gov.vn/tin-tuc?start=10",
        {n: "/tin-tuc" if n == 1 else f"/tin-tuc?start={(n - 1) * 10}" for n in range(1, 6)},
        "https://huyen.example.gov.vn/tin-tuc?start=20",
    ),
    "limitstart=N": (
        "https://huyen.example.gov.vn/index.php?option=com_content&view=category&id=9&limitstart=30",
        {
            n: f"/index.php?option=com_content&view=category&id=9&limitstart={(n - 1) * 15}"
            for n in range(1, 6)
        },
        "https://huyen.example.gov.vn/index.php?option=com_content&view=category&id=9&limitstart=45",
    ),
    "_101_cur=N": (
        "https://so.example.gov.vn/tin-tuc?p_p_id=101&p_p_lifecycle=0&_101_delta=10&_101_cur=7",
        {
            n: f"/tin-tuc?p_p_id=101&p_p_lifecycle=0&_101_delta=10&_101_cur={n}"
            for n in range(5, 10)
        },
        "https://so.example.gov.vn/tin-tuc?p_p_id=101&p_p_lifecycle=0&_101_delta=10&_101_cur=8",
    ),
}


@pytest.mark.parametrize("style", list(STYLES))
def test_every_number_linked_current_read_from_the_page_url(style: str) -> None:
    url, hrefs, expected = STYLES[style]
    listing = listing_of(pager_page(numbered(hrefs)), url)
    assert listing.next_page == expected
    assert listing.next_source == "number"
    assert len(listing.links) == 4


def test_only_numbered_links_on_page_one() -> None:
    """Page 1 has no page parameter; its own number is not shown as a link."""
    pager = "<span>1</span> " + numbered({n: f"/tin-tuc/trang-{n}.html" for n in range(2, 6)})
    listing = listing_of(pager_page(pager), "https://xa.example.gov.vn/tin-tuc.html")
    assert listing.next_page == "https://xa.example.gov.vn/tin-tuc/trang-2.html"


def test_only_numbered_links_on_page_one_without_any_marker() -> None:
    """Every number a link (1 too) and nothing marked: page 1 is the URL without parameter."""
    pager = numbered({1: "/tin-tuc", **{n: f"/tin-tuc?page={n}" for n in range(2, 6)}})
    listing = listing_of(pager_page(pager), "https://xa.example.gov.vn/tin-tuc")
    assert listing.next_page == "https://xa.example.gov.vn/tin-tuc?page=2"


def test_middle_page_marked_on_its_list_item() -> None:
    """`<li aria-current><a href="#">3</a>` (a dead link marks the current page)."""
    pager = (
        '<ul><li><a href="/tin?page=2">2</a></li><li aria-current="page"><a href="#">3</a></li>'
        '<li><a href="/tin?page=4">4</a></li></ul>'
    )
    listing = listing_of(pager_page(pager), "https://xa.example.gov.vn/tin?page=3")
    assert listing.next_page == "https://xa.example.gov.vn/tin?page=4"


def test_zero_based_page_parameter() -> None:
    """Drupal numbers pages from 0 in the URL: "?page=1" is the page showing "2"."""
    pager = numbered({1: "/tin", 2: "/tin?page=1", 3: "/tin?page=2", 4: "/tin?page=3"})
    listing = listing_of(pager_page(pager), "https://h.example.gov.vn/tin?page=1")
    assert listing.next_page == "https://h.example.gov.vn/tin?page=2"


def test_rel_next_and_a_last_page() -> None:
    head = '<html><head><link rel="next" href="/tin?page=3"></head>'
    listing = listing_of(head + pager_page("")[6:], "https://xa.example.gov.vn/tin?page=2")
    assert (listing.next_page, listing.next_source) == (
        "https://xa.example.gov.vn/tin?page=3",
        "rel_next",
    )
    last = numbered({1: "/tin", 2: "/tin?page=2"}) + " <span>3</span> <a href='/tin'>« Đầu</a>"
    listing = listing_of(pager_page(last), "https://xa.example.gov.vn/tin?page=3")
    assert listing.next_page is None


def test_labels_first_last_previous_are_not_next() -> None:
    pager = (
        '<a href="/tin?page=1">« Đầu</a> <a href="/tin?page=1">Trước</a> '
        '<a href="/tin?page=9">Cuối »</a> <a href="/tin?page=3">Trang tiếp</a>'
    )
    listing = listing_of(pager_page(pager), "https://xa.example.gov.vn/tin?page=2")
    assert listing.next_page == "https://xa.example.gov.vn/tin?page=3"


def test_a_date_archive_link_is_not_the_next_page() -> None:
    pager = '<a href="/tin/2024/03/">Tiếp</a> <a href="/lich?ngay=2024-03-05">»</a>'
    listing = listing_of(pager_page(pager), "https://xa.example.gov.vn/tin")
    assert listing.next_page is None


def test_profile_hook_is_validated() -> None:
    """A hook's answer counts when it is another page of the same site, never otherwise."""
    url = "https://xa.example.gov.vn/tin?page=2"
    doc: Document = parse_document(pager_page(numbered({3: "/tin?page=3"})), url)
    assert find_listing(doc, lambda _: url).next_page == "https://xa.example.gov.vn/tin?page=3"
    assert (
        find_listing(doc, lambda _: "https://other.example.vn/tin?page=3").next_source == "number"
    )
    hooked = find_listing(doc, lambda _: "https://xa.example.gov.vn/tin?page=3#top")
    assert hooked.next_source == "profile"


# --- the platform fixtures with every class and id renamed --------------------------------

PLATFORM_LISTINGS = sorted((FIXTURES / "platforms").glob("*/listing_*.html"))


@pytest.mark.parametrize(
    "page", PLATFORM_LISTINGS, ids=[f"{p.parent.name}/{p.stem}" for p in PLATFORM_LISTINGS]
)
def test_platform_listing_with_every_class_renamed(page: Path) -> None:
    """Same links (exact list) and next page as the hand-written expected record. A page
    whose next page is a form postback has no next_page URL either way."""
    case = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    html = rename_classes(page.read_text(encoding="utf-8"))
    listing = listing_of(html, case["url"], profile=True)
    assert listing.links == case["expected"]["links"]
    assert listing.next_page == case["expected"]["next_page"]


# --- a menu of section links is not a listing; a grid of tiles is ----------------------------

_MENU_PAGE = """<html><head><title>Liên hệ</title></head><body>
<div class="k0"><a href="{home}/"><img src="/logo.png" alt="logo"></a></div>
{menu}
<div class="k2"><h1>Liên hệ</h1><p>Văn phòng Ủy ban nhân dân xã Nà Mẫu, số 2 đường Bờ Sông.</p>
<p>Giờ tiếp dân: sáng thứ Hai đến thứ Sáu.</p></div>
<div class="k3"><a href="{home}/gioi-thieu/tabid/153/Default.aspx">Giới thiệu</a> |
<a href="{home}/lien-he/tabid/199/Default.aspx">Liên hệ</a></div></body></html>"""
_SECTIONS = (
    ("/Default.aspx", "Trang chủ"),
    ("/gioi-thieu/tabid/153/Default.aspx", "Giới thiệu chung về xã"),
    ("/tin-hoat-dong-cua-xa/tabid/175/Default.aspx", "Tin hoạt động của xã"),
    ("/van-ban-chi-dao-dieu-hanh/tabid/190/Default.aspx", "Văn bản chỉ đạo điều hành"),
    ("/lich-cong-tac-tuan/tabid/192/Default.aspx", "Lịch công tác tuần"),
    ("/lien-he/tabid/199/Default.aspx", "Liên hệ với chúng tôi"),
)


def _menu(home: str, wrapper: str) -> str:
    items = "".join(f'<li><a href="{home}{path}">{label}</a></li>' for path, label in _SECTIONS)
    return wrapper.format(items=f"<ul>{items}</ul>")


@pytest.mark.parametrize(
    "wrapper",
    [
        '<div class="k1">{items}</div>',  # bare: told by its links home and to this page
        '<nav class="k1">{items}</nav>',
        '<div class="k1" role="navigation">{items}</div>',
    ],
)
@pytest.mark.parametrize("home", ["http://127.0.0.1:8000", "https://xa-namau.example.gov.vn"])
def test_a_menu_of_sections_is_not_a_listing(wrapper: str, home: str) -> None:
    """Section URLs carry ids too (DotNetNuke's /tabid/153/), and the host's digits are not
    an article id: a short page with a menu has no article list."""
    url = home + "/lien-he/tabid/199/Default.aspx"
    html = _MENU_PAGE.format(home=home, menu=_menu(home, wrapper))
    listing = listing_of(html, url)
    assert listing.links == []
    assert extract_page(html, url).kind != "listing"


@pytest.mark.parametrize(
    "href",
    [
        "/tin-hoat-dong/bai-{id}.html",
        # Joomla without URL rewriting: /index.php with a query is an article, not home
        "/index.php?option=com_content&view=article&id={id}&catid=12",
    ],
)
def test_a_bare_list_of_headlines_is_still_a_listing(href: str) -> None:
    """The control: bare title links to articles (ids in their URLs), no dates, no menu
    traits, on a host whose digits no longer count."""
    url = "http://127.0.0.1:8000/tin-hoat-dong/"
    titles = [
        "Ra quân dọn vệ sinh kênh mương nội đồng đầu năm",
        "Tập huấn kỹ thuật nuôi ong lấy mật cho hội viên nông dân",
        "Trao nhà đại đoàn kết cho hộ cận nghèo thôn Bản Mẫu",
        "Kiểm tra an toàn thực phẩm tại các bếp ăn tập thể",
    ]
    hrefs = [href.format(id=3310 + n) for n in range(len(titles))]
    items = "".join(
        f'<li><a href="{h.replace("&", "&amp;")}">{t}</a></li>'
        for h, t in zip(hrefs, titles, strict=True)
    )
    html = _MENU_PAGE.format(home="", menu=f'<div class="k1"><ul>{items}</ul></div>')
    links = listing_of(html, url).links
    assert links == ["http://127.0.0.1:8000" + h for h in hrefs]


_GRID = """<html><head><title>Khuyến nông</title></head><body>
<div class="k0"><ul><li><a href="/">Trang chủ</a></li><li><a href="/tin/">Tin tức</a></li>
<li><a href="/tin/khuyen-nong/">Khuyến nông</a></li><li><a href="/gioi-thieu/">Giới thiệu
chung</a></li><li><a href="/van-ban/">Văn bản chỉ đạo điều hành</a></li><li><a
href="/lich-cong-tac/">Lịch công tác</a></li><li><a href="/lien-he/">Liên hệ</a></li></ul></div>
<div class="k8"><div class="k1"><h1>Khuyến nông</h1>
<div class="k9"><a href="/tin/khuyen-nong/ngay-hoi-nong-dan-499.html"><img src="/anh/499.jpg"
alt=""></a><h2><a href="/tin/khuyen-nong/ngay-hoi-nong-dan-499.html">Ngày hội nông dân giới
thiệu giống lúa mới</a></h2><div>Thứ Tư, 15/11/2023 06:31</div><div>Hội nông dân xã phối hợp
với trạm khuyến nông tổ chức ngày hội giới thiệu các giống lúa chịu hạn....</div></div>
{tiles}
<ul class="k5"><li class="k6"><a href="#">1</a></li><li><a href="/tin/khuyen-nong/page-2/">2</a>
</li><li><a href="/tin/khuyen-nong/page-2/" title="Trang sau">&raquo;</a></li></ul></div>
<div class="k7"><div>Xem nhiều</div><ul><li><a href="/tin/thoi-su/hop-dan-thon-518.html">Họp
dân thôn Bản Mẫu bàn kế hoạch làm đường</a></li><li><a href="/tin/thoi-su/giai-bong-517.html">
Giải bóng chuyền hơi chào mừng ngày hội</a></li></ul>
<div>Thống kê truy cập</div><div>Đang truy cập 9</div><div>Tổng lượt truy cập 301.877</div>
</div></div></body></html>"""
_TILE = """<div class="k2"><div class="k3"><a href="/tin/khuyen-nong/{slug}-{n}.html"><img
src="/anh/{n}.jpg" alt=""></a><div class="k4"><h4><a href="/tin/khuyen-nong/{slug}-{n}.html">
{title}</a></h4></div></div></div>"""


@pytest.mark.parametrize("renamed", [False, True])
def test_a_grid_of_dateless_tiles_is_a_listing(renamed: bool) -> None:
    """One featured item, then thumbnail tiles with a title each, no dates, no summaries
    (NukeViet's grid view): trafilatura reads menu, tiles and sidebar as one text, but the
    page has no text of its own outside the items."""
    url = "http://127.0.0.1:8000/tin/khuyen-nong/"
    tiles = [
        ("ra-quan-lam-dat-vu-mua", "Ra quân làm đất vụ mùa trên các cánh đồng lớn"),
        ("tap-huan-nuoi-ong", "Tập huấn kỹ thuật nuôi ong lấy mật cho nông dân"),
        ("trong-rau-an-toan", "Mở rộng diện tích trồng rau an toàn ở thôn Bản Mẫu"),
        ("phong-tru-sau-cuon-la", "Phòng trừ sâu cuốn lá nhỏ hại lúa xuân muộn"),
        ("cap-nuoc-sach-ban-xa", "Đưa nước sạch về các bản xa trung tâm xã"),
    ]
    html = _GRID.format(
        tiles="".join(
            _TILE.format(slug=slug, n=500 + n, title=title) for n, (slug, title) in enumerate(tiles)
        )
    )
    record = extract_page(rename_classes(html) if renamed else html, url)
    assert record.kind == "listing"
    assert record.links == [
        "http://127.0.0.1:8000/tin/khuyen-nong/ngay-hoi-nong-dan-499.html",
        *(
            f"http://127.0.0.1:8000/tin/khuyen-nong/{slug}-{500 + n}.html"
            for n, (slug, _) in enumerate(tiles)
        ),
    ]
    assert record.next_page == "http://127.0.0.1:8000/tin/khuyen-nong/page-2/"
