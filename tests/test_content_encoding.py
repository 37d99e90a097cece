"""Content-Encoding undone once for the capture view and reextract (archive/content_encoding)."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
from backports import zstd

from archive import capture_view, reextract
from archive.content_encoding import PayloadUndecodable, codings, decode

TEXT = "Thông báo kết quả tuyển dụng viên chức năm 2026. ".encode() * 200


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        ("gzip", gzip.compress(TEXT[:100]) + gzip.compress(TEXT[100:])),  # two members
        ("x-gzip", gzip.compress(TEXT)),
        ("GZIP", gzip.compress(TEXT)),
        ("zstd", zstd.compress(TEXT)),
        ("gzip, identity", gzip.compress(TEXT)),
        ("deflate, br", brotli.compress(zlib.compress(TEXT))),
        (None, TEXT),
    ],
)
def test_decode(encoding: str | None, encoded: bytes) -> None:
    assert decode(encoded, encoding, limit=len(TEXT)) == TEXT


def test_decode_caps_the_output_and_names_unknown_codings() -> None:
    with pytest.raises(PayloadUndecodable, match="more than"):
        decode(zstd.compress(TEXT), "zstd", limit=len(TEXT) - 1)
    with pytest.raises(PayloadUndecodable, match="unknown Content-Encoding 'compress'"):
        codings("gzip, compress")
    assert codings(" identity ,") == []


def test_capture_view_and_reextract_decode_alike() -> None:
    """One path: the view and reextract give the same bytes; reextract names the record."""
    for encoding, encoded in [("br", brotli.compress(TEXT)), ("gzip", gzip.compress(TEXT))]:
        assert reextract._decoded(encoded, encoding, "<urn:uuid:x>") == TEXT
        assert capture_view.decode_payload(encoded, encoding) == TEXT
    with pytest.raises(reextract.CaptureUnreadable, match=r"^capture <urn:uuid:x>: cannot undo"):
        reextract._decoded(b"\x1f\x8b\x08 damaged", "gzip", "<urn:uuid:x>")
