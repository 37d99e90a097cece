"""The statistics dashboard (datasette-dashboards) on a real crawl of the demo portal."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from datasette_dashboards import replace_opts_in_query

from archive import ArchiveWriter
from archive.site_config import METADATA_PATH

from .site_support import Site, copy_archive

DASHBOARD = "archive"
CHARTS = json.loads(METADATA_PATH.read_text(encoding="utf-8"))["plugins"]["datasette-dashboards"][
    DASHBOARD
]["charts"]


@pytest.fixture(scope="module")
def site(demo_archive: Path) -> Site:
    return Site(demo_archive)


def rendered_charts(site: Site, query: str = "") -> dict[str, dict]:
    """The chart configs as the dashboard page hands them to its JavaScript."""
    text = site.get(f"/-/dashboards/{DASHBOARD}{query}").text
    calls = re.findall(r"renderChart\('(\w+)', (\{.*?\}), '", text)
    return {slug: json.loads(config) for slug, config in calls}


def chart_rows(site: Site, chart: dict, options: dict[str, str] | None = None) -> dict:
    """Fetch a chart's data the way dashboards.js does: /<db>.json?sql=…&_shape=objects."""
    options = options or {}
    sql = replace_opts_in_query(chart["query"], options)
    query = urlencode({"sql": sql, **options, "_shape": "objects"})
    return site.get(f"/{chart['db']}.json?{query}").json()


def _as_list(names: str | list[str]) -> list[str]:
    return [names] if isinstance(names, str) else names


def encoded_fields(chart: dict) -> set[str]:
    display = chart["display"]
    folded = {f for t in display.get("transform", []) for f in t.get("fold", [])}
    names = {e["field"] for e in display.get("encoding", {}).values() if "field" in e}
    generated = {  # a fold names several fields, a calculate one
        n for t in display.get("transform", []) for n in _as_list(t.get("as", []))
    }
    return (names - generated) | folded


def test_dashboard_list_and_pages_render(site: Site) -> None:
    listing = site.get("/-/dashboards").text
    assert f'/-/dashboards/{DASHBOARD}"' in listing
    charts = rendered_charts(site)
    assert list(charts) == list(CHARTS)
    assert {chart["db"] for chart in charts.values()} == {"demo"}
    for slug in CHARTS:
        assert site.get(f"/-/dashboards/{DASHBOARD}/{slug}").status_code == 200
    # the vega libraries are served by the plugin itself: the dashboard works offline
    for script in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "dashboards.js"):
        response = site.get(f"/-/static-plugins/datasette_dashboards/{script}")
        assert len(response.content) > 1000


def test_portal_filter_offers_the_archived_portals(site: Site) -> None:
    text = site.get(f"/-/dashboards/{DASHBOARD}").text
    assert re.search(r'<option value="demo"\s*>demo</option>', text)


def test_every_chart_query_returns_data(site: Site) -> None:
    for slug, rendered in rendered_charts(site).items():
        # the configured query, with its [[ … :portal ]] filter still in place
        chart = {**rendered, "query": CHARTS[slug]["query"]}
        assert "[[" in chart["query"] and "[[" not in rendered["query"]
        for options in ({}, {"portal": "demo"}):
            data = chart_rows(site, chart, options)
            assert data["rows"], (slug, options)
            assert not data["truncated"], slug
            if chart["library"] == "vega-lite":
                assert encoded_fields(chart) <= set(data["rows"][0]), slug
            else:
                assert chart["display"]["field"] in data["rows"][0]
        unknown = chart_rows(site, chart, {"portal": "no-such-portal"})["rows"]
        assert unknown in ([], [{"n": 0, "shown": "0"}]), slug


def test_chart_numbers_match_the_archive(site: Site) -> None:
    charts = rendered_charts(site)

    def rows(slug: str) -> list[dict]:
        return chart_rows(site, charts[slug])["rows"]

    assert rows("articles_total") == [{"n": 260, "shown": "260"}]
    assert rows("articles_removed") == [{"n": 3, "shown": "3"}]
    per_month = rows("articles_per_month")
    dated = site.row("select count(*) as n from articles where published_at is not null")["n"]
    assert sum(r["articles"] for r in per_month) == dated == 260
    assert all(re.fullmatch(r"\d{4}-\d\d-01", r["month"]) for r in per_month)
    crawls = site.rows("select id, requests, errors from crawls order by id")
    health = sorted(rows("crawl_health"), key=lambda r: r["crawl"])
    assert [(r["crawl"], r["requests"], r["errors"]) for r in health] == [
        (c["id"], c["requests"], c["errors"]) for c in crawls
    ]
    readings = site.rows(
        "select observed_at, total, today from visitor_stats where total is not null "
        "order by observed_at"
    )
    for slug, column in (("visitors_total", "total"), ("visitors_today", "today")):
        points = sorted(rows(slug), key=lambda r: r["observed_at"])
        assert 2 <= len(points) <= 200, slug  # at most one point per time bucket
        assert len(points) <= len(readings)
        assert points[-1]["observed_at"] == readings[-1]["observed_at"]
        assert points[-1][column] == readings[-1][column]
        assert points[0]["observed_at"] >= readings[0]["observed_at"]


