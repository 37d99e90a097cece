"""Vietnamese search text functions: folding, tone-mark placement, abbreviations, queries, snippets.

SQLite's FTS5 cannot do Vietnamese search on its own (see docs/search.md): no tokenizer folds
``đ`` to ``d``, ``remove_diacritics 2`` merges ``tám``/``tâm``, and Python cannot register a
custom tokenizer. So the index keeps exact tokens (``remove_diacritics 0``) of the text and
of copies derived here, and a query is turned into FTS5 phrases that meet them:

- :func:`fold`: every combining mark removed and ``đ``→``d``; an unaccented query word
  matches the folded copy, so ``dang`` finds ``Đảng`` and ``đang``, while ``Đảng`` stays exact;
- :func:`canonical_tone`: one spelling for words with two tone-mark placements
  (``uỷ``/``ủy``, ``hoà``/``hòa``, ``khoẻ``/``khỏe``; a rule, not a word list);
- :func:`canonical_abbreviations`: every abbreviation and expansion written as the
  abbreviation (rules in ``archive/data/abbreviations.tsv``: ``Ủy ban nhân dân``,
  ``Uỷ ban nhân dân``, ``uy ban nhan dan`` → ``UBND``);
- :func:`variants`: the *canonical form* of each paragraph that differs from it (tone marks
  canonical, abbreviations canonical) and, where abbreviations changed, that form folded;
- :func:`fts_query`: the query reduced to the same canonical form (folded where it was typed
  without marks), split into phrases as Datasette's ``escape_fts`` splits it (quoted phrases
  kept, every other word quoted). Both sides being canonical, any mix of spellings in a
  phrase matches (``"UBND thành phố"`` finds ``Ủy ban nhân dân TP.``), an abbreviation is
  one token (cheap to rank), and the result is never an FTS5 syntax error;
- :func:`snippet`/:func:`highlight`: the query's phrases, as the search parses them, between
  :data:`MARK_START` and :data:`MARK_END` (private-use characters the source text is
  stripped of, so a renderer can escape the text first and turn the markers into ``<mark>``
  afterwards: :func:`marked_html`; :func:`plain_text` drops them). An abbreviation is marked
  with its expansions as a whole, a bare word of a longer query only beside the query's
  next or previous phrase (docs/search.md, "Highlighting by phrase").

Everything here is pure and deterministic: the index triggers call these functions (through
:func:`register`) both to add an article and to delete its old entry, so the same input must
always give the same output; :func:`rules_hash` changes whenever the rules do.
No Datasette, Scrapy or sqlite-utils imports: this module is the rules, not their plumbing.
"""

from __future__ import annotations

import hashlib
import html
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

MARK_START = "\ue000"
MARK_END = "\ue001"
SNIPPET_WORDS = 32
MAX_QUERY_CHARS = 1000  # longer input is cut: no journalist types more, and it bounds the work
ELLIPSIS = "…"
# Bump when a rule in this file changes; the abbreviation file is hashed on its own.
RULES_VERSION = "3"

_TONES = "\u0300\u0301\u0309\u0303\u0323"  # grave, acute, hook above, tilde, dot below
# Rimes whose tone mark has two accepted placements when nothing follows them:
# "hòa"/"hoà", "khỏe"/"khoẻ", "thủy"/"thuỷ". ("qu" + "y" is not one: in "quý" the u is part of
# the initial, so the mark is always on the y.)
_TWO_STYLE_RIMES = ("oa", "oe", "uy")
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_D_FOLD = str.maketrans({"đ": "d", "Đ": "D"})
# A word as FTS5's unicode61 tokenizer sees one, near enough: a run of letters and digits.
_WORD = re.compile(r"[^\W_]+")
# Datasette's escape_fts (datasette/utils/__init__.py), copied so this module has no
# Datasette import; tests check both split a query into the same phrases.
_ESCAPE_FTS = re.compile(r'\s+|(".*?")')
_PHRASE = re.compile(r'"([^"]*)"')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000\ue001]")
_SPACES = re.compile(r"\s+")
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"


def nfc(text: str | None) -> str:
    """NFC form ('' for None): what the archive stores and FTS5 compares."""
    return unicodedata.normalize("NFC", text) if text else ""


