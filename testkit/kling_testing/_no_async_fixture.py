"""``async_kling_client`` where pytest-asyncio is not active: it says what to install instead of failing obscurely."""

from __future__ import annotations

from typing import Final, NoReturn

import pytest

ASYNCIO_MISSING: Final = (
    "the async_kling_client fixture needs pytest-asyncio, which is not installed or not enabled: "
    "pip install pytest-asyncio, then mark the test with @pytest.mark.asyncio (or set asyncio_mode = auto)"
)


@pytest.fixture
def async_kling_client() -> NoReturn:
    """A ``kling.AsyncKling`` bound to ``kling_emulator``: needs pytest-asyncio (``pip install pytest-asyncio``)."""
    pytest.fail(ASYNCIO_MISSING, pytrace=False)
