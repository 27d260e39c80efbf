"""The static API key mode of the auth plugin, with the generated client, against the spec mock.

``Authorization: Bearer <API key>`` (the spec's ``KlingAPIKey`` scheme), chosen by ``resolve_auth``: explicit
arguments before the environment, the API key before the key pair at the same level.
"""

from __future__ import annotations

import httpx
import pytest
from kling_api.api.images import get_image_task
from kling_api.models import ImageTaskResponse
from kling_auth import (
    APIKeyAuth,
    KlingAuth,
    MissingCredentialsError,
    auth_mode,
    authenticated_client,
    check_api_key,
    resolve_auth,
    verify_token,
)
from kling_spec import load_spec

from testsupport.helpers import MODES, call
from testsupport.spec_mock import ACCESS_KEY, BASE_URL, SECRET_KEY, SpecMock

PLUGIN_API_KEY = "contract-plugin-api-key-0123456789abcdef"


def test_the_spec_documents_both_modes_on_every_operation() -> None:
    spec = load_spec()
    schemes = spec.document["components"]["securitySchemes"]
    assert (schemes["KlingAPIKey"]["type"], schemes["KlingAPIKey"]["scheme"]) == ("http", "bearer")
    for _, _, op in spec.operations():
        assert {"KlingAPIKey": []} in op["security"]
        assert {"KlingJWT": []} in op["security"]


@pytest.mark.parametrize("mode", MODES)
async def test_the_generated_client_sends_the_api_key_as_it_is(mode: str) -> None:
    mock = SpecMock(load_spec(), api_key=PLUGIN_API_KEY)
    mock.replay("getImageTask", (200, "succeed"))
    client = authenticated_client(api_key=PLUGIN_API_KEY, base_url=BASE_URL, httpx_args={"transport": mock.transport})

    response = await call(get_image_task, mode, client=client, task_id="783510947463159851")

    assert response.status_code == 200
    assert isinstance(response.parsed, ImageTaskResponse)
    assert [request.headers["authorization"] for request in mock.raw_requests] == [f"Bearer {PLUGIN_API_KEY}"]


def test_a_wrong_key_is_a_contract_violation_of_the_mock() -> None:
    # Guards the mock itself: it would not notice a client sending the wrong credentials otherwise.
    mock = SpecMock(load_spec(), api_key=PLUGIN_API_KEY)
    mock.replay("getImageTask", (200, "succeed"))
    client = authenticated_client(
        api_key="another-key-0123456789", base_url=BASE_URL, httpx_args={"transport": mock.transport}
    )
    with pytest.raises(AssertionError, match="not the expected API key"):
        get_image_task.sync_detailed(client=client, task_id="783510947463159851")
    mock.violations.clear()


def test_a_401_with_an_api_key_is_not_retried() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(401, json={"code": 1004, "message": "token expired", "request_id": "r"})

    with httpx.Client(auth=APIKeyAuth(PLUGIN_API_KEY), transport=httpx.MockTransport(handler)) as http:
        assert http.get("https://example.com/").status_code == 401
    assert len(sent) == 1


def test_the_key_never_shows_in_a_repr() -> None:
    auth = APIKeyAuth(PLUGIN_API_KEY)
    assert PLUGIN_API_KEY not in repr(auth)
    assert PLUGIN_API_KEY not in str(vars(auth).keys())


