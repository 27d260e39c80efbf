"""The test kit's own tests use its fixtures as any user would; the session's secret key is shown to the guard."""

from __future__ import annotations

import pytest
from kling_testing import KlingEmulator

from contract_tests.secret_guard import register_secret


@pytest.fixture
def kling_emulator(kling_emulator: KlingEmulator) -> KlingEmulator:
    # The plugin's own fixture, plus: no log record and no file of the session may hold its secret key.
    register_secret(kling_emulator.secret_key)
    return kling_emulator
