"""The demo portal's content model: a pure function of (articles, seed, day), O(1) per article.

Nothing is precomputed per article, so `DemoPortal(100_000)` starts instantly; generated
headlines are memoised because listings and sidebars ask for the same ones repeatedly. A later
day (days.py) only adds small per-day change sets, built once at start-up in O(days).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from . import days as dd
from .days import DayChanges, Edit, EditedArticle, Listings, RemovedArticle
from .extras import EXTRA_ID_BASE, EXTRA_SPECS, ExtraArticle, Extras
from .rng import TAG_DATE_ONLY, TAG_EDIT, TAG_REMOVE, TAG_VIEWS, mix
from .seed import SeedArticle, load_seed
from .timeline import SECTIONS, Timeline
from .vntext import article_date, slugify
from .writer import Attachment, Body, Figure, Headline, write_body, write_headline

if TYPE_CHECKING:
    from .truth import PortalTruth

MAX_ARTICLES = 1_000_000
PAGE_SIZE = 10
FIRST_ID = 10_000

__all__ = [
    "FIRST_ID",
    "MAX_ARTICLES",
    "PAGE_SIZE",
    "ArticleMeta",
    "Attachment",
    "Body",
    "DayChanges",
    "DemoPortal",
    "EditedArticle",
    "Figure",
    "RemovedArticle",
    "Section",
]


@dataclass(frozen=True)
class Section:
    index: int
    slug: str
    name: str

    @property
    def path(self) -> str:
        return f"/{self.slug}/"


@dataclass(frozen=True)
class ArticleMeta:
    """Everything a listing shows about an article (the body is generated separately)."""

    index: int  # 0 = newest on the portal's day (removed articles keep their place)
    id: int  # numeric id in the URL, stable: FIRST_ID + serial (0 = oldest)
    section: Section
    title: str
    slug: str
    published: datetime
    has_time: bool  # False: the page shows only the date
    sapo: str
    images: int
    views: int
    is_seed: bool
    headline: Headline
    modified: datetime | None = None  # when the body was last edited (None: never)

    @property
    def path(self) -> str:
        return f"/{self.section.slug}/{self.slug}-{self.id}.html"

    @property
    def last_modified(self) -> datetime:
        """Local time (+07:00) of the publication, or of the last edit."""
        return self.modified or self.published


class DemoPortal:
    """Deterministic replica content: sections, article metadata and bodies by index.

    `day` > 0 is the portal as it is that many days after the initial state (see days.py):
    `articles` stays the day-0 count, `total_articles` counts every article published so far
    (removed ones included) and indexes run over those, 0 = newest.

    `extras`: also serve the extra content of extras.py (more sections, sitemaps, a feed,
    a document register...). `sections` and `iter_articles` stay the four main sections and
    their articles; `extra_sections` and `truth.py` cover the rest.
    """

    def __init__(
        self, articles: int = 240, seed: int = 1, day: int = 0, extras: bool = False
    ) -> None:
        if not 1 <= articles <= MAX_ARTICLES:
            raise ValueError(f"articles must be between 1 and {MAX_ARTICLES:,}, got {articles}")
        if not 0 <= day <= dd.MAX_DAYS:
            raise ValueError(f"day must be between 0 and {dd.MAX_DAYS}, got {day}")
        self.articles = articles
        self.seed = seed
        self.day = day
        self.total_articles = articles + dd.NEW_PER_DAY * day
        self.timeline = Timeline(articles, seed)
        self.sections = tuple(Section(i, slug, name) for i, (slug, name) in enumerate(SECTIONS))
        self._by_slug = {s.slug: s for s in self.sections}
        self.extras = Extras(seed, day) if extras else None
        self.extra_sections = tuple(
            Section(len(SECTIONS) + EXTRA_SPECS.index(spec), spec.slug, spec.name)
            for spec in (self.extras.specs if self.extras else ())
        )
        self._by_slug.update((s.slug, s) for s in self.extra_sections)
        self._extra_metas: dict[int, ArticleMeta] = {}
        self.article = lru_cache(maxsize=16_384)(self._article)
        self.body = lru_cache(maxsize=256)(self._body)
        self._listings = Listings(self.timeline)
        self._edits: dict[int, Edit] = {}  # serial -> its (only) edit
        self._log: list[tuple[tuple[int, ...], tuple[int, ...], tuple[tuple[int, str], ...]]] = []
        for d in range(1, day + 1):
            self._log.append(self._advance(d))
        self.article.cache_clear()  # metas and bodies made while building predate later edits
        self.body.cache_clear()
        self._other_days: dict[int, DemoPortal] = {}

    @property
    def today(self) -> date:
        """The portal's date: 30/06/2022 on day 0."""
        return dd.day_date(self.day).date()

    @property
    def live_articles(self) -> int:
        """Articles listed on the portal's day (published so far minus removed)."""
        return self.total_articles - len(self._listings.removed)

    # -- articles -----------------------------------------------------------------------------

    @property
    def seed_index(self) -> int:
        return self.timeline.seed_index + self.total_articles - self.articles

    @property
    def seed_article(self) -> ArticleMeta:
        return self.article(self.seed_index)

    def _article(self, index: int) -> ArticleMeta:
        if not 0 <= index < self.total_articles:
            raise IndexError(index)
        tl = self.timeline
        serial = self.total_articles - 1 - index
        base_index = self.articles - 1 - serial  # index on day 0; negative for later articles
        is_seed = serial == tl.seed_serial
        if base_index >= 0:
            section = self.sections[tl.section_of(base_index)]
            published = tl.published(base_index)
            has_time = tl.has_time(base_index)
        else:
            section = self.sections[tl.section_of_serial(serial)]
            day, number = divmod(serial - self.articles, dd.NEW_PER_DAY)
            published = dd.new_published(self.seed, day + 1, number, serial)
            has_time = mix(self.seed, TAG_DATE_ONLY, serial) % 8 != 0
        if is_seed:
            seed = load_seed()
            headline = Headline(seed.title, seed.lead, 1, "", "", "", "")
        else:
            headline = write_headline(self.seed, serial, section.index, published)
        views = 60 + mix(self.seed, TAG_VIEWS, serial) % 1400 + min(max(base_index, 0), 2000) // 4
        edit = self._edits.get(serial)
        return ArticleMeta(
            index=index,
            id=FIRST_ID + serial,
            section=section,
            title=headline.title,
            slug=slugify(headline.title),
            published=published,
            has_time=has_time,
            sapo=headline.sapo,
            images=headline.images,
            views=views,
            is_seed=is_seed,
            headline=headline,
            modified=edit.at if edit else None,
        )

    def _extra_meta(self, article: ExtraArticle) -> ArticleMeta:
        """An extra article's meta; its `index` is its position in its section (-1: unlisted)."""
        meta = self._extra_metas.get(article.id)
        if meta is None:
            assert self.extras is not None
            section = self._by_slug[article.spec.slug]
            listed = self.extras.listed_ids(section.slug)
            headline = article.headline
            meta = ArticleMeta(
                index=listed.index(article.id) if not article.sitemap_only else -1,
                id=article.id,
                section=section,
                title=headline.title,
                slug=slugify(headline.title),
                published=article.published,
                has_time=article.has_time,
                sapo=headline.sapo,
                images=headline.images,
                views=article.views,
                is_seed=False,
                headline=headline,
            )
            self._extra_metas[article.id] = meta
        return meta

    def is_extra(self, section: Section) -> bool:
        return section.index >= len(self.sections)

    def _base_body(self, meta: ArticleMeta) -> Body:
        if meta.id >= EXTRA_ID_BASE and self.extras is not None:
            article = self.extras.get(meta.id)
            assert article is not None
            return self.extras.body(article)
        if meta.is_seed:
            return _seed_body(load_seed())
        return write_body(
            self.seed, meta.id - FIRST_ID, meta.section.index, meta.published, meta.headline
        )

    def _body(self, meta: ArticleMeta) -> Body:
        body = self._base_body(meta)
        edit = self._edits.get(meta.id - FIRST_ID)
        return edit.apply(body) if edit else body

    def _by_serial(self, serial: int) -> ArticleMeta:
        return self.article(self.total_articles - 1 - serial)

    def article_by_id(self, article_id: int) -> ArticleMeta | None:
        """Any article published so far, removed ones included (see `removal`)."""
        if article_id >= EXTRA_ID_BASE:
            article = self.extras.get(article_id) if self.extras else None
            return self._extra_meta(article) if article else None
        serial = article_id - FIRST_ID
        if not 0 <= serial < self.total_articles:
            return None
        return self._by_serial(serial)

    def removal(self, meta: ArticleMeta) -> str | None:
        """How a removed article's URL answers ("http_404", "redirect", "soft_404"), else None."""
        return self._listings.removed.get(meta.id - FIRST_ID)

    def edit(self, meta: ArticleMeta) -> Edit | None:
        """The body correction made to this article so far, if any."""
        return self._edits.get(meta.id - FIRST_ID)

    def iter_articles(self, include_removed: bool = False) -> Iterator[ArticleMeta]:
        """Listed articles, newest first (O(N): for tests and tools, never for page rendering)."""
        removed = self._listings.removed
        return (
            self.article(i)
            for i in range(self.total_articles)
            if include_removed or self.total_articles - 1 - i not in removed
        )

    def _visible(self, count: int) -> list[ArticleMeta]:
        """The `count` newest listed articles, O(count + removed)."""
        removed = self._listings.removed
        result: list[ArticleMeta] = []
        index = 0
        while len(result) < count and index < self.total_articles:
            if self.total_articles - 1 - index not in removed:
                result.append(self.article(index))
            index += 1
        return result

    def newest(self, count: int) -> list[ArticleMeta]:
        return self._visible(count)

    def most_viewed(self, count: int, skip: int = 5, window: int = 60) -> list[ArticleMeta]:
        """The 'Tin xem nhiều' box: most viewed among recent articles, excluding the newest."""
        pool = self._visible(window)[skip:]
        return sorted(pool, key=lambda a: (-a.views, a.index))[:count]

    def etag(self, meta: ArticleMeta, other_page: int = 1) -> str:
        """Strong ETag of an article page: a hash of the article's own content that day.

        Title, date line, sapo, body, author, attachments and view count; not the sidebar,
        counter or "other articles" list, which change with every request or every day.
        """
        body = self.body(meta)
        parts = [meta.title, article_date(meta.published, meta.has_time), meta.sapo]
        parts += [b if isinstance(b, str) else f"[{b.number}] {b.caption}" for b in body.blocks]
        parts += [body.author, *(f"{a.name} {a.title}" for a in body.attachments)]
        parts.append(str(meta.views))
        digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:24]
        return f'"{digest}"' if other_page == 1 else f'"{digest}-p{other_page}"'

    # -- sections -----------------------------------------------------------------------------

    def section(self, slug: str) -> Section | None:
        return self._by_slug.get(slug)

    def section_size(self, section: Section) -> int:
        if self.is_extra(section):
            assert self.extras is not None
            return len(self.extras.listed_ids(section.slug))
        return self._listings.size(section.index)

    def page_count(self, section: Section) -> int:
        """Listing pages of a section (at least 1, even for an empty section)."""
        return max(1, -(-self.section_size(section) // PAGE_SIZE))

    def section_articles(self, section: Section, start: int, count: int) -> list[ArticleMeta]:
        """Articles at positions start..start+count-1 of a section, newest first."""
        stop = min(start + count, self.section_size(section))
        if self.is_extra(section):
            assert self.extras is not None
            ids = self.extras.listed_ids(section.slug)[start:stop]
            return [self._extra_meta(a) for i in ids if (a := self.extras.get(i))]
        at = self._listings.serial_at
        return [self._by_serial(at(section.index, p)) for p in range(start, stop)]

    def listing(self, section: Section, page: int) -> list[ArticleMeta]:
        """Listing page (1-based); empty past the end."""
        return self.section_articles(section, (page - 1) * PAGE_SIZE, PAGE_SIZE)

    def position_in_section(self, meta: ArticleMeta) -> int:
        """0 = newest of its section; -1 for an article that no listing shows."""
        if self.is_extra(meta.section):
            return meta.index
        return self._listings.position_of(meta.id - FIRST_ID)

    def listing_page_of(self, meta: ArticleMeta) -> int:
        return self.position_in_section(meta) // PAGE_SIZE + 1

    # -- "Các bài viết khác" ------------------------------------------------------------------

    def other_page_count(self, meta: ArticleMeta) -> int:
        others = self.section_size(meta.section) - (
            meta.index >= 0 or not self.is_extra(meta.section)
        )
        return max(1, -(-others // PAGE_SIZE))

    def other_articles(self, meta: ArticleMeta, page: int = 1) -> list[ArticleMeta]:
        """Older articles of the same section after this one, wrapping to the newest."""
        size = self.section_size(meta.section)
        own = self.position_in_section(meta)
        first = (page - 1) * PAGE_SIZE
        if own < 0:  # not listed: the section's newest articles
            return self.section_articles(meta.section, first, PAGE_SIZE)
        count = min(PAGE_SIZE, size - 1 - first)
        if self.is_extra(meta.section):
            return [
                self.section_articles(meta.section, (own + 1 + first + i) % size, 1)[0]
                for i in range(max(0, count))
            ]
        at = self._listings.serial_at
        return [
            self._by_serial(at(meta.section.index, (own + 1 + first + i) % size))
            for i in range(max(0, count))
        ]

    def truth(self) -> PortalTruth:
        """What the portal publishes today: article URLs and their sources, sections, targets."""
        from .truth import portal_truth  # truth.py renders sitemaps, which import this module

        return portal_truth(self)

    # -- days ---------------------------------------------------------------------------------

    def _advance(
        self, day: int
    ) -> tuple[tuple[int, ...], tuple[int, ...], tuple[tuple[int, str], ...]]:
        """Apply day `day`'s changes to the listings; return (new, edited, removed) serials."""
        listings = self._listings
        first_new = self.articles + dd.NEW_PER_DAY * (day - 1)
        new = range(first_new, first_new + dd.NEW_PER_DAY)
        listings.add_new(new)
        recent = [
            serial
            for section in range(len(self.sections))
            for position in range(min(PAGE_SIZE, listings.size(section)))
            if (serial := listings.serial_at(section, position)) < first_new
            and serial != self.timeline.seed_serial
        ]
        edited: list[int] = []
        for serial in sorted(recent, key=lambda c: mix(self.seed, TAG_EDIT, day, c)):
            if len(edited) == dd.EDITS_PER_DAY:
                break
            if serial in self._edits:
                continue
            key = mix(self.seed, TAG_EDIT, day, serial, 1)
            edit = dd.find_edit(self._base_body(self._by_serial(serial)), key, day)
            if edit is not None:
                self._edits[serial] = edit
                edited.append(serial)
        kinds = list(dd.REMOVAL_KINDS)
        order = mix(self.seed, TAG_REMOVE, day)
        for i in range(len(kinds) - 1, 0, -1):  # a deterministic permutation of the kinds
            j = order % (i + 1)
            order //= i + 1
            kinds[i], kinds[j] = kinds[j], kinds[i]
        candidates = sorted(
            (c for c in recent if c not in edited), key=lambda c: mix(self.seed, TAG_REMOVE, day, c)
        )
        removed = tuple(zip(candidates[: dd.REMOVALS_PER_DAY], kinds, strict=False))
        for serial, kind in removed:
            listings.remove(serial, kind)
        return tuple(reversed(new)), tuple(edited), removed

    def changes(self, day: int) -> DayChanges:
        """What changed on `day` (cumulative days: day d's portal includes days 1..d).

        Metas are as the portal at max(day, self.day) shows them: ids, URLs and titles never
        depend on the day; `index` counts from that day's newest article.
        """
        if not 0 <= day <= dd.MAX_DAYS:
            raise ValueError(f"day must be between 0 and {dd.MAX_DAYS}, got {day}")
        if day > self.day:
            if day not in self._other_days:
                self._other_days[day] = DemoPortal(
                    self.articles, self.seed, day, extras=self.extras is not None
                )
            return self._other_days[day].changes(day)
        if day == 0:
            return DayChanges(0, (), (), ())
        new, edited, removed = self._log[day - 1]
        edits = []
        for serial in edited:
            e = self._edits[serial]
            meta = self._by_serial(serial)
            edits.append(EditedArticle(meta, e.old_sentence, e.new_sentence, e.at))
        return DayChanges(
            day,
            tuple(self._by_serial(serial) for serial in new),
            tuple(edits),
            tuple(RemovedArticle(self._by_serial(serial), kind) for serial, kind in removed),
        )


def _seed_body(seed: SeedArticle) -> Body:
    """The seed keeps its real layout: the image first, then its paragraphs verbatim."""
    blocks: tuple[str | Figure, ...] = (Figure(1, seed.caption), *seed.paragraphs)
    return Body(blocks, seed.author, ())
