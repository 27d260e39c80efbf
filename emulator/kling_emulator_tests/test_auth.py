"""Authentication: every 401 code the real service answers, with real tokens and API keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from kling_emulator import DEMO_ACCESS_KEY, DEMO_API_KEY, DEMO_SECRET_KEY, Emulator, create_app
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
    app = create_app(clock=clock)

    assert (await _list(app, bearer(clock, access=DEMO_ACCESS_KEY, secret=DEMO_SECRET_KEY))).status_code == 200
    _assert_401(await _list(app, bearer(clock)), 1002)


async def test_keys_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> None:
    monkeypatch.setenv("KLING_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("KLING_SECRET_KEY", SECRET_KEY)
    app = create_app(clock=clock)

    assert (await _list(app, bearer(clock))).status_code == 200


# -- API keys: "Authorization: Bearer <API key>", beside the JWTs -----------------------------------------

API_KEY = "test-api-key-0123456789abcdef"


def _api_key(value: str = API_KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


async def test_a_configured_api_key_is_accepted_beside_the_key_pair(
    make_app: Callable[..., Starlette], clock: FakeClock
) -> None:
    app = make_app(api_keys=[API_KEY])

    assert (await _list(app, _api_key())).status_code == 200
    assert (await _list(app, bearer(clock))).status_code == 200  # the JWT of the pair still works


async def test_a_task_created_with_an_api_key_is_the_accounts(
    make_app: Callable[..., Starlette], clock: FakeClock
) -> None:
    # One account: what either credential creates, the other sees.
    app = make_app(api_keys=[API_KEY])
    async with api_client(app, _api_key()) as client:
        created = await client.post(GENERATIONS, json={"prompt": "a cat"})
    async with api_client(app, bearer(clock)) as client:
        queried = await client.get(f"{GENERATIONS}/{created.json()['data']['task_id']}")

    assert created.status_code == queried.status_code == 200


@pytest.mark.parametrize(
    "value",
    [
        "another-api-key-0123456789abcdef",
        API_KEY[:-1],  # a prefix
        API_KEY + "0",  # a longer key
        API_KEY.upper(),  # keys are compared exactly
        "x" * 4096,
    ],
)
async def test_a_wrong_api_key_is_401_1002_and_never_echoed(make_app: Callable[..., Starlette], value: str) -> None:
    app = make_app(api_keys=[API_KEY])

    response = await _list(app, _api_key(value))

    _assert_401(response, 1002)
    message = response.json()["message"]
    assert message.startswith("Authorization is invalid")
    assert value not in message
    assert API_KEY not in message


async def test_an_api_key_is_refused_where_none_is_configured(app: Starlette) -> None:
    # The default test app has a key pair only: a static key means nothing to it.
    _assert_401(await _list(app, _api_key()), 1002)


async def test_an_api_key_with_a_wrong_scheme_or_spacing_is_1002(make_app: Callable[..., Starlette]) -> None:
    app = make_app(api_keys=[API_KEY])

    for header in (f"bearer {API_KEY}", f"Bearer  {API_KEY}", f"Token {API_KEY}", API_KEY):
        _assert_401(await _list(app, {"Authorization": header}), 1002)


async def test_a_non_ascii_api_key_is_compared_as_the_bytes_sent(make_app: Callable[..., Starlette]) -> None:
    key = "ключ-api-key-0123456789"
    app = make_app(api_keys=[key])

    async with api_client(app) as client:
        accepted = await client.get(GENERATIONS, headers={b"Authorization": b"Bearer " + key.encode()})
        refused = await client.get(GENERATIONS, headers={b"Authorization": b"Bearer " + key.encode("utf-16")})

    assert accepted.status_code == 200
    _assert_401(refused, 1002)


async def test_several_api_keys_are_accepted(make_app: Callable[..., Starlette]) -> None:
    app = make_app(api_keys=[API_KEY, "second-api-key"])

    assert (await _list(app, _api_key())).status_code == 200
    assert (await _list(app, _api_key("second-api-key"))).status_code == 200


async def test_without_configuration_the_demo_api_key_and_pair_are_accepted(clock: FakeClock) -> None:
    app = create_app(clock=clock)

    assert (await _list(app, _api_key(DEMO_API_KEY))).status_code == 200
    assert (await _list(app, bearer(clock, access=DEMO_ACCESS_KEY, secret=DEMO_SECRET_KEY))).status_code == 200


async def test_given_keys_turn_the_demo_credentials_off(clock: FakeClock) -> None:
    pair_only = create_app(keys={ACCESS_KEY: SECRET_KEY}, clock=clock)
    api_key_only = create_app(api_keys=[API_KEY], clock=clock)

    _assert_401(await _list(pair_only, _api_key(DEMO_API_KEY)), 1002)
    _assert_401(await _list(api_key_only, _api_key(DEMO_API_KEY)), 1002)
    _assert_401(await _list(api_key_only, bearer(clock, access=DEMO_ACCESS_KEY, secret=DEMO_SECRET_KEY)), 1002)
    assert (await _list(api_key_only, _api_key())).status_code == 200


async def test_the_api_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> None:
    monkeypatch.setenv("KLING_API_KEY", API_KEY)
    app = create_app(clock=clock)

    assert (await _list(app, _api_key())).status_code == 200
    # Configured: the demo credentials are off.
    _assert_401(await _list(app, _api_key(DEMO_API_KEY)), 1002)
    _assert_401(await _list(app, bearer(clock, access=DEMO_ACCESS_KEY, secret=DEMO_SECRET_KEY)), 1002)


async def test_a_key_pair_given_keeps_the_api_key_of_the_environment(
    monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    monkeypatch.setenv("KLING_API_KEY", API_KEY)
    app = create_app(keys={ACCESS_KEY: SECRET_KEY}, clock=clock)

    assert (await _list(app, _api_key())).status_code == 200
    assert (await _list(app, bearer(clock))).status_code == 200


@pytest.mark.parametrize(
    ("api_keys", "message"),
    [
        ([""], "non-empty"),
        (["two words"], "spaces"),
        ([" padded"], "spaces"),
        (["lone-\udcff-surrogate"], "not valid text"),
        ("a-lone-string", "not one string"),
    ],
)
def test_an_api_key_that_could_never_be_sent_is_refused_without_showing_it(api_keys: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message) as refused:
        create_app(keys={ACCESS_KEY: SECRET_KEY}, api_keys=api_keys)

    shown = str(refused.value) + repr(refused.value)
    for key in api_keys if isinstance(api_keys, list) else [api_keys]:
        assert not key.strip() or key.strip() not in shown


def test_no_credentials_at_all_is_refused() -> None:
    with pytest.raises(ValueError, match="need credentials"):
        create_app(keys={}, api_keys=[])


def test_reprs_never_show_an_api_key(make_app: Callable[..., Starlette]) -> None:
    app = make_app(api_keys=[API_KEY])
    emulator: Emulator = app.state.emulator

    for text in (repr(emulator.config), str(emulator.config), repr(emulator.auth)):
        assert API_KEY not in text
        assert SECRET_KEY not in text
    assert "api_keys=1" in repr(emulator.config)
