"""The `kling` CLI end to end, against the in-process emulator (loopback, so no keys are needed).

Each test runs the command as a user would (click's CliRunner, separate stdout and stderr) and checks what
the user sees: the files saved, the lines printed, the JSON documents, the exit codes.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from kling import DownloadError
from kling._images import Images as SdkImages
from kling.cli import API_ERROR, INTERRUPTED, INVALID_TOKEN, OK, TASK_FAILED, TIMEOUT, USAGE, cli
from kling.cli import _tasks as kling_tasks
from kling.cli._output import WaitProgress
from kling_auth import ACCESS_KEY_ENV, API_KEY_ENV, BASE_URL_ENV, SECRET_KEY_ENV, sign_token
from kling_emulator import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, FaultConfig, create_app, run_emulator
from kling_spec import MAX_INTEGER_DIGITS
from PIL import Image
from starlette.applications import Starlette

# A key pair of our own (not the demo pair): the secret must never show in any output.
ACCESS_KEY = "cli-test-access-key"
SECRET_KEY = "cli-test-secret-key-0123456789abcdef-never-shown"
KEYS = {DEMO_ACCESS_KEY: DEMO_SECRET_KEY, ACCESS_KEY: SECRET_KEY}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Emulator:
    """A running emulator: its base URL and its state (to count the tasks it saw)."""

    def __init__(self, app: Starlette, base_url: str) -> None:
        self.app = app
        self.base_url = base_url

    @property
    def task_count(self) -> int:
        return len(self.app.state.emulator.tasks)


def _serve(**options: Any) -> Iterator[Emulator]:
    app = create_app(keys=KEYS, **options)
    with run_emulator(app) as base_url:
        yield Emulator(app, base_url)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """Tasks end about 0.1 s after creation."""
    yield from _serve(processing_after=0.05, succeed_after=0.1)


@pytest.fixture(scope="module")
def slow_emulator() -> Iterator[Emulator]:
    """Tasks take a minute: every wait in a test times out first."""
    yield from _serve(processing_after=0.05, succeed_after=60)


@pytest.fixture(scope="module")
def moderating_emulator() -> Iterator[Emulator]:
    """Every task ends `failed` (content moderation)."""
    yield from _serve(processing_after=0.05, succeed_after=0.1, faults=FaultConfig(moderation_rate=1.0))


def kling(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
    """Run `kling ARGS` with a clean environment (no keys, no base URL) plus ``env``."""
    environment: dict[str, str | None] = {
        API_KEY_ENV: None,
        ACCESS_KEY_ENV: None,
        SECRET_KEY_ENV: None,
        BASE_URL_ENV: None,
        "KLING_LOG": None,
    }
    environment.update(env or {})
    return CliRunner().invoke(cli, list(args), env=environment, input=stdin, catch_exceptions=False)


def error_line(result: Result) -> str:
    """The one `error: ...` line of a failed run (and nothing that looks like a traceback)."""
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def json_error(result: Result) -> dict[str, Any]:
    """The JSON error document a --json run prints on stderr (and nothing on stdout)."""
    assert result.stdout == ""
    document: dict[str, Any] = json.loads(result.stderr)
    error: dict[str, Any] = document["error"]
    assert error["exit_code"] == result.exit_code
    return error


def png_file(path: Path, width: int, height: int) -> Path:
    Image.new("RGB", (width, height), (20, 120, 200)).save(path, "PNG")
    return path


def created_task_id(emulator: Emulator, *options: str) -> str:
    result = kling("--json", "--base-url", emulator.base_url, "images", "generate", "a fox", "--no-download", *options)
    assert result.exit_code == OK, result.stderr
    task_id: str = json.loads(result.stdout)["task"]["task_id"]
    return task_id


# -- generate -------------------------------------------------------------------------------------


def test_generate_saves_the_pngs_and_prints_their_paths(emulator: Emulator, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = kling("--base-url", emulator.base_url, "images", "generate", "a red fox", "--n", "2", "--out", str(out))

    assert result.exit_code == OK, result.stderr
    paths = [Path(line) for line in result.stdout.splitlines()]
    assert len(paths) == 2
    for path in paths:
        assert path.parent == out
        assert path.read_bytes().startswith(PNG_SIGNATURE)
    # Progress and notes go to stderr: the demo keys, the task, its statuses, the downloads.
    assert "demo keys" in result.stderr
    assert "created task" in result.stderr
    assert "succeed" in result.stderr
    assert "downloading 2 image(s)" in result.stderr


def test_generate_json_is_one_document_with_the_task_and_the_files(emulator: Emulator, tmp_path: Path) -> None:
    result = kling(
        "--json", "--base-url", emulator.base_url, "images", "generate", "a fox", "--out", str(tmp_path), "--watermark"
    )

    assert result.exit_code == OK, result.stderr
    document = json.loads(result.stdout)
    assert document["task"]["task_status"] == "succeed"
    assert document["task"]["watermark_info"] == {"enabled": True}
    [image] = document["task"]["task_result"]["images"]
    assert image["watermark_url"]
    [saved] = document["files"]
    assert Path(saved).read_bytes().startswith(PNG_SIGNATURE)
    # Machine mode: no progress, no notes on stderr.
    assert result.stderr == ""


def test_generate_with_a_local_reference_image(emulator: Emulator, tmp_path: Path) -> None:
    image = png_file(tmp_path / "ref.png", 400, 400)
    result = kling(
        "--json", "--base-url", emulator.base_url, "images", "generate", "the same, in winter", "--image", str(image),
        "--no-download",
    )  # fmt: skip

    assert result.exit_code == OK, result.stderr
    assert json.loads(result.stdout)["files"] == []


def test_generate_without_download_prints_the_urls(emulator: Emulator) -> None:
    result = kling("--base-url", emulator.base_url, "images", "generate", "a fox", "--no-download")

    assert result.exit_code == OK, result.stderr
    [url] = result.stdout.splitlines()
    assert url.startswith(emulator.base_url)


# -- the 2026 API: today's models, element ids, an API key -----------------------------------------------------

CLI_API_KEY = "cli-test-api-key-0123456789abcdef-never-shown"


@pytest.fixture(scope="module")
def api_key_emulator() -> Iterator[Emulator]:
    """Accepts only CLI_API_KEY (no key pair, no demo keys)."""
    yield from _serve_with(api_keys=[CLI_API_KEY], keys={}, processing_after=0.05, succeed_after=0.1)


def _serve_with(**options: Any) -> Iterator[Emulator]:
    app = create_app(**options)
    with run_emulator(app) as base_url:
        yield Emulator(app, base_url)


def _model_of(emulator: Emulator, task_id: str) -> str:
    task = emulator.app.state.emulator.tasks.get(task_id, now=time.time())
    assert task is not None
    model: str = task.spec.model_name
    return model


@pytest.mark.parametrize(
    ("options", "model"),
    [
        (["--model", "kling-v3"], "kling-v3"),
        ([], "kling-v3"),
        (["--model", "kling-v3", "--element", "829101482390", "--element", "829101482391"], "kling-v3"),
    ],
    ids=["kling-v3", "the default model", "elements"],
)
def test_generate_with_todays_models(emulator: Emulator, options: list[str], model: str) -> None:
    task_id = created_task_id(emulator, *options)
    assert _model_of(emulator, task_id) == model


def test_generate_with_kling_v2_1_and_a_subject_reference(emulator: Emulator, tmp_path: Path) -> None:
    image = png_file(tmp_path / "girl.png", 600, 800)
    task_id = created_task_id(emulator, "--model", "kling-v2-1", "--image", str(image), "--image-reference", "subject")
    assert _model_of(emulator, task_id) == "kling-v2-1"


def test_an_unknown_model_is_sent_and_the_servers_answer_is_the_error(emulator: Emulator) -> None:
    before = emulator.task_count
    result = kling("--base-url", emulator.base_url, "images", "generate", "a fox", "--model", "kling-v9")

    assert result.exit_code == API_ERROR
    assert "code 1203" in error_line(result)
    assert "kling-v9" in error_line(result)
    assert "warning: model_name 'kling-v9' is not a model this client's spec knows" in result.stderr  # before sending
    assert emulator.task_count == before


def test_beyond_the_models_capabilities_is_the_servers_call(emulator: Emulator, tmp_path: Path) -> None:
    image = png_file(tmp_path / "face.png", 400, 400)
    result = kling(
        "--base-url", emulator.base_url, "images", "generate", "a portrait", "--model", "kling-v3",
        "--image", str(image), "--image-reference", "face",
    )  # fmt: skip

    assert result.exit_code == API_ERROR  # sent; the emulator refuses it as the service would
    assert "code 1201" in error_line(result)
    assert "image_reference" in error_line(result)


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_generate_with_an_api_key(api_key_emulator: Emulator, tmp_path: Path, how: str) -> None:
    args = ["--api-key", CLI_API_KEY] if how == "flag" else []
    env = {API_KEY_ENV: CLI_API_KEY} if how == "environment" else {}
    result = kling(
        *args, "--base-url", api_key_emulator.base_url, "images", "generate", "an owl", "--out", str(tmp_path), env=env
    )

    assert result.exit_code == OK, result.stderr
    [path] = result.stdout.splitlines()
    assert Path(path).read_bytes().startswith(PNG_SIGNATURE)
    assert "demo keys" not in result.stderr
    assert CLI_API_KEY not in result.stdout + result.stderr


def test_a_wrong_api_key_is_the_servers_401(api_key_emulator: Emulator) -> None:
    result = kling("--api-key", "not-the-key-0123456789", "--base-url", api_key_emulator.base_url, "images", "list")

    assert result.exit_code == API_ERROR
    assert "code 1002" in error_line(result)


# -- get, wait, list, download --------------------------------------------------------------------


def test_get_wait_list_and_download_a_task(emulator: Emulator, tmp_path: Path) -> None:
    task_id = created_task_id(emulator, "--external-task-id", "cli-test-external-id")
    base = ("--base-url", emulator.base_url)

    shown = kling(*base, "images", "get", task_id)
    assert shown.exit_code == OK, shown.stderr
    assert f"task_id           {task_id}" in shown.stdout
    assert "status            succeed" in shown.stdout
    assert "external_task_id  cli-test-external-id" in shown.stdout

    by_external_id = kling("--json", *base, "images", "get", "cli-test-external-id")
    assert by_external_id.exit_code == OK, by_external_id.stderr
    assert json.loads(by_external_id.stdout)["task_id"] == task_id

    waited = kling("--json", *base, "images", "wait", task_id, "--timeout", "5")
    assert waited.exit_code == OK, waited.stderr
    assert json.loads(waited.stdout)["task_status"] == "succeed"

    listed = kling("--json", *base, "images", "list", "--page-size", "500")
    assert listed.exit_code == OK, listed.stderr
    assert task_id in [task["task_id"] for task in json.loads(listed.stdout)]
    listed_for_people = kling(*base, "images", "list", "--page-size", "500")
    assert any(line.startswith(f"{task_id}  succeed") for line in listed_for_people.stdout.splitlines())

    downloaded = kling(*base, "images", "download", task_id, "--out", str(tmp_path / "again"))
    assert downloaded.exit_code == OK, downloaded.stderr
    [path] = downloaded.stdout.splitlines()
    assert Path(path).read_bytes().startswith(PNG_SIGNATURE)


def test_download_of_an_unfinished_task_says_how_to_wait(slow_emulator: Emulator, tmp_path: Path) -> None:
    created = kling(
        "--base-url", slow_emulator.base_url, "images", "generate", "a fox", "--timeout", "0.01", "--no-download"
    )
    task_id = created.stderr.split("created task ", 1)[1].split()[0]

    result = kling("--base-url", slow_emulator.base_url, "images", "download", task_id, "--out", str(tmp_path))

    assert result.exit_code == API_ERROR
    assert f"images wait {task_id}" in error_line(result)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_download_exits_3_and_says_how_to_download_again(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(self: object, task: object, directory: object, *, watermark: bool = False) -> list[Path]:
        raise DownloadError("https://cdn.example.com/image.png", "not a PNG or JPEG image")

    monkeypatch.setattr(SdkImages, "download", refused)
    result = kling("--base-url", emulator.base_url, "images", "generate", "a fox", "--out", str(tmp_path))

    assert result.exit_code == API_ERROR
    line = error_line(result)
    assert "not a PNG or JPEG image" in line
    task_id = result.stderr.split("created task ", 1)[1].split()[0]
    assert line.endswith(f"kling --base-url {emulator.base_url} images download {task_id} --out {tmp_path}")


# -- exit codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "in_message"),
    [
        (["--n", "10"], "invalid n"),
        (["--image-fidelity", "1.01"], "invalid image_fidelity"),
        (["--element", "1"] * 11, "element_list"),
    ],
)
def test_values_refused_locally_exit_2_and_send_nothing(
    emulator: Emulator, options: list[str], in_message: str
) -> None:
    before = emulator.task_count
    result = kling("--base-url", emulator.base_url, "images", "generate", "a fox", *options)

    assert result.exit_code == USAGE
    assert in_message in error_line(result)
    assert emulator.task_count == before


def test_a_local_image_that_breaks_the_documented_limits_exits_2(emulator: Emulator, tmp_path: Path) -> None:
    small = png_file(tmp_path / "small.png", 299, 400)
    before = emulator.task_count
    result = kling("--base-url", emulator.base_url, "images", "generate", "a fox", "--image", str(small))

    assert result.exit_code == USAGE
    assert "invalid image" in error_line(result)
    assert emulator.task_count == before


def test_usage_errors_exit_2_with_clicks_message(emulator: Emulator) -> None:
    unknown_ratio = kling("--base-url", emulator.base_url, "images", "generate", "a fox", "--aspect-ratio", "5:4")
    assert unknown_ratio.exit_code == USAGE
    assert "21:9" in unknown_ratio.stderr  # the choices come from the generated enum
    assert kling("images", "generate").exit_code == USAGE  # no PROMPT

    as_json = kling("--json", "images", "generate", "a fox", "--n", "two")
    assert as_json.exit_code == USAGE
    assert "'two' is not a valid integer" in json_error(as_json)["message"]


def test_a_number_takes_as_many_ascii_digits_as_the_validator_and_no_more() -> None:
    # The CLI's limit is kling_spec's (the one the emulator and the contract mock apply to query integers).
    # Nothing is sent either way (a loopback URL where no server listens): both are refused before.
    common = ("--json", "--base-url", "http://127.0.0.1:9", "images", "generate", "a fox", "--n")
    longest = kling(*common, "1" * MAX_INTEGER_DIGITS)
    too_long = kling(*common, "1" * (MAX_INTEGER_DIGITS + 1))

    assert longest.exit_code == too_long.exit_code == USAGE
    assert json_error(longest)["message"] == f"invalid n: {'1' * MAX_INTEGER_DIGITS} is greater than the maximum of 9"
    assert f"is not a valid integer (ASCII digits 0-9, at most {MAX_INTEGER_DIGITS})" in json_error(too_long)["message"]


def test_an_api_error_exits_3_with_code_and_request_id(emulator: Emulator) -> None:
    result = kling("--base-url", emulator.base_url, "images", "get", "no-such-task")

    assert result.exit_code == API_ERROR
    line = error_line(result)
    assert line.startswith("error: invalid request (code 1201, request_id ")
    assert result.stdout == ""

    as_json = json_error(kling("--json", "--base-url", emulator.base_url, "images", "get", "no-such-task"))
    assert as_json["type"] == "InvalidRequestError"
    assert as_json["code"] == 1201
    assert as_json["http_status"] == 400
    assert as_json["request_id"]
    assert as_json["api_message"]


def test_a_failed_task_exits_4_with_the_reason(moderating_emulator: Emulator, tmp_path: Path) -> None:
    result = kling("--base-url", moderating_emulator.base_url, "images", "generate", "a fox", "--out", str(tmp_path))

    assert result.exit_code == TASK_FAILED
    line = error_line(result)
    assert line.startswith("error: task ")
    assert "failed: " in line
    assert "no reason given" not in line
    assert list(tmp_path.iterdir()) == []

    as_json = kling("--json", "--base-url", moderating_emulator.base_url, "images", "generate", "a fox")
    assert as_json.exit_code == TASK_FAILED
    error = json_error(as_json)
    assert error["task_status_msg"]
    task_id = error["task_id"]
    downloaded = kling("--base-url", moderating_emulator.base_url, "images", "download", task_id)
    assert downloaded.exit_code == TASK_FAILED


def test_a_wait_past_its_deadline_exits_5_and_says_how_to_resume(slow_emulator: Emulator) -> None:
    base = ("--base-url", slow_emulator.base_url)
    result = kling(*base, "images", "generate", "a fox", "--timeout", "0.2")

    assert result.exit_code == TIMEOUT
    line = error_line(result)
    task_id = result.stderr.split("created task ", 1)[1].split()[0]
    assert f"kling --base-url {slow_emulator.base_url} images wait {task_id}" in line

    waited = kling("--json", *base, "images", "wait", task_id, "--timeout", "0.1")
    assert waited.exit_code == TIMEOUT
    error = json_error(waited)
    assert error["task_id"] == task_id
    assert error["last_status"] in {"submitted", "processing"}
    assert error["resume"].endswith(f"images wait {task_id}")


def test_ctrl_c_while_waiting_exits_130_and_says_how_to_resume(
    slow_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: WaitProgress, task: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(WaitProgress, "update", interrupted)
    result = kling("--base-url", slow_emulator.base_url, "images", "generate", "a fox")

    assert result.exit_code == INTERRUPTED
    assert "images wait " in error_line(result)


def test_ctrl_c_anywhere_else_exits_130_without_a_traceback(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = created_task_id(emulator)

    def interrupted(*args: object) -> list[str]:
        raise KeyboardInterrupt

    monkeypatch.setattr(kling_tasks, "task_lines", interrupted)
    result = kling("--base-url", emulator.base_url, "images", "get", task_id)

    assert result.exit_code == INTERRUPTED
    assert error_line(result) == "error: interrupted"


# -- auth -----------------------------------------------------------------------------------------


def test_auth_token_prints_only_a_token_the_verify_command_accepts() -> None:
    keys = {ACCESS_KEY_ENV: ACCESS_KEY, SECRET_KEY_ENV: SECRET_KEY}
    signed = kling("auth", "token", env=keys)

    assert signed.exit_code == OK, signed.stderr
    token = signed.stdout.removesuffix("\n")
    assert token.startswith("eyJ")
    assert "\n" not in token
    assert signed.stderr == ""

    verified = kling("auth", "verify", "-", env=keys, stdin=signed.stdout)
    assert verified.exit_code == OK
    assert verified.stdout.startswith(f"valid: issued for access key {ACCESS_KEY}")
    assert token not in verified.stdout + verified.stderr


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (sign_token(ACCESS_KEY, SECRET_KEY, now=1_000_000_000), "expired"),
        (sign_token(ACCESS_KEY, "another-secret-key-0123456789abcdef"), "signature"),
        (sign_token("someone-else", SECRET_KEY), "access key"),
        ("not-a-token", "not a JWT"),
    ],
)
def test_auth_verify_says_why_a_token_is_invalid(token: str, reason: str) -> None:
    result = kling("auth", "verify", token, env={ACCESS_KEY_ENV: ACCESS_KEY, SECRET_KEY_ENV: SECRET_KEY})

    assert result.exit_code == INVALID_TOKEN
    assert result.stdout.startswith("invalid: ")
    assert reason in result.stdout
    assert SECRET_KEY not in result.stdout + result.stderr

    as_json = kling("--json", "auth", "verify", token, env={ACCESS_KEY_ENV: ACCESS_KEY, SECRET_KEY_ENV: SECRET_KEY})
    assert as_json.exit_code == INVALID_TOKEN
    assert json.loads(as_json.stdout)["valid"] is False


def test_auth_against_the_emulator_uses_the_demo_keys(emulator: Emulator) -> None:
    signed = kling("--base-url", emulator.base_url, "auth", "token")
    assert signed.exit_code == OK
    assert "demo keys" in signed.stderr

    verified = kling("--base-url", emulator.base_url, "auth", "verify", signed.stdout.strip())
    assert verified.exit_code == OK
    assert DEMO_SECRET_KEY not in verified.stdout + verified.stderr


# -- secrets --------------------------------------------------------------------------------------


def test_no_secret_and_no_token_in_any_output(emulator: Emulator, tmp_path: Path) -> None:
    """A whole session with the user's own keys and debug logging: the secret never shows, nor a token."""
    keys = {ACCESS_KEY_ENV: ACCESS_KEY, SECRET_KEY_ENV: SECRET_KEY}
    base = ("-vv", "--base-url", emulator.base_url)
    runs = [
        kling(*base, "images", "generate", "a fox", "--out", str(tmp_path), env=keys),
        kling(*base, "--json", "images", "generate", "a fox", "--no-download", env=keys),
        kling(*base, "images", "list", env=keys),
        kling(*base, "images", "get", "no-such-task", env=keys),
        kling(*base, "images", "generate", "a fox", "--n", "10", env=keys),
        kling(*base, "auth", "verify", "not-a-token", env=keys),
    ]
    seen = "".join(result.stdout + result.stderr for result in runs)
    assert [result.exit_code for result in runs] == [OK, OK, OK, API_ERROR, USAGE, INVALID_TOKEN]
    assert "GET /v1/images/generations" in seen  # -vv did log the requests
    assert SECRET_KEY not in seen
    assert base64.b64encode(SECRET_KEY.encode()).decode()[:20] not in seen
    assert "eyJ" not in seen


def test_wrong_keys_exit_3_with_the_authentication_code(emulator: Emulator) -> None:
    keys = {ACCESS_KEY_ENV: ACCESS_KEY, SECRET_KEY_ENV: "a-wrong-secret-key-0123456789abcdef"}
    result = kling("--base-url", emulator.base_url, "images", "list", env=keys)

    assert result.exit_code == API_ERROR
    assert error_line(result).startswith("error: authentication failed (code 1002")
    assert "a-wrong-secret-key" not in result.stderr
