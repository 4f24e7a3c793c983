"""A tiny PNG writer (zlib + struct) that draws a code-like pattern derived from a seed."""

import hashlib
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MODULES = 29  # like a version-3 QR code
QUIET = 2


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def grayscale_png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit grayscale PNG; `rows` holds `height` rows of `width` bytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 6))
        + _chunk(b"IEND", b"")
    )


def _bits(seed: str, count: int) -> list[bool]:
    stream = b""
    counter = 0
    while len(stream) * 8 < count:
        stream += hashlib.sha256(f"{counter}:{seed}".encode()).digest()
        counter += 1
    return [bool(stream[i // 8] >> (i % 8) & 1) for i in range(count)]


def _finder(row: int, col: int) -> bool | None:
    # The three corner squares make the picture read as a code at a glance.
    for top, left in ((0, 0), (0, MODULES - 7), (MODULES - 7, 0)):
        r, c = row - top, col - left
        if 0 <= r < 7 and 0 <= c < 7:
            ring = max(abs(r - 3), abs(c - 3))
            return ring != 2
    return None


def code_png(seed: str, size: int) -> bytes:
    """A size x size PNG whose dark modules are a deterministic function of `seed`."""
    bits = _bits(seed, MODULES * MODULES)
    span = MODULES + 2 * QUIET
    module_rows = []
    for row in range(span):
        dark = []
        for col in range(span):
            r, c = row - QUIET, col - QUIET
            inside = 0 <= r < MODULES and 0 <= c < MODULES
            finder = _finder(r, c) if inside else None
            dark.append(inside and (finder if finder is not None else bits[r * MODULES + c]))
        module_rows.append(bytes(0 if dark[x * span // size] else 255 for x in range(size)))
    rows = [module_rows[y * span // size] for y in range(size)]
    return grayscale_png(size, size, rows)
