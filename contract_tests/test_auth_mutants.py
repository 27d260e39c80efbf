"""What the auth plugin tells a user, exactly, and where its time limits fall (written to kill mutants).

``make mutation`` showed these behaviours untested: the exact text of each refusal (a user reads it to fix
their keys or clock), the boundaries of ``nbf``/``exp`` with and without leeway, the refresh boundary of the
token cache, and the arguments that ``verify_authorization`` and ``KlingAuth`` pass on.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable

import httpx
import jwt
import pytest
from kling_auth import (
    BadSignatureError,
    Credentials,
    InvalidClaimsError,
    KlingAuth,
    MalformedTokenError,
    MissingAuthorizationError,
    MissingCredentialsError,
    TokenExpiredError,
    TokenNotYetValidError,
    resolve_credentials,
    sign_token,
    token_from_authorization,
    verify_authorization,
    verify_token,
)
from kling_auth._token import is_unix_time

ACCESS = "mutant-test-access-key"
SECRET = "mutant-test-secret-key-0123456789abcdef"
OTHER_SECRET = "another-secret-key-for-mutants-0123456789"
NOW = 1_750_000_000
MAX_UNIX_TIME = 253_402_300_799


def _token(claims: dict[str, object], secret: str = SECRET) -> str:
    return jwt.encode(claims, secret, algorithm="HS256", headers={"typ": "JWT"})


def _raw_token(payload: bytes) -> str:
    """A correctly signed token whose payload PyJWT's own encoder would refuse to build."""
    return jwt.PyJWS().encode(payload, SECRET, algorithm="HS256", headers={"typ": "JWT"})


def _claims(**changes: object) -> dict[str, object]:
    return {"iss": ACCESS, "exp": NOW + 1800, "nbf": NOW - 5, **changes}


