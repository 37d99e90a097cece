"""What a demo-portal article must extract to, from the content model that generated it.

Shared by the extraction oracle (every article over HTTP) and the fault matrix (what was
archived despite injected faults): one definition of "correct fields".
"""

from __future__ import annotations

import re

from portal_spider.demo_portal import ArticleMeta, DemoPortal
from portal_spider.demo_portal.writer import Figure

FIELDS = (
    "title", "published_at", "summary", "author", "source", "body_text", "images", "attachments"
)  # fmt: skip


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def expected_fields(model: DemoPortal, meta: ArticleMeta, base_url: str) -> dict:
    """The record fields (images/attachments as in ``PageRecord.to_dict()``) for ``meta``."""
    body = model.body(meta)
    paragraphs = [_collapse(b) for b in body.blocks if isinstance(b, str)]
    label, name = (part.strip() for part in body.author.split(":", 1))
    name = name.rstrip("./ ")
    return {
        "title": meta.title,
        "published_at": (
            meta.published.isoformat() + "+07:00"
            if meta.has_time
            else meta.published.date().isoformat()
        ),
        "summary": _collapse(meta.sapo),
        # "Nguồn: X" names where the text comes from, never its author (issue 11).
        "author": None if label == "Nguồn" else name,
        "source": name if label == "Nguồn" else None,
        "body_text": "\n\n".join(paragraphs),
        "images": [
            {"url": f"{base_url}images/{meta.id}-{b.number}.png", "caption": b.caption}
            for b in body.blocks
            if isinstance(b, Figure)
        ],
        "attachments": [
            {"url": f"{base_url}files/{meta.id}/{a.name}.pdf", "title": a.title}
            for a in body.attachments
        ],
    }


def published_urls(model: DemoPortal, base_url: str) -> dict[str, frozenset[str]]:
    """Every article URL the portal publishes that day (absolute, on ``base_url``) and the
    sources that list it: a subset of {"listing", "sitemap", "feed"} (``DemoPortal.truth``)."""
    base = base_url.rstrip("/")
    return {base + path: sources for path, sources in model.truth().articles.items()}


def listed_by(model: DemoPortal, base_url: str, source: str) -> set[str]:
    """The article URLs that ``source`` ("listing", "sitemap" or "feed") lists."""
    return {url for url, sources in published_urls(model, base_url).items() if source in sources}
