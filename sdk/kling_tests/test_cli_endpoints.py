"""The `kling` commands of the 2026 endpoints end to end, against the in-process emulator (loopback: demo keys):
`kling omni`, `multi-image`, `outpaint`, `multi-shot`, `elements` and `account costs`.

As in test_cli.py, each test runs the command as a user would and checks what the user sees: the files saved
(their pixels where the request decides them), the lines printed, the JSON documents, the exit codes; and, for a
value refused before sending, that the emulator saw no task.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from kling.cli import API_ERROR, INTERRUPTED, OK, TASK_FAILED, TIMEOUT, USAGE
from kling.cli._output import WaitProgress
from kling_emulator import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, create_app, run_emulator
from PIL import Image

from .test_cli import PNG_SIGNATURE, Emulator, error_line, json_error, kling, png_file


def _serve(**options: Any) -> Iterator[Emulator]:
    app = create_app(keys={DEMO_ACCESS_KEY: DEMO_SECRET_KEY}, **options)
    with run_emulator(app) as base_url:
        yield Emulator(app, base_url)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """Tasks end about 0.1 s after creation; ``moderate_next()`` makes the next one fail."""
    yield from _serve(processing_after=0.05, succeed_after=0.1)


@pytest.fixture(scope="module")
def slow_emulator() -> Iterator[Emulator]:
    """Tasks take a minute: every wait in a test times out first."""
    yield from _serve(processing_after=0.05, succeed_after=60)


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local 600x800 PNG, the image input of every command."""
    return png_file(tmp_path_factory.mktemp("inputs") / "photo.png", 600, 800)


def run(emulator: Emulator, *args: str) -> Result:
    return kling("--base-url", emulator.base_url, *args)


def run_json(emulator: Emulator, *args: str) -> Any:
    """The one JSON document of a --json run that succeeded (a dict, or a list for the lists)."""
    result = kling("--json", "--base-url", emulator.base_url, *args)
    assert result.exit_code == OK, result.stderr
    assert result.stderr == ""  # machine mode: no progress, no notes
    return json.loads(result.stdout)


def task_of(emulator: Emulator, task_id: str) -> Any:
    task = emulator.app.state.emulator.tasks.get(task_id, now=time.time())
    assert task is not None
    return task


def saved_paths(result: Result) -> list[Path]:
    """The paths a generate printed on stdout, each a PNG file."""
    paths = [Path(line) for line in result.stdout.splitlines()]
    for path in paths:
        assert path.read_bytes().startswith(PNG_SIGNATURE), path
    return paths


def created_id(result: Result) -> str:
    return result.stderr.split("created task ", 1)[1].split()[0].rstrip(";")


# -- kling omni ------------------------------------------------------------------------------------------------


def test_omni_generate_with_a_reference_and_an_element_saves_the_images(
    emulator: Emulator, photo: Path, tmp_path: Path
) -> None:
    result = run(
        emulator, "omni", "generate", "the fox of <<<image_1>>> beside <<<element_1>>>", "--image", str(photo),
        "--element", "160", "--n", "2", "--resolution", "2k", "--out", str(tmp_path),
    )  # fmt: skip

    assert result.exit_code == OK, result.stderr
    paths = saved_paths(result)
    assert [path.parent for path in paths] == [tmp_path, tmp_path]
    assert "succeed" in result.stderr
    assert "downloading 2 image(s)" in result.stderr
    task = task_of(emulator, created_id(result))
    assert (task.spec.n, task.spec.resolution, task.spec.elements) == (2, "2k", 1)


def test_omni_series_json_lists_the_series_and_its_files(emulator: Emulator, tmp_path: Path) -> None:
    document = run_json(
        emulator, "omni", "generate", "a fox, four seasons", "--model", "kling-v3-omni", "--series", "3",
        "--aspect-ratio", "1:1", "--out", str(tmp_path),
    )  # fmt: skip

    task = document["task"]
    assert task["task_status"] == "succeed"
    assert task["task_result"]["result_type"] == "series"
    assert len(task["task_result"]["series_images"]) == 3
    assert [Path(path).name for path in document["files"]] == [f"{task['task_id']}-series-{i}.png" for i in range(3)]


