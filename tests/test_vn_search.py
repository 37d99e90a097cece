"""The pure Vietnamese search rules (archive/vn_search.py), checked against FTS5 itself."""

from __future__ import annotations

import ast
import json
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path

import pytest
from datasette.utils import escape_fts as datasette_escape_fts
from hypothesis import example, given, settings
from hypothesis import strategies as st

from archive import search_index, site_config
from archive import vn_search as vs

# Letters of Vietnamese text in both tone styles, with ASCII and punctuation FTS5 cares about.
VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + ' -"*():^.,/\u0301\u0300\n\t\x00'
texts = st.text(alphabet=ALPHABET, max_size=60)
any_text = st.text(max_size=60)


def mark(text: str) -> str:
    return text.replace(vs.MARK_START, "[").replace(vs.MARK_END, "]")


# -- fold -----------------------------------------------------------------------------------


def test_fold_removes_every_mark_and_maps_d() -> None:
    assert vs.fold("Đảng bộ Thành uỷ Trà Vinh, người ở Phường 9") == (
        "Dang bo Thanh uy Tra Vinh, nguoi o Phuong 9"
    )
    nfd = unicodedata.normalize("NFD", "Đảng bộ thành phố")
    assert vs.fold(nfd) == "Dang bo thanh pho"
    assert vs.fold(None) == "" and vs.fold("") == ""


@given(any_text)
def test_fold_is_idempotent_nfc_and_keeps_word_count(text: str) -> None:
    folded = vs.fold(text)
    assert vs.fold(folded) == folded
    assert unicodedata.is_normalized("NFC", folded)
    decomposed = unicodedata.normalize("NFD", folded)
    assert not any("\u0300" <= c <= "\u036f" or c in "đĐ" for c in decomposed)


def decomposing_fold(text: str) -> str:
    stripped = re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


@settings(max_examples=300)
@given(st.text(alphabet=ALPHABET + "\u0302\u0306\u031b\u0323ÅåÇçØøİ", max_size=60))
def test_table_fold_equals_decomposing_fold(text: str) -> None:
    assert vs.fold(text) == decomposing_fold(text)


# -- tone-mark placement --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [
        ("uỷ", "ủy"),
        ("Uỷ", "Ủy"),
        ("thuỷ", "thủy"),
        ("hoà", "hòa"),
        ("HOÀ", "HÒA"),
        ("khoẻ", "khỏe"),
        ("toạ", "tọa"),
        ("hoả", "hỏa"),
        ("xoã", "xõa"),
        ("hoá", "hóa"),
        ("tuý", "túy"),
        ("luỹ", "lũy"),
        ("Thuỵ", "Thụy"),
        ("xoè", "xòe"),
    ],
)
def test_two_style_words_swap_both_ways(old_style: str, new_style: str) -> None:
    assert vs.swap_tone_style(old_style) == new_style
    assert vs.swap_tone_style(new_style) == old_style
    assert vs.canonical_tone(old_style) == vs.canonical_tone(new_style) == new_style


@pytest.mark.parametrize(
    "word", ["quý", "quỹ", "Quỷ", "hoàng", "toán", "khuya", "thuế", "uyên", "tám", "tâm", "của"]
)
def test_words_with_one_placement_are_left_alone(word: str) -> None:
    assert vs.swap_tone_style(word) == word
    assert vs.canonical_tone(word) == word


def test_swap_inside_text_keeps_everything_else() -> None:
    text = "Thành uỷ tổ chức hội nghị hoà giải; Quỹ “Vì người nghèo”, thủy lợi."
    assert vs.swap_tone_style(text) == (
        "Thành ủy tổ chức hội nghị hòa giải; Quỹ “Vì người nghèo”, thuỷ lợi."
    )


@given(texts)
@example("oà uỷ quý hoàng")
def test_tone_swap_is_an_involution_that_keeps_the_folded_text(text: str) -> None:
    text = unicodedata.normalize("NFC", text)
    swapped = vs.swap_tone_style(text)
    assert vs.swap_tone_style(swapped) == text
    assert vs.fold(swapped) == vs.fold(text)
    assert len(swapped) == len(text)


# -- abbreviations --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("UBND thành phố", "Ủy ban nhân dân thành phố"),
        ("HĐND tỉnh", "Hội đồng nhân dân tỉnh"),
        ("Ủy ban MTTQ Việt Nam", "Ủy ban Mặt trận Tổ quốc Việt Nam"),
        ("TP. Trà Vinh", "thành phố Trà Vinh"),
        ("TP.Hồ Chí Minh", "thành phố Hồ Chí Minh"),
        ("BTV Thành ủy", "Ban Thường vụ Thành ủy"),
        ("KT-XH", "kinh tế - xã hội"),
        ("Chỉ thị 05-CT/TW", "Chỉ thị 05-CT/Trung ương"),
    ],
)
def test_abbreviations_expand(text: str, expanded: str) -> None:
    assert vs.expand_abbreviations(text) == expanded


