"""Where the extra content (extras.py) is linked from: menu, dropdown, footer block, home block.

Each extra section is linked only from the places its `ExtraSpec.reach` names, so a crawler
that reads only the top menu level, or only the menu, misses some of them.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from .extras import EXTRA_SPECS

if TYPE_CHECKING:
    from .content import ArticleMeta, DemoPortal

# Menu labels (of layout._NON_NEWS_MENU) that lead somewhere once the extras are on.
_MENU_TARGETS = {"Giới thiệu": "/gioi-thieu/", "Tổng quan": "/gioi-thieu/", "Văn bản": "/van-ban/"}
_DROPDOWN_LABEL = "Chuyên đề"
_DROPDOWN_DECOYS = ("Chuyển đổi số", "Cải cách hành chính")  # '#' items beside the section
MORE_LINK_TEXT = "Xem tất cả"


def menu_href(label: str, extras: bool) -> str:
    return _MENU_TARGETS.get(label, "#") if extras else "#"


def _sections_reached(portal: DemoPortal, way: str) -> list[tuple[str, str]]:
    return [
        (section.path, section.name)
        for section in portal.extra_sections
        if way in EXTRA_SPECS[section.index - len(portal.sections)].reach
    ]


def extra_menu(portal: DemoPortal) -> list[str]:
    """Top-level items for the menu sections, then the dropdown holding the hidden one."""
    items = [
        f'<li><a href="{path}">{escape(name)}</a></li>'
        for path, name in _sections_reached(portal, "menu")
    ]
    sub = [
        f'<li><a href="{path}">{escape(name)}</a></li>'
        for path, name in _sections_reached(portal, "dropdown")
    ]
    sub += [f'<li><a href="#">{escape(label)}</a></li>' for label in _DROPDOWN_DECOYS]
    items.append(
        f'<li class="has-sub"><a href="#">{_DROPDOWN_LABEL}</a>'
        f'<ul class="sub-menu">{"".join(sub)}</ul></li>'
    )
    return items


def extra_footer_block(portal: DemoPortal) -> str:
    """The footer's "Liên kết nhanh" link block (the only link to the footer section)."""
    links = _sections_reached(portal, "footer")
    links += [
        ("/van-ban/", "Văn bản chỉ đạo điều hành"),
        ("/lich-cong-tac/", "Lịch công tác"),
        ("/gioi-thieu/", "Giới thiệu"),
        ("/lien-he/", "Liên hệ"),
        ("/rss/", "RSS"),
    ]
    items = "".join(f'<li><a href="{path}">{escape(name)}</a></li>' for path, name in links)
    return (
        '<div class="footer-links"><div class="footer-links-title">Liên kết nhanh</div>'
        f"<ul>{items}</ul></div>"
    )


def home_blocks(portal: DemoPortal, dated_link: Callable[[ArticleMeta], str]) -> str:
    """Home blocks of the more-link sections: a plain heading, five items, "Xem tất cả"."""
    parts = []
    for path, name in _sections_reached(portal, "more-link"):
        section = portal.section(path.strip("/"))
        assert section is not None
        items = "".join(dated_link(a) for a in portal.section_articles(section, 0, 5))
        parts.append(
            '<div class="home-section home-section-plain">'
            f'<h2 class="home-section-title">{escape(name)}</h2>'
            f'<ul class="home-news">{items}</ul>'
            f'<div class="view-all"><a href="{path}">{MORE_LINK_TEXT} »</a></div></div>\n'
        )
    return "".join(parts)
