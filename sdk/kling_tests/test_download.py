"""Downloads: what lands on disk (and what never does) for good, hostile and broken image hosts."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import io
import os
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from kling import DownloadError
from kling import _drivers as drivers
from kling._core import ClientCore, _Pools
from kling._download import download_flow, redact_url
from kling._retry import Timing
from kling_api import AuthenticatedClient
from kling_api.models import ImageTask
from kling_spec import load_spec
from PIL import Image

SPEC = load_spec()
MAX_REDIRECTS = 5
TEN_MB = 10 * 1024 * 1024
HTTPS = frozenset({"https"})
CDN = "https://cdn.example"


def image_bytes(image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 200, 30)).save(buffer, image_format)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


def task(
    images: list[dict[str, Any]] | None = None, *, task_id: str | None = None, example: str = "succeed"
) -> ImageTask:
    """A task from the spec's getImageTask examples, its images swapped in, still a valid answer."""
    envelope = copy.deepcopy(SPEC.examples("getImageTask", 200)[example])
    if images is not None:
        envelope["data"]["task_result"] = {"images": images}
    if task_id is not None:
        envelope["data"]["task_id"] = task_id
    assert SPEC.response_errors("getImageTask", 200, envelope) == []
    return ImageTask.from_dict(envelope["data"])


def one_image(url: str, **extra: Any) -> ImageTask:
    return task([{"index": 0, "url": url, **extra}])


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body for sync and async clients alike: chunks, then optionally a dropped connection."""

    def __init__(self, chunks: list[bytes], *, fail_after: int | None = None, repeat_last: int = 0) -> None:
        self.chunks = chunks + [chunks[-1]] * repeat_last
        self.fail_after = fail_after
        self.sent = 0

    def _chunks(self) -> Iterator[bytes]:
        for number, chunk in enumerate(self.chunks):
            if number == self.fail_after:
                raise httpx.ReadError("connection reset by peer")
            self.sent += len(chunk)
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks():
            yield chunk


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def run(
    mode: str,
    router: respx.Router,
    the_task: ImageTask,
    directory: Path,
    *,
    watermark: bool = False,
    allowed: frozenset[str] = HTTPS,
    max_bytes: int = TEN_MB,
) -> list[Path]:
    """The download flow, through the sync or the async driver, over a plain (credential-free) download client."""
    transport = httpx.MockTransport(router.handler)
    core = _core({"transport": transport, "follow_redirects": True, "max_redirects": MAX_REDIRECTS}, allowed, max_bytes)
    flow = download_flow(
        the_task,
        directory,
        watermark=watermark,
        allowed_schemes=allowed,
        max_bytes=max_bytes,
        max_redirects=MAX_REDIRECTS,
    )
    if mode == "sync":
        try:
            return drivers.run(flow, core)
        finally:
            core.pools.sync_client().close()

    async def go() -> list[Path]:
        try:
            return await drivers.run_async(flow, core)
        finally:
            await core.pools.async_client().aclose()

    return asyncio.run(go())


def _core(download_args: dict[str, Any], allowed: frozenset[str] = HTTPS, max_bytes: int = TEN_MB) -> ClientCore:
    """A client core for downloads only (the API client is never called)."""
    return ClientCore(
        api=AuthenticatedClient(base_url="https://api.invalid", token=""),
        timing=Timing(),
        max_retries=0,
        strict_capabilities=False,
        download_schemes=allowed,
        pools=_Pools(download_args),
        download_max_bytes=max_bytes,
        download_max_redirects=MAX_REDIRECTS,
    )


def files(folder: Path) -> list[str]:
    """Everything under a folder, hidden temporary files included."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# -- what works ------------------------------------------------------------------------------------------------


