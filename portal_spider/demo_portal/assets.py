"""Non-HTML resources: a tiny PNG per image, a one-page PDF per attachment, CSS, robots.txt.

Generated with the standard library only (zlib for PNG), small and valid, so crawlers and
browsers that check magic bytes or content types are satisfied.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache
from pathlib import Path

from .rng import mix

STATIC_DIR = Path(__file__).with_name("static")
ROBOTS_TXT = b"User-agent: *\nDisallow: /tim-kiem\nDisallow: /quan-tri/\n"


def robots_txt(crawl_delay: float | None = None) -> bytes:
    """robots.txt, with a Crawl-delay line when the portal asks crawlers to slow down."""
    if crawl_delay is None:
        return ROBOTS_TXT
    return ROBOTS_TXT + f"Crawl-delay: {crawl_delay:g}\n".encode()


_PNG_SIZE = (160, 100)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


@lru_cache(maxsize=1024)
def png_image(article_id: int, number: int) -> bytes:
    """A 160x100 two-tone RGB PNG whose colours depend on the image (a few hundred bytes)."""
    width, height = _PNG_SIZE
    h = mix(article_id, number)
    sky = bytes((90 + h % 100, 140 + (h >> 8) % 90, 170 + (h >> 16) % 80))
    ground = bytes((60 + (h >> 24) % 80, 110 + (h >> 32) % 90, 50 + (h >> 40) % 60))
    horizon = height * 3 // 5
    rows = b"".join(b"\x00" + (sky if y < horizon else ground) * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows, 9))
        + _png_chunk(b"IEND", b"")
    )


def pdf_document(title: str) -> bytes:
    """A valid one-page PDF 1.4 showing an ASCII title (base-14 fonts cannot show Vietnamese)."""
    safe = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = (
        f"BT /F1 16 Tf 56 780 Td ({safe}) Tj ET\n"
        "BT /F1 10 Tf 56 756 Td (Demo portal attachment - portal-archive) Tj ET\n"
    ).encode("ascii", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


@lru_cache(maxsize=1)
def site_css() -> bytes:
    return (STATIC_DIR / "site.css").read_bytes()