def fold(text: str | None) -> str:
    """Remove every combining mark (tones, circumflex, breve, horn) and map đ/Đ to d/D.

    ``"Đảng bộ Thành uỷ"`` -> ``"Dang bo Thanh uy"``. The result is NFC. One table lookup per
    character (:func:`_fold_table`), twice as fast as decomposing the text: the index
    triggers and every snippet call it on whole articles.
    """
    if not text:
        return ""
    return unicodedata.normalize("NFC", text).translate(_fold_table())


@lru_cache(maxsize=1)
def _fold_table() -> list[str | None]:
    """``str.translate`` table over the Basic Multilingual Plane: what each character folds
    to (decompose, drop combining marks, map đ/Đ, recompose). A list, not a dict: indexing
    is 2.4x faster; characters past its end are left alone (``IndexError``)."""
    table: list[str | None] = []
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code < 0xE000:
            table.append(char)
            continue
        stripped = _MARKS.sub("", unicodedata.normalize("NFD", char.translate(_D_FOLD)))
        table.append(unicodedata.normalize("NFC", stripped) or None)
    return table


def _tone_pairs() -> tuple[dict[str, str], dict[str, str]]:
    """(swap, canonical) maps over two-letter rime endings, every case and tone.

    ``swap`` maps each toned ending to the other placement (``"oà"`` <-> ``"òa"``);
    ``canonical`` maps both placements to the mark-on-first-vowel one (``"òa"``).
    """
    swap: dict[str, str] = {}
    canonical: dict[str, str] = {}
    for first, second in _TWO_STYLE_RIMES:
        for a in (first, first.upper()):
            for b in (second, second.upper()):
                for tone in _TONES:
                    on_first = unicodedata.normalize("NFC", a + tone) + b
                    on_second = a + unicodedata.normalize("NFC", b + tone)
                    swap[on_first], swap[on_second] = on_second, on_first
                    canonical[on_first] = canonical[on_second] = on_first
    return swap, canonical


_SWAP, _CANONICAL = _tone_pairs()


def _toned(letters: str) -> str:
    return "".join(unicodedata.normalize("NFC", c + t) for c in letters for t in _TONES)


# A rime ending is only swappable at the end of a word ("hoàng" has one placement only).
# Character classes rather than an alternation of the 120 endings: 4x faster on long bodies.
_TWO_STYLE = re.compile(
    f"(?:[{_toned('oO')}][aAeE]|[oO][{_toned('aAeE')}]"
    f"|(?<![qQ])[{_toned('uU')}][yY]|(?<![qQ])[uU][{_toned('yY')}])(?!\\w)"
)


def swap_tone_style(text: str) -> str:
    """Move the tone mark of every two-style word to its other placement.

    ``"Thành uỷ, hòa giải"`` -> ``"Thành ủy, hoà giải"``; ``"quý"``, ``"hoàng"`` unchanged.
    """
    return _TWO_STYLE.sub(lambda m: _SWAP[m.group()], text)


def canonical_tone(word: str) -> str:
    """One spelling for both placements (mark on the first vowel): ``"uỷ"`` -> ``"ủy"``."""
    return _TWO_STYLE.sub(lambda m: _CANONICAL[m.group()], word)


# -- abbreviations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Abbreviations:
    """Abbreviation/expansion pairs, and a regex for each side."""

    pairs: tuple[tuple[str, str], ...]
    abbreviations: re.Pattern[str]  # case-sensitive whole tokens
    expansions: re.Pattern[str]  # any case, either tone placement, or without marks
    expansion_of: dict[str, str]  # abbreviation -> its (first) expansion
    abbreviation_of: dict[str, str]  # expansion key (_expansion_key) -> abbreviation

    def expand(self, text: str) -> str:
        """``"UBND TP.Trà Vinh"`` -> ``"Ủy ban nhân dân thành phố Trà Vinh"``."""
        if not text:
            return text
        return self.abbreviations.sub(lambda m: self._glued(m, self.expansion_of[m.group()]), text)

    def contract(self, text: str) -> str:
        """``"Uỷ ban nhân dân thành phố"`` -> ``"UBND TP."`` (used to mark matches)."""
        if not text:
            return text
        return self.expansions.sub(
            lambda m: self._glued(m, self.abbreviation_of[_expansion_key(m.group())]), text
        )

    @staticmethod
    def _glued(match: re.Match[str], replacement: str) -> str:
        """Keep the next word a word of its own: "TP.Trà Vinh" -> "thành phố Trà Vinh"."""
        end = match.end()
        if end < len(match.string) and match.string[end].isalnum() and replacement[-1].isalnum():
            return replacement + " "
        return replacement


