"""Turning uploaded bytes into a safe image: sniffed, bounded, decoded, re-encoded, thumbnailed.

Only JPEG, PNG and WebP are taken, told apart by their first bytes, never by the file name.
A name whose extension claims another of these types than the bytes hold is refused: it is a
renamed or mislabelled file, and we would rather say so than guess. The re-encoded image carries
no metadata at all (EXIF with its GPS position, ICC, XMP): only pixels leave this module.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

from app.core.errors import AppError, Invalid

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000
THUMB_MAX_SIDE = 320
JPEG_QUALITY = 85
THUMB_QUALITY = 80

# Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; for linli an image over the
# limit is an error everywhere, never a line in a log, so the warning is raised too.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.simplefilter("error", Image.DecompressionBombWarning)

_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
)
_EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})


class MediaTooLarge(AppError):
    status_code = 413
    reason = "media_too_large"
    message = "图片不能超过 10 MB"


class MediaTypeUnsupported(AppError):
    status_code = 415
    reason = "media_type_unsupported"
    message = "仅支持 JPEG、PNG、WebP 格式的图片"


class MediaTypeMismatch(MediaTypeUnsupported):
    reason = "media_type_mismatch"
    message = "文件扩展名与图片实际格式不符"


class MediaCorrupt(Invalid):
    reason = "media_corrupt"
    message = "图片已损坏或不完整"


class MediaTooManyPixels(Invalid):
    reason = "media_too_many_pixels"
    message = "图片尺寸过大（不能超过 5000 万像素）"


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image and its thumbnail, ready to store."""

    data: bytes
    thumb: bytes
    content_type: str  # image/jpeg or image/png, of both
    extension: str  # jpg or png
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """The Pillow format name the bytes start like (JPEG, PNG, WEBP), or None."""
    for signature, name in _SIGNATURES:
        if data.startswith(signature):
            return name
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def clean_image(data: bytes, filename: str = "") -> CleanImage:
    """The image in ``data`` re-encoded without metadata, with a thumbnail ≤ 320 px a side.

    Raises MediaTooLarge (> 10 MB, checked before anything is decoded), MediaTypeUnsupported
    (not JPEG/PNG/WebP), MediaTypeMismatch (the name says another of them), MediaTooManyPixels
    (> 50 megapixels, read from the header before decoding), MediaCorrupt (does not decode
    completely: truncated, damaged).
    """
    if len(data) > MAX_BYTES:
        raise MediaTooLarge()
    kind = sniff(data)
    if kind is None:
        raise MediaTypeUnsupported()
    claimed = _EXTENSIONS.get(filename.rpartition(".")[2].lower()) if "." in filename else None
    if claimed is not None and claimed != kind:
        raise MediaTypeMismatch()
    image = _decoded(data, kind)
    has_alpha = image.mode in _ALPHA_MODES or "transparency" in image.info
    upright = ImageOps.exif_transpose(image)  # EXIF goes, so its rotation is applied first
    pixels = upright.convert("RGBA" if has_alpha else "RGB")
    pixels.info = {}  # nothing of the original's metadata may ride along into the new file
    thumb = pixels.copy()
    thumb.thumbnail((THUMB_MAX_SIDE, THUMB_MAX_SIDE))
    encode = _png if has_alpha else _jpeg
    return CleanImage(
        data=encode(pixels, JPEG_QUALITY),
        thumb=encode(thumb, THUMB_QUALITY),
        content_type="image/png" if has_alpha else "image/jpeg",
        extension="png" if has_alpha else "jpg",
        width=pixels.width,
        height=pixels.height,
    )


def _decoded(data: bytes, kind: str) -> Image.Image:
    """The fully decoded image; the pixel count is checked on the header, before decoding."""
    try:
        image = Image.open(io.BytesIO(data), formats=[kind])
        if image.width * image.height > MAX_PIXELS:
            raise MediaTooManyPixels()
        image.load()  # a truncated or damaged file fails here, not later
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaTooManyPixels() from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise MediaCorrupt() from None
    return image  # an animated WebP is kept as its first frame


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _png(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
