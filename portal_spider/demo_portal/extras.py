"""The demo portal's extra content (issue 15): what real portals publish beyond four menu sections.

Switched on by `DemoPortal(extras=True)` (the CLI default; `--no-extras` turns it off). It is
content *beside* the day-0 portal: the existing articles keep their ids, sections and URLs.

- news sections whose names no word list guesses, reached in different ways: one in the main
  menu (and a home block's "Xem tất cả" link), one only through a dropdown sub-menu, one only
  from the footer's link block, and one created on day CREATED_DAY (404 before it);
- SITEMAP_ONLY_POSITIONS of "Nông thôn mới" are taken off every listing but stay online (200)
  and in the sitemap;
- non-news targets that look busy: a document register, a weekly work schedule, static pages.

Extra article ids start at EXTRA_ID_BASE, far above any main article's id, so both sets of
URLs never meet. Everything is a pure function of (seed, day); the extras are a few hundred
articles at most, so their order is built once at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from . import phrases as ph
from .days import day_date
from .rng import TAG_DATE_ONLY, TAG_NEW_TIME, TAG_VIEWS, mix, rng_for
from .vntext import slugify
from .writer import Body, Headline, write_body, write_headline

EXTRA_ID_BASE = 50_000_000  # main ids stay below FIRST_ID + 1_000_000 + 20 * 365
_ID_STRIDE = 100_000
CREATED_DAY = 2
SITEMAP_ONLY_POSITIONS = (7, 13, 19, 26)  # positions (0 = newest) in "Nông thôn mới"
DOCUMENT_COUNT = 57
SCHEDULE_WEEKS = 26
_TAG_DOCUMENT = 201
_TAG_SCHEDULE = 202


@dataclass(frozen=True)
class ExtraSpec:
    """One extra news section: how it is reached and how many articles it holds."""

    slug: str
    name: str
    topic: int  # which main section's phrase pools its text uses
    reach: frozenset[str]  # "menu", "dropdown", "footer", "more-link"
    size: int  # articles on day 0 (or on its creation day)
    gap_days: int  # days between two articles (sections existing on day 0)
    created_day: int = 0
    per_day: int = 0  # new articles each day after its creation


EXTRA_SPECS = (
    ExtraSpec("nong-thon-moi", "Nông thôn mới", 2, frozenset({"menu", "more-link"}), 38, 3),
    ExtraSpec("guong-sang-co-so", "Gương sáng cơ sở", 3, frozenset({"dropdown"}), 23, 5),
    ExtraSpec("cau-chuyen-khom-ap", "Câu chuyện khóm ấp", 3, frozenset({"footer"}), 14, 9),
    ExtraSpec("do-thi-van-minh", "Đô thị văn minh", 0, frozenset({"menu"}), 6, 0, CREATED_DAY, 2),
)
SITEMAP_ONLY_SECTION = "nong-thon-moi"


@dataclass(frozen=True)
class NonNewsTarget:
    """A menu target that is not a news section."""

    path: str
    name: str
    kind: str  # "documents" | "schedule" | "page"


NON_NEWS_TARGETS = (
    NonNewsTarget("/van-ban/", "Văn bản", "documents"),
    NonNewsTarget("/lich-cong-tac/", "Lịch công tác", "schedule"),
    NonNewsTarget("/gioi-thieu/", "Giới thiệu", "page"),
    NonNewsTarget("/lien-he/", "Liên hệ", "page"),
)


def _count(spec: ExtraSpec, day: int) -> int:
    return spec.size + spec.per_day * max(0, day - spec.created_day)


def _published(seed: int, spec: ExtraSpec, number: int, k: int, count: int) -> datetime:
    """Publication time of article k (0 = oldest) of an extra section."""
    jitter = mix(seed, TAG_NEW_TIME, EXTRA_ID_BASE + number * _ID_STRIDE + k)
    if spec.created_day == 0:  # spread back from the eve of day 0, every gap_days days
        back = spec.gap_days * (count - 1 - k) + 1
        return day_date(0) - timedelta(days=back) + timedelta(minutes=7 * 60 + jitter % 600)
    if k < spec.size:  # the batch published on the creation day
        return day_date(spec.created_day) + timedelta(minutes=7 * 60 + 50 * k + jitter % 40)
    later, slot = divmod(k - spec.size, spec.per_day)
    start = 8 * 60 + slot * 240
    return day_date(spec.created_day + 1 + later) + timedelta(minutes=start + jitter % 180)


@dataclass(frozen=True)
class ExtraArticle:
    """What the content model needs to build an ArticleMeta for an extra article."""

    id: int
    spec: ExtraSpec
    published: datetime
    has_time: bool
    views: int
    headline: Headline
    sitemap_only: bool


class Extras:
    """The extra sections and their articles as the portal serves them on `day`."""

    def __init__(self, seed: int, day: int) -> None:
        self.seed = seed
        self.day = day
        self.specs = tuple(s for s in EXTRA_SPECS if s.created_day <= day)
        self._articles: dict[int, ExtraArticle] = {}
        self._listed: dict[str, list[int]] = {}  # slug -> listed ids, newest first
        self._hidden: dict[str, list[int]] = {}  # slug -> sitemap-only ids, newest first
        for spec in self.specs:
            number = EXTRA_SPECS.index(spec)
            count = _count(spec, day)
            ids = []
            for k in range(count - 1, -1, -1):
                article_id = EXTRA_ID_BASE + number * _ID_STRIDE + k
                published = _published(seed, spec, number, k, count)
                position = len(ids)
                hidden = spec.slug == SITEMAP_ONLY_SECTION and position in SITEMAP_ONLY_POSITIONS
                self._articles[article_id] = ExtraArticle(
                    article_id,
                    spec,
                    published,
                    mix(seed, TAG_DATE_ONLY, article_id) % 8 != 0,
                    40 + mix(seed, TAG_VIEWS, article_id) % 900,
                    write_headline(seed, article_id, spec.topic, published),
                    hidden,
                )
                ids.append(article_id)
            self._listed[spec.slug] = [i for i in ids if not self._articles[i].sitemap_only]
            self._hidden[spec.slug] = [i for i in ids if self._articles[i].sitemap_only]

    def get(self, article_id: int) -> ExtraArticle | None:
        return self._articles.get(article_id)

    def listed_ids(self, slug: str) -> list[int]:
        return self._listed[slug]

    def sitemap_only_ids(self) -> list[int]:
        return [i for ids in self._hidden.values() for i in ids]

    def all_ids(self) -> list[int]:
        """Every extra article online that day, listed or not, by section then newest first."""
        return [i for spec in self.specs for i in self._listed[spec.slug] + self._hidden[spec.slug]]

    def body(self, article: ExtraArticle) -> Body:
        return write_body(
            self.seed, article.id, article.spec.topic, article.published, article.headline
        )


# -- the document register ------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One entry of the "Văn bản" register: /van-ban/<slug>-<number>.html and its PDF."""

    number: int  # 1 = oldest
    kind: str
    code: str  # số ký hiệu: "45/KH-UBND"
    issued: date
    effective: date
    signer: str
    field: str
    about: str  # trích yếu

    @property
    def slug(self) -> str:
        return slugify(f"{self.kind} {self.code}")

    @property
    def path(self) -> str:
        return f"/van-ban/{self.slug}-{self.number}.html"

    @property
    def pdf_path(self) -> str:
        return f"/uploads/van-ban/{self.slug}-{self.number}.pdf"


