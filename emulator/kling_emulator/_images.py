"""Images: the size a task's results have, and rendering them as PNGs.

Sizes: the long side is 1024 px for ``1k``, 2048 px for ``2k`` and 4096 px for ``4k``; the short side follows
the aspect ratio, rounded to the nearest pixel (16:9 at 1k is 1024x576, 9:16 at 2k 1152x2048, 21:9 at 1k
1024x439), with or without an input image (a URL input is never fetched). Checking reference images is
``kling_spec``'s job (one validator for the SDK, mock and emulator).

Each PNG shows the prompt, which endpoint made it and what it is (its label: "image 1 of 2", "series 2/4",
"view 1 of 3"); the same is in its text chunks (``Title``: the label, ``Description``: the prompt, ``Source``:
the endpoint, ``Comment``: the caption), which Pillow reads as ``image.text``. An outpainting result outlines
where its source sits.

With ``watermark_info.enabled``, each result has a watermarked copy too (``watermark_url``): the same
image under a dark band labelled "KLING EMULATOR · WATERMARK", so a glance tells the two apart.
"""

from __future__ import annotations

import hashlib
import io
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, ImageOps
from PIL.PngImagePlugin import PngInfo

from ._constants import IMAGE_ROUTE_PREFIX, LONG_SIDE, PNG_COMPRESS_LEVEL, WATERMARK_SUFFIX


def image_size(aspect_ratio: str, resolution: str) -> tuple[int, int]:
    """(width, height) of a generated image, e.g. ``("16:9", "1k") -> (1024, 576)``."""
    width, height = (int(part) for part in aspect_ratio.split(":"))
    return scaled_size(width, height, resolution)


def scaled_size(width: int, height: int, resolution: str) -> tuple[int, int]:
    """A ``width:height`` shape scaled so that its long side is the resolution's."""
    long_side = LONG_SIDE[resolution]
    if width >= height:
        return long_side, max(1, round(long_side * height / width))
    return max(1, round(long_side * width / height)), long_side


def image_path(task_id: str, index: int, *, watermark: bool = False) -> str:
    suffix = WATERMARK_SUFFIX if watermark else ""
    return f"{IMAGE_ROUTE_PREFIX}/{task_id}/{index}{suffix}.png"


# -- rendering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageRequest:
    """Everything a rendered result depends on."""

    task_id: str
    index: int
    width: int
    height: int
    prompt: str
    caption: str
    #: What the image is, shown large above the footer: "image 1 of 2", "series 2/4", "view 1 of 3".
    label: str
    watermark: bool = False
    #: The endpoint that made it ("POST /v1/images/omni-image").
    source: str = ""
    #: (left, top, width, height) of an outpainting's source inside the result: outlined in white.
    frame: tuple[int, int, int, int] | None = None


def render_png(request: ImageRequest) -> bytes:
    """A PNG of the requested size: a gradient, the prompt (wrapped), the label, the task id and the caption."""
    width, height = request.width, request.height
    digest = hashlib.sha256(f"{request.task_id}:{request.index}".encode()).digest()
    dark = (digest[0] // 4, digest[1] // 4, digest[2] // 4)
    light = (96 + digest[3] // 3, 96 + digest[4] // 3, 96 + digest[5] // 3)
    gradient = Image.linear_gradient("L").rotate(digest[6] % 4 * 90).resize((width, height))
    image = ImageOps.colorize(gradient, black=dark, white=light).convert("RGB")
    draw = ImageDraw.Draw(image)

    short_side = min(width, height)
    margin = max(8, short_side // 20)
    small_font = ImageFont.load_default(size=max(10, short_side // 36))
    prompt_font = ImageFont.load_default(size=max(12, short_side // 16))
    white = (255, 255, 255)

    if request.frame is not None:
        # Where the source sits in an outpainting result: a white outline, the new area all around it.
        left, top, inner_width, inner_height = request.frame
        draw.rectangle(
            (left, top, left + inner_width - 1, top + inner_height - 1), outline=white, width=max(2, short_side // 256)
        )

    # The id and caption at the bottom, the label above them, the prompt from the top: a glance tells images apart.
    footer = [f"task {request.task_id} · {request.label}", request.caption]
    small_height = _line_height(small_font)
    bottom = height - margin - small_height * len(footer)
    for row, text in enumerate(footer):
        draw.text((margin, bottom + row * small_height), _printable(text), font=small_font, fill=white)
    line_height = _line_height(prompt_font)
    bottom -= line_height
    draw.text((margin, bottom), _printable(request.label), font=prompt_font, fill=white)

    max_lines = max(1, (bottom - 2 * margin) // line_height)
    lines = _wrap(_printable(request.prompt), prompt_font, width - 2 * margin, max_lines)
    for row, line in enumerate(lines):
        draw.text((margin, margin + row * line_height), line, font=prompt_font, fill=white)

    if request.watermark:
        image = _watermarked(image)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL, pnginfo=_text_chunks(request))
    return buffer.getvalue()


def _text_chunks(request: ImageRequest) -> PngInfo:
    """What the image shows, as text a program reads back (``Image.open(...).text``)."""
    chunks = PngInfo()
    for key, value in (
        ("Title", request.label),
        ("Description", request.prompt),
        ("Source", request.source),
        ("Comment", request.caption),
        ("Software", "Kling emulator"),
    ):
        chunks.add_itxt(key, _printable(value))
    return chunks


def _watermarked(image: Image.Image) -> Image.Image:
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    band = image.height // 6
    top = (image.height - band) // 2
    draw.rectangle((0, top, image.width, top + band), fill=(0, 0, 0, 110))
    font = ImageFont.load_default(size=max(12, band // 2))
    text = "KLING EMULATOR · WATERMARK"
    left = max(0, (image.width - int(font.getlength(text))) // 2)
    draw.text((left, top + band // 4), text, font=font, fill=(255, 255, 255, 200))
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, max_width: int, max_lines: int) -> list[str]:
    """Greedy word wrap measured with the font; "…" ends the last line when the text is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        # A word wider than the line is cut wherever it overflows.
        while font.getlength(word) > max_width and len(word) > 1:
            cut = max(1, next(i for i in range(1, len(word) + 1) if font.getlength(word[:i]) > max_width) - 1)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
        if len(lines) > max_lines:
            break
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and font.getlength(last + "…") > max_width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


def _line_height(font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> int:
    _, top, _, bottom = font.getbbox("Hg")
    return int(bottom - top) + 4


def _printable(text: str) -> str:
    # Prompts are arbitrary JSON strings: drop control characters and lone surrogates the
    # font cannot draw; whitespace becomes plain spaces for wrapping.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(
        " " if char.isspace() else char for char in text if char.isspace() or unicodedata.category(char)[0] != "C"
    )


class ImageCache:
    """A bounded LRU of rendered PNGs, safe across threads (rendering runs in a thread pool)."""

    def __init__(self, max_entries: int) -> None:
        self._max_entries = max_entries
        self._entries: OrderedDict[ImageRequest, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get_or_render(self, request: ImageRequest, render: Callable[[ImageRequest], bytes] = render_png) -> bytes:
        with self._lock:
            cached = self._entries.get(request)
            if cached is not None:
                self._entries.move_to_end(request)
                return cached
        # Rendered outside the lock: two threads may render the same image once each, which is
        # cheaper than serialising every render.
        data = render(request)
        if self._max_entries > 0:
            with self._lock:
                self._entries[request] = data
                self._entries.move_to_end(request)
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
        return data

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def forget_task(self, task_id: str) -> None:
        with self._lock:
            for key in [key for key in self._entries if key.task_id == task_id]:
                del self._entries[key]
