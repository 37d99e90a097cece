"""Demo portal serving cost per page kind, at two portal sizes: pages must stay O(1) in the
number of articles; only sitemap children grow with the URLs they list.

    .venv/bin/python bench/demo_portal.py [--small 1000] [--large 100000] [--repeat 200]

Routes requests in-process (no sockets), so it times the portal's own work: for each page kind
the mean milliseconds per request at both sizes and their ratio (about 1 for O(1) pages).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal_spider.demo_portal import DemoPortal
from portal_spider.demo_portal.routes import Router


def _targets(portal: DemoPortal) -> dict[str, list[str]]:
    """A few URLs of each kind, spread over the portal."""
    section = portal.sections[0]
    extra = portal.extra_sections[0]
    last = portal.page_count(section)
    return {
        "home": ["/"],
        "listing": [f"{section.path}?page={n}" for n in (1, 2, max(1, last // 2), last)],
        "article": [portal.article(i).path for i in (0, 3, portal.total_articles // 2)],
        "extra listing": [extra.path, f"{extra.path}?page=2"],
        "extra article": [m.path for m in portal.section_articles(extra, 0, 3)],
        "documents": ["/van-ban/", "/van-ban/?page=4"],
        "schedule": ["/lich-cong-tac/", "/lich-cong-tac/?page=9"],
        "robots.txt": ["/robots.txt"],
        "sitemap index": ["/sitemap.xml"],
        "rss": ["/rss/"],
        "sitemap child": ["/sitemaps/tin-bai-1.xml.gz"],
    }


def measure(articles: int, repeat: int) -> dict[str, float]:
    portal = DemoPortal(articles, day=2, extras=True)
    router = Router(portal)
    result = {}
    for kind, urls in _targets(portal).items():
        rounds = 1 if kind == "sitemap child" else repeat  # built once, then cached
        start = time.perf_counter()
        for _ in range(rounds):
            for url in urls:
                response = router.route(url, "http://127.0.0.1:8600")
                assert response.status == 200, (url, response.status)
        result[kind] = (time.perf_counter() - start) * 1000 / (rounds * len(urls))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    small, large = measure(args.small, args.repeat), measure(args.large, args.repeat)
    print(f"{'page kind':<16}{args.small:>12,} art.{args.large:>12,} art.{'ratio':>8}")
    for kind in small:
        print(
            f"{kind:<16}{small[kind]:>12.3f} ms{large[kind]:>12.3f} ms"
            f"{large[kind] / small[kind]:>8.1f}"
        )


if __name__ == "__main__":
    main()
