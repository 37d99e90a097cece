"""The gzip members of a record-level-gzip WARC file, read with zlib (no database).

Every record of the archive's WARC files is its own gzip member, so a member's offset and
length are a capture's pointer (``captures.warc_offset`` / ``warc_length``). zlib says where
a member ends and whether it is whole (CRC and length checked); warcio does not for a torn
or corrupt one (it stops quietly at a short member). Read by ``verify`` and
``close_unfinished`` (archive/fixity.py, archive/warc_close.py) and the WACZ export
(archive/wacz_export.py).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

OK, TORN, CORRUPT = "ok", "torn", "corrupt"
GZIP_MAGIC = b"\x1f\x8b\x08"
_READ = 64 * 1024


@dataclass(frozen=True, slots=True)
class Member:
    """One gzip member of a WARC file: ``status`` ok (``data`` is the record), torn (the
    file ends inside it) or corrupt (zlib refuses it; ``error`` says why)."""

    offset: int
    length: int
    status: str
    data: bytes | None = None
    error: str | None = None


def read_member(handle: io.BufferedIOBase, offset: int, end: int) -> Member:
    """Decompress the gzip member starting at ``offset`` (reading no further than ``end``)."""
    handle.seek(offset)
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    parts: list[bytes] = []
    fed = 0
    while True:
        chunk = handle.read(min(_READ, end - offset - fed))
        if not chunk:
            return Member(offset, fed, TORN, error="the file ends inside this gzip member")
        try:
            parts.append(decompressor.decompress(chunk))
        except zlib.error as exc:
            return Member(offset, fed + len(chunk), CORRUPT, error=f"gzip: {exc}")
        if decompressor.eof:
            used = len(chunk) - len(decompressor.unused_data)
            return Member(offset, fed + used, OK, data=b"".join(parts))
        fed += len(chunk)


def next_member(handle: io.BufferedIOBase, start: int, end: int) -> int | None:
    """The next offset after ``start`` where a whole gzip member holding a WARC record
    begins (resynchronising after a corrupt member); None if there is none."""
    position = start + 1
    while position < end:
        handle.seek(position)
        window = handle.read(min(_READ, end - position))
        found = window.find(GZIP_MAGIC)
        if found < 0:
            position += max(1, len(window) - len(GZIP_MAGIC) + 1)
            continue
        candidate = position + found
        member = read_member(handle, candidate, end)
        if member.status == OK and member.data is not None and member.data.startswith(b"WARC/"):
            return candidate
        position = candidate + 1
    return None


def iter_members(handle: io.BufferedIOBase, end: int) -> Iterator[Member]:
    """Every gzip member of a record-level-gzip WARC file, in order, up to byte ``end``.

    A corrupt member is reported once, spanning up to the next member that decodes (found by
    its gzip magic); a member cut by the end of the file is reported torn.
    """
    offset = 0
    while offset < end:
        member = read_member(handle, offset, end)
        if member.status == CORRUPT:
            following = next_member(handle, offset, end)
            stop = end if following is None else following
            member = Member(offset, stop - offset, CORRUPT, error=member.error)
        yield member
        if member.status == TORN:
            return
        offset += member.length


def member_bounds(handle: io.BufferedIOBase, end: int) -> Iterator[Member]:
    """:func:`iter_members` without the decompressed bytes (a closing keeps only bounds)."""
    for member in iter_members(handle, end):
        yield Member(member.offset, member.length, member.status, error=member.error)
