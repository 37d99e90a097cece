"""The page chrome shared by every HTML page: head, header, sidebar and footer.

Everything except the page title, the main column and the visitor counter is identical on all
pages, so it is built once per portal; serving a page then costs one string join.
"""

from __future__ import annotations

from datetime import date
from html import escape

from . import phrases as ph
from .content import ArticleMeta, DemoPortal
from .extras_chrome import extra_footer_block, extra_menu, menu_href
from .rng import rng_for
from .timeline import END_OF_TIMELINE
from .vntext import WEEKDAYS, clock_text, dmy

SITE_NAME = "Cổng thông tin điện tử Thành phố Trà Vinh"
_NON_NEWS_MENU = (
    (
        "Giới thiệu",
        (
            "Tổng quan",
            "Lịch sử hình thành",
            "Cơ cấu tổ chức",
            "Lãnh đạo thành phố",
            "Bản đồ hành chính",
        ),
    ),
    ("Thủ tục hành chính", ("Dịch vụ công trực tuyến", "Tra cứu hồ sơ", "Biểu mẫu")),
    ("Văn bản", ("Văn bản chỉ đạo điều hành", "Văn bản quy phạm pháp luật", "Lấy ý kiến dự thảo")),
)
_BANNER_LINKS = (
    "Dịch vụ công trực tuyến",
    "Hỏi đáp trực tuyến",
    "Lịch công tác",
    "Công khai ngân sách",
    "Quy hoạch - Kế hoạch",
    "Chuyển đổi số",
    "Phổ biến giáo dục pháp luật",
    "Đường dây nóng",
)
_WEBSITES = (
    "Cổng thông tin điện tử tỉnh", "Văn phòng UBND tỉnh", "Sở Nội vụ", "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư", "Sở Tư pháp", "Sở Công Thương", "Sở Giáo dục và Đào tạo",
    "Sở Y tế", "Sở Xây dựng", "Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Thông tin và Truyền thông", "Sở Lao động - Thương binh và Xã hội",
    "Sở Khoa học và Công nghệ", "Thanh tra tỉnh", "Ban Dân tộc", "Huyện Càng Long",
    "Huyện Châu Thành", "Huyện Cầu Kè", "Huyện Tiểu Cần", "Huyện Cầu Ngang",
    "Huyện Trà Cú", "Huyện Duyên Hải", "Thị xã Duyên Hải",
)  # fmt: skip
_TAG_CHROME = 99
_SCHEDULE = (
    ("07:30", "Chủ tịch UBND thành phố họp giao ban với các phòng, ban chuyên môn"),
    ("08:00", "Thường trực HĐND thành phố giám sát công tác cải cách hành chính"),
    ("14:00", "Lãnh đạo UBND thành phố tiếp công dân định kỳ"),
    ("14:30", "Họp Ban Chỉ đạo xây dựng nông thôn mới thành phố"),
    ("08:00", "Kiểm tra tiến độ các công trình thuỷ lợi nội đồng tại xã Long Đức"),
)
_HOTLINES = (
    ("Đường dây nóng UBND thành phố", "0294.3 000 111"),
    ("Tiếp nhận phản ánh, kiến nghị", "0294.3 000 222"),
    ("Công an thành phố", "113"),
    ("Cứu hoả", "114"),
    ("Cấp cứu y tế", "115"),
)
_MENU_SCRIPT = (
    "<script>(function(){var m=document.querySelectorAll('.main-menu > li.has-sub');"
    "for(var i=0;i<m.length;i++){m[i].addEventListener('touchstart',function(){"
    "this.classList.toggle('open');},{passive:true});}"
    "var t=document.querySelector('a[href=\\'#header\\']');if(t){t.addEventListener('click',"
    "function(e){e.preventDefault();window.scrollTo(0,0);});}})();</script>"
)
_CLOCK_SCRIPT = (
    "<script>(function(){var d=new Date(),w=['Chủ Nhật','Thứ Hai','Thứ Ba','Thứ Tư',"
    "'Thứ Năm','Thứ Sáu','Thứ Bảy'],e=document.getElementById('clock');"
    "if(e){e.textContent=w[d.getDay()]+', '+d.getDate()+' tháng '+(d.getMonth()+1)+', '"
    "+d.getFullYear();}})();</script>"
)


def _link_list(articles: list[ArticleMeta]) -> str:
    return "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in articles)


def head(title: str, extra: str = "") -> str:
    """Everything up to and including <body>."""
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)} - {SITE_NAME}</title>"
        '<meta name="generator" content="portal-archive demo portal">'
        '<link rel="stylesheet" href="/static/site.css">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{extra}</head><body>\n"
    )


