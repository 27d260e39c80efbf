"""The fault-injection table at the end of a pytest run, with or without xdist (``make test`` runs two workers).

``test_faults.py`` records each run's row on its test report (``record_property(FAULT_ROW, (order, row))``);
reports travel from the xdist workers to the controlling process, where this plugin (loaded by the root
``conftest.py``) gathers them and prints the table in the terminal summary, whatever the verbosity and without
``-s``. A table kept in a test module's memory would stay in the worker that ran it and never be printed.
"""

from __future__ import annotations

from typing import Final, cast

import pytest

#: The user property holding one run's row: ``(its place in the table, the markdown row)``.
FAULT_ROW: Final = "kling_fault_row"
TITLE: Final = "fault injection: what the server saw"
_PLUGIN_NAME: Final = "kling-fault-table"


class FaultTable:
    """Collects the rows from the reports (the workers' included) and prints them once, in order."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call":  # the setup and teardown reports carry the same properties
            return
        for name, value in report.user_properties:
            if name == FAULT_ROW:
                order, row = cast("tuple[int, str]", value)
                self.rows.append((int(order), str(row)))

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.rows:
            return
        from contract_tests.faults import HEADER  # only when there is a table: it loads the SDK and the emulator

        terminalreporter.write_sep("=", TITLE)
        terminalreporter.write_line(HEADER)
        terminalreporter.write_line("|" + "---|" * HEADER.count(" | ") + "---|")
        for _, row in sorted(self.rows):
            terminalreporter.write_line(row)


def pytest_configure(config: pytest.Config) -> None:
    # In the controlling process only: an xdist worker's terminal output is never shown.
    if not hasattr(config, "workerinput") and not config.pluginmanager.has_plugin(_PLUGIN_NAME):
        config.pluginmanager.register(FaultTable(), _PLUGIN_NAME)
