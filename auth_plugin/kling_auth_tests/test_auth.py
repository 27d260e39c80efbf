"""kling_auth: the documented JWT recipe, token caching, re-signing, keeping secrets secret, and what the plugin
tells a user, exactly: the text of each refusal (read to fix one's keys or clock), the second at which ``nbf`` and
``exp`` fall with and without leeway, the second at which a cached token is signed again, and the arguments that
``verify_authorization`` and ``KlingAuth`` pass on."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from kling_api.api.images import get_image_task
from kling_api.models import ErrorResponse, ImageTaskResponse
from kling_auth import (
    DEFAULT_BASE_URL,
    BadSignatureError,
    Credentials,
    InvalidClaimsError,
    KlingAuth,
    MalformedTokenError,
    MissingAuthorizationError,
    MissingCredentialsError,
    TokenExpiredError,
    TokenNotYetValidError,
    _token,
    authenticated_client,
    resolve_credentials,
    sign_token,
    token_from_authorization,
    verify_authorization,
    verify_token,
)
from kling_auth import _auth as auth_module
from kling_auth._token import is_unix_time

from testsupport.spec_mock import ACCESS_KEY, BASE_URL, SECRET_KEY, SpecMock

NOW = 1_767_225_600  # 2026-01-01T00:00:00Z
TASK_ID = "783510947463159851"
#: The latest Unix time a token may carry (9999-12-31T23:59:59Z).
MAX_UNIX_TIME = 253_402_300_799


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


def test_a_token_signed_without_a_clock_uses_the_current_time() -> None:
    before = int(time.time())
    claims = verify_token(sign_token(ACCESS_KEY, SECRET_KEY), SECRET_KEY)
    assert before + 1800 <= claims["exp"] <= int(time.time()) + 1800


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


def test_the_token_is_resigned_at_the_exact_second_the_margin_starts() -> None:
    clock = FakeClock(float(NOW))
    auth = KlingAuth(ACCESS_KEY, SECRET_KEY, clock=clock)
    first = auth.token()
    clock.now = NOW + 1800 - 300 - 1
    assert auth.token() == first
    clock.now = NOW + 1800 - 300
    assert verify_token(auth.token(), SECRET_KEY, now=clock.now)["exp"] == NOW + 1800 - 300 + 1800


def test_a_zero_refresh_margin_is_allowed_and_the_lifetime_is_used() -> None:
    auth = KlingAuth(ACCESS_KEY, SECRET_KEY, clock=FakeClock(), refresh_margin=0, lifetime=600)
    assert verify_token(auth.token(), SECRET_KEY, now=NOW)["exp"] == NOW + 600


def test_a_clock_before_1970_fails_the_first_request_instead_of_sending_no_token() -> None:
    # A clock set wrong says so at once, before anything is sent: never an empty or stale token.
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    auth = KlingAuth(ACCESS_KEY, SECRET_KEY, clock=FakeClock(-3600.0))
    message = f"^the clock gave -3600.0: a token needs a Unix time from 0 to {MAX_UNIX_TIME}$"
    with (
        httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client,
        pytest.raises(ValueError, match=message),
    ):
        client.get("https://api.example/x")
    assert sent == []


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


@pytest.mark.parametrize("body", [b"[1004]", b'{"code": 1004.0, "message": "expired"}', b'"1004"'])
def test_a_401_without_a_readable_integer_code_is_not_resent(body: bytes) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(401, content=body)

    auth = KlingAuth(ACCESS_KEY, SECRET_KEY)
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        assert client.get("https://api.example/x").status_code == 401
    assert len(sent) == 1


@pytest.mark.parametrize("status", [400, 403, 429, 500])
@pytest.mark.parametrize("code", [1004, 1003])
def test_only_a_401_is_resigned_and_resent(status: int, code: int) -> None:
    # Whatever code another status carries, the request (perhaps a create) is sent once, and later tokens keep
    # the recipe's nbf: only a 401 says the token was refused.
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(status, json={"code": code, "message": "token", "request_id": "r"})

    auth = KlingAuth(ACCESS_KEY, SECRET_KEY, clock=FakeClock())
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        assert client.post("https://api.example/v1/images/generations").status_code == status
    assert len(sent) == 1
    assert verify_token(auth.token(force_refresh=True), SECRET_KEY, now=NOW)["nbf"] == NOW - 5


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


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_request_sent_past_the_plugin_carries_no_token_of_the_generated_client(mode: str) -> None:
    # The generated client's own fixed Authorization header stays empty: a request sent through its httpx client
    # without the plugin (auth=None, say to another host) carries no token, stale or made up.
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    client = authenticated_client(ACCESS_KEY, SECRET_KEY, httpx_args={"transport": httpx.MockTransport(handler)})
    if mode == "sync":
        client.get_httpx_client().get("https://cdn.example/a.png", auth=None)
        client.get_httpx_client().get("https://cdn.example/a.png")
    else:
        await client.get_async_httpx_client().get("https://cdn.example/a.png", auth=None)
        await client.get_async_httpx_client().get("https://cdn.example/a.png")

    unsigned, signed = seen
    assert unsigned.headers.get("authorization", "") == ""
    assert verify_authorization(signed.headers["authorization"], SECRET_KEY, access_key=ACCESS_KEY)["iss"] == ACCESS_KEY


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


OTHER_SECRET_KEY = "another-secret-key-of-32-bytes-or-more!!"
#: What a byte that is not UTF-8 in the environment becomes: a lone surrogate.
BAD_UTF8_ACCESS_KEY = "access\udc80key"
BAD_UTF8_SECRET_KEY = "secret\udc80key-0123456789abcdef0123456789"


def _forged(payload: dict[str, Any], *, key: str = SECRET_KEY, algorithm: str = "HS256", **headers: Any) -> str:
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers or None)


def _raw_jwt(payload: bytes) -> str:
    """A correctly signed token whose payload PyJWT's own encoder would refuse to build."""
    return jwt.PyJWS().encode(payload, SECRET_KEY, algorithm="HS256", headers={"typ": "JWT"})


