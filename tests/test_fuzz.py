"""Fuzzing (hypothesis) of everything that reads untrusted text: the page extractor, the
number and date parsers and the search-query rewriting.

No exception may escape, and every output keeps its contract: text NFC and never "", dates
ISO 8601, counts whole numbers >= 0, search queries valid FTS5. Inputs: random bytes, random
HTML-ish markup, and real-looking pages (our fixtures, plus ../shared/realdata when present)
mutated by byte flips, truncations, tag insertions and deletions and charset swaps.

Bounded: a fixed number of examples each with a per-example deadline (the whole file runs
in well under a minute). Every crash found is kept under tests/fixtures/fuzz/ and replayed
by :func:`test_regression_corpus`; bench/fuzz_atheris.py runs the same checks for hours.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .fuzz_support import (
    CHECKS,
    URLS,
    check_count,
    check_date,
    check_extract,
    check_query,
    vn_search,
)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
CORPUS = FIXTURES / "fuzz"
REALDATA = REPO.parent / "shared" / "realdata"
# The deadline guards against hangs (a regex gone quadratic), not speed: the shared CI
# machine can be slow, and a deadline hit only once makes hypothesis report a flaky test.
FUZZ = settings(
    max_examples=300,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- strategies ---------------------------------------------------------------------------------

# Vietnamese letters precomposed and decomposed, tone marks alone, the invisible characters
# editors leave behind, digits and the separators that dates and counts use.
VN_CHARS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ"
    "áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
    "\u00ad\u200b\u200c\u200d\u2060\ufeff\u00a0\u202f \t\n"
    "0123456789/.,:-h"
)
vn_text = st.text(alphabet=VN_CHARS, max_size=60)
WORDS = (
    "Ngày", "ngày", "tháng", "năm", "Sáng", "Chiều", "lúc", "giờ", "AM", "PM", "SA", "CH",
    "Lượt truy cập", "Hôm nay", "Tổng", "Đang online", "UBND", "Ủy ban", "Uỷ ban", "thủy",
    "hoà", '"', "*", "-", "NEAR(", ")", "AND", "OR", "NOT", ":", "^", "\x00", "\ue000",
)  # fmt: skip
word_soup = st.lists(
    st.one_of(st.sampled_from(WORDS), st.integers(-5, 100_000).map(str), vn_text), max_size=8
).map(" ".join)

TAGS = ("div", "p", "span", "a", "h1", "h2", "table", "tr", "td", "ul", "li", "img", "form",
        "script", "style", "iframe", "figure", "figcaption", "strong", "br", "article",
        "section", "html", "body", "head", "title", "meta", "svg", "b", "i")  # fmt: skip
CLASSES = ("news-content", "title", "sapo", "date", "author", "content", "detail",
           "journal-content-article", "ms-rtestate-field", "pagination", "next", "counter",
           "thong-ke", "item-page", "entry-content", "post-title", "tin-lien-quan")  # fmt: skip
HREFS = ("/tin/a.html", "bai-2.html", "?page=2", "javascript:alert(1)", "mailto:x@y.vn",
         "//other.example/x", "http://[::1", "#", "", "file:///etc/passwd", "/a.pdf",
         "/LinkClick.aspx?fileticket=x", " ", "http://a.vn/%zz")  # fmt: skip


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = ""
    if draw(st.booleans()):
        attrs += f' class="{draw(st.sampled_from(CLASSES))}"'
    if tag in ("a", "img", "iframe") or draw(st.integers(0, 9)) == 0:
        name = "src" if tag in ("img", "iframe") else "href"
        attrs += f' {name}="{draw(st.sampled_from(HREFS))}"'
    if draw(st.integers(0, 15)) == 0:
        attrs += f' charset="{draw(st.sampled_from(("utf-8", "windows-1258", "x-bogus")))}"'
    children = [draw(word_soup)]
    if depth < 3:
        children += draw(st.lists(element(depth + 1), max_size=3))
    closing = draw(st.sampled_from((f"</{tag}>", "", f"</{tag}>", "</div></div>", "</html>")))
    return f"<{tag}{attrs}>{''.join(children)}{closing}"


html_ish = st.lists(element(), min_size=1, max_size=4).map(
    lambda parts: "<html><head><title>Trang thử</title></head><body>" + "".join(parts)
)


def _pages() -> list[Path]:
    pages = sorted(FIXTURES.glob("platforms/**/*.html")) + sorted(FIXTURES.glob("*/*.html"))
    pages = [p for p in dict.fromkeys(pages) if "fuzz" not in p.parts]
    if REALDATA.is_dir():
        pages += sorted(REALDATA.glob("**/*.html"))
    return pages


PAGES = _pages()


@st.composite
def mutated_page(draw: st.DrawFn) -> bytes:
    """A real-looking page, damaged the ways pages arrive damaged."""
    data = bytearray(draw(st.sampled_from(PAGES)).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(("flip", "truncate", "insert", "delete", "charset", "dup")))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(element()).encode("utf-8")
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 2000))]
        elif kind == "dup":
            data[at:at] = data[at : at + draw(st.integers(1, 3000))]
        else:  # declare or send another charset than the page is written in
            text = bytes(data).decode("utf-8", errors="replace")
            target = draw(st.sampled_from(("windows-1258", "utf-16", "latin-1", "utf-8")))
            text = text.replace("utf-8", target).replace("UTF-8", target)
            data = bytearray(text.encode(target, errors="replace"))
    return bytes(data)


# -- extraction ---------------------------------------------------------------------------------


def setup_module() -> None:
    # Import trafilatura (fallback extractor, ~0.15 s) before the deadlines start counting.
    check_extract(b"<html><body><div><p>" + "Nội dung thử. ".encode() * 40 + b"</p></div>")


@FUZZ
@given(st.binary(max_size=5000), st.sampled_from(URLS))
def test_extract_random_bytes(data: bytes, url: str) -> None:
    check_extract(data, url)


@FUZZ
@given(html_ish, st.sampled_from(URLS), st.sampled_from(("utf-8", "windows-1258", "str")))
def test_extract_random_html(markup: str, url: str, encoding: str) -> None:
    data = markup if encoding == "str" else markup.encode(encoding, errors="replace")
    check_extract(data, url)


@pytest.mark.skipif(not PAGES, reason="no fixture pages")
@FUZZ
@given(mutated_page(), st.sampled_from(URLS))
def test_extract_mutated_real_pages(data: bytes, url: str) -> None:
    check_extract(data, url)


def test_real_pages_are_fuzzed_when_present() -> None:
    """Says whether ../shared/realdata pages took part (absent in a user's clone)."""
    real = [p for p in PAGES if REALDATA in p.parents]
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is absent: fuzzing our own fixtures only")
    assert real


# -- numbers, dates, search queries -------------------------------------------------------------


@settings(max_examples=1000, deadline=timedelta(seconds=2))
@given(st.one_of(word_soup, st.text(max_size=40)))
def test_parse_count_fuzz(text: str) -> None:
    check_count(text)


@settings(max_examples=1000, deadline=timedelta(seconds=2))
@given(st.one_of(word_soup, st.text(max_size=60)), st.one_of(st.none(), st.integers(0, 10_000)))
def test_parse_date_fuzz(text: str, year: int | None) -> None:
    check_date(text, year)


@settings(max_examples=1000, deadline=timedelta(seconds=2))
@given(st.one_of(word_soup, vn_text, st.text(max_size=80)))
def test_search_query_fuzz(text: str) -> None:
    if vn_search is None:
        pytest.skip("archive/vn_search.py is not in this checkout")
    check_query(text)


@settings(max_examples=300, deadline=timedelta(seconds=2))
@given(vn_text)
def test_extracted_text_is_nfc_whatever_invisible_characters_it_had(text: str) -> None:
    """Text with soft hyphens or zero-width joiners between a letter and its tone mark."""
    markup = f"<html><body><h1>{text}</h1><div class='news-content'><p>{text}</p></div>"
    check_extract(markup.encode("utf-8"))


# -- the regression corpus ----------------------------------------------------------------------


def corpus() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*/*") if p.is_file() and p.parent.name in CHECKS)


@pytest.mark.parametrize("case", corpus(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_regression_corpus(case: Path) -> None:
    """Every input that once crashed or broke a contract, and the seeds (fuzz/README.md)."""
    if case.parent.name == "query" and vn_search is None:
        pytest.skip("archive/vn_search.py is not in this checkout")
    CHECKS[case.parent.name](case.read_bytes())


def test_regression_corpus_covers_every_target() -> None:
    assert {p.parent.name for p in corpus()} == set(CHECKS)
