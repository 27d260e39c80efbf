"""The create request: its JSON schema plus the documented rules the schema cannot express.

One validator for the SDK (before sending), the emulator (on receipt) and the contract mock, so
a rule added here applies to all three at once. Checked, in this order:

- the spec's ``CreateImageTaskRequest`` schema (types, enums, lengths, ranges, unknown keys),
  and every number finite (NaN passes every range check);
- ``negative_prompt`` is not supported together with ``image`` (image-to-image);
- ``image_reference`` needs ``image``, and only kling-v1-5 supports it;
- kling-v1-5 with ``image`` needs ``image_reference``;
- kling-v2-new (restyle only) needs ``image``;
- the capability map: kling-v1 has no 21:9; 2k only with kling-v2 and kling-v2-1;
- ``image`` is an http(s) URL with a host (never fetched) or bare Base64 (no ``data:`` prefix)
  of a JPG or PNG of at most 10 MB, at least 300 px a side, aspect ratio between 1:2.5 and 2.5:1.

Empty strings count as absent for ``image`` and ``negative_prompt`` ("when the image field is
not empty"). ``image_fidelity`` and ``human_fidelity`` are accepted as the schema bounds them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from jsonschema.exceptions import best_match

from ._constants import (
    HIGH_RES_MODELS,
    HIGH_RESOLUTIONS,
    IMAGE_ONLY_MODELS,
    MAX_INTEGER_BITS,
    MAX_JSON_DEPTH,
    REFERENCE_MODELS,
    UNSUPPORTED_RATIOS,
)
from ._images import ImageInfo, inspect_base64_image
from ._spec import RequestValidationError, Spec, describe_error, load_spec

CREATE_REQUEST_SCHEMA = "CreateImageTaskRequest"


def create_request_defaults(spec: Spec | None = None) -> dict[str, Any]:
    """The documented defaults of the create request, read from the spec (``{"model_name": "kling-v1", ...}``)."""
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
    error = best_match(spec.validator(spec.schema_pointer(CREATE_REQUEST_SCHEMA)).iter_errors(plain))
    if error is not None:
        raise describe_error(error, "body")
    if not isinstance(plain, dict):  # pragma: no cover - the schema's "type: object" refused it
        raise RequestValidationError("body", "must be a JSON object")

    defaults = create_request_defaults(spec)
    model: str = plain.get("model_name", defaults["model_name"])
    resolution: str = plain.get("resolution", defaults["resolution"])
    aspect_ratio: str = plain.get("aspect_ratio", defaults["aspect_ratio"])
    image: str | None = plain.get("image") or None
    reference: str | None = plain.get("image_reference")

    if plain.get("negative_prompt") and image:
        raise RequestValidationError("body.negative_prompt", "is not supported with body.image (image-to-image)")
    if reference is not None and not image:
        raise RequestValidationError("body.image", "is required when body.image_reference is set")
    if reference is not None and model not in REFERENCE_MODELS:
        supported = " and ".join(sorted(REFERENCE_MODELS))
        raise RequestValidationError("body.image_reference", f"is only supported by {supported}, not {model}")
    if model in REFERENCE_MODELS and image and reference is None:
        raise RequestValidationError("body.image_reference", f"is required with {model} when body.image is set")
    if model in IMAGE_ONLY_MODELS and not image:
        raise RequestValidationError("body.image", f"is required by {model}, which only restyles an input image")
    if aspect_ratio in UNSUPPORTED_RATIOS.get(model, ()):
        raise RequestValidationError("body.aspect_ratio", f"{aspect_ratio} is not supported by {model}")
    if resolution in HIGH_RESOLUTIONS and model not in HIGH_RES_MODELS:
        supported = " and ".join(sorted(HIGH_RES_MODELS))
        raise RequestValidationError("body.resolution", f"{resolution} is only supported by {supported}, not {model}")
    return check_image_field(image) if image else None


def check_image_field(value: str, field: str = "body.image") -> ImageInfo | None:
    """Check the ``image`` field: an http(s) URL (None: never fetched) or bare Base64 (its header)."""
    if value[:5].lower() == "data:":
        raise RequestValidationError(field, "must be the bare Base64 string, without a data: prefix")
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
            plain[key] = _plain_json(item, f"{where}.{key}", depth + 1)
        return plain
    if isinstance(value, list | tuple):
        return [_plain_json(item, f"{where}.{index}", depth + 1) for index, item in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        raise RequestValidationError(where, f"must be a finite number, got {value}")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() >= MAX_INTEGER_BITS:
        raise RequestValidationError(where, f"is an integer out of range (beyond {MAX_INTEGER_BITS} bits)")
    return value
