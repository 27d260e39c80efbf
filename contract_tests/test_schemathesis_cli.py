"""`make contract-cli`: the schemathesis CLI, run as a user runs it, is green against the emulator.

It reads ./schemathesis.toml from the repository root, as the in-process suite does
(emulator/kling_emulator_tests/test_schemathesis.py), so both are green for the same stated reasons, and both run
every operation of the spec: the emulator serves them all, so the file turns none off (the in-process suite
checks that one turned off is one the emulator does not serve). Few examples here: `make contract-cli` runs
schemathesis's defaults.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from kling_spec import load_spec

ROOT = Path(__file__).resolve().parents[1]


def _turned_off() -> set[str]:
    """The operationIds schemathesis.toml turns off (`[[operations]]` with `enabled = false`), read here on its own."""
    with (ROOT / "schemathesis.toml").open("rb") as settings:
        entries = tomllib.load(settings).get("operations", [])
    off: set[str] = set()
    for entry in entries:
        if entry.get("enabled", True) is False:
            names = entry["include-operation-id"]
            off.update([names] if isinstance(names, str) else names)
    return off


def test_the_cli_run_against_the_emulator_is_green_with_the_shared_config() -> None:
    run = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "scripts" / "contract_cli.py"), "--max-examples", "3", "--seed", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert f"Configuration:    {ROOT / 'schemathesis.toml'}" in output
    # schemathesis applied the file's selection: every operation of the spec but those it turns off, each tested.
    total = sum(1 for _ in load_spec().operations())
    off = _turned_off()
    # None is left out: the emulator serves every operation of the spec (the in-process suite's
    # test_no_operation_is_left_out_without_reason probes each, and says which reason a left-out one needs).
    assert off == set(), f"schemathesis.toml turns off {sorted(off)}: the CLI run no longer tests them"
    run_count = total - len(off)
    assert f"Operations:       {run_count} selected / {total} total" in output
    assert f"Tested: {run_count}\n" in output
    # ... and the script names what is left out before the run.
    named = [line for line in output.splitlines() if line.startswith("not run, the emulator does not serve them yet")]
    assert [set(line.partition("): ")[2].split(", ")) for line in named] == ([off] if off else [])
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in output, phase
    assert " passed" in output
    assert "failure" not in output.lower()
    assert "eyJ" not in output  # the token goes in a header, never in the report
