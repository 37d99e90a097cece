"""Validate every layer's candidates and choose per field, by a stated precedence.

The precedence, strongest first (a candidate is taken only if it passes its field's check):

- title: profile, the visible headline (lines), JSON-LD headline, og:title/itemprop
  (structured), `<title>` without the site name (title_tag). Never the site's or a section's
  name, never a line of fewer than two words.
- published_at: structured (JSON-LD, `article:published_time`, itemprop, Dublin Core), profile,
  the date line by the headline (lines; "Ngày đăng" before "Cập nhật"), a date in the URL.
  Never in the future of the capture, never before 1995. A date-only value takes the time
  from another candidate of the same day (meta often has the day, the visible line the time).
  A structured stamp equal to the capture day is the page's generation time when a visible
  line gives an earlier day: the line wins.
- updated_at: structured dateModified, then an "Cập nhật" line distinct from the published one.
- author: a byline at the ends of the body (lines), the profile's byline, a byline just after
  the body, structured author. Never a CMS account ("Quản trị viên", "bientap"), a date or a
  "Nguồn:" line, which goes to `source`.
- body: the profile's container if it reads as an article (enough words, few links, not a
  list of teasers), else generic main text; see `valid_body`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit

from .bylines import is_plausible_author, parse_bylines
from .dates import is_plausible_date
from .signals import Body, Candidate
from .text import fold_label, text_of

#: A body shorter than this is not an article's, unless the crawl expects an article.
MIN_BODY_CHARS = 200
#: With expect="article", a body this long is still the article's (a short notice).
MIN_EXPECTED_BODY_CHARS = 40
#: Share of the body container's text inside links above which it is a list of links.
MAX_LINK_DENSITY = 0.5
_MIN_TITLE_CHARS = 8
_MAX_TITLE_CHARS = 400
# What portals print in place of a headline on article pages: section and page labels.
_GENERIC_TITLES = frozenset(
    {"tin tức", "tin tuc", "chi tiết tin", "chi tiết", "tin tức - sự kiện", "tin tức sự kiện",
     "thông báo", "trang chủ", "tin hoạt động", "tin mới", "tin bài", "bài viết", "news",
     "home", "chi tiết bài viết", "nội dung chi tiết", "xem tin", "tin tức chi tiết"}
)  # fmt: skip
_SITE_BANNER = re.compile(r"^(?:cổng thông tin|trang thông tin|website|cổng ttđt|trang tin)", re.I)
# A whole line that is a portal's name: "Trang thông tin điện tử huyện Bình Mẫu".
_SITE_NAME = re.compile(
    r"^(?:cổng|trang) (?:thông tin|ttđt)(?: điện tử)?(?: của)? (?:ubnd )?(?:tỉnh|thành phố|tp\.?|"
    r"huyện|quận|thị xã|xã|phường|thị trấn)\b[^,.:;!?]{0,60}$"
)
_DATE_IN_PATH = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")

TITLE_ORDER = ("profile", "lines", "json-ld", "structured", "title_tag")
DATE_ORDER = ("structured", "profile", "lines_published", "lines_updated", "url")


def valid_title(text: str | None, site_names: set[str]) -> bool:
    """A headline: a few words, not the site's name, not a section or page label."""
    if not text or not (_MIN_TITLE_CHARS <= len(text) <= _MAX_TITLE_CHARS):
        return False
    folded = fold_label(text)
    if folded in site_names or folded in _GENERIC_TITLES or len(folded.split()) < 2:
        return False
    return not (_SITE_BANNER.match(folded) and (text.isupper() or _SITE_NAME.match(folded)))


def link_density(element) -> float:
    """Share of an element's text that sits inside links."""
    total = len(text_of(element).strip())
    if not total:
        return 1.0
    linked = sum(len(text_of(a).strip()) for a in element.iter("a"))
    return linked / total


def valid_body(body: Body | None, min_chars: int) -> bool:
    """Enough text, and not mostly link texts (a menu, a list of headlines)."""
    if body is None or body.chars < min_chars:
        return False
    if body.element is not None and body.element.tag not in ("body", "html"):
        return link_density(body.element) <= MAX_LINK_DENSITY
    return True


def choose_title(
    candidates: list[Candidate], site_names: set[str]
) -> tuple[str | None, str | None]:
    """(title, layer) of the best valid title candidate."""
    ranked = sorted((c for c in candidates if c.field == "title"), key=lambda c: _title_rank(c))
    for candidate in ranked:
        if valid_title(candidate.value, site_names):
            return candidate.value, candidate.layer
    return None, None


def _title_rank(candidate: Candidate) -> int:
    key = "json-ld" if candidate.via == "json-ld" else candidate.layer
    return TITLE_ORDER.index(key) if key in TITLE_ORDER else len(TITLE_ORDER)


def choose_dates(
    candidates: list[Candidate], url: str, captured_at: datetime | None
) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """((published_at, layer) or None, (updated_at, layer) or None)."""
    published: list[tuple[int, Candidate]] = []
    updated: list[Candidate] = []
    for candidate in candidates:
        value = candidate.value
        if not isinstance(value, str) or not is_plausible_date(value, captured_at):
            continue
        if candidate.field == "published_at":
            published.append((0, candidate))
        elif candidate.field == "published_line":
            published.append((1 if candidate.layer == "profile" else 2, candidate))
        elif candidate.field == "updated_line":
            published.append((3, candidate))
            updated.append(candidate)
        elif candidate.field == "updated_at":
            updated.insert(0, candidate)
    url_date = _date_in_url(url)
    if url_date and is_plausible_date(url_date, captured_at):
        published.append((4, Candidate("published_at", url_date, "url", "path")))
    published.sort(key=lambda pair: pair[0])
    chosen: Candidate | None = published[0][1] if published else None
    if chosen is not None and chosen.layer == "structured" and captured_at is not None:
        visible = [c for rank, c in published if rank in (1, 2)]
        day = captured_at.date().isoformat() if isinstance(captured_at, datetime) else None
        if visible and chosen.value[:10] == day and visible[0].value[:10] < day:
            chosen = visible[0]  # a meta stamped with the generation time
    if chosen is not None and "T" not in chosen.value:
        for _, other in published:
            if other.value[:10] == chosen.value[:10] and "T" in other.value:
                chosen = other  # the visible time beside a date-only meta
                break
    result_published = (chosen.value, chosen.layer) if chosen else None
    result_updated = None
    for candidate in updated:
        if chosen is None or candidate.value[:16] > chosen.value[:16]:
            result_updated = (candidate.value, candidate.layer)
            break
    return result_published, result_updated


def _date_in_url(url: str) -> str | None:
    match = _DATE_IN_PATH.search(urlsplit(url).path)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


def author_from_text(text: str) -> tuple[str | None, str | None]:
    """(author, source) named by one byline text, labels removed and validated."""
    author = source = None
    for byline in parse_bylines(text):
        if byline.role == "source":
            source = source or byline.name
        elif author is None and is_plausible_author(byline.name):
            author = byline.name
    return author, source
