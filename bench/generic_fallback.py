"""Body text of the generic fallback (portal_spider/extract/fallback.py) vs plain trafilatura.

    .venv/bin/python bench/generic_fallback.py [--shared ../shared] [--aeb ../bench-data/aeb]

1. ../shared/realdata/gov-pages-intl (7 real government pages, must-contain / must-not-contain
   snippets from trafilatura's evaluation set): snippet rates per page and in total.
2. Our Vietnamese generic-portal pages (tests/fixtures/generic/*.json): every expected body
   paragraph present, no footer/sidebar/related-list snippet leaked.
3. ../shared/realdata/hanoi-liferay listing pages: none may become an article.
4. The Article Extraction Benchmark (scrapinghub/article-extraction-benchmark: 181 English
   news pages, ground-truth.json + html/*.html.gz), when --aeb points to a copy of it; fetch it
   outside the repo with `bash bench/fetch_aeb.sh ../bench-data/aeb`. Metric: the benchmark's
   own (evaluate.py): 4-token shingles, per-page TP/FP/FN normalised, precision and recall
   averaged over pages, F1 of the two averages.

Also prints ms/page of each extractor. Third-party pages are read in place, never copied.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

from portal_spider.extract import extract_page
from portal_spider.extract.record import PageRecord

REPO = Path(__file__).resolve().parents[1]
Extractor = Callable[[str, str], str]


def plain(**settings: object) -> Extractor:
    def run(html: str, url: str) -> str:
        return trafilatura.extract(html, url=url, **settings) or ""

    return run


def fallback_article(html: str, url: str) -> str:
    """What the archive stores without the crawl's context: lead and body of an article."""
    record = extract_page(html, url)
    return _text(record) if record.kind == "article" else ""


def fallback_text(html: str, url: str) -> str:
    """What the archive stores for a page reached through an article link (for text
    metrics): the same extract_page the crawl calls, no branch of its own."""
    return _text(extract_page(html, url, expect="article"))


def _text(record: PageRecord) -> str:
    return "\n".join(filter(None, (record.summary, record.body_text)))


EXTRACTORS: dict[str, Extractor] = {
    "trafilatura default": plain(),
    "trafilatura no-comments (AEB run)": plain(include_comments=False),
    "trafilatura favor_precision": plain(favor_precision=True, include_comments=False),
    "trafilatura favor_recall": plain(favor_recall=True, include_comments=False),
    "fallback (ours)": fallback_text,
}


def gov_pages(shared: Path) -> None:
    folder = shared / "realdata" / "gov-pages-intl"
    if not folder.is_dir():
        print(f"skip gov-pages-intl: {folder} not present")
        return
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    print("\n== gov-pages-intl: must-contain found / must-not-contain kept out ==")
    pages = [(url if "://" in url else f"https://{v['file']}/", v) for url, v in truth.items()]
    htmls = {v["file"]: (folder / v["file"]).read_text(encoding="utf-8") for _, v in pages}
    extractors = {**EXTRACTORS, "fallback (ours, as stored)": fallback_article}
    for name, extract in extractors.items():
        found = avoided = wanted = unwanted = 0
        cells = []
        elapsed = 0.0
        for url, entry in pages:
            start = time.perf_counter()
            text = extract(htmls[entry["file"]], url)
            elapsed += time.perf_counter() - start
            a = sum(s in text for s in entry["with"])
            b = sum(s not in text for s in entry["without"])
            found, avoided = found + a, avoided + b
            wanted, unwanted = wanted + len(entry["with"]), unwanted + len(entry["without"])
            cells.append(f"{a}/{len(entry['with'])},{b}/{len(entry['without'])}")
        print(
            f"{name:36} with {found}/{wanted}  without {avoided}/{unwanted}  "
            f"{elapsed / len(pages) * 1000:5.1f} ms/page  {' '.join(cells)}"
        )
    print("pages:", " ".join(entry["file"].split(".")[0] for _, entry in pages))
    print("end to end (extract_page: platform detection first; fallback on 'generic' only):")
    for url, entry in pages:
        record = extract_page(htmls[entry["file"]], url)
        print(f"  {entry['file']:45} {record.platform:10} {record.kind:8}")


def vn_fixtures() -> None:
    print("\n== our Vietnamese generic-portal pages (tests/fixtures/generic) ==")
    for case in sorted((REPO / "tests" / "fixtures" / "generic").glob("*.json")):
        spec = json.loads(case.read_text(encoding="utf-8"))
        html = case.with_suffix(".html").read_text(encoding="utf-8")
        expected = spec["expected"]
        paragraphs = (expected.get("body_text") or "").split("\n\n") if expected else []
        leaks = spec.get("must_not_contain", [])
        for name, extract in {**EXTRACTORS, "fallback (ours, as stored)": fallback_article}.items():
            text = extract(html, spec["url"])
            kept = sum(p in text for p in paragraphs if p)
            leaked = [s for s in leaks if s in text]
            print(
                f"{case.stem:22} {name:36} body {kept}/{len([p for p in paragraphs if p])}  "
                f"leaks {len(leaked)}/{len(leaks)}"
            )


def listings(shared: Path) -> None:
    folder = shared / "realdata" / "hanoi-liferay"
    if not folder.is_dir():
        return
    print("\n== real listing pages: the fallback must not call them articles ==")
    for path in sorted(folder.glob("*listing*.html")):
        html = path.read_text(encoding="utf-8", errors="replace")
        body = fallback_article(html, "https://sotttt.hanoi.gov.vn/")
        print(f"  {path.name:60} {'ARTICLE (wrong)' if body else 'not an article'}")


# --- Article Extraction Benchmark metric (scrapinghub/article-extraction-benchmark) ---

_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    truth, guess = _shingles(true), _shingles(pred)
    tp = fp = fn = 0.0
    for key in truth.keys() | guess.keys():
        t, p = truth.get(key, 0), guess.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def aeb_metrics(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    return p, r, 2 * p * r / (p + r)


def aeb(folder: Path) -> None:
    truth_file = folder / "ground-truth.json"
    if not truth_file.exists():
        print(f"\nskip AEB: {truth_file} not present (bash bench/fetch_aeb.sh {folder})")
        return
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    print(f"\n== Article Extraction Benchmark ({len(truth)} pages): P / R / F1, ms/page ==")
    pages = {}
    for key, entry in truth.items():
        with gzip.open(folder / "html" / f"{key}.html.gz", "rt", encoding="utf8") as f:
            pages[key] = (f.read(), entry["url"], entry.get("articleBody", ""))
    for name, extract in EXTRACTORS.items():
        start = time.perf_counter()
        counts = [tp_fp_fn(gold, extract(html, url)) for html, url, gold in pages.values()]
        ms = (time.perf_counter() - start) / len(pages) * 1000
        p, r, f1 = aeb_metrics(counts)
        print(f"{name:36} precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}  {ms:5.1f} ms/page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--aeb", type=Path, default=REPO.parent / "bench-data" / "aeb")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # trafilatura logs every page it discards
    for extract in EXTRACTORS.values():  # warm-up: first calls load trafilatura's data
        extract("<html><body><p>warm up</p></body></html>", "https://example.org/")
    gov_pages(args.shared)
    vn_fixtures()
    listings(args.shared)
    aeb(args.aeb)


if __name__ == "__main__":
    main()
