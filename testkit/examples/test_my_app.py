"""What a user of kling-client writes to test their own code offline: this file alone, in a folder of its own.

No conftest.py, no setup: installing ``kling-client[emulator]`` (and pytest-asyncio for the async test) gives
pytest the fixtures ``kling_emulator``, ``kling_client`` / ``kling_api_key_client`` (JWTs / the API key),
``async_kling_client`` and ``kling_callback_receiver``. The project's own suite copies this file into an empty
folder and runs pytest there (testkit/kling_testing_tests/test_plugin.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import kling
import pytest
from kling import AccountError, AsyncKling, Kling, TaskFailedError, TaskTimeoutError, WebhookVerificationError
from kling_testing import CallbackReceiver, KlingEmulator
from PIL import Image

# -- the application code under test (in a real project it lives in your package) --------------------------


def make_poster(client: Kling, prompt: str, directory: Path) -> list[Path]:
    """Generate two 16:9 images and save them."""
    task = client.images.generate(prompt, n=2, aspect_ratio="16:9")
    return client.images.download(task, directory)


async def make_poster_async(client: AsyncKling, prompt: str, directory: Path) -> list[Path]:
    task = await client.images.generate(prompt, n=2, aspect_ratio="16:9")
    return await client.images.download(task, directory)


def poster_or_none(client: Kling, prompt: str, directory: Path) -> list[Path] | None:
    """None when moderation refuses the image, instead of an exception."""
    try:
        return make_poster(client, prompt, directory)
    except TaskFailedError:
        return None


def is_ready(client: Kling, prompt: str) -> bool:
    """Submit, then look once: done already?"""
    created = client.images.create(prompt)
    try:
        client.images.wait(created.task_id, deadline=0)
    except TaskTimeoutError:
        return False
    return True


def handle_webhook(body: bytes, headers: Mapping[str, str], secret: str) -> str:
    """Your callback endpoint: verify the signature over the raw body, then use the task; its status."""
    callback = kling.parse_callback(body, headers=headers, secret=secret)  # WebhookVerificationError: answer 4xx
    return callback.task_status.value


# -- the tests ----------------------------------------------------------------------------------------------


def _assert_posters(paths: list[Path]) -> None:
    assert len(paths) == 2
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.width > image.height  # 16:9


def test_poster(kling_client: Kling, tmp_path: Path) -> None:
    _assert_posters(make_poster(kling_client, "a lighthouse at dusk", tmp_path))


@pytest.mark.asyncio
async def test_poster_async(async_kling_client: AsyncKling, tmp_path: Path) -> None:
    _assert_posters(await make_poster_async(async_kling_client, "a lighthouse at dusk", tmp_path))


def test_poster_survives_a_server_outage(kling_client: Kling, kling_emulator: KlingEmulator, tmp_path: Path) -> None:
    kling_emulator.inject_next(error=5001)  # the create answers 503/5001: the SDK looks it up, then creates
    _assert_posters(make_poster(kling_client, "a lighthouse at dusk", tmp_path))
    assert kling_emulator.task_count == 1  # and never twice


def test_moderation_gives_no_poster(kling_client: Kling, kling_emulator: KlingEmulator, tmp_path: Path) -> None:
    kling_emulator.moderate_next()
    assert poster_or_none(kling_client, "a lighthouse at dusk", tmp_path) is None


def test_depleted_account(kling_client: Kling, kling_emulator: KlingEmulator, tmp_path: Path) -> None:
    kling_emulator.inject_next(error=1102)  # resource pack depleted: not retried
    with pytest.raises(AccountError):
        make_poster(kling_client, "a lighthouse at dusk", tmp_path)


def test_slow_task_is_not_ready(kling_client: Kling, kling_emulator: KlingEmulator) -> None:
    kling_emulator.set_timeline(processing_after=1, succeed_after=60)
    assert not is_ready(kling_client, "a lighthouse at dusk")


def test_fast_task_is_ready(kling_client: Kling) -> None:
    # Each test starts fresh: the timeline of the test above is gone.
    assert is_ready(kling_client, "a lighthouse at dusk")


def test_poster_with_the_api_key(kling_api_key_client: Kling, tmp_path: Path) -> None:
    # Authenticated as Kling(api_key=...): the publisher's recommended mode, accepted beside the key pair.
    _assert_posters(make_poster(kling_api_key_client, "a lighthouse at dusk", tmp_path))


def test_code_that_reads_the_environment(
    kling_emulator: KlingEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in kling_emulator.env().items():
        monkeypatch.setenv(name, value)
    with Kling() as client:  # KLING_BASE_URL, and KLING_API_KEY (or KLING_ACCESS_KEY / KLING_SECRET_KEY)
        _assert_posters(make_poster(client, "a lighthouse at dusk", tmp_path))


def test_webhook_handler_takes_signed_callbacks(
    kling_client: Kling, kling_emulator: KlingEmulator, kling_callback_receiver: CallbackReceiver
) -> None:
    secret = kling_emulator.sign_callbacks()  # as the console's webhook secret does for the real service
    kling_client.images.create("a lighthouse at dusk", callback_url=kling_callback_receiver.url)
    callbacks = kling_callback_receiver.wait_for(3)  # submitted, processing, succeed
    statuses = [handle_webhook(callback.body, callback.headers, secret) for callback in callbacks]
    assert statuses == ["submitted", "processing", "succeed"]


def test_webhook_handler_refuses_a_forged_callback(
    kling_client: Kling, kling_emulator: KlingEmulator, kling_callback_receiver: CallbackReceiver
) -> None:
    secret = kling_emulator.sign_callbacks()
    kling_client.images.create("a lighthouse at dusk", callback_url=kling_callback_receiver.url)
    [callback] = kling_callback_receiver.wait_for(1)
    forged = callback.body.replace(b'"submitted"', b'"succeed"')
    with pytest.raises(WebhookVerificationError):
        handle_webhook(forged, callback.headers, secret)
