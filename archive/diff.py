"""Readable word-level diff between two versions of an article's text.

Vietnamese words are syllables separated by spaces, so a whitespace-token diff is a syllable
diff: ``có 150 đoàn viên`` -> ``có 165 đoàn viên`` reads ``có [-150-]{+165+} đoàn viên``.

Output form (plain text, never HTML: Datasette escapes it when rendering):

- deleted words as ``[-cũ-]``, inserted words as ``{+mới+}``;
- unchanged runs are shortened to their first and last ``context`` words around ``…``
  (``…\\n…`` when the hidden part spans a paragraph break), unless that would hide fewer
  than ``MIN_HIDDEN_WORDS`` words;
- paragraph breaks (any run of newlines in the source) are kept as ``\\n``;
- whitespace inside a paragraph is normalised to single spaces (layout-only edits vanish).

Identical texts give ``""``; ``None`` is treated as empty, and two ``None`` give ``None``.

The diff runs in two passes with :mod:`difflib`: paragraphs first (cheap, and an edit stays
inside its paragraph), then words inside each block of replaced paragraphs.
``autojunk`` is off because frequent syllables (``và``, ``của``, ``các``) would otherwise be
treated as junk and the diff would degrade on long bodies.
"""

import re
import sqlite3
from difflib import SequenceMatcher

CONTEXT_WORDS = 6
ELLIPSIS = "…"
MIN_HIDDEN_WORDS = 4  # hiding fewer words than this would not make the diff shorter
_BREAK = "\n"  # token between paragraphs; never produced by str.split()
_PARAGRAPHS = re.compile(r"\s*\n\s*")

_Op = tuple[str, list[str]]  # ("equal" | "delete" | "insert", tokens)


def word_diff(old: str | None, new: str | None, context: int = CONTEXT_WORDS) -> str | None:
    """Compact readable diff from ``old`` to ``new`` (see the module docstring)."""
    if old is None and new is None:
        return None
    old_pars = _paragraphs(old or "")
    new_pars = _paragraphs(new or "")
    if old_pars == new_pars:
        return ""
    return _render(_diff_ops(old_pars, new_pars), context)


def register(conn: sqlite3.Connection) -> None:
    """Make ``word_diff(old, new)`` callable from SQL on this connection."""
    conn.create_function("word_diff", 2, word_diff, deterministic=True)


def _paragraphs(text: str) -> list[tuple[str, ...]]:
    pars = (tuple(p.split()) for p in _PARAGRAPHS.split(text))
    return [p for p in pars if p]


def _tokens(pars: list[tuple[str, ...]]) -> list[str]:
    tokens: list[str] = []
    for par in pars:
        tokens.extend(par)
        tokens.append(_BREAK)
    return tokens


def _diff_ops(old_pars: list[tuple[str, ...]], new_pars: list[tuple[str, ...]]) -> list[_Op]:
    ops: list[_Op] = []
    matcher = SequenceMatcher(None, old_pars, new_pars, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_tokens, new_tokens = _tokens(old_pars[i1:i2]), _tokens(new_pars[j1:j2])
        if tag == "equal":
            _append(ops, "equal", old_tokens)
        elif tag == "delete":
            _append(ops, "delete", old_tokens)
        elif tag == "insert":
            _append(ops, "insert", new_tokens)
        else:
            words = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
            for wtag, a1, a2, b1, b2 in words.get_opcodes():
                if wtag == "equal":
                    _append(ops, "equal", old_tokens[a1:a2])
                else:
                    _append(ops, "delete", old_tokens[a1:a2])
                    _append(ops, "insert", new_tokens[b1:b2])
    if ops and ops[-1][1][-1] == _BREAK:  # both texts end with a break: not a change
        ops[-1][1].pop()
        if not ops[-1][1]:
            ops.pop()
    return ops


def _append(ops: list[_Op], tag: str, tokens: list[str]) -> None:
    if not tokens:
        return
    if ops and ops[-1][0] == tag:
        ops[-1][1].extend(tokens)
    else:
        ops.append((tag, list(tokens)))


def _render(ops: list[_Op], context: int) -> str:
    out: list[str] = []
    last = len(ops) - 1
    for n, (tag, tokens) in enumerate(ops):
        if tag == "equal":
            piece = _equal_run(tokens, context, first=n == 0, last=n == last)
        else:
            piece = _changed_run(tokens, deleted=tag == "delete")
        replaced = tag == "insert" and n > 0 and ops[n - 1][0] == "delete"
        out.append(piece if replaced else f" {piece}")  # [-old-]{+new+} with no space
    text = "".join(out)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r" {2,}", " ", text).strip()


def _equal_run(tokens: list[str], context: int, *, first: bool, last: bool) -> str:
    """Unchanged words: keep ``context`` words next to each change, hide the middle."""
    head = 0 if first else _span(tokens, context)
    tail = 0 if last else _span(tokens[::-1], context)
    hidden = tokens[head : len(tokens) - tail]
    if sum(token != _BREAK for token in hidden) < MIN_HIDDEN_WORDS:
        return _join(tokens)
    marker = f"{ELLIPSIS}\n{ELLIPSIS}" if _BREAK in hidden else ELLIPSIS
    return f"{_join(tokens[:head])} {marker} {_join(tokens[len(tokens) - tail :])}"


def _span(tokens: list[str], words: int) -> int:
    """How many leading tokens hold ``words`` words (paragraph breaks are free)."""
    seen = 0
    for n, token in enumerate(tokens):
        if token != _BREAK:
            if seen == words:
                return n
            seen += 1
    return len(tokens)


def _changed_run(tokens: list[str], *, deleted: bool) -> str:
    """Deleted or inserted words, one marker per paragraph they touch."""
    opening, closing = ("[-", "-]") if deleted else ("{+", "+}")
    segments = [s.strip() for s in _join(tokens).split("\n")]
    if not any(segments):
        return f"{opening}¶{closing}"  # only a paragraph break was added or removed
    wrapped = [f"{opening}{s}{closing}" if s else "" for s in segments]
    return "\n".join(wrapped)


def _join(tokens: list[str]) -> str:
    return " ".join(tokens).replace(f" {_BREAK}", _BREAK).replace(f"{_BREAK} ", _BREAK)
