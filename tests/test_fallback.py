"""The generic fallback (extract/fallback.py): trafilatura + Vietnamese post-processing.

Pages under tests/fixtures/generic are ours (made-up portals, no platform fingerprint). The
gov-pages-intl check reads ../shared and skips when it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portal_spider.extract import extract_page
from portal_spider.extract.fallback import MIN_FALLBACK_CHARS, postprocess

FIXTURES = Path(__file__).parent / "fixtures" / "generic"
CASES = sorted(p.stem for p in FIXTURES.glob("*.json"))
# Measured by bench/generic_fallback.py on the 7 pages: plain trafilatura (default settings)
# finds 20/20 must-contain and keeps out 19/23 must-not-contain snippets; favor_precision
# 19/20 and 22/23; the fallback 19/20 and 22/23 (its body never takes the sidebar that the
# default takes on jis.gov.jm; the one snippet it misses there is that page's heading, which
# our record keeps as the title).
GOV_MIN_WITH = 19
GOV_MIN_WITHOUT = 22


def _case(name: str) -> tuple[dict, bytes]:
    spec = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return spec, (FIXTURES / f"{name}.html").read_bytes()


@pytest.mark.parametrize("name", CASES)
def test_generic_fixture(name: str) -> None:
    spec, html = _case(name)
    record = extract_page(html, spec["url"]).to_dict()
    for key, value in spec["expected"].items():
        assert record[key] == value, key


@pytest.mark.parametrize("name", CASES)
def test_no_footer_or_sidebar_leaks(name: str) -> None:
    spec, html = _case(name)
    record = extract_page(html, spec["url"])
    body = record.body_text or ""
    leaked = [s for s in spec["must_not_contain"] if s in body]
    assert leaked == []
    if record.body_text:
        assert "\n\n" in record.body_text  # paragraph breaks kept


def test_known_platform_whose_selectors_miss_still_gets_the_article() -> None:
    """A fingerprint match no longer ends the search (issue 11): the profile's selectors find
    no body on this theme, so the generic layers read it, and the record says so."""
    spec, html = _case("article_div_layout")
    record = extract_page(html, "https://xa.example.gov.vn/Pages/tin-tuc.aspx")
    assert record.platform != "generic"
    assert record.kind == "article"
    assert record.field_sources["body_text"] == "main_text"
    assert record.title == spec["expected"]["title"]


def test_postprocess_vietnamese_rules() -> None:
    body = (
        "Nội dung bài viết về công tác cải cách hành chính của xã trong quý vừa qua. " * 4
    ).strip()
    found = postprocess(
        [
            "Tiêu đề bài viết",
            "Cập nhật: 05/06/2024 14:30",
            "Đoạn sapo ở đầu bài.",
            body,
            body.upper(),
            "Nguồn: Sở Nội vụ",
            "Các tin khác",
            "Một tin khác trong chuyên mục",
        ],
        title="Tiêu đề bài viết",
        summary="Đoạn sapo ở đầu bài.",
    )
    assert found is not None
    assert found.paragraphs == [body, body.upper()]
    assert (found.author, found.source) == (None, "Sở Nội vụ")
    assert found.published_at == "2024-06-05T14:30:00+07:00"


@pytest.mark.parametrize(
    ("last", "author", "source"),
    [
        ("Thực hiện: Hoàng Vũ - Phước Lập", "Hoàng Vũ - Phước Lập", None),
        ("Tin, ảnh: Ngọc Hân", "Ngọc Hân", None),
        ("Tin: Minh Anh", "Minh Anh", None),
        ("Bài, ảnh: Thanh Tùng", "Thanh Tùng", None),
        ("Nguồn: Báo Đồng Nai", None, "Báo Đồng Nai"),
        ("(Theo baochinhphu.vn)", None, "baochinhphu.vn"),
        ("Theo Báo Nhân Dân", None, "Báo Nhân Dân"),
        ("Theo kế hoạch, lễ khởi công vào tháng 5.", None, None),
    ],
)
def test_byline(last: str, author: str | None, source: str | None) -> None:
    """Bylines leave the text; "Nguồn:"/"Theo" name the source, never the author."""
    found = postprocess(["Nội dung. " * 60, last])
    assert found is not None and (found.author, found.source) == (author, source)
    assert (last in found.paragraphs) == (author is None and source is None)


def test_footer_lines_are_cut() -> None:
    text = ("Nội dung. " * 60).strip()
    found = postprocess(
        [
            text,
            "CỔNG THÔNG TIN ĐIỆN TỬ XÃ MẪU",
            "Giấy phép số 12/GP-STTTT",
            "Chịu trách nhiệm chính: Ông A",
            "Địa chỉ: Ấp 1",
            "Điện thoại: 0270 000 000",
        ]
    )
    assert found is not None and found.paragraphs == [text]


def test_short_text_is_not_an_article() -> None:
    assert postprocess(["x" * (MIN_FALLBACK_CHARS - 1)]) is None
    assert postprocess(["x" * MIN_FALLBACK_CHARS]) is not None


def test_gov_pages_intl(shared_dir: Path) -> None:
    """Real government pages of unknown platforms, read as the crawl reads an article link."""
    folder = shared_dir / "realdata" / "gov-pages-intl"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not present")
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    found = kept_out = 0
    for url, entry in truth.items():
        page_url = url if "://" in url else f"https://{entry['file']}/"
        record = extract_page((folder / entry["file"]).read_bytes(), page_url, expect="article")
        assert record.kind == "article" and record.extraction_failed is None
        text = "\n".join(filter(None, (record.summary, record.body_text)))
        found += sum(s in text for s in entry["with"])
        kept_out += sum(s not in text for s in entry["without"])
    assert found >= GOV_MIN_WITH
    assert kept_out >= GOV_MIN_WITHOUT


def test_real_listings_are_not_articles(shared_dir: Path) -> None:
    """The teaser guards: real listing pages never pass as articles, even when read by the
    generic layers."""
    folder = shared_dir / "realdata" / "hanoi-liferay"
    pages = sorted(folder.glob("*listing*.html"))
    if not pages:
        pytest.skip(f"no listing pages in {folder}")
    for path in pages:
        record = extract_page(path.read_bytes(), "https://sotttt.hanoi.gov.vn/tin-tuc")
        assert record.kind != "article", path.name
