"""Vietnamese search latency on a large synthetic archive, through Datasette's JSON API.

    .venv/bin/python bench/search.py [--articles 200000] [--queries 200] [--db PATH]

Builds (or reuses, with --db of an existing file) an archive of synthetic Vietnamese articles
written through the real ``archive.ArchiveWriter`` (so the search index is filled by its
triggers), starts ``portal-archive serve`` on 127.0.0.1, and times ``--queries`` searches of
1-3 words -- common and rare, with and without diacritics, some abbreviations and quoted
phrases -- half sorted by relevance, half by date, on the ``search`` canned query
(``/<db>/search.json``) and on the articles table's own search (``articles.json?_search=``).
Prints p50/p95/max per kind, the database size and the search index's share of it.

Text: sentences of syllables drawn with a Zipf distribution from our own vocabulary (the
syllables of the demo portal's phrase pools, most frequent first, then syllables composed
from Vietnamese initials, rimes and tones), realistic lengths (title 8-20 syllables, sapo
25-60, body 250-1200), government abbreviations, and a third of the articles in old-style
tone placement ("hoà", "uỷ").
"""

from __future__ import annotations

import argparse
import json
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
            writer.add_article(record, portal=portal, section=None, fetched_at=_fetched(number))
            if number and number % 20_000 == 0:
                elapsed = time.perf_counter() - start
                print(f"  {number:,} articles written, {elapsed:.0f} s", flush=True)
    return time.perf_counter() - start


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


def timed_get(url: str) -> tuple[float, int]:
    """Milliseconds and HTTP status (Datasette answers 400 when the SQL time limit is hit)."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    return (time.perf_counter() - start) * 1000, status


def measure(base: str, name: str, queries: list[tuple[str, str, str]]) -> dict:
    search_url = f"{base}/{name}/search.json?"
    table_url = f"{base}/{name}/articles.json?"
    for _, query, sort in queries[:10]:  # warm-up: first connection, caches
        timed_get(
            search_url + urllib.parse.urlencode({"q": query, "sort": sort, "_shape": "array"})
        )
    results: dict[str, list[tuple[str, float, int]]] = {"search": [], "table": []}  # ms, status
    for kind, query, sort in queries:
        params = {"q": query, "sort": sort, "_shape": "array"}
        ms, status = timed_get(search_url + urllib.parse.urlencode(params))
        results["search"].append((f"{kind}, by {sort}", ms, status))
        table = {"_search": query, "_shape": "array", "_size": "50", "_col": "title"}
        if sort == "relevance":
            table["_sort"] = "id"
        ms, status = timed_get(table_url + urllib.parse.urlencode(table))
        results["table"].append(
            (f"{kind}, {'by id' if sort == 'relevance' else 'by date'}", ms, status)
        )
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
    for endpoint, label in (("search", "search.json (canned query, 50 rows + snippets)"),
                            ("table", "articles.json?_search= (table, 50 rows)")):  # fmt: skip
        rows = results[endpoint]
        times = [ms for _, ms, _ in rows]
        failed = sum(1 for _, _, status in rows if status != 200)
        print(f"\n{label}: {len(times)} queries, {failed} not answered 200")
        print(f"  p50 {percentile(times, 0.5):6.1f} ms   p95 {percentile(times, 0.95):6.1f} ms"
              f"   max {max(times):6.1f} ms")  # fmt: skip
        by_kind: dict[str, list[float]] = {}
        for kind, ms, _ in rows:
            by_kind.setdefault(kind, []).append(ms)
        for kind, values in sorted(by_kind.items()):
            print(f"    {kind:34} p50 {percentile(values, 0.5):6.1f}   max {max(values):6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", type=Path, default=Path("bench-search.db"),
                        help="archive to build, or to reuse if it exists")  # fmt: skip
    args = parser.parse_args()
    build_seconds = None
    if not args.db.exists():
        print(f"building {args.articles:,} articles into {args.db} ...", flush=True)
        build_seconds = build(args.db, args.articles)
    queries = make_queries(args.db, args.queries)
    process, base = serve(args.db)
    try:
        results = measure(base, args.db.stem, queries)
    finally:
        process.terminate()
        process.wait(timeout=30)
    report(args.db, results, build_seconds)


if __name__ == "__main__":
    main()
