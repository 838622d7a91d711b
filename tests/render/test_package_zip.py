"""The filled package's zip: the very bytes zipfile writes for the same entries, what repeats compressed once.

The attack: an entry whose length and CRC are those of a kept one but whose bytes differ (CRC-32 is no
proof) would be written with the other's compressed bytes, and the document would say what it was not
given. Kept entries are compared byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
import zlib

import pytest

from paraphe.render import package_zip
from paraphe.render.package_zip import zipped

DATE = dt.date(2020, 10, 9)


def _by_zipfile(entries: list[tuple[str, bytes]], date: dt.date) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, blob in entries:
            info = zipfile.ZipInfo(name, date_time=(date.year, date.month, date.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, blob, compresslevel=1)
    return out.getvalue()


def _entries(seed: int) -> list[tuple[str, bytes]]:
    chance = random.Random(seed)
    entries = [("[Content_Types].xml", b"<Types/>"), ("word/empty.xml", b"")]
    for number in range(chance.randint(1, 6)):
        size = chance.choice([10, 5_000, 40_000, 200_000])
        words = [chance.choice([b"<w:p>", b"texte ", b"\xc3\xa9t\xc3\xa9 ", b"</w:p>"]) for _ in range(size // 5)]
        entries.append((f"word/part{number}.xml", b"".join(words)))
    entries.append(("word/media/image1.png", chance.randbytes(chance.choice([100, 30_000]))))
    return entries


@pytest.mark.parametrize("seed", range(12))
def test_the_bytes_are_zipfile_s_first_time_and_when_kept(seed: int) -> None:
    entries = _entries(seed)
    for date in (DATE, dt.date(1979, 5, 1), dt.date(2200, 1, 31)):
        expected = _by_zipfile(entries, min(max(date, dt.date(1980, 1, 1)), dt.date(2107, 12, 31)))
        assert zipped(entries, date) == expected
        assert zipped(entries, date) == expected  # the large entries now seen twice: kept
        assert zipped([(name, bytes(blob)) for name, blob in entries], date) == expected  # equal, not the same


def test_a_repeated_large_entry_is_compressed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = b"<w:style/>" * 20_000
    compressed: list[int] = []
    deflate = package_zip._deflate
    monkeypatch.setattr(package_zip, "_deflate", lambda blob: compressed.append(len(blob)) or deflate(blob))
    for number in range(5):
        zipped([("word/stylesWithEffects.xml", shared), ("word/document.xml", b"<w:p>%d</w:p>" % number)], DATE)
    assert compressed.count(len(shared)) == 2  # seen once, then kept at its second sight


def test_an_entry_with_a_kept_one_s_length_and_crc_is_still_its_own() -> None:
    kept = b"A" * 20_000 + b"\x00\x00\x00\x00"
    for _ in range(2):
        zipped([("word/kept.xml", kept)], DATE)
    # Four bytes chosen so that the CRC is the kept entry's (CRC-32 is linear: it can be forced).
    forged = _forced_crc(b"B" * 20_000, zlib.crc32(kept))
    assert len(forged) == len(kept) and zlib.crc32(forged) == zlib.crc32(kept) and forged != kept
    with zipfile.ZipFile(io.BytesIO(zipped([("word/forged.xml", forged)], DATE))) as read:
        assert read.read("word/forged.xml") == forged


@pytest.mark.parametrize("name", ["word/média.xml", "word/cut\0here.xml"])  # zipfile cuts a name at a NUL
def test_a_name_outside_ascii_or_with_a_nul_is_written_by_zipfile(name: str) -> None:
    entries = [(name, b"x" * 100)]
    assert zipped(entries, DATE) == _by_zipfile(entries, DATE)


def _forced_crc(prefix: bytes, target: int) -> bytes:
    """`prefix` and four bytes that make its CRC-32 `target` (solved through CRC's linearity over GF(2))."""
    base = zlib.crc32(prefix + b"\x00\x00\x00\x00")
    columns = [zlib.crc32(prefix + (1 << bit).to_bytes(4, "little")) ^ base for bit in range(32)]
    wanted, rows, chosen = base ^ target, list(columns), [1 << bit for bit in range(32)]
    # Gaussian elimination: which bits of the suffix flip the CRC by `wanted`.
    basis: dict[int, tuple[int, int]] = {}
    for value, mask in zip(rows, chosen, strict=True):
        for pivot in sorted(basis, reverse=True):
            if value >> pivot & 1:
                value, mask = value ^ basis[pivot][0], mask ^ basis[pivot][1]
        if value:
            basis[value.bit_length() - 1] = (value, mask)
    suffix = 0
    for pivot in sorted(basis, reverse=True):
        if wanted >> pivot & 1:
            wanted, suffix = wanted ^ basis[pivot][0], suffix ^ basis[pivot][1]
    assert wanted == 0
    return prefix + suffix.to_bytes(4, "little")