def test_dashboard_follows_the_database_name(demo_archive: Path, tmp_path: Path) -> None:
    site = Site(copy_archive(demo_archive, tmp_path / "archive.db"))
    charts = rendered_charts(site, "?portal=demo")
    assert {chart["db"] for chart in charts.values()} == {"archive"}
    assert "[[" not in charts["articles_total"]["query"]  # the filter was applied
    assert chart_rows(site, charts["articles_total"], {"portal": "demo"})["rows"] == [
        {"n": 260, "shown": "260"}
    ]


def test_visitor_charts_stay_under_the_row_limit_with_many_portals(tmp_path: Path) -> None:
    db = tmp_path / "many.db"
    portals = 30
    with ArchiveWriter(db, batch_size=1000) as writer:
        for n in range(portals):
            slug = f"xa-{n:02d}"
            writer.ensure_portal(slug, f"Cổng xã {n}", f"https://xa{n}.gov.vn/", "dnn", [])
            for hour in range(120):
                writer.add_counter(
                    portal=slug,
                    observed_at=f"2025-07-{1 + hour // 24:02d}T{hour % 24:02d}:00:00Z",
                    page_url=f"https://xa{n}.gov.vn/",
                    counter={"total": 1000 * n + hour, "today": hour % 24},
                )
    site = Site(db)
    charts = rendered_charts(site)
    for slug in ("visitors_total", "visitors_today"):
        data = chart_rows(site, {**charts[slug], "query": CHARTS[slug]["query"]})
        assert not data["truncated"], slug
        per_portal = {}
        for row in data["rows"]:
            per_portal.setdefault(row["portal"], []).append(row)
        assert len(per_portal) == portals
        assert all(len(points) == 990 // portals for points in per_portal.values()), slug
        # each point is a real reading: the last one of its time bucket
        last = max(per_portal["xa-07"], key=lambda r: r["observed_at"])
        assert last["observed_at"] == "2025-07-05T23:00:00.000000Z"
        assert last[slug.removeprefix("visitors_")] == (7119 if slug == "visitors_total" else 23)
        one = chart_rows(
            site, {**charts[slug], "query": CHARTS[slug]["query"]}, {"portal": "xa-07"}
        )
        assert len(one["rows"]) == 120  # a single portal: every reading (≤ 200 buckets)


def test_portal_page_links_its_dashboard(site: Site) -> None:
    page = site.page("/demo/portals/demo")
    links = [a.get("href") for a in page.cssselect(".archive-portal-links a")]
    assert f"/-/dashboards/{DASHBOARD}?portal=demo" in links
    text = site.get(f"/-/dashboards/{DASHBOARD}?portal=demo").text
    assert re.search(r'<option value="demo"\s+selected\s*>', text)


def test_coverage_charts_match_the_archive(site: Site) -> None:
    """Articles by source, limited crawls and the sections table, from the crawl's rows."""
    charts = rendered_charts(site)

    def rows(slug: str) -> list[dict]:
        return chart_rows(site, charts[slug])["rows"]

    (coverage,) = rows("coverage_sources")
    archived = site.row("select count(*) as n from article_sources where source = 'listing'")
    # The demo archive is the classic demo portal: no sitemap, every article from listings.
    assert coverage == {
        "portal": "demo",
        "listings_only": archived["n"],
        "sitemap_feed_only": 0,
        "both": 0,
    }
    assert rows("partial_crawls") == [{"n": 0, "shown": "0"}]
    sections = {(r["kind"], r["found_by"]): r["targets"] for r in rows("sections_found")}
    # The registry's four seed sections, and what discovery judged on the home page.
    assert sections[("news", "registry")] == 4
    assert sum(sections.values()) == site.row("select count(*) as n from sections")["n"]
