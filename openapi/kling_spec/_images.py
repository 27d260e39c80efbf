"""Checking a reference image against the documented limits, from its header only.

Formats .jpg/.jpeg/.png, at most 10 MB, at least 300 px a side, aspect ratio between 1:2.5 and
2.5:1. Pillow reads the header and stops: no pixel is decoded, so a huge or hostile file costs
nothing beyond its bytes.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from fractions import Fraction

from PIL import Image, UnidentifiedImageError

from ._constants import (
    IMAGE_FORMATS,
    IMAGE_SIGNATURES,
    JPEG_LIKE_FORMATS,
    MAX_IMAGE_BASE64_CHARS,
    MAX_IMAGE_BYTES,
    MAX_IMAGE_RATIO,
    MIN_IMAGE_SIDE,
    WEBP_SIGNATURE,
)

TOO_LARGE = f"the image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB"
NOT_BASE64 = "is neither an http(s) URL nor Base64-encoded image data"


@dataclass(frozen=True)
class ImageInfo:
    """What the header of an accepted image says: ``format`` is ``"JPEG"`` or ``"PNG"``."""

    format: str
    width: int
    height: int


def inspect_image(data: bytes) -> ImageInfo:
    """Check an image file's bytes against the documented limits; ValueError naming the rule broken."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(TOO_LARGE)
    try:
        # Only the JPEG and PNG parsers ever see the data: other formats are refused unparsed.
        with Image.open(io.BytesIO(data), formats=sorted(IMAGE_FORMATS)) as image:
            found = image.format or ""
            width, height = image.size
    except Image.DecompressionBombError:
        raise ValueError("the image has too many pixels to be processed") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        other = _sniff_format(data)
        if other is not None:
            raise ValueError(f"the image must be JPG or PNG, got {other}") from None
        raise ValueError("the data is not a JPG or PNG image") from None
    info = ImageInfo(format="JPEG" if found in JPEG_LIKE_FORMATS else found, width=width, height=height)
    if info.format not in IMAGE_FORMATS:  # pragma: no cover - Pillow opened it with these parsers only
        raise ValueError(f"the image must be JPG or PNG, got {info.format}")
    if min(width, height) < MIN_IMAGE_SIDE:
        raise ValueError(f"the image must be at least {MIN_IMAGE_SIDE} px on each side, got {width}x{height}")
    # Exact arithmetic: 300x750 is 1:2.5 on the nose and must pass.
    limit = Fraction(MAX_IMAGE_RATIO)
    if not 1 / limit <= Fraction(width, height) <= limit:
        raise ValueError(f"the image aspect ratio must be between 1:2.5 and 2.5:1, got {width}x{height}")
    return info


def inspect_base64_image(value: str) -> ImageInfo:
    """:func:`inspect_image` on bare Base64 text (no ``data:`` prefix, no line breaks).

    The length is bounded before anything is decoded, and decoding is strict (``validate=True``).
    """
    if len(value) > MAX_IMAGE_BASE64_CHARS:
        raise ValueError(TOO_LARGE)
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(NOT_BASE64) from None
    try:
        return inspect_image(data)
    except ValueError as error:
        if str(error) == "the data is not a JPG or PNG image":
            raise ValueError("the Base64 data is not a JPG or PNG image") from None
        raise


def _sniff_format(data: bytes) -> str | None:
    """The name of a common image format the data starts with, for a helpful message."""
    for signature, name in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return name
    riff, webp = WEBP_SIGNATURE
    if data.startswith(riff) and data[8:12] == webp:
        return "WEBP"
    return None