GOOD = {"iss": ACCESS_KEY, "exp": NOW + 1800, "nbf": NOW - 5}


def _claims(**changes: object) -> dict[str, object]:
    return {**GOOD, **changes}


@pytest.mark.parametrize(
    ("token", "error", "reason"),
    [
        (sign_token(ACCESS_KEY, SECRET_KEY, now=NOW - 1800), TokenExpiredError, "expired"),
        (sign_token(ACCESS_KEY, SECRET_KEY, now=NOW + 60), TokenNotYetValidError, "not valid yet"),
        (_forged(GOOD, key=OTHER_SECRET_KEY), BadSignatureError, "signature"),
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


def test_verification_uses_the_given_time_not_the_machines() -> None:
    # Signed for a time an hour ahead of the machine's clock: valid at that time, whatever the real clock says.
    later = int(time.time()) + 3600
    assert verify_token(sign_token(ACCESS_KEY, SECRET_KEY, now=later), SECRET_KEY, now=later)["iss"] == ACCESS_KEY


@pytest.mark.parametrize(
    ("claims", "leeway", "valid"),
    [
        (_claims(nbf=NOW), 0, True),  # valid from the very second of nbf
        (_claims(nbf=NOW + 1), 0, False),
        (_claims(nbf=NOW + 10), 10, True),  # leeway forgives a clock that is behind
        (_claims(nbf=NOW + 11), 10, False),
        (_claims(exp=NOW), 0, False),  # expired at the very second of exp
        (_claims(exp=NOW + 1), 0, True),
        (_claims(exp=NOW - 10), 10, False),
        (_claims(exp=NOW + 5), 10, True),  # leeway never turns a valid token into an expired one
        (_claims(exp=NOW - 9), 10, True),
    ],
)
def test_time_limits_fall_on_the_exact_second(claims: dict[str, object], leeway: int, valid: bool) -> None:
    header = f"Bearer {_forged(claims)}"
    if valid:
        assert verify_authorization(header, SECRET_KEY, now=NOW, leeway=leeway)["iss"] == ACCESS_KEY
    else:
        with pytest.raises((TokenExpiredError, TokenNotYetValidError)):
            verify_authorization(header, SECRET_KEY, now=NOW, leeway=leeway)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, True),
        (1.5, True),
        (MAX_UNIX_TIME, True),
        (MAX_UNIX_TIME + 1, False),
        (-1, False),
        (True, False),
        ("1700000000", False),
        (math.nan, False),
        (math.inf, False),
        (10**400, False),
    ],
)
def test_only_finite_times_from_1970_to_9999_count_as_unix_times(value: object, expected: bool) -> None:
    assert is_unix_time(value) is expected


def test_verify_authorization_checks_the_access_key_and_defaults_to_no_leeway() -> None:
    header = f"Bearer {_forged(_claims(exp=NOW))}"
    with pytest.raises(TokenExpiredError):
        verify_authorization(header, SECRET_KEY, now=NOW)
    with pytest.raises(InvalidClaimsError):
        verify_authorization(f"Bearer {_forged(_claims())}", SECRET_KEY, access_key="someone-else", now=NOW)


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


@pytest.mark.parametrize("header", ["Bearer ", "Bearer  abc", "Bearer abc ", "bearer abc", "Bearer\tabc"])
def test_a_malformed_bearer_header_is_refused(header: str) -> None:
    with pytest.raises(MalformedTokenError):
        token_from_authorization(header)


