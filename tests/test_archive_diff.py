"""word_diff on Vietnamese text, the article_changes/removals views, and their Datasette pages
(in-process client and a real ``datasette serve`` on 127.0.0.1)."""

import asyncio
import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from archive import ArchiveWriter, open_archive
from archive.datasette_app import make_datasette
from archive.diff import word_diff
from archive.serve import datasette_command

from .conftest import free_port, stop, wait_for_http

T1 = "2025-07-01T10:00:00+07:00"
T2 = "2025-07-02T10:00:00+07:00"
T3 = "2025-07-03T10:00:00+07:00"
T4 = "2025-07-04T10:00:00+07:00"

BODY = (
    "Sáng 2/6, Thành ủy Trà Vinh tổ chức hội nghị sơ kết công tác 6 tháng đầu năm 2022 với "
    "sự tham dự của các đồng chí trong Ban Thường vụ.\n\n"
    "Toàn tỉnh có 150 đoàn viên tham gia hoạt động tình nguyện trong dịp hè.\n\n"
    "Hội nghị đã thông qua nghị quyết về phát triển kinh tế - xã hội."
)


# -- word_diff ----------------------------------------------------------------------------


def test_syllable_level_change() -> None:
    assert word_diff("có 150 đoàn viên", "có 165 đoàn viên") == "có [-150-]{+165+} đoàn viên"
    assert word_diff("Tỉnh uỷ Trà Vinh", "Tỉnh ủy Trà Vinh") == "Tỉnh [-uỷ-]{+ủy+} Trà Vinh"
    assert word_diff("ông Nguyễn Văn A", "ông Nguyễn A") == "ông Nguyễn [-Văn-] A"
    assert word_diff("họp sáng nay", "họp sáng nay tại UBND") == "họp sáng nay {+tại UBND+}"


def test_long_unchanged_runs_are_shortened_and_paragraphs_kept() -> None:
    new = BODY.replace("150", "165").replace("nghị quyết", "kế hoạch")
    assert word_diff(BODY, new) == (
        "… Ban Thường vụ.\n"
        "Toàn tỉnh có [-150-]{+165+} đoàn viên tham gia hoạt động … hè.\n"
        "Hội nghị đã thông qua [-nghị quyết-]{+kế hoạch+} về phát triển kinh tế - xã hội."
    )
    far = BODY + "\n\n" + " ".join(["Đoạn dài không đổi."] * 20) + "\n\nKết thúc 1."
    assert word_diff(far, far.replace("Kết thúc 1.", "Kết thúc 2.")) == (
        "…\n… Đoạn dài không đổi.\nKết thúc [-1.-]{+2.+}"  # 6 words of context
    )


def test_whole_paragraph_added_and_removed() -> None:
    old = "Đoạn một.\n\nĐoạn hai bị gỡ.\n\nĐoạn ba."
    new = "Đoạn một.\n\nĐoạn ba.\n\nĐoạn bốn mới."
    assert word_diff(old, new) == "Đoạn một.\n[-Đoạn hai bị gỡ.-]\nĐoạn ba.\n{+Đoạn bốn mới.+}"
    assert word_diff("a b\n\nc d", "a b c d") == "a b [-¶-] c d"  # two paragraphs merged


def test_edge_cases() -> None:
    assert word_diff(None, None) is None
    assert word_diff("giống nhau", "giống  nhau") == ""  # whitespace-only edit: no change
    assert word_diff(None, "bài mới") == "{+bài mới+}"
    assert word_diff("bài cũ", None) == "[-bài cũ-]"
    assert word_diff("", "") == ""


def test_diff_is_plain_text_not_html() -> None:
    diff = word_diff("an toàn", "an toàn <script>alert(1)</script>")
    assert diff == "an toàn {+<script>alert(1)</script>+}"  # escaping is the renderer's job


def test_diff_speed_on_a_5000_word_body() -> None:
    words = [f"tiếng{n % 97} và của {n}" for n in range(1250)]  # 5 000 words, many repeats
    paragraphs = [" ".join(words[i : i + 25]) for i in range(0, len(words), 25)]
    old = "\n\n".join(paragraphs)
    edited = list(paragraphs)
    for i in range(0, len(edited), 7):
        edited[i] = edited[i].replace("của", "cho", 1)
    edited.insert(20, "Đoạn mới chèn vào giữa bài.")
    new = "\n\n".join(edited)
    start = time.perf_counter()
    diff = word_diff(old, new)
    elapsed = time.perf_counter() - start
    assert diff is not None and diff.count("[-của-]{+cho+}") == 8
    assert "{+Đoạn mới chèn vào giữa bài.+}" in diff
    assert elapsed < 1.0, elapsed
    start = time.perf_counter()
    word_diff(old, " ".join(reversed(old.split())))  # worst case: everything moved
    assert time.perf_counter() - start < 5.0


