"""The API's answers: the documented envelope, and the errors that become one."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from kling_spec import documented_errors

from ._constants import MAX_ECHOED_CHARS, MAX_MESSAGE_CHARS, SUCCESS_MESSAGE


def echo(value: str) -> str:
    """A value the client sent, as an error message quotes it: its first MAX_ECHOED_CHARS characters."""
    return value if len(value) <= MAX_ECHOED_CHARS else value[:MAX_ECHOED_CHARS] + "…"


class ApiError(Exception):
    """An answer other than success: HTTP status, API code and message, as the envelope carries them.

    A message longer than MAX_MESSAGE_CHARS is cut: whatever it quotes, an error answer stays small.
    """

    def __init__(self, status: int, code: int, message: str, *, headers: dict[str, str] | None = None) -> None:
        if len(message) > MAX_MESSAGE_CHARS:
            message = message[:MAX_MESSAGE_CHARS] + "…"
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        #: Headers the answer carries besides the envelope's (``Retry-After`` of a rate limit).
        self.headers = dict(headers or {})

    @classmethod
    def from_code(cls, code: int, detail: str | None = None) -> ApiError:
        """The documented status and message for ``code`` (the spec's ``x-kling-errors``), with ``detail``
        appended when given."""
        documented = documented_errors()[code]
        message = documented.message
        return cls(documented.status, code, f"{message}: {detail}" if detail else message)

    @classmethod
    def invalid(cls, field: str, rule: str) -> ApiError:
        """400/1201 naming the offending field, like ``body.image: must not ...``."""
        return cls(400, 1201, f"{field}: {rule}")

    def envelope(self) -> dict[str, Any]:
        return envelope(self.code, self.message, None)


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised by the app when a ``drop`` fault is injected.

    Over a real socket the server aborts the connection and the client sees its own transport
    error. In process (``httpx.ASGITransport`` re-raises app exceptions) the client gets this
    one, which is an ``httpx.TransportError`` too, so retry logic is exercised the same way.
    """


def envelope(code: int, message: str, data: Any) -> dict[str, Any]:
    """``{"code", "message", "request_id", "data"}``, with a fresh request id."""
    return {"code": code, "message": message, "request_id": str(uuid.uuid4()), "data": data}


def json_bytes(content: Any) -> bytes:
    """Compact, pure-ASCII JSON (escapes keep even a lone surrogate encodable)."""
    return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def success(data: Any) -> dict[str, Any]:
    return envelope(0, SUCCESS_MESSAGE, data)
