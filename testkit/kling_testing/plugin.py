"""The pytest plugin: ``kling_emulator``, ``kling_client`` and ``async_kling_client`` (see :mod:`kling_testing`).

Registered through the ``pytest11`` entry point (``kling = "kling_testing.plugin"``), so pytest imports this
module in every run where kling-client is installed, used or not: it imports nothing but pytest and the
standard library. The emulator (the ``[emulator]`` extra), the SDK and pytest-asyncio are imported by the
fixtures that need them, which fail with what to install when they are missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

import pytest

from kling_testing import DEFAULT_PROCESSING_AFTER, DEFAULT_SUCCEED_AFTER, KlingEmulator

if TYPE_CHECKING:
    from kling import Kling

#: The access key the session's emulator accepts; its secret key is drawn afresh for each session.
ACCESS_KEY: Final = "kling-testing-access-key"
#: Name under which the async fixture's module is registered (by pytest_configure below).
ASYNC_FIXTURE_PLUGIN: Final = "kling-testing-async"

EMULATOR_MISSING: Final = (
    "the kling_emulator fixture needs the emulator's dependencies, which are not installed ({error}): "
    "pip install 'kling-client[emulator]'"
)


def pytest_configure(config: pytest.Config) -> None:
    # Chosen once pytest-asyncio is loaded or known absent: async_kling_client is either the real fixture or
    # one that says what to install. Neither module imports anything heavy.
    if config.pluginmanager.has_plugin(ASYNC_FIXTURE_PLUGIN):
        return
    if _pytest_asyncio_active(config):
        from kling_testing import _async_fixture as async_fixture
    else:
        from kling_testing import _no_async_fixture as async_fixture  # type: ignore[no-redef]
    config.pluginmanager.register(async_fixture, ASYNC_FIXTURE_PLUGIN)


def _pytest_asyncio_active(config: pytest.Config) -> bool:
    return any(
        getattr(plugin, "__name__", None) == "pytest_asyncio.plugin" for plugin in config.pluginmanager.get_plugins()
    )


def _new_secret_key() -> str:
    import secrets

    return secrets.token_urlsafe(32)


@pytest.fixture(scope="session")
def _kling_emulator_session() -> Iterator[KlingEmulator]:
    """One emulator for the whole session (uvicorn in a thread, a free loopback port)."""
    missing: str | None = None
    try:
        from kling_emulator import create_app, run_emulator
    except ImportError as error:
        missing = str(error) or type(error).__name__
    if missing is not None:
        # Outside the except block: the report shows this one line, not the ImportError's chain.
        pytest.fail(EMULATOR_MISSING.format(error=missing), pytrace=False)
    secret_key = _new_secret_key()
    app = create_app(
        keys={ACCESS_KEY: secret_key},
        processing_after=DEFAULT_PROCESSING_AFTER,
        succeed_after=DEFAULT_SUCCEED_AFTER,
    )
    with run_emulator(app) as base_url:
        yield KlingEmulator(app.state.emulator, base_url=base_url, access_key=ACCESS_KEY, secret_key=secret_key)


@pytest.fixture
def kling_emulator(_kling_emulator_session: KlingEmulator) -> KlingEmulator:
    """A local Kling emulator (``kling_testing.KlingEmulator``): ``base_url``, ``access_key``, ``secret_key``;
    ``inject_next``, ``moderate_next``, ``set_fault_rates``, ``set_timeline``, ``set_slots``, ``task_count``.
    Fresh for every test: no tasks, the whole quota free, no faults, tasks that end at once."""
    session = _kling_emulator_session
    session.emulator.reset()
    return KlingEmulator(
        session.emulator, base_url=session.base_url, access_key=session.access_key, secret_key=session.secret_key
    )


@pytest.fixture
def kling_client(kling_emulator: KlingEmulator) -> Iterator[Kling]:
    """A ``kling.Kling`` bound to ``kling_emulator`` (default timeout and retries), closed after the test."""
    from kling import Kling

    with Kling(kling_emulator.access_key, kling_emulator.secret_key, base_url=kling_emulator.base_url) as client:
        yield client
