"""Serving: run_emulator (uvicorn in a thread), the kling-emulator CLI, and logs that keep secrets out."""

from __future__ import annotations

import base64
import logging
import socket
import time
from typing import Any

import httpx
import kling_emulator.__main__ as cli
import pytest
from kling_emulator import DEMO_ACCESS_KEY, DEMO_API_KEY, DEMO_SECRET_KEY, FAULT_HEADER, create_app, run_emulator

from .conftest import ACCESS_KEY, GENERATIONS, SECRET_KEY, CapturedCallbacks, bearer


def test_run_emulator_serves_on_a_free_loopback_port() -> None:
    with run_emulator(keys={ACCESS_KEY: SECRET_KEY}, processing_after=0, succeed_after=0) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=base_url, headers=bearer(), trust_env=False) as http:
            created = http.post(GENERATIONS, json={"prompt": "a cat"}).json()["data"]
            task = http.get(f"{GENERATIONS}/{created['task_id']}").json()["data"]
            image = http.get(task["task_result"]["images"][0]["url"])
        assert task["task_result"]["images"][0]["url"].startswith(base_url)
        assert image.headers["content-type"] == "image/png"
    port = int(base_url.rsplit(":", 1)[1])

    # Stopped: the port no longer answers.
    with socket.socket() as probe:
        probe.settimeout(1)
        with pytest.raises(ConnectionRefusedError):
            probe.connect(("127.0.0.1", port))


def test_run_emulator_accepts_a_ready_app() -> None:
    app = create_app(keys={ACCESS_KEY: SECRET_KEY})
    with run_emulator(app) as base_url, httpx.Client(trust_env=False) as http:
        assert http.get(base_url + GENERATIONS, headers=bearer()).status_code == 200
    with pytest.raises(TypeError), run_emulator(app, slots=3):
        pass


def test_the_servers_ticker_sends_callbacks() -> None:
    callbacks = CapturedCallbacks()
    options: dict[str, Any] = {"processing_after": 0.05, "succeed_after": 0.1, "tick_interval": 0.01}
    with run_emulator(keys={ACCESS_KEY: SECRET_KEY}, callback_transport=callbacks.transport, **options) as base_url:
        body = {"prompt": "a cat", "callback_url": "http://127.0.0.1:9/cb"}
        assert httpx.post(base_url + GENERATIONS, json=body, headers=bearer(), trust_env=False).status_code == 200
        deadline = time.monotonic() + 5
        while len(callbacks.requests) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)

    assert callbacks.statuses == ["submitted", "processing", "succeed"]


def _run_cli(monkeypatch: pytest.MonkeyPatch, *argv: str) -> dict[str, Any]:
    served: dict[str, Any] = {}

    def fake_serve(app: Any, **kwargs: Any) -> None:
        served.update(kwargs, app=app)

    monkeypatch.setattr(cli, "serve", fake_serve)
    assert cli.main(list(argv)) == 0
    return served


