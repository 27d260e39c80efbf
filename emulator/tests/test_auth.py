"""Authentication: every 401 code the real service answers, with real tokens."""

from __future__ import annotations

import httpx
import jwt
import pytest
from starlette.applications import Starlette

from .conftest import ACCESS_KEY, GENERATIONS, SECRET_KEY, FakeClock, api_client, bearer, token


async def _list(app: Starlette, headers: dict[str, str]) -> httpx.Response:
    async with api_client(app, headers) as client:
        return await client.get(GENERATIONS)


def _assert_401(response: httpx.Response, code: int) -> None:
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert response.json()["data"] is None


async def test_a_valid_token_is_accepted(app: Starlette, clock: FakeClock) -> None:
    response = await _list(app, bearer(clock))

    assert response.status_code == 200
    assert response.json()["code"] == 0


async def test_missing_authorization_is_1001(app: Starlette) -> None:
    response = await _list(app, {})

    _assert_401(response, 1001)
    assert response.json()["message"].startswith("Authorization is empty")


@pytest.mark.parametrize(
    "header",
    [
        "Token abc",  # not Bearer
        "Bearer",  # no token
        "Bearer  {token}",  # two spaces
        "bearer {token}",  # the scheme is case-sensitive, as documented
        "Bearer not-a-jwt",
        "Bearer a.b.c",
    ],
)
async def test_malformed_authorization_is_1002(app: Starlette, clock: FakeClock, header: str) -> None:
    response = await _list(app, {"Authorization": header.format(token=token(clock))})

    _assert_401(response, 1002)


async def test_a_token_signed_with_another_secret_is_1002(app: Starlette, clock: FakeClock) -> None:
    response = await _list(app, bearer(clock, secret="another-secret-key-of-32-bytes-or-more"))

    _assert_401(response, 1002)
    assert "signature" in response.json()["message"]


async def test_an_unknown_access_key_is_1002(app: Starlette, clock: FakeClock) -> None:
    response = await _list(app, bearer(clock, access="somebody-else"))

    _assert_401(response, 1002)
    assert "access key" in response.json()["message"]


async def test_an_unsigned_token_is_1002(app: Starlette, clock: FakeClock) -> None:
    forged = jwt.encode(
        {"iss": ACCESS_KEY, "exp": int(clock()) + 1800, "nbf": int(clock()) - 5}, None, algorithm="none"
    )

    _assert_401(await _list(app, {"Authorization": f"Bearer {forged}"}), 1002)


async def test_a_token_not_yet_valid_is_1003(app: Starlette, clock: FakeClock) -> None:
    # Signed by a client whose clock runs a minute ahead: nbf = now + 55 s.
    response = await _list(app, {"Authorization": f"Bearer {token(lambda: clock() + 60)}"})

    _assert_401(response, 1003)


async def test_an_expired_token_is_1004(app: Starlette, clock: FakeClock) -> None:
    response = await _list(app, {"Authorization": f"Bearer {token(lambda: clock() - 1801)}"})

    _assert_401(response, 1004)
    assert response.json()["message"].startswith("token expired")


async def test_a_token_expires_as_the_emulator_clock_moves(app: Starlette, clock: FakeClock) -> None:
    headers = bearer(clock)
    assert (await _list(app, headers)).status_code == 200

    clock.advance(1800)

    _assert_401(await _list(app, headers), 1004)


async def test_authentication_comes_before_validation(app: Starlette) -> None:
    async with api_client(app) as client:
        response = await client.post(GENERATIONS, json={"n": 99})

    _assert_401(response, 1001)


async def test_several_key_pairs_are_accepted(make_app: object, clock: FakeClock) -> None:
    assert callable(make_app)
    other_secret = "the-second-secret-key-is-long-enough"
    app = make_app(keys={ACCESS_KEY: SECRET_KEY, "second": other_secret})

    assert (await _list(app, bearer(clock))).status_code == 200
    assert (await _list(app, bearer(clock, access="second", secret=other_secret))).status_code == 200
    _assert_401(await _list(app, bearer(clock, access="second", secret=SECRET_KEY)), 1002)


async def test_the_demo_keys_are_the_default(clock: FakeClock) -> None:
    from kling_emulator import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, create_app

    app = create_app(clock=clock)

    assert (await _list(app, bearer(clock, access=DEMO_ACCESS_KEY, secret=DEMO_SECRET_KEY))).status_code == 200
    _assert_401(await _list(app, bearer(clock)), 1002)


async def test_keys_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> None:
    from kling_emulator import create_app

    monkeypatch.setenv("KLING_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("KLING_SECRET_KEY", SECRET_KEY)
    app = create_app(clock=clock)

    assert (await _list(app, bearer(clock))).status_code == 200
