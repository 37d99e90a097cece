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
- :func:`snippet`/:func:`highlight`: the matched words between :data:`MARK_START` and
  :data:`MARK_END`, private-use characters the source text is stripped of, so a renderer
  can escape the text first and turn the markers into ``<mark>`` afterwards.

Everything here is pure and deterministic: the index triggers call these functions (through
:func:`register`) both to add an article and to delete its old entry, so the same input must
always give the same output; :func:`rules_hash` changes whenever the rules do.
No Datasette, Scrapy or sqlite-utils imports: this module is the rules, not their plumbing.
"""

from __future__ import annotations

import hashlib
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


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class _Phrase:
    """One query phrase, ready to find in a lower-cased folded text: ``pattern`` finds the
    folded words in order; ``wanted`` holds, for each word typed with marks, its canonical
    spelling, which the text's word must have too (None: any marks)."""

    pattern: re.Pattern[str]
    wanted: tuple[str | None, ...]


@lru_cache(maxsize=256)
def _matcher(query: str) -> tuple[_Phrase, ...]:
    """The phrases to mark for a query: as typed, as searched, and with abbreviations
    contracted or expanded ("UBND" is marked for "Ủy ban nhân dân" and back). A text word
    matches a query word with the same letters and marks in either tone placement, or, for
    a query word typed without marks, the same letters once folded (``thanh`` marks
    ``Thành``; ``tám`` never marks ``tâm``)."""
    cleaned = clean_query(query)
    forms = [*_split(cleaned), *query_phrases(cleaned), *_split(expand_abbreviations(cleaned))]
    forms += [contract_abbreviations(phrase) for phrase in _split(cleaned)]
    phrases = dict.fromkeys(tokens for form in forms if (tokens := _tokens(form)))
    compiled = []
    for tokens in phrases:
        folded = [fold(t) for t in tokens]
        wanted = tuple(
            None if f == t else canonical_tone(t) for t, f in zip(tokens, folded, strict=True)
        )
        # Literal first, word boundary before it checked by the caller: a leading
        # lookbehind would stop the regex engine from skipping ahead to the literal.
        body = r"[\W_]+".join(map(re.escape, folded))
        compiled.append(_Phrase(re.compile(rf"{body}(?![^\W_])"), wanted))
    return tuple(compiled)


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


def _match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Character spans of the words of ``text`` that belong to a match of the query."""
    phrases = _matcher(query)
    if not phrases:
        return []
    lowered, folded = _aligned_forms(text)
    spans: set[tuple[int, int]] = set()
    for phrase in phrases:
        for found in phrase.pattern.finditer(folded):
            start = found.start()
            if start and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
                continue  # inside a longer word
            words = [w.span() for w in _WORD.finditer(folded, start, found.end())]
            if len(words) == len(phrase.wanted) and all(
                want is None or canonical_tone(lowered[s:e]) == want
                for (s, e), want in zip(words, phrase.wanted, strict=True)
            ):
                spans.update(words)
    return sorted(spans)


def _marked(text: str, spans: Sequence[tuple[int, int]], offset: int = 0) -> str:
    """``text`` with MARK_START/MARK_END around the spans (shifted by ``offset``); spans
    separated only by spaces share one mark."""
    out: list[str] = []
    position = 0
    open_mark = False
    for start, end in spans:
        start, end = start - offset, end - offset
        gap = text[position:start]
        if open_mark and gap.strip():
            out.append(MARK_END)
            open_mark = False
        out.append(gap)
        if not open_mark:
            out.append(MARK_START)
            open_mark = True
        out.append(text[start:end])
        position = end
    if open_mark:
        out.append(MARK_END)
    out.append(text[position:])
    return "".join(out)


def highlight(text: str | None, query: str | None) -> str:
    """The whole text, NFC, with every match of the query between MARK_START and MARK_END."""
    text = _CONTROL.sub(" ", nfc(text))
    return _marked(text, _match_spans(text, query or "")) if text else ""


def snippet(text: str | None, query: str | None, words: int = SNIPPET_WORDS) -> str:
    """About ``words`` words of ``text`` around the densest group of matches, marked.

    Starts at the beginning when nothing matches (the match may be in the title); "…" shows
    where the text was cut; whitespace is collapsed. Source text loses any MARK_START/MARK_END
    characters first, so every marker in the result is ours.
    """
    text = nfc(text)
    if not text:
        return ""
    spans = _match_spans(text, query or "")
    width = words * _CHARS_PER_WORD
    start = max(0, min(_best_window(spans, width), len(text) - width))
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


def _best_window(spans: Sequence[tuple[int, int]], width: int) -> int:
    """Start of the ``width``-character window with most matches, with some context before."""
    best_start, best_count = 0, 0
    lead = width // 6
    right = 0
    for left, (first, _) in enumerate(spans):
        while right < len(spans) and spans[right][1] <= first + width - lead:
            right += 1
        if right - left > best_count:
            best_start, best_count = max(0, first - lead), right - left
    return best_start


def article_snippet(
    title: str | None, summary: str | None, body: str | None, query: str | None
) -> str:
    """Snippet of the sapo and body (the title is shown on its own), or of the title when
    the article has no text."""
    return snippet(join_text(summary, body) or title, query)


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