@pytest.mark.parametrize(
    ("text", "contracted"),
    [
        ("Uỷ ban nhân dân xã", "UBND xã"),
        ("ủy ban nhân dân", "UBND"),
        ("uy ban nhan dan", "UBND"),
        ("Hội đồng Nhân dân tỉnh", "HĐND tỉnh"),
        ("Ban Chấp hành Đảng bộ thành phố", "BCH Đảng bộ TP."),
        ("kinh tế – xã hội", "KT-XH"),
        ("phòng cháy,chữa cháy", "PCCC"),
    ],
)
def test_expansions_contract(text: str, contracted: str) -> None:
    assert vs.contract_abbreviations(text) == contracted


@pytest.mark.parametrize("text", ["ubnd", "Ubnd", "KHUBND", "UBNDX", "ATP.", "TPHCM", "bch"])
def test_abbreviations_match_case_sensitive_whole_tokens(text: str) -> None:
    assert vs.expand_abbreviations(text) == text


def test_abbreviation_file_is_parsed_and_hashed() -> None:
    pairs = dict(vs.default_abbreviations().pairs)
    for abbreviation in ("UBND", "HĐND", "MTTQ", "TP.", "BCH", "BTV", "UBMTTQ", "TW", "THCS"):
        assert abbreviation in pairs
    assert all(unicodedata.is_normalized("NFC", a + e) for a, e in pairs.items())
    assert len(vs.rules_hash()) == 16
    assert vs.parse_abbreviations("# c\n\nUBND\tỦy ban nhân dân\n") == (
        ("UBND", "Ủy ban nhân dân"),
    )
    with pytest.raises(ValueError, match="line 1"):
        vs.parse_abbreviations("UBND Ủy ban nhân dân")


def test_extending_the_rules_is_data_only() -> None:
    rules = vs.build_abbreviations([("CLB", "câu lạc bộ")])
    assert rules.expand("CLB văn nghệ") == "câu lạc bộ văn nghệ"
    assert rules.contract("Câu lạc bộ thơ") == "CLB thơ"


# -- index columns --------------------------------------------------------------------------


def test_canonical_abbreviations() -> None:
    for spelling in ("Ủy ban nhân dân", "Uỷ ban nhân dân", "uy ban nhan dan", "UBND"):
        assert vs.canonical_abbreviations(f"{spelling} xã") == "UBND xã"
    for spelling in ("Ủy ban MTTQ", "Ủy ban Mặt trận Tổ quốc", "UBMTTQ"):
        assert vs.canonical_abbreviations(spelling) == "UBMTTQ"
    assert vs.canonical_abbreviations("TP.Trà Vinh, thành phố Trà Vinh") == (
        "TP. Trà Vinh, TP. Trà Vinh"
    )
    assert vs.canonical_form("Uỷ ban nhân dân tỉnh Thanh Hoá") == "UBND tỉnh Thanh Hóa"


def test_variants_hold_the_canonical_form_of_changed_paragraphs() -> None:
    value = vs.variants("Thành uỷ Trà Vinh", "Ủy ban nhân dân thành phố họp", "Hòa giải\nKhác")
    assert value.split("\n") == [
        "Thành ủy Trà Vinh",  # canonical tone placement
        "UBND TP. họp",  # canonical abbreviations
        "UBND TP. hop",  # ... and folded, for "uy ban nhan dan thanh pho"
    ]
    assert vs.variants("Tin mới", None, "Hòa giải, Thành ủy") == ""  # already canonical
    assert vs.variants(None, None, None) == ""


def test_fts_query_is_the_canonical_form_of_each_phrase() -> None:
    assert vs.fts_query('thanh "Uỷ ban" UBND') == '"thanh" "Ủy ban" "UBND"'
    assert vs.fts_query("Ủy ban nhân dân xã") == vs.fts_query("UBND xã") == '"UBND" "xã"'
    assert vs.fts_query("uy ban nhan dan xa") == '"UBND" "xa"'
    assert vs.fts_query("dang bo thanh pho") == '"dang" "bo" "TP."'
    assert vs.fts_query("HĐND") == '"HDND"'  # typed without other marks: compared folded
    assert vs.fts_query("thanh uy tra vinh") == '"thanh" "uy" "tra" "vinh"'
    assert vs.fts_query("tám") == '"tám"'
    assert vs.fts_query("COVID-19 - x") == '"COVID-19" "x"'
    assert vs.fts_query(" - ") == vs.fts_query("") == '""'


