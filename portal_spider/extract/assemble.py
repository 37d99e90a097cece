"""Fill an article record from every layer's candidates, noting where each field came from."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from .article import article_container, find_attachments
from .bylines import is_plausible_author, looks_like_signature
from .choose import author_from_text, choose_dates, choose_title, valid_title
from .dates import parse_vn_datetime
from .document import Document
from .fallback import is_furniture_line, tidy_generic
from .record import PageRecord
from .signals import Body, Candidate
from .signals.lines import (
    byline_by_headline,
    byline_near,
    date_candidates,
    find_headline,
    headline_before,
    is_styled_line,
    lines_under_headline,
    site_names,
    split_bylines,
    summary_between,
    title_tag_heading,
)
from .signals.profile import profile_candidates
from .signals.structured import structured_candidates
from .text import clean_text, fold_label, text_of

VIETNAM = timezone(timedelta(hours=7))
# "Văn Hùng (Phòng Nông nghiệp và PTNT huyện)": a signature with the writer's unit.
_SIGNED_WITH_UNIT = re.compile(r"^(?P<name>[^()]{2,40}?)\s*\((?P<unit>[^()]{2,100})\)\.?$")
# Headings of the boxes around an article, which a signature scan can meet.
_BOX_HEADING = re.compile(
    r"^(?:thống kê truy cập|liên kết website|tin mới|tin liên quan|văn bản mới|thăm dò ý kiến|"
    r"tin đọc nhiều|tin xem nhiều|các tin khác|bài viết khác|chuyên mục|danh mục|trang chủ)\b"
)
# The portal's own name, which themes put in <meta name="author">.
_SITE_NAME = re.compile(r"^(?:cổng thông tin|trang thông tin|cổng ttđt|website|ubnd|copyright)")
_SUMMARY_MIN, _SUMMARY_MAX = 30, 1500


def assemble_article(
    doc: Document, record: PageRecord, body: Body | None, captured_at: datetime
) -> None:
    """Make `record` an article: body from `body` (None: unreadable), other fields chosen."""
    record.kind = "article"
    sources = record.field_sources
    element = body.element if body is not None else None
    candidates = profile_candidates(doc, element if body and body.layer == "profile" else None)
    candidates += structured_candidates(doc)
    names = site_names(doc)

    # Title: the profile's if valid, else the visible headline other layers point at.
    tag = title_tag_heading(doc)
    if tag:
        candidates.append(Candidate("title", tag, "title_tag", "title"))
    profile_title = next(
        (c for c in candidates if c.field == "title" and c.layer == "profile"), None
    )
    if profile_title is not None and valid_title(profile_title.value, names):
        headline = (profile_title.value, profile_title.element)
    else:
        hints = [c.value for c in candidates if c.field == "title" and valid_title(c.value, names)]
        headline = find_headline(doc, hints)
        if headline is None and body is not None:
            anchor = body.first_element if body.first_element is not None else body.element
            headline = headline_before(anchor, names)
        if headline is not None:
            candidates.append(Candidate("title", headline[0], "lines", "headline", headline[1]))
    record.title, layer = choose_title(candidates, names)
    _note(sources, "title", record.title, layer)
    headline_element = headline[1] if headline is not None else None

    # Dates: machine-readable, the profile's, the line by the headline, the URL.
    first_paragraph = body.paragraphs[0] if body is not None and body.paragraphs else None
    under_headline = (
        lines_under_headline(headline_element, first_paragraph)
        if headline_element is not None
        else None
    )
    candidates += date_candidates(doc, headline_element, element, first_paragraph, under_headline)
    published, updated = choose_dates(candidates, doc.url, captured_at)
    if published is None:
        published = _lead_date(doc.url, body, candidates)
    if published:
        record.published_at, sources["published_at"] = published
    if updated:
        record.updated_at, sources["updated_at"] = updated

    paragraphs = list(body.paragraphs) if body is not None else []
    if body is not None:
        # A container (generic, or a profile's broad `article` selector) may start with the
        # headline and the date line and end with share buttons, "Tin liên quan", a footer.
        paragraphs = tidy_generic(paragraphs, record.title)
    # Lead: the profile's, else a block between headline and body.
    summary = next((c for c in candidates if c.field == "summary" and c.layer == "profile"), None)
    if summary is None and body is not None:
        summary = summary_between(
            headline_element, paragraphs[0] if paragraphs else None, element, body.first_element
        )
    if summary is None and body is not None and len(paragraphs) >= _LEAD_MIN_PARAGRAPHS:
        summary = _lead_paragraph(paragraphs[0], body, candidates)
    if summary is not None and _valid_summary(summary.value, record.title):
        record.summary = summary.value
        sources["summary"] = summary.layer
        folded = fold_label(summary.value)
        paragraphs = [p for p in paragraphs if fold_label(p) != folded]

    # Bylines: the ends of the body, the profile's byline, just after the body, metadata.
    author, source, paragraphs = split_bylines(paragraphs)
    author = _plausible(author, names)
    author_layer = "lines" if author else None
    if body is not None:
        source = source or body.source
    if author is None and body is not None and body.author:
        author, author_layer = _plausible(body.author, names), body.layer
    if author is None and paragraphs and element is not None:
        last = paragraphs[-1]
        signed = _SIGNED_WITH_UNIT.match(last)
        name = signed.group("name") if signed else last
        if looks_like_signature(name) and _styled_text(element, last):
            author, author_layer, paragraphs = name, "lines", paragraphs[:-1]
    for candidate in candidates:
        if candidate.field == "byline":
            named, named_source = author_from_text(candidate.value)
            named = _plausible(named, names)
            if author is None and named:
                author, author_layer = named, candidate.layer
            source = source or named_source
            if named or named_source:
                drop = fold_label(candidate.value)
                paragraphs = [p for p in paragraphs if fold_label(p) != drop]
    if element is not None and author is None:  # (a source after the body is rare: no pass)
        anchor = body.last_element if body is not None and body.last_element is not None else None
        near_author, near_source, _ = byline_near(anchor if anchor is not None else element)
        near_author = _plausible(near_author, names)
        if author is None and near_author:
            author, author_layer = near_author, "lines"
        source = source or near_source
    if author is None or source is None:
        by_author, by_source = byline_by_headline(headline_element, first_paragraph, under_headline)
        by_author = _plausible(by_author, names)
        if author is None and by_author:
            author, author_layer = by_author, "lines"
        source = source or by_source
    if author is None:
        for candidate in candidates:
            if candidate.field == "author" and candidate.layer == "structured":
                named = _plausible(candidate.value, names)
                if named:
                    author, author_layer = named, "structured"
                    break
    record.author = author
    _note(sources, "author", author, author_layer)
    record.source = source
    _note(sources, "source", source, "lines")

    record.body_text = "\n\n".join(paragraphs) or None
    if body is not None:
        _note(sources, "body_text", record.body_text, body.layer)
        record.images = body.images
        _note(sources, "images", body.images or None, body.layer)
    if element is not None and element.tag not in ("body", "html"):
        record.attachments = find_attachments(
            doc, element, article_container(element), extra_areas=_blocks_after(element)
        )
        _note(sources, "attachments", record.attachments or None, body.layer if body else None)


def _note(sources: dict[str, str], name: str, value: object, layer: str | None) -> None:
    if value and layer:
        sources[name] = layer


def _plausible(name: str | None, site: set[str] | None = None) -> str | None:
    """A validated author name; never the site's own name (meta author on many themes)."""
    name = clean_text(name)
    if not name or not is_plausible_author(name):
        return None
    folded = fold_label(name)
    if site and folded in site:
        return None
    if _SITE_NAME.match(folded) or (name.isupper() and len(name) > 30):
        return None
    if _BOX_HEADING.match(folded) or is_furniture_line(name):
        return None  # a sidebar box's heading, a pager or widget line printed after the text
    return name


