"""`make contract-cli`: the schemathesis CLI, run as a user runs it, is green against the emulator.

It reads ./schemathesis.toml from the repository root, as the in-process suite does
(emulator/kling_emulator_tests/test_schemathesis.py), so both are green for the same stated reasons. Few examples
here: `make contract-cli` runs schemathesis's defaults.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in output, phase
    assert " passed" in output
    assert "failure" not in output.lower()
    assert "eyJ" not in output  # the token goes in a header, never in the report
