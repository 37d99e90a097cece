"""Extraction against ground truth: every article of the demo portal, compared field by field
with the content model that generated it (portal_spider/demo_portal), over real HTTP."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator

import pytest

from portal_spider.demo_portal import DemoPortal, start_in_thread
from portal_spider.demo_portal.writer import Figure
from portal_spider.extract import extract_page

ARTICLES = 240


@pytest.fixture(scope="module")
def portal() -> Iterator[tuple[DemoPortal, str]]:
    server, url = start_in_thread(articles=ARTICLES)
    try:
        yield DemoPortal(articles=ARTICLES), url
    finally:
        server.shutdown()
        server.server_close()


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_demo_article_extracts_to_its_ground_truth(portal: tuple[DemoPortal, str]) -> None:
    model, base = portal
    mismatches: dict[str, list[str]] = {}
    for index in range(ARTICLES):
        meta = model.article(index)
        body = model.body(meta)
        url = base + meta.path.lstrip("/")
        record = extract_page(urllib.request.urlopen(url).read(), url)
        paragraphs = [_collapse(b) for b in body.blocks if isinstance(b, str)]
        figures = [b for b in body.blocks if isinstance(b, Figure)]
        expected = {
            "kind": "article",
            "title": meta.title,
            "published_at": (
                meta.published.isoformat() + "+07:00"
                if meta.has_time
                else meta.published.date().isoformat()
            ),
            "summary": _collapse(meta.sapo),
            "author": body.author.split(":", 1)[1].strip().rstrip("./ "),
            "body_text": "\n\n".join(paragraphs),
            "images": [(f"{base}images/{meta.id}-{f.number}.png", f.caption) for f in figures],
            "attachments": [
                (f"{base}files/{meta.id}/{a.name}.pdf", a.title) for a in body.attachments
            ],
        }
        actual = {
            "kind": record.kind,
            "title": record.title,
            "published_at": record.published_at,
            "summary": record.summary,
            "author": record.author,
            "body_text": record.body_text,
            "images": [(i.url, i.caption) for i in record.images],
            "attachments": [(a.url, a.title) for a in record.attachments],
        }
        wrong = [name for name in expected if expected[name] != actual[name]]
        if wrong or not record.visitor_counter:
            mismatches[url] = wrong or ["visitor_counter"]
    assert not mismatches, f"{len(mismatches)} of {ARTICLES} articles differ: {mismatches}"
