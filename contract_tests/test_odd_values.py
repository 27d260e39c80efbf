"""Odd values that slip through elsewhere, each refused clearly at the first boundary that sees it.

JSON nested thousands deep, integers of thousands of digits, digits that are not ASCII (full-width,
Arabic-Indic, superscript), a secret key holding a lone surrogate (what a byte that is not UTF-8 in the
environment becomes), JWT claims of NaN, Infinity, 1e308 or a string. The boundaries: kling_spec (shared by
the SDK, the emulator and the contract mock), the emulator sent raw bytes, kling_auth (signing and
verifying), the SDK's arguments, the CLI's options and environment. Never a 500, a raw ValueError,
RecursionError or UnicodeEncodeError, and never a token without an end.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import jwt
import kling
import pytest
from click.testing import CliRunner, Result
from kling.cli import USAGE, cli
from kling_auth import (
    ACCESS_KEY_ENV,
    BASE_URL_ENV,
    SECRET_KEY_ENV,
    InvalidClaimsError,
    KlingAuth,
    MissingCredentialsError,
    resolve_credentials,
    sign_token,
    verify_token,
)
from kling_emulator import create_app
from kling_spec import RequestValidationError, load_spec, validate_create_body

SPEC = load_spec()
ACCESS_KEY = "odd-values-access-key"
SECRET_KEY = "odd-values-secret-key-0123456789abcdef"
NOW = 1_750_000_000
GENERATIONS = "/v1/images/generations"
FIVE_THOUSAND_DIGITS = "1" + "0" * 5000
NON_ASCII_DIGITS = [
    "\uff11",
    "\u0663",
    "\u00b2",
    "1\uff10",
]  # full-width 1, Arabic-Indic 3, superscript 2, 1 + full-width 0
#: What os.environ holds for a key whose bytes are not UTF-8 (b"\xff" through surrogateescape).
SURROGATE_SECRET = "odd-values-secret-\udcff-0123456789abcdef"


def nested(depth: int) -> Any:
    value: Any = {}
    for _ in range(depth):
        value = {"a": value}
    return value


# -- kling_spec: the validator the SDK, the emulator and the contract mock share --------------------------------


@pytest.mark.parametrize("digit", NON_ASCII_DIGITS)
@pytest.mark.parametrize("name", ["pageNum", "pageSize"])
def test_query_integers_take_ascii_digits_only(name: str, digit: str) -> None:
    with pytest.raises(RequestValidationError) as raised:
        SPEC.validate_request("GET", GENERATIONS, query={name: digit})
    assert raised.value.field == f"query.{name}"
    assert "integer" in raised.value.rule


@pytest.mark.parametrize("value", ["1" + "0" * 19, FIVE_THOUSAND_DIGITS, "-" + FIVE_THOUSAND_DIGITS])
def test_a_query_integer_of_thousands_of_digits_is_refused_naming_it(value: str) -> None:
    with pytest.raises(RequestValidationError) as raised:
        SPEC.validate_request("GET", GENERATIONS, query={"pageSize": value})
    assert raised.value.field == "query.pageSize"
    assert "out of range" in raised.value.rule
    assert len(str(raised.value)) < 200


def test_ascii_query_integers_still_pass() -> None:
    matched = SPEC.validate_request("GET", GENERATIONS, query={"pageNum": "2", "pageSize": " 500"})
    assert matched.query == {"pageNum": 2, "pageSize": 500}


@pytest.mark.parametrize("blank", ["\u00a0", "\u2003", "\n", "\u3000"])
def test_only_ascii_blanks_may_surround_a_query_integer(blank: str) -> None:
    # str.strip() takes a no-break space, an em space or a newline as blank: the value would pass as 1.
    with pytest.raises(RequestValidationError) as raised:
        SPEC.validate_request("GET", GENERATIONS, query={"pageNum": blank + "1"})
    assert raised.value.field == "query.pageNum"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"prompt": "x", "n": 10**5000}, "body.n"),
        ({"prompt": "x", "n": -(10**5000)}, "body.n"),
        ({"prompt": "x", "image_fidelity": 10**400}, "body.image_fidelity"),
        ({"prompt": "x", "n": 2**64}, "body.n"),
        ({"prompt": "x", "element_list": [{"element_id": 10**5000}]}, "body.element_list.0.element_id"),
    ],
    ids=["5000-digits", "negative", "400-digits-on-a-float", "2**64", "element_id"],
)
def test_an_integer_of_thousands_of_digits_in_a_body_is_refused_naming_the_field(
    body: dict[str, Any], field: str
) -> None:
    with pytest.raises(RequestValidationError) as raised:
        validate_create_body(body)
    assert raised.value.field == field
    assert "out of range" in raised.value.rule


def test_a_body_nested_thousands_deep_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(RequestValidationError, match="nested more than") as raised:
        validate_create_body({"prompt": "x", "watermark_info": nested(5000)})
    assert raised.value.field.startswith("body.watermark_info.a.a")


def test_a_body_that_contains_itself_is_refused() -> None:
    body: dict[str, Any] = {"prompt": "x", "watermark_info": {}}
    body["watermark_info"]["again"] = body
    with pytest.raises(RequestValidationError, match="nested more than"):
        validate_create_body(body)


# -- the emulator, sent raw bytes: a 400 naming what is wrong, never a 500 --------------------------------------


@pytest.fixture
async def emulator() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(keys={ACCESS_KEY: SECRET_KEY}, clock=lambda: float(NOW), tick_interval=None)
    token = sign_token(ACCESS_KEY, SECRET_KEY, now=NOW)
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers) as client:
        yield client


def refusal(response: httpx.Response, operation_id: str) -> str:
    """The message of a documented 400 refusal (asserted: status, spec-valid envelope)."""
    assert response.status_code == 400, (response.status_code, response.text[:200])
    body = response.json()
    assert SPEC.response_errors(operation_id, 400, body) == []
    message: str = body["message"]
    return message


RAW_BODIES = {
    "array-5000-deep": b'{"prompt": "x", "n": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "array-100000-deep": b"[" * 100_000 + b"]" * 100_000,
    "object-5000-deep": b'{"prompt": "x", "watermark_info": ' + b'{"a": ' * 5000 + b"{}" + b"}" * 5000 + b"}",
    "object-40-deep": b'{"prompt": "x", "watermark_info": ' + b'{"a": ' * 40 + b"{}" + b"}" * 40 + b"}",
}


@pytest.mark.parametrize("raw", RAW_BODIES.values(), ids=RAW_BODIES.keys())
async def test_a_body_nested_thousands_deep_is_a_400(emulator: httpx.AsyncClient, raw: bytes) -> None:
    response = await emulator.post(GENERATIONS, content=raw)
    assert "nested more than" in refusal(response, "createImageTask")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"prompt": "x", "n": ' + FIVE_THOUSAND_DIGITS.encode() + b"}", "body.n"),
        (b'{"prompt": "x", "n": -' + FIVE_THOUSAND_DIGITS.encode() + b"}", "body.n"),
        (b'{"prompt": "x", "n": 18446744073709551616}', "body.n"),
        (b'{"prompt": "x", "image_fidelity": ' + FIVE_THOUSAND_DIGITS.encode() + b"}", "body.image_fidelity"),
        (
            b'{"prompt": "x", "watermark_info": {"enabled": ' + FIVE_THOUSAND_DIGITS.encode() + b"}}",
            "body.watermark_info",
        ),
        (
            b'{"prompt": "x", "element_list": [{"element_id": ' + FIVE_THOUSAND_DIGITS.encode() + b"}]}",
            "body.element_list",
        ),
    ],
    ids=["n", "negative-n", "2**64", "image_fidelity", "nested", "element_id"],
)
async def test_an_integer_of_thousands_of_digits_is_a_400_naming_the_field(
    emulator: httpx.AsyncClient, raw: bytes, field: str
) -> None:
    response = await emulator.post(GENERATIONS, content=raw)
    message = refusal(response, "createImageTask")
    assert message.startswith(field), message
    assert "out of range" in message  # never a made-up value quoted in its place
    assert len(message) < 200


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"prompt": "x", "external_task_id": "order-\\ud800"}', "body.external_task_id"),
        (b'{"prompt": "x\\udfff"}', "body.prompt"),
        (b'{"prompt": "x", "watermark_info": {"\\ud83d": true}}', "body.watermark_info"),
        (b'{"prompt": "x", "model_name": "kling-\\ud800"}', "body.model_name"),
    ],
    ids=["external_task_id", "prompt", "key", "model_name"],
)
async def test_a_lone_surrogate_is_a_400_naming_the_field(emulator: httpx.AsyncClient, raw: bytes, field: str) -> None:
    # Valid JSON, not valid text: an id holding one could be created but never queried back.
    response = await emulator.post(GENERATIONS, content=raw)
    message = refusal(response, "createImageTask")
    assert message == f"{field}: is not valid Unicode text (it holds a lone surrogate)"


def test_the_sdk_validator_refuses_a_lone_surrogate_and_takes_a_real_emoji() -> None:
    with pytest.raises(RequestValidationError, match=r"^body\.external_task_id: is not valid Unicode text"):
        validate_create_body({"prompt": "x", "external_task_id": "order-\ud83d"})
    validate_create_body({"prompt": "a fox \U0001f98a", "external_task_id": "order-\U0001f98a"})


async def test_a_model_name_of_100000_characters_is_answered_briefly(emulator: httpx.AsyncClient) -> None:
    """Any model name is a valid request; the answer to one the service does not have quotes it in part."""
    name = "kling-" + "v" * 100_000
    validate_create_body({"prompt": "x", "model_name": name})
    response = await emulator.post(GENERATIONS, json={"prompt": "x", "model_name": name})
    assert response.status_code == 404, response.text[:200]
    assert response.json()["code"] == 1203
    assert SPEC.response_errors("createImageTask", 404, response.json()) == []
    assert len(response.text) < 500


def test_a_huge_unknown_field_name_is_quoted_in_part() -> None:
    with pytest.raises(RequestValidationError) as caught:
        validate_create_body({"prompt": "x", "k" * 100_000: 1})
    assert caught.value.rule == "is not a documented field (unknown fields are refused)"
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize("digit", NON_ASCII_DIGITS)
@pytest.mark.parametrize("name", ["pageNum", "pageSize"])
async def test_non_ascii_digits_in_the_list_query_are_a_400(emulator: httpx.AsyncClient, name: str, digit: str) -> None:
    response = await emulator.get(GENERATIONS, params={name: digit})
    assert refusal(response, "listImageTasks").startswith(f"query.{name}: must be of type integer")


async def test_a_list_query_of_thousands_of_digits_is_a_400(emulator: httpx.AsyncClient) -> None:
    response = await emulator.get(GENERATIONS, params={"pageSize": FIVE_THOUSAND_DIGITS})
    assert refusal(response, "listImageTasks").startswith("query.pageSize: is an integer out of range")


@pytest.mark.parametrize("value", ["\u00b2".encode("latin-1"), FIVE_THOUSAND_DIGITS.encode()], ids=["²", "5000"])
async def test_an_odd_content_length_is_never_a_500(emulator: httpx.AsyncClient, value: bytes) -> None:
    # Sent as given: a declared length no client computes, read before the body is.
    request = emulator.build_request("POST", GENERATIONS, content=b'{"prompt": "x"}')
    request.headers["Content-Length"] = value.decode("latin-1")
    response = await emulator.send(request)
    assert response.status_code in (400, 200), response.status_code
    if response.status_code == 400:
        refusal(response, "createImageTask")


@pytest.mark.parametrize("directive", ["html=\u00b2", "error=\u00b2", "error=" + FIVE_THOUSAND_DIGITS])
async def test_an_odd_fault_directive_is_a_400(emulator: httpx.AsyncClient, directive: str) -> None:
    response = await emulator.get(GENERATIONS, headers={b"X-Kling-Emulator-Fault": directive.encode("latin-1")})
    assert "X-Kling-Emulator-Fault" in refusal(response, "listImageTasks")


# -- kling_auth: verifying and signing ---------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(payload: bytes, secret: str = SECRET_KEY) -> str:
    """A validly signed HS256 token with exactly these payload bytes (PyJWT would not write NaN)."""
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(payload)
    signature = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


GOOD_EXP, GOOD_NBF = str(NOW + 600), str(NOW - 5)
ODD_TIMES = ["NaN", "Infinity", "-Infinity", "1e308", "1" + "0" * 30, "-1", '"1750000600"', "true", "null"]


@pytest.mark.parametrize("value", ODD_TIMES)
@pytest.mark.parametrize("claim", ["exp", "nbf"])
def test_an_odd_exp_or_nbf_is_refused_even_when_signed(claim: str, value: str) -> None:
    claims = {"exp": GOOD_EXP, "nbf": GOOD_NBF, claim: value}
    token = forge(f'{{"iss": "{ACCESS_KEY}", "exp": {claims["exp"]}, "nbf": {claims["nbf"]}}}'.encode())
    with pytest.raises(InvalidClaimsError, match=f"'{claim}' claim") as raised:
        verify_token(token, SECRET_KEY, access_key=ACCESS_KEY, now=NOW)
    assert raised.value.api_code == 1002
    assert token not in str(raised.value)
    assert SECRET_KEY not in str(raised.value)


def test_a_well_formed_forged_token_still_passes() -> None:
    # The forger above is right: the same bytes with ordinary times verify.
    token = forge(f'{{"iss": "{ACCESS_KEY}", "exp": {GOOD_EXP}, "nbf": {GOOD_NBF}}}'.encode())
    assert verify_token(token, SECRET_KEY, access_key=ACCESS_KEY, now=NOW)["exp"] == int(GOOD_EXP)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1" + "0" * 30])
async def test_the_emulator_refuses_a_signed_token_whose_exp_never_comes(
    emulator: httpx.AsyncClient, value: str
) -> None:
    token = forge(f'{{"iss": "{ACCESS_KEY}", "exp": {value}, "nbf": {GOOD_NBF}}}'.encode())
    response = await emulator.get(GENERATIONS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["code"] == 1002
    assert "'exp' claim" in response.json()["message"]


@pytest.mark.parametrize("now", [math.nan, math.inf, -math.inf, 1e300, -1.0])
def test_sign_token_refuses_a_clock_that_is_not_a_time(now: float) -> None:
    with pytest.raises(ValueError, match="the clock gave") as raised:
        sign_token(ACCESS_KEY, SECRET_KEY, now=now)
    assert not isinstance(raised.value, OverflowError)


@pytest.mark.parametrize("lifetime", [math.inf, 10**30])
def test_sign_token_never_signs_a_token_that_does_not_expire(lifetime: Any) -> None:
    with pytest.raises(ValueError, match="exp out of range"):
        sign_token(ACCESS_KEY, SECRET_KEY, now=NOW, lifetime=lifetime)


def test_signed_tokens_carry_integer_times_within_range() -> None:
    claims = jwt.decode(sign_token(ACCESS_KEY, SECRET_KEY, now=NOW + 0.9), options={"verify_signature": False})
    assert (claims["exp"], claims["nbf"]) == (NOW + 1800, NOW - 5)


class Clock:
    """A clock that gives a good time, then whatever it is told."""

    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_kling_auth_refuses_a_clock_that_turns_to_nan_instead_of_keeping_the_token(value: float) -> None:
    clock = Clock()
    auth = KlingAuth(ACCESS_KEY, SECRET_KEY, clock=clock)
    assert auth.token()
    clock.now = value
    # With NaN, "now >= expires - margin" is False: the old token would be kept for ever.
    with pytest.raises(ValueError, match="the clock gave"):
        auth.token()


# -- a secret key holding a lone surrogate ------------------------------------------------------------------------


def _refused(build: Callable[[], object]) -> BaseException:
    with pytest.raises(MissingCredentialsError) as raised:
        build()
    assert not isinstance(raised.value, UnicodeError)
    assert SURROGATE_SECRET not in str(raised.value)
    assert "\udcff" not in str(raised.value)
    # Nothing chained either: a UnicodeEncodeError left in __context__ holds the whole key in its .object.
    chained: BaseException | None = raised.value
    while chained is not None:
        assert not isinstance(chained, UnicodeError), repr(chained)
        chained = chained.__cause__ or chained.__context__
    return raised.value


@pytest.mark.parametrize(
    "build",
    [
        lambda: KlingAuth(ACCESS_KEY, SURROGATE_SECRET),
        lambda: resolve_credentials(ACCESS_KEY, SURROGATE_SECRET),
        lambda: kling.Kling(ACCESS_KEY, SURROGATE_SECRET),
        lambda: kling.AsyncKling(ACCESS_KEY, SURROGATE_SECRET),
        lambda: sign_token(ACCESS_KEY, SURROGATE_SECRET),
        lambda: verify_token(sign_token(ACCESS_KEY, SECRET_KEY), SURROGATE_SECRET),
    ],
    ids=["KlingAuth", "resolve_credentials", "Kling", "AsyncKling", "sign_token", "verify_token"],
)
def test_a_secret_key_with_a_lone_surrogate_is_refused_by_name(build: Callable[[], object]) -> None:
    error = _refused(build)
    assert "secret_key" in str(error)
    assert SECRET_KEY_ENV in str(error) or "verify" in str(error) or "sign" in str(error) or "text" in str(error)


def test_a_surrogate_secret_from_the_environment_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ACCESS_KEY_ENV, ACCESS_KEY)
    monkeypatch.setenv(SECRET_KEY_ENV, SURROGATE_SECRET)
    for build in (KlingAuth, kling.Kling):
        error = _refused(build)
        assert isinstance(error, ValueError)
        assert SECRET_KEY_ENV in str(error)


def test_a_surrogate_access_key_is_refused_by_name() -> None:
    assert "access_key" in str(_refused(lambda: kling.Kling("access-\udcff", SECRET_KEY)))


# -- the SDK's arguments --------------------------------------------------------------------------------------------


@pytest.fixture(params=["sync", "async"])
async def sdk(request: pytest.FixtureRequest) -> AsyncIterator[kling.Kling | kling.AsyncKling]:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing may be sent: {request.method} {request.url}")

    transport = httpx.MockTransport(refuse)
    if request.param == "sync":
        with kling.Kling(ACCESS_KEY, SECRET_KEY, httpx_args={"transport": transport}) as client:
            yield client
    else:
        async with kling.AsyncKling(ACCESS_KEY, SECRET_KEY, httpx_args={"transport": transport}) as aclient:
            yield aclient


async def _call(value: Any) -> Any:
    return await value if hasattr(value, "__await__") else value


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"n": 10**5000}, "n"),
        ({"n": -(10**5000)}, "n"),
        ({"image_fidelity": 10**5000}, "image_fidelity"),
        ({"watermark_info": nested(5000)}, "watermark_info"),
    ],
    ids=["n", "negative-n", "image_fidelity", "deep-watermark_info"],
)
async def test_odd_create_arguments_are_a_validation_error_before_sending(
    sdk: kling.Kling | kling.AsyncKling, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(kling.ValidationError) as raised:
        await _call(sdk.images.create("a fox", **fields))
    assert raised.value.field.startswith(field)
    assert len(str(raised.value)) < 300


@pytest.mark.parametrize(
    "page",
    [10**5000, -(10**5000), 2**64, "\uff11", 1.0, True],
    ids=["5000", "-5000", "2**64", "fullwidth", "1.0", "True"],
)
async def test_odd_list_pages_are_a_validation_error_before_sending(
    sdk: kling.Kling | kling.AsyncKling, page: Any
) -> None:
    with pytest.raises(kling.ValidationError) as raised:
        await _call(sdk.images.list(page=page))
    assert raised.value.field == "page"


# -- the CLI ----------------------------------------------------------------------------------------------------------


def run_cli(*args: str, **env: str) -> Result:
    environment: dict[str, str | None] = {ACCESS_KEY_ENV: None, SECRET_KEY_ENV: None, BASE_URL_ENV: None}
    # A closed loopback port: nothing in these tests may get as far as a request.
    return CliRunner().invoke(
        cli, ["--base-url", "http://127.0.0.1:9", *args], env={**environment, **env}, catch_exceptions=False
    )


CLI_INTEGERS = [("images", "list", "--page"), ("images", "list", "--page-size"), ("images", "generate", "x", "--n")]
CLI_FLOATS = [("images", "generate", "x", "--image-fidelity"), ("images", "wait", "some-task", "--timeout")]
CLI_CASES = [(command, value) for command in CLI_INTEGERS for value in [*NON_ASCII_DIGITS, FIVE_THOUSAND_DIGITS]] + [
    (command, value) for command in CLI_FLOATS for value in [*NON_ASCII_DIGITS, "\u0660.5", "nan", "inf", "1e999"]
]


@pytest.mark.parametrize(("command", "value"), CLI_CASES, ids=[f"{c[-1]}-{v[:6]!r}" for c, v in CLI_CASES])
def test_cli_number_options_refuse_odd_digits_as_a_usage_error(command: tuple[str, ...], value: str) -> None:
    result = run_cli(*command, value)
    assert result.exit_code == USAGE, result.output
    assert f"Invalid value for '{command[-1]}'" in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr) < 600


@pytest.mark.parametrize("command", [("auth", "token"), ("images", "list"), ("auth", "verify", "eyJ.eyJ.x")])
def test_cli_refuses_a_surrogate_secret_key_naming_the_variable(command: tuple[str, ...]) -> None:
    result = run_cli(*command, KLING_ACCESS_KEY=ACCESS_KEY, KLING_SECRET_KEY=SURROGATE_SECRET)
    assert result.exit_code == USAGE, result.output
    # Refused where the CLI reads the environment, before kling_auth would refuse it too.
    assert result.stderr.startswith(f"error: {SECRET_KEY_ENV} holds a byte that is not UTF-8")
    assert "odd-values-secret" not in result.output
    assert result.stdout == ""


# -- integers the spec says are int64 -------------------------------------------------------------------------------


def test_a_timestamp_beyond_int64_breaks_the_spec() -> None:
    body = SPEC.examples("getImageTask", 200)["succeed"]
    too_big = {**body, "data": {**body["data"], "created_at": 10**30}}
    assert SPEC.response_errors("getImageTask", 200, body) == []
    assert any("created_at" in error for error in SPEC.response_errors("getImageTask", 200, too_big))


def test_the_cli_shows_a_timestamp_datetime_cannot_hold_instead_of_crashing() -> None:
    from kling.cli._output import _timestamp

    assert _timestamp(2**62) == f"{2**62} ms"
    assert _timestamp(1722769557708) == "2024-08-04 11:05:57 UTC"


@pytest.mark.parametrize("name", ["\u00b2", "\u0661", "9" * 5000])
async def test_an_image_name_of_odd_digits_is_a_404_never_a_500(name: str) -> None:
    now = [float(NOW)]
    app = create_app(keys={ACCESS_KEY: SECRET_KEY}, clock=lambda: now[0], tick_interval=None, succeed_after=1)
    headers = {"Authorization": f"Bearer {sign_token(ACCESS_KEY, SECRET_KEY, now=NOW)}"}
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers) as client:
        created = await client.post(GENERATIONS, json={"prompt": "a fox", "n": 2})
        task_id = created.json()["data"]["task_id"]
        now[0] += 60
        task = (await client.get(f"{GENERATIONS}/{task_id}")).json()["data"]
        first = httpx.URL(task["task_result"]["images"][0]["url"])
        assert (await client.get(first.path)).status_code == 200
        odd = await client.get(first.path.replace("/0.png", f"/{name}.png"))
    assert odd.status_code == 404
