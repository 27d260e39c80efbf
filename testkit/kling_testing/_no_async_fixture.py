"""The async client fixtures where pytest-asyncio is not active: they say what to install, not fail obscurely."""

from __future__ import annotations

from typing import Final, NoReturn

import pytest

ASYNCIO_MISSING: Final = (
    "the {fixture} fixture needs pytest-asyncio, which is not installed or not enabled: "
    "pip install pytest-asyncio, then mark the test with @pytest.mark.asyncio (or set asyncio_mode = auto)"
)


@pytest.fixture
def async_kling_client() -> NoReturn:
    """A ``kling.AsyncKling`` bound to ``kling_emulator``: needs pytest-asyncio (``pip install pytest-asyncio``)."""
    pytest.fail(ASYNCIO_MISSING.format(fixture="async_kling_client"), pytrace=False)


@pytest.fixture
def async_kling_api_key_client() -> NoReturn:
    """A ``kling.AsyncKling`` bound to ``kling_emulator`` with its API key: needs pytest-asyncio."""
    pytest.fail(ASYNCIO_MISSING.format(fixture="async_kling_api_key_client"), pytrace=False)