def test_omni_create_get_wait_list_and_download(emulator: Emulator, tmp_path: Path) -> None:
    created = run(emulator, "omni", "create", "a heron", "--external-task-id", "cli-omni-1", "--watermark")
    assert created.exit_code == OK, created.stderr
    [task_id] = created.stdout.split()
    assert f"omni wait {task_id}" in created.stderr  # how to follow it

    waited = run_json(emulator, "omni", "wait", task_id, "--timeout", "10")
    assert waited["task_status"] == "succeed"
    assert waited["watermark_info"] == {"enabled": True}

    shown = run(emulator, "omni", "get", "cli-omni-1")  # by the external id
    assert shown.exit_code == OK, shown.stderr
    assert f"task_id           {task_id}" in shown.stdout
    assert "external_task_id  cli-omni-1" in shown.stdout
    assert any(line.startswith("watermarked ") for line in shown.stdout.splitlines())

    listed = run(emulator, "omni", "list", "--page-size", "500")
    assert any(
        line.startswith(f"{task_id}  succeed") and line.endswith("1 image(s)") for line in listed.stdout.splitlines()
    )
    assert task_id in [task["task_id"] for task in run_json(emulator, "omni", "list", "--page-size", "500")]

    downloaded = run(emulator, "omni", "download", task_id, "--watermark", "--out", str(tmp_path))
    assert downloaded.exit_code == OK, downloaded.stderr
    [path] = saved_paths(downloaded)
    assert path.name == f"{task_id}-0.png"


def test_omni_create_json_is_the_created_task(emulator: Emulator) -> None:
    document = run_json(emulator, "omni", "create", "a heron")

    assert set(document) >= {"task_id", "task_status"}
    assert document["task_status"] == "submitted"


# -- kling multi-image -----------------------------------------------------------------------------------------


def test_multi_image_without_download_prints_the_urls(emulator: Emulator, photo: Path) -> None:
    result = run(
        emulator, "multi-image", "generate", "two friends at a picnic", "--subject", str(photo),
        "--subject", str(photo), "--scene", str(photo), "--style", str(photo), "--n", "2", "--no-download",
    )  # fmt: skip

    assert result.exit_code == OK, result.stderr
    urls = result.stdout.splitlines()
    assert len(urls) == 2
    assert all(url.startswith(emulator.base_url) for url in urls)


def test_multi_image_json_without_a_prompt(emulator: Emulator, photo: Path, tmp_path: Path) -> None:
    document = run_json(emulator, "multi-image", "generate", "--subject", str(photo), "--out", str(tmp_path))

    assert document["task"]["task_status"] == "succeed"
    [saved] = document["files"]
    assert Path(saved).read_bytes().startswith(PNG_SIGNATURE)


def test_multi_image_without_a_subject_is_refused_before_sending(emulator: Emulator) -> None:
    before = emulator.task_count
    result = run(emulator, "multi-image", "generate", "two friends")

    assert result.exit_code == USAGE
    assert error_line(result) == "error: invalid subject_image_list (--subject): is required"
    assert emulator.task_count == before


# -- kling outpaint --------------------------------------------------------------------------------------------


def test_outpaint_extends_the_image_by_the_ratios(emulator: Emulator, photo: Path, tmp_path: Path) -> None:
    # `kling outpaint IMAGE ...` is `kling outpaint generate IMAGE ...`, options before or after the image.
    result = run(emulator, "outpaint", "--left", "0.5", str(photo), "--right", "0.5", "--up", "0.25", "--out",
                 str(tmp_path), "--prompt", "more meadow")  # fmt: skip

    assert result.exit_code == OK, result.stderr
    [path] = saved_paths(result)
    with Image.open(path) as image:
        assert image.size == (1200, 1000)  # 600 x (1 + 0.5 + 0.5), 800 x (1 + 0.25)


def test_outpaint_json_and_the_explicit_generate(emulator: Emulator, photo: Path, tmp_path: Path) -> None:
    document = run_json(emulator, "outpaint", "generate", str(photo), "--down", "1", "--n", "2", "--out", str(tmp_path))

    assert document["task"]["task_status"] == "succeed"
    assert len(document["files"]) == 2


