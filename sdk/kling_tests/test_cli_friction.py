"""Issue 17's friction, where a newcomer meets it first: global options after the subcommand, a reference image
that does not exist, ``Kling()`` against a local emulator with no keys, a short secret key, and the emulator's
own commands (help, and what they say without the [emulator] extra)."""

from __future__ import annotations

import importlib.util
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from importlib.machinery import ModuleSpec
from pathlib import Path

import kling
import pytest
from click.testing import CliRunner, Result
from kling import AsyncKling, Kling
from kling._requests import resolve_image
from kling.cli import OK, USAGE, cli
from kling.cli import _emulator as cli_emulator
from kling_auth import ACCESS_KEY_ENV, API_KEY_ENV, BASE_URL_ENV, DEMO_ACCESS_KEY, SECRET_KEY_ENV
from kling_emulator import __main__ as emulator_main
from kling_emulator import run_emulator

NO_KEYS: dict[str, str | None] = {
    API_KEY_ENV: None,
    ACCESS_KEY_ENV: None,
    SECRET_KEY_ENV: None,
    BASE_URL_ENV: None,
    "KLING_LOG": None,
}
#: Nothing listens there: a command that gets as far as a request fails to connect (exit 3), at once.
NOWHERE = "http://127.0.0.1:9"
INSTALL_HINT = "the emulator is not installed: pip install 'kling-client[emulator]'"


def kling_cli(*args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={**NO_KEYS, **env}, catch_exceptions=False)


# -- (6) the global options after the subcommand -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--json", "--base-url", NOWHERE, "auth", "status"],
        ["auth", "status", "--json", "--base-url", NOWHERE],
        ["auth", "--json", "status", "--base-url", NOWHERE],
        ["--base-url", "https://api.example.com", "auth", "status", "--base-url", NOWHERE, "--json"],
    ],
    ids=["before", "after", "on the group", "after wins"],
)
def test_json_and_base_url_work_before_or_after_the_subcommand(args: list[str]) -> None:
    result = kling_cli(*args)

    assert result.exit_code == OK, result.stderr
    assert json.loads(result.stdout)["base_url"] == NOWHERE
    assert result.stderr == ""  # --json: no notes


def test_json_after_the_subcommand_makes_errors_json() -> None:
    result = kling_cli("images", "list", "--base-url", NOWHERE, "--json")

    assert result.exit_code == 3
    assert json.loads(result.stderr)["error"]["type"] == "APIConnectionError"
    assert result.stdout == ""


def test_json_after_the_subcommand_reports_a_bad_value_of_its_options_as_json() -> None:
    result = kling_cli("images", "generate", "a fox", "--n", "abc", "--json")

    assert result.exit_code == USAGE
    assert json.loads(result.stderr)["error"]["type"] == "UsageError"


def test_api_key_after_the_subcommand() -> None:
    result = kling_cli("auth", "status", "--api-key", "after-the-command-0123456789", "--json")

    assert result.exit_code == OK, result.stderr
    assert json.loads(result.stdout)["source"] == "--api-key"
    assert "after-the-command" not in result.stdout


@pytest.fixture
def kling_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("kling")
    handlers, level = list(logger.handlers), logger.level
    yield logger
    assert logger.handlers == handlers, "the CLI left a handler behind"
    assert logger.level == level, "the CLI left the logger's level changed"


@pytest.mark.usefixtures("kling_logger")
@pytest.mark.parametrize(
    ("args", "info", "debug"),
    [
        (["images", "list"], False, False),
        (["images", "list", "-v"], True, False),
        (["-v", "images", "list", "-v"], True, True),
        (["images", "-v", "list", "--verbose"], True, True),
    ],
    ids=["quiet", "after", "before and after add up", "group and command"],
)
def test_verbose_after_the_subcommand(args: list[str], info: bool, debug: bool) -> None:
    result = kling_cli(*args, "--base-url", NOWHERE)

    assert result.exit_code == 3
    assert ("INFO kling:" in result.stderr) is info
    assert ("DEBUG kling:" in result.stderr) is debug
    assert result.stderr.count("error: cannot reach the API") == 1


def test_the_emulator_command_passes_global_looking_options_through(monkeypatch: pytest.MonkeyPatch) -> None:
    """``kling emulator --api-key K`` is the emulator's --api-key: nothing after ``emulator`` is the CLI's."""
    started: list[list[str]] = []

    class Process:
        def __init__(self, argv: list[str]) -> None:
            started.append(argv)

        def wait(self) -> int:
            return 0

    monkeypatch.setattr(cli_emulator, "emulator_installed", lambda: True)
    monkeypatch.setattr(subprocess, "Popen", Process)
    result = kling_cli("emulator", "--api-key", "emulator-key-0123456789", "--json", "-v")

    assert result.exit_code == OK, result.stderr
    [argv] = started
    assert argv[-4:] == ["--api-key", "emulator-key-0123456789", "--json", "-v"]
    assert argv[argv.index("-c") + 2] == "kling emulator"  # the name its usage line shows


