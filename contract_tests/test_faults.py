"""The fault-injection suite under pytest: every fault family, sync and async, 50 tasks each.

Each run must end with every task accounted for (its task, or a typed KlingError naming it) and exactly one
server-side task per task the client got back, never two (see contract_tests/faults.py). Each run's row of the
summary table is recorded on its test report, and ``contract_tests/fault_table.py`` prints the table at the end
of the session, whatever the verbosity, without ``-s`` and under xdist (``make test``) too.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .fault_table import FAULT_ROW
from .faults import MODES, SCENARIOS, Mode, Scenario, run, table_row

#: Each run's place in the table: the scenarios in their order, sync before async.
_ORDER = {
    (scenario.name, mode): index for index, (scenario, mode) in enumerate((s, m) for s in SCENARIOS for m in MODES)
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_every_task_is_accounted_for_and_none_is_created_twice(
    scenario: Scenario, mode: Mode, record_property: Callable[[str, object], None]
) -> None:
    outcome = run(scenario, mode)
    # Recorded before the checks: a failing run has its row in the table too.
    record_property(FAULT_ROW, (_ORDER[(scenario.name, mode)], table_row(outcome)))

    assert outcome.problems() == []
    assert outcome.duplicates == 0
    assert len(outcome.results) == scenario.tasks >= 50