def test_outpaint_beyond_three_times_the_area_is_refused_naming_the_rule(emulator: Emulator, photo: Path) -> None:
    before = emulator.task_count
    args = ("outpaint", str(photo), "--left", "1", "--right", "1", "--up", "0.5")
    result = run(emulator, *args)

    assert result.exit_code == USAGE
    line = error_line(result)
    assert line.startswith("error: invalid --left/--right/--up/--down: the expansion ratios make the result 4.5 times")
    assert "(1 + left + right) \u00d7 (1 + up + down) must be at most 3" in line

    as_json = kling("--json", "--base-url", emulator.base_url, *args)
    assert as_json.exit_code == USAGE
    error = json_error(as_json)
    assert error["type"] == "ValidationError"
    assert error["option"] == "--left/--right/--up/--down"
    assert "must be at most 3" in error["rule"]
    assert emulator.task_count == before


@pytest.mark.parametrize(
    ("ratios", "message"),
    [
        (["--left", "2.5"], "error: invalid left_expansion_ratio (--left): 2.5 is greater than the maximum of 2"),
        ([], "nothing to extend: give --left, --right, --up or --down"),
    ],
    ids=["a ratio over 2", "no ratio"],
)
def test_outpaint_ratios_refused_locally(emulator: Emulator, photo: Path, ratios: list[str], message: str) -> None:
    before = emulator.task_count
    result = run(emulator, "outpaint", str(photo), *ratios)

    assert result.exit_code == USAGE
    assert message in result.stderr
    assert emulator.task_count == before


# -- kling multi-shot ------------------------------------------------------------------------------------------


def test_multi_shot_downloads_the_three_views(emulator: Emulator, photo: Path, tmp_path: Path) -> None:
    result = run(emulator, "multi-shot", str(photo), "--out", str(tmp_path))

    assert result.exit_code == OK, result.stderr
    task_id = created_id(result)
    assert [path.name for path in saved_paths(result)] == [f"{task_id}-0-view-{view}.png" for view in (1, 2, 3)]
    assert "downloading 3 image(s)" in result.stderr

    document = run_json(emulator, "multi-shot", "download", task_id, "--out", str(tmp_path / "again"))
    assert len(document["files"]) == 3
    assert set(document["task"]["task_result"]["images"][0]) >= {"url_1", "url_2", "url_3"}


def test_multi_shot_has_no_watermark_option(emulator: Emulator, photo: Path) -> None:
    result = run(emulator, "multi-shot", str(photo), "--watermark")

    assert result.exit_code == USAGE
    assert "No such option '--watermark'" in result.stderr


def test_a_missing_image_file_names_the_argument(emulator: Emulator, tmp_path: Path) -> None:
    result = run(emulator, "multi-shot", str(tmp_path / "nowhere.png"))

    assert result.exit_code == USAGE
    assert error_line(result).startswith("error: invalid element_frontal_image (FRONTAL_IMAGE): no such file: ")


# -- kling elements --------------------------------------------------------------------------------------------


def test_elements_create_list_get_and_delete(emulator: Emulator, photo: Path) -> None:
    created = run(
        emulator, "elements", "create", "Hero", "--description", "a hero in red", "--image", str(photo),
        "--refer-image", str(photo), "--tag", "character", "--tag", "o_105",
    )  # fmt: skip
    assert created.exit_code == OK, created.stderr
    [element_id] = created.stdout.split()  # the id, what --element takes
    assert int(element_id) > 0
    task_id = created_id(created)
    assert task_of(emulator, task_id).spec.element.tags == ("o_102", "o_105")

    listed = run(emulator, "elements", "list", "--page-size", "500")
    assert f"{element_id}  succeed     Hero  [character,costume]" in listed.stdout.splitlines()

    shown = run(emulator, "elements", "get", task_id)
    assert f"element_id        {element_id}" in shown.stdout
    assert "element_name      Hero" in shown.stdout

    deleted = run(emulator, "elements", "delete", element_id)
    assert deleted.exit_code == OK, deleted.stderr
    assert deleted.stdout == f"deleted element {element_id}\n"
    listed_again = run_json(emulator, "elements", "list", "--page-size", "500")
    [element] = [task["task_result"]["elements"][0] for task in listed_again if task["task_id"] == task_id]
    assert element["status"] == "deleted"

    again = run(emulator, "elements", "delete", element_id)  # the server's answer: no such element
    assert again.exit_code == API_ERROR
    assert "code 1203" in error_line(again)


