"""Bylines and sources on one visible text line of a Vietnamese article.

Portals sign articles in a handful of ways, usually on the first or last lines of the body:
labelled ("Tin, ảnh: Minh Tâm", "Thực hiện: …", "Viết bởi …" in Joomla), as a bare signature
("Hoàng Vũ - Phước Lập", "PV Minh Hà", "Thu Trang (CTV)"), or by source ("Nguồn: Báo Nhân
Dân", "(Theo TTXVN)"). A source is never the author: the record keeps them apart.

Recognising a byline line and judging the name are separate: `parse_bylines` says what the
line is (so the caller can take it out of the body even when it names a CMS account, "Tác
giả: admin"), `is_plausible_author` says whether the name can be shown as the author.

"Ảnh: X" alone credits the photographer, usually under an image: it is not an author byline
here. `parse_photo_credit` reads it, for a caller that wants it when nothing else signs the
article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from .dates import parse_vn_datetime
from .text import clean_text

Role = Literal["author", "source"]


@dataclass(frozen=True, slots=True)
class Byline:
    """Who wrote the article ("author") or where its text comes from ("source")."""

    role: Role
    #: Without its label, NFC, trimmed of trailing "./ " and unbalanced brackets.
    name: str
    #: The label as written ("Tin, ảnh", "Nguồn tin", "Theo", "Viết bởi"), or None.
    label: str | None


# Labels followed by a colon. "Tin, ảnh"/"Bài và ảnh" (text and photos), "Tin"/"Bài"/"Tin
# bài" (text), "Thực hiện" (produced by), "Tác giả (bài viết)" (author), "Người viết"
# (writer), "Biên tập" (edited by), "Phóng viên"/"Cộng tác viên" (reporter, contributor).
_AUTHOR_LABELS = (
    r"(?:tin|bài)\s*(?:,|/|&|-|–|\+)?\s*(?:và\s+)?ảnh|tin\s*(?:,|/|-)?\s*bài|bài\s+viết"
    r"|tác\s+giả\s+bài\s+viết|tác\s+giả|người\s+viết|(?:nhóm\s+)?thực\s+hiện"
    r"|biên\s+tập(?:\s+viên)?|(?:nhóm\s+)?phóng\s+viên|cộng\s+tác\s+viên|nhóm\s+pv|pv|ctv"
    r"|tin|bài"
)
# "Nguồn"/"Nguồn tin" (source), "Theo:" (according to), "Trích nguồn" (quoted from).
_SOURCE_LABELS = (
    r"nguồn\s+tin\s*(?:,|và)?\s*ảnh|nguồn(?:\s+(?:tin|bài(?:\s+viết)?|tham\s+khảo|trích\s+dẫn))?"
    r"|trích\s+nguồn|theo"
)
# "Ảnh"/"Nguồn ảnh" (photo, photo source): split the line, never an author or a source.
_PHOTO_LABELS = r"nguồn\s+ảnh|ảnh(?:\s+minh\s+họa|\s+minh\s+hoạ)?"
# A label opens the line or follows a separator ("Tin, ảnh: Minh Tâm - Nguồn: Đài TT huyện",
# "Minh Tâm (Nguồn: …)"). Photo labels come first so "Nguồn ảnh" is not read as "Nguồn".
_SEPARATORS = "-–—|;,(\\[/."
_LABEL = re.compile(
    rf"(?:^|(?<=[{_SEPARATORS}])|(?<=[{_SEPARATORS}] )|(?<= )(?=[NnẢả]))"
    rf"(?:(?P<photo>{_PHOTO_LABELS})|(?P<source>{_SOURCE_LABELS})|(?P<author>{_AUTHOR_LABELS}))"
    r"\s*[:：]\s*",
    re.IGNORECASE,
)
# Joomla's "Viết bởi Super User" (written by), colon optional.
_WRITTEN_BY = re.compile(r"(?P<label>viết\s+bởi)\s*:?\s+(?P<name>.+)", re.IGNORECASE)
# "Theo Báo Nhân Dân", "(Theo baochinhphu.vn)": a source without a colon.
_THEO = re.compile(r"(?P<prefix>.*?)\(?\s*(?<!\w)(?P<label>[Tt]heo)\s+(?P<name>[^()]+?)\s*\)?\.?")
_DOMAIN = re.compile(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov|info)\b")
# "Theo Quyết định …", "Theo Kế hoạch …", "Theo ông …": a document or a person cited by a
# sentence, not a source. First words, and first two words (folded).
_THEO_NOT_SOURCE = frozenset(
    {"quyết", "kế", "thông", "nghị", "chỉ", "công", "luật", "đề", "chương", "hướng", "điều",
     "khoản", "đó", "đồng", "ông", "bà", "anh", "chị", "tôi", "chúng", "các", "những", "số",
     "dự", "văn", "lịch", "tinh", "kết", "quy", "tiêu", "phương", "lãnh", "ý",
     "báo cáo", "tin tức"}
)  # fmt: skip
_THEO_MAX_CHARS = 80
_THEO_MAX_WORDS = 9

# Signature roles: "PV" (phóng viên, reporter), "CTV" (cộng tác viên, contributor), "BTV"
# (biên tập viên, editor), "Nhóm PV" (reporters' team).
_ROLE_PREFIX = re.compile(
    r"(?:(?i:nhóm)\s+)?(?:PV|CTV|BTV|(?i:phóng\s+viên|cộng\s+tác\s+viên))(?:\s+(?P<rest>.+))?"
)
_ROLE_SUFFIX = re.compile(
    r"(?P<rest>.+?)\s*(?:\(\s*(?:PV|CTV|BTV|(?i:nhóm\s+pv|phóng\s+viên|cộng\s+tác\s+viên))\s*\)"
    r"|[-–]\s*(?:PV|CTV|BTV))"
)
# Names in a signature: "Hoàng Vũ - Phước Lập", "Minh Tâm & Lan Anh", "Thu Hà, Quốc Việt".
_NAME_JOINERS = re.compile(r"\s*(?:[-–—&,]|\s+và\s+)\s*")
_MAX_SIGNATURE_NAMES = 4
_MAX_SYLLABLES_IN_NAME = 4
_BARE_NAME_SYLLABLES = (2, 5)
# Words of menus and page furniture that are never part of a person's name ("Trang Chủ",
# "Tin Tức", "Liên Hệ", "Lượt xem", "Chia Sẻ"), nor of a signature.
_NOT_NAME_WORDS = frozenset(
    {"tin", "tức", "chủ", "hệ", "giới", "thiệu", "kiện", "bản", "báo", "lượt", "xem",
     "chia", "sẻ", "nhập", "tìm", "kiếm", "luận", "thêm", "khác", "của", "các", "những",
     "được", "cho", "với", "trong", "này", "đó", "theo", "nguồn", "ảnh", "bài", "số", "ngày",
     "tháng", "mục", "quay", "đầu", "về", "in", "gửi", "email", "facebook", "zalo",
     "twitter", "top", "home"}
)  # fmt: skip

# CMS accounts and bare roles that name nobody ("Quản trị viên" is "administrator").
_ACCOUNTS = frozenset(
    {"quản trị viên", "quản trị", "quản trị hệ thống", "người quản trị", "administrator",
     "admin", "super user", "superuser", "sysadmin", "root", "webmaster", "editor", "author",
     "user", "guest", "khách", "bientap", "biên tập", "biên tập viên", "btv", "tác giả",
     "người viết", "người đăng", "unknown", "anonymous", "ẩn danh", "không rõ", "chưa rõ",
     "chưa xác định", "nguồn", "theo"}
)  # fmt: skip
_ACCOUNT_FIRST_WORDS = frozenset({"admin", "administrator", "webmaster", "bientap", "root"})
_MAX_AUTHOR_CHARS = 100
_MAX_AUTHOR_WORDS = 12
_MAX_LINE_CHARS = 200
_MAX_SOURCE_CHARS = 150
_MAX_SOURCE_WORDS = 15
# Sentence punctuation with more text after it. "TP. Huế", "Q. Hải Châu", "TX. Sơn Tây" are
# abbreviations, not sentence ends.
_SENTENCE_BREAK = re.compile(r"(?<!\b[A-ZĐ][A-Za-zĐđ])(?<!\b[A-ZĐ])[.!?;…]\s+\S")
_DATE_OR_TIME = re.compile(r"\d\s*[/:.\-h]\s*\d|\d{4}")
_BAD_NAME_CHARS = re.compile(r"[:：@_=<>{}]|https?://|www\.")
_SYLLABLE = re.compile(r"[^\W\d_]+")
_TRIM = " \t./\\-–—|;,:"
_OPEN, _CLOSE = "([", ")]"
_LIST_MARK = re.compile(r"^[-–•·*]\s+")


def parse_bylines(line: str | None) -> list[Byline]:
    """Every author and source a byline line names, in line order; [] if it is no byline.

    "Tin, ảnh: Minh Tâm - Nguồn: Đài TT huyện" gives the author and the source; a photo
    credit in the same line ("Bài: X - Ảnh: Y") gives nothing for Y.
    """
    text = _prepare(line)
    if text is None:
        return []
    labelled = _labelled(text)
    if labelled is not None:
        return labelled
    written = _WRITTEN_BY.fullmatch(text)
    if written:
        name = _trim(written["name"])
        return [Byline("author", name, written["label"])] if _name_shaped(name) else []
    theo = _theo(text)
    if theo is not None:
        return theo
    if looks_like_signature(text):
        return [Byline("author", _trim(text), None)]
    return []


def parse_byline(line: str | None) -> Byline | None:
    """The line's author if it names one, else its source, else None.

    Recognises the line; whether the name can be shown is `is_plausible_author`'s call.
    """
    found = parse_bylines(line)
    return next((b for b in found if b.role == "author"), found[0] if found else None)


def parse_photo_credit(line: str | None) -> str | None:
    """The photographer of an "Ảnh: X" / "Nguồn ảnh: X" credit, or None."""
    text = _prepare(line)
    if text is None:
        return None
    for kind, _label, name in _segments(text) or ():
        if kind == "photo" and _name_shaped(name):
            return name
    return None


def is_plausible_author(name: str | None) -> bool:
    """Whether a name can be shown as the author: a person or a unit, not a CMS account.

    Accepts "Minh Tâm", "Hoàng Vũ - Phước Lập", "PV Minh Hà", "Phòng Văn hóa và Thông tin",
    "Trung tâm VHTT&TT huyện"; refuses "Quản trị viên", "admin", "bientap01", dates,
    "Nguồn: …", sentences, and lower-case words.
    """
    text = clean_text(name)
    if text is None:
        return False
    text = _trim(text)
    folded = text.lower()
    if len(text) < 2 or len(text) > _MAX_AUTHOR_CHARS or folded in _ACCOUNTS:
        return False
    if folded.startswith(("nguồn", "theo ")) or (
        (":" in text or "：" in text) and _LABEL.match(text)
    ):
        return False
    if (
        _BAD_NAME_CHARS.search(text)
        or ("." in text and _DOMAIN.search(text))  # (a domain has a dot before its TLD)
        or _DATE_OR_TIME.search(text)
    ):
        return False
    words = text.split()
    if len(words) > _MAX_AUTHOR_WORDS or words[0].lower() in _ACCOUNT_FIRST_WORDS:
        return False
    if len(words) == 1 and not text[0].isupper():  # "bientap", "nguyenvana": a user name
        return False
    if any(ch.isdigit() for ch in text) and len(words) == 1:
        return False
    if _SENTENCE_BREAK.search(text):
        return False
    lettered = [w for w in words if w[0].isalpha()]
    return bool(lettered) and lettered[0][0].isupper() and _mostly_capitalised(words)


def looks_like_signature(line: str | None) -> bool:
    """Whether a line is a bare signature: "Minh Tuấn", "Hoàng Vũ - Phước Lập", "PV Minh Hà",
    "Nhóm PV", "Thu Trang (CTV)".

    Shape only: the caller also checks where the line stands (last, bold, right-aligned),
    because "Hà Nội" has the shape of a name too.
    """
    text = _prepare(line)
    if text is None or len(text) > _MAX_AUTHOR_CHARS:
        return False
    text = _trim(text)
    # (A role suffix ends the line: "(CTV)", "- PV"; the lazy match is not tried otherwise.)
    suffix = _ROLE_SUFFIX.fullmatch(text) if text.endswith((")", "PV", "TV")) else None
    if suffix:
        return _names(suffix["rest"], bare=False)
    prefix = _ROLE_PREFIX.fullmatch(text)
    if prefix:
        rest = prefix["rest"]
        return rest is None or _names(rest, bare=False, allow_team=True)
    return _names(text, bare=True)


# --- helpers -------------------------------------------------------------------------------


def _prepare(line: str | None) -> str | None:
    text = clean_text(line)
    if text is None or len(text) > _MAX_LINE_CHARS:
        return None
    # A metadata list item as generic extraction prints it: "- Viết bởi X", "• Tác giả: X".
    text = _LIST_MARK.sub("", text)
    # A line wholly in brackets: "(Theo TTXVN)", "[Nguồn: Báo Nhân Dân]".
    while len(text) > 2 and text[0] in _OPEN and text[-1] == _CLOSE[_OPEN.index(text[0])]:
        inner = text[1:-1].strip()
        if _OPEN[0] in inner and inner.find(_CLOSE[0]) < inner.find(_OPEN[0]):
            break  # "(a) and (b)": the brackets are not a pair
        text = inner
    return text.rstrip(" ./") or None


def _segments(text: str) -> list[tuple[str, str, str]] | None:
    """(kind, label as written, name) per labelled part; None if no label opens a part.

    The text before the first label must itself be a signature ("Minh Tâm (Nguồn: …)"), else
    the line is a sentence that happens to contain a label.
    """
    # Every label ends with a colon: a line without one (most prose) is not scanned.
    found = list(_LABEL.finditer(text)) if ":" in text or "：" in text else None
    if not found:
        return None
    parts: list[tuple[str, str, str]] = []
    prefix = _trim(text[: found[0].start()])
    if prefix:
        if not looks_like_signature(prefix):
            return []
        parts.append(("author", "", prefix))
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        kind = match.lastgroup or "author"
        label = text[match.start(kind) : match.end(kind)]
        parts.append((kind, label, _trim(text[match.end() : end])))
    return parts


def _labelled(text: str) -> list[Byline] | None:
    segments = _segments(text)
    if segments is None:
        return None
    bylines: list[Byline] = []
    for kind, label, name in segments:
        if kind == "photo":
            if not _name_shaped(name):
                return []
            continue
        shaped = _source_shaped(name) if kind == "source" else _name_shaped(name)
        if not shaped:
            return []  # "Tin: Hôm nay, đoàn công tác …": a sentence, so no byline at all
        role: Role = "source" if kind == "source" else "author"
        bylines.append(Byline(role, name, label or None))
    return bylines


def _theo(text: str) -> list[Byline] | None:
    """ "Theo Báo Nhân Dân", "(Theo baochinhphu.vn)", "Minh Tâm (Theo Báo Lào Cai)"."""
    if len(text) > _THEO_MAX_CHARS or "heo" not in text:  # ("Theo"/"theo" is the label)
        return None
    match = _THEO.fullmatch(text)
    if match is None:
        return None
    name = _trim(match["name"])
    prefix = _trim(match["prefix"])
    if not name or (prefix and not looks_like_signature(prefix)):
        return None
    words = name.split()
    if _DOMAIN.fullmatch(name):
        pass
    elif (
        len(words) > _THEO_MAX_WORDS
        or not name[0].isupper()
        or words[0].lower() in _THEO_NOT_SOURCE
        or " ".join(words[:2]).lower() in _THEO_NOT_SOURCE
        or any(ch in name for ch in ",;:!?")
        or any(ch.isdigit() for ch in name)
        or sum(1 for w in words if w[0].isupper()) * 2 < len(words)
    ):
        return None
    found = [Byline("author", prefix, None)] if prefix else []
    return [*found, Byline("source", name, match["label"])]


def _trim(value: str) -> str:
    """Strip separators, full stops and brackets left over from the line around a name."""
    text = value.strip(_TRIM)
    while text:
        if text[-1] in _OPEN or text[0] in _CLOSE:  # "Minh Tâm (" before "(Nguồn: …)"
            text = (text[:-1] if text[-1] in _OPEN else text[1:]).strip(_TRIM)
        elif text[-1] in _CLOSE and text.count(_OPEN[_CLOSE.index(text[-1])]) < text.count(
            text[-1]
        ):
            text = text[:-1].rstrip(_TRIM)
        elif text[0] in _OPEN and text.count(_CLOSE[_OPEN.index(text[0])]) < text.count(text[0]):
            text = text[1:].lstrip(_TRIM)
        elif text[0] in "\"“'‘" and text[-1] in "\"”'’" and len(text) > 2:
            text = text[1:-1].strip(_TRIM)
        else:
            break
    return unicodedata.normalize("NFC", text)


def _name_shaped(name: str) -> bool:
    """A labelled author's name: short, no sentence in it, capitalised unless a user name.

    Looser than `is_plausible_author`: "Tác giả: admin" is still a byline line.
    """
    if not name or len(name) > _MAX_AUTHOR_CHARS or _SENTENCE_BREAK.search(name):
        return False
    if name.lower() in _ACCOUNTS:  # "Tác giả: Quản trị viên": a byline naming nobody
        return True
    words = name.split()
    if len(words) > _MAX_AUTHOR_WORDS:
        return False
    if parse_vn_datetime(name) is not None:
        return False
    if len(words) == 1:
        return name[0].isalnum()  # "Minh", "PV", also "admin" (judged later)
    return name[0].isupper() and _mostly_capitalised(words)


def _mostly_capitalised(words: list[str]) -> bool:
    """At least 2 in 5 words capitalised: "Ủy ban nhân dân xã Tân Lập" is 3 of 7."""
    lettered = [w for w in words if w[0].isalpha()]
    capitalised = sum(1 for w in lettered if w[0].isupper())
    return bool(lettered) and capitalised * 5 >= len(lettered) * 2


def _source_shaped(name: str) -> bool:
    if not name or len(name) > _MAX_SOURCE_CHARS or _SENTENCE_BREAK.search(name):
        return False
    if _DOMAIN.match(name):
        return True
    words = name.split()
    return (
        len(words) <= _MAX_SOURCE_WORDS
        and (name[0].isupper() or name[0] in '"“' or len(words) == 1)
        and parse_vn_datetime(name) is None
    )


def _names(text: str, *, bare: bool, allow_team: bool = False) -> bool:
    """Names joined by " - ", "&", "," or "và": each 1-4 syllables, the first capitalised.

    A single name (`bare`) must be 2-5 syllables, all capitalised: "Minh Tuấn".
    """
    if any(ch.isdigit() for ch in text) or _BAD_NAME_CHARS.search(text):
        return False
    names = [n for n in _NAME_JOINERS.split(text) if n]
    if not names or len(names) > _MAX_SIGNATURE_NAMES:
        return False
    if len(names) == 1 and bare:
        words = names[0].split()
        low, high = _BARE_NAME_SYLLABLES
        return low <= len(words) <= high and all(_is_name_word(w, capital=True) for w in words)
    for part in names:
        prefix = _ROLE_PREFIX.fullmatch(part)
        if prefix:
            if prefix["rest"] is None:
                continue
            part = prefix["rest"]
        words = part.split()
        limit = _MAX_SYLLABLES_IN_NAME + (1 if allow_team else 0)
        if not 1 <= len(words) <= limit or not _is_name_word(words[0], capital=True):
            return False
        lower = [w for w in words[1:] if not _is_name_word(w, capital=True)]
        if len(lower) > 1 or any(not _is_name_word(w, capital=False) for w in lower):
            return False
    return True


def _is_name_word(word: str, *, capital: bool) -> bool:
    """One syllable of a name: letters only, not a menu word; capitalised if asked."""
    if not _SYLLABLE.fullmatch(word) or word.lower() in _NOT_NAME_WORDS:
        return False
    return word[0].isupper() if capital else word.islower()