# -- (7) a reference image that does not exist -------------------------------------------------------------------------


@pytest.fixture
def in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("value", "missing"),
    [
        ("./nope.png", True),
        ("portrait.png", True),
        ("PORTRAIT.JPEG", True),
        ("photos/portrait", True),
        ("photo.webp", True),
        ("https://example.com/nope.png", False),  # a URL: the server fetches it
        ("iVBORw0KGgo/AAAA", False),  # Base64 has "/" in its alphabet: still Base64
        ("not an image!", False),  # neither: the spec's rule says so
    ],
)
@pytest.mark.usefixtures("in_empty_folder")  # none of these exists
def test_a_string_that_names_a_missing_file_says_so(value: str, missing: bool) -> None:
    if missing:
        with pytest.raises(kling.ValidationError) as raised:
            resolve_image(value)
        assert raised.value.field == "image"
        assert raised.value.rule.startswith(f"no such file: {value!r}")
    else:
        assert resolve_image(value) == value


def test_an_existing_file_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "notes.png").write_bytes(b"not a png")

    with pytest.raises(kling.ValidationError, match=r"notes\.png: the data is not a JPG or PNG image"):
        resolve_image(str(tmp_path / "notes.png"))


@pytest.mark.usefixtures("in_empty_folder")
async def test_the_sdk_says_the_file_is_missing_before_sending_anything() -> None:
    with Kling(base_url=NOWHERE) as client, pytest.raises(kling.ValidationError) as raised:
        client.images.generate("a fox", image="portrait.png", image_reference="subject")
    assert str(raised.value).startswith("image: no such file: 'portrait.png'")
    async with AsyncKling(base_url=NOWHERE) as async_client:
        with pytest.raises(kling.ValidationError, match="no such file"):
            await async_client.images.create("a fox", image="pics/portrait.jpg")


@pytest.mark.usefixtures("in_empty_folder")
def test_the_cli_says_the_file_is_missing() -> None:
    result = kling_cli("images", "generate", "a fox", "--image", "./nope.png", "--base-url", NOWHERE)

    assert result.exit_code == USAGE
    assert result.stderr.splitlines()[-1].startswith("error: invalid image: no such file: './nope.png'")
    assert "Base64" not in result.stderr


# -- (8) Kling() against a local emulator, with no keys --------------------------------------------------------------


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (API_KEY_ENV, ACCESS_KEY_ENV, SECRET_KEY_ENV, BASE_URL_ENV):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"])
def test_kling_with_a_loopback_base_url_and_no_keys_uses_the_demo_keys_and_says_so(
    no_keys: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, url: str
) -> None:
    no_keys.setenv(BASE_URL_ENV, url)
    with caplog.at_level(logging.WARNING, logger="kling"), Kling() as client:
        assert client.auth_mode == "jwt"
        assert f"access_key={DEMO_ACCESS_KEY!r}" in repr(client)
    [record] = [record for record in caplog.records if record.name == "kling"]
    assert record.levelno == logging.WARNING
    assert "public demo keys" in record.getMessage()
    assert url in record.getMessage()


async def test_the_demo_keys_are_also_used_for_a_loopback_base_url_argument(no_keys: pytest.MonkeyPatch) -> None:
    async with AsyncKling(base_url="http://127.0.0.1:8765") as client:
        assert client.auth_mode == "jwt"


@pytest.mark.parametrize(
    ("url", "env"),
    [
        ("https://api.example.com", {}),  # not loopback: never the public keys
        ("http://127.0.0.1.example.com", {}),
        ("http://127.0.0.1:8765", {ACCESS_KEY_ENV: "only-the-access-key"}),  # half a pair is a mistake to report
        ("http://127.0.0.1:8765", {SECRET_KEY_ENV: ""}),
    ],
)
def test_no_demo_keys_elsewhere_or_with_half_a_pair(no_keys: pytest.MonkeyPatch, url: str, env: dict[str, str]) -> None:
    no_keys.setenv(BASE_URL_ENV, url)
    for name, value in env.items():
        no_keys.setenv(name, value)
    with pytest.raises(kling.MissingCredentialsError):
        Kling()


