"""httpx_args reach the httpx client as a user expects, including the options the generated client owns."""

from __future__ import annotations

import httpx
import pytest
from kling import Kling, ValidationError
from kling_spec import load_spec

from testsupport.spec_mock import ACCESS_KEY, BASE_URL, SECRET_KEY, SpecMock


def test_headers_and_cookies_in_httpx_args_reach_every_request() -> None:
    mock = SpecMock(load_spec())
    mock.replay("getImageTask", (200, "succeed"))
    httpx_args = {"transport": mock.transport, "headers": {"X-Trace": "abc"}, "cookies": {"session": "1"}}
    with Kling(ACCESS_KEY, SECRET_KEY, base_url=BASE_URL, httpx_args=httpx_args) as client:
        client.images.get("783510947463159851")
    sent = mock.raw_requests[-1]
    assert sent.headers["X-Trace"] == "abc"
    assert "session=1" in sent.headers["cookie"]
    assert sent.headers["authorization"].startswith("Bearer ")
    assert mock.violations == []


@pytest.mark.parametrize("name", ["timeout", "base_url"])
def test_an_httpx_arg_that_kling_owns_is_refused_naming_the_argument(name: str) -> None:
    value: object = httpx.Timeout(1.0) if name == "timeout" else "https://elsewhere.example"
    with pytest.raises(ValidationError, match=f"'{name}' is set by Kling's own {name} argument"):
        Kling(ACCESS_KEY, SECRET_KEY, base_url=BASE_URL, httpx_args={name: value})