BAD_UTF8_ACCESS = "access\udc80key"
BAD_UTF8_SECRET = "secret\udc80key-0123456789abcdef0123456789"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: sign_token("", SECRET, now=NOW),
            MissingCredentialsError,
            "access_key and secret_key must both be non-empty to sign a token",
        ),
        (
            lambda: sign_token(ACCESS, "", now=NOW),
            MissingCredentialsError,
            "access_key and secret_key must both be non-empty to sign a token",
        ),
        (
            lambda: sign_token(BAD_UTF8_ACCESS, SECRET, now=NOW),
            MissingCredentialsError,
            "access_key is not valid text (it holds a byte that is not UTF-8: check $KLING_ACCESS_KEY or the argument)",
        ),
        (
            lambda: sign_token(ACCESS, BAD_UTF8_SECRET, now=NOW),
            MissingCredentialsError,
            "secret_key is not valid text (it holds a byte that is not UTF-8: check $KLING_SECRET_KEY or the argument)",
        ),
        (
            lambda: sign_token(ACCESS, SECRET, now=math.nan),
            ValueError,
            f"the clock gave nan: a token needs a Unix time from 0 to {MAX_UNIX_TIME}",
        ),
        (
            lambda: sign_token(ACCESS, SECRET, now=NOW, lifetime=MAX_UNIX_TIME),
            ValueError,
            f"lifetime={MAX_UNIX_TIME}, not_before=5 give exp out of range",
        ),
        (
            lambda: verify_token(_token(_claims()), ""),
            MissingCredentialsError,
            "secret_key is empty: cannot verify a token",
        ),
        (
            lambda: verify_token(_token(_claims()), BAD_UTF8_SECRET),
            MissingCredentialsError,
            "secret_key is not valid text (it holds a byte that is not UTF-8: check $KLING_SECRET_KEY or the argument)",
        ),
        (lambda: verify_token("", SECRET), MalformedTokenError, "the token is empty"),
        (
            lambda: verify_token("not-a-jwt", SECRET),
            MalformedTokenError,
            "the token is not a JWT (expected three base64url parts)",
        ),
        (
            lambda: verify_token(_token(_claims(), OTHER_SECRET), SECRET, now=NOW),
            BadSignatureError,
            "the token signature does not match the secret key",
        ),
        (
            # A readable header and a good signature over a payload that is not JSON.
            lambda: verify_token(_raw_token(b"not json"), SECRET, now=NOW),
            MalformedTokenError,
            "the token is not a valid JWT",
        ),
        (
            lambda: verify_token(_token(_claims(iat="yesterday")), SECRET, now=NOW),
            InvalidClaimsError,
            "the token claims are invalid (InvalidIssuedAtError)",
        ),
        (
            lambda: verify_token(_token(_claims(iss="")), SECRET, now=NOW),
            InvalidClaimsError,
            "the 'iss' claim must be the access key",
        ),
        (
            lambda: verify_token(_raw_token(json.dumps(_claims(iss=123)).encode()), SECRET, now=NOW),
            InvalidClaimsError,
            "the 'iss' claim must be the access key",
        ),
        (
            lambda: verify_token(_token(_claims()), SECRET, access_key="someone-else", now=NOW),
            InvalidClaimsError,
            "the 'iss' claim is not the expected access key",
        ),
        (
            lambda: verify_token(_token(_claims(exp="soon")), SECRET, now=NOW),
            InvalidClaimsError,
            f"the 'exp' claim must be a Unix time in seconds (a finite number from 0 to {MAX_UNIX_TIME})",
        ),
        (
            lambda: verify_token(_token(_claims(nbf=NOW + 30)), SECRET, now=NOW),
            TokenNotYetValidError,
            "the token is not valid yet: nbf is 30 s in the future (clock skew?)",
        ),
        (
            lambda: verify_token(_token(_claims(exp=NOW - 40)), SECRET, now=NOW),
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
            lambda: resolve_credentials(None, SECRET),
            MissingCredentialsError,
            "Kling API credentials missing: access_key (argument or $KLING_ACCESS_KEY). Create a key pair on the "
            "Kling AI website.",
        ),
        (
            lambda: Credentials(123, SECRET),  # type: ignore[arg-type]
            MissingCredentialsError,
            "access_key must be a string, got int",
        ),
        (
            lambda: Credentials(ACCESS, BAD_UTF8_SECRET),
            MissingCredentialsError,
            "secret_key is not valid text (it holds a byte that is not UTF-8: check $KLING_SECRET_KEY or the argument)",
        ),
        (
            lambda: KlingAuth(ACCESS, SECRET, refresh_margin=1800),
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


def test_a_token_signed_without_a_clock_uses_the_current_time() -> None:
    before = int(time.time())
    claims = verify_token(sign_token(ACCESS, SECRET), SECRET)
    assert before + 1800 <= claims["exp"] <= int(time.time()) + 1800


def test_verification_uses_the_given_time_not_the_machines() -> None:
    # Signed for a time an hour ahead of the machine's clock: valid at that time, whatever the real clock says.
    later = int(time.time()) + 3600
    assert verify_token(sign_token(ACCESS, SECRET, now=later), SECRET, now=later)["iss"] == ACCESS


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
    header = f"Bearer {_token(claims)}"
    if valid:
        assert verify_authorization(header, SECRET, now=NOW, leeway=leeway)["iss"] == ACCESS
    else:
        with pytest.raises((TokenExpiredError, TokenNotYetValidError)):
            verify_authorization(header, SECRET, now=NOW, leeway=leeway)


def test_verify_authorization_checks_the_access_key_and_defaults_to_no_leeway() -> None:
    header = f"Bearer {_token(_claims(exp=NOW))}"
    with pytest.raises(TokenExpiredError):
        verify_authorization(header, SECRET, now=NOW)
    with pytest.raises(InvalidClaimsError):
        verify_authorization(f"Bearer {_token(_claims())}", SECRET, access_key="someone-else", now=NOW)


@pytest.mark.parametrize("header", ["Bearer ", "Bearer  abc", "Bearer abc ", "bearer abc", "Bearer\tabc"])
def test_a_malformed_bearer_header_is_refused(header: str) -> None:
    with pytest.raises(MalformedTokenError):
        token_from_authorization(header)


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


def test_a_zero_refresh_margin_is_allowed_and_the_lifetime_is_used() -> None:
    auth = KlingAuth(ACCESS, SECRET, clock=lambda: NOW, refresh_margin=0, lifetime=600)
    assert verify_token(auth.token(), SECRET, now=NOW)["exp"] == NOW + 600


def test_the_token_is_resigned_at_the_exact_second_the_margin_starts() -> None:
    clock = [float(NOW)]
    auth = KlingAuth(ACCESS, SECRET, clock=lambda: clock[0])
    first = auth.token()
    clock[0] = NOW + 1800 - 300 - 1
    assert auth.token() == first
    clock[0] = NOW + 1800 - 300
    assert verify_token(auth.token(), SECRET, now=clock[0])["exp"] == NOW + 1800 - 300 + 1800


@pytest.mark.parametrize("body", [b"[1004]", b'{"code": 1004.0, "message": "expired"}', b'"1004"'])
def test_a_401_without_a_readable_integer_code_is_not_resent(body: bytes) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(401, content=body)

    auth = KlingAuth(ACCESS, SECRET)
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        assert client.get("https://api.example/x").status_code == 401
    assert len(sent) == 1
