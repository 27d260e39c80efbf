"""``make bench``: run every benchmark, write bench/results.md, print the headline table.

``python -m bench coldstart``: the cold-start part alone (about 30 s), printed; bench/results.md is left as it is.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from . import auth, batch, coldstart, jobs, memory, overhead, report, waiting

RESULTS = Path(__file__).resolve().parent / "results.md"
README = RESULTS.parent.parent / "README.md"
#: The README's Performance table sits between these two lines; make bench rewrites only what is between them.
TABLE_START = "<!-- bench:table:start (make bench writes this table) -->"
TABLE_END = "<!-- bench:table:end -->"


def _update_readme(table: list[str]) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        print(f"README.md has no {TABLE_START!r} ... {TABLE_END!r} block: table not copied", file=sys.stderr)
        return
    block = "\n".join([TABLE_START, *table, TABLE_END])
    README.write_text(text[:start] + block + text[end + len(TABLE_END) :], encoding="utf-8")


def _step(name: str) -> None:
    print(f"[bench] {name} ...", file=sys.stderr, flush=True)


def cold_start_only() -> None:
    _step("cold start")
    cold_result = coldstart.run()
    print("\n".join([*report.cold_start_rows(cold_result), "", *report.cold_start_details(cold_result)]))


def main() -> None:
    if sys.argv[1:] == ["coldstart"]:
        cold_start_only()
        return
    if sys.argv[1:]:
        raise SystemExit(f"usage: python -m bench [coldstart] (not {' '.join(sys.argv[1:])!r})")
    started = time.monotonic()
    _step("SDK overhead (loopback emulator, in memory, profile)")
    overhead_result = overhead.run()
    _step("auth")
    auth_result = auth.run()
    _step("waiting (simulated time)")
    waiting_result = waiting.run()
    _step("batch (3 runs of 100 tasks, emulator in its own process)")
    batch_result = batch.run()
    _step(f"large job ({jobs.ITEMS} items, {jobs.SLOTS} slots: kling images batch, then resumed; about 70 s)")
    job_result = jobs.run()
    _step("memory (batches of 100 and 500 tasks; emulator after 1,000 and 10,000 tasks)")
    memory_result = memory.run()
    _step("cold start")
    cold_result = coldstart.run()
    results = (overhead_result, auth_result, waiting_result, batch_result, memory_result, cold_result, job_result)
    summary = report.summary_rows(*results)
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench`); do not edit by hand. Every figure is a ratio against a "
        "baseline measured in the same run, interleaved with it (median, p25-p75 over the rounds), so a busy "
        "machine moves the absolute times more than the verdicts.",
        "",
        *report.machine(),
        f"- Took {time.monotonic() - started:.0f} s",
        "",
        *summary,
        "",
        *report.notes(*results),
        "",
        *report.details(*results),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    _update_readme(summary)
    print("\n".join(summary))
    print(f"\nwritten to {RESULTS} (and the table to README.md)", file=sys.stderr)


if __name__ == "__main__":
    main()