def index_and_search(documents: list[str], query: str) -> list[int]:
    """Index documents the way the archive does and run the escaped query on FTS5."""
    conn = sqlite3.connect(":memory:")
    vs.register(conn)
    conn.execute(
        "CREATE VIRTUAL TABLE s USING fts5(title, body, title_folded, body_folded, variants,"
        " content='', tokenize='unicode61 remove_diacritics 0')"
    )
    for rowid, text in enumerate(documents, 1):
        conn.execute(
            "INSERT INTO s (rowid, title, body, title_folded, body_folded, variants)"
            " VALUES (?, '', ?, '', vn_search_fold(?), vn_search_variants('', '', ?))",
            [rowid, text, text, text],
        )
    found = conn.execute("SELECT rowid FROM s WHERE s MATCH vn_fts_query(?)", [query])
    return sorted(r[0] for r in found)


DOCS = [
    "Thành ủy Trà Vinh tổ chức hội nghị",  # 1
    "Tỉnh uỷ Trà Vinh họp",  # 2
    "Đồng chí Nguyễn Thành Tâm phát biểu",  # 3
    "Tám hộ gia đình được hỗ trợ",  # 4
    "Đảng bộ thành phố sơ kết",  # 5
    "Cán bộ đang làm việc",  # 6
    "UBND xã Long Đức ra quân",  # 7
    "Ủy ban nhân dân phường 7 ra quân",  # 8
    "Hội nghị hoà giải ở cơ sở",  # 9
    "Ủy ban nhân dân thành phố Trà Vinh họp",  # 10
    "Uỷ ban nhân dân tỉnh họp",  # 11
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("thanh uy", [1, 10]),  # words anywhere: 10 has "thành" and "Ủy"
        ("Thành ủy", [1, 10]),
        ("Thành uỷ", [1, 10]),
        ("tinh uy", [2, 11]),
        ("Tỉnh ủy", [2, 11]),
        ('"Thành uỷ"', [1]),
        ('"tinh uy"', [2]),
        ("tám", [4]),
        ("tâm", [3]),
        ("tam", [3, 4]),
        ("Đảng", [5]),
        ("đang", [6]),
        ("dang", [5, 6]),
        (unicodedata.normalize("NFD", "Đảng bộ"), [5]),
        ("UBND ra quân", [7, 8]),
        ("Ủy ban nhân dân ra quân", [7, 8]),
        ("Uỷ ban nhân dân ra quân", [7, 8]),
        ("uy ban nhan dan ra quan", [7, 8]),
        ('"UBND xã Long Đức"', [7]),
        ('"Ủy ban nhân dân xã Long Đức"', [7]),
        ('"uy ban nhan dan xa long duc"', [7]),
        ('"UBND phường"', [8]),
        ('"Uỷ ban nhân dân xã Long Đức"', [7]),
        ('"UBND thành phố Trà Vinh"', [10]),  # mixed spellings in one phrase
        ('"UBND TP. Trà Vinh"', [10]),
        ('"uy ban nhan dan TP. tra vinh"', [10]),
        ('"Ủy ban nhân dân tỉnh"', [11]),
        ('"UBND tỉnh"', [11]),
        ("UBND", [7, 8, 10, 11]),
        ('"hòa giải ở"', [9]),
        ('"hoà giải ở"', [9]),
        ('"hoa giai o"', [9]),
        ("", []),
        ('"', []),
    ],
)
def test_queries_match_the_right_documents(query: str, expected: list[int]) -> None:
    assert index_and_search(DOCS, query) == expected


# -- queries --------------------------------------------------------------------------------


@given(any_text)
@example('"sơ kết" tình "hình')
@example('a""b')
@example('e"è')  # "e" (searched folded) and "è" (searched with its mark) are two phrases
def test_queries_split_like_datasettes_escape_fts(query: str) -> None:
    canonical = vs.canonical_abbreviations(vs.clean_query(query))
    escaped = datasette_escape_fts(canonical)
    expected = [p for p in re.findall(r'"([^"]*)"', escaped) if re.search(r"[^\W_]", p)]
    phrases = vs.query_phrases(query)
    assert list(dict.fromkeys(vs.fold(p) for p in phrases)) == list(
        dict.fromkeys(vs.fold(p) for p in expected)
    )


@settings(max_examples=300)
@given(st.one_of(texts, any_text))
@example('title:x NEAR(a b) AND OR NOT ^x * "unterminated')
@example("\x00")
@example("\ud800 lone surrogate")
def test_any_query_is_valid_fts5(query: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='unicode61 remove_diacritics 0')")
    conn.execute("INSERT INTO t VALUES ('a b c')")
    conn.execute("SELECT * FROM t WHERE t MATCH ?", [vs.fts_query(query)]).fetchall()


