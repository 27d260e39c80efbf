"""Contains some shared types for properties"""

from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar
from urllib.parse import quote

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus | int
    """ An ``HTTPStatus`` when the code is a registered one, else the plain int (499, 520, ...). """
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


@define(frozen=True)
class RequestOptions:
    """Options of one request, taken by every endpoint function (``request_options=``); the shared client is left
    as it is.

    ``timeout`` replaces the client's for this request (an ``httpx.Timeout``, seconds, or None for no limit);
    ``extra_headers`` and ``extra_query`` are added to the request's own (and win over them); ``extra_body``
    is merged into the JSON body after the documented fields, so a field this client does not know yet can be
    sent today; ``extensions`` are httpx request extensions (a transport's or an event hook's per-request data).
    """

    timeout: Any = UNSET
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, Any] | None = None
    extra_body: Mapping[str, Any] | None = None
    extensions: Mapping[str, Any] | None = None


def apply_request_options(kwargs: dict[str, Any], options: "RequestOptions | None") -> dict[str, Any]:
    """The ``httpx`` request arguments of an endpoint, with ``options`` applied."""
    if options is None:
        return kwargs
    if not isinstance(options.timeout, Unset):
        kwargs["timeout"] = options.timeout
    if options.extra_headers:
        kwargs["headers"] = {**kwargs.get("headers", {}), **options.extra_headers}
    if options.extra_query:
        kwargs["params"] = {**kwargs.get("params", {}), **options.extra_query}
    if options.extra_body:
        body = kwargs.get("json")
        if body is not None and not isinstance(body, dict):
            raise ValueError("extra_body needs a JSON object body")
        kwargs["json"] = {**(body or {}), **options.extra_body}
    if options.extensions:
        kwargs["extensions"] = {**kwargs.get("extensions", {}), **options.extensions}
    return kwargs


def http_status(code: int) -> HTTPStatus | int:
    """The ``HTTPStatus`` of a registered code; the code itself for one outside the registry."""
    try:
        return HTTPStatus(code)
    except ValueError:
        return code


# -- Customised: strict parsing. A model is either fully parsed or not at all: a JSON value of the wrong
# type raises ParseError (a ValueError) naming the field, instead of being kept under the model's type.

# The API documents 64-bit integers (timestamps in ms); anything beyond is not a value it sends.
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class ParseError(ValueError):
    """A JSON value that does not match the spec's schema. ``path`` says where (``data.created_at``)."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        # Bounded: a problem may quote the hostile value itself (a huge array in an enum field).
        self.problem = problem if len(problem) <= 200 else problem[:200] + "..."
        super().__init__(f"{path}: {problem}" if path else problem)

    @classmethod
    def at(cls, name: str, error: Exception) -> "ParseError":
        """The same problem, one level up: ``created_at`` inside ``data`` becomes ``data.created_at``."""
        if isinstance(error, ParseError):
            return cls(f"{name}.{error.path}" if error.path else name, error.problem)
        if isinstance(error, KeyError):
            return cls(name, f"missing field {error}")
        return cls(name, str(error) or "unexpected JSON type")


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def expect_object(value: object, name: str = "") -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ParseError(name, f"expected an object, got {_json_type(value)}")
    return value


def expect_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ParseError(name, f"expected a string, got {_json_type(value)}")
    return value


def expect_int(value: object, name: str) -> int:
    # bool is an int in Python, not in JSON. 2.0 is an integer in JSON Schema, so it parses (as 2); 2.5 does not.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParseError(name, f"expected an integer, got {_json_type(value)}")
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise ParseError(name, "integer out of the 64-bit range")
    return value


def expect_float(value: object, name: str) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ParseError(name, f"expected a number, got {_json_type(value)}")
    if value != value or value in (float("inf"), float("-inf")):
        raise ParseError(name, "expected a finite number")
    return value


def expect_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ParseError(name, f"expected a boolean, got {_json_type(value)}")
    return value


def expect_none(value: object, name: str) -> None:
    if value is not None:
        raise ParseError(name, f"expected null, got {_json_type(value)}")
    return value


def encode_path_parameter(name: str, value: object) -> str:
    """A path parameter, percent-encoded into one segment that reaches the server byte for byte.

    Raises ValueError for a value that would change the path instead: ``""`` leaves the segment empty, and
    HTTP clients resolve ``.`` and ``..`` (httpx does, after quoting) so they would address another resource.
    """
    text = str(value)
    if text in ("", ".", ".."):
        raise ValueError(f"path parameter {name} must not be {text!r}: it would address another resource")
    try:
        return quote(text, safe="")
    except UnicodeEncodeError:
        raise ValueError(f"path parameter {name} is not valid Unicode text (it holds a lone surrogate)") from None


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "ParseError",
    "RequestFiles",
    "RequestOptions",
    "Response",
    "Unset",
    "apply_request_options",
    "encode_path_parameter",
    "expect_bool",
    "expect_float",
    "expect_int",
    "expect_none",
    "expect_object",
    "expect_str",
    "http_status",
]
