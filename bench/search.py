"""Vietnamese search latency on a large synthetic archive: the results page and the JSON APIs.

    .venv/bin/python bench/search.py [--articles 200000] [--queries 200] [--db PATH]
                                     [--endpoints page_html,page_json,search,table]

Builds (or reuses, with --db of an existing file) an archive of synthetic Vietnamese articles
written through the real ``archive.ArchiveWriter`` (so the search index is filled by its
triggers), starts ``portal-archive serve`` on 127.0.0.1, and times ``--queries`` searches of
1-3 words -- common and rare, with and without diacritics, some abbreviations and quoted
phrases -- half sorted by relevance, half by date, on the search results page (``/-/search``
as HTML and ``/-/search.json``: exact count, facets and 50 rows with snippets), on the old
``search`` canned query (``/<db>/search.json``) and on the articles table's own search
(``articles.json?_search=``). Prints p50/p95/max per kind (and, for the page, the SQL time it
reports), the database size and the search index's share of it. Sections, attachments,
edits and removals are generated so every facet has values.

Text: sentences of syllables drawn with a Zipf distribution from our own vocabulary (the
syllables of the demo portal's phrase pools, most frequent first, then syllables composed
from Vietnamese initials, rimes and tones), realistic lengths (title 8-20 syllables, sapo
25-60, body 250-1200), government abbreviations, and a third of the articles in old-style
tone placement ("hoà", "uỷ").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import ArchiveWriter, vn_search
from archive.schema import open_archive
from portal_spider.demo_portal import phrases

SEED = 20220602
PORTALS = ("travinh", "vinhlong", "bentre", "soctrang", "cantho")
_INITIALS = "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x"
_RIMES = (
    "a ai am an ang anh ao au ay e em en eng eo i ia im in inh iu o oa oai oan oang oanh oc oi "
    "om on ong u ua uan uang uân uât uc ui um un ung uy uyên uyêt ưa ưi ưng ươi ươm ươn ương "
    "ươu ơi ơm ơn ơt ân âng âu ây ăn ăng ăm ât ăc êm ên ênh êu ôi ôm ôn ông ôt"
)
INITIALS = [*_INITIALS.split(), ""]
RIMES = _RIMES.split()
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
ABBREVIATIONS = ("UBND", "HĐND", "TP.", "MTTQ", "BCH", "BTV", "THCS", "KT-XH")
SECTIONS = ("Tin tức - Sự kiện", "Chính trị", "Kinh tế - Xã hội", "Văn hóa - Xã hội")


def vocabulary(rng: random.Random) -> list[str]:
    """Syllables, most frequent first: the demo phrase pools' own, then composed ones."""
    pools = json.dumps(
        [getattr(phrases, name) for name in dir(phrases) if name.isupper()], ensure_ascii=False
    )
    counts = Counter(w.lower() for w in re.findall(r"[^\W\d_]+", pools))
    words = [w for w, _ in counts.most_common()]
    known = set(words)
    composed = []
    for initial in INITIALS:
        for rime in RIMES:
            for tone in TONES:
                syllable = _with_tone(initial + rime, tone)
                if syllable not in known:
                    composed.append(syllable)
    rng.shuffle(composed)
    return words + composed


def _with_tone(syllable: str, tone: str) -> str:
    """Put the tone mark on the main vowel (rough rule, good enough for a vocabulary)."""
    if not tone:
        return syllable
    vowels = [i for i, c in enumerate(syllable) if unicodedata.normalize("NFD", c)[0] in "aeiouy"]
    if not vowels:
        return syllable
    marked = [i for i in vowels if unicodedata.normalize("NFD", syllable[i]) != syllable[i]]
    at = marked[-1] if marked else vowels[-1] if len(vowels) == 1 else vowels[-2]
    if syllable.startswith(("qu", "gi")) and at == 1 and len(vowels) > 1:
        at = vowels[-1]
    return unicodedata.normalize("NFC", syllable[: at + 1] + tone + syllable[at + 1 :])


