"""``kling images batch``: large jobs from the command line, against an emulator started here (it checks every
request against the spec). The runs that must survive a kill, share a job or be interrupted are real processes
(``python -m kling.cli``); the rest run in process (click's CliRunner)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from kling import DownloadError
from kling._images import AsyncImages
from kling.cli import API_ERROR, OK, TASK_FAILED, USAGE, cli
from kling.cli._batch import ItemState, JobLine, JobProgress, Manifest, Tally, _where_things_stand, manifest_path
from kling.cli._exit_codes import BUDGET, INTERRUPTED
from kling.cli._output import Output
from kling_emulator import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, Emulator, create_app, run_emulator
from PIL import Image
from rich.console import Console

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Server:
    def __init__(self, emulator: Emulator, base_url: str) -> None:
        self.emulator = emulator
        self.base_url = base_url

    def tasks(self, job: str) -> list[Any]:
        everything = self.emulator.tasks.page(1, 100_000, now=self.emulator.now())
        return [task for task in everything if str(task.spec.external_task_id).startswith(f"{job}-")]

    def charged(self, job: str) -> Decimal:
        """The sum of final_unit_deduction over the job's tasks, as the emulator's answers carry it."""
        now = self.emulator.now()
        views = [task.view(now, self.base_url) for task in self.tasks(job)]
        assert all(view["task_status"] == "succeed" for view in views)
        return sum((Decimal(view["final_unit_deduction"]) for view in views), Decimal(0))


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """Tasks end 0.6 s after they are created; 6 slots."""
    app = create_app(keys={DEMO_ACCESS_KEY: DEMO_SECRET_KEY}, processing_after=0.1, succeed_after=0.6, slots=6)
    with run_emulator(app) as base_url:
        yield Server(app.state.emulator, base_url)


def write_prompts(path: Path, prompts: list[str]) -> Path:
    path.write_text("".join(f"{prompt}\n" for prompt in prompts), encoding="utf-8")
    return path


def write_json_lines(path: Path, items: list[Any]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def last_lines(out: Path, job: str) -> dict[int, dict[str, Any]]:
    """Each item's last manifest line."""
    last: dict[int, dict[str, Any]] = {}
    for line in manifest_path(out, job).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        last[record["item"]] = record
    return last


def assert_complete(out: Path, job: str, prompts: list[str]) -> None:
    """Every item's last line says succeed, with files that are there and are PNGs."""
    last = last_lines(out, job)
    assert sorted(last) == list(range(len(prompts)))
    for number, record in last.items():
        assert record["status"] == "succeed", record
        assert record["prompt"] == prompts[number]
        assert record["files"]
        for name in record["files"]:
            assert (out / name).read_bytes().startswith(PNG_SIGNATURE)


def _environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if not name.startswith("KLING_")}


def kling_process(server: Server, *args: str) -> subprocess.Popen[str]:
    """``python -m kling.cli --base-url URL ARGS`` in a process of its own (demo keys: the emulator is on loopback)."""
    command = [sys.executable, "-m", "kling.cli", "--base-url", server.base_url, *args]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_environment()
    )


def finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def wait_for_manifest(
    out: Path, job: str, *, done: int, running: int, timeout: float = 30
) -> dict[int, dict[str, Any]]:
    """Until the manifest shows at least ``done`` items finished and ``running`` running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if manifest_path(out, job).exists():
            last = last_lines(out, job)
            statuses = Counter(record["status"] for record in last.values())
            if statuses["succeed"] >= done and statuses["running"] >= running:
                return last
        time.sleep(0.02)
    raise AssertionError(f"the manifest of {job} never showed {done} done and {running} running")


def kling(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"KLING_BASE_URL": None}, catch_exceptions=False)


# -- resumable, shared, interrupted: real processes ---------------------------------------------------------------


def test_a_batch_killed_part_way_resumes_to_one_task_and_the_files_per_item(server: Server, tmp_path: Path) -> None:
    prompts = [f"killed batch item {number}: a paper lantern" for number in range(12)]
    job_file, out = write_prompts(tmp_path / "prompts.txt", prompts), tmp_path / "out"
    args = ("images", "batch", str(job_file), "--job", "killed", "--out", str(out), "--concurrency", "3")

    first = kling_process(server, *args)
    before_kill = wait_for_manifest(out, "killed", done=3, running=1)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert first.returncode == -signal.SIGKILL
    killed_at = last_lines(out, "killed")
    assert len([r for r in killed_at.values() if r["status"] == "succeed"]) < len(prompts)
    done_files = {
        name: (out / name).stat().st_mtime_ns
        for record in before_kill.values()
        if record["status"] == "succeed"
        for name in record["files"]
    }
    assert done_files

    code, stdout, stderr = finish(kling_process(server, *args))

    assert code == OK, stderr
    assert "resuming job killed" in stderr
    assert stdout.strip() == str(manifest_path(out, "killed"))
    assert_complete(out, "killed", prompts)
    # Exactly one task per item on the server, whatever the kill interrupted.
    assert Counter(task.spec.prompt for task in server.tasks("killed")) == Counter(prompts)
    # Items done before the kill were skipped: their files are the same files, not downloaded again.
    assert {name: (out / name).stat().st_mtime_ns for name in done_files} == done_files


def test_processes_sharing_a_job_at_once_create_each_item_once(server: Server, tmp_path: Path) -> None:
    """Two machines on the whole job and a third on an overlapping shard, all at once, into the same folder."""
    prompts = [f"shared batch item {number}: a glass bird" for number in range(10)]
    job_file, out = write_prompts(tmp_path / "prompts.txt", prompts), tmp_path / "out"
    args = ("images", "batch", str(job_file), "--job", "shared", "--out", str(out), "--concurrency", "3")

    processes = [
        kling_process(server, *args),
        kling_process(server, *args),
        kling_process(server, *args, "--shard", "1/2"),
    ]
    outcomes = [finish(process) for process in processes]

    assert [code for code, _, _ in outcomes] == [OK, OK, OK], [err for _, _, err in outcomes]
    assert Counter(task.spec.prompt for task in server.tasks("shared")) == Counter(prompts)
    assert_complete(out, "shared", prompts)
    assert "(shard 1/2)" in outcomes[2][2]


def test_ctrl_c_stops_creating_records_where_things_stand_and_says_how_to_resume(
    server: Server, tmp_path: Path
) -> None:
    prompts = [f"interrupted batch item {number}: a tin robot" for number in range(12)]
    job_file, out = write_prompts(tmp_path / "prompts.txt", prompts), tmp_path / "out"
    process = kling_process(server, "images", "batch", str(job_file), "--job", "ctrl-c", "--out", str(out))
    wait_for_manifest(out, "ctrl-c", done=1, running=1)
    process.send_signal(signal.SIGINT)
    code, _, stderr = finish(process)

    assert code == INTERRUPTED
    [error] = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert "no new task is created" in error
    resume = error.split("Resume with: ", 1)[1]
    assert resume == (f"kling --base-url {server.base_url} images batch {job_file} --job ctrl-c --out {out}")
    assert "ctrl-c interrupted: 12 items" in stderr
    stand = last_lines(out, "ctrl-c")
    created = len(server.tasks("ctrl-c"))
    assert created < len(prompts)  # it stopped creating
    running = [record for record in stand.values() if record["status"] == "running"]
    assert all(record["task_id"] for record in running)

    # The command it printed finishes the job.
    words = resume.split()
    assert words[0] == "kling"
    code, _, stderr = finish(kling_process(server, *words[3:]))
    assert code == OK, stderr
    assert_complete(out, "ctrl-c", prompts)
    assert Counter(task.spec.prompt for task in server.tasks("ctrl-c")) == Counter(prompts)


# -- budget, JSON Lines, estimates: in process ---------------------------------------------------------------------


def test_the_budget_stops_new_creates_at_the_limit_and_a_larger_one_goes_on(server: Server, tmp_path: Path) -> None:
    prompts = [f"budget item {number}: a wooden boat" for number in range(6)]
    job_file, out = write_prompts(tmp_path / "prompts.txt", prompts), tmp_path / "out"
    args = ["--base-url", server.base_url, "images", "batch", str(job_file), "--job", "budget", "--out", str(out)]

    # 8 units a task: two fit in 20, a third would make 24.
    result = kling(*args, "--concurrency", "2", "--max-units", "20")

    assert result.exit_code == BUDGET, result.stderr
    assert "budget: --max-units 20 reached (16 units spent or running): no new task is created" in result.stderr
    assert "2 done, 0 failed, 4 not started (budget); 16 units spent" in result.stderr
    assert "run it again with a larger --max-units" in result.stderr
    assert len(server.tasks("budget")) == 2
    statuses = {number: record["status"] for number, record in last_lines(out, "budget").items()}
    assert statuses == {0: "succeed", 1: "succeed", 2: "not_started", 3: "not_started", 4: "not_started",
                        5: "not_started"}  # fmt: skip

    # The budget is the job's: the 16 units the manifest records count, so 40 leaves room for three more.
    result = kling(*args, "--concurrency", "2", "--max-units", "40")

    assert result.exit_code == BUDGET, result.stderr
    assert "5 done, 0 failed, 1 not started (budget); 40 units spent" in result.stderr
    assert len(server.tasks("budget")) == 5

    result = kling(*args, "--concurrency", "2", "--max-units", "48")

    assert result.exit_code == OK, result.stderr
    assert "6 done, 0 failed; 48 units spent" in result.stderr
    assert Counter(task.spec.prompt for task in server.tasks("budget")) == Counter(prompts)
    assert_complete(out, "budget", prompts)


def test_a_failed_task_stays_failed_and_a_failed_download_is_fetched_again(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = [f"mixed fortunes item {number}" for number in range(3)]
    job_file, out = write_prompts(tmp_path / "prompts.txt", prompts), tmp_path / "out"
    args = ["--base-url", server.base_url, "images", "batch", str(job_file), "--job", "fortunes", "--out", str(out)]
    real_download = AsyncImages.download

    async def refused_once(self: AsyncImages, task: Any, directory: Any, **options: Any) -> list[Path]:
        if task.task_status == "succeed" and not refused:
            refused.append(task.task_id)
            raise DownloadError(f"{server.base_url}/x.png", "the connection dropped")
        return await real_download(self, task, directory, **options)

    refused: list[str] = []
    monkeypatch.setattr(AsyncImages, "download", refused_once)
    server.emulator.moderate_next(1)  # the first task created ends failed

    result = kling(*args, "--concurrency", "1")

    assert result.exit_code == API_ERROR, result.stderr
    last = last_lines(out, "fortunes")
    assert last[0]["status"] == "failed"
    assert "risk control" in last[0]["error"]
    assert last[1]["status"] == "error"
    assert last[1]["task_id"] == refused[0]
    assert "download failed" in last[1]["error"]
    assert last[2]["status"] == "succeed"

    result = kling(*args)

    # The failed task stays failed (4); the download is done again from the same task; nothing is created.
    assert result.exit_code == TASK_FAILED, result.stderr
    last = last_lines(out, "fortunes")
    assert [last[number]["status"] for number in range(3)] == ["failed", "succeed", "succeed"]
    assert last[1]["task_id"] == refused[0]
    assert len(server.tasks("fortunes")) == 3


def test_a_json_lines_job_with_per_item_models_and_sizes(server: Server, tmp_path: Path) -> None:
    items = [
        {"prompt": "a square tile", "model_name": "kling-v2-1", "aspect_ratio": "1:1"},
        {"prompt": "two wide murals", "n": 2, "aspect_ratio": "16:9", "resolution": "2k"},
        {"prompt": "a tall banner", "model_name": "kling-v3", "aspect_ratio": "9:16"},
    ]
    job_file, out = write_json_lines(tmp_path / "job.jsonl", items), tmp_path / "out"

    result = kling("--base-url", server.base_url, "images", "batch", str(job_file), "--job", "sizes", "--out", str(out))

    assert result.exit_code == OK, result.stderr
    last = last_lines(out, "sizes")
    sizes = {number: [Image.open(out / name).size for name in record["files"]] for number, record in last.items()}
    assert sizes == {0: [(1024, 1024)], 1: [(2048, 1152), (2048, 1152)], 2: [(576, 1024)]}
    models = {task.spec.prompt: task.spec.model_name for task in server.tasks("sizes")}
    assert models == {"a square tile": "kling-v2-1", "two wide murals": "kling-v3", "a tall banner": "kling-v3"}


def test_the_dry_run_estimate_is_what_the_emulator_charges(server: Server, tmp_path: Path) -> None:
    reference = tmp_path / "reference.png"
    Image.new("RGB", (400, 400), (20, 120, 200)).save(reference, "PNG")
    items = [
        {"prompt": "a fox"},
        {"prompt": "foxes", "n": 3},
        {"prompt": "a fox, 2.1", "model_name": "kling-v2-1", "n": 2},
        {"prompt": "this fox in winter", "model_name": "kling-v2-1", "image": str(reference)},
        {"prompt": "this fox, 3.0", "model_name": "kling-v3", "image": str(reference), "resolution": "2k"},
    ]
    job_file, out = write_json_lines(tmp_path / "job.jsonl", items), tmp_path / "out"
    args = ["--base-url", server.base_url, "images", "batch", str(job_file), "--job", "priced", "--out", str(out)]

    dry = kling("--json", *args, "--dry-run")

    assert dry.exit_code == OK, dry.stderr
    estimate = json.loads(dry.stdout)
    assert (estimate["tasks"], estimate["images"], estimate["units"]) == (5, 8, 8 + 24 + 8 + 8 + 8)
    assert estimate["complete"]
    assert server.tasks("priced") == []  # nothing sent
    assert not out.exists()

    human = kling(*args, "--dry-run")
    assert "estimated 56 units (USD 0.196)" in human.stdout

    result = kling(*args, "--concurrency", "4")

    assert result.exit_code == OK, result.stderr
    assert server.charged("priced") == estimate["units"]
    assert "56 units spent" in result.stderr


def test_the_dry_run_names_a_model_of_unknown_price(tmp_path: Path) -> None:
    items = [{"prompt": "a", "model_name": "kling-v9", "n": 2}, {"prompt": "b"}]
    job_file = write_json_lines(tmp_path / "job.jsonl", items)

    result = kling("images", "batch", str(job_file), "--job", "new-model", "--out", str(tmp_path), "--dry-run")

    assert result.exit_code == OK, result.stderr
    assert "kling-v9  1 tasks  2 images  unknown price" in result.stdout
    assert "1 task(s) of unknown price not counted" in result.stdout
    assert "estimated 8 units" in result.stdout


def test_a_shard_takes_every_nth_item(server: Server, tmp_path: Path) -> None:
    prompts = [f"sharded item {number}" for number in range(7)]
    job_file, out = write_prompts(tmp_path / "prompts.txt", prompts), tmp_path / "out"
    args = ["--base-url", server.base_url, "images", "batch", str(job_file), "--job", "shard", "--out", str(out)]

    result = kling(*args, "--shard", "2/3")

    assert result.exit_code == OK, result.stderr
    assert sorted(last_lines(out, "shard")) == [1, 4]
    assert sorted(task.spec.prompt for task in server.tasks("shard")) == [prompts[1], prompts[4]]
    dry = kling("--json", *args, "--shard", "3/3", "--dry-run")
    assert json.loads(dry.stdout)["tasks"] == 2  # items 2 and 5


# -- the file, the options, the manifest, the progress -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("job.jsonl", '{"prompt": "a"}\n\n{"prompt": "b", "n": 12}\n', "job.jsonl line 3: invalid n:"),
        ("job.jsonl", '{"prompt": "a"}\nnot json\n', "job.jsonl line 2: not JSON"),
        ("job.jsonl", '{"prompt": "a"}\n["a list"]\n', "job.jsonl line 2: must be a JSON object"),
        ("job.jsonl", '{"prompt": "a", "colour": "red"}\n', "job.jsonl line 1: invalid colour: is not a field"),
        ("job.jsonl", '{"n": 2}\n', "job.jsonl line 1: invalid prompt: is required"),
        ("empty.txt", "\n  \n", "holds no items"),
    ],
)
def test_a_bad_line_is_a_usage_error_naming_it(tmp_path: Path, name: str, content: str, message: str) -> None:
    job_file = tmp_path / name
    job_file.write_text(content, encoding="utf-8")

    result = kling("images", "batch", str(job_file), "--job", "bad", "--out", str(tmp_path / "out"), "--dry-run")

    assert result.exit_code == USAGE
    assert message in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--shard", "4/3"], "K must be between 1 and N"),
        (["--shard", "two"], "must be K/N"),
        (["--max-units", "0"], "not a number of units above 0"),
        (["--max-units", "1e3"], "not a number of units above 0"),
        (["--job", "a/b"], "invalid job: must be 1 to 64"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, options: list[str], message: str) -> None:
    job_file = write_prompts(tmp_path / "p.txt", ["a"])
    job = [] if "--job" in options else ["--job", "ok"]

    result = kling("images", "batch", str(job_file), *job, "--out", str(tmp_path), "--dry-run", *options)

    assert result.exit_code == USAGE
    assert message in result.stderr, result.stderr


def test_a_text_file_is_a_prompt_a_line_even_with_braces_later(tmp_path: Path) -> None:
    job_file = write_prompts(tmp_path / "p.txt", ["a fox", "", "{braces} in a prompt", "  an owl  "])
    result = kling("--json", "images", "batch", str(job_file), "--job", "text", "--out", str(tmp_path), "--dry-run")
    assert json.loads(result.stdout)["tasks"] == 3


def test_a_final_line_is_not_undone_by_another_processs_later_running_line(tmp_path: Path) -> None:
    line = JobLine(0, 1, "a fox")
    state = ItemState(line, "j-0-abc", Decimal(8))
    records: list[dict[str, Any]] = [
        {"item": 0, "external_task_id": "j-0-abc", "status": "running"},
        {"item": 0, "external_task_id": "j-0-abc", "status": "succeed", "files": ["t-0.png"]},
        {"item": 0, "external_task_id": "j-0-abc", "status": "running"},  # another process, which saw it earlier
        {"item": 0, "external_task_id": "j-0-old", "status": "failed"},  # the item before it was edited
    ]
    _where_things_stand([state], records)
    assert state.status == "succeed"
    assert state.files(tmp_path) == [tmp_path / "t-0.png"]
    fresh = ItemState(line, "j-0-abc", Decimal(8))
    _where_things_stand([fresh], [records[0], {**records[0], "status": "error"}])
    assert fresh.status == "error"


def test_the_manifest_skips_a_line_cut_short_by_a_kill(tmp_path: Path) -> None:
    path = tmp_path / "j.manifest.jsonl"
    whole = {"item": 0, "status": "succeed", "external_task_id": "j-0-x"}
    path.write_text(json.dumps(whole) + "\n" + '{"item": 1, "status": "runn', encoding="utf-8")
    assert Manifest(path).read() == [whole]
    with Manifest(path) as manifest:
        manifest.append({"item": 1, "status": "running"})
    assert [record["item"] for record in Manifest(path).read()] == [0, 1]


def test_the_progress_on_a_terminal_shows_every_count() -> None:
    buffer = io.StringIO()
    output = Output(json_mode=False)
    output.stderr = Console(file=buffer, force_terminal=True, width=200, color_system=None)
    tally = Tally(total=200, done=12, failed=1, running=10, units=Decimal(96))
    with JobProgress(output, "catalogue", tally) as progress:
        progress.item("item 12 (line 13): succeed")
    shown = buffer.getvalue()
    for text in ("job catalogue", "13/200", "done 12/200", "running 10", "failed 1", "queued 177", "96 units",
                 "elapsed", "ETA"):  # fmt: skip
        assert text in shown, text


def test_the_eta_follows_the_pace_of_this_run() -> None:
    tally = Tally(total=10, done=4, started_at=time.monotonic() - 40, ended_this_run=4)
    assert tally.eta() == "1:00"  # 10 s an item, 6 left
    assert Tally(total=3).eta() == "?"
    assert Tally(total=3, done=3).eta() == "0:00"
