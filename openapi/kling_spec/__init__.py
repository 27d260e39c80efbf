"""The OpenAPI spec as a Python object: load it, validate requests and responses against it.

Shared by the emulator (which answers what the spec says) and the contract tests (which
check that every request the client sends is one the spec allows).
"""

from ._spec import (
    SPEC_PATH,
    MatchedRequest,
    RequestValidationError,
    Spec,
    load_spec,
)

__all__ = ["SPEC_PATH", "MatchedRequest", "RequestValidationError", "Spec", "load_spec"]