class TextMaker:
    """Zipf-distributed syllables, sentences, paragraphs and articles."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        self.cumulative = list(
            accumulate(1 / (rank + 8) ** 1.07 for rank in range(len(self.words)))
        )

    def sentence(self, low: int, high: int) -> str:
        count = self.rng.randint(low, high)
        words = self.rng.choices(self.words, cum_weights=self.cumulative, k=count)
        if self.rng.random() < 0.35:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(ABBREVIATIONS))
        text = " ".join(words)
        return text[:1].upper() + text[1:]

    def article(self, number: int) -> dict[str, str]:
        body_words = self.rng.randint(250, 1200)
        paragraphs, written = [], 0
        while written < body_words:
            sentences = [self.sentence(10, 28) for _ in range(self.rng.randint(2, 6))]
            paragraphs.append(". ".join(sentences) + ".")
            written += sum(s.count(" ") + 1 for s in sentences)
        record = {
            "title": self.sentence(8, 20),
            "summary": self.sentence(25, 60) + ".",
            "body_text": "\n\n".join(paragraphs),
        }
        if number % 3 == 0:  # old-style tone placement, as on many older portals
            record = {k: vn_search.swap_tone_style(v) for k, v in record.items()}
        day = 1 + number * 730 // 200_000 % 730
        hour, minute = 7 + number % 12, number * 7 % 60
        published = time.strftime("%Y-%m-%d", time.gmtime(1_593_561_600 + day * 86_400))
        record["published_at"] = f"{published}T{hour:02d}:{minute:02d}:00+07:00"
        record["url"] = f"https://{PORTALS[number % len(PORTALS)]}.gov.vn/tin/{number}.html"
        if number % 7 == 0:  # a document attached, as on many government notices
            record["attachments"] = [
                {
                    "url": f"https://{PORTALS[number % len(PORTALS)]}.gov.vn/files/{number}.pdf",
                    "title": self.sentence(6, 12),
                }
            ]
        return record


def build(db: Path, articles: int) -> float:
    rng = random.Random(SEED)
    maker = TextMaker(rng)
    start = time.perf_counter()
    with ArchiveWriter(db, batch_size=500) as writer:
        for slug in PORTALS:
            writer.ensure_portal(slug, f"Cổng {slug}", f"https://{slug}.gov.vn", None, [])
        for number in range(articles):
            record = maker.article(number)
            portal = PORTALS[number % len(PORTALS)]
            section = SECTIONS[number * 7 // 3 % len(SECTIONS)]
            writer.add_article(record, portal=portal, section=section, fetched_at=_fetched(number))
            if number and number % 20_000 == 0:
                elapsed = time.perf_counter() - start
                print(f"  {number:,} articles written, {elapsed:.0f} s", flush=True)
    return time.perf_counter() - start


def enrich(db: Path) -> None:
    """Edits, removals and hidden articles, so every facet and filter of the search page has
    work to do (once): an ``edit`` version on every 97th article, a removal on every 101st,
    every 1 009th hidden (``portal-archive hide``'s two writes). Written directly: the index
    is untouched (only ``article_versions``, ``hidden_articles`` and two columns change)."""
    open_archive(db).close()  # the current schema (hidden_articles)
    conn = sqlite3.connect(db)
    vn_search.register(conn)  # hiding takes the article out of the index (its triggers)
    with conn:
        if conn.execute("SELECT 1 FROM article_versions WHERE change_kind = 'edit'").fetchone():
            return
        conn.execute(
            "INSERT INTO hidden_articles (article_id, url, url_sha256, reason, hidden_at)"
            " SELECT id, url, 'bench', 'other', last_seen_at FROM articles WHERE id % 1009 = 0"
        )
        conn.execute("UPDATE articles SET hidden_at = last_seen_at WHERE id % 1009 = 0")
        conn.execute(
            "INSERT INTO article_versions (article_id, version, fetched_at, title, summary,"
            " published_at, body_text, content_hash, change_kind)"
            " SELECT id, version + 1, last_seen_at, title, summary, published_at, body_text,"
            " 'bench-edit-' || id, 'edit' FROM articles WHERE id % 97 = 0"
        )
        conn.execute("UPDATE articles SET version = version + 1 WHERE id % 97 = 0")
        conn.execute(
            "UPDATE articles SET removed_at = last_seen_at, removal_reason = 'http_404'"
            " WHERE id % 101 = 0"
        )
    conn.close()


def _fetched(number: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + number))


def make_queries(db: Path, count: int) -> list[tuple[str, str, str]]:
    """(kind, query, sort) triples, fixed by the seed: common/rare, accented/folded, 1-3
    words, abbreviations and quoted phrases, half by relevance, half by date."""
    rng = random.Random(SEED + 1)
    conn = sqlite3.connect(db)
    frequent = Counter()
    for (title,) in conn.execute("SELECT title FROM articles ORDER BY id LIMIT 3000"):
        frequent.update(w.lower() for w in re.findall(r"[^\W\d_]+", title))
    conn.close()
    ranked = [w for w, _ in frequent.most_common()]
    common, rare = ranked[:60], ranked[len(ranked) // 2 :] or ranked
    queries = []
    kinds = [
        ("common 1 word", lambda: rng.choice(common)),
        ("common 1 word, no marks", lambda: vn_search.fold(rng.choice(common))),
        ("rare 1 word", lambda: rng.choice(rare)),
        ("2 words", lambda: f"{rng.choice(common)} {rng.choice(rare)}"),
        ("2 words, no marks", lambda: vn_search.fold(f"{rng.choice(common)} {rng.choice(rare)}")),
        ("3 words", lambda: " ".join(rng.choice(common) for _ in range(3))),
        ("3 words, no marks", lambda: vn_search.fold(" ".join(rng.sample(common, 3)))),
        ("abbreviation", lambda: f"{rng.choice(ABBREVIATIONS)} {rng.choice(common)}"),
        ("quoted phrase", lambda: f'"{rng.choice(common)} {rng.choice(common)}"'),
        ("rare, no marks", lambda: vn_search.fold(rng.choice(rare))),
    ]
    for i in range(count):
        kind, make = kinds[i % len(kinds)]
        queries.append((kind, make(), "relevance" if (i // len(kinds)) % 2 == 0 else "date"))
    return queries


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_spider", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            return process, base
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("portal-archive serve did not start") from None
            time.sleep(0.3)


def database_route(base: str, default: str) -> str:
    """The database's URL segment (a stable route such as ``archive`` when the site sets one;
    the file stem would answer with a redirect)."""
    with urllib.request.urlopen(base + "/-/databases.json", timeout=10) as response:
        databases = json.loads(response.read())
    return next((d.get("route") or d["name"] for d in databases), default)


def timed_get(url: str, keep: bool = False) -> tuple[float, int, bytes]:
    """Milliseconds, HTTP status (Datasette answers 400 when the SQL time limit is hit) and
    the body when ``keep``."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body = error.read()
        status = error.code
    return (time.perf_counter() - start) * 1000, status, body if keep else b""


