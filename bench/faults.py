"""Fault matrix: crawl the demo portal once per injected fault kind, and once with all of them.

Prints one Markdown table row per run (the table in docs/reliability.md): pages the portal
faulted, requests retried, articles archived out of those it served correctly, errors
recorded by kind, exit status, wall time and the crawler's peak RSS.

    .venv/bin/python bench/faults.py [--articles 500] [--kinds http_500,slow]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from portal_spider.demo_portal.faults import KINDS  # noqa: E402
from tests.fault_support import (  # noqa: E402
    ARTICLES,
    OBSERVED_KIND,
    FaultRun,
    all_expected_fields,
    archived_fields,
    run_fault_crawl,
)


def faulted_pages(run: FaultRun) -> str:
    """What the portal did: faulted article pages (+ listing pages), duplicate links, traps."""
    plan, model = run.plan, run.model
    articles = len(run.faulted)
    listings = sum(
        plan.page_fault(section.path if n == 1 else f"{section.path}?page={n}", listing=True)
        is not None
        for section in model.sections
        for n in range(1, model.page_count(section) + 1)
    )
    parts = [f"{articles} + {listings}" if listings else str(articles)]
    if "dup_params" in plan.kinds:
        duplicates = sum(plan.hits("dup_params", m.path) for m in model.iter_articles())
        parts.append(f"{duplicates} dup links")
    if "calendar_trap" in plan.kinds:
        parts.append(f"{len(model.sections)} traps")
    return ", ".join(parts) if articles or listings else ", ".join(parts[1:]) or "0"


def row(run: FaultRun) -> str:
    crawl = run.crawl
    expected = all_expected_fields(run)
    archived = archived_fields(run)
    exact = sum(archived.get(path) == fields for path, fields in expected.items())
    lost = sum(kind in OBSERVED_KIND for kind in run.faulted.values())
    errors = ", ".join(f"{k} {n}" for k, n in sorted(crawl["errors_by_kind"].items())) or "none"
    return (
        f"| {run.kinds} | {faulted_pages(run)} | {crawl['stats'].get('retry/count', 0)} "
        f"| {exact}/{len(expected)} ({lost} lost) | {errors} | {run.exit_code} "
        f"| {run.seconds:.1f} s | {run.peak_rss_mib:.0f} MiB |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument("--kinds", help="comma-separated runs (default: every kind, then all)")
    args = parser.parse_args()
    runs = args.kinds.split(",") if args.kinds else [*KINDS, "all"]
    print(
        "| faults | pages faulted (articles + listings) | retries | archived exactly "
        "| errors recorded | exit | time | peak RSS |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for kinds in runs:
            print(row(run_fault_crawl(kinds, Path(tmp), articles=args.articles)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