def test_saves_each_image_under_a_name_built_from_the_task(mode: str, tmp_path: Path) -> None:
    router = respx.Router(assert_all_called=True)
    router.get(f"{CDN}/a.png").respond(200, content=PNG)
    router.get(f"{CDN}/b").respond(200, content=JPEG, headers={"Content-Type": "application/octet-stream"})
    the_task = task([{"index": 0, "url": f"{CDN}/a.png"}, {"index": 1, "url": f"{CDN}/b"}], task_id="T1")
    target = tmp_path / "new" / "folder"

    paths = run(mode, router, the_task, target)

    # The extension comes from the bytes, not the URL; the folder is created; nothing else is left behind.
    assert paths == [target / "T1-0.png", target / "T1-1.jpg"]
    assert [p.read_bytes() for p in paths] == [PNG, JPEG]
    assert files(target) == ["T1-0.png", "T1-1.jpg"]


def test_watermark_downloads_the_watermarked_copies(mode: str, tmp_path: Path) -> None:
    router = respx.Router(assert_all_called=True)
    router.get(f"{CDN}/wm.png").respond(200, content=PNG)
    the_task = one_image(f"{CDN}/plain.png", watermark_url=f"{CDN}/wm.png")

    paths = run(mode, router, the_task, tmp_path, watermark=True)

    assert paths == [tmp_path / "783510947463159851-0.png"]


def test_watermark_without_watermark_url_is_refused_before_any_request(mode: str, tmp_path: Path) -> None:
    router = respx.Router()
    with pytest.raises(DownloadError, match="watermark_url"):
        run(mode, router, one_image(f"{CDN}/plain.png"), tmp_path, watermark=True)
    assert router.calls.call_count == 0


@pytest.mark.parametrize("example", ["submitted", "processing", "failed"])
def test_a_task_that_has_not_succeeded_is_refused(mode: str, tmp_path: Path, example: str) -> None:
    router = respx.Router()
    with pytest.raises(DownloadError, match="not 'succeed'") as caught:
        run(mode, router, task(example=example), tmp_path)
    assert example in caught.value.reason
    assert router.calls.call_count == 0
    assert files(tmp_path) == []


def test_a_succeeded_task_without_images_is_refused(mode: str, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="no images"):
        run(mode, respx.Router(), task([]), tmp_path)


def test_an_existing_file_of_the_same_name_is_replaced(mode: str, tmp_path: Path) -> None:
    (tmp_path / "783510947463159851-0.png").write_bytes(b"old")
    router = respx.Router()
    router.get(f"{CDN}/a.png").respond(200, content=PNG)

    run(mode, router, one_image(f"{CDN}/a.png"), tmp_path)

    assert (tmp_path / "783510947463159851-0.png").read_bytes() == PNG
    assert files(tmp_path) == ["783510947463159851-0.png"]


# -- names never come from outside -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task_id", "stem"),
    [
        ("../../escape", "_.._escape"),
        ("..", "task"),
        (".hidden", "hidden"),
        ("a/b\\c:d\x00e é", "a_b_c_d_e__"),
        ("x" * 500, "x" * 100),
    ],
)
def test_hostile_task_ids_give_safe_names_inside_the_folder(mode: str, tmp_path: Path, task_id: str, stem: str) -> None:
    router = respx.Router()
    router.get(f"{CDN}/a.png").respond(200, content=PNG)
    target = tmp_path / "out"
    # A cleaned id carries a short hash of the original, so that two ids never share a file.
    name = f"{stem}-{hashlib.sha256(task_id.encode()).hexdigest()[:10]}-0.png"

    paths = run(mode, router, task([{"index": 0, "url": f"{CDN}/a.png"}], task_id=task_id), target)

    assert paths == [target / name]
    assert files(tmp_path) == ["out", f"out/{name}"]


def test_a_dot_dot_url_path_does_not_name_the_file(mode: str, tmp_path: Path) -> None:
    router = respx.Router()
    router.get(url__regex=r"x\.png").respond(200, content=PNG)
    target = tmp_path / "out"

    paths = run(mode, router, one_image(f"{CDN}/a/..%2F..%2F../x.png"), target)

    assert paths == [target / "783510947463159851-0.png"]
    assert files(tmp_path) == ["out", "out/783510947463159851-0.png"]