_LEAD_MIN_PARAGRAPHS = 2
_LEAD_MIN_CHARS = 80
_FIRST_TEXT_ELEMENTS = 60


def _lead_paragraph(first: str, body: Body, candidates: list[Candidate]) -> Candidate | None:
    """The body's first paragraph when it is the sapo: the page's description says so
    (og:description, JSON-LD description equal to it), or it is set wholly in bold, as
    Vietnamese newsrooms print the lead. A short bold line is a subheading, not a lead."""
    if len(first) < _LEAD_MIN_CHARS or len(first) > _SUMMARY_MAX:
        return None
    folded = fold_label(first)
    for candidate in candidates:
        structured = candidate.field == "summary" and candidate.layer == "structured"
        if structured and fold_label(candidate.value or "") == folded:
            return Candidate("summary", first, "structured", "description")
    holder = _first_text_element(body, folded)
    for element in [holder, *holder.iterancestors()] if holder is not None else []:
        if element is body.element:
            break
        if (
            element.tag in ("strong", "b")
            and fold_label(clean_text(text_of(element)) or "") == folded
        ):
            return Candidate("summary", first, "lines", "bold lead", element)
    return None


def _first_text_element(body: Body, folded: str):
    """The element holding the start of the body's first paragraph."""
    if body.first_element is not None:
        return body.first_element
    if body.element is None:
        return None
    for count, element in enumerate(body.element.iter()):
        if count > _FIRST_TEXT_ELEMENTS:
            break
        own = clean_text(element.text) if isinstance(element.tag, str) else None
        if own and folded.startswith(fold_label(own)[:40]):
            return element
    return None


