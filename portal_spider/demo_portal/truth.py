"""What the demo portal publishes on its day, for tests of discovery, second sources and coverage.

`DemoPortal.truth()` answers from the content model, not by crawling: every article URL online
and which sources list it, the news sections and how a visitor reaches them, the menu targets
that are not news, and whether each dated source's dates can be trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .extras import CREATED_DAY, EXTRA_SPECS, NON_NEWS_TARGETS, NonNewsTarget
from .sources import child_paths, feed_articles

if TYPE_CHECKING:
    from .content import DemoPortal

LISTING, SITEMAP, FEED = "listing", "sitemap", "feed"


@dataclass(frozen=True)
class NewsSection:
    path: str
    name: str
    reach: frozenset[str]  # "menu", "dropdown", "footer", "more-link"
    created_day: int  # 0: there from the start


@dataclass(frozen=True)
class PortalTruth:
    day: int
    articles: dict[str, frozenset[str]]  # path -> sources listing it ({"listing", ...})
    news_sections: tuple[NewsSection, ...]
    non_news: tuple[NonNewsTarget, ...]
    sitemap_children: tuple[str, ...]  # paths, in the index's order
    # Which dated sources carry real dates ("credible") and which stamp every entry with the
    # time they were generated ("generation-time"), as many real portals do.
    dates: dict[str, str]

    def sitemap_only(self) -> set[str]:
        return {path for path, sources in self.articles.items() if sources == {SITEMAP}}


def portal_truth(portal: DemoPortal) -> PortalTruth:
    """The truth of `portal` as served on its day (extras off: listings only, nothing else)."""
    articles: dict[str, set[str]] = {}
    extras = portal.extras is not None
    for meta in portal.iter_articles():  # main articles online, all listed
        articles[meta.path] = {LISTING, SITEMAP} if extras else {LISTING}
    main_reach = frozenset({"menu", "footer"})  # the menu and the footer's site map
    sections = [NewsSection(s.path, s.name, main_reach, 0) for s in portal.sections]
    if not extras:
        return PortalTruth(
            portal.day, {p: frozenset(s) for p, s in articles.items()}, tuple(sections), (), (), {}
        )
    for section in portal.extra_sections:
        spec = EXTRA_SPECS[section.index - len(portal.sections)]
        sections.append(NewsSection(section.path, section.name, spec.reach, spec.created_day))
        for meta in portal.section_articles(section, 0, portal.section_size(section)):
            articles[meta.path] = {LISTING, SITEMAP}
    assert portal.extras is not None
    for article_id in portal.extras.sitemap_only_ids():
        meta = portal.article_by_id(article_id)
        assert meta is not None
        articles[meta.path] = {SITEMAP}
    for meta in feed_articles(portal):
        articles[meta.path].add(FEED)
    return PortalTruth(
        day=portal.day,
        articles={path: frozenset(sources) for path, sources in articles.items()},
        news_sections=tuple(sections),
        non_news=NON_NEWS_TARGETS,
        sitemap_children=tuple(child_paths(portal)),
        dates={
            "/sitemaps/tin-bai-*.xml.gz": "credible",
            "/sitemaps/chuyen-muc.xml": "generation-time",
            "/sitemap.xml": "generation-time",
            "/rss/": "credible",
        },
    )


__all__ = [
    "CREATED_DAY",
    "FEED",
    "LISTING",
    "SITEMAP",
    "NewsSection",
    "PortalTruth",
    "portal_truth",
]