# -- schemes and redirects -------------------------------------------------------------------------------------


def test_a_redirect_chain_is_followed(mode: str, tmp_path: Path) -> None:
    router = respx.Router(assert_all_called=True)
    router.get(f"{CDN}/start").respond(302, headers={"Location": "/middle"})
    router.get(f"{CDN}/middle").respond(301, headers={"Location": "https://other.example/final"})
    router.get("https://other.example/final").respond(200, content=PNG)

    paths = run(mode, router, one_image(f"{CDN}/start"), tmp_path)

    assert [p.read_bytes() for p in paths] == [PNG]
    assert [str(call.request.url) for call in router.calls] == [
        f"{CDN}/start",
        f"{CDN}/middle",
        "https://other.example/final",
    ]


def test_a_redirect_loop_stops(mode: str, tmp_path: Path) -> None:
    router = respx.Router()
    router.get(f"{CDN}/a").respond(302, headers={"Location": "/b"})
    router.get(f"{CDN}/b").respond(302, headers={"Location": "/a"})

    with pytest.raises(DownloadError, match="too many redirects"):
        run(mode, router, one_image(f"{CDN}/a"), tmp_path)
    assert router.calls.call_count == MAX_REDIRECTS + 1
    assert files(tmp_path) == []


@pytest.mark.parametrize("location", ["http://cdn.example/plain.png", "ftp://cdn.example/x.png", "file:///etc/passwd"])
def test_a_redirect_to_a_refused_scheme_is_never_followed(mode: str, tmp_path: Path, location: str) -> None:
    router = respx.Router()
    router.get(f"{CDN}/a").respond(302, headers={"Location": location})
    router.route().respond(200, content=PNG)

    with pytest.raises(DownloadError, match="is not allowed"):
        run(mode, router, one_image(f"{CDN}/a"), tmp_path)
    assert [str(call.request.url) for call in router.calls] == [f"{CDN}/a"]


@pytest.mark.parametrize("url", ["http://cdn.example/a.png", "ftp://cdn.example/a.png", "file:///etc/passwd"])
def test_an_image_url_with_a_refused_scheme_is_never_requested(mode: str, tmp_path: Path, url: str) -> None:
    router = respx.Router()
    router.route().respond(200, content=PNG)

    with pytest.raises(DownloadError, match="is not allowed"):
        run(mode, router, one_image(url), tmp_path)
    assert router.calls.call_count == 0


def test_http_works_when_the_caller_allows_it(mode: str, tmp_path: Path) -> None:
    router = respx.Router()
    router.get("http://127.0.0.1:8000/img/a.png").respond(200, content=PNG)

    paths = run(mode, router, one_image("http://127.0.0.1:8000/img/a.png"), tmp_path, allowed=frozenset({"http"}))

    assert [p.read_bytes() for p in paths] == [PNG]


# -- size, length, content -------------------------------------------------------------------------------------


def test_a_declared_length_over_the_cap_is_refused_before_reading(mode: str, tmp_path: Path) -> None:
    body = Body([PNG])
    router = respx.Router()
    router.get(f"{CDN}/big.png").mock(
        return_value=httpx.Response(200, headers={"Content-Length": str(TEN_MB + 1)}, stream=body)
    )

    with pytest.raises(DownloadError, match="over the 10485760-byte limit"):
        run(mode, router, one_image(f"{CDN}/big.png"), tmp_path)
    assert body.sent == 0
    assert files(tmp_path) == []


