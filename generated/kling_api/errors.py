"""Contains shared errors types that can be raised from API functions

ResponseError                 an answer this client cannot turn into the documented type
├── UnexpectedStatus          an HTTP status the spec does not document (raise_on_unexpected_status)
└── MalformedResponse         a documented status whose body is not what the spec says
"""

import re
from collections.abc import Mapping

# A short excerpt is enough to see an HTML error page or a truncated body; a whole 10 MB body in an
# exception message is not.
EXCERPT_LENGTH = 200

# A body may echo the request's Authorization header (a misconfigured proxy): a token is never repeated.
_CREDENTIALS = re.compile(r"(?i:bearer)\s+\S+|eyJ[A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]*){0,2}")


def redact(text: str) -> str:
    """``text`` with anything that looks like a bearer token or a JWT replaced by ``[redacted]``."""
    return _CREDENTIALS.sub("[redacted]", text)


def excerpt(content: bytes, limit: int = EXCERPT_LENGTH) -> str:
    """The start of a body as printable text: decoded leniently, control characters escaped, tokens redacted."""
    text = redact(content[: limit * 4].decode("utf-8", errors="replace"))
    text = "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)
    return text[:limit] + ("..." if len(text) > limit or len(content) > limit * 4 else "")


class ResponseError(Exception):
    """An answer that is not the documented type. ``status_code`` is always there, even for an HTML page."""

    def __init__(self, status_code: int, content: bytes, problem: str, headers: Mapping[str, str] | None = None):
        self.status_code = status_code
        self.content = content
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.excerpt = excerpt(content)
        self.problem = redact(problem)
        super().__init__(f"HTTP {status_code}: {self.problem}; body starts: {self.excerpt!r}")


class UnexpectedStatus(ResponseError):
    """Raised by api functions when the response status an undocumented status and Client.raise_on_unexpected_status is True"""

    def __init__(self, status_code: int, content: bytes, headers: Mapping[str, str] | None = None):
        super().__init__(status_code, content, "undocumented status code", headers)


class MalformedResponse(ResponseError):
    """A documented status whose body is not what the spec says: not JSON, or the wrong shape or types."""

    def __init__(self, status_code: int, content: bytes, problem: str, headers: Mapping[str, str] | None = None):
        super().__init__(status_code, content, f"malformed body: {problem}", headers)


__all__ = ["MalformedResponse", "ResponseError", "UnexpectedStatus", "excerpt", "redact"]
