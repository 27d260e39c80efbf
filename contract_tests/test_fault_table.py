"""The fault table reaches the terminal under xdist (``make test``'s two workers) and without it.

A pytest run in a temporary folder, with the plugin and two tests that record rows as ``test_faults.py`` does
(the real fault runs take a minute: their rows are what this plugin carries, not what it checks).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .fault_table import FAULT_ROW, TITLE
from .faults import HEADER

ROOT = Path(__file__).resolve().parents[1]

RECORDING_TESTS = f"""\
import pytest


@pytest.mark.parametrize("order", [1, 0])
def test_a_run(order, record_property):
    record_property({FAULT_ROW!r}, (order, f"| run {{order}} |"))
    assert order == 1 or order == 0
"""


def test_the_root_conftest_loads_the_plugin(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.has_plugin("contract_tests.fault_table")


@pytest.mark.parametrize("workers", [["-n", "2"], ["-p", "no:xdist"]], ids=["xdist", "one-process"])
def test_the_table_is_printed_once_in_order(tmp_path: Path, workers: list[str]) -> None:
    (tmp_path / "test_recording.py").write_text(RECORDING_TESTS, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_ADDOPTS", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own test file
        [sys.executable, "-m", "pytest", "-p", "contract_tests.fault_table", "-p", "no:cacheprovider", *workers],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    [title] = [index for index, line in enumerate(lines) if TITLE in line]
    assert lines[title + 1] == HEADER
    assert lines[title + 3 : title + 5] == ["| run 0 |", "| run 1 |"]
    assert result.stdout.count("| run 0 |") == 1
