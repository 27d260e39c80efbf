"""Fixtures of the SDK tests: a clean environment, fake time, a SpecMock, clients of both flavours."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from testsupport.spec_mock import SpecMock

from ._helpers import SPEC, AnyKling, FakeTime, Flavor, close, make_client

_ENVIRONMENT = ("KLING_API_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_BASE_URL", "KLING_LOG")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A developer's own keys or KLING_LOG must never change what a test sees.
    for name in _ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    logger = logging.getLogger("kling")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


@pytest.fixture(params=["sync", "async"])
def flavor(request: pytest.FixtureRequest) -> Flavor:
    value: Flavor = request.param
    return value


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def mock() -> Iterator[SpecMock]:
    spec_mock = SpecMock(SPEC)
    yield spec_mock
    assert not spec_mock.violations, spec_mock.violations


@pytest.fixture
async def make(flavor: Flavor, fake_time: FakeTime, mock: SpecMock) -> AsyncIterator[Callable[..., AnyKling]]:
    """Builds clients of the test's flavour over the SpecMock (or a transport given); closes them after."""
    made: list[AnyKling] = []

    def factory(transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None, **options: Any) -> AnyKling:
        client = make_client(flavor, transport if transport is not None else mock.transport, fake_time, **options)
        made.append(client)
        return client

    yield factory
    for client in made:
        await close(client)


@pytest.fixture
def client(make: Callable[..., AnyKling]) -> AnyKling:
    """A client over the SpecMock with the default retries."""
    return make()