def header(portal: DemoPortal) -> str:
    """Banner, decoy clock (the portal's date, not an article date) and main menu."""
    extras = portal.extras is not None
    menu = ['<li><a href="/">Trang chủ</a></li>']
    menu += [f'<li><a href="{s.path}">{escape(s.name)}</a></li>' for s in portal.sections]
    if extras:
        menu += extra_menu(portal)
    for label, items in _NON_NEWS_MENU:
        sub = "".join(
            f'<li><a href="{menu_href(item, extras)}">{escape(item)}</a></li>' for item in items
        )
        menu.append(
            f'<li class="has-sub"><a href="{menu_href(label, extras)}">{escape(label)}</a>'
            f'<ul class="sub-menu">{sub}</ul></li>'
        )
    if extras:
        menu.append('<li><a href="/lich-cong-tac/">Lịch công tác</a></li>')
        menu.append('<li><a href="/lien-he/">Liên hệ</a></li>')
    return (
        '<div id="header" class="header">\n'
        '<div class="topbar"><div class="container">'
        f'<span class="clock" id="clock">{clock_text(portal.today)}</span>'
        '<span class="top-links"><a href="#">Sơ đồ cổng</a> | <a href="#">Hỏi đáp</a> | '
        '<a href="#">Liên hệ</a> | <a href="#">English</a></span></div></div>\n'
        '<div class="banner"><div class="container">'
        '<div class="site-name">CỔNG THÔNG TIN ĐIỆN TỬ THÀNH PHỐ TRÀ VINH</div>'
        '<div class="site-slogan">Bản sao trình diễn của portal-archive - nội dung mô phỏng</div>'
        "</div></div>\n"
        '<div class="nav"><div class="container">'
        f'<ul class="main-menu">{"".join(menu)}</ul>'
        '<form class="search" action="/tim-kiem" method="get">'
        '<input type="text" name="q" placeholder="Nhập từ khóa tìm kiếm...">'
        '<button type="submit">Tìm</button></form></div></div>\n'
        "</div>\n"
    )


def sidebar_before_counter(portal: DemoPortal) -> str:
    """Sidebar boxes up to where the visitor counter is inserted."""
    banners = "".join(
        f'<li><a class="bl bl-{i}" href="#">{escape(label)}</a></li>'
        for i, label in enumerate(_BANNER_LINKS, start=1)
    )
    options = "".join(f'<option value="#">{escape(name)}</option>' for name in _WEBSITES)
    return (
        '<div class="box box-tinmoi"><div class="box-title">Tin mới</div>'
        f"<ul>{_link_list(portal.newest(5))}</ul></div>\n"
        '<div class="box box-xemnhieu"><div class="box-title">Tin xem nhiều</div>'
        f"<ul>{_link_list(portal.most_viewed(5))}</ul></div>\n"
        '<div class="box box-banner"><div class="box-title">Chuyên mục</div>'
        f'<ul class="banner-links">{banners}</ul></div>\n'
        '<div class="box box-lienket"><div class="box-title">Liên kết website</div>'
        '<select name="lienket" onchange="if(this.value!=\'#\')window.open(this.value)">'
        f'<option value="#">-- Chọn liên kết --</option>{options}</select></div>\n'
        f"{_documents_box(portal.seed)}{_schedule_box(portal.today)}{_poll_box()}"
    )


def _documents_box(seed: int) -> str:
    """'Văn bản mới': recent decrees (plain text entries; their dates are decoys too)."""
    rng = rng_for(seed, _TAG_CHROME)
    items = []
    for _ in range(8):
        kind, code = rng.choice(ph.DOCUMENT_KINDS)
        about = rng.choice(ph.DOCUMENT_SUBJECTS).format(
            year=END_OF_TIMELINE.year,
            campaign=rng.choice(ph.FILLERS["campaign"]),
            field=rng.choice(ph.FILLERS["field"]),
        )
        number = code.format(n=rng.randint(20, 480))
        items.append(
            f'<li><a href="#" title="{escape(about)}">{kind} số {number}</a>'
            f'<div class="doc-about">Về việc {escape(about)}</div></li>'
        )
    return (
        '<div class="box box-vanban"><div class="box-title">Văn bản chỉ đạo điều hành</div>'
        f"<ul>{''.join(items)}</ul></div>\n"
    )