def test_elements_create_json_and_no_wait(emulator: Emulator, photo: Path) -> None:
    common = ("elements", "create", "Lamp", "--description", "a lamp", "--image", str(photo), "--refer-image",
              str(photo))  # fmt: skip
    document = run_json(emulator, *common)
    assert document["element_ids"] == [document["task"]["task_result"]["elements"][0]["element_id"]]

    queued = run(emulator, *common, "--no-wait")
    assert queued.exit_code == OK, queued.stderr
    [task_id] = queued.stdout.split()
    assert f"elements wait {task_id}" in queued.stderr
    waited = run(emulator, "elements", "wait", task_id, "--timeout", "10")
    assert waited.exit_code == OK, waited.stderr
    assert "element_id " in waited.stdout


def test_elements_presets_are_listed(emulator: Emulator) -> None:
    listed = run(emulator, "elements", "list", "--presets", "--page-size", "2")

    assert listed.exit_code == OK, listed.stderr
    assert listed.stdout.splitlines() == [
        "160  succeed     Snow leopard  [animal]",
        "161  succeed     Paper lantern  [item]",
    ]
    presets = run_json(emulator, "elements", "list", "--presets", "--page-size", "2")
    assert [task["task_result"]["elements"][0]["owned_by"] for task in presets] == ["kling", "kling"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([], "error: invalid element_image_list.refer_images (--refer-image): is required"),
        (["--refer-image", "x"] * 4, "error: invalid element_image_list.refer_images (--refer-image): has more than 3"),
        (["--refer-image", "x", "--tag", "dragon"], "'dragon' is not an element tag: hottest (o_101), character"),
    ],
    ids=["no reference image", "four reference images", "an unknown tag"],
)
def test_elements_create_refuses_bad_input_before_sending(
    emulator: Emulator, photo: Path, options: list[str], message: str
) -> None:
    before = emulator.task_count
    result = run(emulator, "elements", "create", "Hero", "--description", "d", "--image", str(photo), *options)

    assert result.exit_code == USAGE
    assert message in result.stderr
    assert emulator.task_count == before


# -- kling account costs ---------------------------------------------------------------------------------------


def test_account_costs_prints_the_packs(emulator: Emulator) -> None:
    # Two requests at most: the endpoint takes one a second (the SDK waits its turn).
    result = run(emulator, "account", "costs")
    assert result.exit_code == OK, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["NAME", "TYPE", "REMAINING/TOTAL", "STATUS", "EXPIRES"]
    [row] = rows
    assert row.startswith("Image Generation - emulator, 100,000 units  decreasing_total  ")
    assert "/100000  " in row
    assert "  online  " in row

    # An older window, one pack by name: the emulator also has the spec's example pack, expired in 2024.
    now = str(int(time.time() * 1000))
    name = "Video Generation - 10,000 entries"
    document = run_json(emulator, "account", "costs", "--start", "2024-09-01", "--end", now, "--pack", name)
    [pack] = document["resource_pack_subscribe_infos"]
    assert (pack["resource_pack_name"], pack["status"]) == (name, "expired")
    assert (pack["remaining_quantity"], pack["total_quantity"]) == (118, 200)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--start", "2026-02-01", "--end", "2026-01-01"],
            "error: invalid start_time (--start): must be before end_time",
        ),
        (["--start", "last week"], "'last week' is not a time: an ISO 8601 date or date and time"),
    ],
    ids=["start after end", "not a time"],
)
def test_account_costs_refuses_a_bad_window_before_sending(options: list[str], message: str) -> None:
    # A loopback URL where nothing listens: a request would be a connection error (exit 3), not a usage error.
    result = kling("--base-url", "http://127.0.0.1:9", "account", "costs", *options)

    assert result.exit_code == USAGE
    assert message in result.stderr


# -- failures: a failed task, a timeout, Ctrl-C, an unknown task ------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["omni", "generate", "a fox"],
        ["outpaint", "PHOTO", "--left", "0.5"],
        ["multi-shot", "PHOTO"],
    ],
    ids=["omni", "outpaint", "multi-shot"],
)
def test_a_failed_task_exits_4_with_the_reason(
    emulator: Emulator, photo: Path, tmp_path: Path, command: list[str]
) -> None:
    args = [str(photo) if arg == "PHOTO" else arg for arg in command]
    emulator.app.state.emulator.moderate_next()
    result = run(emulator, *args, "--out", str(tmp_path))

    assert result.exit_code == TASK_FAILED
    line = error_line(result)
    task_id = created_id(result)
    assert line.startswith(f"error: task {task_id} failed: ")
    assert "no reason given" not in line
    assert list(tmp_path.iterdir()) == []

    downloaded = kling("--json", "--base-url", emulator.base_url, command[0], "download", task_id)
    assert downloaded.exit_code == TASK_FAILED
    assert json_error(downloaded)["task_id"] == task_id


