"""The OpenAPI spec as a Python object: load it, validate requests and responses against it.

Shared by the SDK (which refuses a bad create request before sending it), the emulator (which
answers what the spec says) and the contract tests (which check that every request the client
sends is one the spec allows)::

    from kling_spec import RequestValidationError, inspect_image, validate_create_body

    validate_create_body({"prompt": "a cat", "n": 10})   # RequestValidationError: body.n: ...
    capability_problems({"prompt": "a cat", "image_reference": "face", ...})  # what the model does not support
    inspect_image(open("cat.png", "rb").read())           # ImageInfo(format="PNG", width=..., height=...)

Every request body of the spec goes through the same checks, named by its schema or operationId::

    validate_request_body(body, "createOmniImageTask")   # schema, rules, images, x-kling-rules
    capability_problems(body, schema="createOmniImageTask")
    estimate_cost(body, schema="CreateExpandImageTaskRequest")
    expand_area_problem(body, 1024, 768)                 # the outpainting area rule, on its own
    qps_limit("getAccountCosts")                         # 1.0

Each public name is imported from its module on first use (PEP 562): ``import kling_spec`` loads neither
jsonschema, PyYAML nor Pillow until a function that needs them is used.
"""

from __future__ import annotations

import importlib

#: typing.TYPE_CHECKING without importing typing (mypy and IDEs know the name).
TYPE_CHECKING = False
if TYPE_CHECKING:  # the same names, eagerly, for mypy and IDEs; keep in step with _LAZY below
    from typing import Any

    from ._capabilities import (
        Estimate,
        capability_problems,
        default_model,
        estimate_cost,
        has_image_input,
        known_models,
        retired_models,
    )
    from ._checks import expand_area_problem, rule_problems
    from ._constants import (
        EMULATOR_MAX_KEPT_CHARS,
        IMAGE_FORMATS,
        MAX_IMAGE_BASE64_CHARS,
        MAX_IMAGE_BYTES,
        MAX_IMAGE_RATIO,
        MAX_INTEGER_DIGITS,
        MIN_IMAGE_SIDE,
        SDK_MAX_ID_CHARS,
    )
    from ._errors import DocumentedError, documented_errors, error_families
    from ._images import ImageInfo, inspect_base64_image, inspect_image
    from ._rules import (
        CREATE_REQUEST_SCHEMA,
        create_request_defaults,
        inspect_create_body,
        inspect_request_body,
        validate_create_body,
        validate_request_body,
    )
    from ._schemas import image_input_fields, qps_limit, request_schema_name
    from ._spec import (
        SPEC_PATH,
        MatchedRequest,
        RequestValidationError,
        Spec,
        describe_error,
        load_spec,
    )

#: Public name -> the module (relative to this package) that defines it, imported on first use.
_LAZY: dict[str, str] = {
    "Estimate": "._capabilities",
    "capability_problems": "._capabilities",
    "default_model": "._capabilities",
    "estimate_cost": "._capabilities",
    "has_image_input": "._capabilities",
    "known_models": "._capabilities",
    "retired_models": "._capabilities",
    "expand_area_problem": "._checks",
    "rule_problems": "._checks",
    "IMAGE_FORMATS": "._constants",
    "MAX_IMAGE_BASE64_CHARS": "._constants",
    "MAX_IMAGE_BYTES": "._constants",
    "MAX_IMAGE_RATIO": "._constants",
    "MIN_IMAGE_SIDE": "._constants",
    "MAX_INTEGER_DIGITS": "._constants",
    "SDK_MAX_ID_CHARS": "._constants",
    "EMULATOR_MAX_KEPT_CHARS": "._constants",
    "DocumentedError": "._errors",
    "documented_errors": "._errors",
    "error_families": "._errors",
    "ImageInfo": "._images",
    "inspect_base64_image": "._images",
    "inspect_image": "._images",
    "CREATE_REQUEST_SCHEMA": "._rules",
    "create_request_defaults": "._rules",
    "inspect_create_body": "._rules",
    "inspect_request_body": "._rules",
    "validate_create_body": "._rules",
    "validate_request_body": "._rules",
    "image_input_fields": "._schemas",
    "qps_limit": "._schemas",
    "request_schema_name": "._schemas",
    "SPEC_PATH": "._spec",
    "MatchedRequest": "._spec",
    "RequestValidationError": "._spec",
    "Spec": "._spec",
    "describe_error": "._spec",
    "load_spec": "._spec",
}

__all__ = [
    "CREATE_REQUEST_SCHEMA",
    "EMULATOR_MAX_KEPT_CHARS",
    "IMAGE_FORMATS",
    "MAX_IMAGE_BASE64_CHARS",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_RATIO",
    "MAX_INTEGER_DIGITS",
    "MIN_IMAGE_SIDE",
    "SDK_MAX_ID_CHARS",
    "SPEC_PATH",
    "DocumentedError",
    "Estimate",
    "ImageInfo",
    "MatchedRequest",
    "RequestValidationError",
    "Spec",
    "capability_problems",
    "create_request_defaults",
    "default_model",
    "describe_error",
    "documented_errors",
    "error_families",
    "estimate_cost",
    "expand_area_problem",
    "has_image_input",
    "image_input_fields",
    "inspect_base64_image",
    "inspect_create_body",
    "inspect_image",
    "inspect_request_body",
    "known_models",
    "load_spec",
    "qps_limit",
    "request_schema_name",
    "retired_models",
    "rule_problems",
    "validate_create_body",
    "validate_request_body",
]


def __getattr__(name: str) -> Any:
    """A public name, imported on first use and then kept as a plain attribute."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
