"""KLING_LOG: one line per request, retries and polls at debug; never a secret, a token or an image payload."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from kling._logging import configure_from_env

from testsupport.spec_mock import SECRET_KEY, SpecMock

from ._helpers import (
    CREATE_TASK,
    GET_TASK,
    FakeTime,
    Flavor,
    b64,
    call,
    checked,
    close,
    error_body,
    image_file_bytes,
    make_client,
    task_answer,
)

TASK_PATH = r"^/v1/images/generations/.+$"


async def test_a_whole_run_at_debug_never_logs_secrets_or_payloads(
    flavor: Flavor, mock: SpecMock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    monkeypatch.setenv("KLING_LOG", "debug")
    image = image_file_bytes(400, 400)
    (tmp_path / "ref.png").write_bytes(image)
    mock.router.post("/v1/images/generations").mock(
        side_effect=[checked(CREATE_TASK, 500, error_body(5000)), checked(CREATE_TASK, 200, _submitted())]
    )
    mock.router.get(path__regex=TASK_PATH).mock(
        side_effect=[
            checked(GET_TASK, 400, error_body(1201, "Task not found by id/external id")),
            task_answer("processing"),
            task_answer("succeed"),
        ]
    )
    caplog.set_level(logging.DEBUG, logger="kling")
    client = make_client(flavor, mock.transport, FakeTime())
    try:
        await call(client.images.generate("a cat", image=tmp_path / "ref.png"))
    finally:
        await close(client)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert SECRET_KEY not in text
    assert "eyJ" not in text
    assert "Bearer" not in text
    assert b64(image)[:40] not in text
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any("POST /v1/images/generations -> 500" in line and "request_id=" in line for line in info)
    assert any(line.startswith("GET /v1/images/generations/") and "-> 200" in line and " ms" in line for line in info)
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("retrying create" in line for line in debug)
    assert any("next poll in" in line for line in debug)
    assert any("looking it up" in line for line in debug)


def _submitted() -> dict[str, object]:
    from ._helpers import example

    return example(CREATE_TASK, 200, "submitted")


@pytest.mark.parametrize(("value", "level"), [("info", logging.INFO), ("DEBUG", logging.DEBUG)])
def test_kling_log_sends_the_logger_to_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str, level: int
) -> None:
    monkeypatch.setenv("KLING_LOG", value)
    configure_from_env()
    configure_from_env()  # building many clients installs one handler
    logger = logging.getLogger("kling")
    assert logger.level == level
    assert len([h for h in logger.handlers if isinstance(h, logging.StreamHandler)]) == 1
    logger.info("hello from the test")
    assert "hello from the test" in capsys.readouterr().err


def test_without_kling_log_nothing_is_set_up() -> None:
    before = list(logging.getLogger("kling").handlers)
    configure_from_env()
    assert logging.getLogger("kling").handlers == before


async def test_a_failed_request_is_logged_without_secrets(mock: SpecMock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="kling")
    mock.router.get(path__regex=TASK_PATH).mock(side_effect=httpx.ConnectError("refused"))
    client = make_client("sync", mock.transport, FakeTime(), max_retries=0)
    with pytest.raises(Exception, match="connection failed"):
        await call(client.images.get("t1"))
    await close(client)
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("GET /v1/images/generations/t1 failed after")
    assert SECRET_KEY not in line
    assert "eyJ" not in line
