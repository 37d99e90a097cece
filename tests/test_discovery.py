"""Section discovery: the Scrapy collaborator driven by hand (budget, errbacks, the on_verdict
hook), and `portal-archive add --dry-run --json` against the demo portal, checked against the
demo's own truth (news sections reached by menu, dropdown, footer; busy non-news targets)."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from typing import Any

import pytest
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from twisted.python.failure import Failure

from portal_spider import discovery as discovery_module
from portal_spider.demo_portal.content import DemoPortal
from portal_spider.discovery import FAILED, FETCHED, OVER_BUDGET, SectionDiscovery

from .conftest import portal_archive, start_demo_portal, stop

BASE = "http://xa-mau.example/"
_TEXT = (
    "Ủy ban nhân dân xã tổ chức hội nghị triển khai kế hoạch phát triển kinh tế, xã hội, "
    "bảo đảm quốc phòng, an ninh trong năm, với sự tham dự của đại diện các ban, ngành, đoàn "
    "thể và trưởng các ấp trên địa bàn xã."
)


def _page(main: str) -> bytes:
    menu = (
        '<nav><ul><li><a href="/thoi-su">Thời sự</a></li>'
        '<li><a href="#">Khác</a><ul><li><a href="/cuoc-song">Cuộc sống</a></li>'
        '<li><a href="/mat-roi">Mất rồi</a></li></ul></li>'
        '<li><a href="/cham-nua">Chậm</a></li></ul></nav>'
    )
    return f"<html><head><title>Xã Mẫu</title></head><body>{menu}{main}</body></html>".encode()


def _listing(section: str) -> bytes:
    items = "".join(
        f'<div class="o"><img src="/a/{i}.jpg"><h3><a href="/{section}/bai-{900 + i}.html">'
        f"Xã tổ chức hội nghị triển khai kế hoạch phát triển lần {i}</a></h3>"
        f"<span>0{i + 1}/05/2024</span></div>"
        for i in range(5)
    )
    return _page(f"<h1>{section}</h1>{items}")


def _article() -> bytes:
    paragraphs = "".join(f"<p>{_TEXT} Đoạn {i}.</p>" for i in range(5))
    return _page(f"<h1>Xã tổ chức hội nghị</h1><div>03/05/2024 08:00</div>{paragraphs}")


PAGES = {
    BASE: _page("<p>Trang chủ</p>"),
    BASE + "thoi-su": _listing("thoi-su"),
    BASE + "cuoc-song": _listing("cuoc-song"),
    **{
        f"{BASE}{s}/bai-{900 + i}.html": _article()
        for s in ("thoi-su", "cuoc-song")
        for i in range(5)
    },
}
del PAGES[BASE + "cuoc-song/bai-900.html"]  # its first item is gone: the second one decides


def _drive(discovery: SectionDiscovery, answered: dict[str, bytes]) -> list[scrapy.Request]:
    """Run the callbacks as Scrapy would; an unknown URL fails (404 through the errback)."""
    queue: deque[Any] = deque([discovery.home_request()])
    requested: list[scrapy.Request] = []
    while queue:
        request = queue.popleft()
        if not isinstance(request, scrapy.Request):
            continue
        requested.append(request)
        body = answered.get(request.url)
        if request.callback is None:
            continue  # a request from the hook: the crawl spider's, not ours
        if body is None:
            failure = Failure(IgnoreRequest("HTTP 404"))
            failure.request = request  # type: ignore[attr-defined]
            produced: Iterable[Any] | None = request.errback(failure)
        else:
            response = HtmlResponse(request.url, body=body, request=request, encoding="utf-8")
            produced = request.callback(response, **request.cb_kwargs)
        queue.extend(produced or ())
    return requested


def test_every_candidate_is_decided_and_news_verdicts_reach_the_hook() -> None:
    crawled: list[str] = []

    def on_verdict(finding: Any) -> Iterable[scrapy.Request]:
        if finding.verdict and finding.verdict.kind == "news":
            crawled.append(finding.candidate.path)
            yield scrapy.Request(finding.listing_url)  # the crawl spider would crawl it

    discovery = SectionDiscovery(BASE, budget=50, on_verdict=on_verdict)
    requested = _drive(discovery, PAGES)
    results = {f.candidate.path: f for f in discovery.results()}
    assert set(results) == {"/thoi-su", "/cuoc-song", "/mat-roi", "/cham-nua"}
    assert results["/thoi-su"].verdict.kind == "news"  # type: ignore[union-attr]
    assert "items read as articles (1/1)" in results["/thoi-su"].verdict.evidence  # type: ignore[union-attr]
    assert "items read as articles (1/1)" in results["/cuoc-song"].verdict.evidence  # type: ignore[union-attr]
    assert (results["/cuoc-song"].candidate.found_in, results["/cuoc-song"].status) == (
        "submenu",
        FETCHED,
    )
    assert results["/mat-roi"].status == FAILED
    assert results["/mat-roi"].verdict.kind == "unreachable"  # type: ignore[union-attr]
    assert sorted(crawled) == ["/cuoc-song", "/thoi-su"]
    hook_requests = [r for r in requested if r.callback is None]
    assert sorted(r.url for r in hook_requests) == [BASE + "cuoc-song", BASE + "thoi-su"]
    # 4 candidates; one item confirms /thoi-su, /cuoc-song needed a second (the home page is
    # not counted).
    assert discovery.requests_made == 4 + 1 + 2
    assert discovery.finished  # the hook ran once every candidate was decided
    assert BASE + "cuoc-song/bai-901.html" in {r.url for r in requested}
    assert all(r.errback is not None for r in requested if r.callback is not None)


def test_a_spent_budget_is_reported_per_candidate_not_dropped() -> None:
    discovery = SectionDiscovery(BASE, budget=2)
    _drive(discovery, PAGES)
    statuses = {f.candidate.path: f.status for f in discovery.results()}
    # Half the budget for candidate pages, top-menu links first; the rest for items.
    assert statuses == {
        "/thoi-su": FETCHED,
        "/cuoc-song": OVER_BUDGET,
        "/mat-roi": OVER_BUDGET,
        "/cham-nua": OVER_BUDGET,
    }
    assert discovery.requests_made == 2
    evidence = {f.candidate.path: f.to_json()["evidence"] for f in discovery.results()}
    assert evidence["/thoi-su"].endswith("items read as articles (1/1)")
    assert "budget" in evidence["/cham-nua"]
    # No budget left for items: a listing is judged on its structure alone, and says so.
    starved = SectionDiscovery(BASE, budget=1)
    _drive(starved, PAGES)
    thoi_su = {f.candidate.path: f for f in starved.results()}["/thoi-su"]
    assert thoi_su.verdict is not None and thoi_su.verdict.kind == "news"
    assert thoi_su.verdict.evidence.endswith("items not read")


def test_known_sections_are_not_fetched_again() -> None:
    discovery = SectionDiscovery(BASE, budget=50, known_paths={"/thoi-su"})
    requested = _drive(discovery, PAGES)
    assert BASE + "thoi-su" not in {r.url for r in requested}
    assert {f.candidate.path: f.status for f in discovery.results()}["/thoi-su"] == "known"


def test_add_dry_run_json_finds_the_demo_portals_sections_by_evidence() -> None:
    """Every news section of the demo (menu, dropdown-only, footer-only, created on day 2,
    oddly named) is news; its document register, schedule and plain pages are not."""
    day = 2
    process, url = start_demo_portal("--articles", "240", "--extras", "--day", str(day))
    try:
        result = portal_archive("add", url, "--dry-run", "--json", timeout=120)
    finally:
        stop(process)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = json.loads(result.stdout)
    assert all(
        set(row) == {"path", "name", "found_in", "verdict", "evidence", "url"} for row in rows
    )
    by_path = {row["path"]: row for row in rows}
    truth = DemoPortal(240, day=day, extras=True).truth()
    news = {s.path: s for s in truth.news_sections if s.created_day <= day}
    assert len(news) >= 8
    for path, section in news.items():
        assert by_path[path]["verdict"] == "news", by_path[path]
        assert "items read as articles" in by_path[path]["evidence"]
        if section.reach == {"dropdown"}:
            assert by_path[path]["found_in"] == "submenu"
        if section.reach == {"footer"}:
            assert by_path[path]["found_in"] == "footer"
    for target in truth.non_news:
        assert by_path[target.path]["verdict"] == target.kind, by_path[target.path]
    assert {p for p, row in by_path.items() if row["verdict"] == "news"} == set(news)
    assert not any("rss" in path or "sitemap" in path for path in by_path)


def test_a_page_that_breaks_extraction_is_reported_not_left_undecided(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = discovery_module.extract_page

    def fragile(html: bytes, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.endswith("/cuoc-song"):
            raise ValueError("hostile page")
        return real(html, url, *args, **kwargs)

    monkeypatch.setattr(discovery_module, "extract_page", fragile)
    discovery = SectionDiscovery(BASE, budget=50)
    _drive(discovery, PAGES)
    results = {f.candidate.path: f for f in discovery.results()}
    broken = results["/cuoc-song"]
    assert broken.status == FAILED and broken.verdict is not None
    assert broken.verdict.evidence == "unreadable page (ValueError)"
    assert results["/thoi-su"].status == FETCHED and discovery.finished


def test_sub_sections_a_section_page_offers_are_candidates_one_level_deep() -> None:
    base = "http://huyen-mau.example/"
    subnav = (
        '<ul class="chuyen-muc-con"><li><a href="/tin-tuc/kinh-te">Kinh tế</a></li>'
        '<li><a href="/tin-tuc/xa-hoi">Xã hội</a></li>'
        '<li><a href="/tin-tuc/the-thao">Thể thao</a></li></ul>'
    )
    pager = '<ul class="trang"><li><a href="?page=2">2</a></li><li><a href="?page=3">3</a></li>'
    pager += '<li><a href="?page=2">»</a></li></ul>'

    def section(slug: str) -> bytes:
        return _listing(slug).replace(b"</body>", (subnav + pager).encode() + b"</body>")

    pages = {
        base: _page("<p>Trang chủ</p>").replace(b"/thoi-su", b"/tin-tuc"),
        base + "tin-tuc": section("tin-tuc"),
        **{base + f"tin-tuc/{s}": section(f"tin-tuc/{s}") for s in ("kinh-te", "xa-hoi")},
        **{
            f"{base}tin-tuc/{s}/bai-{900 + i}.html": _article()
            for s in ("tin-tuc", "tin-tuc/kinh-te", "tin-tuc/xa-hoi")
            for i in range(5)
        },
    }
    discovery = SectionDiscovery(base, budget=60)
    _drive(discovery, pages)
    results = {f.candidate.path: f for f in discovery.results()}
    assert {p: f.candidate.found_in for p, f in results.items() if p.startswith("/tin-tuc/")} == {
        "/tin-tuc/kinh-te": "section_menu",
        "/tin-tuc/xa-hoi": "section_menu",
        "/tin-tuc/the-thao": "section_menu",
    }
    assert results["/tin-tuc/kinh-te"].verdict.kind == "news"  # type: ignore[union-attr]
    assert results["/tin-tuc/the-thao"].verdict.kind == "unreachable"  # type: ignore[union-attr]
    assert not any("page" in path for path in results)  # the pager is not a menu
    assert discovery.finished