@pytest.mark.parametrize(
    ("arguments", "environment", "expected"),
    [
        ({"api_key": PLUGIN_API_KEY}, {}, APIKeyAuth),
        ({"access_key": ACCESS_KEY, "secret_key": SECRET_KEY}, {"KLING_API_KEY": PLUGIN_API_KEY}, KlingAuth),
        (
            {},
            {"KLING_API_KEY": PLUGIN_API_KEY, "KLING_ACCESS_KEY": ACCESS_KEY, "KLING_SECRET_KEY": SECRET_KEY},
            APIKeyAuth,
        ),
        ({}, {"KLING_ACCESS_KEY": ACCESS_KEY, "KLING_SECRET_KEY": SECRET_KEY}, KlingAuth),
        (
            {"api_key": PLUGIN_API_KEY, "access_key": ACCESS_KEY, "secret_key": SECRET_KEY},
            {},
            APIKeyAuth,
        ),
    ],
    ids=["api key", "pair arguments beat the environment", "api key beats the pair", "pair", "both arguments"],
)
def test_resolve_auth_picks_the_documented_mode(
    monkeypatch: pytest.MonkeyPatch, arguments: dict[str, str], environment: dict[str, str], expected: type
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    auth = resolve_auth(**arguments)
    assert type(auth) is expected
    assert auth_mode(auth) == ("api_key" if expected is APIKeyAuth else "jwt")


@pytest.mark.parametrize(
    ("argument", "environment"),
    [("access_key", {"KLING_SECRET_KEY": SECRET_KEY}), ("secret_key", {"KLING_ACCESS_KEY": ACCESS_KEY})],
    ids=["access key argument", "secret key argument"],
)
def test_half_a_pair_as_an_argument_beats_an_api_key_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, argument: str, environment: dict[str, str]
) -> None:
    # An argument is explicit: the pair is used, its other half taken from the environment.
    monkeypatch.setenv("KLING_API_KEY", PLUGIN_API_KEY)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    auth = resolve_auth(**{argument: ACCESS_KEY if argument == "access_key" else SECRET_KEY})

    assert isinstance(auth, KlingAuth)
    assert auth.access_key == ACCESS_KEY
    assert verify_token(auth.token(), SECRET_KEY)["iss"] == ACCESS_KEY


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ("KLING_ACCESS_KEY", "secret_key (argument or $KLING_SECRET_KEY)"),
        ("KLING_SECRET_KEY", "access_key (argument or $KLING_ACCESS_KEY)"),
    ],
    ids=["secret key missing", "access key missing"],
)
def test_half_a_pair_in_the_environment_names_only_the_missing_half(
    monkeypatch: pytest.MonkeyPatch, present: str, missing: str
) -> None:
    monkeypatch.setenv(present, ACCESS_KEY if present == "KLING_ACCESS_KEY" else SECRET_KEY)
    with pytest.raises(MissingCredentialsError) as raised:
        resolve_auth()
    assert str(raised.value) == (
        f"Kling API credentials missing: {missing}. Create a key pair on the Kling AI website."
    )


def test_nothing_at_all_names_both_modes_and_where_to_get_keys() -> None:
    with pytest.raises(MissingCredentialsError) as raised:
        resolve_auth()
    assert str(raised.value) == (
        "Kling API credentials missing: set an API key (api_key argument or $KLING_API_KEY, recommended) "
        "or an access/secret key pair (arguments or $KLING_ACCESS_KEY and $KLING_SECRET_KEY). "
        "Create them on the Kling AI website."
    )


UNCARRIED = "api_key holds characters an HTTP header cannot carry (check $KLING_API_KEY or the argument)"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "api_key must be a string, got NoneType"),
        (123, "api_key must be a string, got int"),
        ("", "api_key is empty (argument or $KLING_API_KEY)"),
        ("   ", "api_key is empty (argument or $KLING_API_KEY)"),
        (" sk-1234567890 ", "api_key has leading or trailing whitespace (a copy-paste slip?)"),
        ("sk-1234567890\t", "api_key has leading or trailing whitespace (a copy-paste slip?)"),
        (
            "sk-ñ-1234567890",
            "api_key holds characters an HTTP header cannot carry (check $KLING_API_KEY or the argument)",
        ),
        (
            "sk-\x00-1234567890",
            "api_key holds characters an HTTP header cannot carry (check $KLING_API_KEY or the argument)",
        ),
        (
            "sk-\ud800-1234567890",
            "api_key holds characters an HTTP header cannot carry (check $KLING_API_KEY or the argument)",
        ),
    ],
    ids=["none", "int", "empty", "blank", "padded", "tab", "non-ascii", "nul", "surrogate"],
)
def test_each_unusable_api_key_is_refused_with_its_reason(key: object, message: str) -> None:
    with pytest.raises(MissingCredentialsError) as raised:
        check_api_key(key)
    assert str(raised.value) == message


def test_a_printable_ascii_key_is_taken_as_it_is() -> None:
    check_api_key("sk-Ab_9.~+/=")


def test_no_api_key_argument_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLING_API_KEY", PLUGIN_API_KEY)
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["authorization"])
        return httpx.Response(200)

    with httpx.Client(auth=APIKeyAuth(), transport=httpx.MockTransport(handler)) as http:
        http.get("https://example.com/")
    assert sent == [f"Bearer {PLUGIN_API_KEY}"]
    assert repr(APIKeyAuth()) == "APIKeyAuth(api_key='***')"


def test_an_api_key_missing_everywhere_names_the_variable() -> None:
    with pytest.raises(MissingCredentialsError) as raised:
        APIKeyAuth()
    assert str(raised.value) == "Kling API key missing: api_key (argument or $KLING_API_KEY)"


def test_an_empty_api_key_in_the_environment_falls_back_to_the_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLING_API_KEY", "")
    monkeypatch.setenv("KLING_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("KLING_SECRET_KEY", SECRET_KEY)
    assert type(resolve_auth()) is KlingAuth
