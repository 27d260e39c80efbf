"""A request body: the spec's JSON schema, rules included, plus the checks that need the image's bytes.

One validator for the SDK (before sending), the emulator (on receipt) and the contract mock, so
a rule added to the spec applies to all three at once. Every request body of the spec is checked
the same way (``validate_request_body(body, "CreateOmniImageTaskRequest")``, or the operationId);
the create request of ``/v1/images/generations`` is the default of the older names
(``validate_create_body``). Checked, in this order:

- every field's own constraints in the request's schema (types, enums, lengths, ranges, unknown
  keys, no ``data:`` prefix where the docs say so), and every number finite (NaN passes every
  range check);
- the documented cross-field rules, stated in the same schema's ``allOf`` (one member per rule,
  with its source; see the spec): the first one broken is reported with its ``x-kling-error``;
- what JSON Schema cannot say of an image input (a field marked ``x-kling-image-input``): an
  http(s) URL with a host (never fetched; the project's reading of "image URL (ensure
  accessibility)") or Base64 of a JPG or PNG of at most 10 MB, at least 300 px a side, aspect ratio
  between 1:2.5 and 2.5:1;
- the documented rules JSON Schema cannot state, the schema's ``x-kling-rules`` (the outpainting
  area, a ledger's time window): the first one broken.

Empty strings count as absent for ``image`` and ``negative_prompt`` ("when the image field is
not empty"). ``image_fidelity`` and ``human_fidelity`` are accepted as the schema bounds them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ._checks import rule_problems
from ._constants import MAX_INTEGER_BITS, MAX_JSON_DEPTH
from ._images import ImageInfo, inspect_base64_image
from ._schemas import image_input_fields, image_inputs, request_schema, request_schema_name
from ._spec import RequestValidationError, Spec, check_text, load_spec

CREATE_REQUEST_SCHEMA = "CreateImageTaskRequest"


def create_request_defaults(spec: Spec | None = None, *, schema: str = CREATE_REQUEST_SCHEMA) -> dict[str, Any]:
    """The documented defaults of a request, read from the spec (``{"model_name": "kling-v3", ...}``); ``schema``
    names the request's schema or operation (default: the create request of ``/v1/images/generations``)."""
    spec = spec if spec is not None else load_spec()
    properties = request_schema(schema, spec).get("properties", {})
    return {name: prop["default"] for name, prop in properties.items() if "default" in prop}


def validate_create_body(
    body: Mapping[str, Any], *, spec: Spec | None = None, schema: str = CREATE_REQUEST_SCHEMA
) -> None:
    """Check a create request body; RequestValidationError(field="body.<name>", rule) on the first problem.
    ``schema`` names the request's schema or operation (default: ``CreateImageTaskRequest``)."""
    inspect_request_body(body, schema=schema, spec=spec)


def validate_request_body(body: Mapping[str, Any], schema: str, *, spec: Spec | None = None) -> None:
    """Check any request body of the spec, ``schema`` naming its schema or operation
    (``validate_request_body(body, "createExpandImageTask")``); RequestValidationError on the first problem."""
    inspect_request_body(body, schema=schema, spec=spec)


def inspect_create_body(
    body: Mapping[str, Any], *, spec: Spec | None = None, schema: str = CREATE_REQUEST_SCHEMA
) -> ImageInfo | None:
    """:func:`validate_create_body`, returning the header of the first Base64 image input (the create request's
    ``image``; None for a URL or none)."""
    found = inspect_request_body(body, schema=schema, spec=spec)
    return next(iter(found.values()), None)


def inspect_request_body(
    body: Mapping[str, Any], *, schema: str = CREATE_REQUEST_SCHEMA, spec: Spec | None = None
) -> dict[str, ImageInfo]:
    """:func:`validate_request_body`, returning the header of each Base64 image input by field
    (``{"body.image_list.1.image": ImageInfo(...)}``; URLs are never fetched, so never listed)."""
    spec = spec if spec is not None else load_spec()
    name = request_schema_name(schema, spec=spec)
    plain = _plain_json(body, "body")
    problem = spec.first_problem(plain, spec.schema_pointer(name), "body")
    if problem is not None:
        raise problem
    if not isinstance(plain, dict):  # pragma: no cover - the schema's "type: object" refused it
        raise RequestValidationError("body", "must be a JSON object")
    found: dict[str, ImageInfo] = {}
    for field, value in image_inputs(plain, image_input_fields(name, spec=spec)):
        if isinstance(value, str) and value:  # empty counts as absent; the schema refused other types
            info = _check_image_field(value, field)
            if info is not None:
                found[field] = info
    sizes = {field: (info.width, info.height) for field, info in found.items()}
    broken = rule_problems(plain, schema=name, spec=spec, image_sizes=sizes)
    if broken:
        raise broken[0]
    return found


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
