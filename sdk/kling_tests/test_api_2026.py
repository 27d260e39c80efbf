"""The API as its publisher documents it in 2026: what today's API accepts is never refused by the SDK.

Model names are open, per-model capability is the server's call (warned about, refused only on request), the
new fields are sent as given, and the static API key authenticates as documented.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import kling
import kling_spec
import pytest
from kling import AsyncKling, Kling
from kling_api.models import (
    CreateImageTaskRequest,
    ElementReference,
    FinalBalanceDeduction,
    ModelName,
    TaskInfo,
    TaskResult,
    WatermarkInfo,
)

from testsupport.spec_mock import ACCESS_KEY, BASE_URL, SECRET_KEY, SpecMock

from ._helpers import CREATE_TASK, GET_TASK, SPEC, AnyKling, b64, call, image_file_bytes, sent_bodies

PNG_300 = b64(image_file_bytes(300, 300))
API_KEY = "contract-test-api-key-0123456789abcdef"


@pytest.fixture
def accepted(mock: SpecMock) -> SpecMock:
    mock.replay(CREATE_TASK, (200, "submitted"))
    return mock


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "kling" and record.levelno == 30]


# -- the requests the 2026 docs accept go out as they are --------------------------------------------------------

TODAYS_REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("kling-v3, the default model", {"model_name": "kling-v3"}),
    (
        "kling-v2-1 with a subject reference",
        {"model_name": "kling-v2-1", "image": PNG_300, "image_reference": "subject"},
    ),
    ("kling-v2-1 with a face reference", {"model_name": "kling-v2-1", "image": PNG_300, "image_reference": "face"}),
    ("kling-v2-1 fidelity", {"model_name": "kling-v2-1", "image": PNG_300, "image_fidelity": 0.7}),
    ("21:9 with no model", {"aspect_ratio": "21:9"}),
    ("2k with no model", {"resolution": "2k"}),
    ("elements on kling-v3", {"model_name": "kling-v3", "element_list": [{"element_id": 829101482390}]}),
    ("plain image to image", {"image": PNG_300}),
]


@pytest.mark.parametrize("fields", [r[1] for r in TODAYS_REQUESTS], ids=[r[0] for r in TODAYS_REQUESTS])
async def test_what_todays_api_accepts_is_sent_without_a_warning(
    client: AnyKling, accepted: SpecMock, caplog: pytest.LogCaptureFixture, fields: dict[str, Any]
) -> None:
    with caplog.at_level(logging.WARNING, logger="kling"):
        await call(client.images.create("a cat", **fields))
    [body] = sent_bodies(accepted)
    for name, value in fields.items():
        assert body[name] == value
    assert _warnings(caplog) == []


async def test_no_model_given_sends_none_so_the_server_default_applies(client: AnyKling, accepted: SpecMock) -> None:
    await call(client.images.create("a cat"))
    [body] = sent_bodies(accepted)
    assert "model_name" not in body
    assert kling_spec.default_model() == "kling-v3"


async def test_an_unknown_model_goes_out_unchanged_and_the_server_answers(
    client: AnyKling, mock: SpecMock, caplog: pytest.LogCaptureFixture
) -> None:
    mock.replay(CREATE_TASK, (404, "resourceNotFound"))
    with caplog.at_level(logging.WARNING, logger="kling"), pytest.raises(kling.NotFoundError) as raised:
        await call(client.images.create("a cat", model_name="kling-v9"))
    [body] = sent_bodies(mock)
    assert body["model_name"] == "kling-v9"
    assert (raised.value.http_status, raised.value.code) == (404, 1203)
    [warning] = _warnings(caplog)
    assert "'kling-v9' is not a model this client's spec knows" in warning
    assert "kling-v3" in warning


async def test_a_retired_model_is_sent_with_a_warning_naming_its_source(
    client: AnyKling, accepted: SpecMock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="kling"):
        await call(client.images.create("a cat", model_name="kling-v1"))
    assert sent_bodies(accepted)[0]["model_name"] == "kling-v1"
    [warning] = _warnings(caplog)
    assert "'kling-v1' is retired" in warning
    assert "GEN21" in warning


def test_unknown_model_names_parse_to_a_member_equal_to_the_string() -> None:
    request = CreateImageTaskRequest.from_dict({"prompt": "a cat", "model_name": "kling-v9"})
    assert request.model_name == "kling-v9"
    assert isinstance(request.model_name, ModelName)
    assert not request.model_name.is_known
    assert request.to_dict()["model_name"] == "kling-v9"
    assert [member.value for member in ModelName] == ["kling-v2-1", "kling-v3"]


# -- per-model capability: the server's call, refused only on request ---------------------------------------------

BEYOND_THE_MODEL: list[tuple[str, dict[str, Any], str]] = [
    (
        "subject reference on kling-v3",
        {"model_name": "kling-v3", "image": PNG_300, "image_reference": "subject"},
        "image_reference",
    ),
    ("face reference, default model", {"image": PNG_300, "image_reference": "face"}, "image_reference"),
    ("fidelity on kling-v3", {"model_name": "kling-v3", "image": PNG_300, "image_fidelity": 0.5}, "image_fidelity"),
    ("elements on kling-v2-1", {"model_name": "kling-v2-1", "element_list": [{"element_id": 1}]}, "element_list"),
]


@pytest.mark.parametrize(("fields", "field"), [r[1:] for r in BEYOND_THE_MODEL], ids=[r[0] for r in BEYOND_THE_MODEL])
async def test_beyond_a_models_capabilities_is_warned_about_and_sent(
    client: AnyKling, accepted: SpecMock, caplog: pytest.LogCaptureFixture, fields: dict[str, Any], field: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="kling"):
        await call(client.images.create("a cat", **fields))
    [body] = sent_bodies(accepted)
    assert body[field] == fields[field]
    [warning] = _warnings(caplog)
    assert warning.startswith(f"{field} is not supported by ")
    assert "the server decides" in warning
    assert PNG_300[:40] not in warning  # a warning names fields, never an image payload


@pytest.mark.parametrize(("fields", "field"), [r[1:] for r in BEYOND_THE_MODEL], ids=[r[0] for r in BEYOND_THE_MODEL])
async def test_strict_capabilities_refuses_it_before_sending(
    make: Callable[..., AnyKling], accepted: SpecMock, fields: dict[str, Any], field: str
) -> None:
    client = make(strict_capabilities=True)
    with pytest.raises(kling.ValidationError) as raised:
        await call(client.images.create("a cat", **fields))
    assert raised.value.field == field
    assert "is not supported by kling-" in raised.value.rule
    assert accepted.raw_requests == []


async def test_strict_capabilities_still_sends_unknown_models(
    make: Callable[..., AnyKling], accepted: SpecMock
) -> None:
    # Nothing is known of a model the spec does not list: the server decides, even in strict mode.
    client = make(strict_capabilities=True)
    await call(client.images.create("a cat", model_name="kling-v9", image_reference="face", image=PNG_300))
    assert sent_bodies(accepted)[0]["model_name"] == "kling-v9"


async def test_strict_capabilities_checks_every_item_of_a_batch_before_sending(
    make: Callable[..., AnyKling], accepted: SpecMock
) -> None:
    client = make(strict_capabilities=True)
    with pytest.raises(kling.ValidationError) as raised:
        await call(
            client.images.generate_many(["a cat", "a dog"], model_name="kling-v2-1", element_list=[{"element_id": 1}])
        )
    assert raised.value.field == "items[0].element_list"
    assert accepted.raw_requests == []


def test_strict_capabilities_must_be_a_boolean() -> None:
    with pytest.raises(kling.ValidationError) as raised:
        Kling(ACCESS_KEY, SECRET_KEY, strict_capabilities="yes")  # type: ignore[arg-type]
    assert raised.value.field == "strict_capabilities"


# -- element_list ---------------------------------------------------------------------------------------------


async def test_elements_are_taken_as_mappings_or_models(client: AnyKling, accepted: SpecMock) -> None:
    await call(
        client.images.create(
            "a cat", element_list=[{"element_id": 1}, ElementReference(element_id=2)], watermark_info={"enabled": True}
        )
    )
    [body] = sent_bodies(accepted)
    assert body["element_list"] == [{"element_id": 1}, {"element_id": 2}]
    assert body["watermark_info"] == {"enabled": True}


# -- the answers' new fields are typed ------------------------------------------------------------------------------


async def test_the_new_answer_fields_are_typed(client: AnyKling, mock: SpecMock) -> None:
    mock.replay(GET_TASK, (200, "succeed"))
    task = await call(client.images.get("783510947463159851"))
    assert task.final_unit_deduction == "8"
    assert isinstance(task.final_balance_deduction, FinalBalanceDeduction)
    assert (task.final_balance_deduction.quota, task.final_balance_deduction.list_price) == ("0.028", "0.028")
    assert task.final_balance_deduction.additional_properties == {}
    assert isinstance(task.watermark_info, WatermarkInfo)
    assert task.watermark_info.enabled is True
    assert isinstance(task.task_info, TaskInfo)
    assert task.task_info.external_task_id == "my-order-42"
    assert isinstance(task.task_result, TaskResult)
    assert isinstance(task.task_result.images, list)
    [image] = task.task_result.images
    assert str(image.watermark_url).endswith("-wm.png")
    assert task.additional_properties == {}


# -- the static API key --------------------------------------------------------------------------------------------


@pytest.fixture
def api_key_mock() -> SpecMock:
    mock = SpecMock(SPEC, api_key=API_KEY)
    mock.replay(GET_TASK, (200, "succeed"))
    return mock


@pytest.mark.parametrize("flavor", ["sync", "async"])
async def test_the_api_key_is_sent_as_a_bearer_value(api_key_mock: SpecMock, flavor: str) -> None:
    cls = Kling if flavor == "sync" else AsyncKling
    client = cls(api_key=API_KEY, base_url=BASE_URL, httpx_args={"transport": api_key_mock.transport})
    task = await call(client.images.get("783510947463159851"))
    assert task.task_status == "succeed"
    assert [request.headers["authorization"] for request in api_key_mock.raw_requests] == [f"Bearer {API_KEY}"]
    assert client.auth_mode == "api_key"
    assert API_KEY not in repr(client)
    if isinstance(client, AsyncKling):
        await client.aclose()
    else:
        client.close()


def test_kling_api_key_in_the_environment_is_used(monkeypatch: pytest.MonkeyPatch, api_key_mock: SpecMock) -> None:
    monkeypatch.setenv("KLING_API_KEY", API_KEY)
    with Kling(base_url=BASE_URL, httpx_args={"transport": api_key_mock.transport}) as client:
        client.images.get("783510947463159851")
    assert client.auth_mode == "api_key"
    assert api_key_mock.raw_requests[0].headers["authorization"] == f"Bearer {API_KEY}"


# Which mode wins: (arguments, environment) -> mode. Explicit arguments beat the environment; at the same level
# the API key beats the pair (the publisher's recommendation).
PRECEDENCE: list[tuple[str, dict[str, str], dict[str, str], str]] = [
    ("api key argument", {"api_key": API_KEY}, {}, "api_key"),
    ("pair arguments", {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY}, {}, "jwt"),
    ("both as arguments", {"api_key": API_KEY, "access_key": ACCESS_KEY, "secret_key": SECRET_KEY}, {}, "api_key"),
    (
        "both in the environment",
        {},
        {"KLING_API_KEY": API_KEY, "KLING_ACCESS_KEY": ACCESS_KEY, "KLING_SECRET_KEY": SECRET_KEY},
        "api_key",
    ),
    (
        "pair arguments beat an api key in the environment",
        {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY},
        {"KLING_API_KEY": API_KEY},
        "jwt",
    ),
    (
        "api key argument beats a pair in the environment",
        {"api_key": API_KEY},
        {"KLING_ACCESS_KEY": ACCESS_KEY, "KLING_SECRET_KEY": SECRET_KEY},
        "api_key",
    ),
    ("pair in the environment", {}, {"KLING_ACCESS_KEY": ACCESS_KEY, "KLING_SECRET_KEY": SECRET_KEY}, "jwt"),
]


@pytest.mark.parametrize(
    ("arguments", "environment", "mode"), [r[1:] for r in PRECEDENCE], ids=[r[0] for r in PRECEDENCE]
)
def test_which_auth_mode_wins(
    monkeypatch: pytest.MonkeyPatch, arguments: dict[str, str], environment: dict[str, str], mode: str
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with Kling(**arguments) as client:  # type: ignore[arg-type]
        assert client.auth_mode == mode


@pytest.mark.parametrize(
    ("api_key", "rule"),
    [
        ("", "is empty"),
        (" sk-9f8e7d ", "whitespace"),
        ("clé-ñ", "cannot carry"),
        ("a\nb", "cannot carry"),
        ("\ud800x", "cannot carry"),
    ],
    ids=["empty", "spaces", "non-ascii", "newline", "surrogate"],
)
def test_an_unusable_api_key_is_refused_without_echoing_it(api_key: str, rule: str) -> None:
    with pytest.raises(kling.MissingCredentialsError) as raised:
        Kling(api_key=api_key)
    assert rule in str(raised.value)
    if api_key.strip():
        assert api_key.strip() not in str(raised.value)


def test_no_credentials_at_all_names_both_modes() -> None:
    with pytest.raises(kling.MissingCredentialsError) as raised:
        Kling()
    message = str(raised.value)
    assert "KLING_API_KEY" in message
    assert "KLING_ACCESS_KEY" in message