def _expansion_key(text: str) -> str:
    """Comparison key of an expansion as found: folded, lower case, dashes and spaces unified."""
    return " ".join(_WORD.findall(fold(text).lower()))


def _expansion_regex(expansion: str) -> str:
    """Regex (for IGNORECASE) of an expansion in either tone placement or without marks.

    Words are separated by spaces; punctuation ("kinh tế - xã hội", "phòng cháy, chữa cháy")
    by optional spaces, any dash matching any dash.
    """
    tokens = re.findall(r"[^\W_]+|[^\w\s]", expansion)
    out: list[str] = []
    for i, token in enumerate(tokens):
        if i:
            glued = not token[0].isalnum() or not tokens[i - 1][0].isalnum()
            out.append(r"\s*" if glued else r"\s+")
        if token[0].isalnum():
            forms = sorted({token, swap_tone_style(token), fold(token)}, key=len, reverse=True)
            out.append("(?:{})".format("|".join(map(re.escape, forms))))
        else:
            out.append(f"[{re.escape(_DASHES if token in _DASHES else token)}]")
    return "".join(out) + r"(?!\w)"


def _abbreviation_regex(abbreviation: str) -> str:
    """Whole-token regex; a trailing "." ends the token by itself ("TP.HCM")."""
    return re.escape(abbreviation) + ("" if not abbreviation[-1].isalnum() else r"(?!\w)")


def _alternation(regexes: Iterable[tuple[int, str]], flags: int = 0) -> re.Pattern[str]:
    """One regex trying longer alternatives first (leftmost-longest at each position)."""
    ordered = [regex for _, regex in sorted(regexes, key=lambda item: -item[0])]
    return re.compile(r"(?<!\w)(?:{})".format("|".join(ordered) or "(?!)"), flags)


def parse_abbreviations(text: str) -> tuple[tuple[str, str], ...]:
    """Pairs from the TSV format of ``abbreviations.tsv`` (comments and blank lines skipped)."""
    pairs: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in raw.split("\t") if f.strip()]
        if len(fields) != 2:
            raise ValueError(f"abbreviations line {number}: expected ABBR<TAB>expansion: {raw!r}")
        pairs.append((nfc(fields[0]), nfc(fields[1])))
    return tuple(pairs)


def build_abbreviations(pairs: Sequence[tuple[str, str]]) -> Abbreviations:
    """Compile the pairs; an abbreviation listed twice keeps its first expansion."""
    expansion_of: dict[str, str] = {}
    abbreviation_of: dict[str, str] = {}
    for abbreviation, expansion in pairs:
        expansion_of.setdefault(abbreviation, expansion)
        abbreviation_of.setdefault(_expansion_key(expansion), abbreviation)
    abbreviations = _alternation((len(a), _abbreviation_regex(a)) for a in expansion_of)
    expansions = _alternation(
        (
            (len(e), _expansion_regex(e))
            for a, e in pairs
            if abbreviation_of[_expansion_key(e)] == a
        ),
        re.IGNORECASE,
    )
    return Abbreviations(tuple(pairs), abbreviations, expansions, expansion_of, abbreviation_of)


def _abbreviation_file_text() -> str:
    return (resources.files("archive") / "data" / "abbreviations.tsv").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def default_abbreviations() -> Abbreviations:
    """The rules in ``archive/data/abbreviations.tsv`` (read once per process)."""
    return build_abbreviations(parse_abbreviations(_abbreviation_file_text()))


def rules_hash() -> str:
    """Changes whenever the indexing rules do: code version + the abbreviation pairs."""
    pairs = "\n".join("\t".join(p) for p in default_abbreviations().pairs)
    return hashlib.sha256(f"{RULES_VERSION}\n{pairs}".encode()).hexdigest()[:16]


def expand_abbreviations(text: str) -> str:
    """``"UBND TP. Trà Vinh"`` -> ``"Ủy ban nhân dân thành phố Trà Vinh"``."""
    return default_abbreviations().expand(text)


def contract_abbreviations(text: str) -> str:
    """``"Uỷ ban nhân dân thành phố"`` -> ``"UBND TP."``."""
    return default_abbreviations().contract(text)


def canonical_abbreviations(text: str) -> str:
    """Every abbreviation and expansion in one spelling, the abbreviation: expanded first,
    then contracted, so "Ủy ban MTTQ", "Ủy ban Mặt trận Tổ quốc" and "UBMTTQ" all become
    "UBMTTQ", and "thành phố", "thanh pho", "TP." all "TP."."""
    rules = default_abbreviations()
    return rules.contract(rules.expand(text))


