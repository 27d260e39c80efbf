"""The test kit's own tests use its fixtures as any user would; the session's secrets are shown to the guard."""

from __future__ import annotations

import pytest
from kling_testing import KlingEmulator

from testsupport.secret_guard import register_secret


class _GuardedEmulator(KlingEmulator):
    """The plugin's KlingEmulator, whose webhook secrets (given or drawn at random) are shown to the guard."""

    def sign_callbacks(self, secret: str | None = None) -> str:
        if secret is not None:
            register_secret(secret)
        made = super().sign_callbacks(secret)
        register_secret(made)  # a fresh one is registered before anything signed with it is sent or logged
        return made


@pytest.fixture
def kling_emulator(kling_emulator: KlingEmulator) -> KlingEmulator:
    # The plugin's own fixture, plus: no log record and no file of the session may hold its secret key, its
    # API key or a webhook secret.
    register_secret(kling_emulator.secret_key)
    register_secret(kling_emulator.api_key)
    guarded = _GuardedEmulator(
        kling_emulator.emulator,
        base_url=kling_emulator.base_url,
        access_key=kling_emulator.access_key,
        secret_key=kling_emulator.secret_key,
        api_key=kling_emulator.api_key,
    )
    return guarded
