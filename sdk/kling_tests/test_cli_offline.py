"""The `kling` CLI where no server is involved: help, configuration errors, the emulator command."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from kling.cli import API_ERROR, BUDGET, INTERRUPTED, INVALID_TOKEN, OK, TASK_FAILED, TIMEOUT, USAGE, cli
from kling.cli._config import is_loopback
from kling_auth import ACCESS_KEY_ENV, API_KEY_ENV, BASE_URL_ENV, SECRET_KEY_ENV

NO_KEYS: dict[str, str | None] = {
    API_KEY_ENV: None,
    ACCESS_KEY_ENV: None,
    SECRET_KEY_ENV: None,
    BASE_URL_ENV: None,
    "KLING_LOG": None,
}


def kling(*args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={**NO_KEYS, **env}, catch_exceptions=False)


def test_help_lists_the_commands_the_environment_and_every_exit_code() -> None:
    result = kling("--help")

    assert result.exit_code == OK
    for command in ("images", "auth", "emulator"):
        assert command in result.stdout
    for variable in (API_KEY_ENV, ACCESS_KEY_ENV, SECRET_KEY_ENV, BASE_URL_ENV, "KLING_LOG"):
        assert variable in result.stdout
    listed = [line.split(maxsplit=1)[0] for line in result.stdout.split("Exit codes:")[1].splitlines() if line.strip()]
    codes = (OK, INVALID_TOKEN, USAGE, API_ERROR, TASK_FAILED, TIMEOUT, BUDGET, INTERRUPTED)
    assert listed == [str(code) for code in codes]
    assert "generate" in kling("images", "--help").stdout


def test_no_keys_against_a_remote_url_names_both_variables() -> None:
    result = kling("--base-url", "https://api.example.com", "images", "list")

    assert result.exit_code == USAGE
    assert result.stderr.startswith(
        "error: no API keys: set KLING_API_KEY (recommended), or KLING_ACCESS_KEY and KLING_SECRET_KEY"
    )
    assert result.stdout == ""


def test_the_official_endpoint_is_the_default_and_needs_keys() -> None:
    result = kling("images", "get", "some-task")

    assert result.exit_code == USAGE
    assert "KLING_ACCESS_KEY" in result.stderr


def test_half_a_key_pair_is_refused_even_against_the_emulator() -> None:
    result = kling("--base-url", "http://127.0.0.1:9", "images", "list", KLING_ACCESS_KEY="only-the-access-key")

    assert result.exit_code == USAGE
    assert result.stderr == "error: KLING_SECRET_KEY is not set (KLING_ACCESS_KEY is): set both\n"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1", "127.0.0.1:8765", "http://"])
def test_a_base_url_that_is_not_http_is_refused(url: str) -> None:
    result = kling("--json", "--base-url", url, "images", "list")

    assert result.exit_code == USAGE
    assert "--base-url" in result.stderr
    assert '"exit_code": 2' in result.stderr


def test_the_base_url_comes_from_the_environment_when_no_flag_is_given() -> None:
    result = kling("images", "list", KLING_BASE_URL="https://kling.example.com")

    assert result.exit_code == USAGE
    assert "no API keys" in result.stderr


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8765", True),
        ("http://127.1.2.3", True),
        ("http://[::1]:8765", True),
        ("http://localhost:8765", True),
        ("http://LOCALHOST.", True),
        ("https://api-singapore.klingai.com", False),
        ("http://128.0.0.1", False),
        ("http://localhost.example.com", False),
        ("http://[::2]", False),
    ],
)
def test_what_counts_as_a_local_emulator(url: str, loopback: bool) -> None:
    assert is_loopback(url) is loopback


def test_the_emulator_command_says_how_to_install_the_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec

    def without_uvicorn(name: str, package: str | None = None) -> ModuleSpec | None:
        return None if name == "uvicorn" else real_find_spec(name, package)

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError("the emulator was started without its dependencies")

    monkeypatch.setattr(importlib.util, "find_spec", without_uvicorn)
    monkeypatch.setattr(subprocess, "Popen", no_process)
    result = kling("emulator", "--port", "0")

    assert result.exit_code == USAGE
    assert result.stderr == "error: the emulator is not installed: pip install 'kling-client[emulator]'\n"


def test_the_installed_entry_point_runs_and_passes_emulator_options_through() -> None:
    """The one run of the real console script: `kling --version`, then `kling emulator --help`."""
    script = Path(sys.executable).with_name("kling")
    if not script.exists():
        pytest.skip("the kling console script is not installed in this environment")

    version = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    assert version.returncode == OK
    assert version.stdout.startswith("kling, version ")

    emulator_help = subprocess.run(  # noqa: S603
        [script, "emulator", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert emulator_help.returncode == OK
    # argparse's help of kling_emulator, not click's: the option went through untouched.
    assert "usage: kling emulator" in emulator_help.stdout
    assert "--processing-after" in emulator_help.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_stopping_kling_emulator_stops_the_server_it_started() -> None:
    """SIGTERM to `kling emulator` (docker stop, systemd) reaches the server: no orphan keeps the port."""
    script = Path(sys.executable).with_name("kling")
    if not script.exists():
        pytest.skip("the kling console script is not installed in this environment")
    process = subprocess.Popen(  # noqa: S603
        [script, "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group, so cleanup reaches an orphan too
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("Kling emulator on http://")
        process.send_signal(signal.SIGTERM)
        # stdout reaches EOF only once every holder of the pipe, the server included, has exited.
        process.communicate(timeout=20)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


CLI_API_KEY = "cli-offline-api-key-0123456789abcdef"


@pytest.mark.parametrize(
    ("args", "env", "mode", "source"),
    [
        (["--api-key", CLI_API_KEY], {}, "api_key", "--api-key"),
        ([], {API_KEY_ENV: CLI_API_KEY}, "api_key", "$KLING_API_KEY"),
        ([], {API_KEY_ENV: CLI_API_KEY, ACCESS_KEY_ENV: "ak-1", SECRET_KEY_ENV: "s" * 32}, "api_key", "$KLING_API_KEY"),
        ([], {ACCESS_KEY_ENV: "ak-1", SECRET_KEY_ENV: "s" * 32}, "jwt", "$KLING_ACCESS_KEY and $KLING_SECRET_KEY"),
        (["--base-url", "http://127.0.0.1:9"], {}, "jwt", "the emulator's public demo keys"),
    ],
    ids=["flag", "environment", "api key beats the pair", "pair", "demo keys"],
)
def test_auth_status_says_which_mode_is_in_use_and_never_the_key(
    args: list[str], env: dict[str, str], mode: str, source: str
) -> None:
    result = kling(*args, "--json", "auth", "status", **env)

    assert result.exit_code == OK, result.stderr
    document = json.loads(result.stdout)
    assert (document["mode"], document["source"]) == (mode, source)
    text = kling(*args, "auth", "status", **env).stdout
    assert ("API key" in text) == (mode == "api_key")
    assert CLI_API_KEY not in result.stdout + result.stderr + text


def test_auth_token_with_an_api_key_says_there_is_nothing_to_sign() -> None:
    result = kling("auth", "token", **{API_KEY_ENV: CLI_API_KEY})

    assert result.exit_code == USAGE
    assert "no token to sign" in result.stderr
    assert CLI_API_KEY not in result.stdout + result.stderr


def test_an_unusable_api_key_flag_is_refused_without_echoing_it() -> None:
    result = kling("--api-key", " padded-key-0123456789 ", "--base-url", "https://api.example.com", "images", "list")

    assert result.exit_code == USAGE
    assert "whitespace" in result.stderr
    assert "padded-key" not in result.stderr