def canonical_form(text: str) -> str:
    """The spelling both the index and the query meet in: abbreviations canonical
    (:func:`canonical_abbreviations`), tone marks on the first vowel (:func:`canonical_tone`)."""
    return canonical_tone(canonical_abbreviations(text))


# -- index columns --------------------------------------------------------------------------


def join_text(*parts: str | None) -> str:
    """Non-empty parts joined by a newline (title, summary, body as one searchable text)."""
    return "\n".join(p for p in parts if p)


def variants(*parts: str | None) -> str:
    """The ``variants`` index column for the given texts (title, summary, body).

    For each paragraph (line): its canonical tone placement if that differs (``uỷ`` is then
    found as ``ủy``); and, if its abbreviations are not canonical, its canonical form
    (:func:`canonical_form`) and that form folded (what an unaccented query is compared
    with). Only changed paragraphs are kept: the exact and folded columns already hold the
    others, and phrases do not span paragraphs. ``""`` when nothing differs (new-style tone
    marks, no expansion).
    """
    out: list[str] = []
    for line in join_text(*parts).split("\n"):
        toned = canonical_tone(line)
        if toned != line:
            out.append(toned)
        abbreviated = canonical_abbreviations(line)
        if abbreviated != line:
            out += (canonical_tone(abbreviated), fold(abbreviated))
    return "\n".join(out)


# -- queries ---------------------------------------------------------------------------------


def clean_query(query: str | None) -> str:
    """What a search box should have received: NFC, no control characters or lone
    surrogates (FTS5 stops at NUL: "unterminated string"), at most MAX_QUERY_CHARS."""
    if not query:
        return ""
    text = _CONTROL.sub(" ", query[: MAX_QUERY_CHARS * 2])
    return unicodedata.normalize("NFC", text)[:MAX_QUERY_CHARS].strip()


def escape_fts(query: str) -> str:
    """Datasette 0.65's ``escape_fts``: keep "quoted phrases", quote every other term."""
    if query.count('"') % 2:
        query += '"'
    bits = [b for b in _ESCAPE_FTS.split(query) if b and b != '""']
    return " ".join(f'"{bit}"' if not bit.startswith('"') else bit for bit in bits)


def _split(query: str) -> list[str]:
    """Phrases of a cleaned query as Datasette's ``escape_fts`` splits it, without quotes;
    phrases without a word (``-``, ``*``, emoji) are left out: they cannot match."""
    return [p for p in _PHRASE.findall(escape_fts(query)) if _WORD.search(p)]


def query_phrases(query: str | None) -> list[str]:
    """The phrases a query is searched as, in the canonical spelling of the index.

    Abbreviations are made canonical in the whole query before it is split, so an
    expansion typed as separate words is one unit: ``Ủy ban nhân dân xã`` is searched as
    ``UBND`` ``xã``, ``dang bo thanh pho`` as ``dang`` ``bo`` ``TP.``. Then each phrase gets
    canonical tone marks, or, when it was typed without any mark (abbreviations aside), is
    folded: it is then compared with the folded copies of the text.
    """
    rules = default_abbreviations()
    phrases = []
    for phrase in _split(canonical_abbreviations(clean_query(query))):
        rest = rules.abbreviations.sub(" ", phrase)
        phrases.append(fold(phrase) if fold(rest) == rest else canonical_tone(phrase))
    return list(dict.fromkeys(phrases))


def fts_query(query: str | None) -> str:
    """The FTS5 MATCH expression for user input; ``'""'`` (matches nothing) when empty.

    ``Thành uỷ "UBND tỉnh" uy ban nhan dan`` -> ``"Thành" "ủy" "UBND tỉnh" "UBND"``: each
    phrase in quotes, so ``NEAR``, ``AND``, ``OR``, ``*``, ``-``, ``:``, ``^`` and parentheses
    in the input are just text, never FTS5 syntax.
    """
    return " ".join(f'"{phrase}"' for phrase in query_phrases(query)) or '""'


def is_empty_query(query: str | None) -> bool:
    """True when the input has no word to search for (blank, only quotes or dashes...)."""
    return not query_phrases(query)