def _schedule_box(today: date) -> str:
    """This week's schedule, Monday to Friday."""
    days = []
    for offset, (hour, task) in enumerate(_SCHEDULE):
        day = today.toordinal() - today.weekday() + offset
        weekday = WEEKDAYS[offset]
        days.append(
            f'<li><span class="lct-day">{weekday} ({dmy(date.fromordinal(day))})</span> '
            f'<span class="lct-time">{hour}</span> {escape(task)}</li>'
        )
    hotlines = "".join(
        f"<li>{escape(label)}: <strong>{number}</strong></li>" for label, number in _HOTLINES
    )
    return (
        '<div class="box box-lichcongtac"><div class="box-title">Lịch công tác tuần</div>'
        f"<ul>{''.join(days)}</ul></div>\n"
        '<div class="box box-hotline"><div class="box-title">Thông tin cần biết</div>'
        f"<ul>{hotlines}</ul></div>\n"
    )


_POLL = (
    "Thông tin trên cổng dễ tìm, dễ đọc",
    "Nội dung cập nhật kịp thời",
    "Cần bổ sung thêm dịch vụ công trực tuyến",
    "Ý kiến khác",
)


def _poll_box() -> str:
    """'Thăm dò ý kiến': a form (crawlers do not submit it)."""
    options = "".join(
        f'<li><label><input type="radio" name="poll" value="{i}"> {escape(text)}</label></li>'
        for i, text in enumerate(_POLL, start=1)
    )
    return (
        '<div class="box box-poll"><div class="box-title">Thăm dò ý kiến</div>'
        '<form action="/quan-tri/binh-chon" method="post">'
        "<p>Bạn đánh giá thế nào về Cổng thông tin điện tử thành phố?</p>"
        f'<ul>{options}</ul><button type="submit">Bình chọn</button> '
        '<a href="#">Xem kết quả</a></form></div>\n'
    )


def _sitemap(portal: DemoPortal) -> str:
    cols = [
        '<li><a href="/">Trang chủ</a></li>'
        + "".join(f'<li><a href="{s.path}">{escape(s.name)}</a></li>' for s in portal.sections)
    ]
    for label, items in _NON_NEWS_MENU:
        cols.append(
            f"<li><strong>{escape(label)}</strong></li>"
            + "".join(f'<li><a href="#">{escape(item)}</a></li>' for item in items)
        )
    return (
        '<div class="sitemap">'
        + "".join(f'<ul class="sitemap-col">{col}</ul>' for col in cols)
        + "</div>"
    )


def footer(portal: DemoPortal) -> str:
    """Closes the sidebar and the main container, then the footer and </html>."""
    return (
        "\n</div></div>\n"
        f'<div id="footer" class="footer"><div class="container">{_sitemap(portal)}'
        f"{extra_footer_block(portal) if portal.extras is not None else ''}"
        "<p><strong>Cơ quan chủ quản: Ủy ban nhân dân thành phố Trà Vinh</strong></p>"
        "<p>Địa chỉ: số 1 đường Minh Họa, Phường 1, thành phố Trà Vinh, tỉnh Trà Vinh</p>"
        "<p>Điện thoại: 0294.3 000 000 - Fax: 0294.3 000 001"
        " - Email: demo@portal-archive.invalid</p>"
        "<p>Chịu trách nhiệm chính: Trưởng Ban biên tập Cổng thông tin điện tử thành phố</p>"
        '<p class="demo-note">Giấy phép số 00/GP-TTĐT (minh họa): đây là bản sao trình diễn do'
        " portal-archive tạo ra để kiểm thử, không phải trang chính thức, nội dung là mô phỏng.</p>"
        "<p>Ghi rõ nguồn “Cổng thông tin điện tử Thành phố Trà Vinh” khi phát hành lại thông tin"
        " từ trang này.</p>"
        '<p><a href="#header">| Về đầu trang |</a></p>'
        f"</div></div>\n{_CLOCK_SCRIPT}\n{_MENU_SCRIPT}\n</body></html>\n"
    )


class Chrome:
    """Pre-rendered chrome of one portal."""

    def __init__(self, portal: DemoPortal) -> None:
        self.header = header(portal)
        self.sidebar = sidebar_before_counter(portal)
        self.footer_bytes = footer(portal).encode("utf-8")

    def prefix(self, title: str, main_html: str, extra_head: str = "") -> bytes:
        """Page bytes before the counter: head, header, main column, sidebar boxes."""
        return "".join(
            (
                head(title, extra_head),
                self.header,
                '<div id="main" class="container"><div class="col-main">\n',
                main_html,
                '\n</div><div class="col-side">\n',
                self.sidebar,
            )
        ).encode("utf-8")