_SIGNERS = (
    "Chủ tịch UBND thành phố",
    "Phó Chủ tịch UBND thành phố",
    "Phó Chủ tịch Thường trực UBND thành phố",
)


def document(seed: int, number: int) -> Document:
    """Document `number` (1..DOCUMENT_COUNT, 1 = oldest), one issued every ~4 days before day 0."""
    rng = rng_for(seed, _TAG_DOCUMENT, number)
    kind, template = rng.choice(ph.DOCUMENT_KINDS)
    issued = (day_date(0) - timedelta(days=4 * (DOCUMENT_COUNT - number) + 2)).date()
    field = rng.choice(ph.FILLERS["field"])
    about = rng.choice(ph.DOCUMENT_SUBJECTS).format(
        year=issued.year, campaign=rng.choice(ph.FILLERS["campaign"]), field=field
    )
    name = " ".join(
        (rng.choice(ph.FAMILY_NAMES), rng.choice(ph.MIDDLE_NAMES), rng.choice(ph.GIVEN_NAMES))
    )
    return Document(
        number,
        kind,
        template.format(n=40 + number * 7 + rng.randint(0, 6)),
        issued,
        issued + timedelta(days=rng.choice((0, 0, 10, 15))),
        f"{rng.choice(_SIGNERS)} {name}",
        field,
        about[:1].upper() + about[1:],
    )


# -- the weekly work schedule -----------------------------------------------------------------

_TASKS = (
    "Họp giao ban công tác tuần với các phòng, ban chuyên môn",
    "Làm việc với UBND {ward} về tiến độ giải ngân vốn đầu tư công",
    "Tiếp công dân định kỳ tại Trụ sở Tiếp công dân thành phố",
    "Dự hội nghị sơ kết công tác xây dựng đô thị văn minh",
    "Kiểm tra công tác phòng, chống dịch bệnh trên cây lúa tại {ward}",
    "Họp Hội đồng thi đua - khen thưởng thành phố",
    "Đi cơ sở: khảo sát tuyến kênh nội đồng tại {ward}",
    "Họp thẩm định hồ sơ đề nghị công nhận khóm, ấp văn hóa",
    "Làm việc với Đoàn kiểm tra của tỉnh về cải cách hành chính",
    "Dự lễ khánh thành nhà văn hóa khóm tại {ward}",
)
_CHAIRS = ("Chủ tịch UBND thành phố", "Phó Chủ tịch UBND thành phố", "Lãnh đạo Văn phòng")
_PLACES = ("Phòng họp số 1", "Phòng họp số 2", "Hội trường UBND thành phố", "Trụ sở UBND {ward}")
_TIMES = ("07:30", "08:00", "09:30", "14:00", "15:00")


@dataclass(frozen=True)
class ScheduleEntry:
    day: date
    time: str
    task: str
    chair: str
    place: str


def week_start(today: date, page: int) -> date:
    """Monday of the week shown on schedule page `page` (1 = the portal's current week)."""
    return today - timedelta(days=today.weekday() + 7 * (page - 1))


def schedule_week(seed: int, monday: date) -> list[ScheduleEntry]:
    """One to three entries for each working day (Monday-Saturday) of a week."""
    entries = []
    for offset in range(6):
        day = monday + timedelta(days=offset)
        rng = rng_for(seed, _TAG_SCHEDULE, day.toordinal())
        count = 1 if offset == 5 else rng.randint(1, 3)
        for time in sorted(rng.sample(_TIMES, count)):
            ward = rng.choice(ph.WARDS)
            entries.append(
                ScheduleEntry(
                    day,
                    time,
                    rng.choice(_TASKS).format(ward=ward),
                    rng.choice(_CHAIRS),
                    rng.choice(_PLACES).format(ward=ward),
                )
            )
    return entries
