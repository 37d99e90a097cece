"""Bylines and sources on one text line (bylines.py). Names and text are invented."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal_spider.extract.bylines import (
    Byline,
    is_plausible_author,
    looks_like_signature,
    parse_byline,
    parse_bylines,
    parse_photo_credit,
)


@pytest.mark.parametrize(
    ("line", "name", "label"),
    [
        ("Tin, ảnh: Minh Tâm", "Minh Tâm", "Tin, ảnh"),
        ("Tin và ảnh: Quốc Bảo.", "Quốc Bảo", "Tin và ảnh"),
        ("Tin - Ảnh: Hữu Phước", "Hữu Phước", "Tin - Ảnh"),
        ("Bài, ảnh: Thu Hà", "Thu Hà", "Bài, ảnh"),
        ("Bài và ảnh: Lê Hồng Nhung", "Lê Hồng Nhung", "Bài và ảnh"),
        ("Tin: Ngọc Anh", "Ngọc Anh", "Tin"),
        ("Bài: Hải Yến", "Hải Yến", "Bài"),
        ("Thực hiện: Hoàng Khải - Bảo Ngọc", "Hoàng Khải - Bảo Ngọc", "Thực hiện"),
        ("Tác giả: Trần Văn Bình", "Trần Văn Bình", "Tác giả"),
        ("Tác giả bài viết: Phạm Thị Lan", "Phạm Thị Lan", "Tác giả bài viết"),
        ("Người viết: Vũ Thị Hoa", "Vũ Thị Hoa", "Người viết"),
        ("Biên tập: Đỗ Minh", "Đỗ Minh", "Biên tập"),
        ("Viết bởi Nguyễn Thành Nam", "Nguyễn Thành Nam", "Viết bởi"),
        ("Tác giả : Phòng Văn hóa và Thông tin", "Phòng Văn hóa và Thông tin", "Tác giả"),
        ("Bài và ảnh: Thanh Hoà", "Thanh Hoà", "Bài và ảnh"),  # old-style tone mark kept
        # Metadata list items as generic extraction prints them.
        ("- Viết bởi: Phòng Nội vụ", "Phòng Nội vụ", "Viết bởi"),
        ("• Tác giả: Lê Minh", "Lê Minh", "Tác giả"),
    ],
)
def test_labelled_authors(line: str, name: str, label: str) -> None:
    assert parse_byline(line) == Byline("author", name, label)
    assert is_plausible_author(name)


@pytest.mark.parametrize(
    "line",
    [
        "Nhóm PV",
        "PV Minh Hà",
        "Nhóm PV Văn xã",
        "CTV Lan Anh",
        "PV",
        "CTV",
        "Thu Trang (PV)",
        "Đức Long - CTV",
        "Hoàng Khải - Bảo ngọc",  # a lower-case slip in the second name
        "Minh Tuấn",
        "Hải Đăng - Kim Liên",
    ],
)
def test_signatures(line: str) -> None:
    assert parse_byline(line) == Byline("author", line, None)
    assert looks_like_signature(line)
    assert is_plausible_author(line)


@pytest.mark.parametrize(
    ("line", "name", "label"),
    [
        ("Nguồn: Báo Nhân Dân", "Báo Nhân Dân", "Nguồn"),
        ("Nguồn tin: Đài TT huyện Tân Phú", "Đài TT huyện Tân Phú", "Nguồn tin"),
        ("(Nguồn: Sở Y tế)", "Sở Y tế", "Nguồn"),
        ("[Nguồn: Cổng TTĐT tỉnh]", "Cổng TTĐT tỉnh", "Nguồn"),
        ("Nguồn: https://baotinhnha.vn/tin-123.htm", "https://baotinhnha.vn/tin-123.htm", "Nguồn"),
        ("Theo TTXVN", "TTXVN", "Theo"),
        ("(Theo baotinhnha.vn)", "baotinhnha.vn", "Theo"),
        ("Theo Báo Lào Cai điện tử.", "Báo Lào Cai điện tử", "Theo"),
    ],
)
def test_sources_are_never_authors(line: str, name: str, label: str) -> None:
    assert parse_byline(line) == Byline("source", name, label)
    assert parse_bylines(line) == [Byline("source", name, label)]
    assert not is_plausible_author(f"{label}: {name}")


def test_author_and_source_on_one_line() -> None:
    line = "Tin, ảnh: Minh Tâm - Nguồn: Đài TT huyện"
    assert parse_bylines(line) == [
        Byline("author", "Minh Tâm", "Tin, ảnh"),
        Byline("source", "Đài TT huyện", "Nguồn"),
    ]
    assert parse_byline(line) == Byline("author", "Minh Tâm", "Tin, ảnh")


@pytest.mark.parametrize(
    "line",
    [
        "Tin, ảnh: Minh Tâm (Nguồn: Đài TT huyện)",
        "Minh Tâm | Nguồn: Đài TT huyện",
        "Minh Tâm (Theo Đài TT huyện)",
    ],
)
def test_author_then_source_in_brackets_or_after_a_bar(line: str) -> None:
    found = parse_bylines(line)
    assert [(b.role, b.name) for b in found] == [
        ("author", "Minh Tâm"),
        ("source", "Đài TT huyện"),
    ]


def test_photo_credit_is_not_an_author() -> None:
    # "Ảnh: X" credits the photographer (usually under an image): not the article's author.
    assert parse_byline("Ảnh: Đức Thắng") is None
    assert parse_photo_credit("Ảnh: Đức Thắng") == "Đức Thắng"
    assert parse_photo_credit("Nguồn ảnh: Internet") == "Internet"
    assert parse_byline("Nguồn ảnh: Internet") is None
    line = "Bài: Thu Hà - Ảnh: Quốc Việt"
    assert parse_bylines(line) == [Byline("author", "Thu Hà", "Bài")]
    assert parse_photo_credit(line) == "Quốc Việt"
    assert parse_photo_credit("Tin, ảnh: Minh Tâm") is None


def test_cms_accounts_are_bylines_but_not_authors() -> None:
    # The line is still a byline (the caller takes it out of the body); the name is refused.
    for line, name in [
        ("Tác giả: admin", "admin"),
        ("Tác giả: Quản trị viên", "Quản trị viên"),
        ("Viết bởi Super User", "Super User"),
    ]:
        byline = parse_byline(line)
        assert byline == Byline("author", name, byline.label if byline else None)
        assert not is_plausible_author(name)


@pytest.mark.parametrize(
    "line",
    [
        "Theo kế hoạch, UBND huyện sẽ tổ chức hội nghị vào tuần tới.",
        "Theo Kế hoạch số 45/KH-UBND, các xã hoàn thành trước tháng 6",
        "Theo Quyết định số 123/QĐ-UBND",
        "Theo Báo cáo của UBND tỉnh",
        "Theo ông Nguyễn Văn An, mùa màng năm nay bội thu",
        "Hội nghị đã thống nhất các nội dung trọng tâm.",
        "Tin: Hội nghị tổng kết công tác",
        "Tin: Hôm nay, đoàn công tác của tỉnh đến thăm xã. Đoàn gồm 12 người",
        "Lượt xem: 314",
        "Ngày đăng: 12/03/2024",
        "12/03/2024",
        "Thứ Hai, 12/03/2024 08:00",
        "Trang chủ",
        "Tin Tức",
        "Liên Hệ",
        "Chia sẻ",
        "In bài viết",
        "Các tin khác",
        "",
        "   ",
        "Bà con nông dân thu hoạch lúa - niềm vui được mùa",
        "Hà Nội - nơi hội tụ tinh hoa",
        "Một câu rất dài " * 20,
    ],
)
def test_not_bylines(line: str) -> None:
    assert parse_byline(line) is None
    assert parse_bylines(line) == []


def test_decomposed_line_is_normalised() -> None:
    byline = parse_byline(unicodedata.normalize("NFD", "Tin, ảnh: Quỳnh Hương"))
    assert byline == Byline("author", "Quỳnh Hương", "Tin, ảnh")
    assert unicodedata.is_normalized("NFC", byline.name)


@pytest.mark.parametrize(
    "name",
    [
        "Minh Tâm",
        "Phòng Văn hóa và Thông tin",
        "Trung tâm VHTT&TT huyện",
        "Ủy ban nhân dân xã Tân Lập",
        "Ban Tuyên giáo Huyện uỷ",
        "Trung tâm VHTT TP. Huế",
        "PV",
        "Hoàng Khải - Bảo ngọc",
    ],
)
def test_plausible_authors(name: str) -> None:
    assert is_plausible_author(name)


@pytest.mark.parametrize(
    "name",
    [
        "Quản trị viên",
        "Administrator",
        "admin",
        "Admin UBND",
        "bientap",
        "bientap01",
        "biên tập viên",
        "Biên tập viên",
        "webmaster",
        "editor",
        "Super User",
        "nguyenvana",
        "nguyen.van.a@tinhnha.gov.vn",
        "Nguồn: Báo Nhân Dân",
        "Nguồn Báo Nhân Dân",
        "Theo TTXVN",
        "Tin, ảnh: Minh Tâm",
        "12/03/2024",
        "Thứ Hai, 12/03/2024",
        "baotinhnha.vn",
        "Hội nghị đã kết thúc. Các đại biểu ra về",
        "hội nghị tổng kết công tác năm",
        "Một Hai Ba Bốn Năm Sáu Bảy Tám Chín Mười Mười Một Mười Hai",
        "X" * 101,
        "",
        None,
    ],
)
def test_implausible_authors(name: str | None) -> None:
    assert not is_plausible_author(name)


@pytest.mark.parametrize(
    "line",
    [
        "Minh Tuấn",
        "Nguyễn Thị Minh Khai",
        "Hoàng Khải - Bảo Ngọc",
        "Quốc Bảo & Lan Anh",
        "Thu Hà, Quốc Việt",
        "PV Minh Hà - CTV Lan Anh",
        "Thu Trang (CTV).",
    ],
)
def test_looks_like_signature(line: str) -> None:
    assert looks_like_signature(line)


@pytest.mark.parametrize(
    "line",
    [
        "Tuấn",  # one syllable alone: too little to tell
        "Nguyễn Thị Minh Khai Xuân Hạ",  # six syllables
        "minh tuấn",
        "Minh tuấn",  # a bare name is all capitalised
        "Tin Tức",
        "Lượt Xem",
        "Nguyễn Văn An 2024",
        "Hội nghị - Tổng kết công tác năm",
        "Tin, ảnh: Minh Tâm",  # labelled, not a bare signature
    ],
)
def test_not_signatures(line: str) -> None:
    assert not looks_like_signature(line)


@given(st.text(max_size=80))
def test_byline_parsers_never_raise(line: str) -> None:
    for byline in parse_bylines(line):
        assert byline.role in ("author", "source")
        assert byline.name
        assert unicodedata.is_normalized("NFC", byline.name)
    is_plausible_author(line)
    looks_like_signature(line)
    parse_photo_credit(line)
