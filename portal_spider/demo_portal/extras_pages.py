"""Pages of the non-news menu targets (extras.py): document register, work schedule, static pages.

They are built to look busy, as on real portals: the register is a paginated table of dated
entries, each a document page (số ký hiệu, ngày ban hành, trích yếu, a PDF); the schedule is a
paginated series of weekly tables with dated entries. Neither is a news section.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from .content import PAGE_SIZE, Section
from .extras import DOCUMENT_COUNT, SCHEDULE_WEEKS, Document, document, schedule_week, week_start
from .render import _CRUMB_HOME, Page, Renderer, _pagination
from .vntext import WEEKDAYS, dmy

_REGISTER = Section(-1, "van-ban", "Văn bản")
_SCHEDULE = Section(-2, "lich-cong-tac", "Lịch công tác")
ISSUER = "UBND thành phố Trà Vinh"
DOCUMENT_PAGES = -(-DOCUMENT_COUNT // PAGE_SIZE)


def _register_row(doc: Document, row: int) -> str:
    return (
        f'<tr><td class="stt">{row}</td>'
        f'<td class="so-ky-hieu"><a href="{doc.path}">{escape(doc.code)}</a></td>'
        f'<td class="ngay-ban-hanh">{dmy(doc.issued)}</td>'
        f'<td class="trich-yeu"><a href="{doc.path}">{escape(doc.kind)} về việc'
        f" {escape(doc.about[:1].lower() + doc.about[1:])}</a></td>"
        f'<td class="tai-ve"><a href="{doc.pdf_path}" title="Tải về">PDF</a></td></tr>'
    )


class ExtraPages:
    """Renders the extra non-news pages with the portal's chrome."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.seed = renderer.portal.seed
        self.today = renderer.portal.today
        self.about = self._static("Giới thiệu", _ABOUT)
        self.contact = self._static("Liên hệ", _CONTACT)

    def _static(self, title: str, body: str) -> Page:
        main = (
            f"{_CRUMB_HOME}<span>{title}</span></div>"
            f'<div class="static-page"><h1 class="page-title">{title}</h1>{body}</div>'
        )
        return self.renderer._page(title, main)

    def register(self, page: int) -> Page | None:
        """Listing page `page` of the document register, newest first; None past the end."""
        if not 1 <= page <= DOCUMENT_PAGES:
            return None
        first = DOCUMENT_COUNT - (page - 1) * PAGE_SIZE
        numbers = range(first, max(0, first - PAGE_SIZE), -1)
        rows = "".join(
            _register_row(document(self.seed, n), (page - 1) * PAGE_SIZE + i)
            for i, n in enumerate(numbers, start=1)
        )
        main = (
            f"{_CRUMB_HOME}<span>Văn bản</span></div>"
            '<h1 class="category-title">Văn bản chỉ đạo điều hành</h1>'
            '<form class="doc-search" action="/van-ban/" method="get">'
            '<input type="text" name="tu-khoa" placeholder="Số ký hiệu, trích yếu...">'
            '<button type="submit">Tìm văn bản</button></form>'
            '<table class="doc-table"><thead><tr><th>STT</th><th>Số ký hiệu</th>'
            "<th>Ngày ban hành</th><th>Trích yếu</th><th>Tải về</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>{_pagination(_REGISTER, page, DOCUMENT_PAGES)}"
        )
        title = "Văn bản" if page == 1 else f"Văn bản - Trang {page}"
        return self.renderer._page(title, main)

    def has_document(self, number: int, slug: str) -> bool:
        return 1 <= number <= DOCUMENT_COUNT and document(self.seed, number).slug == slug

    def document(self, number: int, slug: str) -> Page | None:
        if not 1 <= number <= DOCUMENT_COUNT:
            return None
        doc = document(self.seed, number)
        if doc.slug != slug:
            return None
        fields = (
            ("Số ký hiệu", escape(doc.code)),
            ("Ngày ban hành", dmy(doc.issued)),
            ("Ngày có hiệu lực", dmy(doc.effective)),
            ("Loại văn bản", escape(doc.kind)),
            ("Cơ quan ban hành", ISSUER),
            ("Lĩnh vực", escape(doc.field[:1].upper() + doc.field[1:])),
            ("Người ký", escape(doc.signer)),
            ("Trích yếu", escape(doc.about)),
            ("Tệp đính kèm", f'<a href="{doc.pdf_path}">{escape(doc.slug)}.pdf</a>'),
        )
        rows = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in fields)
        main = (
            f'{_CRUMB_HOME}<a href="/van-ban/">Văn bản</a></div>'
            f'<div class="doc-detail"><h1 class="doc-title">{escape(doc.kind)}'
            f" số {escape(doc.code)}</h1>"
            f'<table class="doc-info">{rows}</table>'
            f'<div class="doc-file"><a class="download" href="{doc.pdf_path}">Tải về văn bản</a>'
            "</div></div>"
        )
        return self.renderer._page(f"{doc.kind} số {doc.code}", main)

    def schedule(self, page: int) -> Page | None:
        """Week `page` (1 = this week) of the work schedule; None past SCHEDULE_WEEKS."""
        if not 1 <= page <= SCHEDULE_WEEKS:
            return None
        monday = week_start(self.today, page)
        rows = []
        for entry in schedule_week(self.seed, monday):
            day = f"{WEEKDAYS[entry.day.weekday()]}<br>{dmy(entry.day)}"
            rows.append(
                f'<tr><td class="lct-day">{day}</td><td class="lct-time">{entry.time}</td>'
                f'<td class="lct-task">{escape(entry.task)}</td>'
                f"<td>{escape(entry.chair)}</td><td>{escape(entry.place)}</td></tr>"
            )
        sunday = monday + timedelta(days=6)
        week = monday.isocalendar()[1]
        heading = f"Lịch công tác tuần {week} (từ {dmy(monday)} đến {dmy(sunday)})"
        nav = []
        if page < SCHEDULE_WEEKS:
            nav.append(f'<a class="prev-week" href="?page={page + 1}">‹ Tuần trước</a>')
        if page > 1:
            nav.append(f'<a class="next-week" href="?page={page - 1}">Tuần sau ›</a>')
        main = (
            f"{_CRUMB_HOME}<span>Lịch công tác</span></div>"
            f'<h1 class="category-title">{heading}</h1>'
            f'<div class="week-nav">{" ".join(nav)}</div>'
            '<table class="schedule"><thead><tr><th>Thứ, ngày</th><th>Thời gian</th>'
            "<th>Nội dung</th><th>Chủ trì</th><th>Địa điểm</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"{_pagination(_SCHEDULE, page, SCHEDULE_WEEKS)}"
        )
        title = "Lịch công tác" if page == 1 else f"Lịch công tác - Trang {page}"
        return self.renderer._page(title, main)