# -- highlighting by phrase -----------------------------------------------------------------
#
# Highlights come from the parsed query the search runs (query_phrases), never from single
# syllables: see docs/search.md, "Highlighting by phrase". The query is a sequence of
# *units*, one per phrase as escape_fts splits it after abbreviations are made canonical:
# an abbreviation matches itself or any of its expansions as a whole; a quoted phrase, an
# abbreviation, a multi-word bit ("COVID-19") or the only unit of the query is marked
# wherever it occurs; a bare word of a longer query only where it stands next to the
# query's next (or previous) unit, in order: "ủy ban" marks "Ủy ban", never the "ủy" of
# "Thành ủy" or a distant "Ban".

_GAP = r"[\W_]+"  # what separates two tokens of an FTS5 phrase (unicode61: any non-letter)
_WORD_CHAR = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class _Element:
    """One token of a unit: a word, or an abbreviation standing for all its spellings.

    ``canonical``: the canonical lower-case spelling a word must have (None: any marks, the
    phrase was typed without them). ``abbreviation``/``expansions``: for an abbreviation, its
    folded key and, per folded key of each expansion, the canonical spelling of each word
    (None where any marks do: an abbreviation inside an expansion, "Ủy ban MTTQ")."""

    canonical: str | None = None
    abbreviation: str | None = None
    expansions: tuple[tuple[str, tuple[str | None, ...]], ...] = ()


@dataclass(frozen=True)
class _Unit:
    """One phrase of the query: ``pattern`` finds its letters in lower-cased text (one group
    per element; marks are checked afterwards); ``whole``: it may be marked on its own."""

    pattern: re.Pattern[str]
    elements: tuple[_Element, ...]
    whole: bool


@dataclass(frozen=True)
class _Query:
    """A query as highlighting reads it: its distinct phrases, and their order."""

    units: tuple[_Unit, ...]
    order: tuple[int, ...]  # the units in query order (a repeated phrase repeats its index)


def _folded_words(text: str) -> list[str]:
    return _WORD.findall(_aligned_forms(text)[1])


_Form = tuple[str, tuple[str | None, ...], str]


@lru_cache(maxsize=1)
def _unfold_table() -> dict[str, str]:
    """Folded lower-case letter -> every character that folds to it ("a" -> "aàáả…ẠÂ…"):
    the inverse of :func:`_fold_table`, for regexes that find a folded word in unfolded
    text (folding a whole article costs ~20 ns a character; matching a class costs less)."""
    table = _fold_table()
    out: dict[str, list[str]] = {}
    for code, folded in enumerate(table):
        if folded is not None and len(folded) == 1 and not 0xD800 <= code < 0xE000:
            out.setdefault(folded.lower(), []).append(chr(code))
    return {key: "".join(chars) for key, chars in out.items()}


@lru_cache(maxsize=4096)
def _letters(word: str) -> str:
    """Regex of a folded lower-case word over lower-cased (not folded) text."""
    unfold = _unfold_table()
    out = []
    for char in word:
        chars = unfold.get(char, "")
        out.append(f"[{re.escape(chars)}]" if len(chars) > 1 else re.escape(char))
    return "".join(out)


def _spelling_regex(spelled: str) -> str:
    """:func:`_expansion_regex` for a folded lower-case spelling, over lower-cased text:
    words by :func:`_letters`, separated by spaces; punctuation by optional spaces."""
    tokens = re.findall(r"[^\W_]+|[^\w\s]", spelled)
    out: list[str] = []
    for i, token in enumerate(tokens):
        if i:
            glued = not token[0].isalnum() or not tokens[i - 1][0].isalnum()
            out.append(r"\s*" if glued else r"\s+")
        if token[0].isalnum():
            out.append(_letters(token))
        else:
            out.append(f"[{re.escape(_DASHES if token in _DASHES else token)}]")
    return "".join(out) + r"(?!\w)"