def test_a_failed_element_task_exits_4_in_json(emulator: Emulator, photo: Path) -> None:
    emulator.app.state.emulator.moderate_next()
    result = kling("--json", "--base-url", emulator.base_url, "elements", "create", "Hero", "--description", "d",
                   "--image", str(photo), "--refer-image", str(photo))  # fmt: skip

    assert result.exit_code == TASK_FAILED
    error = json_error(result)
    assert error["type"] == "TaskFailedError"
    assert error["task_status_msg"]


@pytest.mark.parametrize(
    "command",
    [
        ["omni", "generate", "a fox"],
        ["multi-image", "generate", "--subject", "PHOTO"],
        ["outpaint", "PHOTO", "--up", "0.5"],
        ["multi-shot", "PHOTO"],
        ["elements", "create", "Hero", "--description", "d", "--image", "PHOTO", "--refer-image", "PHOTO"],
    ],
    ids=["omni", "multi-image", "outpaint", "multi-shot", "elements"],
)
def test_a_wait_past_its_deadline_exits_5_and_names_the_commands_wait(
    slow_emulator: Emulator, photo: Path, command: list[str]
) -> None:
    args = [str(photo) if arg == "PHOTO" else arg for arg in command]
    result = run(slow_emulator, *args, "--timeout", "0.2")

    assert result.exit_code == TIMEOUT
    task_id = created_id(result)
    resume = f"kling --base-url {slow_emulator.base_url} {command[0]} wait {task_id}"
    assert error_line(result).endswith(f"Resume with: {resume}")

    waited = kling("--json", "--base-url", slow_emulator.base_url, command[0], "wait", task_id, "--timeout", "0.1")
    assert waited.exit_code == TIMEOUT
    error = json_error(waited)
    assert error["resume"] == resume
    assert error["last_status"] in {"submitted", "processing"}


def test_download_of_an_unfinished_task_says_how_to_wait(slow_emulator: Emulator, photo: Path) -> None:
    created = run(slow_emulator, "outpaint", "create", str(photo), "--left", "0.2")
    [task_id] = created.stdout.split()

    result = run(slow_emulator, "outpaint", "download", task_id)

    assert result.exit_code == API_ERROR
    assert error_line(result).endswith(f"outpaint wait {task_id}")


def test_ctrl_c_while_waiting_says_how_to_resume(
    slow_emulator: Emulator, photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: WaitProgress, task: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(WaitProgress, "update", interrupted)
    result = run(slow_emulator, "multi-shot", str(photo))

    assert result.exit_code == INTERRUPTED
    assert f"multi-shot wait {created_id(result)}" in error_line(result)


def test_an_unknown_task_is_the_servers_error(emulator: Emulator) -> None:
    result = kling("--json", "--base-url", emulator.base_url, "multi-image", "get", "no-such-task")

    assert result.exit_code == API_ERROR
    error = json_error(result)
    assert (error["type"], error["code"], error["http_status"]) == ("InvalidRequestError", 1201, 400)


# -- help ------------------------------------------------------------------------------------------------------


def test_kling_help_lists_the_commands_and_loads_none_of_them(tmp_path: Path) -> None:
    probe = (
        "import json, sys\nfrom click.testing import CliRunner\nfrom kling.cli import cli\n"
        "page = CliRunner().invoke(cli, ['--help']).stdout\n"
        "print(json.dumps({'page': page, 'modules': sorted(sys.modules)}))\n"
    )
    env = {name: value for name, value in os.environ.items() if not name.startswith("KLING_")}
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)

    for command in ("account", "elements", "multi-image", "multi-shot", "omni", "outpaint"):
        assert f"\n  {command} " in seen["page"]
    modules = ("_tasks", "_omni", "_multi_image", "_outpaint", "_multi_shot", "_elements", "_account")
    assert [name for name in seen["modules"] if name.removeprefix("kling.cli.") in modules] == []


def test_outpaint_help_says_the_image_comes_first() -> None:
    result = kling("outpaint", "--help")

    assert result.exit_code == OK
    assert result.stdout.startswith("Usage: kling outpaint IMAGE [OPTIONS] | COMMAND [ARGS]...")
    assert "generate" in result.stdout
