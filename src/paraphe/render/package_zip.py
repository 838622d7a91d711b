"""A filled Word package zipped: the bytes `zipfile` would write, with what repeats compressed once.

Every document a template fills carries the template's parts that rendering does not touch (a 440 KB
stylesWithEffects.xml among them), and compressing that one part again took 0.85 ms of each document's
rendering, a third of its zipping. Here an entry's compressed bytes are kept once its content has been
seen twice (content-addressed: its length and CRC, which the zip needs anyway, then a comparison of
the bytes), so a document's own parts are never kept. `zipfile` has no way to write bytes already
compressed: the archive is written here, in the layout `zipfile` gives it for the same entries
(tests/render/test_package_zip.py compares them byte for byte), and by `zipfile` itself for a name or a
size this layout does not cover. The kept entries are filled and read from the rendering thread only
(before the workers fork, the main one): no lock.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Sequence

# zlib's fastest level: twice as fast as its default, a quarter larger (83 KB for a 700 KB SDSF,
# against 67), for a file LibreOffice reads once.
LEVEL = 1
_FIRST, _LAST = dt.date(1980, 1, 1), dt.date(2107, 12, 31)

_KEPT = 16  # compressed entries: a few templates' unchanged large parts
_SMALL = 16 * 1024  # smaller entries cost less to compress than to look up
_compressed: OrderedDict[tuple[int, int], tuple[bytes, bytes]] = OrderedDict()  # (size, CRC) → (content, deflated)
_seen: OrderedDict[tuple[int, int], None] = OrderedDict()  # seen once: only the key, not the content

# zipfile's layout (PKWARE APPNOTE 4.3): version 2.0 made on Unix, no flags, deflated, no extra field.
_VERSION, _UNIX, _DEFLATED = 20, 3, 8
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_MODE = 0o644 << 16


def zipped(entries: Sequence[tuple[str, bytes]], date: dt.date) -> bytes:
    """The package with every entry dated `date` (zipfile stamps the wall clock otherwise) and readable by
    all: the same inputs give the same bytes. A zip's date holds the years 1980-2107 only: a date outside
    is pinned to the nearest end, since the stamp serves reproducibility, and what a reader sees comes from
    the manifest."""
    pinned = min(max(date, _FIRST), _LAST)
    if (
        # zipfile writes a name outside ASCII in UTF-8 with a flag, and cuts one at a NUL: its own way, kept.
        not all(name.isascii() and "\0" not in name for name, _ in entries)
        or len(entries) >= zipfile.ZIP_FILECOUNT_LIMIT
        or sum(len(blob) for _, blob in entries) >= zipfile.ZIP64_LIMIT // 2  # deflate may add a little
    ):
        return _by_zipfile(entries, pinned)
    dos_date = (pinned.year - 1980) << 9 | pinned.month << 5 | pinned.day
    out = io.BytesIO()
    central = []
    for name, blob in entries:
        crc = zlib.crc32(blob)
        deflated = _deflated(blob, crc)
        encoded = name.encode("ascii")
        offset = out.tell()
        fields = (_DEFLATED, 0, dos_date, crc, len(deflated), len(blob), len(encoded))
        out.write(_LOCAL.pack(b"PK\x03\x04", _VERSION, 0, 0, *fields, 0))
        out.write(encoded)
        out.write(deflated)
        made = (_VERSION, _UNIX, _VERSION, 0, 0)  # made by, on, needed to extract, reserved, flags
        central.append(_CENTRAL.pack(b"PK\x01\x02", *made, *fields, 0, 0, 0, 0, _MODE, offset))
        central.append(encoded)
    start = out.tell()
    out.write(b"".join(central))
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), out.tell() - start, start, 0))
    return out.getvalue()


def _deflated(blob: bytes, crc: int) -> bytes:
    """`blob` compressed as zipfile compresses it (raw deflate), from what is kept where it repeats."""
    if len(blob) < _SMALL:
        return _deflate(blob)
    key = (len(blob), crc)
    kept = _compressed.get(key)
    if kept is not None and (kept[0] is blob or kept[0] == blob):
        _compressed.move_to_end(key)
        return kept[1]
    deflated = _deflate(blob)
    if key in _seen:
        _compressed[key] = (blob, deflated)
        if len(_compressed) > _KEPT:
            _compressed.popitem(last=False)
    else:
        _seen[key] = None
        if len(_seen) > 4 * _KEPT:
            _seen.popitem(last=False)
    return deflated


def _deflate(blob: bytes) -> bytes:
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(blob) + compressor.flush()


def _by_zipfile(entries: Sequence[tuple[str, bytes]], pinned: dt.date) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, blob in entries:
            fixed = zipfile.ZipInfo(name, date_time=(pinned.year, pinned.month, pinned.day, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = _MODE
            target.writestr(fixed, blob, compresslevel=LEVEL)
    return out.getvalue()
