"""bench/results.md: the machine, the versions, every figure with its goal and verdict."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from importlib.metadata import version

from .auth import AuthResult
from .batch import SCALE, SLOTS, TASK_SECONDS, BatchResult
from .coldstart import BARE, CLIENT, CLIENT_CODE, GOALS, HELP, HTTPX, IMPORT, ColdStartResult
from .jobs import SLOTS as JOB_SLOTS
from .jobs import TASK_SECONDS as JOB_TASK_SECONDS
from .jobs import JobResult, creates, queries
from .memory import EMULATOR_COUNTS, SDK_COUNTS, MemoryResult
from .overhead import OverheadResult
from .waiting import RUN_TIME_RANGE, WaitingResult

#: Goals from the issue.
LOOPBACK_GOAL = 1.10
AUTH_GOAL = 1.02
BATCH_GOAL = 1.10
JOB_GOAL = 1.10
#: A resumed job: the time it may spend on 200 finished items (queries only, no create).
RESUME_GOAL_SECONDS = 2.0
WAIT_SHARE_GOAL = 0.10
#: "Flat": the larger count may not add more than this to the peak RSS.
FLAT_GROWTH = 1.10


def _verdict(passed: bool) -> str:
    return "met" if passed else "**missed**"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_total() -> str:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def machine() -> list[str]:
    versions = ", ".join(
        f"{name} {version(dist)}"
        for name, dist in (
            ("httpx", "httpx"),
            ("attrs", "attrs"),
            ("PyJWT", "PyJWT"),
            ("uvicorn", "uvicorn"),
            ("starlette", "starlette"),
            ("kling-client (the SDK)", "kling-client"),
        )
    )
    return [
        f"- Machine: {os.cpu_count()} CPUs ({_cpu_model()}), {_memory_total()} RAM, {platform.system()} "
        f"{platform.release()}; load average at the end {', '.join(f'{x:.1f}' for x in os.getloadavg())}",
        f"- Python {platform.python_version()} ({sys.implementation.name}); {versions}",
        f"- Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    ]


def summary_rows(
    overhead: OverheadResult,
    auth: AuthResult,
    waiting: WaitingResult,
    batch: BatchResult,
    memory: MemoryResult,
    cold: ColdStartResult,
    job: JobResult,
) -> list[str]:
    """The headline table (also the README's Performance section)."""
    sdk_wait, one_second = waiting.strategies[0], waiting.strategies[1]
    sdk_growth = memory.growth(memory.sdk_batch_kib[SDK_COUNTS[0]], memory.sdk_batch_kib[SDK_COUNTS[1]])
    emu_growth = memory.growth(memory.emulator_kib[EMULATOR_COUNTS[0]][0], memory.emulator_kib[EMULATOR_COUNTS[1]][0])
    surfaced = batch.total("sdk", "surfaced_1303")
    duplicates = batch.total("server", "duplicates")
    return [
        "| Figure | Result (median, p25-p75) | Goal | Verdict |",
        "|---|---|---|---|",
        f"| SDK `images.get` vs bare httpx + `json.loads`, loopback emulator | {overhead.loopback.ratio.ratio()}, "
        f"+{overhead.loopback.overhead.median * 1e6:.0f} us/call | <= {LOOPBACK_GOAL:.2f}x | "
        f"{_verdict(overhead.loopback.ratio.median <= LOOPBACK_GOAL)} |",
        f"| same, in-memory transport | {overhead.memory.ratio.ratio()}, "
        f"+{overhead.memory.overhead.median * 1e6:.0f} us/call | reported (profile below) | - |",
        f"| KlingAuth (cached JWT) vs fixed header, loopback | {auth.loopback.ratio.ratio()} | <= {AUTH_GOAL:.2f}x | "
        f"{_verdict(auth.loopback.ratio.median <= AUTH_GOAL)} |",
        f"| same, in-memory transport | {auth.memory.ratio.ratio()}, +{auth.memory.overhead.median * 1e6:.0f} us/call "
        f"| (stricter view) | - |",
        f"| Signing one token / handing out the cached one | {auth.sign.median * 1e6:.1f} us / "
        f"{auth.cached.median * 1e6:.2f} us | - | - |",
        f"| Waiting, tasks of {RUN_TIME_RANGE[0]:.0f}-{RUN_TIME_RANGE[1]:.0f} s: queries per task (SDK vs 1 s polling)"
        f" | {sdk_wait.mean_queries:.1f} vs {one_second.mean_queries:.1f} | fewer | "
        f"{_verdict(sdk_wait.mean_queries < one_second.mean_queries)} |",
        f"| Waiting: detection delay, share of the run time (mean over tasks) | {sdk_wait.mean_share:.1%} "
        f"(mean {sdk_wait.mean_delay:.2f} s; p95 {sdk_wait.p95_share:.1%}) | <= {WAIT_SHARE_GOAL:.0%} | "
        f"{_verdict(sdk_wait.mean_share <= WAIT_SHARE_GOAL)} |",
        f"| Batch: {batch.tasks} tasks, {SLOTS} slots, vs the slot-limited ideal | {batch.ratio.ratio()} | "
        f"<= {BATCH_GOAL:.2f}x | {_verdict(batch.ratio.median <= BATCH_GOAL)} |",
        f"| Batch: 1303 surfaced to the caller / duplicate tasks on the server | {surfaced} / {duplicates} | 0 / 0 | "
        f"{_verdict(surfaced == 0 and duplicates == 0)} |",
        *job_rows(job),
        f"| SDK peak RSS, batch of {SDK_COUNTS[0]} vs {SDK_COUNTS[1]} tasks | "
        f"{memory.sdk_batch_kib[SDK_COUNTS[0]] / 1024:.1f} vs {memory.sdk_batch_kib[SDK_COUNTS[1]] / 1024:.1f} MiB "
        f"({sdk_growth:.2f}x) | flat (<= {FLAT_GROWTH:.2f}x) | {_verdict(sdk_growth <= FLAT_GROWTH)} |",
        f"| Emulator peak RSS after {EMULATOR_COUNTS[0]:,} vs {EMULATOR_COUNTS[1]:,} finished tasks | "
        f"{memory.emulator_kib[EMULATOR_COUNTS[0]][0] / 1024:.1f} vs "
        f"{memory.emulator_kib[EMULATOR_COUNTS[1]][0] / 1024:.1f} MiB ({emu_growth:.2f}x) | flat "
        f"(<= {FLAT_GROWTH:.2f}x) | {_verdict(emu_growth <= FLAT_GROWTH)} |",
        *cold_start_rows(cold),
    ]


def _resume_met(job: JobResult) -> bool:
    no_creates = creates(job.resume_cli) == 0 and creates(job.resume_sdk) == 0
    in_time = max(job.resume_cli_seconds, job.resume_sdk_seconds) < RESUME_GOAL_SECONDS
    return no_creates and in_time and job.resume_sdk_ok == job.items


def job_rows(job: JobResult) -> list[str]:
    """The large job's rows of the headline table."""
    complete = job.tasks == job.items and job.duplicates == 0 and job.manifest_done == job.items
    return [
        f"| Large job: `kling images batch`, {job.items} items, {JOB_SLOTS} slots, tasks of {JOB_TASK_SECONDS:.0f} s, "
        f"vs the slot-limited ideal | {job.ratio:.2f}x ({job.wall_seconds:.1f} s vs {job.ideal_seconds:.0f} s, one "
        f"run) | <= {JOB_GOAL:.2f}x | {_verdict(job.ratio <= JOB_GOAL)} |",
        f"| Large job run again, all {job.items} done: the CLI / SDK `generate_many(job=)` | "
        f"{job.resume_cli_seconds:.2f} s, {creates(job.resume_cli)} creates, {queries(job.resume_cli)} queries / "
        f"{job.resume_sdk_seconds:.2f} s, {creates(job.resume_sdk)} creates, {queries(job.resume_sdk)} queries | "
        f"queries only, no create, < {RESUME_GOAL_SECONDS:.0f} s | {_verdict(_resume_met(job))} |",
        f"| Large job: tasks on the server / duplicates / items done in the manifest | {job.tasks} / "
        f"{job.duplicates} / {job.manifest_done} | {job.items} / 0 / {job.items} | {_verdict(complete)} |",
    ]


def _answers(requests: dict[str, int]) -> str:
    """``create 200: 200, query 400: 200`` (a lookup of an item not created yet answers 400/1201)."""
    return ", ".join(f"{key}: {count}" for key, count in requests.items()) or "none"


def job_details(job: JobResult) -> list[str]:
    summary = job.summary
    return [
        f"## Large job ({job.items} items, {JOB_SLOTS} slots, tasks of {JOB_TASK_SECONDS:.0f} s, real time)",
        "",
        f"Ideal: {job.items} x {JOB_TASK_SECONDS:.0f} s / {JOB_SLOTS} slots = {job.ideal_seconds:.0f} s. Requests as "
        "the server answered them (route and status; GETs are task queries and image downloads alike).",
        "",
        "| Run | Seconds | Creates | GETs | Requests by route and status | Outcome |",
        "|---|---|---|---|---|---|",
        f"| `kling images batch` | {job.wall_seconds:.2f} (in the command: {summary['elapsed_seconds']:.2f}) | "
        f"{creates(job.first)} | {queries(job.first)} | {_answers(job.first)} | {summary['done']} done, "
        f"{summary['failed']} failed, {summary['units']} units; {job.files} files; manifest {job.manifest_done} done |",
        f"| the same command again | {job.resume_cli_seconds:.2f} | {creates(job.resume_cli)} | "
        f"{queries(job.resume_cli)} | {_answers(job.resume_cli)} | every item skipped (manifest and files checked) |",
        f"| SDK `generate_many(prompts, job=)` | {job.resume_sdk_seconds:.2f} (the call) | {creates(job.resume_sdk)} | "
        f"{queries(job.resume_sdk)} | {_answers(job.resume_sdk)} | {job.resume_sdk_ok} of {job.items} found done |",
    ]


def cold_start_rows(cold: ColdStartResult) -> list[str]:
    """The cold-start rows of the headline table: the two goals against ``import httpx``, then the rest."""
    rows = [
        f"| Cold start: `{command}` vs `{HTTPX}` | {cold.httpx_ratios[command].ratio()} "
        f"({cold.seconds[command].median * 1000:.0f} vs {cold.seconds[HTTPX].median * 1000:.0f} ms) | "
        f"<= {GOALS[command]:.2f}x | {_verdict(cold.met(command))} |"
        for command in (IMPORT, HELP)
    ]
    return [
        *rows,
        f"| same, `import kling` / `kling --help` vs `{BARE}` | "
        f"{cold.ratios[IMPORT].ratio()} / {cold.ratios[HELP].ratio()} "
        f"({cold.seconds[IMPORT].median * 1000:.0f} / {cold.seconds[HELP].median * 1000:.0f} ms) | reported | - |",
        f"| Cold start: `{CLIENT}` (what a first request loads) vs `{HTTPX}` | "
        f"{cold.httpx_ratios[CLIENT].ratio()} ({cold.seconds[CLIENT].median * 1000:.0f} ms) | reported | - |",
    ]


def details(
    overhead: OverheadResult,
    auth: AuthResult,
    waiting: WaitingResult,
    batch: BatchResult,
    memory: MemoryResult,
    cold: ColdStartResult,
    job: JobResult,
) -> list[str]:
    lines = ["## SDK overhead", ""]
    for name, comparison in (("loopback emulator", overhead.loopback), ("in-memory transport", overhead.memory)):
        lines.append(
            f"- {name}: bare call {comparison.baseline.scaled(1e6, 'us')}, SDK {comparison.candidate.scaled(1e6, 'us')}"
            f" per call; overhead {comparison.overhead.scaled(1e6, 'us')}; ratio {comparison.ratio.ratio()} "
            f"({comparison.rounds} interleaved rounds of {comparison.calls_per_round} calls)"
        )
    lines += ["", "In memory, layer by layer (each against the bare call, same run):", ""]
    lines += ["| Layer | Ratio to bare httpx + json.loads | Added per call |", "|---|---|---|"]
    lines += [
        f"| {layer.name} | {layer.comparison.ratio.ratio()} | {layer.comparison.overhead.scaled(1e6, 'us')} |"
        for layer in overhead.layers
    ]
    calls = overhead.profiled_calls
    lines += ["", f"Where the SDK call's own time goes (cProfile over {calls:,} in-memory calls):", ""]
    lines += ["| Package | Share of own time |", "|---|---|"]
    lines += [f"| {name} | {share:.0%} |" for name, share in overhead.by_package]
    lines += ["", "Top functions by own time (per `images.get`; cProfile inflates absolute times):", ""]
    lines += ["| Function | Calls | Own us | Cumulative us |", "|---|---|---|---|"]
    lines += [
        f"| `{line.where}` | {line.calls_per_get:.0f} | {line.own_us:.1f} | {line.cumulative_us:.1f} |"
        for line in overhead.top
    ]
    lines += [
        "",
        "## Auth",
        "",
        f"- loopback: fixed header {auth.loopback.baseline.scaled(1e6, 'us')}, KlingAuth "
        f"{auth.loopback.candidate.scaled(1e6, 'us')}; ratio {auth.loopback.ratio.ratio()}, "
        f"+{auth.loopback.overhead.scaled(1e6, 'us')}",
        f"- in memory: fixed header {auth.memory.baseline.scaled(1e6, 'us')}, KlingAuth "
        f"{auth.memory.candidate.scaled(1e6, 'us')}; ratio {auth.memory.ratio.ratio()}, "
        f"+{auth.memory.overhead.scaled(1e6, 'us')}",
        f"- an httpx.Auth that only sets a constant header, in memory: ratio {auth.constant_auth.ratio.ratio()} "
        "(what httpx's auth hook costs by itself)",
        f"- sign_token: {auth.sign.scaled(1e6, 'us')} per token; cached token: {auth.cached.scaled(1e6, 'us', 2)}",
        "",
        "## Waiting",
        "",
        f"{waiting.tasks} tasks with run times uniform in [{RUN_TIME_RANGE[0]:.0f} s, {RUN_TIME_RANGE[1]:.0f} s] "
        f"(mean {waiting.mean_run_time:.1f} s), simulated time; the SDK's real `images.wait` on a fake clock.",
        "",
        "| Strategy | Queries per task | Mean detection delay | Delay / run time: mean | p95 | worst |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {s.name} | {s.mean_queries:.1f} | {s.mean_delay:.2f} s | {s.mean_share:.1%} | {s.p95_share:.1%} | "
        f"{s.max_share:.1%} |"
        for s in waiting.strategies
    ]
    lines += [
        "",
        f"## Batch ({batch.tasks} tasks, {SLOTS} slots, tasks of {TASK_SECONDS:.0f} emulated s, clock x{SCALE:.0f})",
        "",
        f"Ideal: {batch.tasks} x {TASK_SECONDS:.0f} s / {SLOTS} slots = {batch.runs[0].ideal_seconds:.0f} s.",
        "",
        "| Run | Emulated seconds | Ratio to ideal | OK | Errors | 1303 answered (absorbed) | 1303 surfaced | "
        "Tasks on server | Duplicates | Queries per task |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for number, run in enumerate(batch.runs, 1):
        queries = sum(count for key, count in run.server["answers"].items() if key.startswith("query"))
        lines.append(
            f"| {number} | {run.sdk['emulated_seconds']:.0f} | {run.sdk['emulated_seconds'] / run.ideal_seconds:.3f}x "
            f"| {run.sdk['ok']} | {run.sdk['errors'] or 0} | {run.server['codes_429'].get('1303', 0)} | "
            f"{run.sdk['surfaced_1303']} | {run.server['tasks']} | {run.server['duplicates']} | "
            f"{queries / batch.tasks:.1f} |"
        )
    lines += [
        "",
        "## Memory (peak RSS, VmHWM)",
        "",
        f"- SDK process importing the SDK only: {memory.sdk_import_only_kib / 1024:.1f} MiB",
    ]
    lines += [
        f"- SDK process during a batch of {count} tasks: {kib / 1024:.1f} MiB"
        for count, kib in memory.sdk_batch_kib.items()
    ]
    lines += [
        f"- emulator after {count:,} finished tasks: {kib / 1024:.1f} MiB ({held:,} tasks still held: the store "
        "keeps at most 1,000)"
        for count, (kib, held) in memory.emulator_kib.items()
    ]
    lines += ["", *job_details(job)]
    lines += ["", *cold_start_details(cold)]
    return lines


def cold_start_details(cold: ColdStartResult) -> list[str]:
    lines = [f"## Cold start ({cold.rounds} interleaved rounds)", ""]
    lines += [f"| Command | Seconds | Ratio to `{BARE}` | Ratio to `{HTTPX}` |", "|---|---|---|---|"]
    for name, spread in cold.seconds.items():
        to_bare = cold.ratios[name].ratio() if name in cold.ratios else "1x"
        to_httpx = cold.httpx_ratios[name].ratio() if name in cold.httpx_ratios else ("1x" if name == HTTPX else "-")
        lines.append(f"| `{name}` | {spread.scaled(1000, 'ms', 0)} | {to_bare} | {to_httpx} |")
    for code, heaviest in (("import kling", cold.heaviest_imports), (CLIENT_CODE, cold.heaviest_client_imports)):
        lines += ["", f"Heaviest imports under `{code}` (cumulative, incl. what each imports first):", ""]
        lines += [", ".join(f"{module} {ms:.0f} ms" for module, ms in heaviest) or "(no package)"]
    return lines


def notes(
    overhead: OverheadResult,
    auth: AuthResult,
    waiting: WaitingResult,
    batch: BatchResult,
    memory: MemoryResult,
    cold: ColdStartResult,
    job: JobResult,
) -> list[str]:
    """What the figures mean, and for each missed goal by how much and why."""
    generated, sdk_layer = overhead.layers[1].comparison, overhead.layers[2].comparison
    sdk_wait = waiting.strategies[0]
    lines = [
        "## Reading the figures",
        "",
        f"- On loopback the SDK adds {overhead.loopback.overhead.median * 1e6:.0f} us to a round trip of "
        f"{overhead.loopback.baseline.median * 1e6:.0f} us (most of which is the emulator itself: JWT check, spec "
        "validation, uvicorn). In memory, with no server at all, the same per-call work is a larger share: the "
        f"generated client's strict parsing into attrs models adds {generated.overhead.median * 1e6:.0f} us, the "
        f"SDK layer on top (the call's flow and its driver, answer checks, one log line) "
        f"{(sdk_layer.overhead.median - generated.overhead.median) * 1e6:.0f} us more; httpx itself (URL "
        "building and parsing, headers, cookies) is the largest share of the profile.",
        f"- Auth: a cached token costs {auth.cached.median * 1e6:.2f} us to hand out; what KlingAuth adds per request "
        "is mostly httpx's own auth hook (the constant-header Auth in the details costs about the same).",
        "- Waiting: fewer queries than 1 s polling, more than 3 s polling, with a detection delay that stays a "
        "small share of each task's run time. Short tasks (a few seconds) see a larger share (the p95 and worst "
        "columns): the interval never goes below 1 s, the same floor as 1 s polling.",
        "- Batch: the ratio over the ideal is the time between a task's end and its detection (the poll "
        "interval) plus the create and query round trips, repeated for each of the 20 tasks in a slot's queue.",
        "- Large job: the time over the ideal is the command's start, the lookup of every item before the first "
        "create, then per task its create and the detection of its end (a 3 s task meets its fourth poll just after "
        "it ends), 20 tasks in a row per slot; downloads run outside the slots. Run again, the command reads the "
        "manifest and checks the files: no request at all. The SDK, which has no manifest, finds each item by its "
        "external_task_id: one query per item, taken as it is (it ended).",
        *cold_start_notes(cold),
    ]
    misses = []
    if overhead.loopback.ratio.median > LOOPBACK_GOAL:
        misses.append(
            f"- SDK overhead on loopback missed by {(overhead.loopback.ratio.median / LOOPBACK_GOAL - 1):.1%}: "
            "see the in-memory profile for where the time goes."
        )
    if auth.loopback.ratio.median > AUTH_GOAL:
        misses.append(
            f"- Auth on loopback missed by {(auth.loopback.ratio.median / AUTH_GOAL - 1):.1%} "
            f"(+{auth.loopback.overhead.median * 1e6:.0f} us per request): httpx's auth hook per request, "
            f"not the token (cached: {auth.cached.median * 1e6:.2f} us); within the noise of a shared machine."
        )
    if sdk_wait.mean_share > WAIT_SHARE_GOAL:
        misses.append(f"- Waiting: detection delay {sdk_wait.mean_share:.1%} of the run time, over the goal.")
    if batch.ratio.median > BATCH_GOAL:
        misses.append(
            f"- Batch missed by {(batch.ratio.median / BATCH_GOAL - 1):.1%}: detection delay and round trips per task."
        )
    if job.ratio > JOB_GOAL:
        misses.append(
            f"- Large job missed by {job.ratio / JOB_GOAL - 1:.1%}: see the requests in the details (a busy machine "
            "slows every round trip of the 20 tasks per slot)."
        )
    if not _resume_met(job):
        misses.append("- Large job run again: see the details for the time and requests it took.")
    misses += [
        f"- Cold start: `{command}` missed by {cold.httpx_ratios[command].median / GOALS[command] - 1:.1%}: see "
        "the heaviest imports in the details for what loads."
        for command in (IMPORT, HELP)
        if not cold.met(command)
    ]
    if misses:
        lines += ["", "### Missed goals", "", *misses]
    return lines


def cold_start_notes(cold: ColdStartResult) -> list[str]:
    return [
        f"- Cold start: `import kling` and `kling --help` against `{HTTPX}`, the floor of any request (httpx "
        "itself imports click, rich and pygments, for its own command line, when they are installed, as they are "
        "with kling). `import kling` loads nothing else until a name is used (PEP 562); `kling --help` loads "
        f"click and the command tree, not the SDK. `{CLIENT}` is what the first request costs: "
        f"{cold.httpx_ratios[CLIENT].median:.2f}x `import httpx` (the client, the generated models, the spec "
        "validator)."
    ]
