"""The demo portal's content model: a pure function of (articles, seed), O(1) per article.

Nothing is precomputed per article, so `DemoPortal(100_000)` starts instantly; generated
headlines are memoised because listings and sidebars ask for the same ones repeatedly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from .rng import TAG_VIEWS, mix
from .seed import SeedArticle, load_seed
from .timeline import SECTIONS, Timeline
from .vntext import slugify
from .writer import Attachment, Body, Figure, Headline, write_body, write_headline

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
    "DemoPortal",
    "Figure",
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

    index: int  # 0 = newest
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

    @property
    def path(self) -> str:
        return f"/{self.section.slug}/{self.slug}-{self.id}.html"


class DemoPortal:
    """Deterministic replica content: sections, article metadata and bodies by index."""

    def __init__(self, articles: int = 240, seed: int = 1) -> None:
        if not 1 <= articles <= MAX_ARTICLES:
            raise ValueError(f"articles must be between 1 and {MAX_ARTICLES:,}, got {articles}")
        self.articles = articles
        self.seed = seed
        self.timeline = Timeline(articles, seed)
        self.sections = tuple(Section(i, slug, name) for i, (slug, name) in enumerate(SECTIONS))
        self._by_slug = {s.slug: s for s in self.sections}
        self.article = lru_cache(maxsize=16_384)(self._article)
        self.body = lru_cache(maxsize=256)(self._body)

    # -- articles -----------------------------------------------------------------------------

    @property
    def seed_index(self) -> int:
        return self.timeline.seed_index

    @property
    def seed_article(self) -> ArticleMeta:
        return self.article(self.seed_index)

    def _article(self, index: int) -> ArticleMeta:
        if not 0 <= index < self.articles:
            raise IndexError(index)
        tl = self.timeline
        serial = tl.serial(index)
        section = self.sections[tl.section_of(index)]
        published = tl.published(index)
        is_seed = index == tl.seed_index
        if is_seed:
            seed = load_seed()
            headline = Headline(seed.title, seed.lead, 1, "", "", "", "")
        else:
            headline = write_headline(self.seed, serial, section.index, published)
        views = 60 + mix(self.seed, TAG_VIEWS, serial) % 1400 + min(index, 2000) // 4
        return ArticleMeta(
            index=index,
            id=FIRST_ID + serial,
            section=section,
            title=headline.title,
            slug=slugify(headline.title),
            published=published,
            has_time=tl.has_time(index),
            sapo=headline.sapo,
            images=headline.images,
            views=views,
            is_seed=is_seed,
            headline=headline,
        )

    def _body(self, meta: ArticleMeta) -> Body:
        if meta.is_seed:
            return _seed_body(load_seed())
        return write_body(
            self.seed, meta.id - FIRST_ID, meta.section.index, meta.published, meta.headline
        )

    def article_by_id(self, article_id: int) -> ArticleMeta | None:
        serial = article_id - FIRST_ID
        if not 0 <= serial < self.articles:
            return None
        return self.article(self.articles - 1 - serial)

    def iter_articles(self) -> Iterator[ArticleMeta]:
        """All articles, newest first (O(N): for tests and tools, never for page rendering)."""
        return (self.article(i) for i in range(self.articles))

    def newest(self, count: int) -> list[ArticleMeta]:
        return [self.article(i) for i in range(min(count, self.articles))]

    def most_viewed(self, count: int, skip: int = 5, window: int = 60) -> list[ArticleMeta]:
        """The 'Tin xem nhiều' box: most viewed among recent articles, excluding the newest."""
        pool = [
            self.article(i) for i in range(min(skip, self.articles), min(window, self.articles))
        ]
        return sorted(pool, key=lambda a: (-a.views, a.index))[:count]

    # -- sections -----------------------------------------------------------------------------

    def section(self, slug: str) -> Section | None:
        return self._by_slug.get(slug)

    def section_size(self, section: Section) -> int:
        return self.timeline.section_counts[section.index]

    def page_count(self, section: Section) -> int:
        """Listing pages of a section (at least 1, even for an empty section)."""
        return max(1, -(-self.section_size(section) // PAGE_SIZE))

    def section_articles(self, section: Section, start: int, count: int) -> list[ArticleMeta]:
        """Articles at positions start..start+count-1 of a section, newest first."""
        stop = min(start + count, self.section_size(section))
        tl = self.timeline
        return [self.article(tl.index_in_section(section.index, p)) for p in range(start, stop)]

    def listing(self, section: Section, page: int) -> list[ArticleMeta]:
        """Listing page (1-based); empty past the end."""
        return self.section_articles(section, (page - 1) * PAGE_SIZE, PAGE_SIZE)

    def position_in_section(self, meta: ArticleMeta) -> int:
        return self.timeline.position_in_section(meta.index)

    def listing_page_of(self, meta: ArticleMeta) -> int:
        return self.position_in_section(meta) // PAGE_SIZE + 1

    # -- "Các bài viết khác" ------------------------------------------------------------------

    def other_page_count(self, meta: ArticleMeta) -> int:
        return max(1, -(-(self.section_size(meta.section) - 1) // PAGE_SIZE))

    def other_articles(self, meta: ArticleMeta, page: int = 1) -> list[ArticleMeta]:
        """Older articles of the same section after this one, wrapping to the newest."""
        size = self.section_size(meta.section)
        own = self.position_in_section(meta)
        first = (page - 1) * PAGE_SIZE
        count = min(PAGE_SIZE, size - 1 - first)
        tl = self.timeline
        return [
            self.article(tl.index_in_section(meta.section.index, (own + 1 + first + i) % size))
            for i in range(max(0, count))
        ]


def _seed_body(seed: SeedArticle) -> Body:
    """The seed keeps its real layout: the image first, then its paragraphs verbatim."""
    blocks: tuple[str | Figure, ...] = (Figure(1, seed.caption), *seed.paragraphs)
    return Body(blocks, seed.author, ())
