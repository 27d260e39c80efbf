"""Fixtures of the suites that test against the spec mock; a suite's ``conftest.py`` imports those it uses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kling_api import AuthenticatedClient
from kling_auth import authenticated_client
from kling_spec import Spec, load_spec

from .spec_mock import ACCESS_KEY, BASE_URL, SECRET_KEY, SpecMock


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec()


@pytest.fixture
def mock_api(spec: Spec) -> Iterator[SpecMock]:
    mock = SpecMock(spec)
    yield mock
    assert not mock.violations, f"requests that broke the contract: {mock.violations}"


@pytest.fixture
def client(mock_api: SpecMock) -> AuthenticatedClient:
    return authenticated_client(ACCESS_KEY, SECRET_KEY, base_url=BASE_URL, httpx_args={"transport": mock_api.transport})


@pytest.fixture(autouse=True)
def _no_real_credentials(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    # A developer's own keys in the environment must never leak into (or change) a test.
    if request.node.get_closest_marker("live") is None:
        for name in ("KLING_API_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
