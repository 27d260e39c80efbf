"""kling_auth: the documented JWT recipe, token caching, re-signing, and keeping secrets secret."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import httpx
import jwt
import pytest
from kling_api.api.images import get_image_task
from kling_api.models import ErrorResponse, ImageTaskResponse
from kling_auth import (
    DEFAULT_BASE_URL,
    BadSignatureError,
    InvalidClaimsError,
    KlingAuth,
    MalformedTokenError,
    MissingAuthorizationError,
    MissingCredentialsError,
    TokenExpiredError,
    TokenNotYetValidError,
    _token,
    authenticated_client,
    sign_token,
    verify_authorization,
    verify_token,
)
from kling_auth import _auth as auth_module

from .spec_mock import ACCESS_KEY, BASE_URL, SECRET_KEY, SpecMock

NOW = 1_767_225_600  # 2026-01-01T00:00:00Z
TASK_ID = "783510947463159851"


class FakeClock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _bearer(request: httpx.Request) -> str:
    return request.headers["authorization"].removeprefix("Bearer ")


def _client(mock: SpecMock, clock: FakeClock) -> Any:
    auth = KlingAuth(ACCESS_KEY, SECRET_KEY, clock=clock)
    return authenticated_client(base_url=BASE_URL, auth=auth, httpx_args={"transport": mock.transport})


async def _get(client: Any, mode: str) -> Any:
    if mode == "sync":
        return get_image_task.sync_detailed(client=client, task_id=TASK_ID)
    return await get_image_task.asyncio_detailed(client=client, task_id=TASK_ID)


# -- the recipe ------------------------------------------------------------------------------


def test_token_follows_the_documented_recipe() -> None:
    token = sign_token(ACCESS_KEY, SECRET_KEY, now=NOW + 0.9)

    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, SECRET_KEY, algorithms=["HS256"], options={"verify_exp": False, "verify_nbf": False})
    assert claims == {"iss": ACCESS_KEY, "exp": NOW + 1800, "nbf": NOW - 5}  # whole seconds


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_every_request_carries_a_valid_bearer_token(spec: Any, mode: str) -> None:
    mock = SpecMock(spec, now=NOW)  # verifies signature, claims and "Bearer <jwt>" on every request
    mock.replay("getImageTask", (200, "submitted"))

    response = await _get(_client(mock, FakeClock()), mode)

    assert isinstance(response.parsed, ImageTaskResponse)
    assert mock.raw_requests[0].headers["authorization"].startswith("Bearer ey")
    assert not mock.violations


# -- caching and refresh ---------------------------------------------------------------------


async def test_token_is_reused_then_resigned_before_expiry(spec: Any) -> None:
    clock = FakeClock()
    mock = SpecMock(spec, verify_auth=False)
    mock.replay("getImageTask", (200, "submitted"))
    client = _client(mock, clock)

    await _get(client, "sync")
    clock.now = NOW + 1800 - 301  # still more than the 300 s margin left
    await _get(client, "sync")
    clock.now = NOW + 1800 - 299  # inside the margin: re-sign before the token can expire in flight
    await _get(client, "sync")

    first, second, third = (_bearer(r) for r in mock.raw_requests)
    assert first == second
    assert third != second
    assert verify_token(third, SECRET_KEY, now=clock.now)["exp"] == NOW + 1800 - 299 + 1800


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_an_expired_token_answer_resigns_once_and_resends(spec: Any, mode: str) -> None:
    clock = FakeClock()
    mock = SpecMock(spec, verify_auth=False)
    route = mock.replay("getImageTask", (200, "submitted"))
    answers = iter(
        [
            mock.example_response("getImageTask", 401, "tokenExpired"),
            mock.example_response("getImageTask", 200, "submitted"),
        ]
    )

    def answer(request: httpx.Request) -> httpx.Response:
        clock.now += 60  # time passes between the two attempts, so the new token differs
        return next(answers)

    route.side_effect = answer

    response = await _get(_client(mock, clock), mode)

    assert response.status_code == 200
    assert len(mock.raw_requests) == 2
    first, second = (_bearer(r) for r in mock.raw_requests)
    assert first != second
    assert verify_token(second, SECRET_KEY, now=clock.now)["nbf"] == NOW + 60 - 5


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_not_yet_valid_token_answer_resigns_once(spec: Any, mode: str) -> None:
    mock = SpecMock(spec, verify_auth=False)
    not_yet_valid = {"code": 1003, "message": "token not yet valid", "request_id": "r-1003"}
    assert not spec.response_errors("getImageTask", 401, not_yet_valid)
    route = mock.replay("getImageTask", (200, "submitted"))
    route.side_effect = [
        httpx.Response(401, json=not_yet_valid),
        mock.example_response("getImageTask", 200, "submitted"),
    ]

    response = await _get(_client(mock, FakeClock()), mode)

    assert response.status_code == 200
    assert len(mock.raw_requests) == 2


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_after_not_yet_valid_tokens_are_back_dated_for_a_server_clock_behind(spec: Any, mode: str) -> None:
    # The server's clock is 10 s behind: the recipe's nbf = now - 5 is in its future; the same nbf again
    # would be refused again. The resent token, and every later one, starts 300 s back; exp does not move.
    mock = SpecMock(spec, verify_auth=False)
    not_yet_valid = {"code": 1003, "message": "token not yet valid", "request_id": "r-1003"}
    route = mock.replay("getImageTask", (200, "submitted"))
    route.side_effect = [
        httpx.Response(401, json=not_yet_valid),
        mock.example_response("getImageTask", 200, "submitted"),
    ]
    clock = FakeClock()
    auth = KlingAuth(ACCESS_KEY, SECRET_KEY, clock=clock)
    client = authenticated_client(base_url=BASE_URL, auth=auth, httpx_args={"transport": mock.transport})

    response = await _get(client, mode)

    assert response.status_code == 200
    first, resent = (verify_token(_bearer(r), SECRET_KEY, now=NOW) for r in mock.raw_requests)
    assert first["nbf"] == NOW - 5
    assert resent["nbf"] == NOW - 300
    assert resent["exp"] == NOW + 1800
    assert verify_token(auth.token(force_refresh=True), SECRET_KEY, now=NOW)["nbf"] == NOW - 300


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("example", "code", "attempts"),
    [
        # Still expired after re-signing: resent once, then the caller sees the 401.
        ("tokenExpired", 1004, 2),
        # A wrong or missing key (1000-1002) does not get better by re-signing: no resend.
        ("authorizationEmpty", 1001, 1),
    ],
)
async def test_a_401_is_resent_at_most_once(spec: Any, mode: str, example: str, code: int, attempts: int) -> None:
    mock = SpecMock(spec, verify_auth=False)
    mock.replay("getImageTask", (401, example))

    response = await _get(_client(mock, FakeClock()), mode)

    assert response.status_code == 401
    assert isinstance(response.parsed, ErrorResponse)
    assert response.parsed.code == code
    assert len(mock.raw_requests) == attempts


def test_token_cache_is_thread_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    signed = []
    real_sign = _token.sign_token

    def counting_sign(*args: Any, **kwargs: Any) -> str:
        signed.append(1)
        return real_sign(*args, **kwargs)

    monkeypatch.setattr(auth_module, "sign_token", counting_sign)
    auth = KlingAuth(ACCESS_KEY, SECRET_KEY, clock=FakeClock())
    tokens: list[str] = []
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        tokens.extend(auth.token() for _ in range(200))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(tokens) == 1600
    assert len(set(tokens)) == 1
    assert len(signed) == 1, "concurrent callers must share one signature, not sign one each"


async def test_concurrent_async_requests_share_one_valid_token(spec: Any) -> None:
    mock = SpecMock(spec, now=NOW)
    mock.replay("getImageTask", (200, "submitted"))
    client = _client(mock, FakeClock())

    responses = await asyncio.gather(*(_get(client, "async") for _ in range(20)))

    assert all(r.status_code == 200 for r in responses)
    assert len({_bearer(r) for r in mock.raw_requests}) == 1


# -- credentials -----------------------------------------------------------------------------


def test_missing_keys_fail_before_any_request_and_say_where_to_put_them() -> None:
    with pytest.raises(MissingCredentialsError) as caught:
        authenticated_client(base_url=BASE_URL)
    assert "KLING_ACCESS_KEY" in str(caught.value)
    assert "KLING_SECRET_KEY" in str(caught.value)


@pytest.mark.parametrize(
    ("access", "secret", "message"),
    [
        ("", SECRET_KEY, "access_key is empty"),
        (ACCESS_KEY, "   ", "secret_key is empty"),
        (ACCESS_KEY, SECRET_KEY + "\n", "secret_key has leading or trailing whitespace"),
    ],
)
def test_empty_or_padded_keys_are_refused(access: str, secret: str, message: str) -> None:
    with pytest.raises(MissingCredentialsError, match=message) as caught:
        KlingAuth(access, secret)
    assert SECRET_KEY not in str(caught.value)


def test_keys_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, spec: Any) -> None:
    monkeypatch.setenv("KLING_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("KLING_SECRET_KEY", SECRET_KEY)
    mock = SpecMock(spec)
    mock.replay("getImageTask", (200, "submitted"))

    client = authenticated_client(httpx_args={"transport": mock.transport})
    get_image_task.sync_detailed(client=client, task_id=TASK_ID)

    assert str(mock.raw_requests[0].url).startswith(DEFAULT_BASE_URL + "/")
    assert not mock.violations
    monkeypatch.setenv("KLING_BASE_URL", "http://127.0.0.1:8765")
    assert authenticated_client().get_httpx_client().base_url == "http://127.0.0.1:8765"


def test_the_client_has_a_timeout() -> None:
    client = authenticated_client(ACCESS_KEY, SECRET_KEY)
    timeout = client.get_httpx_client().timeout
    assert (timeout.connect, timeout.read) == (10.0, 30.0)
    assert authenticated_client(ACCESS_KEY, SECRET_KEY, timeout=5).get_httpx_client().timeout.read == 5.0


async def test_secrets_stay_out_of_reprs_logs_and_errors(spec: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    mock = SpecMock(spec)
    mock.replay("getImageTask", (200, "submitted"))
    auth = KlingAuth(ACCESS_KEY, SECRET_KEY)
    client = authenticated_client(base_url=BASE_URL, auth=auth, httpx_args={"transport": mock.transport})

    get_image_task.sync_detailed(client=client, task_id=TASK_ID)
    await get_image_task.asyncio_detailed(client=client, task_id=TASK_ID)
    token = auth.token()

    seen = " ".join([repr(auth), str(auth.__dict__.keys()), repr(client), caplog.text])
    assert ACCESS_KEY in repr(auth)
    assert SECRET_KEY not in seen
    assert token not in seen
    with pytest.raises(TokenExpiredError) as caught:
        verify_token(sign_token(ACCESS_KEY, SECRET_KEY, now=NOW), SECRET_KEY, now=NOW + 3600)
    assert SECRET_KEY not in str(caught.value)
    assert "ey" not in str(caught.value)


# -- local verification ----------------------------------------------------------------------


def _forged(payload: dict[str, Any], *, key: str = SECRET_KEY, algorithm: str = "HS256", **headers: Any) -> str:
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers or None)


GOOD = {"iss": ACCESS_KEY, "exp": NOW + 1800, "nbf": NOW - 5}


@pytest.mark.parametrize(
    ("token", "error", "reason"),
    [
        (sign_token(ACCESS_KEY, SECRET_KEY, now=NOW - 1800), TokenExpiredError, "expired"),
        (sign_token(ACCESS_KEY, SECRET_KEY, now=NOW + 60), TokenNotYetValidError, "not valid yet"),
        (_forged(GOOD, key="another-secret-key-of-32-bytes-or-more!!"), BadSignatureError, "signature"),
        (_forged(GOOD, algorithm="HS512"), InvalidClaimsError, "alg='HS512'"),
        (_forged(GOOD, typ="JWS"), InvalidClaimsError, "typ='JWS'"),
        (_forged({"exp": NOW + 1800, "nbf": NOW - 5}), InvalidClaimsError, "'iss'"),
        (_forged({"iss": ACCESS_KEY, "nbf": NOW - 5}), InvalidClaimsError, "'exp'"),
        (_forged({**GOOD, "iss": "someone-else"}), InvalidClaimsError, "access key"),
        ("not.a.jwt", MalformedTokenError, "not"),
        ("", MalformedTokenError, "empty"),
    ],
)
def test_verify_token_says_why_a_token_is_refused(token: str, error: type[Exception], reason: str) -> None:
    with pytest.raises(error, match=reason):
        verify_token(token, SECRET_KEY, access_key=ACCESS_KEY, now=NOW)


def test_verify_token_accepts_a_fresh_token() -> None:
    claims = verify_token(sign_token(ACCESS_KEY, SECRET_KEY, now=NOW), SECRET_KEY, access_key=ACCESS_KEY, now=NOW)
    assert claims["iss"] == ACCESS_KEY


@pytest.mark.parametrize(
    ("header", "error", "api_code"),
    [
        (None, MissingAuthorizationError, 1001),
        ("", MissingAuthorizationError, 1001),
        ("bearer TOKEN", MalformedTokenError, 1002),
        ("Bearer  TOKEN", MalformedTokenError, 1002),
        ("BearerTOKEN", MalformedTokenError, 1002),
        ("TOKEN", MalformedTokenError, 1002),
    ],
)
def test_authorization_header_must_be_bearer_and_one_space(
    header: str | None, error: type[Exception], api_code: int
) -> None:
    valid = sign_token(ACCESS_KEY, SECRET_KEY, now=NOW)
    value = header.replace("TOKEN", valid) if header else header
    with pytest.raises(error) as caught:
        verify_authorization(value, SECRET_KEY, now=NOW)
    assert caught.value.api_code == api_code  # type: ignore[attr-defined]
    assert verify_authorization(f"Bearer {valid}", SECRET_KEY, now=NOW)["iss"] == ACCESS_KEY