def test_clean_query() -> None:
    nfd = unicodedata.normalize("NFD", "Thành ủy")
    assert vs.clean_query(nfd) == "Thành ủy"
    assert vs.clean_query("a\x00b\x1fc\ud800d") == "a b c d"
    assert len(vs.clean_query("x" * 5000)) == vs.MAX_QUERY_CHARS
    assert vs.is_empty_query(' "" ') and vs.is_empty_query(None)
    assert vs.is_empty_query("- * 🙂 ^") and not vs.is_empty_query("- a")


# -- snippets -------------------------------------------------------------------------------


def test_snippet_marks_matches_in_the_original_spelling() -> None:
    text = "Ngày 02/6, Thường trực Thành uỷ Trà Vinh tổ chức Hội nghị Ban Chấp hành."
    assert mark(vs.snippet(text, "thanh uy tra vinh")) == (
        "Ngày 02/6, Thường trực [Thành uỷ Trà Vinh] tổ chức Hội nghị Ban Chấp hành."
    )
    assert mark(vs.snippet(text, "Thành ủy")) == (
        "Ngày 02/6, Thường trực [Thành uỷ] Trà Vinh tổ chức Hội nghị Ban Chấp hành."
    )
    assert mark(vs.snippet(text, "BCH")) == (
        "Ngày 02/6, Thường trực Thành uỷ Trà Vinh tổ chức Hội nghị [Ban Chấp hành]."
    )
    assert vs.MARK_START not in vs.snippet(text, "tám")


def test_snippet_marks_phrases_only_where_they_occur() -> None:
    text = "sơ kết công tác; sơ kết tình hình tháng 5"
    assert mark(vs.snippet(text, '"sơ kết tình hình"')) == (
        "sơ kết công tác; [sơ kết tình hình] tháng 5"
    )


def test_snippet_window_and_ellipses() -> None:
    words = [f"w{i}" for i in range(200)]
    words[120] = "Đảng"
    result = vs.snippet(" ".join(words), "dang", words=20)
    assert result.startswith("…w") and result.endswith("…")
    shown = result.strip("…").split()
    assert 15 <= len(shown) <= 40 and {"w115", "w119", "w121", "w130"} <= set(shown)
    assert "[Đảng]" in mark(result)
    assert vs.snippet(" ".join(words), "nothing", words=5).startswith("w0 w1 w2 w3")
    assert vs.snippet("một\n\nhai\tba", "hai") == f"một {vs.MARK_START}hai{vs.MARK_END} ba"


def test_snippet_never_carries_markers_from_the_source() -> None:
    text = f"a {vs.MARK_START}<script>alert(1)</script>{vs.MARK_END} b"
    result = vs.snippet(text, "script")
    assert result.count(vs.MARK_START) == result.count(vs.MARK_END) == 2
    assert mark(result) == "a <[script]>alert(1)</[script]> b"


@given(st.text(max_size=80), st.text(max_size=20))
def test_snippet_markers_are_balanced_and_removable(text: str, query: str) -> None:
    result = vs.highlight(text, query)
    opened = 0
    for char in result:
        if char == vs.MARK_START:
            assert opened == 0
            opened = 1
        elif char == vs.MARK_END:
            assert opened == 1
            opened = 0
    assert opened == 0
    plain = result.replace(vs.MARK_START, "").replace(vs.MARK_END, "")
    expected = vs._CONTROL.sub(" ", unicodedata.normalize("NFC", text)) if text else ""
    assert plain == expected


def test_article_snippet_falls_back_to_the_title() -> None:
    assert mark(vs.article_snippet("Thành ủy họp", None, None, "thanh uy")) == "[Thành ủy] họp"
    assert vs.article_snippet(None, None, None, "x") == ""


def test_rules_module_is_pure() -> None:
    """The rules import only the standard library (the archive package itself does not)."""
    tree = ast.parse(Path(vs.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for alias in n.names}  # fmt: skip
    imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.module}  # fmt: skip
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_search_query_uses_the_index_weights() -> None:
    metadata = json.loads(site_config.METADATA_PATH.read_text(encoding="utf-8"))
    sql = metadata["databases"]["demo"]["queries"]["search"]["sql"]
    weights = ", ".join(str(w) for w in search_index.BM25_WEIGHTS)
    assert f"bm25(articles_search, {weights})" in sql
    assert metadata["databases"]["demo"]["tables"]["articles"]["fts_pk"] == search_index.KEY_COLUMN