@lru_cache(maxsize=64)
def _abbreviation_forms(abbreviation: str) -> tuple[_Form, ...]:
    """Every spelling of an abbreviation, as (folded key, canonical spelling of each word,
    regex over lower-cased text): itself (its tokens, as FTS5 sees them), its
    expansions (punctuation as the index's rule wants it: "kinh tế - xã hội"), and each
    expansion with another abbreviation's expansion inside it written as that abbreviation
    ("Ủy ban Mặt trận Tổ quốc" and "Ủy ban MTTQ")."""
    rules = default_abbreviations()
    own = _folded_words(abbreviation)
    forms: dict[str, _Form] = {}
    forms[" ".join(own)] = (" ".join(own), (None,) * len(own), _GAP.join(map(_letters, own)))
    for expansion in (e for a, e in rules.pairs if a == abbreviation):
        spelled = _aligned_forms(expansion)[1]
        words = _WORD.findall(spelled)
        canonical = tuple(canonical_tone(w.lower()) for w in _WORD.findall(expansion))
        if len(words) != len(canonical):
            continue
        key = " ".join(words)
        forms.setdefault(key, (key, canonical, _spelling_regex(spelled)))
        for inner, inner_expansion in rules.pairs:
            if inner == abbreviation:
                continue
            inner_regex = re.compile(_expansion_regex(_aligned_forms(inner_expansion)[1]))
            short = _aligned_forms(inner)[1]
            inner_words = len(_WORD.findall(inner_expansion))
            for found in inner_regex.finditer(spelled):
                if found.start() and _WORD_CHAR.match(spelled, found.start() - 1):
                    continue
                mixed = spelled[: found.start()] + short + spelled[found.end() :]
                before = len(_WORD.findall(spelled, 0, found.start()))
                checks = (
                    canonical[:before]
                    + (None,) * len(_WORD.findall(short))
                    + canonical[before + inner_words :]
                )
                key = " ".join(_WORD.findall(mixed))
                forms.setdefault(key, (key, checks, _spelling_regex(mixed)))
    return tuple(forms.values())


def _forms_regex(forms: Sequence[_Form]) -> str:
    """Regex of an abbreviation's spellings in lower-cased text, longest first."""
    regexes = [regex for _, _, regex in sorted(forms, key=lambda form: -len(form[0]))]
    return "(?:{})".format("|".join(regexes))


@lru_cache(maxsize=1)
def _folded_abbreviations() -> dict[str, str]:
    """Folded lower-case one-word abbreviation -> abbreviation: the search finds "HĐND" and
    its expansions for "hdnd" (the folded copies hold "HDND"), so highlighting must too."""
    out: dict[str, str] = {}
    for abbreviation in default_abbreviations().expansion_of:
        words = _folded_words(abbreviation)
        if len(words) == 1:
            out.setdefault(words[0], abbreviation)
    return out


def _abbreviation_element(forms: Sequence[_Form]) -> _Element:
    return _Element(abbreviation=forms[0][0], expansions=tuple((k, c) for k, c, _ in forms[1:]))


def _bits(query: str) -> list[tuple[str, bool]]:
    """(phrase, quoted) in order, as :func:`escape_fts` splits the query; wordless bits out."""
    if query.count('"') % 2:
        query += '"'
    out = []
    for bit in _ESCAPE_FTS.split(query):
        if not bit or bit == '""':
            continue
        quoted = bit.startswith('"')
        phrase = bit.strip('"') if quoted else bit
        if _WORD.search(phrase):
            out.append((phrase, quoted))
    return out


def _unit(phrase: str, quoted: bool, alone: bool) -> _Unit | None:
    """The unit of one query phrase (canonical spelling), or None when it has no word.

    As in :func:`query_phrases`, a phrase typed without marks (abbreviations aside) is
    compared folded; otherwise each word must have its marks, in either tone placement."""
    rules = default_abbreviations()
    rest = rules.abbreviations.sub(" ", phrase)
    unmarked = fold(rest) == rest
    elements: list[_Element] = []
    regexes: list[str] = []
    position = 0
    for match in [*rules.abbreviations.finditer(phrase), None]:
        for word in _WORD.findall(phrase[position : match.start() if match else len(phrase)]):
            for folded in _folded_words(word):
                if folded in _folded_abbreviations():  # "hdnd": the index's folded "HĐND"
                    forms = _abbreviation_forms(_folded_abbreviations()[folded])
                    elements.append(_abbreviation_element(forms))
                    regexes.append(_forms_regex(forms))
                    continue
                elements.append(_Element(None if unmarked else canonical_tone(word.lower())))
                regexes.append(_letters(folded))
        if match is None:
            break
        position = match.end()
        forms = _abbreviation_forms(match.group())
        elements.append(_abbreviation_element(forms))
        regexes.append(_forms_regex(forms))
    if not elements:
        return None
    body = _GAP.join(f"({regex})" for regex in regexes)
    whole = quoted or alone or len(elements) > 1 or any(e.abbreviation for e in elements)
    return _Unit(re.compile(rf"{body}(?![^\W_])"), tuple(elements), whole)