def test_a_body_over_the_cap_is_cut_off_while_streaming(mode: str, tmp_path: Path) -> None:
    chunk = 1024 * 1024
    # 10 MB + 1 byte, then far more that must never be read; no Content-Length to warn us.
    body = Body([PNG + b"\0" * (chunk - len(PNG))], repeat_last=9)
    body.chunks += [b"\0", *([b"\0" * chunk] * 100)]
    router = respx.Router()
    router.get(f"{CDN}/big.png").mock(return_value=httpx.Response(200, stream=body))

    with pytest.raises(DownloadError, match="over the 10485760-byte limit"):
        run(mode, router, one_image(f"{CDN}/big.png"), tmp_path)
    assert body.sent <= TEN_MB + 1 + chunk
    assert files(tmp_path) == []


def test_a_body_exactly_at_the_cap_is_kept(mode: str, tmp_path: Path) -> None:
    router = respx.Router()
    router.get(f"{CDN}/a.png").respond(200, content=PNG)

    paths = run(mode, router, one_image(f"{CDN}/a.png"), tmp_path, max_bytes=len(PNG))

    assert [p.read_bytes() for p in paths] == [PNG]


@pytest.mark.parametrize("declared", [len(PNG) - 1, len(PNG) + 1, "12abc", "9" * 5000])
def test_a_content_length_that_lies_leaves_no_file(mode: str, tmp_path: Path, declared: int | str) -> None:
    router = respx.Router()
    router.get(f"{CDN}/a.png").mock(
        return_value=httpx.Response(200, headers={"Content-Length": str(declared)}, stream=Body([PNG]))
    )

    with pytest.raises(DownloadError, match=r"Content-Length|limit"):
        run(mode, router, one_image(f"{CDN}/a.png"), tmp_path)
    assert files(tmp_path) == []


@pytest.mark.parametrize(
    "content", [b"<html><body>502 Bad Gateway</body></html>", b"", b"\x89PN", b"GIF89a" + b"\0" * 20]
)
def test_a_body_that_is_not_a_png_or_jpeg_leaves_no_file(mode: str, tmp_path: Path, content: bytes) -> None:
    router = respx.Router()
    router.get(f"{CDN}/a.png").respond(200, content=content)

    with pytest.raises(DownloadError, match="not a PNG or JPEG"):
        run(mode, router, one_image(f"{CDN}/a.png"), tmp_path)
    assert files(tmp_path) == []


# -- failures --------------------------------------------------------------------------------------------------


def test_a_connection_dropped_mid_stream_leaves_no_file(mode: str, tmp_path: Path) -> None:
    router = respx.Router()
    router.get(f"{CDN}/a.png").mock(return_value=httpx.Response(200, stream=Body([PNG[:10], PNG[10:]], fail_after=1)))

    with pytest.raises(DownloadError, match="connection failed") as caught:
        run(mode, router, one_image(f"{CDN}/a.png"), tmp_path)
    assert caught.value.url == f"{CDN}/a.png"
    assert files(tmp_path) == []


def test_an_earlier_complete_image_stays_when_a_later_one_fails(mode: str, tmp_path: Path) -> None:
    router = respx.Router()
    router.get(f"{CDN}/a.png").respond(200, content=PNG)
    router.get(f"{CDN}/b.png").respond(404)
    the_task = task([{"index": 0, "url": f"{CDN}/a.png"}, {"index": 1, "url": f"{CDN}/b.png"}])

    with pytest.raises(DownloadError, match="HTTP 404"):
        run(mode, router, the_task, tmp_path)
    assert files(tmp_path) == ["783510947463159851-0.png"]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (httpx.Response(403), "HTTP 403"),
        (httpx.Response(500, text="<html>oops</html>"), "HTTP 500"),
        (httpx.ConnectError("refused"), "could not connect"),
        (httpx.ReadTimeout("slow"), "timed out"),
    ],
)
def test_errors_name_the_url_without_its_signature(
    mode: str, tmp_path: Path, answer: httpx.Response | Exception, reason: str
) -> None:
    router = respx.Router()
    router.get(f"{CDN}/a.png").mock(side_effect=[answer])
    signed = "https://user:pw@cdn.example/a.png?Expires=1&Signature=SECRET-SIG#frag"

    with pytest.raises(DownloadError) as caught:
        run(mode, router, one_image(signed), tmp_path)
    assert caught.value.url == f"{CDN}/a.png"
    assert caught.value.reason.startswith(reason)
    for secret in ("SECRET-SIG", "pw", "Expires"):
        assert secret not in str(caught.value)
    assert files(tmp_path) == []


