"""Extraction against ground truth: every article of the demo portal, compared field by field
with the content model that generated it (portal_spider/demo_portal), over real HTTP."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

from portal_spider.demo_portal import DemoPortal, start_in_thread
from portal_spider.extract import extract_page

from .demo_truth import FIELDS, expected_fields

ARTICLES = 240


@pytest.fixture(scope="module")
def portal() -> Iterator[tuple[DemoPortal, str]]:
    server, url = start_in_thread(articles=ARTICLES)
    try:
        yield DemoPortal(articles=ARTICLES), url
    finally:
        server.shutdown()
        server.server_close()


def test_every_demo_article_extracts_to_its_ground_truth(portal: tuple[DemoPortal, str]) -> None:
    model, base = portal
    mismatches: dict[str, list[str]] = {}
    for index in range(ARTICLES):
        meta = model.article(index)
        url = base + meta.path.lstrip("/")
        record = extract_page(urllib.request.urlopen(url).read(), url)
        expected = {"kind": "article", **expected_fields(model, meta, base)}
        actual = {"kind": record.kind, **{f: record.to_dict()[f] for f in FIELDS}}
        wrong = [name for name in expected if expected[name] != actual[name]]
        if wrong or not record.visitor_counter:
            mismatches[url] = wrong or ["visitor_counter"]
    assert not mismatches, f"{len(mismatches)} of {ARTICLES} articles differ: {mismatches}"