def _valid_summary(text: str | None, title: str | None) -> bool:
    if not text or not (_SUMMARY_MIN <= len(text) <= _SUMMARY_MAX):
        return False
    return not title or fold_label(text) != fold_label(title)


def _styled_text(container, text: str) -> bool:
    """Whether the block printing `text` inside `container` is bold/italic/right-aligned."""
    wanted = fold_label(text)
    for element in container.iter():
        if not isinstance(element.tag, str):
            continue
        own = clean_text("".join(element.itertext()))
        if own and fold_label(own) == wanted:
            return is_styled_line(element)
    return False


_FILE_BLOCKS_AFTER = 6


def _blocks_after(element) -> list:
    """The few blocks right after the body (and after its parent): where "File đính kèm" /
    "Tải về" lines sit when the theme keeps them outside the body container."""
    found = []
    node = element
    for _ in range(2):
        # Bare wrappers (a page builder's div around the one block) are not levels.
        while _only_child(node):
            node = node.getparent()
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            if _closes_article(sibling):
                return found  # a sidebar or a headed box ("Văn bản mới"): not the article's
            found.append(sibling)
            if len(found) >= _FILE_BLOCKS_AFTER:
                return found
        node = node.getparent()
        if node is None or node.tag == "body":
            break
    return found


def _only_child(node) -> bool:
    """Whether `node`'s parent holds nothing else: no other element, no text of its own."""
    parent = node.getparent()
    if parent is None or parent.tag in ("body", "html") or (parent.text or "").strip():
        return False
    return (
        not any(
            child is not node and (isinstance(child.tag, str) or (child.tail or "").strip())
            for child in parent
        )
        and not (node.tail or "").strip()
    )


# A files block's own heading: "Tài liệu đính kèm", "Tệp đính kèm", "Tải về", "File".
_FILES_HEADING = re.compile(r"đính kèm|tải về|tải xuống|tài liệu|tệp|tập tin|file|download")


def _closes_article(block) -> bool:
    """A block after the body that starts something else: a side column, navigation, a
    footer, or a box with its own heading (related news, "Văn bản mới", the counter)."""
    if block.tag in ("aside", "nav", "footer"):
        return True
    heading = None
    for tag in ("h2", "h3", "h4"):
        heading = block.find(f".//{tag}")
        if heading is not None:
            break
    label = fold_label(clean_text(text_of(heading)) or "") if heading is not None else ""
    if not label:
        first = next((t for t in block.itertext() if t.strip()), "")
        label = fold_label(clean_text(first) or "")
        if not _BOX_HEADING.match(label):
            return False
    return not _FILES_HEADING.search(label)


_YEAR_IN_PATH = re.compile(r"/((?:19|20)\d\d)[/-]")


def _lead_date(url: str, body: Body | None, candidates: list[Candidate]) -> tuple[str, str] | None:
    """A lead's "Ngày 02/6" dated with the year in the URL (/2022/06/…): a last resort."""
    year = _YEAR_IN_PATH.search(urlsplit(url).path)
    if year is None:
        return None
    leads = (c.value for c in candidates if c.field == "summary" and c.layer == "profile")
    lead = next(leads, None)
    if lead is None and body is not None and body.paragraphs:
        lead = body.paragraphs[0]
    parsed = parse_vn_datetime(lead[:120], context_year=int(year.group(1))) if lead else None
    return (parsed, "lines") if parsed else None
