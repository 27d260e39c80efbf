"""The API's error table, read from the one place that states it: ``x-kling-errors`` on the spec's ``ErrorResponse``.

Every code's HTTP status, family, retry advice, meaning and answer message. The SDK picks its exception classes
and retries from it, the emulator its answers; the prose tables of the spec are checked against it. Read at first
use and kept (``documented_errors()``), never at import::

    documented_errors()[1303]  # DocumentedError(code=1303, status=429, family='rate-limit', retryable=True, ...)
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ._spec import Spec, load_spec

#: Where the table lives: an extension of this schema.
ERRORS_SCHEMA = "ErrorResponse"
ERRORS_EXTENSION = "x-kling-errors"


@dataclass(frozen=True)
class DocumentedError:
    """One row of the error table."""

    code: int
    #: The HTTP status the API answers the code with.
    status: int
    #: What a client can do about it: auth, account, permission, invalid-request, not-found, content-policy,
    #: rate-limit or server (the spec's ``families`` define each).
    family: str
    #: Whether the same call, unchanged, may succeed later.
    retryable: bool
    #: The publisher's meaning and advice, paraphrased (the spec's prose table).
    meaning: str
    advice: str
    #: The wording of the answer's ``message``, as the spec's examples have it.
    message: str


def documented_errors(spec: Spec | None = None) -> Mapping[int, DocumentedError]:
    """Every documented error code -> its row, in the spec's order (read-only; the project's spec is read once)."""
    return _project_errors() if spec is None else _read(spec)


def error_families(spec: Spec | None = None) -> Mapping[str, str]:
    """Each family the table uses -> what it means."""
    spec = spec if spec is not None else load_spec()
    families: Mapping[str, Any] = _extension(spec)["families"]
    return MappingProxyType({str(name): str(meaning) for name, meaning in families.items()})


@functools.cache
def _project_errors() -> Mapping[int, DocumentedError]:
    return _read(load_spec())


def _extension(spec: Spec) -> Mapping[str, Any]:
    extension: Mapping[str, Any] = spec.document["components"]["schemas"][ERRORS_SCHEMA][ERRORS_EXTENSION]
    return extension


def _read(spec: Spec) -> Mapping[int, DocumentedError]:
    extension = _extension(spec)
    families = extension["families"]
    table: dict[int, DocumentedError] = {}
    for key, row in extension["codes"].items():
        if row["family"] not in families:
            raise ValueError(f"{ERRORS_EXTENSION}: code {key} names the family {row['family']!r}, not in `families`")
        if not isinstance(row["retryable"], bool):
            raise ValueError(f"{ERRORS_EXTENSION}: code {key}'s retryable is not true or false")
        table[int(key)] = DocumentedError(
            code=int(key),
            status=int(row["status"]),
            family=str(row["family"]),
            retryable=row["retryable"],
            meaning=str(row["meaning"]),
            advice=str(row["advice"]),
            message=str(row["message"]),
        )
    return MappingProxyType(table)
