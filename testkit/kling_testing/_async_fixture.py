"""``async_kling_client`` and ``async_kling_api_key_client`` for pytest-asyncio tests; registered by
:mod:`kling_testing.plugin` when it is active."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest_asyncio

from kling_testing import KlingEmulator

if TYPE_CHECKING:
    from kling import AsyncKling


# The event loop is the test's (pytest-asyncio's default for a function-scoped fixture, or your
# asyncio_default_fixture_loop_scope): the client's connections live and close in it.
@pytest_asyncio.fixture
async def async_kling_client(kling_emulator: KlingEmulator) -> AsyncIterator[AsyncKling]:
    """A ``kling.AsyncKling`` bound to ``kling_emulator`` with its access/secret key pair (JWTs; default timeout
    and retries), closed after the test."""
    from kling import AsyncKling

    async with AsyncKling(
        kling_emulator.access_key, kling_emulator.secret_key, base_url=kling_emulator.base_url
    ) as client:
        yield client


@pytest_asyncio.fixture
async def async_kling_api_key_client(kling_emulator: KlingEmulator) -> AsyncIterator[AsyncKling]:
    """A ``kling.AsyncKling`` bound to ``kling_emulator`` with its API key (``AsyncKling(api_key=...)``; default
    timeout and retries), closed after the test."""
    from kling import AsyncKling

    async with AsyncKling(api_key=kling_emulator.api_key, base_url=kling_emulator.base_url) as client:
        yield client
