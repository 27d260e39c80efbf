"""The OpenAPI spec as a Python object: load it, validate requests and responses against it.

Shared by the SDK (which refuses a bad create request before sending it), the emulator (which
answers what the spec says) and the contract tests (which check that every request the client
sends is one the spec allows)::

    from kling_spec import RequestValidationError, inspect_image, validate_create_body

    validate_create_body({"prompt": "a cat", "n": 10})   # RequestValidationError: body.n: ...
    capability_problems({"prompt": "a cat", "image_reference": "face", ...})  # what the model does not support
    inspect_image(open("cat.png", "rb").read())           # ImageInfo(format="PNG", width=..., height=...)
"""

from ._capabilities import (
    Estimate,
    capability_problems,
    default_model,
    estimate_cost,
    known_models,
    retired_models,
)
from ._constants import (
    IMAGE_FORMATS,
    MAX_IMAGE_BASE64_CHARS,
    MAX_IMAGE_BYTES,
    MAX_IMAGE_RATIO,
    MIN_IMAGE_SIDE,
)
from ._images import ImageInfo, inspect_base64_image, inspect_image
from ._rules import (
    CREATE_REQUEST_SCHEMA,
    create_request_defaults,
    inspect_create_body,
    validate_create_body,
)
from ._spec import (
    SPEC_PATH,
    MatchedRequest,
    RequestValidationError,
    Spec,
    describe_error,
    load_spec,
)

__all__ = [
    "CREATE_REQUEST_SCHEMA",
    "IMAGE_FORMATS",
    "MAX_IMAGE_BASE64_CHARS",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_RATIO",
    "MIN_IMAGE_SIDE",
    "SPEC_PATH",
    "Estimate",
    "ImageInfo",
    "MatchedRequest",
    "RequestValidationError",
    "Spec",
    "capability_problems",
    "create_request_defaults",
    "default_model",
    "describe_error",
    "estimate_cost",
    "inspect_base64_image",
    "inspect_create_body",
    "inspect_image",
    "known_models",
    "load_spec",
    "retired_models",
    "validate_create_body",
]