# -- what each refusal says, word for word ----------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: sign_token("", SECRET_KEY, now=NOW),
            MissingCredentialsError,
            "access_key and secret_key must both be non-empty to sign a token",
        ),
        (
            lambda: sign_token(ACCESS_KEY, "", now=NOW),
            MissingCredentialsError,
            "access_key and secret_key must both be non-empty to sign a token",
        ),
        (
            lambda: sign_token(BAD_UTF8_ACCESS_KEY, SECRET_KEY, now=NOW),
            MissingCredentialsError,
            "access_key is not valid text (it holds a byte that is not UTF-8: check $KLING_ACCESS_KEY or the argument)",
        ),
        (
            lambda: sign_token(ACCESS_KEY, BAD_UTF8_SECRET_KEY, now=NOW),
            MissingCredentialsError,
            "secret_key is not valid text (it holds a byte that is not UTF-8: check $KLING_SECRET_KEY or the argument)",
        ),
        (
            lambda: sign_token(ACCESS_KEY, SECRET_KEY, now=math.nan),
            ValueError,
            f"the clock gave nan: a token needs a Unix time from 0 to {MAX_UNIX_TIME}",
        ),
        (
            lambda: sign_token(ACCESS_KEY, SECRET_KEY, now=NOW, lifetime=MAX_UNIX_TIME),
            ValueError,
            f"lifetime={MAX_UNIX_TIME}, not_before=5 give exp out of range",
        ),
        (
            lambda: verify_token(_forged(_claims()), ""),
            MissingCredentialsError,
            "secret_key is empty: cannot verify a token",
        ),
        (
            lambda: verify_token(_forged(_claims()), BAD_UTF8_SECRET_KEY),
            MissingCredentialsError,
            "secret_key is not valid text (it holds a byte that is not UTF-8: check $KLING_SECRET_KEY or the argument)",
        ),
        (lambda: verify_token("", SECRET_KEY), MalformedTokenError, "the token is empty"),
        (
            lambda: verify_token("not-a-jwt", SECRET_KEY),
            MalformedTokenError,
            "the token is not a JWT (expected three base64url parts)",
        ),
        (
            lambda: verify_token(_forged(_claims(), key=OTHER_SECRET_KEY), SECRET_KEY, now=NOW),
            BadSignatureError,
            "the token signature does not match the secret key",
        ),
        (
            # A readable header and a good signature over a payload that is not JSON.
            lambda: verify_token(_raw_jwt(b"not json"), SECRET_KEY, now=NOW),
            MalformedTokenError,
            "the token is not a valid JWT",
        ),
        (
            lambda: verify_token(_forged(_claims(iat="yesterday")), SECRET_KEY, now=NOW),
            InvalidClaimsError,
            "the token claims are invalid (InvalidIssuedAtError)",
        ),
        (
            lambda: verify_token(_forged(_claims(iss="")), SECRET_KEY, now=NOW),
            InvalidClaimsError,
            "the 'iss' claim must be the access key",
        ),
        (
            lambda: verify_token(_raw_jwt(json.dumps(_claims(iss=123)).encode()), SECRET_KEY, now=NOW),
            InvalidClaimsError,
            "the 'iss' claim must be the access key",
        ),
        (
            lambda: verify_token(_forged(_claims()), SECRET_KEY, access_key="someone-else", now=NOW),
            InvalidClaimsError,
            "the 'iss' claim is not the expected access key",
        ),
        (
            lambda: verify_token(_forged(_claims(exp="soon")), SECRET_KEY, now=NOW),
            InvalidClaimsError,
            f"the 'exp' claim must be a Unix time in seconds (a finite number from 0 to {MAX_UNIX_TIME})",
        ),
        (
            lambda: verify_token(_forged(_claims(nbf=NOW + 30)), SECRET_KEY, now=NOW),
            TokenNotYetValidError,
            "the token is not valid yet: nbf is 30 s in the future (clock skew?)",
        ),
        (
            lambda: verify_token(_forged(_claims(exp=NOW - 40)), SECRET_KEY, now=NOW),
            TokenExpiredError,
            "the token expired 40 s ago: sign a new one",
        ),
        (lambda: token_from_authorization(None), MissingAuthorizationError, "the Authorization header is empty"),
        (
            lambda: token_from_authorization("Basic abc"),
            MalformedTokenError,
            "the Authorization header must be 'Bearer <token>' with exactly one space",
        ),
        (
            lambda: resolve_credentials(None, None),
            MissingCredentialsError,
            "Kling API credentials missing: access_key (argument or $KLING_ACCESS_KEY), secret_key (argument or "
            "$KLING_SECRET_KEY). Create a key pair on the Kling AI website.",
        ),
        (
            lambda: resolve_credentials(None, SECRET_KEY),
            MissingCredentialsError,
            "Kling API credentials missing: access_key (argument or $KLING_ACCESS_KEY). Create a key pair on the "
            "Kling AI website.",
        ),
        (
            lambda: Credentials(123, SECRET_KEY),  # type: ignore[arg-type]
            MissingCredentialsError,
            "access_key must be a string, got int",
        ),
        (
            lambda: Credentials(ACCESS_KEY, BAD_UTF8_SECRET_KEY),
            MissingCredentialsError,
            "secret_key is not valid text (it holds a byte that is not UTF-8: check $KLING_SECRET_KEY or the argument)",
        ),
        (
            lambda: KlingAuth(ACCESS_KEY, SECRET_KEY, refresh_margin=1800),
            ValueError,
            "refresh_margin must be in [0, lifetime=1800), got 1800",
        ),
    ],
)
def test_each_refusal_says_exactly_what_is_wrong(
    call: Callable[[], object], error: type[Exception], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KLING_ACCESS_KEY", raising=False)
    monkeypatch.delenv("KLING_SECRET_KEY", raising=False)
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message
