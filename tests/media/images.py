"""Image files for the upload tests, made in memory: good ones, bad ones, and one with GPS."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import ExifTags, Image

# Beijing, 北焦 (roughly): what a phone writes into a photo and linli must never store.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (39.0, 52.0, 30.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (116.0, 30.0, 10.0),
}


def jpeg(width: int = 640, height: int = 480, *, gps: bool = False, orientation: int = 1) -> bytes:
    image = Image.new("RGB", (width, height), (200, 60, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "LinliTestCam"
    exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif, icc_profile=b"\0" * 128)
    return out.getvalue()


def png(width: int = 300, height: int = 200, *, alpha: bool = False) -> bytes:
    image = Image.new(
        "RGBA" if alpha else "RGB", (width, height), (10, 120, 200, 128)[: 4 if alpha else 3]
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def webp(width: int = 320, height: int = 240) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 160, 90)).save(out, "WEBP")
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg(1200, 900)
    return data[: len(data) // 2]


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def huge_png(width: int = 8000, height: int = 7500) -> bytes:
    """A real, valid one-colour PNG of width × height (60 MP by default), a few KB in size."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    pixels = zlib.compress(row * height, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def twelve_megabytes() -> bytes:
    """Starts like a JPEG, 12 MB long: refused for its size before anything is decoded."""
    return b"\xff\xd8\xff\xe0" + b"\0" * (12_000_000 - 4)


def zip_file() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", jpeg())
    return out.getvalue()