def test_the_cli_prints_the_demo_keys_when_none_are_given(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served = _run_cli(
        monkeypatch, "--port", "9999", "--slots", "7", "--processing-after", "0.2", "--succeed-after", "0.5"
    )

    out = capsys.readouterr().out
    assert DEMO_ACCESS_KEY in out
    assert DEMO_SECRET_KEY in out
    assert DEMO_API_KEY in out
    assert "http://127.0.0.1:9999" in out
    assert (served["host"], served["port"]) == ("127.0.0.1", 9999)
    emulator = served["app"].state.emulator
    assert emulator.config.slots == 7
    assert emulator.config.succeed_after == 0.5
    assert dict(emulator.config.keys) == {DEMO_ACCESS_KEY: DEMO_SECRET_KEY}
    assert emulator.config.api_keys == {DEMO_API_KEY}
    assert emulator.config.webhook_secret is None


def test_the_cli_holds_account_costs_to_its_rate_unless_told_not_to(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run_cli(monkeypatch)["app"].state.emulator.config.qps_limits is True
    assert _run_cli(monkeypatch, "--no-qps-limits")["app"].state.emulator.config.qps_limits is False


def test_the_cli_never_prints_a_given_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served = _run_cli(monkeypatch, "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY)

    assert SECRET_KEY not in capsys.readouterr().out
    assert dict(served["app"].state.emulator.config.keys) == {ACCESS_KEY: SECRET_KEY}


def test_the_cli_takes_keys_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KLING_ACCESS_KEY", ACCESS_KEY)
    monkeypatch.setenv("KLING_SECRET_KEY", SECRET_KEY)

    served = _run_cli(monkeypatch)

    out = capsys.readouterr().out
    assert SECRET_KEY not in out
    assert DEMO_SECRET_KEY not in out
    assert dict(served["app"].state.emulator.config.keys) == {ACCESS_KEY: SECRET_KEY}


API_KEY = "cli-api-key-0123456789abcdef"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"cli-test-webhook-secret-32-bytes").decode()


def test_the_cli_takes_an_api_key_and_a_webhook_secret_and_never_prints_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served = _run_cli(monkeypatch, "--api-key", API_KEY, "--webhook-secret", WEBHOOK_SECRET)

    out = capsys.readouterr().out
    assert "the API key given on the command line" in out
    assert "callbacks signed" in out
    for secret in (API_KEY, WEBHOOK_SECRET.removeprefix("whsec_"), DEMO_SECRET_KEY, DEMO_API_KEY):
        assert secret not in out
    config = served["app"].state.emulator.config
    assert config.api_keys == {API_KEY}
    assert dict(config.keys) == {}  # an API key given: no demo pair beside it
    assert config.webhook_secret == WEBHOOK_SECRET


def test_the_cli_takes_the_api_key_and_webhook_secret_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KLING_API_KEY", API_KEY)
    monkeypatch.setenv("KLING_WEBHOOK_SECRET", WEBHOOK_SECRET)

    served = _run_cli(monkeypatch, "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY)

    out = capsys.readouterr().out
    assert "$KLING_API_KEY" in out
    assert "$KLING_WEBHOOK_SECRET" in out
    for secret in (API_KEY, WEBHOOK_SECRET.removeprefix("whsec_"), SECRET_KEY):
        assert secret not in out
    config = served["app"].state.emulator.config
    assert (dict(config.keys), config.api_keys) == ({ACCESS_KEY: SECRET_KEY}, {API_KEY})
    assert config.webhook_secret == WEBHOOK_SECRET


def test_the_cli_refuses_a_webhook_secret_that_is_not_one_without_printing_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "serve", lambda *args, **kwargs: None)

    with pytest.raises(SystemExit) as exited:
        cli.main(["--webhook-secret", "not-a-whsec-secret-value"])

    assert exited.value.code == 2
    output = capsys.readouterr()
    assert "webhook_secret must be 'whsec_'" in output.err
    assert "not-a-whsec-secret-value" not in output.out + output.err


@pytest.mark.parametrize(
    "argv",
    [["--access-key", "only-one"], ["--slots", "0"], ["--error-rate", "2"], ["--port", "x"], ["--api-key", ""]],
)
def test_the_cli_refuses_bad_options(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    monkeypatch.setattr(cli, "serve", lambda *args, **kwargs: None)

    with pytest.raises(SystemExit) as exited:
        cli.main(argv)

    assert exited.value.code == 2


def test_logs_hold_no_secret_token_or_body(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    callbacks = CapturedCallbacks()
    marker = "prompt-marker-that-must-not-be-logged"
    token_headers = bearer()
    with (
        run_emulator(
            keys={ACCESS_KEY: SECRET_KEY},
            api_keys=[API_KEY],
            webhook_secret=WEBHOOK_SECRET,
            processing_after=0,
            succeed_after=0,
            callback_transport=callbacks.transport,
        ) as base_url,
        httpx.Client(base_url=base_url, headers=token_headers, trust_env=False) as http,
    ):
        for callback_url in ("http://127.0.0.1:9/cb", "https://example.com/cb?token=abc"):
            body = {"prompt": marker, "callback_url": callback_url, "external_task_id": callback_url}
            assert http.post(GENERATIONS, json=body).status_code == 200
        http.get(GENERATIONS, headers={"Authorization": "Bearer " + "x" * 40})  # a bad token
        assert http.get(GENERATIONS, headers={"Authorization": f"Bearer {API_KEY}"}).status_code == 200
        with pytest.raises(httpx.TransportError):
            http.get(GENERATIONS, headers={FAULT_HEADER: "drop"})
        http.get(GENERATIONS)

    logged = caplog.text
    assert "skipped" in logged  # something was logged at all
    assert callbacks.requests  # and something was signed
    secrets = (SECRET_KEY, token_headers["Authorization"].split()[1], "x" * 40, marker, "token=abc", API_KEY)
    for secret in (*secrets, WEBHOOK_SECRET.removeprefix("whsec_")):
        assert secret not in logged
    assert "authorization" not in logged.lower()
