"""Undoing HTTP ``Content-Encoding`` on a stored payload (pure: no I/O, no Datasette).

A WARC keeps each response as received, compressed the way the server sent it. The site's
capture view (archive/capture_view.py) and ``reextract`` (archive/reextract.py) both need
the bytes of the page itself. urllib3's decoders do the decoding (gzip with several
members, deflate as zlib or raw, br, zstd, chained codings, output bounded as it is made);
this module names the codings accepted and caps what a payload may decode to, so a gzip
bomb stops at the cap instead of filling memory.
"""

from __future__ import annotations

import io

from urllib3 import HTTPResponse
from urllib3.exceptions import HTTPError


class PayloadUndecodable(Exception):
    """The payload cannot be decoded as its Content-Encoding says (or decodes too large)."""


def codings(content_encoding: str | None) -> list[str]:
    """The codings of a ``Content-Encoding`` value in the order applied, ``identity`` left
    out. Raises :class:`PayloadUndecodable` for one urllib3 cannot undo."""
    found = [c.strip().lower() for c in (content_encoding or "").split(",")]
    found = [c for c in found if c and c != "identity"]
    for coding in found:
        if coding not in HTTPResponse.CONTENT_DECODERS:
            raise PayloadUndecodable(f"unknown Content-Encoding {coding!r}")
    return found


def decode(payload: bytes, content_encoding: str | None, *, limit: int) -> bytes:
    """``payload`` with its ``Content-Encoding`` undone, at most ``limit`` bytes of it.

    A truncated capture's stream ends early: what decodes is returned, not an error.
    Raises :class:`PayloadUndecodable` (unknown coding, damaged stream, over ``limit``).
    """
    applied = codings(content_encoding)
    if not applied:
        return payload
    response = HTTPResponse(
        body=io.BytesIO(payload),
        headers={"content-encoding": ", ".join(applied)},
        preload_content=False,
        decode_content=True,
    )
    try:
        out = response.read(limit + 1)
    except HTTPError as exc:  # DecodeError: zlib/brotli/zstd refused the stream
        cause = exc.args[1] if len(exc.args) > 1 else exc
        raise PayloadUndecodable(f"cannot undo {', '.join(applied)}: {cause}") from exc
    if len(out) > limit:
        raise PayloadUndecodable(f"decodes to more than {limit} bytes")
    return out