# -- views --------------------------------------------------------------------------------


def build_archive(path: Path) -> None:
    url = "https://travinh.gov.vn/tin/1"
    with ArchiveWriter(path, batch_size=1) as w:
        w.ensure_portal("travinh", "Cổng TTĐT Trà Vinh", "https://travinh.gov.vn", "dnn", [])
        for at, title, body in (
            (T1, "Hội nghị sơ kết", BODY),
            (T2, "Hội nghị sơ kết 6 tháng", BODY.replace("150", "165")),
        ):
            record = {"url": url, "title": title, "body_text": body}
            w.add_article(record, portal="travinh", section="tin", fetched_at=at)
        w.add_removal(url, reason="http_404", fetched_at=T3, http_status=404)
        record = {"url": url, "title": "Hội nghị sơ kết 6 tháng", "body_text": BODY + " <script>"}
        w.add_article(record, portal="travinh", section="tin", fetched_at=T4)
        other = {"url": "https://travinh.gov.vn/tin/2", "title": "Tin cũ", "body_text": "x"}
        w.add_article(other, portal="travinh", section="tin", fetched_at=T1)
        w.add_removal(other["url"], reason="redirect", fetched_at=T2, http_status=301)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("diff") / "demo.db"
    build_archive(path)
    return path


def test_article_changes_view(demo_db: Path) -> None:
    db = open_archive(demo_db)
    changes = list(db.query("select * from article_changes order by version"))
    db.close()
    assert [(c["version"], c["previous_version"], c["status"]) for c in changes] == [
        (2, 1, "edited"),
        (4, 2, "restored"),  # version 3 is the tombstone
    ]
    assert "[-150-]{+165+}" in changes[0]["change"]
    assert changes[0]["title_change"] == "Hội nghị sơ kết {+6 tháng+}"
    assert changes[1]["title_change"] is None
    assert changes[1]["change"].endswith("kinh tế - xã hội. {+<script>+}")
    assert changes[0]["url"] == "https://travinh.gov.vn/tin/1"
    assert changes[0]["fetched_at"] == "2025-07-02T03:00:00.000000Z"


def test_removals_view(demo_db: Path) -> None:
    db = open_archive(demo_db)
    assert list(db.query("select url, title, removed_at, removal_reason from removals")) == [
        {
            "url": "https://travinh.gov.vn/tin/2",
            "title": "Tin cũ",
            "removed_at": "2025-07-02T03:00:00.000000Z",
            "removal_reason": "redirect",
        }
    ]
    db.close()


def test_datasette_serves_article_changes(demo_db: Path) -> None:
    ds = make_datasette(demo_db)

    async def fetch() -> tuple[list, str, list]:
        data = await ds.client.get("/archive/article_changes.json?_shape=array")
        page = await ds.client.get("/archive/article_changes")
        removals = await ds.client.get("/archive/removals.json?_shape=array")
        for response in (data, page, removals):
            assert response.status_code == 200, response.text
        return data.json(), page.text, removals.json()

    rows, html, removals = asyncio.run(fetch())
    assert sorted(r["version"] for r in rows) == [2, 4]
    assert any("[-150-]{+165+}" in r["change"] for r in rows)
    assert "[-150-]{+165+}" in html
    assert 'class="word-diff"' in html
    assert "{+&lt;script&gt;+}" in html and "{+<script>" not in html
    assert [r["removal_reason"] for r in removals] == ["redirect"]


def test_real_datasette_serve_over_http(demo_db: Path, tmp_path: Path) -> None:
    port = free_port()
    command = datasette_command([demo_db], port=port)
    log = (tmp_path / "datasette.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/-/versions.json")
        with urllib.request.urlopen(f"{base}/demo/article_changes.json?_shape=array") as resp:
            rows = json.loads(resp.read())
        with urllib.request.urlopen(f"{base}/demo/article_changes") as resp:
            html = resp.read().decode("utf-8")
    finally:
        stop(process)
        log.close()
    assert any("có [-150-]{+165+} đoàn viên" in r["change"] for r in rows)
    assert "có [-150-]{+165+} đoàn viên" in html
    assert "&lt;script&gt;" in html and "{+<script>" not in html