@lru_cache(maxsize=256)
def _matcher(query: str) -> _Query:
    """The query as highlighting reads it: the search's phrases (:func:`query_phrases`:
    canonical abbreviations, tone marks, folding), in order, with what each may match."""
    bits = _bits(canonical_abbreviations(clean_query(query)))
    alone = len({phrase for phrase, _ in bits}) == 1
    units: dict[tuple[str, bool], int] = {}
    compiled: list[_Unit] = []
    order: list[int] = []
    for phrase, quoted in bits:
        key = (phrase, quoted)
        if key not in units:
            unit = _unit(phrase, quoted, alone)
            if unit is None:
                continue
            units[key] = len(compiled)
            compiled.append(unit)
        order.append(units[key])
    return _Query(tuple(compiled), tuple(order))


_rules_seen: list[Abbreviations] = []


def _follow_rules() -> None:
    """Forget the compiled queries when the abbreviation rules were reloaded (tests swap
    them): the caches above are built from :func:`default_abbreviations`."""
    rules = default_abbreviations()
    if not _rules_seen or _rules_seen[0] is not rules:
        for cached in (_abbreviation_forms, _folded_abbreviations, _matcher):
            cached.cache_clear()
        _rules_seen[:] = [rules]


def _lowered(text: str) -> str:
    """``text`` lower-cased, as long as ``text`` (a character whose lower case has another
    length is kept), so a span of one is a span of the other."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered


def _aligned_forms(text: str) -> tuple[str, str]:
    """(lower-cased, lower-cased folded) text, both as long as ``text``, so a span of one is
    a span of the others (a character whose lower case or fold has another length is kept)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    folded = lowered.translate(_fold_table())
    if len(folded) != len(lowered):
        folded = "".join(f if len(f := c.translate(_fold_table())) == 1 else c for c in lowered)
    return lowered, folded


def _element_matches(element: _Element, lowered: str) -> bool:
    """Whether ``lowered`` (text found by the element's regex, lower-cased) is this element
    with the marks the query asks for."""
    if element.abbreviation is None:
        return element.canonical is None or canonical_tone(lowered) == element.canonical
    folded = _aligned_forms(lowered)[1]
    words = [w.span() for w in _WORD.finditer(folded)]
    key = " ".join(folded[s:e] for s, e in words)
    if key == element.abbreviation:
        return True
    for form, canonical in element.expansions:
        if form == key:
            return all(
                want is None or lowered[s:e] == folded[s:e] or canonical_tone(lowered[s:e]) == want
                for (s, e), want in zip(words, canonical, strict=True)
            )
    return False


def _occurrences(unit: _Unit, lowered: str) -> dict[int, int]:
    """start -> end of every place the unit occurs as whole words (overlaps included)."""
    found: dict[int, int] = {}
    search = unit.pattern.search
    match = search(lowered)
    while match is not None:
        start = match.start()
        if (not start or not _WORD_CHAR.match(lowered, start - 1)) and all(
            _element_matches(element, match.group(i)) for i, element in enumerate(unit.elements, 1)
        ):
            found.setdefault(start, match.end())
        match = search(lowered, start + 1)
    return found


