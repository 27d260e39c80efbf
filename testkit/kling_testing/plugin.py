"""The pytest plugin: ``kling_emulator``, the clients bound to it and ``kling_callback_receiver`` (see
:mod:`kling_testing`).

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

    from kling_testing import CallbackReceiver

#: The access key the session's emulator accepts; its secret key and its API key are drawn afresh for each session.
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


def _new_api_key() -> str:
    import secrets

    return "kling-testing-" + secrets.token_urlsafe(32)


@pytest.fixture(scope="session")
def _kling_emulator_session() -> Iterator[KlingEmulator]:
    """One emulator for the whole session (uvicorn in a thread, a free loopback port)."""
    missing: str | None = None
    try:
        from kling_emulator import EmulatorConfig, app_from_config, run_emulator
    except ImportError as error:
        missing = str(error) or type(error).__name__
    if missing is not None:
        # Outside the except block: the report shows this one line, not the ImportError's chain.
        pytest.fail(EMULATOR_MISSING.format(error=missing), pytrace=False)
    secret_key, api_key = _new_secret_key(), _new_api_key()
    # Every credential given, and no webhook secret: nothing from the environment (a developer's real keys or
    # secret) reaches a test's emulator.
    app = app_from_config(
        EmulatorConfig(
            keys={ACCESS_KEY: secret_key},
            api_keys=[api_key],
            webhook_secret=None,
            processing_after=DEFAULT_PROCESSING_AFTER,
            succeed_after=DEFAULT_SUCCEED_AFTER,
        )
    )
    with run_emulator(app) as base_url:
        yield KlingEmulator(
            app.state.emulator, base_url=base_url, access_key=ACCESS_KEY, secret_key=secret_key, api_key=api_key
        )


@pytest.fixture
def kling_emulator(_kling_emulator_session: KlingEmulator) -> KlingEmulator:
    """A local Kling emulator (``kling_testing.KlingEmulator``), serving every endpoint of the spec: ``base_url``,
    ``api_key``, ``access_key``, ``secret_key``; ``inject_next``, ``moderate_next``, ``set_fault_rates``,
    ``set_timeline``, ``set_slots``, ``set_qps_limits``, ``set_api_key``, ``sign_callbacks``, ``task_count``. Fresh
    for every test: no tasks, the whole quota free, a full resource pack, no faults, tasks that end at once, the
    session's API key, unsigned callbacks."""
    session = _kling_emulator_session
    session.emulator.reset()
    return KlingEmulator(
        session.emulator,
        base_url=session.base_url,
        access_key=session.access_key,
        secret_key=session.secret_key,
        api_key=session.api_key,
    )


@pytest.fixture
def kling_client(kling_emulator: KlingEmulator) -> Iterator[Kling]:
    """A ``kling.Kling`` bound to ``kling_emulator`` with its access/secret key pair (JWTs; default timeout and
    retries), closed after the test."""
    from kling import Kling

    with Kling(kling_emulator.access_key, kling_emulator.secret_key, base_url=kling_emulator.base_url) as client:
        yield client


@pytest.fixture
def kling_api_key_client(kling_emulator: KlingEmulator) -> Iterator[Kling]:
    """A ``kling.Kling`` bound to ``kling_emulator`` with its API key (``Kling(api_key=...)``; default timeout and
    retries), closed after the test."""
    from kling import Kling

    with Kling(api_key=kling_emulator.api_key, base_url=kling_emulator.base_url) as client:
        yield client


@pytest.fixture
def kling_callback_receiver() -> Iterator[CallbackReceiver]:
    """A loopback receiver (``kling_testing.CallbackReceiver``) for the emulator's callbacks: pass ``url`` as a
    task's ``callback_url``, then read ``callbacks`` or ``wait_for(count)`` (raw body and headers of each). Fresh
    for every test, stopped after it."""
    from kling_testing._receiver import serve_receiver

    with serve_receiver() as receiver:
        yield receiver