_ABOUT = (
    "<p>Thành phố Trà Vinh là đô thị loại II, trung tâm chính trị, kinh tế, văn hóa của tỉnh"
    " Trà Vinh, gồm chín phường và một xã. Đây là trang giới thiệu của bản sao trình diễn do"
    " portal-archive tạo ra; các số liệu trên trang là mô phỏng.</p>"
    "<p>Thành phố có hệ thống kênh rạch dày đặc, nhiều chùa Khmer cổ và những hàng cây dầu"
    " cổ thụ dọc các tuyến đường nội ô, tạo nên vẻ đẹp riêng của một đô thị xanh miền Tây.</p>"
    "<h2>Cơ cấu tổ chức</h2><ul><li>Thành ủy</li><li>Hội đồng nhân dân thành phố</li>"
    "<li>Ủy ban nhân dân thành phố</li><li>Ủy ban Mặt trận Tổ quốc Việt Nam thành phố</li></ul>"
)
_CONTACT = (
    "<p><strong>Ban biên tập Cổng thông tin điện tử thành phố</strong></p>"
    "<p>Địa chỉ: số 1 đường Minh Họa, Phường 1, thành phố Trà Vinh</p>"
    "<p>Điện thoại: 0294.3 000 000 - Email: demo@portal-archive.invalid</p>"
    '<form class="contact-form" action="/quan-tri/lien-he" method="post">'
    '<p><label>Họ và tên <input type="text" name="ho-ten"></label></p>'
    '<p><label>Thư điện tử <input type="email" name="email"></label></p>'
    '<p><label>Nội dung <textarea name="noi-dung"></textarea></label></p>'
    '<button type="submit">Gửi liên hệ</button></form>'
)