def _match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` to mark for the query, sorted, not overlapping: each a
    whole unit, or a chain of units adjacent in the text as in the query (two or more)."""
    _follow_rules()
    parsed = _matcher(query)
    if not parsed.units:
        return []
    lowered = _lowered(text)
    found = [_occurrences(unit, lowered) for unit in parsed.units]
    spans = [
        (start, end)
        for unit, places in zip(parsed.units, found, strict=True)
        if unit.whole
        for start, end in places.items()
    ]
    for first, second in zip(parsed.order, parsed.order[1:], strict=False):
        following = found[second]
        if not found[first] or not following:
            continue
        for start, end in found[first].items():
            after = _WORD.search(lowered, end)
            if after is not None and after.start() in following:
                spans.append((start, following[after.start()]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: Sequence[tuple[int, int]], offset: int = 0) -> str:
    """``text`` with MARK_START/MARK_END around each span (shifted by ``offset``)."""
    out: list[str] = []
    position = 0
    for start, end in spans:
        start, end = start - offset, end - offset
        out += (text[position:start], MARK_START, text[start:end], MARK_END)
        position = end
    out.append(text[position:])
    return "".join(out)


def highlight(text: str | None, query: str | None) -> str:
    """The whole text, NFC, with every match of the query between MARK_START and MARK_END."""
    text = _CONTROL.sub(" ", nfc(text))
    return _marked(text, _match_spans(text, query or "")) if text else ""


def snippet(text: str | None, query: str | None, words: int = SNIPPET_WORDS) -> str:
    """About ``words`` words of ``text`` centred on its best match, marked.

    The best match is the ``words``-wide window holding most marked phrases (then most
    marked text). Starts at the beginning when nothing matches (the match may be in the
    title); "…" shows where the text was cut, always between words; whitespace is
    collapsed. Source text loses any MARK_START/MARK_END characters first, so every marker
    in the result is ours.
    """
    text = nfc(text)
    if not text:
        return ""
    spans = _match_spans(text, query or "")
    width = words * _CHARS_PER_WORD
    start = 0
    if spans and len(text) > width:
        first, last = _best_window(spans, width)
        centre = (first + last) // 2
        start = max(0, min(centre - width // 2, len(text) - width, first))
    while start > 0 and not text[start - 1].isspace():  # back to the start of a word
        start -= 1
    stop = min(len(text), start + width)
    while stop < len(text) and not text[stop].isspace():  # on to the end of a word
        stop += 1
    shown = [(s, e) for s, e in spans if start <= s and e <= stop]
    # Control characters and markers become spaces (same length: the spans stay right).
    window = _CONTROL.sub(" ", text[start:stop])
    body = _SPACES.sub(" ", _marked(window, shown, start)).strip()
    return (ELLIPSIS if start else "") + body + (ELLIPSIS if stop < len(text) else "")


_CHARS_PER_WORD = 7  # Vietnamese syllables average ~4 letters, plus space and punctuation


def _best_window(spans: Sequence[tuple[int, int]], width: int) -> tuple[int, int]:
    """(start, end) of the group of spans that fits in ``width`` characters with most spans,
    then most marked characters; the first such group. A span wider than ``width`` is a
    group of its own."""
    best = (0, 0)
    best_group = spans[0]
    right = 0
    marked = 0  # characters marked in spans[left:right]
    for left, (first, _) in enumerate(spans):
        if right <= left:
            right, marked = left + 1, spans[left][1] - spans[left][0]
        while right < len(spans) and spans[right][1] - first <= width:
            marked += spans[right][1] - spans[right][0]
            right += 1
        score = (right - left, marked)
        if score > best:
            best, best_group = score, (first, spans[right - 1][1])
        marked -= spans[left][1] - spans[left][0]
    return best_group


def article_snippet(
    title: str | None, summary: str | None, body: str | None, query: str | None
) -> str:
    """Snippet of the sapo and body (the title is shown on its own), or of the title when
    the article has no text."""
    return snippet(join_text(summary, body) or title, query)


def plain_text(marked: str | None) -> str:
    """A highlighted text or snippet without its markers (CSV, feeds, plain-text exports)."""
    return (marked or "").replace(MARK_START, "").replace(MARK_END, "")


def marked_html(marked: str | None) -> str:
    """A highlighted text or snippet as HTML: escaped first, then each marked phrase in
    ``<mark>``, so nothing from an article is ever rendered as markup."""
    escaped = html.escape(marked or "")
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def article_snippet_plain(
    title: str | None, summary: str | None, body: str | None, query: str | None
) -> str:
    """:func:`article_snippet` without markers (the ``vn_snippet_plain`` SQL function)."""
    return plain_text(article_snippet(title, summary, body, query))


# -- SQL ------------------------------------------------------------------------------------


def register(conn: sqlite3.Connection) -> None:
    """Register the SQL functions the ``articles_search`` triggers and the search query use.

    Must be done on every connection that writes ``articles`` (its triggers call them) or
    runs the search query: ``open_archive`` and Datasette's ``prepare_connection`` do it.
    """
    deterministic = {"deterministic": True}
    conn.create_function("vn_search_fold", 1, fold, **deterministic)
    conn.create_function("vn_search_text", 2, join_text, **deterministic)
    conn.create_function("vn_search_variants", 3, variants, **deterministic)
    conn.create_function("vn_fts_query", 1, fts_query, **deterministic)
    conn.create_function("vn_search_is_empty", 1, is_empty_query, **deterministic)
    conn.create_function("vn_snippet", 4, article_snippet, **deterministic)
    conn.create_function("vn_highlight", 2, highlight, **deterministic)
    conn.create_function("vn_snippet_plain", 4, article_snippet_plain, **deterministic)