ENDPOINTS = ("page_html", "page_json", "search", "table")


def measure(base: str, name: str, queries: list[tuple[str, str, str]],
            endpoints: tuple[str, ...] = ENDPOINTS) -> dict:  # fmt: skip
    """Per endpoint: (kind, ms, HTTP status, SQL ms as the page reports it, facets capped)."""
    urls = {
        "page_html": f"{base}/-/search?",
        "page_json": f"{base}/-/search.json?",
        "search": f"{base}/{name}/search.json?",
        "table": f"{base}/{name}/articles.json?",
    }
    for _, query, sort in queries[:10]:  # warm-up: first connection, caches
        timed_get(urls["page_json"] + urllib.parse.urlencode({"q": query, "sort": sort}))
    results: dict[str, list[tuple[str, float, int, float | None, bool]]] = {
        endpoint: [] for endpoint in endpoints
    }
    for kind, query, sort in queries:
        for endpoint in endpoints:
            label = f"{kind}, by {sort}"
            if endpoint == "table":
                params = {"_search": query, "_shape": "array", "_size": "50", "_col": "title"}
                if sort == "relevance":
                    params["_sort"] = "id"
                label = f"{kind}, {'by id' if sort == 'relevance' else 'by date'}"
            elif endpoint == "search":
                params = {"q": query, "sort": sort, "_shape": "array"}
            else:
                params = {"q": query, "sort": sort}
            url = urls[endpoint] + urllib.parse.urlencode(params)
            if endpoint == "page_json":
                ms, status, body = timed_get(url, keep=True)
                data = json.loads(body) if status == 200 else {}
                sql_ms = data.get("query_ms")
                capped = bool(data.get("facets", {}).get("capped"))
            else:
                ms, status, _ = timed_get(url)
                sql_ms, capped = None, False
            results[endpoint].append((label, ms, status, sql_ms, capped))
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(db: Path, results: dict, build_seconds: float | None) -> None:
    conn = sqlite3.connect(db)
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    sizes = dict(
        conn.execute(
            "SELECT CASE WHEN name LIKE 'articles_search%' THEN 'index' ELSE 'other' END,"
            " sum(pgsize) FROM dbstat GROUP BY 1"
        ).fetchall()
    )
    text = conn.execute(
        "SELECT sum(length(CAST(coalesce(title, '') || coalesce(summary, '') ||"
        " coalesce(body_text, '') AS BLOB))) FROM articles"
    ).fetchone()[0]
    conn.close()
    total = sum(sizes.values())
    print(
        f"\narticles: {articles:,}"
        + (f" (built in {build_seconds:.0f} s)" if build_seconds else "")
    )
    print(f"database: {total / 1e6:,.0f} MB; articles text (UTF-8): {text / 1e6:,.0f} MB")
    print(
        f"search index (articles_search*): {sizes.get('index', 0) / 1e6:,.0f} MB"
        f" = {sizes.get('index', 0) / total:.0%} of the database,"
        f" {sizes.get('index', 0) / text:.2f} x the articles text"
    )
    labels = {
        "page_html": "/-/search (results page, HTML: count, facets, 50 rows + snippets)",
        "page_json": "/-/search.json (the same page as JSON)",
        "search": "search.json (old canned query, 50 rows + snippets, no count)",
        "table": "articles.json?_search= (table, 50 rows)",
    }
    for endpoint, rows in results.items():
        times = [ms for _, ms, _, _, _ in rows]
        failed = sum(1 for _, _, status, _, _ in rows if status != 200)
        print(f"\n{labels[endpoint]}: {len(times)} queries, {failed} not answered 200")
        print(f"  p50 {percentile(times, 0.5):6.1f} ms   p95 {percentile(times, 0.95):6.1f} ms"
              f"   max {max(times):6.1f} ms")  # fmt: skip
        sql = [sql_ms for _, _, _, sql_ms, _ in rows if sql_ms is not None]
        if sql:
            capped = sum(1 for *_, flag in rows if flag)
            print(
                f"  of which SQL (count, facets, page): p50 {percentile(sql, 0.5):6.1f} ms"
                f"   p95 {percentile(sql, 0.95):6.1f} ms; facets capped: {capped} queries"
            )
        by_kind: dict[str, list[float]] = {}
        for kind, ms, *_ in rows:
            by_kind.setdefault(kind, []).append(ms)
        for kind, values in sorted(by_kind.items()):
            print(f"    {kind:34} p50 {percentile(values, 0.5):6.1f}   max {max(values):6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", type=Path, default=Path("bench-search.db"),
                        help="archive to build, or to reuse if it exists")  # fmt: skip
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS),
                        help=f"comma-separated, among {', '.join(ENDPOINTS)}")  # fmt: skip
    args = parser.parse_args()
    endpoints = tuple(e for e in args.endpoints.split(",") if e)
    if not set(endpoints) <= set(ENDPOINTS):
        parser.error(f"unknown endpoint in {args.endpoints!r}")
    build_seconds = None
    if not args.db.exists():
        print(f"building {args.articles:,} articles into {args.db} ...", flush=True)
        build_seconds = build(args.db, args.articles)
    enrich(args.db)
    queries = make_queries(args.db, args.queries)
    process, base = serve(args.db)
    load_before = os.getloadavg()[0]
    try:
        results = measure(base, database_route(base, args.db.stem), queries, endpoints)
    finally:
        process.terminate()
        process.wait(timeout=30)
    report(args.db, results, build_seconds)
    # Timings depend on what else the machine runs: say how busy it was.
    print(f"\nload average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
