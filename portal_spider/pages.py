"""What a response body is before extraction: its declared charset, or binary junk.

Kept out of the spider (which never looks at HTML) and out of extraction (which gets bytes and
a charset and trusts them); both are cheap looks at headers and the first bytes.
"""

from __future__ import annotations

from functools import lru_cache

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

# Magic numbers of what portals wrongly serve as text/html: documents, images, archives.
_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"RIFF", "RIFF (WebP/AVI/WAV)"),
    (b"PK\x03\x04", "ZIP (docx/xlsx/zip)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE (doc/xls)"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"ID3", "MP3"),
)
_MAGIC_NUMBERS = tuple(magic for magic, _ in _MAGIC)
_SNIFF_BYTES = 1024


def declared_encoding(content_type: bytes | str | None, body: bytes) -> str | None:
    """The charset the page declares (BOM, Content-Type header, then <meta>), else None.

    Not Scrapy's `response.encoding`: when nothing is declared that one is *guessed* (UTF-8,
    else cp1252), and a cp1252 guess turns an undeclared windows-1258 page into mojibake.
    With None, extraction tries UTF-8 and then detection, which knows windows-1258.
    """
    bom, _ = read_bom(body)
    if bom:
        return bom
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    return _header_encoding(content_type) or html_body_declared_encoding(body)


@lru_cache(maxsize=64)
def _header_encoding(content_type: str | None) -> str | None:
    """Cached: a portal sends the same Content-Type with every page."""
    return http_content_type_encoding(content_type)


def binary_kind(body: bytes) -> str | None:
    """What binary format the body is ("PDF", "PNG", ...), or None if it may be text/HTML.

    Magic numbers first; then a NUL byte in the first KiB (never in HTML, except UTF-16/32,
    which starts with a BOM).
    """
    if body.startswith(_MAGIC_NUMBERS):
        return next(name for magic, name in _MAGIC if body.startswith(magic))
    if body.find(b"\x00", 0, _SNIFF_BYTES) >= 0 and not read_bom(body)[0]:
        return "binary data"
    return None
