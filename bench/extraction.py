"""Extraction quality and speed on labelled pages, per platform and per field.

    .venv/bin/python bench/extraction.py [--repeat 20]

Labelled sets:
- tests/fixtures/platforms/<platform>/<case>.html + .json (pages we wrote, full expected records);
- ../shared/realdata/hanoi-liferay/ (real pages, when present): counters, listing links and
  next pages, labelled below (facts about the pages, not copies of them).

Per field it prints the share of pages whose value equals the label; body_text is also scored
as token F1. Timing is the median ms/page of `extract_page` over --repeat runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal_spider.extract import extract_page

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "platforms"
HANOI = REPO.parent / "shared" / "realdata" / "hanoi-liferay"
FIELDS = ("kind", "title", "published_at", "author", "summary", "body_text", "images",
          "attachments", "links", "next_page", "visitor_counter")  # fmt: skip

Check = Callable[[dict[str, Any]], bool]
# Real pages: what is known to be on them (see ../shared/realdata/hanoi-liferay/MANIFEST.md).
HANOI_LABELS: dict[str, dict[str, Check]] = {
    "sotttt-hanoi_liferay_home_trang-chu.html": {
        "visitor_counter": lambda r: r["visitor_counter"] == {"online": 27, "total": 4798812},
    },
    "sotttt-hanoi_liferay_home_en-variant.html": {
        "visitor_counter": lambda r: r["visitor_counter"] == {"online": 27, "total": 4798810},
    },
    "sotttt-hanoi_liferay_listing_cong-nghe-thong-tin_p1.html": {
        "links": lambda r: len(r["links"]) == 10,
        "next_page": lambda r: (r["next_page"] or "").endswith("_101_cur=2"),
    },
    "sotttt-hanoi_liferay_listing_cong-nghe-thong-tin_p17.html": {
        "links": lambda r: len(r["links"]) == 10,
        "next_page": lambda r: (r["next_page"] or "").endswith("_101_cur=18"),
    },
}


@dataclass
class Score:
    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    body_f1: list[float] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)

    def add(self, name: str, ok: bool) -> None:
        self.totals[name] += 1
        self.hits[name] += int(ok)


def token_f1(expected: str | None, actual: str | None) -> float:
    """Bag-of-tokens F1, the article-extraction-benchmark way (whitespace tokens)."""
    want, got = (expected or "").split(), (actual or "").split()
    if not want and not got:
        return 1.0
    common = sum(min(want.count(t), got.count(t)) for t in set(want))
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(want)
    return 2 * precision * recall / (precision + recall)


def timed(html: bytes, url: str, repeat: int) -> tuple[dict[str, Any], float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        record = extract_page(html, url)
        runs.append((time.perf_counter() - start) * 1000)
    return record.to_dict(), statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    scores: dict[str, Score] = defaultdict(Score)
    for page in sorted(FIXTURES.glob("*/*.html")):
        case = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        actual, ms = timed(page.read_bytes(), case["url"], args.repeat)
        score = scores[page.parent.name]
        score.ms.append(ms)
        for name in FIELDS:
            score.add(name, actual[name] == case["expected"][name])
        if case["expected"]["kind"] == "article":
            score.body_f1.append(token_f1(case["expected"]["body_text"], actual["body_text"]))
    if HANOI.is_dir():
        for name, checks in HANOI_LABELS.items():
            actual, ms = timed((HANOI / name).read_bytes(), "https://sotttt.hanoi.gov.vn/x", 5)
            score = scores["real:liferay"]
            score.ms.append(ms)
            for field_name, check in checks.items():
                score.add(field_name, check(actual))
    report(scores)


def report(scores: dict[str, Score]) -> None:
    print(f"{'platform':<14}{'pages':>6}{'ms/page':>9}  body-F1  field accuracy")
    everything = Score()
    for platform, score in sorted(scores.items()):
        fields = ", ".join(
            f"{n} {100 * score.hits[n] / score.totals[n]:.0f}%" for n in FIELDS if score.totals[n]
        )
        f1 = f"{statistics.mean(score.body_f1):.3f}" if score.body_f1 else "  -  "
        median_ms = statistics.median(score.ms)
        print(f"{platform:<14}{len(score.ms):>6}{median_ms:>9.2f}  {f1:>7}  {fields}")
        for name in FIELDS:
            everything.totals[name] += score.totals[name]
            everything.hits[name] += score.hits[name]
        everything.ms += score.ms
    if everything.ms:
        print("all fields: " + ", ".join(
            f"{n} {100 * everything.hits[n] / everything.totals[n]:.1f}%"
            for n in FIELDS if everything.totals[n]
        ))  # fmt: skip
        print(f"median ms/page: {statistics.median(everything.ms):.2f}")


if __name__ == "__main__":
    main()