def test_a_key_given_wins_over_the_demo_keys(no_keys: pytest.MonkeyPatch) -> None:
    no_keys.setenv(BASE_URL_ENV, "http://127.0.0.1:8765")
    no_keys.setenv(API_KEY_ENV, "the-users-own-api-key-0123456789")
    with Kling() as client:
        assert client.auth_mode == "api_key"


def test_kling_with_only_a_loopback_base_url_talks_to_the_emulator(no_keys: pytest.MonkeyPatch) -> None:
    with run_emulator(processing_after=0, succeed_after=0) as base_url:  # no keys given: the demo credentials
        no_keys.setenv(BASE_URL_ENV, base_url)
        with Kling() as client:
            task = client.images.generate("a red fox", n=1)
    assert task.task_status == "succeed"


# -- (9) a short secret key ----------------------------------------------------------------------------------------


def test_a_short_secret_key_is_one_note_not_a_python_warning() -> None:
    # pytest turns InsecureKeyLengthWarning into an error (pyproject.toml): were it raised, this would fail.
    result = kling_cli("auth", "token", **{ACCESS_KEY_ENV: "ak", SECRET_KEY_ENV: "short"})

    assert result.exit_code == OK, result.stderr
    assert result.stderr.splitlines() == [
        "note: KLING_SECRET_KEY is 5 bytes long, shorter than the 32 bytes HS256 requires (RFC 7518): "
        "check that it was copied whole"
    ]
    assert "InsecureKeyLengthWarning" not in result.stdout + result.stderr
    assert result.stdout.count(".") == 2  # the token


def test_a_short_secret_key_before_a_request_error() -> None:
    result = kling_cli("images", "list", "--base-url", NOWHERE, **{ACCESS_KEY_ENV: "ak", SECRET_KEY_ENV: "short"})

    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0].startswith("note: KLING_SECRET_KEY is 5 bytes long")
    assert lines[-1].startswith("error: cannot reach the API")
    assert "Warning" not in result.stderr


def test_a_long_enough_secret_key_gets_no_note() -> None:
    result = kling_cli("auth", "token", **{ACCESS_KEY_ENV: "ak", SECRET_KEY_ENV: "s" * 32})

    assert result.exit_code == OK
    assert result.stderr == ""


# -- (4, 11) the emulator's own commands ------------------------------------------------------------------------


def test_every_emulator_option_has_help() -> None:
    parser = emulator_main._parser()
    undocumented = [action.option_strings for action in parser._actions if not action.help]

    assert undocumented == []


def test_the_emulator_usage_names_the_command_that_ran_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        emulator_main.main(["--help"], prog="kling emulator")
    assert exited.value.code == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith("usage: kling emulator ")
    for option in ("--latency", "--fault-seed"):
        [line] = [line for line in help_text.splitlines() if line.strip().startswith(option)]
        assert len(line.split()) > 2, f"{option} has no help: {line!r}"
    with pytest.raises(SystemExit):
        emulator_main.main(["--help"])
    assert capsys.readouterr().out.startswith("usage: kling-emulator ")


def test_kling_emulator_help_through_the_cli_says_kling_emulator() -> None:
    script = Path(sys.executable).with_name("kling")
    if not script.exists():
        pytest.skip("the kling console script is not installed in this environment")
    result = subprocess.run(  # noqa: S603 - our own script
        [script, "emulator", "--help"], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == OK
    assert result.stdout.startswith("usage: kling emulator ")
    assert "--fault-seed N" in result.stdout


@pytest.fixture
def without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec

    def without_starlette(name: str, package: str | None = None) -> ModuleSpec | None:
        return None if name == "starlette" else real_find_spec(name, package)

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError("the emulator was started without its dependencies")

    monkeypatch.setattr(importlib.util, "find_spec", without_starlette)
    monkeypatch.setattr(subprocess, "Popen", no_process)


@pytest.mark.usefixtures("without_the_extra")
def test_the_kling_emulator_script_without_the_extra_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["kling-emulator", "--port", "0"])
    with pytest.raises(SystemExit) as exited:
        cli_emulator.standalone()

    assert exited.value.code == USAGE
    captured = capsys.readouterr()
    assert captured.err == f"kling-emulator: {INSTALL_HINT}\n"
    assert captured.out == ""


def test_the_kling_emulator_script_runs_the_emulator() -> None:
    script = Path(sys.executable).with_name("kling-emulator")
    if not script.exists():
        pytest.skip("the kling-emulator console script is not installed in this environment")
    result = subprocess.run(  # noqa: S603 - our own script
        [script, "--port", "not-a-port"], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == USAGE
    assert result.stderr.startswith("usage: kling-emulator ")
    assert "argument --port: invalid int value" in result.stderr
