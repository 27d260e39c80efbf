"""The caller's arguments, checked before anything is sent: each a ValidationError naming the argument and the rule.

Shared by the sync and async resources (``_resources``), so an argument rule is written once.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import httpx
import kling_spec
from kling_api.models import CreateImageTaskRequest, ImageTaskCallback
from kling_api.types import UNSET, Unset

from ._constants import DEFAULT_WAIT_DEADLINE, DOWNLOAD_DEADLINE_SECONDS
from ._core import CallOptions, longest
from ._errors import ValidationError
from ._requests import build_create_request, check_task_id, with_external_task_id


def call_options(
    timeout: Any,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, Any] | None,
    extra_body: Mapping[str, Any] | None = None,
) -> CallOptions:
    """A call's per-request options, checked: a timeout httpx takes, string headers, JSON-safe query and body."""
    if not isinstance(timeout, Unset):
        check_http_timeout(timeout)
    if extra_headers is not None and (
        not isinstance(extra_headers, Mapping)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in extra_headers.items())
    ):
        raise ValidationError("extra_headers", "must be a mapping of header names to string values")
    for name, value in (("extra_query", extra_query), ("extra_body", extra_body)):
        if value is None:
            continue
        if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
            raise ValidationError(name, "must be a mapping with string keys")
        try:
            json.dumps(dict(value), allow_nan=False)
        except (TypeError, ValueError, RecursionError) as error:
            raise ValidationError(name, f"is not JSON data ({type(error).__name__})") from None
    if timeout is UNSET and extra_headers is None and extra_query is None and extra_body is None:
        return _NONE
    return CallOptions(timeout, extra_headers, extra_query, extra_body)


_NONE = CallOptions()


def check_http_timeout(timeout: object, name: str = "timeout") -> None:
    """An HTTP timeout: None (no limit), an httpx.Timeout, or a finite number of seconds above 0."""
    if timeout is None or isinstance(timeout, httpx.Timeout):
        return
    if not isinstance(timeout, int | float) or isinstance(timeout, bool):
        raise ValidationError(name, f"must be seconds or an httpx.Timeout, got {type(timeout).__name__}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise ValidationError(name, f"must be a finite number of seconds above 0, got {timeout!r}")


def deadline_seconds(deadline: object, deprecated_timeout: object, method: str) -> float:
    """A wait's deadline: ``deadline=``, or the deprecated ``timeout=`` (which meant the same) with a warning.

    A finite number of seconds, 0 for a single poll (NaN or infinity would wait forever).
    """
    if not isinstance(deprecated_timeout, Unset):
        if deadline is not None:
            raise ValidationError("timeout", "give deadline= only (timeout= is its deprecated name)")
        warnings.warn(
            f"{method}(timeout=...) is the wait's deadline: use deadline=. timeout= means the HTTP timeout of one "
            "request everywhere else (set it for a wait with client.with_options(timeout=...)).",
            DeprecationWarning,
            stacklevel=4,
        )
        deadline, name = deprecated_timeout, "timeout"
    else:
        deadline, name = DEFAULT_WAIT_DEADLINE if deadline is None else deadline, "deadline"
    if not isinstance(deadline, int | float) or isinstance(deadline, bool):
        raise ValidationError(name, f"must be a number of seconds, got {type(deadline).__name__}")
    if not math.isfinite(deadline) or deadline < 0:
        raise ValidationError(name, f"must be a finite number of seconds, 0 or more, got {deadline!r}")
    return float(deadline)


def create_request(
    prompt: str | CreateImageTaskRequest, fields: Mapping[str, Any], *, strict_capabilities: bool
) -> tuple[CreateImageTaskRequest, str]:
    """The request the arguments describe, checked, with its external_task_id (the caller's, or a fresh one)."""
    return with_external_task_id(build_create_request(prompt, fields, strict_capabilities=strict_capabilities))


def batch_requests(
    items: Iterable[object], fields: Mapping[str, Any], *, build: Callable[[object, Mapping[str, Any]], Any]
) -> list[Any]:
    """Every item of a batch as a checked request (``build(item, fields)``, with its external_task_id); one bad item
    refuses the whole batch before anything is sent."""
    if isinstance(items, str | bytes):
        # A string is an iterable of one-character prompts: one paid task per character.
        raise ValidationError("items", "must be a list of prompts or requests, not a single string")
    requests = []
    for index, item in enumerate(items):
        try:
            # Each item gets its external_task_id now, so every result names a task the caller can look up.
            requests.append(build(item, fields))
        except ValidationError as error:
            field = f"items[{index}].{error.field}" if error.field else f"items[{index}]"
            raise ValidationError(field, error.rule) from None
    return requests


def task_id(value: object) -> str:
    return check_task_id(value, "task_id")


def download_folder(directory: object) -> Path:
    """The folder to save into: ``~`` expanded to the home folder (explicitly: a folder named ``~`` is never
    created), an empty path or one holding NUL refused."""
    if not isinstance(directory, str | os.PathLike):
        raise ValidationError("directory", f"must be a folder path, got {type(directory).__name__}")
    text = os.fspath(directory)
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("directory", 'is empty: name the folder to save into ("." for the current one)')
    if "\0" in text:
        raise ValidationError("directory", "holds a NUL character, which no file system takes")
    try:
        return Path(text).expanduser()
    except RuntimeError:  # no home folder to expand ~ into
        raise ValidationError("directory", "starts with ~ but this user has no home folder") from None


def seconds_per_image(timeout: object) -> float | None:
    """A download's ``timeout``: how long each image may take (seconds, an httpx.Timeout's longest part, None)."""
    if isinstance(timeout, Unset):
        return DOWNLOAD_DEADLINE_SECONDS
    check_http_timeout(timeout)
    return longest(timeout)  # type: ignore[arg-type]


def callback_task_id(callback: object) -> str:
    if not isinstance(callback, ImageTaskCallback):
        raise ValidationError("callback", "must be an ImageTaskCallback: parse the body with kling.parse_callback")
    return callback.task_id


def page(page: object, page_size: object, path: str) -> tuple[int, int]:
    """The list query of ``path``, checked against the spec's parameter limits (pageNum, pageSize) before sending."""
    for name, value in (("page", page), ("page_size", page_size)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(name, f"must be an integer, got {type(value).__name__}")
        if value.bit_length() >= 64:
            # str() of an int of more than 4300 digits raises ValueError: refuse it before converting.
            raise ValidationError(name, "is an integer out of range (beyond 64 bits)")
    query = {"pageNum": str(page), "pageSize": str(page_size)}
    try:
        kling_spec.load_spec().validate_request("GET", path, query=query)
    except kling_spec.RequestValidationError as error:
        field = {"query.pageNum": "page", "query.pageSize": "page_size"}.get(error.field, error.field)
        raise ValidationError(field, error.rule) from None
    assert isinstance(page, int)
    assert isinstance(page_size, int)
    return page, page_size
