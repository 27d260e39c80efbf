"""Small helpers for the tests that drive the generated client (contract_tests, kling_auth_tests)."""

from __future__ import annotations

from typing import Any, TypeVar

from kling_api.types import Unset

T = TypeVar("T")

#: One test, parametrized over the generated client's sync and async twins.
MODES = ["sync", "async"]


async def call(module: Any, mode: str, **kwargs: Any) -> Any:
    """One generated operation, through its sync or its async twin."""
    if mode == "sync":
        return module.sync_detailed(**kwargs)
    return await module.asyncio_detailed(**kwargs)


def present(value: T | Unset | None) -> T:
    """The value of an optional generated field, asserting that the response carried it."""
    assert value is not None, "expected a value, got null"
    assert not isinstance(value, Unset), "expected a value, the field was absent"
    return value
