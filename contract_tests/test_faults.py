"""The fault-injection suite under pytest: every fault family, sync and async, 50 tasks each.

Each run must end with every task accounted for (its task, or a typed KlingError naming it) and exactly one
server-side task per task the client got back, never two (see contract_tests/faults.py). The summary table of
every run is printed at the end of the session, whatever the verbosity and without ``-s``.
"""

from __future__ import annotations

import pytest

from .faults import MODES, SCENARIOS, Mode, Run, Scenario, run, table

_RUNS: list[Run] = []
_PLUGIN_NAME = "kling-fault-table"


class _FaultTable:
    """Prints the table in pytest's terminal summary."""

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if _RUNS:
            terminalreporter.write_sep("=", "fault injection: what the server saw")
            order = {(s.name, m): i for i, (s, m) in enumerate((s, m) for s in SCENARIOS for m in MODES)}
            terminalreporter.write_line(table(sorted(_RUNS, key=lambda r: order[(r.scenario.name, r.mode)])))


@pytest.fixture(scope="module", autouse=True)
def _summary_table(request: pytest.FixtureRequest) -> None:
    manager = request.config.pluginmanager
    if not manager.has_plugin(_PLUGIN_NAME):
        manager.register(_FaultTable(), _PLUGIN_NAME)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_every_task_is_accounted_for_and_none_is_created_twice(scenario: Scenario, mode: Mode) -> None:
    outcome = run(scenario, mode)
    _RUNS.append(outcome)

    assert outcome.problems() == []
    assert outcome.duplicates == 0
    assert len(outcome.results) == scenario.tasks >= 50
