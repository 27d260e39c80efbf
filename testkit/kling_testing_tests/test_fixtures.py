"""The fixtures as a user's test sees them: images end to end, faults as the SDK's typed errors, the timeline,
both auth modes, signed callbacks.

These tests request the plugin's fixtures (``kling_emulator``, the clients, ``kling_callback_receiver``) from the
installed plugin, like any user's test (this package's conftest only adds the secret guard).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import httpx
import kling
import pytest
from kling import (
    APIConnectionError,
    APITimeoutError,
    AsyncKling,
    AuthenticationError,
    Kling,
    RateLimitError,
    ServerError,
    TaskFailedError,
    TaskTimeoutError,
    WebhookSignatureError,
)
from kling._errors import error_class_for
from kling_api.models import TaskStatus
from kling_auth._constants import RESIGN_ON_CODES
from kling_spec import DocumentedError, documented_errors
from kling_testing import CallbackReceiver, KlingEmulator, ReceivedCallback
from PIL import Image
from standardwebhooks import Webhook

PROMPT = "a lighthouse at dusk"


@pytest.fixture
def no_retries(kling_emulator: KlingEmulator) -> Iterator[Kling]:
    """A client that raises at the first failure: no backoff sleeps in these tests."""
    with Kling(
        kling_emulator.access_key, kling_emulator.secret_key, base_url=kling_emulator.base_url, max_retries=0
    ) as client:
        yield client


# -- images end to end ---------------------------------------------------------------------------------------


def test_kling_client_generates_and_downloads_images(kling_client: Kling, tmp_path: Path) -> None:
    task = kling_client.images.generate(PROMPT, n=2, aspect_ratio="16:9")
    paths = kling_client.images.download(task, tmp_path)
    assert [path.parent for path in paths] == [tmp_path, tmp_path]
    for path in paths:
        with Image.open(path) as image:
            assert (image.format, image.size) == ("PNG", (1024, 576))


async def test_async_kling_client_generates_and_downloads_images(
    async_kling_client: AsyncKling, tmp_path: Path
) -> None:
    task = await async_kling_client.images.generate(PROMPT, aspect_ratio="1:1")
    [path] = await async_kling_client.images.download(task, tmp_path)
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", (1024, 1024))


def test_the_clients_are_bound_to_the_emulator(kling_emulator: KlingEmulator, kling_client: Kling) -> None:
    assert kling_client.base_url == kling_emulator.base_url
    assert httpx.URL(kling_emulator.base_url).host == "127.0.0.1"  # loopback only
    kling_client.images.create(PROMPT)
    assert kling_emulator.task_count == 1


def test_tasks_end_at_once_by_default(kling_client: Kling) -> None:
    created = kling_client.images.create(PROMPT)
    assert kling_client.images.get(created.task_id).task_status is TaskStatus.SUCCEED


def test_the_environment_points_code_at_the_emulator(
    kling_emulator: KlingEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in kling_emulator.env().items():
        monkeypatch.setenv(name, value)
    with Kling() as client:
        client.images.create(PROMPT)
    assert kling_emulator.task_count == 1


# -- faults, as the SDK's typed errors -----------------------------------------------------------------------


#: Every documented code but those the auth plugin answers itself (it re-signs and resends once: the resent
#: request is not the injected one).
INJECTABLE = [row for row in documented_errors().values() if row.code not in RESIGN_ON_CODES]


@pytest.mark.parametrize("row", INJECTABLE, ids=[str(row.code) for row in INJECTABLE])
def test_an_injected_error_code_reaches_the_sdk_as_its_type(
    kling_emulator: KlingEmulator, no_retries: Kling, row: DocumentedError
) -> None:
    kling_emulator.inject_next(error=row.code)
    # The class the SDK derives from the spec's error table (sdk/kling_tests/test_errors.py checks the derivation).
    with pytest.raises(error_class_for(row.status, row.code)) as raised:
        no_retries.images.list()
    assert (raised.value.http_status, raised.value.code, raised.value.retryable) == (
        row.status,
        row.code,
        row.retryable,
    )
    no_retries.images.list()  # the next request only


def test_an_html_gateway_page_is_a_server_error(kling_emulator: KlingEmulator, no_retries: Kling) -> None:
    kling_emulator.inject_next(html=502)
    with pytest.raises(ServerError) as raised:
        no_retries.images.list()
    assert raised.value.http_status == 502


@pytest.mark.parametrize(("drop", "tasks_created"), [("before", 0), ("after", 1)])
def test_a_dropped_connection_is_a_connection_error(
    kling_emulator: KlingEmulator, no_retries: Kling, drop: Literal["before", "after"], tasks_created: int
) -> None:
    kling_emulator.inject_next(drop=drop)
    with pytest.raises(APIConnectionError):
        no_retries.images.create(PROMPT)
    assert kling_emulator.task_count == tasks_created  # "after": the task was made, its answer lost


def test_latency_past_the_clients_timeout_is_a_timeout(kling_emulator: KlingEmulator) -> None:
    # The answer cannot come before 1 s; the client gives up after 0.2 s.
    kling_emulator.inject_next(latency=1)
    with (
        Kling(
            kling_emulator.access_key,
            kling_emulator.secret_key,
            base_url=kling_emulator.base_url,
            timeout=0.2,
            max_retries=0,
        ) as client,
        pytest.raises(APITimeoutError),
    ):
        client.images.list()


def test_faults_go_to_the_next_requests_in_order(kling_emulator: KlingEmulator, no_retries: Kling) -> None:
    kling_emulator.inject_next(2, error=5001)
    kling_emulator.inject_next(error=1102)
    for expected in (5001, 5001, 1102):
        with pytest.raises(kling.APIError) as raised:
            no_retries.images.list()
        assert raised.value.code == expected
    no_retries.images.list()


def test_the_sdk_retries_through_injected_faults(kling_emulator: KlingEmulator, kling_client: Kling) -> None:
    # The create's answer is lost after the task was made: the SDK finds it by its external_task_id.
    kling_emulator.inject_next(drop="after")
    task = kling_client.images.generate(PROMPT)
    assert task.task_status is TaskStatus.SUCCEED
    assert kling_emulator.task_count == 1


def test_downloads_are_never_faulted(kling_emulator: KlingEmulator, no_retries: Kling, tmp_path: Path) -> None:
    task = no_retries.images.generate(PROMPT)
    kling_emulator.inject_next(error=5000)
    assert len(no_retries.images.download(task, tmp_path)) == 1
    with pytest.raises(ServerError):  # still waiting for the next API request
        no_retries.images.list()


def test_moderation_fails_the_next_task_created(kling_emulator: KlingEmulator, kling_client: Kling) -> None:
    kling_emulator.moderate_next()
    kling_client.images.list()  # a request that creates nothing does not use it up
    with pytest.raises(TaskFailedError) as raised:
        kling_client.images.generate(PROMPT)
    assert raised.value.task_status_msg == "Failure to pass the risk control system"
    assert kling_client.images.generate(PROMPT).task_status is TaskStatus.SUCCEED


def test_fault_rates_apply_to_every_request(kling_emulator: KlingEmulator, no_retries: Kling) -> None:
    kling_emulator.set_fault_rates(error_rate=1.0, error_codes=[5002])
    for _ in range(3):
        with pytest.raises(ServerError) as raised:
            no_retries.images.list()
        assert raised.value.code == 5002
    kling_emulator.set_fault_rates()
    no_retries.images.list()


def test_a_moderation_rate_fails_tasks(kling_emulator: KlingEmulator, kling_client: Kling) -> None:
    kling_emulator.set_fault_rates(moderation_rate=1.0)
    with pytest.raises(TaskFailedError):
        kling_client.images.generate(PROMPT)


def test_seeded_fault_rates_repeat_the_same_faults(kling_emulator: KlingEmulator, no_retries: Kling) -> None:
    def outcomes() -> list[bool]:
        kling_emulator.set_fault_rates(error_rate=0.5, seed=7)
        seen = []
        for _ in range(12):
            try:
                no_retries.images.list()
            except ServerError:
                seen.append(False)
            else:
                seen.append(True)
        return seen

    first = outcomes()
    assert True in first
    assert False in first
    assert outcomes() == first


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"error": 42}, "documented error code"),
        ({"html": 404}, "html must be one of"),
        ({"latency": -1.0}, "latency must be a finite number of seconds >= 0"),
        ({"stall": float("nan")}, "stall must be a finite number of seconds >= 0"),
        ({"latency": 3600.0}, "latency must be in"),
        ({}, "say what goes wrong"),
    ],
)
def test_a_fault_the_emulator_does_not_know_is_refused(
    kling_emulator: KlingEmulator, no_retries: Kling, fault: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        kling_emulator.inject_next(**fault)  # type: ignore[arg-type]
    no_retries.images.list()  # nothing was queued


@pytest.mark.parametrize("times", [0, -1])
def test_times_must_be_positive(kling_emulator: KlingEmulator, times: int) -> None:
    with pytest.raises(ValueError, match="times must be an integer >= 1"):
        kling_emulator.inject_next(times, error=5000)
    with pytest.raises(ValueError, match="times must be an integer >= 1"):
        kling_emulator.moderate_next(times)


def test_a_rate_outside_zero_to_one_is_refused(kling_emulator: KlingEmulator) -> None:
    with pytest.raises(ValueError, match="error_rate"):
        kling_emulator.set_fault_rates(error_rate=1.5)


# -- timeline and quota --------------------------------------------------------------------------------------


def test_the_timeline_sets_each_status(kling_emulator: KlingEmulator, kling_client: Kling) -> None:
    kling_emulator.set_timeline(processing_after=60, succeed_after=120)
    submitted = kling_client.images.create(PROMPT)
    kling_emulator.set_timeline(processing_after=0, succeed_after=60)
    processing = kling_client.images.create(PROMPT)
    assert kling_client.images.get(submitted.task_id).task_status is TaskStatus.SUBMITTED
    assert kling_client.images.get(processing.task_id).task_status is TaskStatus.PROCESSING
    with pytest.raises(TaskTimeoutError) as raised:
        kling_client.images.wait(processing.task_id, deadline=0)
    assert raised.value.last_status == "processing"


def test_a_timeline_that_ends_before_processing_is_refused(kling_emulator: KlingEmulator, kling_client: Kling) -> None:
    with pytest.raises(ValueError, match="processing_after <= succeed_after"):
        kling_emulator.set_timeline(processing_after=5, succeed_after=1)
    created = kling_client.images.create(PROMPT)  # nothing changed: tasks still end at once
    assert kling_client.images.get(created.task_id).task_status is TaskStatus.SUCCEED


def test_a_timeline_given_in_part_keeps_the_rest(kling_emulator: KlingEmulator, kling_client: Kling) -> None:
    kling_emulator.set_timeline(processing_after=30)  # the end moves along: never before processing
    slow = kling_client.images.create(PROMPT)
    assert kling_client.images.get(slow.task_id).task_status is TaskStatus.SUBMITTED
    kling_emulator.set_timeline(processing_after=0)  # the end stays at 30 s
    started = kling_client.images.create(PROMPT)
    assert kling_client.images.get(started.task_id).task_status is TaskStatus.PROCESSING


def test_slots_bound_the_tasks_running_at_once(kling_emulator: KlingEmulator, no_retries: Kling) -> None:
    kling_emulator.set_slots(2)
    kling_emulator.set_timeline(succeed_after=60)
    no_retries.images.create(PROMPT, n=2)
    with pytest.raises(RateLimitError) as raised:
        no_retries.images.create(PROMPT)
    assert raised.value.code == 1303
    assert kling_emulator.task_count == 1


def test_slots_below_one_are_refused(kling_emulator: KlingEmulator) -> None:
    with pytest.raises(ValueError, match="slots"):
        kling_emulator.set_slots(0)


# -- the API key ---------------------------------------------------------------------------------------------

#: A key "your app" reads from its own settings (the guard looks for *_API_KEY names in every log and file).
MY_APP_API_KEY = "my-app-api-key-0123456789"
#: A webhook secret "your app" was configured with (whsec_ + Base64 of 32 bytes).
MY_APP_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"my-app-webhook-secret-32-bytes!!").decode()


def test_kling_api_key_client_generates_and_downloads_images(
    kling_api_key_client: Kling, kling_emulator: KlingEmulator, tmp_path: Path
) -> None:
    assert kling_api_key_client.auth_mode == "api_key"
    assert kling_api_key_client.base_url == kling_emulator.base_url
    task = kling_api_key_client.images.generate(PROMPT, n=2, aspect_ratio="1:1")
    paths = kling_api_key_client.images.download(task, tmp_path)
    assert len(paths) == 2
    assert kling_emulator.task_count == 1


async def test_async_kling_api_key_client_generates_images(async_kling_api_key_client: AsyncKling) -> None:
    assert async_kling_api_key_client.auth_mode == "api_key"
    task = await async_kling_api_key_client.images.generate(PROMPT)
    assert task.task_status is TaskStatus.SUCCEED


def test_both_modes_reach_the_same_account(kling_api_key_client: Kling, kling_client: Kling) -> None:
    assert kling_client.auth_mode == "jwt"
    created = kling_api_key_client.images.create(PROMPT)
    assert kling_client.images.get(created.task_id).task_id == created.task_id


def test_a_wrong_api_key_is_an_authentication_error(kling_emulator: KlingEmulator) -> None:
    with (
        Kling(api_key=MY_APP_API_KEY, base_url=kling_emulator.base_url, max_retries=0) as client,
        pytest.raises(AuthenticationError) as raised,
    ):
        client.images.list()
    assert (raised.value.http_status, raised.value.code) == (401, 1002)
    assert MY_APP_API_KEY not in str(raised.value)


def test_set_api_key_accepts_the_key_your_code_has(kling_emulator: KlingEmulator, kling_api_key_client: Kling) -> None:
    kling_emulator.set_api_key(MY_APP_API_KEY)
    assert kling_emulator.api_key == MY_APP_API_KEY
    with Kling(api_key=MY_APP_API_KEY, base_url=kling_emulator.base_url) as client:
        client.images.create(PROMPT)
    with pytest.raises(AuthenticationError):  # the session's key is no longer the one accepted
        kling_api_key_client.images.list()
    with pytest.raises(ValueError, match="spaces") as refused:
        kling_emulator.set_api_key("my key with spaces")
    assert "my key" not in str(refused.value)


def test_the_environment_points_code_at_the_emulator_with_the_api_key(
    kling_emulator: KlingEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLING_API_KEY", MY_APP_API_KEY)  # a key of the developer's own, shadowed by env()
    for name, value in kling_emulator.env().items():
        monkeypatch.setenv(name, value)
    assert kling_emulator.env()["KLING_API_KEY"] == kling_emulator.api_key
    with Kling() as client:
        assert client.auth_mode == "api_key"
        client.images.create(PROMPT)
    assert kling_emulator.task_count == 1


# -- signed callbacks ------------------------------------------------------------------------------------------


def _wait_for_task(receiver: CallbackReceiver, count: int = 3) -> list[ReceivedCallback]:
    received = receiver.wait_for(count)
    assert [callback.json()["task_status"] for callback in received] == ["submitted", "processing", "succeed"]
    return received


def test_signed_callbacks_verify_with_the_secret(
    kling_emulator: KlingEmulator, kling_client: Kling, kling_callback_receiver: CallbackReceiver
) -> None:
    assert kling_emulator.webhook_secret is None  # unsigned unless asked
    secret = kling_emulator.sign_callbacks()
    assert secret.startswith("whsec_")
    assert kling_emulator.webhook_secret == secret
    created = kling_client.images.create(PROMPT, callback_url=kling_callback_receiver.url)

    for callback in _wait_for_task(kling_callback_receiver):
        assert callback.signed
        parsed = kling.parse_callback(callback.body, headers=callback.headers, secret=secret)
        assert parsed.task_id == created.task_id
        Webhook(secret).verify(callback.body, callback.headers)  # the publisher's recommended library agrees
        forged = callback.body.replace(created.task_id.encode(), b"1" * len(created.task_id))
        with pytest.raises(WebhookSignatureError):  # a changed body does not verify
            kling.parse_callback(forged, headers=callback.headers, secret=secret)
        with pytest.raises(WebhookSignatureError):  # nor another secret
            kling.parse_callback(callback.body, headers=callback.headers, secret=MY_APP_WEBHOOK_SECRET)


def test_callbacks_can_be_signed_with_your_apps_secret(
    kling_emulator: KlingEmulator, kling_client: Kling, kling_callback_receiver: CallbackReceiver
) -> None:
    assert kling_emulator.sign_callbacks(MY_APP_WEBHOOK_SECRET) == MY_APP_WEBHOOK_SECRET
    kling_client.images.create(PROMPT, callback_url=kling_callback_receiver.url)
    for callback in _wait_for_task(kling_callback_receiver):
        kling.parse_callback(callback.body, headers=callback.headers, secret=MY_APP_WEBHOOK_SECRET)


def test_callbacks_are_unsigned_by_default(kling_client: Kling, kling_callback_receiver: CallbackReceiver) -> None:
    kling_client.images.create(PROMPT, callback_url=kling_callback_receiver.url)
    for callback in _wait_for_task(kling_callback_receiver):
        assert not callback.signed
        assert not [name for name in callback.headers if name.startswith("webhook-")]
        kling.parse_callback(callback.body)  # unauthenticated: a hint to confirm by querying the task


def test_a_webhook_secret_that_is_not_one_is_refused_unseen(kling_emulator: KlingEmulator) -> None:
    with pytest.raises(ValueError, match="whsec_") as refused:
        kling_emulator.sign_callbacks("not-a-webhook-secret")
    assert "not-a-webhook-secret" not in str(refused.value)
    assert kling_emulator.webhook_secret is None


def test_the_receiver_says_when_callbacks_do_not_come(kling_callback_receiver: CallbackReceiver) -> None:
    assert kling_callback_receiver.url.startswith("http://127.0.0.1:")
    with pytest.raises(AssertionError, match="0 callback"):
        kling_callback_receiver.wait_for(1, timeout=0.05)
    assert kling_callback_receiver.callbacks == []


# -- secrets never shown ---------------------------------------------------------------------------------------


def test_the_repr_never_shows_a_secret(kling_emulator: KlingEmulator) -> None:
    assert kling_emulator.secret_key
    secret = kling_emulator.sign_callbacks()
    for text in (
        repr(kling_emulator),
        str(kling_emulator),
        f"{kling_emulator!r}",
        repr(kling_emulator.emulator.config),
    ):
        for hidden in (kling_emulator.secret_key, kling_emulator.api_key, secret, secret.removeprefix("whsec_")):
            assert hidden not in text
    assert kling_emulator.base_url in repr(kling_emulator)
    assert kling_emulator.access_key in repr(kling_emulator)
