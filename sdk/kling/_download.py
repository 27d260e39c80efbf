"""Downloading a task's images: streamed to a temporary file, checked, then renamed into place.

What a download promises:

- only a ``succeed`` task with images is downloaded; anything else is a :class:`DownloadError`;
- every URL, and every redirect hop, must use an allowed scheme (https, or the base URL's scheme): hops are
  followed here, one by one, so a refused hop is never requested;
- file names are built here, never from the URL: ``{task_id}-{index}.png`` (or ``.jpg``; a series' images
  ``{task_id}-series-{index}``, a multi-shot's views ``{task_id}-{set}-view-{1..3}``), the task id reduced
  to ``[A-Za-z0-9._-]``, no leading dot, bounded length; the extension comes from the bytes (PNG or JPEG
  signature), so an HTML error page saved under ``.png`` cannot happen;
- the size cap holds on ``Content-Length`` up front and while streaming; a body shorter or longer than its
  ``Content-Length`` is refused;
- a partial file never has the final name: each image goes to a hidden temporary file in the target folder and
  is renamed with :func:`os.replace` (atomic, replacing an older file of the same name) once complete; the
  temporary file is removed on any failure. Images already saved before a failure stay (they are complete);
- errors name the URL without its query string (signed URLs carry credentials) and say why.

The download client (the drivers') carries no Kling credentials: the JWT never goes to the image host. The rules
are written once, as a flow (``download_flow``, see ``_effects``), for the sync and the async client alike.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final

import httpx
import kling_auth
import kling_spec
from kling_api.models import TaskStatus
from kling_api.types import Unset

from ._constants import DOWNLOAD_DEADLINE_SECONDS, DOWNLOAD_MAX_NAME_LENGTH
from ._effects import CloseStream, Flow, OpenStream, ReadChunk, Stream
from ._endpoints import IMAGES, Picture, Task
from ._errors import DownloadError, MalformedResponseError, inert

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE: Final = b"\xff\xd8\xff"
_SNIFF_BYTES: Final = len(_PNG_SIGNATURE)
_UNSAFE_NAME_CHARS: Final = re.compile(r"[^A-Za-z0-9._-]")
_CONTENT_LENGTH: Final = re.compile(r"[0-9]{1,19}")
_URL_TEXT_LIMIT: Final = 200
#: Hex characters of the id's hash appended to a file stem when the id had to be cleaned.
_ID_HASH_CHARS: Final = 10


@dataclass(frozen=True)
class _PlannedImage:
    url: str
    stem: str


def safe_file_stem(task_id: str) -> str:
    """``task_id`` made safe as the start of a file name: ``[A-Za-z0-9._-]`` only, no leading dot, bounded.

    An id that had to change gets a short hash of the original appended, so two ids never share a name
    (``a/b`` and ``a?b`` both clean to ``a_b``: their files are ``a_b-<hash>-0.png``, each its own).
    """
    stem = _UNSAFE_NAME_CHARS.sub("_", task_id).lstrip(".")[:DOWNLOAD_MAX_NAME_LENGTH]
    if stem == task_id:
        return stem
    digest = hashlib.sha256(task_id.encode("utf-8", "surrogatepass")).hexdigest()[:_ID_HASH_CHARS]
    return f"{stem or 'task'}-{digest}"


def redact_url(url: httpx.URL | str) -> str:
    """A URL fit for an error message: no user info, query string or fragment (signed URLs carry secrets)."""
    if isinstance(url, httpx.URL):
        port = f":{url.port}" if url.port is not None else ""
        path = url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")
        host = f"[{url.host}]" if ":" in url.host else url.host
        text = f"{url.scheme}://{host}{port}{path}" if host else f"{url.scheme}:{path}"
    else:
        text = re.split(r"[?#]", url, maxsplit=1)[0]
        text = re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", r"\1", text)
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= _URL_TEXT_LIMIT else text[:_URL_TEXT_LIMIT] + "..."


def _check_url(url: httpx.URL, allowed_schemes: frozenset[str]) -> None:
    if url.scheme not in allowed_schemes:
        allowed = ", ".join(sorted(allowed_schemes)) or "none"
        raise DownloadError(redact_url(url), f"scheme {url.scheme or '(none)'!r} is not allowed (allowed: {allowed})")
    if not url.host:
        raise DownloadError(redact_url(url), "the URL has no host")


def _parse_url(raw: str, allowed_schemes: frozenset[str]) -> httpx.URL:
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise DownloadError(redact_url(raw), "not a valid URL") from None
    _check_url(url, allowed_schemes)
    return url


def _highest_image_number() -> int:
    """The highest image number the spec allows (``ImageResult.index``): 9."""
    schemas = kling_spec.load_spec().document["components"]["schemas"]
    return int(schemas["ImageResult"]["properties"]["index"]["maximum"])


def _plan(
    task: Task, pictures: list[Picture], most: int, *, watermark: bool, allowed_schemes: frozenset[str]
) -> list[_PlannedImage]:
    """What to fetch and under which name; refuses (before any request) a task with nothing safe to fetch."""
    stem = safe_file_stem(task.task_id)
    what = f"task {stem}"
    if task.task_status != TaskStatus.SUCCEED:
        raise DownloadError(what, f"the task is {task.task_status.value!r}, not 'succeed': no images yet")
    if not pictures:
        raise DownloadError(what, "the task succeeded but lists no images")
    # What the spec allows a task to hold, checked before a file is written: a hostile answer listing a
    # thousand images must not become a thousand files.
    highest = _highest_image_number()
    if len(pictures) > most:
        raise MalformedResponseError(
            f"task {stem} lists {len(pictures)} images; a task holds at most {most}", http_status=200
        )
    for picture in pictures:
        number = picture.number
        if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= highest:
            raise MalformedResponseError(
                f"task {stem} numbers an image {inert(number, 40)}; images are numbered 0 to {highest}",
                http_status=200,
            )
    # The API numbers images 0-9; its number names the file when the numbers are distinct among the images of the
    # same kind (a series, a view), else the position does.
    names = {(p.group, p.view) for p in pictures}
    distinct = all(
        len({p.number for p in pictures if (p.group, p.view) == kind})
        == len([p for p in pictures if (p.group, p.view) == kind])
        for kind in names
    )
    planned: list[_PlannedImage] = []
    for position, picture in enumerate(pictures):
        if watermark:
            if isinstance(picture.watermark_url, Unset) or not picture.watermark_url:
                raise DownloadError(what, f"image {position} has no watermark_url (was watermark_info enabled?)")
            raw = picture.watermark_url
        else:
            raw = picture.url
        if not isinstance(raw, str):
            raise DownloadError(what, f"image {position} has no URL")
        _parse_url(raw, allowed_schemes)
        number = picture.number if distinct else position
        planned.append(_PlannedImage(url=raw, stem=f"{stem}-{picture.group}{number}{picture.view}"))
    return planned


def _prepare_folder(directory: str | os.PathLike[str]) -> Path:
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DownloadError(str(folder), f"cannot create the folder: {error.strerror or error}") from error
    return folder


def _transport_reason(error: httpx.HTTPError) -> str:
    # A fixed phrase per kind: httpx messages may quote a Location header, query string and all.
    if isinstance(error, kling_auth.AnswerTooLargeError):
        return f"the image is over the {error.limit}-byte limit (received or decoded)"
    if isinstance(error, httpx.DecodingError):
        return "the image's Content-Encoding could not be decoded"
    if isinstance(error, httpx.TooManyRedirects):
        return "too many redirects"
    if isinstance(error, httpx.TimeoutException):
        return f"timed out ({type(error).__name__})"
    if isinstance(error, httpx.ConnectError):
        return "could not connect"
    if isinstance(error, httpx.RemoteProtocolError):
        return "the server broke the HTTP protocol (bad redirect or truncated body)"
    if isinstance(error, httpx.NetworkError):
        return f"the connection failed ({type(error).__name__})"
    return f"transport error ({type(error).__name__})"


def _declared_length(response: httpx.Response, url: str, max_bytes: int) -> int | None:
    """The Content-Length, checked against the cap before a byte of the body is read."""
    raw = response.headers.get("Content-Length")
    if raw is None:
        return None
    if not _CONTENT_LENGTH.fullmatch(raw.strip()):
        raise DownloadError(url, "invalid Content-Length header")
    declared = int(raw.strip())
    if declared > max_bytes:
        raise DownloadError(url, f"the image is {declared} bytes, over the {max_bytes}-byte limit")
    return declared


def _check_answer(response: httpx.Response, url: str, max_bytes: int) -> int | None:
    if response.status_code != httpx.codes.OK:
        raise DownloadError(url, f"HTTP {response.status_code}")
    return _declared_length(response, url, max_bytes)


class _ImageFile:
    """One image on its way to disk: a hidden temporary file beside its final name, renamed when complete.

    Every method is synchronous and quick (a local write of one chunk).
    """

    def __init__(self, folder: Path, stem: str, url: str, max_bytes: int) -> None:
        self._folder, self._stem, self._url, self._max_bytes = folder, stem, url, max_bytes
        self._head = b""
        self._size = 0
        self._extension: str | None = None
        self._temp = folder / f".{stem}.{secrets.token_hex(8)}.part"
        # O_EXCL: never reuse (or follow a planted symlink at) an existing path; mode 0o666 honours the umask.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
        try:
            self._fd: int | None = os.open(self._temp, flags, 0o666)
        except OSError as error:
            raise DownloadError(url, f"cannot write in {folder}: {error.strerror or error}") from error

    def __enter__(self) -> _ImageFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if kind is not None:
            self.discard()

    @property
    def size(self) -> int:
        return self._size

    def write(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self._max_bytes:
            raise DownloadError(self._url, f"the image is over the {self._max_bytes}-byte limit")
        if self._extension is None and len(self._head) < _SNIFF_BYTES:
            self._head += chunk[: _SNIFF_BYTES - len(self._head)]
            if len(self._head) == _SNIFF_BYTES:
                self._extension = self._sniff()
        assert self._fd is not None, "write() after commit() or discard()"
        view = memoryview(chunk)
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError as error:
            raise DownloadError(self._url, f"cannot write the file: {error.strerror or error}") from error

    def _sniff(self) -> str:
        if self._head.startswith(_PNG_SIGNATURE):
            return ".png"
        if self._head.startswith(_JPEG_SIGNATURE):
            return ".jpg"
        raise DownloadError(self._url, "the body is not a PNG or JPEG image")

    def commit(self, received: int, declared: int | None) -> Path:
        """Checks the length, closes, and renames into place; the final path."""
        if declared is not None and received != declared:
            raise DownloadError(self._url, f"got {received} bytes, Content-Length said {declared}")
        extension = self._extension or self._sniff()
        final = self._folder / f"{self._stem}{extension}"
        try:
            self._close()
            os.replace(self._temp, final)
        except OSError as error:
            raise DownloadError(self._url, f"cannot save {final}: {error.strerror or error}") from error
        return final

    def discard(self) -> None:
        self._close()
        self._temp.unlink(missing_ok=True)

    def _close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


def _received(response: httpx.Response, image: _ImageFile) -> int:
    """Bytes that came over the wire; a response built with its body already in memory (an
    httpx.MockTransport answer) counts none, and then what was written is what came."""
    return response.num_bytes_downloaded or image.size


# -- the flow (driven by _drivers; see _effects) ----------------------------------------------------------------


def download_flow(
    task: Task,
    directory: str | os.PathLike[str],
    *,
    watermark: bool,
    allowed_schemes: frozenset[str],
    max_bytes: int,
    max_redirects: int,
    seconds_per_image: float | None = DOWNLOAD_DEADLINE_SECONDS,
    pictures: list[Picture] | None = None,
    most: int | None = None,
) -> Flow[list[Path]]:
    """Saves every image of a succeeded task into ``directory`` (created if missing); the paths, in order.

    ``pictures`` are the task's images as its endpoint lists them (default: an ImageTask's ``images``), at most
    ``most`` of them. Each image, redirects included, must arrive within ``seconds_per_image`` (None: no limit)."""
    if pictures is None:
        pictures, most = IMAGES.pictures(task), IMAGES.most_pictures  # type: ignore[arg-type]
    planned = _plan(
        task,
        pictures,
        IMAGES.most_pictures if most is None else most,
        watermark=watermark,
        allowed_schemes=allowed_schemes,
    )
    folder = _prepare_folder(directory)
    paths: list[Path] = []
    for image in planned:
        deadline = None if seconds_per_image is None else time.monotonic() + seconds_per_image
        paths.append((yield from _download_one(image, folder, allowed_schemes, max_bytes, max_redirects, deadline)))
    return paths


def _download_one(
    image: _PlannedImage,
    folder: Path,
    allowed_schemes: frozenset[str],
    max_bytes: int,
    max_redirects: int,
    deadline: float | None,
) -> Flow[Path]:
    url: httpx.URL | None = _parse_url(image.url, allowed_schemes)
    request: httpx.Request | None = None
    hops = 0
    while True:
        shown = redact_url(request.url if request is not None else url or "")
        try:
            stream: Stream = yield OpenStream(url=url, request=request, deadline=deadline)
        except httpx.HTTPError as error:
            raise DownloadError(shown, _transport_reason(error)) from error
        # An error from here on leaves the stream open: the driver closes what a flow leaves open.
        next_request = stream.response.next_request
        if next_request is None:
            path = yield from _save(stream, image.stem, folder, shown, max_bytes)
            yield CloseStream(stream)
            return path
        yield CloseStream(stream)
        url, request = None, next_request
        hops += 1
        if hops > max_redirects:
            raise DownloadError(shown, f"too many redirects (more than {max_redirects})")
        _check_url(request.url, allowed_schemes)


def _save(stream: Stream, stem: str, folder: Path, url: str, max_bytes: int) -> Flow[Path]:
    declared = _check_answer(stream.response, url, max_bytes)
    # The file work stays in the flow: each write is a quick local one, and cancelling the async driver throws
    # into the flow here, so the temporary file is removed by the same rule as any other failure.
    with _ImageFile(folder, stem, url, max_bytes) as image:
        while True:
            try:
                chunk: bytes | None = yield ReadChunk(stream)
            except httpx.HTTPError as error:
                raise DownloadError(url, _transport_reason(error)) from error
            if chunk is None:
                break
            image.write(chunk)
        return image.commit(_received(stream.response, image), declared)


__all__ = ["download_flow", "redact_url", "safe_file_stem"]
