"""HTTP plumbing: JSON answers, the dropped connection, bounded body reads, raw paths, the base URL."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from ._constants import MAX_BODY_BYTES, MAX_HOST_CHARS
from ._errors import ApiError, ConnectionDropped, json_bytes


class JSON(JSONResponse):
    """Pure-ASCII JSON: an echoed string with a lone surrogate (valid in JSON text as an escape)
    must not make the answer unencodable."""

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


def error_response(error: ApiError) -> JSONResponse:
    return JSON(error.envelope(), status_code=error.status, headers=error.headers or None)


class AnyMethod:
    """An ASGI endpoint for every HTTP method: the spec, not the router, answers a wrong one."""

    def __init__(self, handler: Callable[[Request], Awaitable[Response]]) -> None:
        self._handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self._handler(Request(scope, receive))
        await response(scope, receive, send)


def gateway_page(status: int) -> Response:
    """What a proxy in front of the API answers on its own: an HTML page, not the API's envelope."""
    reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
    title = f"{status} {reason.get(status, 'Error')}"
    html = f"<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center><hr></body></html>\n"
    return Response(html, status_code=status, media_type="text/html")


class NoAnswer(Response):
    """For a client that is gone (it disconnected before its body arrived): nothing to send, nothing to log."""

    def __init__(self) -> None:
        super().__init__(status_code=499)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        return


class DroppedResponse(Response):
    """Starts the answer, then fails: the server aborts the connection mid-response."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
        raise ConnectionDropped("connection dropped by fault injection")


class BodyTimeout(Exception):
    """The request body did not arrive within its deadline (``body_timeout``): a slow client."""

    def __init__(self, seconds: float) -> None:
        super().__init__(timeout_message("body", seconds))
        self.seconds = seconds


def timeout_message(part: str, seconds: float) -> str:
    """What a 408 says: which part of the request did not arrive in time, and the limit."""
    return f"Request Timeout: the request {part} did not arrive within {seconds:g} s\n"


def request_timeout(error: BodyTimeout) -> Response:
    """408, then the connection is closed: the rest of the body is not waited for."""
    return PlainTextResponse(str(error), status_code=408, headers={"Connection": "close"})


async def read_body(request: Request, body_timeout: float) -> bytes:
    """The whole body, at most MAX_BODY_BYTES (400/1200 beyond), within ``body_timeout`` seconds from this
    first read (else BodyTimeout)."""
    declared = request.headers.get("content-length", "")
    # ASCII and short before int(): "²" passes isdigit(), and int() refuses more than 4300 digits.
    if declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > MAX_BODY_BYTES):
        raise ApiError(400, 1200, f"body: larger than {MAX_BODY_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    with anyio.move_on_after(body_timeout) as deadline:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise ApiError(400, 1200, f"body: larger than {MAX_BODY_BYTES} bytes")
            chunks.append(chunk)
    if deadline.cancelled_caught:
        raise BodyTimeout(body_timeout)
    return b"".join(chunks)


def raw_path(scope: Scope) -> str:
    # Matched undecoded, so an id with an encoded "/" (%2F) stays one path segment.
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else quote(scope["path"])
    root = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


#: ``host[:port]``: a DNS name or IPv4 address, or an IPv6 literal in brackets.
_HOST = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::[0-9]{1,5})?")


def base_url(request: Request) -> str:
    """Where the client reached the emulator, e.g. ``http://127.0.0.1:8765``: the start of every image URL.

    From the ``Host`` header when it is shaped like ``host[:port]`` and at most MAX_HOST_CHARS long; else the
    server's own address. Each image URL repeats it (a list answer may hold 9000 of them), and must be a URL.
    """
    host = request.headers.get("host")
    if host is None or (len(host) <= MAX_HOST_CHARS and _HOST.fullmatch(host)):
        return str(request.base_url).rstrip("/")
    scheme: str = request.scope.get("scheme", "http")
    server = request.scope.get("server") or ("localhost", None)
    name, port = str(server[0]), server[1]
    netloc = f"[{name}]" if ":" in name else name
    if port is not None and port != {"http": 80, "https": 443}.get(scheme):
        netloc += f":{port}"
    return f"{scheme}://{netloc}{request.scope.get('root_path', '')}".rstrip("/")


def header_text(value: str | None) -> str | None:
    """A header value as its sender wrote it: HTTP carries bytes, which Starlette decodes as Latin-1; UTF-8
    text (a full-width or superscript digit) is read back as such, so that a message quoting it shows what was
    sent."""
    if value is None or value.isascii():
        return value
    return value.encode("latin-1").decode("utf-8", "replace")