def test_an_exception_that_is_not_a_download_error_still_leaves_no_file(mode: str, tmp_path: Path) -> None:
    class Exploding(Body):
        def _chunks(self) -> Iterator[bytes]:
            yield PNG[:10]
            raise RuntimeError("a bug somewhere below")

    router = respx.Router()
    router.get(f"{CDN}/a.png").mock(return_value=httpx.Response(200, stream=Exploding([PNG])))

    with pytest.raises(RuntimeError, match="a bug"):
        run(mode, router, one_image(f"{CDN}/a.png"), tmp_path)
    assert files(tmp_path) == []


def test_a_cancelled_async_download_leaves_no_file(tmp_path: Path) -> None:
    async def go() -> None:
        first_chunk_sent = asyncio.Event()

        class Stalling(httpx.AsyncByteStream):
            async def __aiter__(self) -> AsyncIterator[bytes]:
                yield PNG[:10]
                first_chunk_sent.set()
                await asyncio.Event().wait()  # never comes
                yield PNG[10:]

        router = respx.Router()
        router.get(f"{CDN}/a.png").mock(return_value=httpx.Response(200, stream=Stalling()))
        core = _core({"transport": httpx.MockTransport(router.handler)})
        flow = download_flow(
            one_image(f"{CDN}/a.png"),
            tmp_path,
            watermark=False,
            allowed_schemes=HTTPS,
            max_bytes=TEN_MB,
            max_redirects=MAX_REDIRECTS,
        )
        async with core.pools.async_client():
            download = asyncio.create_task(drivers.run_async(flow, core))
            await first_chunk_sent.wait()
            await asyncio.sleep(0)  # let the downloader write the first chunk
            assert len(files(tmp_path)) == 1  # the temporary file exists...
            download.cancel()
            with pytest.raises(asyncio.CancelledError):
                await download

    asyncio.run(go())
    assert files(tmp_path) == []  # ...and is gone after the cancellation


def test_a_symlink_planted_at_the_final_name_is_replaced_not_followed(mode: str, tmp_path: Path) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"keep me")
    target = tmp_path / "out"
    target.mkdir()
    (target / "783510947463159851-0.png").symlink_to(outside)
    router = respx.Router()
    router.get(f"{CDN}/a.png").respond(200, content=PNG)

    [path] = run(mode, router, one_image(f"{CDN}/a.png"), target)

    assert not path.is_symlink()
    assert path.read_bytes() == PNG
    assert outside.read_bytes() == b"keep me"


def test_saved_files_get_the_usual_permissions(mode: str, tmp_path: Path) -> None:
    router = respx.Router()
    router.get(f"{CDN}/a.png").respond(200, content=PNG)
    previous = os.umask(0o022)
    try:
        [path] = run(mode, router, one_image(f"{CDN}/a.png"), tmp_path)
    finally:
        os.umask(previous)

    # Readable by others, as any file the user saves (a bare temporary file would be 0600).
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://u:p@cdn.example:8443/a/b.png?X-Signature=s#f", "https://cdn.example:8443/a/b.png"),
        ("http://[::1]:8000/img.png?token=t", "http://[::1]:8000/img.png"),
        ("not a url?secret=1", "not a url"),
        ("https://user:pw@host/x?y", "https://host/x"),
    ],
)
def test_redacted_urls_keep_where_and_drop_credentials(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    if url.startswith("http"):
        assert redact_url(httpx.URL(url)) == shown
