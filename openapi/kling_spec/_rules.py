"""The create request: the spec's JSON schema, rules included, plus the checks that need the image's bytes.

One validator for the SDK (before sending), the emulator (on receipt) and the contract mock, so
a rule added to the spec applies to all three at once. Checked, in this order:

- every field's own constraints in the spec's ``CreateImageTaskRequest`` schema (types, enums,
  lengths, ranges, unknown keys, no ``data:`` prefix on ``image``), and every number finite (NaN
  passes every range check);
- the documented cross-field rules, stated in the same schema's ``allOf`` (one member per rule,
  with its source; see the spec): the first one broken is reported with its ``x-kling-error``;
- what JSON Schema cannot say: ``image`` is an http(s) URL with a host (never fetched; the
  project's reading of "image URL (ensure accessibility)") or Base64 of a JPG or PNG of at most
  10 MB, at least 300 px a side, aspect ratio between 1:2.5 and 2.5:1.

Empty strings count as absent for ``image`` and ``negative_prompt`` ("when the image field is
not empty"). ``image_fidelity`` and ``human_fidelity`` are accepted as the schema bounds them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ._constants import MAX_INTEGER_BITS, MAX_JSON_DEPTH
from ._images import ImageInfo, inspect_base64_image
from ._spec import RequestValidationError, Spec, check_text, load_spec

CREATE_REQUEST_SCHEMA = "CreateImageTaskRequest"


def create_request_defaults(spec: Spec | None = None) -> dict[str, Any]:
    """The documented defaults of the create request, read from the spec (``{"model_name": "kling-v3", ...}``)."""
    spec = spec if spec is not None else load_spec()
    properties = spec.document["components"]["schemas"][CREATE_REQUEST_SCHEMA]["properties"]
    return {name: schema["default"] for name, schema in properties.items() if "default" in schema}


def validate_create_body(body: Mapping[str, Any], *, spec: Spec | None = None) -> None:
    """Check a create request body; RequestValidationError(field="body.<name>", rule) on the first problem."""
    inspect_create_body(body, spec=spec)


def inspect_create_body(body: Mapping[str, Any], *, spec: Spec | None = None) -> ImageInfo | None:
    """:func:`validate_create_body`, returning the header of a Base64 ``image`` (None for a URL or none)."""
    spec = spec if spec is not None else load_spec()
    plain = _plain_json(body, "body")
    problem = spec.first_problem(plain, spec.schema_pointer(CREATE_REQUEST_SCHEMA), "body")
    if problem is not None:
        raise problem
    if not isinstance(plain, dict):  # pragma: no cover - the schema's "type: object" refused it
        raise RequestValidationError("body", "must be a JSON object")
    image: str | None = plain.get("image") or None
    return _check_image_field(image) if image else None


def _check_image_field(value: str, field: str = "body.image") -> ImageInfo | None:
    """What the schema cannot say of ``image`` (no ``data:`` prefix, it said): an http(s) URL (None: never
    fetched) or Base64 of an acceptable image (its header)."""
    if "://" in value:
        try:
            parts = urlsplit(value)
            host = parts.hostname
        except ValueError:
            raise RequestValidationError(field, "is not a valid URL") from None
        if parts.scheme.lower() not in ("http", "https") or not host:
            raise RequestValidationError(field, "a URL must be http(s) with a host")
        return None
    try:
        return inspect_base64_image(value)
    except ValueError as error:
        raise RequestValidationError(field, str(error)) from None


def _plain_json(value: Any, where: str, depth: int = 1) -> Any:
    """The body as plain JSON types (dicts, lists), so the schema sees what would be sent.

    Refuses what JSON cannot carry: NaN and infinities, non-string keys; and what no field of the API
    takes, before it can crash a check: nesting beyond MAX_JSON_DEPTH (or a structure containing itself),
    integers beyond MAX_INTEGER_BITS (one of 5000 digits cannot even be quoted in a message).
    """
    if isinstance(value, Mapping | list | tuple) and depth > MAX_JSON_DEPTH:
        raise RequestValidationError(where, f"is nested more than {MAX_JSON_DEPTH} levels deep")
    if isinstance(value, Mapping):
        plain: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise RequestValidationError(where, f"has a non-string key {key!r:.40}")
            check_text(key, where)
            plain[key] = _plain_json(item, f"{where}.{key}", depth + 1)
        return plain
    if isinstance(value, list | tuple):
        return [_plain_json(item, f"{where}.{index}", depth + 1) for index, item in enumerate(value)]
    if isinstance(value, str):
        check_text(value, where)
    if isinstance(value, float) and not math.isfinite(value):
        raise RequestValidationError(where, f"must be a finite number, got {value}")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() >= MAX_INTEGER_BITS:
        raise RequestValidationError(where, f"is an integer out of range (beyond {MAX_INTEGER_BITS} bits)")
    return value
